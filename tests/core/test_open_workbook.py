"""Opening a workbook with VetDesk (file manager, Explorer, `vetdesk FILE`): what each office does."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from vetdesk.services.open_workbook import OpenRoute, plan_open
from vetdesk.workbook.meta import (
    KIND_DRAFT,
    KIND_EXPORT,
    KIND_PACKAGE,
    KIND_RECEIPT,
    KIND_TASK,
    KIND_TEMPLATE,
    WorkbookMeta,
    write_meta,
)


def _workbook(tmp_path: Path, kind: str | None, name: str = "book.xlsx") -> Path:
    workbook = Workbook()
    workbook.active.append(["学校标识码", "学校名称"])
    if kind is not None:
        write_meta(workbook, WorkbookMeta(kind, 1, {"period": "2025"}))
    path = tmp_path / name
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("kind", "county_route"),
    [
        (KIND_TEMPLATE, OpenRoute.IMPORT_DATA),
        (KIND_EXPORT, OpenRoute.IMPORT_DATA),
        (KIND_DRAFT, OpenRoute.IMPORT_DATA),
        (KIND_PACKAGE, OpenRoute.IMPORT_DATA),
        (KIND_TASK, OpenRoute.IMPORT_TASK),
        (KIND_RECEIPT, OpenRoute.IMPORT_RECEIPT),
        (None, OpenRoute.IMPORT_DATA),
        ("something-newer", OpenRoute.REFUSED),
    ],
)
def test_county_routes_by_the_workbooks_own_metadata(
    tmp_path: Path, kind: str | None, county_route: OpenRoute
) -> None:
    path = _workbook(tmp_path, kind)
    plan = plan_open(path, is_city=False)
    assert plan.kind == kind
    assert plan.route is county_route
    assert path.name in plan.message


@pytest.mark.parametrize(
    "kind", [KIND_TEMPLATE, KIND_EXPORT, KIND_DRAFT, KIND_TASK, KIND_RECEIPT, None]
)
def test_city_opens_only_county_packages(tmp_path: Path, kind: str | None) -> None:
    plan = plan_open(_workbook(tmp_path, kind), is_city=True)
    assert plan.refused
    assert "上报数据包" in plan.message


def test_city_lists_a_package_in_its_inbox(tmp_path: Path) -> None:
    plan = plan_open(_workbook(tmp_path, KIND_PACKAGE, "630222-2025-1.xlsx"), is_city=True)
    assert plan.route is OpenRoute.INBOX
    assert not plan.refused
    assert "630222-2025-1.xlsx" in plan.message


def test_a_file_that_is_not_a_workbook_is_refused_with_the_gates_reason(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    for is_city in (False, True):
        plan = plan_open(path, is_city=is_city)
        assert plan.refused
        assert plan.kind is None
        assert "notes.xlsx" in plan.message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    plan = plan_open(tmp_path / "gone.xlsx", is_city=False)
    assert plan.refused
    assert "gone.xlsx" in plan.message


def _fake_gui(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    import vetdesk.ui.app as app_module

    seen: dict[str, object] = {}

    def fake_run_app(**kwargs: object) -> int:
        seen.update(kwargs)
        return 0

    monkeypatch.setattr(app_module, "run_app", fake_run_app)
    monkeypatch.setenv("DISPLAY", ":0")
    return seen


def test_vetdesk_file_opens_the_gui_with_that_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vetdesk.cli import main

    seen = _fake_gui(monkeypatch)
    path = _workbook(tmp_path, KIND_TASK, "任务包 2025.XLSX")
    assert main(["--db", "county.db", str(path)]) == 0
    assert seen["open_workbook"] == path
    assert seen["db"] == "county.db"


def test_vetdesk_without_a_file_opens_no_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    from vetdesk.cli import main

    seen = _fake_gui(monkeypatch)
    assert main(["--lang", "en"]) == 0
    assert seen["open_workbook"] is None


def test_a_workbook_before_a_sub_command_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vetdesk.cli import main

    assert main([str(tmp_path / "a.xlsx"), "check", "--db", "x.db", "--period", "2025"]) == 2
    assert "子命令之后" in capsys.readouterr().err


def test_sub_commands_keep_their_own_workbook_arguments() -> None:
    from vetdesk.cli import opened_workbook

    args = ["import", "--db", "c.db", "filled.xlsx"]
    assert opened_workbook(args) == (args, None)
    assert opened_workbook(["--db", "book.xlsx"]) == (["--db", "book.xlsx"], None)
    assert opened_workbook(["--lang", "en", "r.xlsx"]) == (["--lang", "en"], "r.xlsx")


def test_without_a_display_the_workbook_gets_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vetdesk.cli import main

    monkeypatch.setattr("sys.platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    path = _workbook(tmp_path, KIND_RECEIPT, "回执.xlsx")
    assert main(["--db", "county.db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "没有图形显示" in err
    assert f"vetdesk receipt import --db {Path('county.db').absolute()} {path}" in err


def _without_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_display_the_city_gets_only_what_it_may_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    city_db: Path,
) -> None:
    # A new user was told to `vetdesk import` a county's package into the city database,
    # which the write policy refuses (and a template likewise).
    from vetdesk.cli import main

    _without_display(monkeypatch)
    package = _workbook(tmp_path, KIND_PACKAGE, "互助县-2025.xlsx")
    assert main(["--db", str(city_db), str(package)]) == 1
    err = capsys.readouterr().err
    assert f"vetdesk verify --db {city_db.absolute()} {package}" in err
    assert f"vetdesk merge --dry-run --db {city_db.absolute()} {package}" in err
    assert "vetdesk import" not in err
    template = _workbook(tmp_path, KIND_TEMPLATE, "职校.xlsx")
    assert main(["--db", str(city_db), str(template)]) == 1
    err = capsys.readouterr().err
    assert "vetdesk import" not in err and "市级数据库只接收县区的上报数据包" in err


def test_without_a_display_an_ordinary_workbook_is_imported_into_the_newest_period(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    county_db: Path,
) -> None:
    # An ordinary workbook carries no period: the printed import needs --period to run.
    from vetdesk.cli import main

    _without_display(monkeypatch)
    plain = _workbook(tmp_path, None, "plain.xlsx")
    assert main(["--db", str(county_db), str(plain)]) == 1
    err = capsys.readouterr().err
    assert f"vetdesk import --period 2025 --db {county_db.absolute()} {plain}" in err
