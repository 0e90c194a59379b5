#!/usr/bin/env python3
"""Build the Chinese UI font VetDesk ships: a subset of Noto Sans CJK SC (SIL OFL 1.1).

VetDesk must show Chinese on Windows machines without Chinese fonts (and in the offscreen
screenshots of CI), so it carries its own font. The full face is ~16 MB; this keeps what the
application can show:

* ASCII, Latin-1 punctuation, general punctuation, CJK symbols and punctuation,
  full-width forms and a few symbols the screens use (≥ ≤ — … ✓ ✗ ² …);
* the 6 763 hanzi of GB 2312 (all of common simplified Chinese);
* every other character that occurs in ``resources/`` and ``vetdesk/`` (school and
  person names of the demo, rule-set texts, messages).

Source font: Debian's ``fonts-noto-cjk`` package (``apt-get install -y fonts-noto-cjk``),
file ``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, face index 2
("Noto Sans CJK SC"); upstream https://github.com/googlefonts/noto-cjk. The licence text is
copied from the package's ``/usr/share/doc/fonts-noto-cjk/copyright`` into ``OFL.txt``.

The subset is renamed "Noto Sans SC VetDesk" (a Modified Version under the OFL; the reserved
font name is "Source", which is not used), so it never shadows a full system copy.

It is written twice: ``NotoSansSC-VetDesk.otf`` (CFF outlines, all layout features) for the
windows, and ``NotoSansSC-VetDesk-PDF.ttf`` ("Noto Sans SC VetDesk PDF", the same glyphs with
TrueType outlines and no layout tables) for PDFs: a PDF embeds TrueType as a subset CID font
(Type 42) that every viewer and printer reads, whereas matplotlib can only embed CFF outlines
as Type 3. Converting once here replaces a conversion per report at run time.

Usage::

    .venv/bin/python scripts/make_font_subset.py [--source PATH] [--index 2]
    .venv/bin/python scripts/make_font_subset.py --pdf-only   # only the TrueType copy, from the .otf
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_INDEX = 2  # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK in the Noto Sans CJK collection
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
TARGET = ROOT / "resources" / "fonts" / "NotoSansSC-VetDesk.otf"
PDF_TARGET = ROOT / "resources" / "fonts" / "NotoSansSC-VetDesk-PDF.ttf"
LICENCE = ROOT / "resources" / "fonts" / "OFL.txt"
FAMILY = "Noto Sans SC VetDesk"
PDF_FAMILY = "Noto Sans SC VetDesk PDF"
MAX_BYTES = 4 * 1024 * 1024

# Unicode blocks kept whole: ASCII, Latin-1, general punctuation, arrows/maths used in
# thresholds, box drawing, geometric shapes, check marks, CJK punctuation, full-width forms.
_RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x25FF),
    (0x2700, 0x27BF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
]
_TEXT_SUFFIXES = {".py", ".json", ".po", ".md", ".txt", ".csv", ".mako"}


def gb2312_hanzi() -> set[int]:
    """The 6 763 hanzi of GB 2312 (rows 16–87), decoded from the codec itself."""
    chars: set[int] = set()
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # the unassigned tail of row 55
    return chars


def source_characters() -> set[int]:
    """Every non-ASCII character in the application's own text files."""
    chars: set[int] = set()
    for folder in (ROOT / "resources", ROOT / "vetdesk"):
        for path in folder.rglob("*"):
            if path.suffix not in _TEXT_SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            chars.update(ord(c) for c in text if ord(c) > 0x7F)
    return chars


def wanted_codepoints() -> set[int]:
    """All code points the subset should cover (the font keeps those it has)."""
    codepoints = {c for low, high in _RANGES for c in range(low, high + 1)}
    return codepoints | gb2312_hanzi() | source_characters()


def _rename(font: TTFont, family: str = FAMILY) -> None:
    name = font["name"]
    full = f"{family} Regular"
    postscript = family.replace(" ", "") + "-Regular"
    for record in list(name.names):
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = "Regular"
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 3:
            record.string = f"{postscript};VetDesk subset"
        elif record.nameID == 6:
            record.string = postscript
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = full
        top.FamilyName = family


def to_truetype(font: TTFont) -> TTFont:
    """Replace the CFF outlines of ``font`` by quadratic TrueType ones (in place), for PDFs."""
    # The PDF writer places glyph by glyph: layout tables, and the glyphs only they reach
    # (vertical and alternate forms), would only add bytes.
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    if "VORG" in font:
        del font["VORG"]
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run anticlockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    font.recalcBBoxes = True
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        advance, _lsb = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0))
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attribute in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attribute, 1 if attribute == "maxZones" else 0)
    font["post"].formatType = 3.0  # no glyph names: they are of no use in a CID font
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    _rename(font, PDF_FAMILY)
    return font


def write_pdf_font() -> None:
    """Write the TrueType copy of the shipped subset that PDFs embed."""
    font = to_truetype(TTFont(str(TARGET)))
    font.save(str(PDF_TARGET))
    size = PDF_TARGET.stat().st_size
    print(f"wrote {PDF_TARGET.relative_to(ROOT)}: {size / 1024 / 1024:.2f} MB")


def licence_text(font: TTFont) -> str:
    """The OFL text with the font's own copyright line."""
    copyright_line = font["name"].getDebugName(0) or "Copyright 2014-2021 Adobe"
    if DEBIAN_COPYRIGHT.exists():
        text = DEBIAN_COPYRIGHT.read_text(encoding="utf-8")
        # The stand-alone licence stanza: "License: SIL-1.1" followed by indented lines.
        match = re.search(r"^License: SIL-1\.1\n((?: .*\n?)+)", text, re.M)
        body = match.group(1) if match else ""
        # Debian's copyright format indents lines by one space and writes blank lines as " .".
        lines = [line[1:] if line.startswith(" ") else line for line in body.splitlines()]
        ofl = "\n".join("" if line == "." else line for line in lines).strip()
    else:
        ofl = "SIL OPEN FONT LICENSE Version 1.1 - see https://openfontlicense.org/"
    header = (
        f"{FAMILY}: a subset of Noto Sans CJK SC made by scripts/make_font_subset.py.\n"
        "Source: https://github.com/googlefonts/noto-cjk (Debian package fonts-noto-cjk).\n\n"
        f"{copyright_line}\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
    )
    return header + ofl + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the subset font and its licence; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--index", type=int, default=DEFAULT_INDEX)
    parser.add_argument(
        "--pdf-only", action="store_true", help="only convert the shipped .otf for PDFs"
    )
    args = parser.parse_args(argv)
    if args.pdf_only:
        write_pdf_font()
        return 0
    if not args.source.exists():
        print(f"{args.source} not found: apt-get install -y fonts-noto-cjk", file=sys.stderr)
        return 1
    if args.source.suffix.lower() == ".ttc":
        font = TTCollection(str(args.source)).fonts[args.index]
    else:
        font = TTFont(str(args.source))
    options = subset.Options()
    options.layout_features = ["*"]  # keep vertical/half-width forms and punctuation kerning
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # CFF hints add size and do little at UI sizes on modern rasterisers
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints())
    subsetter.subset(font)
    _rename(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    LICENCE.write_text(licence_text(font), encoding="utf-8")
    size = TARGET.stat().st_size
    covered = len(font.getBestCmap())
    print(f"wrote {TARGET.relative_to(ROOT)}: {size / 1024 / 1024:.2f} MB, {covered} characters")
    if size > MAX_BYTES:
        print(f"subset is larger than {MAX_BYTES} bytes", file=sys.stderr)
        return 1
    write_pdf_font()
    return 0


if __name__ == "__main__":
    sys.exit(main())
