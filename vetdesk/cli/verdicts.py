"""How the command line shows a verdict on a signed file: one line, then what to do about it."""

from __future__ import annotations

from vetdesk.i18n import _
from vetdesk.packages.envelope import EnvelopeVerification


def verdict_line(result: EnvelopeVerification) -> str:
    """✓/✗, the file, the verdict's code and the message."""
    mark = "✓" if result.ok else "✗"
    return f"{mark} {result.file_name} [{result.verdict}] {result.message}"


def detail_lines(result: EnvelopeVerification, *, notes: bool = True) -> list[str]:
    """The indented lines under a verdict: the remedy of a refusal, the key, the notes."""
    lines = []
    if not result.ok and result.remedy:
        lines.append("    " + _("处理办法：{remedy}").format(remedy=result.remedy))
    if result.fingerprint:
        lines.append("    " + _("签名密钥指纹：{fp}").format(fp=result.fingerprint))
    if notes:
        lines.extend("    " + note for note in result.notes)
    return lines


def print_verification(result: EnvelopeVerification, *, notes: bool = True) -> None:
    """Print a verdict and its detail lines."""
    for line in [verdict_line(result), *detail_lines(result, notes=notes)]:
        print(line)
