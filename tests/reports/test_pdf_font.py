"""The TrueType copy of the shipped font that PDFs embed (made by scripts/make_font_subset.py)."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from vetdesk.fonts import font_path, pdf_font_path


def test_pdf_font_is_truetype_with_every_character_of_the_shipped_font() -> None:
    assert pdf_font_path().is_file(), "run scripts/make_font_subset.py --pdf-only"
    with TTFont(str(pdf_font_path())) as pdf_font, TTFont(str(font_path())) as ui_font:
        assert "glyf" in pdf_font and "CFF " not in pdf_font
        assert pdf_font.sfntVersion == "\x00\x01\x00\x00"
        assert set(pdf_font.getBestCmap()) == set(ui_font.getBestCmap())
        # Its own family, so matplotlib never mixes it up with the .otf that Qt uses.
        assert pdf_font["name"].getDebugName(1) == "Noto Sans SC VetDesk PDF"
        assert pdf_font["name"].getDebugName(6) == "NotoSansSCVetDeskPDF-Regular"
        # Same advances as the .otf that Qt and matplotlib measure with.
        ui_cmap, pdf_cmap = ui_font.getBestCmap(), pdf_font.getBestCmap()
        for char in "达标双师型盖章，。（）ABC123":
            ui_advance = ui_font["hmtx"][ui_cmap[ord(char)]][0]
            assert pdf_font["hmtx"][pdf_cmap[ord(char)]][0] == ui_advance, char
