"""Rebuild tests/fixtures/fuzz-corpus/: boundary files and every crash the fuzzers found.

Run from the repository root: ``.venv/bin/python tests/reliability/build_fuzz_corpus.py``
(``--explore`` prints what each case gives without writing). Each case is made from a
fresh template or signed package of the demo county 630223 cut down to six teachers
(small files) and must give its expected outcome before it is written. The packages are signed with a new key whose public half
is stored in cases.json, so that the replay can trust it.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "fixtures" / "fuzz-corpus"
sys.path.insert(0, str(HERE))

from rel_fuzz import apply_one, judge_package, judge_template, run_case  # noqa: E402


@dataclass(frozen=True)
class Case:
    """One corpus file: how it is made and what VetDesk must make of it.

    ``xfail`` names a production bug the case shows (the replay expects it to fail until
    fixed); ``slow`` cases replay in the full run only.
    """

    file: str
    kind: str  # "template" or "package"
    make: Callable[[bytes], bytes]
    expect: tuple[str, ...]
    note: str
    xfail: str = ""
    slow: bool = False


def part(name: str, edit: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Edit one zip entry."""

    def make(data: bytes) -> bytes:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for info in src.infolist():
                payload = src.read(info)
                dst.writestr(info, edit(payload) if info.filename == name else payload)
        return out.getvalue()

    return make


def sub(pattern: str, replacement: str, count: int = 1) -> Callable[[bytes], bytes]:
    """A regular-expression edit of an XML part."""

    def edit(payload: bytes) -> bytes:
        text, n = re.subn(pattern, replacement, payload.decode("utf-8"), count=count, flags=re.S)
        assert n, f"pattern {pattern!r} not found"
        return text.encode("utf-8")

    return edit


def ops(*mutations: tuple[object, ...]) -> Callable[[bytes], bytes]:
    """Apply rel_fuzz mutations."""

    def make(data: bytes) -> bytes:
        for op in mutations:
            data = apply_one(data, op)
        return data

    return make


def last_row(row: int, sheets: range) -> Callable[[bytes], bytes]:
    """One number far down (row ``row``, column A) in each of the given worksheet parts."""

    def make(data: bytes) -> bytes:
        for n in sheets:
            cell = f'<row r="{row}"><c r="A{row}" t="n"><v>1</v></c></row></sheetData>'
            data = part(f"xl/worksheets/sheet{n}.xml", sub("</sheetData>", cell))(data)
        return data

    return make


def deep(levels: int) -> Callable[[bytes], bytes]:
    """Nest an element ``levels`` deep inside the sheet data."""
    return sub(r"<sheetData>", "<sheetData>" + "<x>" * levels + "</x>" * levels)


SHEET = "xl/worksheets/sheet3.xml"  # the template's first data sheet (办学条件)
DTD_LAUGHS = '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'

CASES = [
    Case(
        "template-dtd-in-sheet.xlsx",
        "template",
        part(SHEET, sub(r"(<\?xml[^>]*\?>)?", r"\1" + DTD_LAUGHS)),
        ("refused:xml_dtd",),
        "an entity declaration inside a sheet",
    ),
    Case(
        "template-external-entity.xlsx",
        "template",
        part(
            "xl/workbook.xml",
            sub(r"(<\?xml[^>]*\?>)?", r'\1<!DOCTYPE w SYSTEM "file:///etc/passwd">'),
        ),
        ("refused:xml_dtd",),
        "an external DTD in the workbook part",
    ),
    Case(
        "template-cell-in-column-xfd.xlsx",
        "template",
        part(SHEET, sub(r"</row>", '<c r="XFD2" t="n"><v>1</v></c></row>', count=2)),
        ("refused",),
        "a cell in the very last column (16 384 columns)",
    ),
    Case(
        "template-row-300000.xlsx",
        "template",
        last_row(300_000, range(4, 5)),
        ("refused",),
        "one number at row 300 000, past the 200 000-row limit",
    ),
    Case(
        "template-last-row-everywhere.xlsx",
        "template",
        last_row(1_048_576, range(3, 12)),
        ("refused",),
        "one number at row 1 048 576 in every data sheet: must stay within 10 s",
        slow=True,
    ),
    Case(
        "template-dimension-lie.xlsx",
        "template",
        part(SHEET, sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>')),
        ("importable",),
        "a <dimension> claiming the whole sheet",
    ),
    Case(
        "template-row-number-zero.xlsx",
        "template",
        part(SHEET, sub(r'<row r="2"', '<row r="0"')),
        ("refused", "issues", "importable"),
        "a row numbered 0",
    ),
    Case(
        "template-shared-string-out-of-range.xlsx",
        "template",
        part(SHEET, sub(r'<c r="A2"[^>]*?(/>|>.*?</c>)', '<c r="A2" t="s"><v>999999</v></c>')),
        ("refused",),
        "a shared-string index past the (absent) table",
    ),
    Case(
        "template-number-nan.xlsx",
        "template",
        part(SHEET, sub(r'<c r="C2"[^>]*?(/>|>.*?</c>)', '<c r="C2" t="n"><v>NaN</v></c>')),
        ("refused", "issues"),
        "a count cell holding NaN",
    ),
    Case(
        "template-number-1e309.xlsx",
        "template",
        part(SHEET, sub(r'<c r="I2"[^>]*?(/>|>.*?</c>)', '<c r="I2" t="n"><v>1e309</v></c>')),
        ("issues", "refused"),
        "an amount overflowing to infinity",
    ),
    Case(
        "template-deeply-nested.xlsx",
        "template",
        part(SHEET, deep(20000)),
        ("refused", "issues", "importable"),
        "20 000 nested elements in the sheet data",
    ),
    Case(
        "template-truncated.xlsx",
        "template",
        ops(("truncate", 0.6)),
        ("refused:damaged", "refused:not_xlsx"),
        "cut off at 60 %",
    ),
    Case(
        "template-duplicate-sheet-entry.xlsx",
        "template",
        ops(("zip-dup", 5)),
        ("refused",),
        "one zip entry twice",
    ),
    Case(
        "template-meta-sheet-dropped.xlsx",
        "template",
        part("xl/workbook.xml", sub(r'<sheet [^>]*name="_vetdesk"[^>]*/>', "")),
        ("importable",),
        "the hidden _vetdesk sheet removed: the document properties still say what it is",
    ),
    Case(
        "package-cell-changed.xlsx",
        "package",
        part("xl/worksheets/sheet3.xml", sub(r"<v>(\d+)</v>", r"<v>\g<1>1</v>")),
        ("verdict:tampered",),
        "one number changed after signing",
    ),
    Case(
        "package-row-deleted.xlsx",
        "package",
        part("xl/worksheets/sheet4.xml", sub(r'<row r="3".*?</row>', "")),
        ("verdict:tampered",),
        "one teacher row removed after signing",
    ),
    Case(
        "package-recompressed-stored.xlsx",
        "package",
        ops(("zip-recompress", "stored", 0)),
        ("valid",),
        "re-zipped without compression: same data, still valid",
    ),
    Case(
        "package-meta-sheet-dropped.xlsx",
        "package",
        part("xl/workbook.xml", sub(r'<sheet [^>]*name="_vetdesk"[^>]*/>', "")),
        ("verdict:tampered", "verdict:not_package", "verdict:damaged"),
        "the signed manifest sheet removed",
    ),
    Case(
        "package-manifest-edited.xlsx",
        "package",
        part(
            "xl/worksheets/sheet14.xml",
            sub(r'\\"seq\\": ?(\d+)|&quot;seq&quot;: ?(\d+)|"seq":(\d+)', '"seq":99'),
        ),
        ("verdict:tampered",),
        "the sequence number in the manifest changed",
    ),
    Case(
        "package-hidden-sheet-shown.xlsx",
        "package",
        part("xl/workbook.xml", sub(r'state="veryHidden"', 'state="visible"')),
        ("valid",),
        "the manifest sheet made visible: the data is unchanged",
    ),
]


def main(argv: list[str]) -> int:
    """Build (or with --explore, only judge) the corpus."""
    import os

    explore = "--explore" in argv
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["VETDESK_DATA_DIR"] = str(tmp / "data")
        from rel_world import build_small_merge, build_world

        from vetdesk.db.database import open_database
        from vetdesk.packages.envelope import content_digests
        from vetdesk.services.demo import generate_demo
        from vetdesk.signing.keystore import active_key
        from vetdesk.standards.installed import create_database
        from vetdesk.workbook.reader import read_workbook
        from vetdesk.workbook.schema import EXPORT_SHEETS
        from vetdesk.workbook.template import write_template

        demo = {}
        for role, unit in (("county", "630223"), ("city", "630200")):
            db = create_database(
                tmp / f"demo-{role}.db", role=role, unit_code=unit, operator="语料"
            )
            generate_demo(db, year=2025)
            db.close()
            demo[role] = tmp / f"demo-{role}.db"
        (tmp / "world").mkdir()
        world = build_world(tmp / "world", demo["county"], demo["city"])
        # Small files: the template and package of a county with six teachers.
        city_path, package = build_small_merge(world, tmp)
        county = open_database(tmp / "small-county.db")
        write_template(county, 2025, tmp / "template.xlsx")
        key = active_key(county).public_key
        county.close()
        city = open_database(city_path)
        seeds = {"template": (tmp / "template.xlsx").read_bytes(), "package": package.read_bytes()}
        reference = content_digests(read_workbook(package), EXPORT_SHEETS)
        judge_county = open_database(demo["county"])
        entries = []
        failed = 0
        for case in CASES:
            data = case.make(seeds[case.kind])
            path = tmp / case.file
            path.write_bytes(data)
            if case.kind == "template":
                label, _usage = run_case(partial(judge_template, judge_county, path))
            else:
                label, _usage = run_case(partial(judge_package, city, path, reference))
            ok = any(label == e or label.startswith(e + ":") for e in case.expect)
            entry: dict[str, object] = {
                "file": case.file,
                "kind": case.kind,
                "expect": list(case.expect),
                "note": case.note,
            }
            if case.xfail:
                entry["xfail"] = case.xfail
                ok = not ok  # the bug must still show, or the mark must go
            if case.slow:
                entry["slow"] = True
            failed += not ok
            print(
                f"{'ok ' if ok else 'BAD'} {case.file}: {label} (expected {case.expect}{', xfail' if case.xfail else ''})"
            )
            if case.kind == "package" and "valid" in case.expect:
                entry["reference"] = reference
            entries.append((entry, data))
        city.close()
        judge_county.close()
        if explore or failed:
            return 1 if failed else 0
        CORPUS.mkdir(parents=True, exist_ok=True)
        for entry, data in entries:
            (CORPUS / str(entry["file"])).write_bytes(data)
        manifest = {
            "about": "Replayed by tests/reliability/test_fuzz_inputs.py; rebuilt by tests/reliability/build_fuzz_corpus.py.",
            "trusted_key": key,
            "cases": [entry for entry, _data in entries],
        }
        (CORPUS / "cases.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
