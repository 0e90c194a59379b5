"""Chinese line breaking (禁则): where a line of measured characters may end (no ReportLab here).

GB/T 15834 punctuation as word processors apply it: closing punctuation never starts a
line, opening brackets and quotes never end one; Latin words break at a space or after a
hyphen, Chinese between any two characters. ReportLab's own CJK wrapping lets a closing
mark hang past the margin (out of a table cell) and knows neither ``，`` nor ``；``, so
:mod:`vetdesk.reports.typeset` breaks its lines with :func:`wrap` instead.
"""

from __future__ import annotations

from collections.abc import Sequence

NO_LINE_START = frozenset("，。、；：！？）》」』】〕”’,.;:!?)%")
NO_LINE_END = frozenset("（《「『【〔“‘(")
LINE_BREAK = "\n"
_FUZZ = 1e-6


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_./:@")


def break_before(chars: Sequence[str], start: int, overflow: int) -> int:
    """Where a line that began at ``start`` ends when ``chars[overflow]`` no longer fits.

    The line is ``chars[start:end]`` with ``start < end <= overflow``.
    """
    end = overflow
    if _is_word_char(chars[overflow]) and _is_word_char(chars[overflow - 1]):
        # Inside a Latin word: back to the last hyphen (kept) or space (dropped later).
        for index in range(overflow - 1, start, -1):
            if chars[index] in " -":
                end = index + 1
                break
            if not _is_word_char(chars[index]):
                end = index + 1  # a Chinese character before the word is a break point
                break
    # Closing marks go down with the character before them; an opening mark goes down
    # with what it opens. A line keeps at least one character, so wrapping always ends.
    while end - 1 > start and (chars[end] in NO_LINE_START or chars[end - 1] in NO_LINE_END):
        end -= 1
    return end


def wrap(
    chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float]
) -> list[tuple[int, int, bool]]:
    """Break measured characters into lines: ``(start, end, forced)`` for each line.

    ``max_widths`` gives each line's width (the last one for all further lines);
    :data:`LINE_BREAK` in ``chars`` ends a line (``forced``) and belongs to it. Spaces where
    a line was broken are left out of both lines.
    """
    lines: list[tuple[int, int, bool]] = []
    start, used, index = 0, 0.0, 0
    while index < len(chars):
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        char = chars[index]
        if char == LINE_BREAK:
            lines.append((start, index + 1, True))
            start, used, index = index + 1, 0.0, index + 1
            continue
        if index > start and used + widths[index] > limit + _FUZZ:
            end = break_before(chars, start, index)
            stop = end
            while stop > start + 1 and chars[stop - 1] == " ":
                stop -= 1  # the space a Latin line was broken at
            lines.append((start, stop, False))
            while end < len(chars) and chars[end] == " ":
                end += 1
            start, used, index = end, 0.0, end
            continue
        used += widths[index]
        index += 1
    if start < len(chars) or not lines:
        lines.append((start, len(chars), False))
    return lines
