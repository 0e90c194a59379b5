"""The one English catalogue is complete and up to date, and English works end to end.

Every message of VetDesk, core and GUI, is extracted by Babel (``babel.cfg``) into
``resources/i18n/en/LC_MESSAGES/vetdesk.po``; these tests run the maintainer's own extract
command and read the catalogue with Babel.
"""

import ast
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from vetdesk import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "vetdesk"
PO = ROOT / "resources" / "i18n" / "en" / "LC_MESSAGES" / "vetdesk.po"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”]")
BRACED = re.compile(r"\{[^{}]*\}")
MARKERS = {"_", "N_", "gettext", "ngettext", "pgettext", "npgettext"}

Key = tuple[str | None, str]


def _key(message) -> Key:
    source = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context, source)


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale="en", domain="vetdesk")


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    return _read(PO)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A fresh extraction, as README's maintainer command makes it."""
    pot = tmp_path_factory.mktemp("pot") / "vetdesk.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "--omit-header",
            "-o",
            str(pot),
            str(PACKAGE),
        ]
    )
    return _read(pot)


# --- the checks, as functions so that they can be shown to catch what they should ---------


def untranslated(catalogue: Catalog) -> list[str]:
    """Messages with an empty English form, or marked fuzzy (gettext ignores those)."""
    return [repr(_key(m)) for m in catalogue if m.id and (m.fuzzy or not all(_forms(m)))]


def placeholders(text: str) -> frozenset[str] | None:
    """The replacement fields of a format string, or None when it is not one."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    return frozenset(
        "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        for _literal, name, spec, conv in parsed
        if name is not None
    )


def same_placeholders(source: str, translation: str) -> bool:
    """Whether a translation keeps the source's ``{placeholders}`` exactly."""
    wanted = placeholders(source)
    if wanted is None:  # not a format string (stray braces): compare the braced pieces
        return sorted(BRACED.findall(source)) == sorted(BRACED.findall(translation))
    return placeholders(translation) == wanted


def mismatched(catalogue: Catalog) -> list[str]:
    """Translations whose placeholders or outer line breaks differ from the source."""
    bad = []
    for message in catalogue:
        if not message.id:
            continue
        source = _key(message)[1]
        for form in filter(None, _forms(message)):
            if not same_placeholders(source, form):
                bad.append(f"placeholders: {source!r} -> {form!r}")
            if (source.startswith("\n"), source.endswith("\n")) != (
                form.startswith("\n"),
                form.endswith("\n"),
            ):
                bad.append(f"line breaks: {source!r} -> {form!r}")
    return bad


def out_of_date(catalogue: Catalog, template: Catalog) -> tuple[list[Key], list[Key]]:
    """Messages in the code but not in the catalogue, and the reverse."""
    wanted = {_key(m) for m in template if m.id}
    have = {_key(m) for m in catalogue if m.id}
    return sorted(wanted - have, key=str), sorted(have - wanted, key=str)


# --- the catalogue ------------------------------------------------------------------------


def test_every_message_has_english(catalogue):
    assert len(catalogue) > 1500
    missing = untranslated(catalogue)
    assert not missing, "messages without English (or fuzzy):\n" + "\n".join(missing)


def test_translations_keep_placeholders_and_line_breaks(catalogue):
    bad = mismatched(catalogue)
    assert not bad, "\n".join(bad)


def test_a_fresh_extract_adds_nothing(catalogue, extracted):
    added, stale = out_of_date(catalogue, extracted)
    hint = "run the commands of README's 'Translations' section (pybabel extract and update)"
    assert not added, f"not in the catalogue yet ({hint}):\n" + "\n".join(map(str, added))
    assert not stale, f"no longer in the code ({hint}):\n" + "\n".join(map(str, stale))


def test_the_extract_covers_core_and_gui(extracted):
    files = {path for m in extracted for path, _line in m.locations}
    assert any("vetdesk/cli/" in f for f in files)
    assert any("vetdesk/workbook/" in f for f in files)
    assert any("vetdesk/ui/" in f for f in files)
    keys = {_key(m) for m in extracted}
    assert (None, "错误：{msg}") in keys  # vetdesk/cli/common.py
    assert ("RecordPage", "删除") in keys  # a GUI message with its own English


def test_the_checks_catch_what_they_should():
    bad = Catalog(locale="en", domain="vetdesk")
    bad.add("甲", "")
    bad.add("乙", "B", flags=("fuzzy",))
    bad.add("第 {row} 行", "row {line}")
    bad.add("结果\n", "Results")
    bad.add(("共 {n} 条", "共 {n} 条"), ("{n} row", ""))
    bad.add("好", "Good")
    assert untranslated(bad) == [repr((None, "甲")), repr((None, "乙")), repr((None, "共 {n} 条"))]
    assert mismatched(bad) == [
        "placeholders: '第 {row} 行' -> 'row {line}'",
        "line breaks: '结果\\n' -> 'Results'",
    ]
    template = Catalog()
    template.add("好")
    template.add("新")
    assert out_of_date(bad, template) == (
        [(None, "新")],
        sorted({(None, m) for m in ("甲", "乙", "第 {row} 行", "结果\n", "共 {n} 条")}, key=str),
    )
    assert same_placeholders("{a}，{b}", "{b} and {a}")
    assert not same_placeholders("{n:,} 条", "{n} records")
    assert not same_placeholders("第 {row} 行", "row {row")


# --- the code -----------------------------------------------------------------------------


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node


def test_one_idiom_and_no_old_catalogue_is_left():
    """No Qt translation call (``tr``, ``translate``, a ``_tr`` helper), JSON or .ts catalogue."""
    left = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(path):
            func = call.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            # Qt's forms: _tr("…"), x.tr("…"), QCoreApplication.translate("Ctx", "…")
            # (str.translate takes a table, never a literal).
            literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args]
            if (name in ("_tr", "tr") and literal[:1] == [True]) or (
                name == "translate" and literal[:2] == [True, True]
            ):
                left.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)[:80]}")
    old = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "resources" / "i18n").rglob("*")
        if p.suffix in (".json", ".ts", ".qm")
    ]
    assert not left and not old, "run /work/tools/i18n_convert.py:\n" + "\n".join(left + old)


def test_every_marked_message_is_a_literal_babel_can_read():
    """``_("a" if c else "b")`` would be extracted as "ab", an f-string never matches."""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(path):
            if isinstance(call.func, ast.Name) and call.func.id in MARKERS:
                for arg in call.args:
                    if isinstance(arg, ast.IfExp | ast.JoinedStr | ast.BinOp):
                        bad.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)}")
    assert not bad, "\n".join(bad)


# --- at run time --------------------------------------------------------------------------


def test_contexts_and_plurals_at_run_time():
    i18n.set_language("en")
    try:
        assert i18n._("删除") == "Removed"  # the change preview's word
        assert i18n.pgettext("RecordPage", "删除") == "Delete"  # the button
        assert i18n.ngettext("共 {n} 条", "共 {n} 条", 1).format(n=1) == "1 row"
        assert i18n.ngettext("共 {n} 条", "共 {n} 条", 3).format(n=3) == "3 rows"
        assert i18n.translate_to("zh", "删除") == "删除"
    finally:
        i18n.set_language("zh")
    assert i18n.pgettext("RecordPage", "删除") == "删除"
    assert i18n.ngettext("共 {n} 条", "共 {n} 条", 3).format(n=3) == "共 3 条"
    assert i18n.translate_to("en", "删除") == "Removed"


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
