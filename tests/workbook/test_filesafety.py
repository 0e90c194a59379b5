"""Tests for the .xlsx safety gate (vetdesk.workbook.filesafety).

Every file is built inside the test: workbooks with openpyxl, zips with zipfile or
by hand (struct) when the zip has to lie, CFB containers by hand per MS-CFB.
"""

from __future__ import annotations

import ast
import io
import random
import re
import string
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import FrozenInstanceError, dataclass
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import english_catalogue
from vetdesk import i18n
from vetdesk.workbook import filesafety
from vetdesk.workbook.filesafety import (
    DEFAULT_LIMITS,
    UNSAFE_FILE_CODES,
    SafetyLimits,
    UnsafeFileError,
    assert_defusedxml_active,
    check_xlsx_file,
    open_workbook_safely,
    translating_read_errors,
)

REPO = Path(__file__).resolve().parents[2]
CHUNK = filesafety._CHUNK_SIZE
# Bomb checks must finish "within a second or two" on a slow office PC; the CI
# machine is faster, so this leaves room. CPU seconds: a loaded machine makes the wall
# clock slower without the check doing more work, and a bomb shows as CPU spent.
BOMB_SECONDS = 2.0


# --------------------------------------------------------------------------- builders


@cache
def valid_xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学生"
    ws.append(["学校", "姓名", "人数", "备注"])
    ws.append(["海东职校", "张三", 3, "<!DOCTYPE html> 只是单元格里的文字"])
    ws.append(["乐都职校", "李四", 5, "<!ENTITY x> 也是"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rewrite_zip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: frozenset[str] = frozenset(),
) -> bytes:
    members = {k: v for k, v in zip_members(data).items() if k not in drop}
    members.update(replace or {})
    members.update(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


@dataclass
class Raw:
    """One hand-written zip entry; every field the central directory declares can lie."""

    name: str
    payload: bytes  # bytes as stored (already deflated when method == 8)
    method: int = 0
    crc: int | None = None
    file_size: int | None = None  # declared uncompressed size
    flags: int = 0
    offset: int | None = None  # central-directory offset override
    version: int | None = None  # "version needed to extract" override


def raw_zip(entries: list[Raw], *, eocd_count: int | None = None) -> bytes:
    out = bytearray()
    directory = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = entry.flags | 0x800  # UTF-8 names
        crc = zlib.crc32(entry.payload) if entry.crc is None else entry.crc
        usize = len(entry.payload) if entry.file_size is None else entry.file_size
        csize = len(entry.payload)
        zip64 = usize >= 0xFFFFFFFF or csize >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, usize, csize) if zip64 else b""
        u32, c32 = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (usize, csize)
        version = (45 if zip64 else 20) if entry.version is None else entry.version
        offset = len(out)
        out += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", version, flags, entry.method, 0, 0x21,
            crc, c32, u32, len(name), len(extra),
        )  # fmt: skip
        out += name + extra + entry.payload
        directory += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", version, version, flags, entry.method, 0, 0x21,
            crc, c32, u32, len(name), len(extra), 0, 0, 0, 0,
            offset if entry.offset is None else entry.offset,
        )  # fmt: skip
        directory += name + extra
    count = len(entries) if eocd_count is None else eocd_count
    cd_offset = len(out)
    out += directory
    out += struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(directory), cd_offset, 0)
    return bytes(out)


def minimal_xlsx_entries(workbook: bytes = b"<workbook/>") -> list[Raw]:
    return [Raw("[Content_Types].xml", b"<Types/>"), Raw("xl/workbook.xml", workbook)]


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def zeros_deflate_stream(mebibytes: int) -> bytes:
    """Raw deflate of ``mebibytes`` MiB of zeros, built without compressing them all."""
    # After Z_FULL_FLUSH the compressor forgets its window, so every further MiB of
    # zeros compresses to the same bytes: ~1 KiB per MiB, repeated.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + compressor.flush(zlib.Z_FINISH)


CFB_END = 0xFFFFFFFE
CFB_FREE = 0xFFFFFFFF
CFB_FATSECT = 0xFFFFFFFD


def build_cfb(streams: list[str], *, storages: tuple[str, ...] = ()) -> bytes:
    """A minimal version-3 CFB: header, one FAT sector, one directory sector (MS-CFB §2)."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    # minor version, major version 3, byte order FFFE, 512-byte sectors, 64-byte mini
    struct.pack_into("<5H", header, 24, 0x003E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<II", header, 60, CFB_END, 0)  # no mini FAT
    struct.pack_into("<II", header, 68, CFB_END, 0)  # no DIFAT sectors
    difat = [0] + [CFB_FREE] * 108  # the FAT lives in sector 0
    struct.pack_into("<109I", header, 76, *difat)
    fat = struct.pack("<128I", CFB_FATSECT, CFB_END, *([CFB_FREE] * 126))

    def entry(name: str, kind: int, child: int = CFB_FREE, right: int = CFB_FREE) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        record = bytearray(128)
        record[: len(encoded)] = encoded
        struct.pack_into("<HBB3I", record, 64, len(encoded), kind, 1, CFB_FREE, right, child)
        struct.pack_into("<IQ", record, 116, CFB_END, 0)  # empty stream
        return bytes(record)

    names = [(n, 1) for n in storages] + [(n, 2) for n in streams]
    assert len(names) <= 3, "one directory sector holds four entries"
    records = [entry("Root Entry", 5, child=1 if names else CFB_FREE)]
    for index, (name, kind) in enumerate(names, start=1):
        # Siblings chained through the right pointer: enough for a walker.
        records.append(entry(name, kind, right=index + 1 if index < len(names) else CFB_FREE))
    directory = b"".join(records).ljust(512, b"\0")
    return bytes(header) + fat + directory


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def expect_refused(
    path: Path, code: str, limits: SafetyLimits = DEFAULT_LIMITS, *, via_open: bool = True
) -> UnsafeFileError:
    """Both entry points refuse ``path`` with ``code`` and name the file."""
    with pytest.raises(UnsafeFileError) as caught:
        check_xlsx_file(path, limits)
    error = caught.value
    assert error.code == code, error.detail
    assert path.name in error.message
    assert str(path.parent) not in error.message
    assert error.file_name == path.name
    if via_open:
        with pytest.raises(UnsafeFileError) as caught_open:
            open_workbook_safely(path, limits)
        assert caught_open.value.code == code, caught_open.value.detail
        assert path.name in caught_open.value.message
    return error


def timed_refusal(path: Path, code: str) -> tuple[UnsafeFileError, float]:
    started = time.process_time()
    with pytest.raises(UnsafeFileError) as caught:
        check_xlsx_file(path)
    elapsed = time.process_time() - started
    assert caught.value.code == code, caught.value.detail
    assert path.name in caught.value.message
    print(f"\n{path.name}: {code} in {elapsed:.3f}s ({caught.value.detail})")
    return caught.value, elapsed


# --------------------------------------------------------------------------- valid files


def test_valid_workbook_passes_and_opens(tmp_path: Path) -> None:
    path = write(tmp_path / "县级数据包.xlsx", valid_xlsx_bytes())
    check_xlsx_file(path)

    wb = open_workbook_safely(path)
    try:
        rows = list(wb["学生"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert rows[1][:3] == ("海东职校", "张三", 3)
    # Cell text that *looks* like a DTD is escaped in the XML: no false positive.
    assert rows[1][3].startswith("<!DOCTYPE")

    wb = open_workbook_safely(path, read_only=False)
    assert wb["学生"]["B3"].value == "李四"


def test_valid_workbook_with_utf16_part_passes(tmp_path: Path) -> None:
    members = zip_members(valid_xlsx_bytes())
    workbook = '<?xml version="1.0" encoding="UTF-16"?>' + members["xl/workbook.xml"].decode()
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/workbook.xml": workbook.encode("utf-16")})
    check_xlsx_file(write(tmp_path / "utf16.xlsx", data))


# --------------------------------------------------------------------------- plain file checks


def test_missing_file(tmp_path: Path) -> None:
    expect_refused(tmp_path / "不存在.xlsx", "not_found")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    expect_refused(folder, "not_found")


def test_empty_file(tmp_path: Path) -> None:
    expect_refused(write(tmp_path / "空.xlsx", b""), "empty_file")


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path / "大文件.xlsx", valid_xlsx_bytes())
    error = expect_refused(path, "too_large", SafetyLimits(max_file_bytes=1000))
    assert "MB" in error.message


# --------------------------------------------------------------------------- wrong file types


def test_legacy_xls_cfb(tmp_path: Path) -> None:
    data = build_cfb(["Workbook", "\x05SummaryInformation"])
    expect_refused(write(tmp_path / "旧表格.xlsx", data), "legacy_xls")


def test_wps_et_like_cfb_with_unreadable_directory(tmp_path: Path) -> None:
    # Only the CFB signature and header, no sectors: still "save as .xlsx".
    data = build_cfb(["Book"])[:512]
    expect_refused(write(tmp_path / "报表.et", data), "legacy_xls")


def test_bare_biff4_xls(tmp_path: Path) -> None:
    data = b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(100)
    expect_refused(write(tmp_path / "excel4.xlsx", data), "legacy_xls")


def test_encrypted_ooxml_cfb(tmp_path: Path) -> None:
    data = build_cfb(["EncryptionInfo", "EncryptedPackage"], storages=("\x06DataSpaces",))
    error = expect_refused(write(tmp_path / "有密码.xlsx", data), "encrypted")
    assert "密码" in error.message


@pytest.mark.parametrize(
    "encoded",
    [
        "学校,人数\n海东职校,30\n".encode("utf-8-sig"),
        "学校,人数\n海东职校,30\n".encode("gb18030"),
        "学校\t人数\r\n海东职校\t30\r\n".encode("utf-16"),  # Excel "Unicode text"
    ],
    ids=["utf8-bom", "gb18030", "utf16"],
)
def test_csv_renamed(tmp_path: Path, encoded: bytes) -> None:
    expect_refused(write(tmp_path / "名单.xlsx", encoded), "csv_or_text")


@pytest.mark.parametrize(
    "encoded",
    [
        b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body>"
        + "<table><tr><td>学校</td></tr></table></body></html>".encode(),
        "  <table border=1><tr><td>学校</td></tr></table>".encode("gbk"),
        b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n"
        b'Content-Type: multipart/related; boundary="----=_NextPart"\r\n',
    ],
    ids=["html5", "gbk-table", "mhtml"],
)
def test_html_renamed(tmp_path: Path, encoded: bytes) -> None:
    error = expect_refused(write(tmp_path / "网页导出.xlsx", encoded), "html")
    assert "HTML" in error.message


def test_xml_spreadsheet_2003(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
    )
    error = expect_refused(write(tmp_path / "xml表格.xlsx", data), "not_xlsx")
    assert "2003" in error.message


def test_random_bytes(tmp_path: Path) -> None:
    data = b"\x8a\x01" + random.Random(20240601).randbytes(4096)
    expect_refused(write(tmp_path / "随机.xlsx", data), "not_xlsx")


def test_pdf_renamed(tmp_path: Path) -> None:
    expect_refused(write(tmp_path / "扫描件.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "not_xlsx")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    data = raw_zip([Raw("[Content_Types].xml", b"<Types/>"), Raw("word/document.xml", b"<w/>")])
    expect_refused(write(tmp_path / "文档.xlsx", data), "not_xlsx")


# --------------------------------------------------------------------------- damaged zips


def test_truncated_xlsx(tmp_path: Path) -> None:
    data = valid_xlsx_bytes()
    expect_refused(write(tmp_path / "半个.xlsx", data[: len(data) // 2]), "damaged")


def test_xlsx_missing_last_byte(tmp_path: Path) -> None:
    data = valid_xlsx_bytes()
    expect_refused(write(tmp_path / "少一字节.xlsx", data[:-1]), "damaged")


def test_crc_error(tmp_path: Path) -> None:
    entries = minimal_xlsx_entries()
    entries[1].crc = 0x12345678
    error = expect_refused(write(tmp_path / "校验错.xlsx", raw_zip(entries)), "damaged")
    assert "CRC" in error.detail


def test_overlapping_entries(tmp_path: Path) -> None:
    entries = [*minimal_xlsx_entries(), Raw("xl/styles.xml", b"<styleSheet/>", offset=0)]
    error = expect_refused(write(tmp_path / "重叠.xlsx", raw_zip(entries)), "damaged")
    assert "overlap" in error.detail


def test_unsupported_compression(tmp_path: Path) -> None:
    entries = minimal_xlsx_entries()
    entries[1].method = zipfile.ZIP_BZIP2
    expect_refused(write(tmp_path / "bzip2.xlsx", raw_zip(entries)), "damaged")


def test_unsupported_zip_version(tmp_path: Path) -> None:
    # zipfile raises NotImplementedError("zip file version 9.9") while reading the
    # directory; found by fuzzing.
    entries = minimal_xlsx_entries()
    entries[1].version = 99
    expect_refused(write(tmp_path / "版本.xlsx", raw_zip(entries)), "damaged")


def test_zip_level_encryption(tmp_path: Path) -> None:
    entries = minimal_xlsx_entries()
    entries[1].flags = 0x1
    expect_refused(write(tmp_path / "zip密码.xlsx", raw_zip(entries)), "encrypted")


def test_undeclared_xml_encoding_refused(tmp_path: Path) -> None:
    # UTF-7 (or EBCDIC) could hide "<!DOCTYPE" from a byte search; OPC allows only UTF-8/16.
    workbook = b'<?xml version="1.0" encoding="UTF-7"?><workbook/>'
    data = raw_zip(minimal_xlsx_entries(workbook))
    expect_refused(write(tmp_path / "utf7.xlsx", data), "damaged")


def test_malformed_xml_refused_by_openpyxl_stage(tmp_path: Path) -> None:
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/workbook.xml": b"<workbook><sheets>"})
    path = write(tmp_path / "坏XML.xlsx", data)
    check_xlsx_file(path)  # the pre-scan does not parse XML
    with pytest.raises(UnsafeFileError) as caught:
        open_workbook_safely(path)
    assert caught.value.code == "damaged"
    assert path.name in caught.value.message


def test_lazy_sheet_errors_are_translated(tmp_path: Path) -> None:
    # A sane <dimension> first (read at load time), broken XML after it (read later).
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"></row>'
    )
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    path = write(tmp_path / "坏工作表.xlsx", data)
    wb = open_workbook_safely(path)  # read-only: worksheets are parsed on iteration
    try:
        with pytest.raises(UnsafeFileError) as caught, translating_read_errors(path.name):
            list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    assert caught.value.code == "damaged"
    assert path.name in caught.value.message


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    "bad_name",
    ["../evil", "xl/../../evil.xml", "..\\evil", "/etc/passwd", "\\\\server\\share", "C:/evil"],
)
def test_unsafe_paths(tmp_path: Path, bad_name: str) -> None:
    data = raw_zip([*minimal_xlsx_entries(), Raw(bad_name, b"x")])
    expect_refused(write(tmp_path / "路径.xlsx", data), "unsafe_path")


def test_unsafe_path_written_by_zipfile(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in zip_members(valid_xlsx_bytes()).items():
            zf.writestr(name, content)
        zf.writestr(zipfile.ZipInfo("../evil"), b"owned")
    expect_refused(write(tmp_path / "evil.xlsx", out.getvalue()), "unsafe_path")


@pytest.mark.parametrize("second", ["xl/workbook.xml", "XL/Workbook.XML"])
def test_duplicate_names(tmp_path: Path, second: str) -> None:
    data = raw_zip([*minimal_xlsx_entries(), Raw(second, b"<workbook/>")])
    expect_refused(write(tmp_path / "重名.xlsx", data), "unsafe_path")


# --------------------------------------------------------------------------- zip bombs


def test_too_many_entries(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in zip_members(valid_xlsx_bytes()).items():
            zf.writestr(name, content)
        for index in range(2000):
            zf.writestr(f"xl/media/x{index}.txt", b"")
    path = write(tmp_path / "条目多.xlsx", out.getvalue())
    error, elapsed = timed_refusal(path, "zip_bomb")
    assert "entries" in error.detail
    assert elapsed < BOMB_SECONDS
    expect_refused(path, "zip_bomb")


def test_entry_count_lie_in_end_record(tmp_path: Path) -> None:
    entries = [*minimal_xlsx_entries(), *(Raw(f"x/{i}", b"") for i in range(2000))]
    path = write(tmp_path / "条目数造假.xlsx", raw_zip(entries, eocd_count=1))
    error = expect_refused(path, "zip_bomb")
    assert "2002 entries" in error.detail


def test_oversized_central_directory_refused_before_parsing(tmp_path: Path) -> None:
    # 20,000 records (~1.3 MB of directory) behind an end record that claims one:
    # refused from the directory size alone, before zipfile parses it.
    entries = [Raw(f"x/{i:06d}-" + "n" * 50, b"") for i in range(20_000)]
    path = write(tmp_path / "目录巨大.xlsx", raw_zip(entries, eocd_count=1))
    error, elapsed = timed_refusal(path, "zip_bomb")
    assert "central directory of" in error.detail
    assert elapsed < BOMB_SECONDS


def test_ratio_bomb_200mb_of_zeros(tmp_path: Path) -> None:
    path = tmp_path / "比例炸弹.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in zip_members(valid_xlsx_bytes()).items():
            zf.writestr(name, content)
        block = bytes(1 << 20)
        with zf.open("xl/worksheets/sheet2.xml", "w") as member:
            for _ in range(190):  # 190 MiB: under the 200 MiB entry cap, so the ratio trips
                member.write(block)
    assert path.stat().st_size < 1_000_000
    error, elapsed = timed_refusal(path, "zip_bomb")
    assert "ratio" in error.detail
    assert elapsed < BOMB_SECONDS
    expect_refused(path, "zip_bomb")


def test_zip64_bomb_declaring_10_gib(tmp_path: Path) -> None:
    stream = zeros_deflate_stream(10 * 1024)  # 10 GiB of zeros in ~10 MB
    entries = [*minimal_xlsx_entries(), Raw("xl/worksheets/sheet1.xml", stream, method=8)]
    entries[-1].file_size = 10 * 1024**3
    entries[-1].crc = 0
    path = write(tmp_path / "十G炸弹.xlsx", raw_zip(entries))
    assert 9_000_000 < path.stat().st_size < 12_000_000
    error, elapsed = timed_refusal(path, "zip_bomb")
    assert "declares 10737418240 bytes" in error.detail
    assert elapsed < BOMB_SECONDS


@pytest.mark.parametrize(
    "declared", [1000, 150 * 1024 * 1024], ids=["declares-1000-bytes", "declares-150-MiB"]
)
def test_bomb_lying_about_its_size(tmp_path: Path, declared: int) -> None:
    # 10 GiB of zeros whose header declares a harmless size: the reader stops at the
    # declared size, the CRC then fails. Time stays bounded by the declared size.
    stream = zeros_deflate_stream(10 * 1024)
    entries = [*minimal_xlsx_entries(), Raw("xl/worksheets/sheet1.xml", stream, method=8)]
    entries[-1].file_size = declared
    entries[-1].crc = 0
    path = write(tmp_path / f"说谎炸弹{declared}.xlsx", raw_zip(entries))
    error, elapsed = timed_refusal(path, "damaged")
    assert "CRC" in error.detail
    assert elapsed < BOMB_SECONDS


def test_total_and_entry_limits(tmp_path: Path) -> None:
    path = write(tmp_path / "限额.xlsx", valid_xlsx_bytes())
    expect_refused(path, "zip_bomb", SafetyLimits(max_total_uncompressed=5000))
    expect_refused(path, "zip_bomb", SafetyLimits(max_entry_uncompressed=5000))
    expect_refused(path, "zip_bomb", SafetyLimits(max_entries=5))
    expect_refused(path, "zip_bomb", SafetyLimits(max_ratio=2, ratio_grace_bytes=1000))


def test_stream_counter_does_not_trust_declared_size() -> None:
    # zipfile itself stops at the declared size, so feed the scanner directly: the
    # byte counter alone must stop an entry that keeps producing data.
    limits = SafetyLimits(max_entry_uncompressed=1 << 20)
    endless = io.BytesIO(b"<a>" + b" " * (3 << 20))
    with pytest.raises(UnsafeFileError) as caught:
        filesafety._scan_member(
            endless,
            entry_name="xl/a.xml",
            compress_size=1 << 20,
            limits=limits,
            totals=filesafety._Totals(),
            file_name="计数.xlsx",
        )
    assert caught.value.code == "zip_bomb"
    assert endless.tell() <= (1 << 20) + CHUNK


# --------------------------------------------------------------------------- DTD / entities

BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE workbook [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def billion_laughs_xlsx() -> bytes:
    workbook = zip_members(valid_xlsx_bytes())["xl/workbook.xml"]
    return rewrite_zip(valid_xlsx_bytes(), replace={"xl/workbook.xml": BILLION_LAUGHS + workbook})


def test_billion_laughs_in_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "笑声炸弹.xlsx", billion_laughs_xlsx())
    error = expect_refused(path, "xml_dtd")
    assert "xl/workbook.xml" in error.detail


def test_defusedxml_is_the_second_layer(tmp_path: Path) -> None:
    # Skipping the pre-scan, openpyxl + defusedxml still refuses, and the guard maps
    # it to the same code.
    path = write(tmp_path / "第二道防线.xlsx", billion_laughs_xlsx())
    with pytest.raises(UnsafeFileError) as caught, translating_read_errors(path.name):
        openpyxl.load_workbook(path, read_only=True)
    assert caught.value.code == "xml_dtd"


def test_entity_in_a_sheet(tmp_path: Path) -> None:
    sheet = zip_members(valid_xlsx_bytes())["xl/worksheets/sheet1.xml"]
    data = rewrite_zip(
        valid_xlsx_bytes(),
        replace={"xl/worksheets/sheet1.xml": b'<!ENTITY x SYSTEM "file:///etc/passwd">' + sheet},
    )
    expect_refused(write(tmp_path / "实体.xlsx", data), "xml_dtd")


@pytest.mark.parametrize("delta", [-9, -8, -5, -1, 0, 1])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_dtd_straddling_chunk_boundary(tmp_path: Path, delta: int, encoding: str) -> None:
    width = 1 if encoding == "utf-8" else 2
    start = CHUNK + delta * width  # byte offset of "<!DOCTYPE" inside the part
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    bom_bytes = 2 if encoding == "utf-16" else 0
    padding = (start - bom_bytes) // width - len(declaration)
    text = declaration + " " * padding + '<!DOCTYPE workbook [<!ENTITY a "b">]>'
    workbook = zip_members(valid_xlsx_bytes())["xl/workbook.xml"].decode()
    encoded = (text + workbook).encode(encoding)
    assert encoded.find("<!DOCTYPE".encode(encoding)[bom_bytes:]) == start
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/workbook.xml": encoded})
    error = expect_refused(write(tmp_path / "跨块.xlsx", data), "xml_dtd", via_open=False)
    assert "DOCTYPE" in error.detail


# --------------------------------------------------------------------------- macros


def test_xlsm_with_vba_project(tmp_path: Path) -> None:
    data = rewrite_zip(valid_xlsx_bytes(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})
    error = expect_refused(write(tmp_path / "宏.xlsm", data), "macro")
    assert ".xlsx" in error.message


def test_macro_enabled_content_type_without_vba(tmp_path: Path) -> None:
    types = zip_members(valid_xlsx_bytes())["[Content_Types].xml"]
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro_types != types
    data = rewrite_zip(valid_xlsx_bytes(), replace={"[Content_Types].xml": macro_types})
    expect_refused(write(tmp_path / "宏类型.xlsx", data), "macro")


# --------------------------------------------------------------------------- fuzzing


@settings(
    max_examples=60,
    deadline=None,
    database=None,  # keep the repository free of .hypothesis/ files
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    mutations=st.lists(
        st.tuples(
            # Half the hits go to the last quarter, where the central directory lives.
            st.one_of(st.floats(0, 1, exclude_max=True), st.floats(0.75, 1, exclude_max=True)),
            st.integers(0, 255),
        ),
        min_size=1,
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.floats(0.5, 1, exclude_max=True)),
)
def test_mutated_xlsx_opens_or_is_refused(
    tmp_path: Path, mutations: list[tuple[float, int]], cut: float | None
) -> None:
    data = bytearray(valid_xlsx_bytes())
    for where, value in mutations:
        data[int(where * len(data))] = value
    if cut is not None:
        del data[int(cut * len(data)) :]
    path = write(tmp_path / "变异.xlsx", bytes(data))
    try:
        wb = open_workbook_safely(path)
    except UnsafeFileError as error:
        assert error.code in UNSAFE_FILE_CODES
        assert path.name in error.message
        return
    try:
        with translating_read_errors(path.name):
            for ws in wb.worksheets:
                for _row in ws.iter_rows(values_only=True):
                    pass
    except UnsafeFileError as error:
        assert error.code in UNSAFE_FILE_CODES
    finally:
        wb.close()


# --------------------------------------------------------------------------- API details


def test_assert_defusedxml_active(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_defusedxml_active()
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError):
        assert_defusedxml_active()


def test_open_fails_closed_without_defusedxml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "ok.xlsx", valid_xlsx_bytes())
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError):
        open_workbook_safely(path)


def test_limits_are_frozen_and_validated() -> None:
    assert SafetyLimits() == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.max_file_bytes == 50 * 1024 * 1024
    assert DEFAULT_LIMITS.max_ratio == 100
    with pytest.raises(FrozenInstanceError):
        DEFAULT_LIMITS.max_entries = 5  # type: ignore[misc]
    for bad in (0, -1):
        with pytest.raises(ValueError):
            SafetyLimits(max_entries=bad)


def test_file_name_with_braces_is_not_a_template(tmp_path: Path) -> None:
    expect_refused(write(tmp_path / "{name}{0}.xlsx", b""), "empty_file")


# --------------------------------------------------------------------------- translations


def _source_templates() -> list[str]:
    tree = ast.parse((REPO / "vetdesk/workbook/filesafety.py").read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and isinstance(node.args[0], ast.Constant)
    ]


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_message_has_an_english_translation() -> None:
    catalogue = english_catalogue()
    templates = _source_templates()
    assert len(templates) >= 15
    for template in templates:
        assert template in catalogue, template
        assert _placeholders(catalogue[template]) == _placeholders(template), template
        assert "{name}" in template
    assert not re.search(r"[\u4e00-\u9fff]", "".join(catalogue[t] for t in templates))


@pytest.fixture
def english() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(before)


@pytest.mark.usefixtures("english")
def test_messages_in_english(tmp_path: Path) -> None:
    data = build_cfb(["Workbook"])
    error = expect_refused(write(tmp_path / "old.xlsx", data), "legacy_xls", via_open=False)
    assert error.message.startswith('The file "old.xlsx" is an old-style .xls')


# --------------------------------------------------------------------------- row limit


def _sheet_with_rows(rows: int, declared: str) -> bytes:
    # Varied numbers, so the sheet compresses like real data (under the ratio limit).
    body = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{(n * 7919) % 1000003}</v></c></row>'
        for n in range(1, rows + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{declared}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def test_a_million_rows_are_refused_by_the_scan_before_parsing(tmp_path: Path) -> None:
    sheet = _sheet_with_rows(200_101, "A1")
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    error = expect_refused(write(tmp_path / "超限.xlsx", data), "zip_bomb", via_open=False)
    assert "200101" in error.detail and "200100" in error.message
    # A sheet that only declares the whole sheet (some writers do) is not refused for it.
    small = _sheet_with_rows(3, "A1:XFD1048576")
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": small})
    check_xlsx_file(write(tmp_path / "声明.xlsx", data))


def test_a_sheet_hiding_its_rows_is_counted_while_streaming(tmp_path: Path) -> None:
    limits = SafetyLimits(max_sheet_rows=5000)
    sheet = _sheet_with_rows(5001, "A1")  # declares one cell, holds 5 001 rows
    data = rewrite_zip(valid_xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    path = write(tmp_path / "藏行.xlsx", data)
    error = expect_refused(path, "zip_bomb", limits, via_open=False)
    assert "5001" in error.detail
    # One row fewer than the limit passes the same check: the count is exact.
    fits = rewrite_zip(
        valid_xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": _sheet_with_rows(5000, "A1")}
    )
    check_xlsx_file(write(tmp_path / "刚好.xlsx", fits), limits)
