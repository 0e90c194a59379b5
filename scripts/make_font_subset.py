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

Usage::

    .venv/bin/python scripts/make_font_subset.py [--source PATH] [--index 2]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_INDEX = 2  # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK in the Noto Sans CJK collection
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
TARGET = ROOT / "resources" / "fonts" / "NotoSansSC-VetDesk.otf"
LICENCE = ROOT / "resources" / "fonts" / "OFL.txt"
FAMILY = "Noto Sans SC VetDesk"
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
_TEXT_SUFFIXES = {".py", ".json", ".ts", ".md", ".txt", ".csv", ".mako"}


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


def _rename(font: TTFont) -> None:
    name = font["name"]
    full = f"{FAMILY} Regular"
    postscript = "NotoSansSCVetDesk-Regular"
    for record in list(name.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
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
        top.FamilyName = FAMILY


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
    args = parser.parse_args(argv)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
