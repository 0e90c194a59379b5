"""The action registry: every action of the main window is declared once with its enabled rule."""

from __future__ import annotations

from vetdesk.ui import actions
from vetdesk.ui.actions import ACTIONS, MENU_LAYOUT, SPECS, Decision


def test_every_declared_action_is_built_and_placed(county_window):
    window = county_window
    in_menus = {a for menu in window.menus.values() for a in menu.actions()}
    for spec in ACTIONS:
        action = getattr(window, f"act_{spec.name}")
        assert action is window.actions_by_name[spec.name]
        assert action.text() == spec.text() or spec.name in ("undo", "redo")
        assert action in in_menus, spec.name
    placed = {n for layout in MENU_LAYOUT.values() for n in layout if n}
    assert placed | {s.name for s in ACTIONS if s.menu == "exchange"} == set(SPECS)


def test_a_disabled_action_says_why(window_factory, city_db):
    """The city's record tables are read-only; the actions say so, not only the page buttons."""
    window = window_factory(city_db)
    window.show_page("teacher")
    window.update_actions()
    reason = "市级数据库的数据来自各县区的上报包"
    assert not window.act_add.isEnabled() and reason in window.act_add.toolTip()
    assert not window.act_paste.isEnabled() and reason in window.act_paste.toolTip()


def test_the_rule_in_the_registry_decides(county_window, monkeypatch):
    """An action is enabled by its rule alone: change the rule, and the window follows."""
    window = county_window
    window.update_actions()
    assert window.act_import.isEnabled()
    refused = Decision(False, "统计期已锁定")
    specs = dict(SPECS)
    specs["import"] = SPECS["import"]._replace(enabled=lambda _w: refused)
    monkeypatch.setattr(actions, "SPECS", specs)

    window.update_actions()

    assert not window.act_import.isEnabled()
    assert window.act_import.toolTip() == "统计期已锁定"
    monkeypatch.undo()
    window.update_actions()
    assert window.act_import.isEnabled()
