"""Safety gate for incoming .xlsx files, run before openpyxl parses anything.

The checks run from cheap to expensive, so that a hostile file is refused as early
as possible and with bounded time and memory:

1. the file itself: exists, not empty, not larger than ``max_file_bytes``;
2. magic bytes: a real zip, or else what the file actually is (old .xls / WPS .et,
   password-protected workbook, CSV or HTML renamed to .xlsx, …);
3. the zip central directory, *before* ``zipfile`` parses it (its size bounds the
   parse), then every entry: names, declared sizes, ratios, overlaps, macros;
4. every entry is decompressed in fixed-size chunks with a hard byte counter (the
   declared sizes are not trusted), which also verifies every CRC; XML parts are
   searched for ``<!DOCTYPE`` / ``<!ENTITY``.

Each refusal is an :class:`UnsafeFileError` with a stable ``code`` and a plain
Chinese message (translated through :mod:`vetdesk.i18n`) naming the file and
saying what to do.
"""

from __future__ import annotations

import codecs
import io
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, NoReturn, get_args

from vetdesk.errors import VetDeskError
from vetdesk.i18n import _

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "DEFAULT_LIMITS",
    "UNSAFE_FILE_CODES",
    "CheckedWorkbook",
    "SafetyLimits",
    "SheetScan",
    "UnsafeCode",
    "UnsafeFileError",
    "assert_defusedxml_active",
    "check_xlsx_file",
    "open_workbook_safely",
    "read_checked",
    "translating_read_errors",
]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class SafetyLimits:
    """Limits applied to an incoming workbook before it is parsed."""

    max_file_bytes: int = 50 * _MIB
    max_entries: int = 1000
    max_total_uncompressed: int = 500 * _MIB
    max_entry_uncompressed: int = 200 * _MIB
    # Apache POI's ZipSecureFile uses the same shape: a minimum inflate ratio of
    # 1/100, checked only once an entry is past a grace size (tiny XML parts
    # compress far better than 100:1 and are harmless).
    max_ratio: float = 100
    ratio_grace_bytes: int = 100 * 1024
    # Rows per worksheet (200 000 data rows and room for a title and header), refused by a
    # streaming count of <row> elements during the zip scan, before openpyxl parses
    # anything: a million-row sheet is refused in seconds, not minutes.
    max_sheet_rows: int = 200_100
    # A sheet is laid out in memory as rows × columns from A1 (python-calamine: about 32
    # bytes a cell): two cells at A1 and CB200010 pass the row and column limits yet make
    # 16 million. Such an extent is refused when it exceeds this many cells and holds more
    # than ``max_extent_ratio`` times the cells the scan counted.
    max_sparse_extent: int = 1_000_000
    max_extent_ratio: float = 16

    def __post_init__(self) -> None:
        # The caller loads these from a data file: a zero or negative limit
        # would silently refuse everything (or, for the ratio, disable a check).
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"SafetyLimits.{field.name} must be a positive number: {value!r}")


DEFAULT_LIMITS = SafetyLimits()

UnsafeCode = Literal[
    "not_found",
    "unreadable",
    "empty_file",
    "too_large",
    "legacy_xls",
    "encrypted",
    "csv_or_text",
    "html",
    "not_xlsx",
    "macro",
    "damaged",
    "zip_bomb",
    "xml_dtd",
    "unsafe_path",
]
UNSAFE_FILE_CODES: frozenset[str] = frozenset(get_args(UnsafeCode))


class UnsafeFileError(VetDeskError):
    """An incoming file was refused; ``code`` is one of :data:`UNSAFE_FILE_CODES`."""

    code = "unsafe_file"

    def __init__(self, message: str, *, code: UnsafeCode, file_name: str, detail: str = "") -> None:
        super().__init__(message, code=code)
        self.file_name = file_name
        # Technical reason in English (entry name, limit hit …) for the log; never shown
        # as the user-facing message.
        self.detail = detail


def _refuse(
    code: UnsafeCode, message: str, file_name: str, detail: str = "", **values: object
) -> UnsafeFileError:
    # ``message`` has already gone through ``_()``; the file name is a format
    # argument, so braces in a file name cannot break the template.
    return UnsafeFileError(
        message.format(name=file_name, **values), code=code, file_name=file_name, detail=detail
    )


def _damaged(file_name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "damaged",
        _(
            "文件“{name}”已损坏或不完整（可能复制到 U 盘时没有完成）。"
            "请重新复制，或用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
        ),
        file_name,
        detail,
    )


def _zip_bomb(file_name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "zip_bomb",
        _(
            "文件“{name}”的内部结构异常（解压后体积过大或内部文件过多），为安全起见已拒绝导入。"
            "请确认文件来源，或用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
        ),
        file_name,
        detail,
    )


def _not_xlsx(file_name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "not_xlsx",
        _(
            "无法识别文件“{name}”的格式，它不是 Excel 工作簿。请确认选择的是 .xlsx 文件；"
            "如是其他表格文件，请用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
        ),
        file_name,
        detail,
    )


def _size_text(n: int) -> str:
    return f"{n / _MIB:.1f} MB"


# --------------------------------------------------------------------------- entry point

_HEAD_BYTES = 8192
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# BIFF2–BIFF4 worksheets (Excel 2.x–4.x) are bare BOF records, not wrapped in CFB.
_BIFF_MAGICS = (b"\x09\x00\x04\x00", b"\x09\x02\x06\x00", b"\x09\x04\x06\x00")
# Common binary formats whose first kilobytes can still decode as GB18030 "text".
_OTHER_MAGICS = (
    b"%PDF-",
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",
    b"\x89PNG",
    b"\xff\xd8\xff",
)


@dataclass
class SheetScan:
    """What the streaming scan saw of one worksheet part, before any parser runs.

    The extents are taken from the cell and row references (``<c r="B7">``); they give
    every cell's place only when each row and cell starts with its reference and no cell
    holds a formula or an error value, which is what Excel, WPS, LibreOffice and VetDesk
    write. Otherwise :attr:`needs_exact_scan` asks the reader to parse the part in full.
    """

    rows: int = 0
    cells: int = 0
    max_row: int = 0
    max_column: int = 0
    plain_tags: bool = False
    irregular: bool = False
    formulas: bool = False
    errors: bool = False

    @property
    def needs_exact_scan(self) -> bool:
        """True when the references do not give every cell's place, or formulas or errors are present."""
        return not self.plain_tags or self.irregular or self.formulas or self.errors


@dataclass(frozen=True)
class CheckedWorkbook:
    """The bytes of a workbook that passed the gate, and what the scan saw of its sheets."""

    file_name: str
    data: bytes
    sheets: dict[str, SheetScan]


def check_xlsx_file(path: Path, limits: SafetyLimits = DEFAULT_LIMITS) -> None:
    """Refuse ``path`` with :class:`UnsafeFileError` unless it is a plain, sane .xlsx."""
    name = path.name
    size = _checked_size(path, limits)
    try:
        with path.open("rb") as fh:
            _check_stream(fh, name, size, limits)
    except OSError as exc:
        raise _unreadable(name, exc) from exc


def _checked_size(path: Path, limits: SafetyLimits) -> int:
    name = path.name
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise _not_found(name, "no such file") from exc
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    # A directory, FIFO or device is "not a file"; reading a FIFO would also block.
    if not stat.S_ISREG(info.st_mode):
        raise _not_found(name, "not a regular file")
    if info.st_size == 0:
        raise _empty(name)
    if info.st_size > limits.max_file_bytes:
        raise _too_large(name, info.st_size, limits)
    return info.st_size


def _empty(name: str) -> UnsafeFileError:
    return _refuse(
        "empty_file",
        _("文件“{name}”是空的（0 字节），可能复制没有完成。请重新复制或重新导出后再导入。"),
        name,
        "size 0",
    )


def _not_found(name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "not_found",
        _("找不到文件“{name}”。请确认文件名和位置无误（U 盘是否已拔出）。"),
        name,
        detail,
    )


def _unreadable(name: str, exc: OSError) -> UnsafeFileError:
    return _refuse(
        "unreadable",
        _(
            "无法读取文件“{name}”，可能正被其他程序占用、没有访问权限或 U 盘出错。"
            "请关闭 Excel/WPS 中的该文件后重试，或先把文件复制到电脑上。"
        ),
        name,
        f"{type(exc).__name__}: {exc}",
    )


def _too_large(name: str, size: int, limits: SafetyLimits) -> UnsafeFileError:
    return _refuse(
        "too_large",
        _("文件“{name}”太大（{size}），超过了允许的 {limit}。请确认选择的是正确的文件。"),
        name,
        f"{size} bytes > {limits.max_file_bytes}",
        size=_size_text(size),
        limit=_size_text(limits.max_file_bytes),
    )


def _check_stream(
    fh: IO[bytes], name: str, size: int, limits: SafetyLimits
) -> dict[str, SheetScan]:
    head = fh.read(_HEAD_BYTES)
    if not head:
        # The file shrank between stat() and read() (a copy still in progress).
        raise _empty(name)
    if head.startswith(_ZIP_MAGICS):
        return _check_zip(fh, name, size, limits)
    if head.startswith(_CFB_MAGIC):
        _refuse_cfb(fh, name, size)
    if head.startswith(_BIFF_MAGICS):
        raise _legacy_xls(name, "bare BIFF2-4 stream")
    if head.startswith(_OTHER_MAGICS):
        raise _not_xlsx(name, f"other binary format {head[:8]!r}")
    kind = _text_kind(head)
    if kind == "html":
        raise _refuse(
            "html",
            _(
                "文件“{name}”不是真正的 Excel 工作簿（看起来是网页/HTML 文件被改了扩展名）。"
                "请用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
            ),
            name,
            "HTML/MHTML text",
        )
    if kind == "xml2003":
        raise _refuse(
            "not_xlsx",
            _(
                "文件“{name}”不是真正的 Excel 工作簿（看起来是 Excel 2003 XML 表格）。"
                "请用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
            ),
            name,
            "XML Spreadsheet 2003",
        )
    if kind == "text":
        raise _refuse(
            "csv_or_text",
            _(
                "文件“{name}”不是真正的 Excel 工作簿（看起来是 CSV 或文本文件被改了扩展名）。"
                "请用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
            ),
            name,
            "plain text",
        )
    raise _not_xlsx(name, f"unknown magic {head[:8].hex()}")


# --------------------------------------------------------------------------- CFB / OLE2

_CFB_FREESECT = 0xFFFFFFFF
_CFB_ENDOFCHAIN = 0xFFFFFFFE
_CFB_MAXREGSECT = 0xFFFFFFFA
_CFB_DIR_ENTRY = 128
# Streams that Office's "Encrypt with Password" writes (MS-OFFCRYPTO §2.3.4.x);
# a plain .xls or WPS .et has "Workbook"/"Book" instead.
_CFB_ENCRYPTION_STREAMS = frozenset({"encryptioninfo", "encryptedpackage"})


class _CfbMalformed(Exception):
    pass


def _legacy_xls(name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "legacy_xls",
        _(
            "文件“{name}”是旧版 .xls（或 WPS .et）文件，"
            "请用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
        ),
        name,
        detail,
    )


def _refuse_cfb(fh: IO[bytes], name: str, size: int) -> NoReturn:
    try:
        encrypted = _cfb_has_encryption_streams(fh, size)
    except (_CfbMalformed, struct.error) as exc:
        # Still a CFB file: by far the likeliest case is an .xls from some odd writer,
        # and "save as .xlsx" is the right advice even if Excel then reports damage.
        raise _legacy_xls(name, f"CFB structure unreadable: {exc}") from exc
    if encrypted:
        raise _refuse(
            "encrypted",
            _("文件“{name}”设置了打开密码，请先在 Excel/WPS 中取消密码后再导入。"),
            name,
            "CFB with EncryptionInfo/EncryptedPackage",
        )
    raise _legacy_xls(name, "CFB without encryption streams")


def _cfb_has_encryption_streams(fh: IO[bytes], size: int) -> bool:
    """Walk the CFB directory chain (MS-CFB §2.2, §2.6) looking for encryption streams."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        raise _CfbMalformed("short header")
    major, byte_order, sector_shift = struct.unpack_from("<HHH", header, 26)
    if byte_order != 0xFFFE or (major, sector_shift) not in {(3, 9), (4, 12)}:
        raise _CfbMalformed(f"version {major}, sector shift {sector_shift}")
    sector_size: int = 1 << sector_shift
    num_fat, first_dir = struct.unpack_from("<II", header, 44)
    first_difat, num_difat = struct.unpack_from("<II", header, 68)
    # Every sector is read at most once (loop guards below), so the work is bounded
    # by the file size, which has already been capped.
    max_sectors = size // sector_size + 1

    def read_sector(sid: int) -> bytes:
        if sid > _CFB_MAXREGSECT or sid >= max_sectors:
            raise _CfbMalformed(f"sector {sid} out of range")
        fh.seek((sid + 1) * sector_size)
        data = fh.read(sector_size)
        if not data:
            raise _CfbMalformed(f"sector {sid} beyond end of file")
        return data.ljust(sector_size, b"\0")

    # A FAT cannot have more sectors than the file: this also caps the list below.
    num_fat = min(num_fat, max_sectors)
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s <= _CFB_MAXREGSECT]
    ids_per_sector = sector_size // 4
    sid, seen = first_difat, set[int]()
    while (
        sid not in (_CFB_ENDOFCHAIN, _CFB_FREESECT)
        and len(seen) < num_difat
        and len(fat_sectors) < num_fat
    ):
        if sid in seen:
            raise _CfbMalformed("DIFAT loop")
        seen.add(sid)
        ids = struct.unpack(f"<{ids_per_sector}I", read_sector(sid))
        fat_sectors.extend(s for s in ids[:-1] if s <= _CFB_MAXREGSECT)
        sid = ids[-1]
    fat_sectors = fat_sectors[:num_fat]

    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(sid: int) -> int:
        index, slot = divmod(sid, ids_per_sector)
        if index >= len(fat_sectors):
            raise _CfbMalformed(f"no FAT sector for {sid}")
        if index not in fat_cache:
            fat_cache[index] = struct.unpack(f"<{ids_per_sector}I", read_sector(fat_sectors[index]))
        return fat_cache[index][slot]

    sid, seen = first_dir, set()
    while sid != _CFB_ENDOFCHAIN:
        if sid in seen:
            raise _CfbMalformed("directory chain loop")
        seen.add(sid)
        sector = read_sector(sid)
        for offset in range(0, sector_size, _CFB_DIR_ENTRY):
            entry = sector[offset : offset + _CFB_DIR_ENTRY]
            name_len = struct.unpack_from("<H", entry, 64)[0]
            # Object types 1 = storage, 2 = stream, 5 = root; 0 = unused slot.
            if entry[66] in (1, 2, 5) and 2 <= name_len <= 64 and name_len % 2 == 0:
                entry_name = entry[: name_len - 2].decode("utf-16-le", "replace")
                # CFB compares names case-insensitively (MS-CFB §2.6.4).
                if entry_name.casefold() in _CFB_ENCRYPTION_STREAMS:
                    return True
        sid = next_sector(sid)
    return False


# --------------------------------------------------------------------------- text formats

_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|table|meta)\b")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _text_kind(head: bytes) -> Literal["html", "xml2003", "text"] | None:
    text = _decode_head(head)
    if text is None:
        return None
    low = text.lstrip("\ufeff \t\r\n").lower()
    # Excel's "single file web page" (.mht) is MIME with the HTML inside.
    if _HTML_RE.search(low) or (low.startswith("mime-version:") and "multipart/related" in low):
        return "html"
    if low.startswith("<?xml") and (
        "urn:schemas-microsoft-com:office:spreadsheet" in low or "<workbook" in low
    ):
        return "xml2003"
    return "text"


def _decode_head(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export is UTF-16 with a BOM.
        text = head[: len(head) // 2 * 2].decode("utf-16", "replace")
    elif b"\0" in head:
        return None
    else:
        raw = head.removeprefix(codecs.BOM_UTF8)
        # GB18030 covers GBK/GB2312, what Chinese Excel/WPS use for CSV by default.
        for encoding in ("utf-8", "gb18030"):
            try:
                # final=False: the 8 KiB head may end in the middle of a character.
                text = codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
                break
            except UnicodeDecodeError:
                continue
        else:
            return None
    if _CONTROL_RE.search(text) or text.count("\ufffd") > 1:
        return None
    return text


# --------------------------------------------------------------------------- zip

_EOCD = struct.Struct("<4s4H2IH")
_EOCD64_LOCATOR = struct.Struct("<4sIQI")
_EOCD64 = struct.Struct("<4sQ2H2I4Q")
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")
# Budget for one central-directory record: 46 fixed bytes plus name, extra field and
# comment. Excel/WPS/LibreOffice write well under 200; the cap bounds the memory and
# time ``zipfile`` spends parsing the directory (it reads all of it at once).
_CD_BYTES_PER_ENTRY = 1024
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_CHUNK_SIZE = 64 * 1024
_WORKSHEET_RE = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
# A worksheet row element, with or without a namespace prefix (not <rowBreaks>).
_ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
# What the worksheet scan looks for. Cells and rows whose first attribute is their
# reference (as Excel, WPS, LibreOffice and openpyxl write them) give their place; any
# other spelling, a formula or an error value makes the reader parse the part in full
# (SheetScan.needs_exact_scan).
_CELL_WITHOUT_REF_RE = re.compile(rb'<c(?:>|/>|\s(?!r="))')
_ROW_WITHOUT_REF_RE = re.compile(rb'<row(?:>|/>|\s(?!r="))')
_FORMULA_RE = re.compile(rb"<f[\s>/]")
_ERROR_ATTR = b' t="e"'
_ROW_REF_RE = re.compile(rb'<row r="(\d{1,9})"')
_CELL_ROW_RE = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,9})"')
_CELL_COLUMN_RE = re.compile(rb'<c r="([A-Z]{1,3})\d')
_SCAN_CARRY = 64
_SCAN_TAIL = 16


def _check_zip(fh: IO[bytes], name: str, size: int, limits: SafetyLimits) -> dict[str, SheetScan]:
    declared = _declared_directory(fh, size)
    if declared is None:
        raise _damaged(name, "no end-of-central-directory record (truncated?)")
    declared_entries, cd_size = declared
    if declared_entries > limits.max_entries:
        raise _zip_bomb(name, f"{declared_entries} entries declared > {limits.max_entries}")
    if cd_size > limits.max_entries * _CD_BYTES_PER_ENTRY:
        raise _zip_bomb(name, f"central directory of {cd_size} bytes")
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,  # includes UnicodeDecodeError for undecodable UTF-8 names
        NotImplementedError,  # "zip file version 8.4" and the like
        struct.error,
    ) as exc:
        raise _damaged(name, f"central directory: {exc}") from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, name, limits)
        _check_layout(fh, infos, archive.start_dir, name)
        names = {info.filename for info in infos}
        missing = [part for part in _REQUIRED_PARTS if part not in names]
        if missing:
            raise _refuse(
                "not_xlsx",
                _(
                    "文件“{name}”是压缩文件，但不是 Excel 工作簿"
                    "（可能是 Word/PPT 文档、ODS 或 .xlsb 表格，或普通压缩包）。"
                    "请用 Excel/WPS 打开后“另存为” .xlsx 再导入。"
                ),
                name,
                f"missing {missing}",
            )
        for info in infos:
            folded = info.filename.casefold()
            if folded.endswith("vbaproject.bin") or folded.startswith("xl/macrosheets/"):
                raise _macro(name, f"macro part {info.filename!r}")
        return _stream_entries(archive, infos, name, limits)


def _macro(name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "macro",
        _(
            "文件“{name}”是含宏的工作簿（.xlsm），为安全起见不能导入。"
            "请用 Excel/WPS 打开后“另存为” .xlsx（不含宏的工作簿）再导入。"
        ),
        name,
        detail,
    )


def _declared_directory(fh: IO[bytes], size: int) -> tuple[int, int] | None:
    """Return (entry count, central directory size) exactly as ``zipfile`` will find them."""
    # Mirrors zipfile._EndRecData/_EndRecData64 (CPython 3.11–3.13) on purpose: the
    # point is to bound what zipfile is about to read, so both must pick the same
    # end record even in files crafted to contain several.
    if size < _EOCD.size:
        return None
    fh.seek(size - _EOCD.size)
    last = fh.read(_EOCD.size)
    if last[:4] == b"PK\x05\x06" and last[-2:] == b"\0\0":
        record, record_pos = last, size - _EOCD.size
    else:
        start = max(size - 0xFFFF - _EOCD.size, 0)
        fh.seek(start)
        tail = fh.read()
        found = tail.rfind(b"PK\x05\x06")
        if found < 0 or len(tail) - found < _EOCD.size:
            return None
        record, record_pos = tail[found : found + _EOCD.size], start + found
    fields_ = _EOCD.unpack(record)
    entries, cd_size = fields_[4], fields_[5]
    locator_pos = record_pos - _EOCD64_LOCATOR.size
    if locator_pos < 0:
        return entries, cd_size
    fh.seek(locator_pos)
    locator = fh.read(_EOCD64_LOCATOR.size)
    if len(locator) != _EOCD64_LOCATOR.size or locator[:4] != b"PK\x06\x07":
        return entries, cd_size
    record64_pos = locator_pos - _EOCD64.size
    if record64_pos < 0:
        return entries, cd_size
    fh.seek(record64_pos)
    record64 = fh.read(_EOCD64.size)
    if len(record64) != _EOCD64.size or record64[:4] != b"PK\x06\x06":
        return entries, cd_size
    fields64 = _EOCD64.unpack(record64)
    return fields64[7], fields64[8]


def _check_directory(infos: list[zipfile.ZipInfo], name: str, limits: SafetyLimits) -> None:
    if len(infos) > limits.max_entries:
        raise _zip_bomb(name, f"{len(infos)} entries > {limits.max_entries}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        problem = _path_problem(info.orig_filename)
        # OPC part names are case-insensitive, so "a.xml" and "A.xml" are duplicates.
        key = info.filename.replace("\\", "/").casefold()
        if problem is None and key in seen:
            problem = "duplicate name"
        if problem is not None:
            raise _refuse(
                "unsafe_path",
                _(
                    "文件“{name}”内部含有不安全的路径，可能是恶意构造的文件，已拒绝导入。"
                    "请向文件提供方索取由 Excel/WPS 直接保存的 .xlsx。"
                ),
                name,
                f"{problem}: {info.orig_filename!r}",
            )
        seen.add(key)
        if info.file_size > limits.max_entry_uncompressed:
            raise _zip_bomb(name, f"{info.filename!r} declares {info.file_size} bytes")
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise _zip_bomb(name, f"declared total {total} bytes")
        if _ratio_exceeded(info.file_size, info.compress_size, limits):
            raise _zip_bomb(
                name,
                f"ratio: {info.filename!r} {info.file_size} from {info.compress_size} bytes",
            )
        if info.flag_bits & 0x1:
            raise _refuse(
                "encrypted",
                _(
                    "文件“{name}”的内容被加密，无法读取。"
                    "请在 Excel/WPS 中取消密码后重新保存为 .xlsx，或向文件提供方索取未加密的文件。"
                ),
                name,
                f"zip-encrypted entry {info.filename!r}",
            )
        # Excel, WPS and LibreOffice only write stored or deflated entries; bzip2 and
        # LZMA would let a header choose the decompressor (and its memory use).
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(name, f"{info.filename!r} uses compression {info.compress_type}")


def _path_problem(raw_name: str) -> str | None:
    if not raw_name:
        return "empty name"
    if "\0" in raw_name:
        return "NUL in name"
    if raw_name.startswith(("/", "\\")) or _DRIVE_RE.match(raw_name):
        return "absolute path"
    if ".." in re.split(r"[/\\]", raw_name):
        return "parent reference"
    return None


def _ratio_exceeded(produced: int, compressed: int, limits: SafetyLimits) -> bool:
    return produced > limits.ratio_grace_bytes and produced > limits.max_ratio * max(compressed, 1)


def _check_layout(fh: IO[bytes], infos: list[zipfile.ZipInfo], cd_start: int, name: str) -> None:
    """Refuse entries whose data overlap each other or the central directory."""
    # CPython only rejects overlapping entries from 3.11.8/3.12.2 (gh-109858) and
    # 3.11.7 is in use: several directory records pointing into one compressed
    # stream is the classic "overlapping" zip bomb (Fifield 2019).
    previous_end, previous_name = 0, ""
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < previous_end:
            raise _damaged(name, f"{info.filename!r} overlaps {previous_name!r}")
        fh.seek(info.header_offset)
        header = fh.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise _damaged(name, f"bad local header for {info.filename!r}")
        name_len, extra_len = _LOCAL_HEADER.unpack(header)[-2:]
        previous_end = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
        previous_end += info.compress_size
        previous_name = info.filename
        if previous_end > cd_start:
            raise _damaged(name, f"{info.filename!r} runs into the central directory")


# --------------------------------------------------------------------------- streaming

_DTD_TOKENS = ("<!DOCTYPE", "<!ENTITY")
# OPC (ECMA-376 Part 2) allows only UTF-8 and UTF-16 for XML parts. A few
# ASCII-compatible single-byte names are tolerated: in them "<!DOCTYPE" has the same
# bytes as in UTF-8, so the byte search below still finds it. Anything else (UTF-32,
# EBCDIC, UTF-7, which some XML parsers accept) could hide the token from it.
_ENCODINGS_8BIT = frozenset(
    {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252"}
)
_ENCODINGS_16BIT = frozenset({"utf-16", "utf16", "utf-16le", "utf-16be"})
_XML_DECL_RE = re.compile(r"""^\ufeff?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


@dataclass
class _Totals:
    produced: int = 0


def _stream_entries(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, limits: SafetyLimits
) -> dict[str, SheetScan]:
    totals = _Totals()
    scans: dict[str, SheetScan] = {}
    # Offset order: one forward pass over the file.
    for info in sorted(infos, key=lambda i: i.header_offset):
        try:
            with archive.open(info) as member:
                scan = _scan_member(
                    member,
                    entry_name=info.filename,
                    compress_size=info.compress_size,
                    limits=limits,
                    totals=totals,
                    file_name=name,
                )
        except (
            zipfile.BadZipFile,  # includes "Bad CRC-32" and name mismatches
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
            struct.error,
        ) as exc:
            raise _damaged(name, f"{info.filename!r}: {exc}") from exc
        if scan is not None:
            scans[info.filename] = scan
    return scans


def _scan_member(
    member: IO[bytes],
    *,
    entry_name: str,
    compress_size: int,
    limits: SafetyLimits,
    totals: _Totals,
    file_name: str,
) -> SheetScan | None:
    """Read one entry to its end (which checks the CRC), counting and searching bytes.

    A worksheet part also gets its :class:`SheetScan` (rows, cells, extents, formulas).
    """
    produced = 0
    patterns: tuple[tuple[str, bytes], ...] = ()
    macro_pattern = b""
    carry = b""
    keep = 0
    is_content_types = entry_name == "[Content_Types].xml"
    is_worksheet = bool(_WORKSHEET_RE.match(entry_name))
    scan = SheetScan() if is_worksheet else None
    while True:
        chunk = member.read(_CHUNK_SIZE)
        if not chunk:
            return scan
        produced += len(chunk)
        totals.produced += len(chunk)
        # Actual bytes, not the declared sizes (which already passed): a lying header
        # must not get further than the limits allow.
        if produced > limits.max_entry_uncompressed:
            raise _zip_bomb(file_name, f"{entry_name!r} expands past {produced} bytes")
        if totals.produced > limits.max_total_uncompressed:
            raise _zip_bomb(file_name, f"total expands past {totals.produced} bytes")
        if _ratio_exceeded(produced, compress_size, limits):
            raise _zip_bomb(file_name, f"ratio: {entry_name!r} {produced} from {compress_size}")
        if not patterns:
            codec = _xml_codec(chunk, entry_name, file_name)
            patterns = tuple((token, token.encode(codec)) for token in _DTD_TOKENS)
            macro_pattern = "macroenabled".encode(codec)
            keep = max(len(macro_pattern), *(len(p) for _, p in patterns)) - 1
            if scan is not None:
                # Long enough for any one cell reference split across two chunks.
                keep = max(keep, _SCAN_CARRY)
        # Keep the last bytes of the previous chunk so that a token split across
        # the chunk boundary is still found.
        window = carry + chunk
        for token, pattern in patterns:
            if pattern in window:
                raise _xml_dtd(file_name, f"{entry_name!r} contains {token!r} ({codec})")
        # MIME types are case-insensitive, so look for "macroEnabled" in any case.
        if is_content_types and macro_pattern in window.lower():
            raise _macro(file_name, "macro-enabled content type")
        if scan is not None:
            # Counted, not taken from <dimension>: some writers declare the whole sheet
            # (A1:XFD1048576) for a few rows, and such files import (fuzz corpus).
            scan.rows += _count_rows(window, len(carry))
            if scan.rows > limits.max_sheet_rows:
                raise _too_many_rows(file_name, entry_name, scan.rows, limits)
            if codec == "utf-8":
                _scan_cells(scan, window, len(carry))
        carry = window[-keep:]


def _count_rows(window: bytes, carried: int) -> int:
    """Row elements that end in the new part of the window (after the carried bytes)."""
    if b"row" not in window:  # a fast byte search spares the regex most of a bomb's zeros
        return 0
    # All matches, less the first few that end inside the carried bytes (counted with the
    # previous chunk): matches come in order and do not overlap, so those are a prefix,
    # and only they are looked at one by one (a Python step per row cost half the scan).
    counted = 0
    for match in _ROW_RE.finditer(window):
        if match.end() > carried:
            break
        counted += 1
    return len(_ROW_RE.findall(window)) - counted


def _scan_cells(scan: SheetScan, window: bytes, carried: int) -> None:
    """Look for cells without a leading reference, formulas and errors; track the largest reference."""
    # Searches with a literal prefix and one set per chunk: the scan must stay a small part
    # of reading the sheet (python-calamine reads a 20 MB sheet in well under a second).
    scan.cells += _count_cell_tags(window) - _count_cell_tags(window[:carried])
    if not scan.plain_tags and b"<sheetData" in window:
        scan.plain_tags = True
    if not scan.irregular and (
        _found_before_tail(_CELL_WITHOUT_REF_RE, window)
        or _found_before_tail(_ROW_WITHOUT_REF_RE, window)
    ):
        scan.irregular = True
    if not scan.formulas and _FORMULA_RE.search(window):
        scan.formulas = True
    if not scan.errors and _ERROR_ATTR in window:
        scan.errors = True
    numbers = set(_ROW_REF_RE.findall(window))
    numbers.update(_CELL_ROW_RE.findall(window))
    if numbers:
        scan.max_row = max(scan.max_row, *map(int, numbers))
    letters = set(_CELL_COLUMN_RE.findall(window))
    if letters:
        scan.max_column = max(scan.max_column, *map(column_index, letters))


def _count_cell_tags(data: bytes) -> int:
    """Cell elements starting in ``data`` (unprefixed; a prefixed sheet is parsed in full)."""
    return data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")


def _found_before_tail(pattern: re.Pattern[bytes], window: bytes) -> bool:
    # A tag cut at the end of the window is looked at again with the next chunk (the
    # carried bytes); a match there may only be the cut.
    match = pattern.search(window)
    return match is not None and match.start() < len(window) - _SCAN_TAIL


def column_index(letters: bytes | str) -> int:
    """The 1-based number of a column given by its letters (A = 1, XFD = 16 384)."""
    number = 0
    for char in letters.encode() if isinstance(letters, str) else letters:
        number = number * 26 + char - 64
    return number


def _too_many_rows(
    file_name: str, entry_name: str, rows: int, limits: SafetyLimits
) -> UnsafeFileError:
    return _refuse(
        "zip_bomb",
        _("文件“{name}”中有工作表超过 {max} 行，超出上限，请拆分后分批导入。"),
        file_name,
        f"{entry_name!r}: {rows} rows",
        max=limits.max_sheet_rows,
    )


def _xml_dtd(file_name: str, detail: str) -> UnsafeFileError:
    return _refuse(
        "xml_dtd",
        _(
            "文件“{name}”含有不允许的 XML 定义（DTD/实体），可能是恶意构造的文件，已拒绝导入。"
            "请向文件提供方索取由 Excel/WPS 直接保存的 .xlsx。"
        ),
        file_name,
        detail,
    )


def _xml_codec(first_chunk: bytes, entry_name: str, file_name: str) -> str:
    """Return the codec in which to search the entry, refusing non-OPC encodings."""
    # Every entry is searched, not just *.xml: a relationship may point openpyxl at
    # XML stored under any name. For binary parts the guess is harmless (8-bit).
    head = first_chunk[:4]
    if head.startswith((b"\xff\xfe\0\0", b"\0\0\xfe\xff", b"<\0\0\0", b"\0\0\0<")):
        raise _damaged(file_name, f"{entry_name!r} looks like UTF-32 XML")
    if head.startswith((codecs.BOM_UTF16_LE, b"<\0")):
        codec, allowed = "utf-16-le", _ENCODINGS_16BIT
    elif head.startswith((codecs.BOM_UTF16_BE, b"\0<")):
        codec, allowed = "utf-16-be", _ENCODINGS_16BIT
    else:
        codec, allowed = "utf-8", _ENCODINGS_8BIT
    declaration = first_chunk[:512].decode(codec, "replace")
    match = _XML_DECL_RE.match(declaration)
    if match and match.group(1).strip().lower() not in allowed:
        raise _damaged(file_name, f"{entry_name!r} declares encoding {match.group(1)!r}")
    return codec


# --------------------------------------------------------------------------- openpyxl


def assert_defusedxml_active() -> None:
    """Raise RuntimeError unless openpyxl parses XML through defusedxml (fail closed)."""
    import openpyxl

    if getattr(openpyxl, "DEFUSEDXML", False) is not True:
        raise RuntimeError(
            "openpyxl is not using defusedxml (is defusedxml installed, and is "
            "OPENPYXL_DEFUSEDXML unset?); refusing to read untrusted workbooks"
        )


@contextmanager
def translating_read_errors(file_name: str) -> Iterator[None]:
    """Turn any error openpyxl raises while reading a checked file into UnsafeFileError."""
    # In read-only mode openpyxl parses worksheets lazily, so the importer wraps its
    # row iteration in this as well. Wrap only openpyxl calls: everything inside
    # becomes "damaged", including bugs.
    try:
        yield
    except (UnsafeFileError, MemoryError):
        raise
    except Exception as exc:
        from defusedxml.common import DefusedXmlException

        if isinstance(exc, DefusedXmlException) or isinstance(
            exc.__cause__ or exc.__context__, DefusedXmlException
        ):
            raise _xml_dtd(file_name, f"defusedxml: {exc}") from exc
        raise _damaged(file_name, f"openpyxl: {type(exc).__name__}: {exc}") from exc


def read_checked(path: Path, limits: SafetyLimits = DEFAULT_LIMITS) -> CheckedWorkbook:
    """Read ``path`` into memory and run the gate on those bytes; any problem is an UnsafeFileError."""
    name = path.name
    size = _checked_size(path, limits)
    # Read once into memory (at most max_file_bytes) and check and parse those same
    # bytes: the file cannot change between check and parse, and the USB stick may
    # be pulled out afterwards. One byte more than the size seen shows a file that grew;
    # asking for the whole limit would allocate it even for a small file.
    try:
        with path.open("rb") as fh:
            data = fh.read(min(size, limits.max_file_bytes) + 1)
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    if len(data) > limits.max_file_bytes:
        raise _too_large(name, len(data), limits)
    sheets = _check_stream(io.BytesIO(data), name, len(data), limits)
    return CheckedWorkbook(name, data, sheets)


def open_workbook_safely(
    path: Path, limits: SafetyLimits = DEFAULT_LIMITS, *, read_only: bool = True
) -> Workbook:
    """Check ``path``, then open it with openpyxl; any problem with the file is an UnsafeFileError.

    Used where a workbook is annotated (written back); incoming workbooks are read by
    :mod:`vetdesk.workbook.source`.
    """
    assert_defusedxml_active()
    checked = read_checked(path, limits)

    import openpyxl

    with translating_read_errors(checked.file_name):
        return openpyxl.load_workbook(
            io.BytesIO(checked.data), read_only=read_only, data_only=False, keep_links=False
        )
