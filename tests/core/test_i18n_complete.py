"""Every message of the Qt-free core has an English translation, and English works end to end."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”]")


def _load_checker():
    path = ROOT / "scripts" / "i18n_check.py"
    spec = importlib.util.spec_from_file_location("vetdesk_i18n_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


checker = _load_checker()


@pytest.fixture(scope="module")
def report():
    return checker.check()


def test_no_message_is_missing(report):
    missing = [f"{message!r} ({report.messages[message][0]})" for message in report.missing]
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_placeholders_match(report):
    assert not report.mismatched, "\n".join(
        f"{source}: {message!r} -> {translation!r}"
        for message, translation, source in report.mismatched
    )


def test_scan_covers_the_core_but_not_the_gui(report):
    assert len(report.messages) > 300
    assert "错误：{msg}" in report.messages  # vetdesk/cli/common.py
    paths = {loc.path for locations in report.messages.values() for loc in locations}
    assert any(p.startswith("vetdesk/workbook/") for p in paths)
    assert not any(p.startswith("vetdesk/ui/") for p in paths)


def test_extraction_rules(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "from vetdesk.i18n import N_, _\n"
        'TITLE = "标题"\n'
        'TABLE = {"a": "甲", "b": "乙"}\n'
        'x = _("第一部分"\n'
        '      "第二部分")\n'
        'y = N_("已标记 {n}")\n'
        "z = _(TITLE) + _(TABLE.get(key, key)) + _(variable)\n"
        'w = _("条件" if flag else "其他")\n'
        'f = _(f"动态{x}")\n'
        'other("不是消息")\n',
        encoding="utf-8",
    )
    found, dynamic = checker.extract(source)
    assert {m for m, _ in found} == {
        "第一部分第二部分",
        "已标记 {n}",
        "标题",
        "甲",
        "乙",
        "条件",
        "其他",
    }
    assert len(dynamic) == 1 and "动态" in dynamic[0][1]


def test_placeholder_comparison():
    assert checker.same_placeholders("第 {row} 行", "row {row}")
    assert checker.same_placeholders("{a}，{b}", "{b} and {a}")
    assert not checker.same_placeholders("第 {row} 行", "row {line}")
    assert not checker.same_placeholders("第 {row} 行", "row")
    assert not checker.same_placeholders("{n:,} 条", "{n} records")
    assert not checker.same_placeholders("第 {row} 行", "row {row")  # not a valid format string
    assert checker.same_newlines("结果\n", "Results\n")
    assert not checker.same_newlines("结果\n", "Results")


def test_translations_keep_line_breaks(report):
    assert not report.newlines, report.newlines


def test_report_and_write_missing(tmp_path):
    package = tmp_path / "pkg"
    (package / "ui").mkdir(parents=True)
    (package / "mod.py").write_text(
        'from vetdesk.i18n import _\n_("甲 {n}")\n_("乙")\n_("丙")\n', encoding="utf-8"
    )
    (package / "ui" / "view.py").write_text('_("界面文字")\n', encoding="utf-8")
    catalogues = tmp_path / "en"
    catalogues.mkdir()
    (catalogues / "a.json").write_text(
        json.dumps({"甲 {n}": "A {count}", "旧": "old", "丙": ""}, ensure_ascii=False),
        encoding="utf-8",
    )
    files = checker.source_files(package, [package / "ui"])
    result = checker.check(files, catalogues)
    assert not result.ok
    assert sorted(result.missing) == ["丙", "乙"]  # an empty value counts as missing
    assert [m for m, _, _ in result.mismatched] == ["甲 {n}"]
    assert [m for m, _ in result.stale] == ["旧"]
    target = catalogues / "b.json"
    assert checker.write_missing(target, result.missing) == 2
    assert json.loads(target.read_text(encoding="utf-8")) == {"乙": "", "丙": ""}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vetdesk", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )


def test_english_error_for_a_missing_period(county_db):
    result = _run("--lang", "en", "check", "--db", str(county_db), "--period", "2019")
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.startswith("Error:"), message
    assert "2019" in message and "reporting period" in message
    assert not CJK.search(message), message


def test_english_help():
    result = _run("--lang", "en", "check", "--help")
    assert result.returncode == 0
    assert "Reporting year" in result.stdout
    assert "Path of the database file" in result.stdout
    assert not CJK.search(result.stdout), result.stdout
