"""The 交换 menu: sections keep their order; actions fit the county or the city."""

from __future__ import annotations

from PySide6.QtGui import QAction

from vetdesk.ui.exchangemenu import SECTION_CITY, SECTION_EXCEL, SECTION_KEYS, SECTION_PACKAGES


def _texts(actions):  # type: ignore[no-untyped-def]
    return [a.text() for a in actions if a.isVisible()]


def test_county_menu_sections_and_later_additions(county_window):
    """A county sees templates, import, package, task, receipt; new actions stay in their section."""
    window = county_window
    menu = window.exchange
    assert window.menus["exchange"] is menu.menu
    assert _texts(menu.actions(SECTION_EXCEL)) == [
        "导出学校填报模板(&T)…",
        "导入学校填报表(&I)…",
        "导出全年数据（草稿，不签名）…",
    ]
    packages = _texts(menu.actions(SECTION_PACKAGES))
    assert packages[0] == "导出正式上报包（签名）(&P)…"
    assert "导入市局回执…" in packages and "核验上报包(&V)…" in packages
    assert _texts(menu.actions(SECTION_KEYS)) == ["签名密钥与公钥登记…"]
    # A later screen (the city's inbox) slots into its section without moving the others.
    inbox = QAction("上报包收件箱…", window)
    menu.add(SECTION_CITY, inbox)
    extra = QAction("导出另一种模板…", window)
    menu.add(SECTION_EXCEL, extra)
    # The city's own actions are there but hidden at a county.
    assert menu.actions(SECTION_CITY)[-1] is inbox
    assert _texts(menu.actions(SECTION_CITY)) == ["上报包收件箱…"]
    assert menu.actions(SECTION_EXCEL)[-1] is extra
    assert menu.menu.actions()[-1] is inbox


def test_city_menu_has_no_county_actions(window_factory, city_db):
    """The city verifies packages but exports none and imports no task or receipt."""
    window = window_factory(city_db)
    visible = _texts(window.exchange.menu.actions())
    assert "核验上报包(&V)…" in visible
    assert "导出正式上报包（签名）(&P)…" not in visible
    assert "导入市局任务包…" not in visible and "导入市局回执…" not in visible
    # Schools' workbooks reach the city only inside their county's signed package.
    assert "导入学校填报表(&I)…" not in visible and "导出学校填报模板(&T)…" not in visible
    assert window.dialogs.export_package() is None and window.dialogs.import_workbook() is None
    assert _texts(window.exchange.actions(SECTION_CITY)) == [
        "上报包收件箱（核验、合并、回执）…",
        "上报情况",
        "合并工作簿…",
        "下发任务包（签名）…",
    ]


def test_the_city_does_not_edit_the_counties_records(window_factory, city_db):
    """Merged data is changed by a county's next package, not by hand at the city."""
    from vetdesk.services.entities import TEACHER

    window = window_factory(city_db)
    page = window.record_pages[TEACHER]
    assert page.model.rowCount() > 0
    assert not any(button.isEnabled() for button in page.edit_buttons())
    assert "县区" in page.add_button.toolTip()
    assert window.editor.edit_record(TEACHER, page.model.item(0)) is None
    assert window.dialogs.paste_rows(TEACHER, "x\ty\n") is None
    window.show_page(TEACHER)  # (学校, the registry, the city does edit)
    assert not window.act_paste.isEnabled() and not window.act_add.isEnabled()
