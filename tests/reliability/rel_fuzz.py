"""Mutating valid workbooks and judging what VetDesk makes of them (hypothesis and atheris).

A mutation is a small JSON-able tuple; ``mutate`` applies a list of them to the bytes of
a valid file. Families: raw bytes (flip, truncate, insert), zip entries (drop,
duplicate, rename, recompress), XML parts (DTD injection, element deletion and
duplication, attribute values) and cell values (through openpyxl). A mutation that does
not apply (say, an XML edit after the zip was cut short) leaves the bytes as they are.

``judge_template`` and ``judge_package`` return a label for what happened; a clean
refusal or a correct import/verification gives a label, anything else raises. ``bounded``
measures the time and memory of one case and interrupts it at the time bound.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import signal
import threading
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

CASE_SECONDS = 10.0
CASE_BYTES = 300 * 1024 * 1024
_COMPRESSION = {
    "stored": zipfile.ZIP_STORED,
    "deflated": zipfile.ZIP_DEFLATED,
    "bzip2": zipfile.ZIP_BZIP2,
    "lzma": zipfile.ZIP_LZMA,
}
DTDS = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    '<!DOCTYPE lol [<!ENTITY l0 "lol"><!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">'
    '<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">]>',
    '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>',
)
ATTRIBUTES = ("r", "t", "s", "ref", "spans", "state", "sheetId", "r:id", "Id", "Target", "count")
ATTRIBUTE_VALUES = (
    "",
    "A1",
    "XFD1048576",
    "ZZZZ99999999",
    "-1",
    "0",
    "999999999",
    "s",
    "n",
    "str",
    "inlineStr",
    "e",
    "b",
    "veryHidden",
    "A1:XFD1048576",
    "../../../../etc/passwd",
    "rId999",
    "1e308",
    "NaN",
)
NAMES = (
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "docProps/custom.xml",
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
    "_rels/.rels",
    "xl/vbaProject.bin",
    "../evil.xml",
    "XL/WORKBOOK.XML",
    "xl/worksheets/sheet99.xml",
)

Mutation = tuple[Any, ...]


class CaseTimeout(BaseException):
    """A case ran past its time bound (a BaseException: production code must not catch it)."""


@dataclass
class CaseBounds:
    """What one case used: wall time, growth of the resident set, and the tracemalloc peak."""

    seconds: float = 0.0
    rss_growth: int = 0
    traced_peak: int | None = None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except OSError:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


@contextlib.contextmanager
def bounded(seconds: float = CASE_SECONDS, *, trace: bool = False) -> Iterator[CaseBounds]:
    """Run a block under a wall-clock alarm, sampling its memory.

    The resident set is sampled every 5 ms by a thread (every allocation counts, C ones
    included, at no cost to the case); with ``trace`` the case also runs under tracemalloc,
    whose peak is exact for Python objects but makes parsing several times slower.
    """
    usage = CaseBounds()
    base = _rss()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], _rss())

    def alarm(_signum: int, _frame: Any) -> None:
        raise CaseTimeout(f"case ran longer than {seconds} s")

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if trace:
        tracemalloc.start()
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        yield usage
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        usage.seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        usage.rss_growth = max(peak[0], _rss()) - base
        if trace:
            usage.traced_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


def run_case(judge: Callable[[], str], *, trace: bool = False) -> tuple[str, CaseBounds]:
    """Judge one case under the bounds; a case cut off at the time bound is labelled "timeout"."""
    try:
        with bounded(trace=trace) as usage:
            label = judge()
    except CaseTimeout:
        label = "timeout"
    return label, usage


# --------------------------------------------------------------------------- mutations


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(info, zf.read(info)) for info in zf.infolist()]
    except Exception:
        return None


def _rezip(
    entries: list[tuple[zipfile.ZipInfo, bytes]],
    method: int | None = None,
    level: int | None = None,
) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of some mutations
        with zipfile.ZipFile(out, "w") as zf:
            for info, payload in entries:
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.external_attr = info.external_attr
                copy.compress_type = info.compress_type if method is None else method
                zf.writestr(copy, payload, compresslevel=level)
    return out.getvalue()


def _xml_parts(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> list[int]:
    parts = [i for i, (info, _p) in enumerate(entries) if info.filename.endswith((".xml", ".rels"))]
    # Sheets first: they are where the data and most parsing are.
    return sorted(parts, key=lambda i: (not entries[i][0].filename.startswith("xl/worksheets/"), i))


def _namespaces(payload: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    with contextlib.suppress(ET.ParseError):
        for _event, (prefix, uri) in ET.iterparse(io.BytesIO(payload), events=("start-ns",)):
            found.setdefault(prefix, uri)
    return found


def _edit_xml(payload: bytes, op: Mutation) -> bytes | None:
    kind = op[0]
    if kind == "xml-dtd":
        text = payload.decode("utf-8", "replace")
        dtd = DTDS[op[2] % len(DTDS)]
        match = re.match(r"\s*<\?xml[^>]*\?>", text)
        at = match.end() if match else 0
        return (text[:at] + dtd + text[at:]).encode("utf-8")
    if b"<!DOCTYPE" in payload or b"<!ENTITY" in payload:
        return None  # never parse a DTD here: that would be the bomb going off in the fuzzer
    namespaces = _namespaces(payload)
    try:
        root = ET.fromstring(payload)
    except ET.ParseError:
        return None
    for prefix, uri in namespaces.items():
        with contextlib.suppress(ValueError):
            ET.register_namespace(prefix, uri)
    pairs = [(parent, child) for parent in root.iter() for child in parent]
    if not pairs:
        return None
    parent, child = pairs[op[2] % len(pairs)]
    if kind == "xml-delete":
        parent.remove(child)
    elif kind == "xml-duplicate":
        index = list(parent).index(child)
        for _ in range(max(1, op[3])):
            parent.insert(index, ET.fromstring(ET.tostring(child)))
    elif kind == "xml-attr":
        name = ATTRIBUTES[op[3] % len(ATTRIBUTES)]
        existing = list(child.attrib)
        if existing and op[3] % 2 == 0:
            name = existing[op[3] % len(existing)]
        value = op[4] if isinstance(op[4], str) else ATTRIBUTE_VALUES[op[4] % len(ATTRIBUTE_VALUES)]
        child.set(name, value)
    elif kind == "xml-text":
        child.text = op[3]
    else:
        return None
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _edit_cell(data: bytes, op: Mutation) -> bytes | None:
    import openpyxl

    _kind, sheet, row, column, value = op
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data))
            ws = wb.worksheets[sheet % len(wb.worksheets)]
            ws.cell(row=row, column=column).value = value
            out = io.BytesIO()
            wb.save(out)
    except Exception:
        return None  # openpyxl refuses the value (control characters) or the file
    return out.getvalue()


def apply_one(data: bytes, op: Mutation) -> bytes:
    """Apply one mutation (or none, when it cannot apply to these bytes)."""
    kind = op[0]
    if kind == "flip":
        if not data:
            return data
        buf = bytearray(data)
        buf[int(op[1] * len(buf)) % len(buf)] = op[2]
        return bytes(buf)
    if kind == "truncate":
        return data[: int(op[1] * len(data))]
    if kind == "insert":
        at = int(op[1] * len(data))
        return data[:at] + bytes(op[2]) + data[at:]
    if kind == "cell":
        return _edit_cell(data, op) or data
    entries = _entries(data)
    if entries is None or not entries:
        return data
    if kind == "zip-drop":
        del entries[op[1] % len(entries)]
        return _rezip(entries)
    if kind == "zip-dup":
        entries.append(entries[op[1] % len(entries)])
        return _rezip(entries)
    if kind == "zip-rename":
        info, payload = entries[op[1] % len(entries)]
        renamed = zipfile.ZipInfo(op[2], info.date_time)
        renamed.compress_type = info.compress_type
        entries[op[1] % len(entries)] = (renamed, payload)
        return _rezip(entries)
    if kind == "zip-recompress":
        return _rezip(entries, _COMPRESSION[op[1]], op[2] if op[1] != "stored" else None)
    if kind.startswith("xml-"):
        parts = _xml_parts(entries)
        if not parts:
            return data
        index = parts[op[1] % len(parts)]
        edited = _edit_xml(entries[index][1], op)
        if edited is None:
            return data
        entries[index] = (entries[index][0], edited)
        return _rezip(entries)
    raise ValueError(f"unknown mutation {op!r}")


def mutate(data: bytes, ops: list[Mutation]) -> bytes:
    """Apply mutations in order."""
    for op in ops:
        data = apply_one(data, op)
    return data


def family(op: Mutation) -> str:
    """The family of a mutation, for the figures."""
    kind = str(op[0])
    if kind.startswith("zip-"):
        return "zip"
    if kind.startswith("xml-"):
        return "xml"
    if kind == "cell":
        return "cell"
    return "bytes"


# --------------------------------------------------------------------------- judging


def judge_template(db: Any, path: Path, apply_to: Any = None) -> str:
    """Read, plan and (if ``apply_to`` gives a fresh database) import a workbook; return a label."""
    from vetdesk.errors import VetDeskError
    from vetdesk.workbook.importer import apply_import, plan_from_content
    from vetdesk.workbook.reader import read_workbook

    try:
        content = read_workbook(path)
        plan = plan_from_content(db, content)
    except VetDeskError as exc:
        return f"refused:{exc.code}"
    if not plan.ok:
        return "issues"
    if apply_to is None or not plan.has_changes:
        return "importable"
    target = apply_to()
    try:
        result = apply_import(target, content)
    except VetDeskError as exc:
        return f"refused-at-apply:{exc.code}"
    finally:
        target.close()
    assert result.applied, [i.message for i in result.issues[:3]]
    from rel_helpers import integrity_problems

    assert integrity_problems(target.path) == []
    return "imported"


def judge_package(city: Any, path: Path, reference: dict[str, Any], merge_into: Any = None) -> str:
    """Verify a package; a valid one must carry exactly the signed data; return a label."""
    from vetdesk.errors import VetDeskError
    from vetdesk.packages.envelope import content_digests
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.verify import verify_package
    from vetdesk.workbook.schema import EXPORT_SHEETS

    try:
        verification = verify_package(city, path)
    except VetDeskError as exc:
        return f"raised:{exc.code}"
    if not verification.ok:
        return f"verdict:{verification.verdict}"
    assert verification.content is not None
    digests = content_digests(verification.content, EXPORT_SHEETS)
    assert digests == reference, "a package that verifies carries other data than was signed"
    if merge_into is not None:
        target = merge_into()
        try:
            assert apply_merge(target, verification_for(target, path)).applied
        finally:
            target.close()
        return "merged"
    return "valid"


def verification_for(db: Any, path: Path) -> Any:
    """Verify again against another database (the one merged into)."""
    from vetdesk.packages.verify import verify_package

    return verify_package(db, path)


# --------------------------------------------------------------------------- cell values


def cell_values() -> Any:
    """A hypothesis strategy of hostile cell values."""
    from hypothesis import strategies as st

    return st.one_of(
        st.none(),
        st.text(max_size=40),
        st.text(alphabet="0123456789Xx-/.年月日 ", max_size=20),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 1, 1)),
        st.booleans(),
        st.builds(lambda t: "=" + t, st.text(max_size=30)),
        st.sampled_from(
            ["=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+1", "-1", "\u00a0", "1e309"]
        ),
        st.builds(lambda n: "长" * n, st.integers(32000, 33000)),
    )


def mutations_strategy() -> Any:
    """A hypothesis strategy of one to three mutations, structured ones favoured."""
    from hypothesis import strategies as st

    frac = st.floats(0, 1, exclude_max=True)
    index = st.integers(0, 10_000)
    byte_ops = st.one_of(
        st.tuples(st.just("flip"), frac, st.integers(0, 255)),
        st.tuples(st.just("truncate"), frac),
        st.tuples(st.just("insert"), frac, st.binary(min_size=1, max_size=64)),
    )
    zip_ops = st.one_of(
        st.tuples(st.just("zip-drop"), index),
        st.tuples(st.just("zip-dup"), index),
        st.tuples(
            st.just("zip-rename"),
            index,
            st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=30)),
        ),
        st.tuples(
            st.just("zip-recompress"), st.sampled_from(sorted(_COMPRESSION)), st.integers(1, 9)
        ),
    )
    xml_ops = st.one_of(
        st.tuples(st.just("xml-dtd"), index, index),
        st.tuples(st.just("xml-delete"), index, index),
        st.tuples(st.just("xml-duplicate"), index, index, st.integers(1, 3)),
        st.tuples(st.just("xml-attr"), index, index, index, st.one_of(index, st.text(max_size=12))),
        st.tuples(st.just("xml-text"), index, index, st.text(max_size=20)),
    )
    cell_ops = st.tuples(
        st.just("cell"), index, st.integers(1, 300), st.integers(1, 40), cell_values()
    )
    one = st.one_of(byte_ops, zip_ops, xml_ops, xml_ops, cell_ops, cell_ops)
    return st.lists(one, min_size=1, max_size=3)
