"""Chinese line breaking: the rules themselves, and ReportLab paragraphs set by them."""

from __future__ import annotations

import pytest

from vetdesk.reports.kinsoku import NO_LINE_END, NO_LINE_START, wrap

RULES_TEXT = (
    "依据《职业学校办学条件达标工程实施方案》（教职成〔2022〕5号）和「设置标准」，"
    "双师型教师占比（专业课教师）应达到要求；未达标学校须说明原因、整改措施：“限期达标”。"
)
OPENING, CLOSING = set("（《「『【〔“‘("), set("，。、；：！？）》」』】〕”’")


def _em(char: str) -> float:
    return 0.5 if char.isascii() else 1.0


def _lines(text: str, width: float) -> list[str]:
    widths = [_em(c) for c in text]
    return [text[start:end] for start, end, _forced in wrap(list(text), widths, [width])]


def _check_rules(lines: list[str], text: str) -> None:
    assert "".join(lines) == text
    for index, line in enumerate(lines):
        if index:
            assert line[0] not in CLOSING, lines
        if index < len(lines) - 1:
            assert line[-1] not in OPENING, lines


def test_rule_sets_cover_the_brief() -> None:
    assert set("，。；：、）」") <= NO_LINE_START
    assert set("（「") <= NO_LINE_END


def test_wrap_follows_the_rules_at_every_width() -> None:
    broke_at = set()
    for width in range(4, 40):
        lines = _lines(RULES_TEXT, width)
        _check_rules(lines, RULES_TEXT)
        for line in lines:
            assert sum(_em(c) for c in line) <= width or len(line) <= 2, (width, line)
        broke_at.update(len(line) for line in lines[:-1])
    assert len(broke_at) > 10  # the widths really moved the breaks around


def test_latin_words_break_at_spaces_and_hyphens() -> None:
    text = "达标工程 The quick brown fox-like dog jumps"
    lines = _lines(text, 8)
    assert len(lines) > 2
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert not line.startswith(" ") and not line.endswith(" ")
    # No word is cut in two: each is whole on some line, a hyphenated one at its hyphen.
    for word in ("quick", "brown", "dog", "jumps"):
        assert any(word in line.split() for line in lines), lines
    assert any(line.endswith("fox-") for line in lines) or any("fox-like" in ln for ln in lines)


def test_forced_line_breaks_are_kept() -> None:
    text = "第一行\n第二行"
    lines = wrap(list(text), [1.0] * len(text), [20])
    assert [(s, e, f) for s, e, f in lines] == [(0, 4, True), (4, 7, False)]


@pytest.mark.parametrize("width_pt", range(40, 200, 7))
def test_reportlab_paragraph_follows_the_rules(width_pt: int) -> None:
    from vetdesk.reports.typeset import para, style

    paragraph = para(RULES_TEXT, style(8))
    paragraph.wrap(width_pt, 10_000)
    lines = [
        "".join(str(c) for frag in line.words for c in frag.text) for line in paragraph.blPara.lines
    ]
    _check_rules(lines, RULES_TEXT)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from vetdesk.reports.typeset import FONT

    for line in lines:
        assert stringWidth(line, FONT, 8) <= width_pt + 1e-6 or len(line) <= 2, line


def test_markup_keeps_spaces_left_for_handwriting_and_escapes() -> None:
    from vetdesk.reports.typeset import para, style

    paragraph = para("年    月    日 <b>&", style(10))
    assert paragraph.getPlainText().replace("\u00a0", " ") == "年    月    日 <b>&"
