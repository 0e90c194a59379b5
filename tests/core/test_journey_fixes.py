"""Dead ends a new user met (issue 19), each fixed and kept fixed."""

from __future__ import annotations

import datetime as dt
import itertools

import openpyxl
import pytest

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.domain.enums import BaseStatus, MajorStatus
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.workbook.schema import BASES, MAJORS
from vetdesk.workbook.template import write_template

PASS = "correct horse battery"


def _list_values(wb: openpyxl.Workbook, sheet_title: str, header: str) -> list[str]:
    ws = wb[sheet_title]
    letter = next(c.column_letter for c in ws[1] if str(c.value).lstrip("*") == header)
    [validation] = [
        dv
        for dv in ws.data_validations.dataValidation
        if dv.type == "list" and any(str(r).startswith(letter + "2") for r in dv.sqref.ranges)
    ]
    # '_lists'!$C$1:$C$5
    ref = validation.formula1.split("!")[1].replace("$", "")
    lists = wb["_lists"]
    return [c.value for row in lists[ref] for c in row]


def test_each_status_column_offers_its_own_choices(county_db, tmp_path):
    db = open_database(county_db)
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path)
    db.close()
    wb = openpyxl.load_workbook(path)
    assert _list_values(wb, BASES.title, "建设状态") == [m.label_zh for m in BaseStatus]
    assert _list_values(wb, MAJORS.title, "专业状态") == [m.label_zh for m in MajorStatus]


def test_template_instructions_do_not_contradict_themselves(county_db, tmp_path):
    db = open_database(county_db)
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path)
    db.close()
    first = next(
        str(c.value)
        for c in openpyxl.load_workbook(path)["填表说明"]["A"]
        if str(c.value)[:2] == "1."
    )
    assert not ("调换" in first and "顺序可以调整" in first)


def test_a_relative_data_folder_signs_from_any_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VETDESK_DATA_DIR", "data")
    monkeypatch.setenv("VETDESK_PASSPHRASE", PASS)
    assert main(["demo", "--db", "county.db", "--period", "2025"]) == 0
    assert main(["key", "init", "--db", "county.db"]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = elsewhere / "package.xlsx"
    code = main(["export", "--db", str(tmp_path / "county.db"), "--period", "2025",
                 "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert out.exists()


def test_demo_city_in_a_relative_folder_prints_a_command_that_works_anywhere(
    tmp_path, monkeypatch, capsys
):
    from vetdesk.services.demo_world import build_demo_world, open_command

    monkeypatch.chdir(tmp_path)
    world = build_demo_world(tmp_path.joinpath("world").relative_to(tmp_path), year=2025)
    command = open_command(world)
    assert str(tmp_path / "world" / "data") in command
    assert str(tmp_path / "world" / "city.db") in command


def test_another_countys_file_gets_one_message(county_db, tmp_path, capsys):
    db = open_database(county_db)
    path = tmp_path / "互助.xlsx"
    write_template(db, 2025, path)
    db.close()
    other = tmp_path / "ledu.db"
    main(["init", "--db", str(other), "--role", "county", "--unit", "630202", "--operator", "王"])
    main(["period", "add", "--db", str(other), "--period", "2025"])
    capsys.readouterr()
    assert main(["import", "--db", str(other), str(path)]) == 1
    out = capsys.readouterr().out
    assert "发现 1 个问题" in out and "文件属于单位 630223" in out
    assert "新增" not in out.split("发现")[0]  # no preview of rows meant for another county
    assert "工作表“”" not in out


def test_importing_a_task_package_names_the_kind_in_words(tmp_path):
    from vetdesk.workbook.importer import _check_meta
    from vetdesk.workbook.meta import WorkbookMeta
    from vetdesk.workbook.reader import WorkbookContent

    content = WorkbookContent("任务.xlsx", WorkbookMeta("task", 1, {"period": "2025"}), {}, [])
    messages = [issue.message for issue in _check_meta(content, _FakeDb())]
    assert messages and "任务包" in messages[0] and "task" not in messages[0]


class _FakeDb:
    def info(self):
        from vetdesk.db.database import DatabaseInfo

        return DatabaseInfo("county", "630223", "互助土族自治县", "张", None)


def test_no_display_says_so_names_the_database_and_how_to_take_screenshots(
    county_db, monkeypatch, capsys
):
    monkeypatch.setattr("sys.platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--db", str(county_db)]) == 1
    err = capsys.readouterr().err
    assert "没有图形显示" in err
    assert str(county_db.absolute()) in err
    assert "--screenshot" in err


def test_display_detection():
    from vetdesk.cli.display import has_display

    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert has_display({}, "win32")


def test_lang_option_reaches_the_gui(county_db, monkeypatch):
    import vetdesk.ui.app as app_module

    seen = {}

    def fake_run_app(**kwargs):
        seen.update(kwargs)
        return 0

    monkeypatch.setattr(app_module, "run_app", fake_run_app)
    monkeypatch.setenv("DISPLAY", ":0")
    assert main(["--lang", "en", "--db", str(county_db)]) == 0
    assert seen["language"] == "en"


def test_english_messages_name_sheets_that_exist_in_the_workbook(county_db, tmp_path):
    from vetdesk import i18n
    from vetdesk.workbook.schema import TEACHERS

    i18n.set_language("en")
    db = open_database(county_db)
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path)
    db.close()
    shown = TEACHERS.sheet_title
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert TEACHERS.title in names  # the workbook keeps its Chinese sheet names
    assert shown.startswith(TEACHERS.title + " (") and shown != TEACHERS.title


def test_version_does_not_load_the_application():
    import subprocess
    import sys

    code = (
        "import sys; from vetdesk.cli import main; main(['--version']);"
        "print(sorted(m for m in ('sqlalchemy', 'openpyxl', 'vetdesk.services.check')"
        " if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines() == [f"VetDesk {__import__('vetdesk').__version__}", "[]"]


def test_a_fingerprint_typed_with_hyphens_or_chinese_commas_matches():
    from vetdesk.signing.trust import fingerprints_match

    actual = "12345 67890 12345 67890 12345 67890 12345 67890"
    assert fingerprints_match("12345-67890-12345-67890-12345-67890-12345-67890", actual)
    assert fingerprints_match("12345，67890，12345，67890，12345，67890，12345，67890", actual)
    assert fingerprints_match("12345、67890、12345、67890 12345.67890.12345.67890", actual)
    assert not fingerprints_match("12345-67890-12345-67890-12345-67890-12345-67891", actual)
    assert not fingerprints_match("12345a67890 12345 67890 12345 67890 12345 67890", actual)


def test_key_init_has_a_description(capsys):
    import pytest

    with pytest.raises(SystemExit):
        from vetdesk.cli import build_parser

        build_parser().parse_args(["key", "init", "--help"])
    out = capsys.readouterr().out
    assert "指纹" in out and "trust add" in out


def test_dry_run_counts_rows_refused_by_cross_checks_as_refused_not_added(
    county_db, tmp_path, capsys
):
    from vetdesk.workbook.schema import TEACHERS

    db = open_database(county_db)
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path, school_code="3663230000")
    db.close()
    wb = openpyxl.load_workbook(path)
    ws = wb[TEACHERS.title]
    column = {c.key: n for n, c in enumerate(TEACHERS.columns, start=1)}
    row = ws.max_row + 1
    for key, value in {
        "school_code": "3663239999",  # not registered here
        "name": "新教师",
        "id_number": generate_id_number("630223", dt.date(1990, 5, 6), 7, "女"),
        "role": "实习指导教师",
        "education": "本科",
        "title": "中级",
    }.items():
        ws.cell(row, column[key], value)
    wb.save(path)
    capsys.readouterr()
    assert main(["import", "--db", str(county_db), str(path), "--dry-run", "--json"]) == 1
    plan = __import__("json").loads(capsys.readouterr().out)
    assert any(i["code"] == "unknown_school" for i in plan["issues"]), plan["issues"]
    summary = plan["summary"]["teachers"]
    assert summary["added"] == 0 and summary["rejected"] == 1


def test_the_returned_workbook_names_each_refused_row_and_prints_to_the_page_width(
    county_db, tmp_path, capsys
):
    from vetdesk.workbook.schema import TEACHERS

    db = open_database(county_db)
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path, school_code="3663230000")
    db.close()
    wb = openpyxl.load_workbook(path)
    ws = wb[TEACHERS.title]
    column = {c.key: n for n, c in enumerate(TEACHERS.columns, start=1)}
    ws.cell(2, column["id_number"], "630223198001010013")  # wrong check digit
    name = ws.cell(2, column["name"]).value
    wb.save(path)
    out = tmp_path / "退回.xlsx"
    assert main(["import", "--db", str(county_db), str(path), "--annotate", str(out)]) == 1
    summary = openpyxl.load_workbook(out)["导入问题清单"]
    headers = [c.value for c in summary[1]]
    assert "姓名/名称" in headers
    [row] = list(summary.iter_rows(min_row=2, values_only=True))
    assert row[headers.index("姓名/名称")] == name
    assert summary.page_setup.fitToWidth == 1 and summary.page_setup.fitToHeight == 0
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary.page_setup.orientation == "landscape"


def test_template_header_rows_are_tall_enough_for_their_wrapped_headers(county_db, tmp_path):
    import math

    db = open_database(county_db)
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path)
    db.close()
    wb = openpyxl.load_workbook(path)
    checked = 0
    for title in ("办学条件", "教师名册", "培训项目", "实践中心与工作室"):
        ws = wb[title]
        height = ws.row_dimensions[1].height
        assert height is not None, title
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            text = str(cell.value)
            needed = math.ceil(sum(2 if ord(c) > 0x2E7F else 1 for c in text) / (width - 1))
            assert height >= needed * 15, (title, text, width, height)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    "label",
    [
        "1：办学条件达标学校比例（%）",
        "3：双师型教师占专业课教师比例（%）",
        "4：企业职工、退役军人、农民工培训（人次）",
        "x" * 15 + "（%）",
        "x" * 14 + "（%）",
        "x" * 13 + "，比例（%）",
    ],
)
def test_chart_labels_never_break_inside_brackets(label):
    from vetdesk.reports.charts import _wrap

    lines = _wrap(label, 16).split("\n")
    assert "".join(lines) == label
    for first, second in itertools.pairwise(lines):
        assert second[0] not in "）%，", lines
        assert first[-1] != "（", lines
