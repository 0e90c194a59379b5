"""The key enrolment form: one printable A4 page with this unit's key fingerprint (Qt-free).

The other side registers our public key only after comparing its fingerprint digit by
digit with this signed and stamped paper, so the page puts the fingerprint in large
digits and leaves room for the signature (经办人签字) and the unit's seal (单位盖章).
Drawn with matplotlib (imported on first use) in the shipped Chinese font: as a PDF to
save or send (its text in the TrueType copy of the font, embedded as Type 42), or as a PNG
that the GUI hands to the printer.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vetdesk import __version__
from vetdesk.db.database import Database
from vetdesk.domain.enums import Role
from vetdesk.fonts import register_matplotlib_font, register_pdf_font
from vetdesk.i18n import _
from vetdesk.reports.pdf import wrap_text
from vetdesk.signing.keystore import active_key
from vetdesk.workbook.atomic import write_atomically

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4_INCHES = (8.27, 11.69)
# Digits in a monospaced face line up group under group, which eases comparing by eye;
# DejaVu Sans Mono ships with matplotlib.
DIGIT_FONT = "DejaVu Sans Mono"
_INK = "#202020"
_GREY = "#606060"


@dataclass(frozen=True)
class EnrolmentForm:
    """What the enrolment page shows."""

    unit_code: str
    unit_name: str
    role: str
    public_key: str
    fingerprint: str
    key_id: str
    created: dt.date
    printed: dt.date

    @property
    def role_text(self) -> str:
        """The unit's role in the exchange, in words."""
        if self.role == Role.CITY:
            return _("市教育局（接收、核验各县区上报数据）")
        return _("县区教育局（向市局上报数据）")

    def fingerprint_lines(self) -> list[str]:
        """The fingerprint as two lines of four groups."""
        groups = self.fingerprint.split()
        return (
            [" ".join(groups[:4]), " ".join(groups[4:])] if len(groups) > 4 else [" ".join(groups)]
        )


def enrolment_form(db: Database, *, today: dt.date | None = None) -> EnrolmentForm:
    """The enrolment form of this unit's active key (NoSigningKey when there is none)."""
    own = active_key(db)
    info = db.info()
    return EnrolmentForm(
        unit_code=info.unit_code,
        unit_name=info.unit_name,
        role=info.role,
        public_key=own.public_key,
        fingerprint=own.fingerprint,
        key_id=own.key_id,
        created=own.created_at.date(),
        printed=today or dt.date.today(),
    )


def build_figure(form: EnrolmentForm) -> Figure:
    """Draw the page on a matplotlib figure of A4 size (no pyplot: safe off the main thread)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    family = register_matplotlib_font()
    fig = Figure(figsize=A4_INCHES)
    fig.patch.set_facecolor("white")

    def text(x: float, y: float, s: str, size: float, **kw: object) -> None:
        kw.setdefault("fontfamily", family)
        kw.setdefault("color", _INK)
        fig.text(x, y, s, fontsize=size, **kw)  # type: ignore[arg-type]

    left, right = 0.1, 0.9
    text(0.5, 0.93, _("VetDesk 签名密钥登记表"), 22, ha="center")
    text(
        0.5,
        0.905,
        _("海东市职业教育数据报送 · 公钥指纹核对用"),
        11,
        ha="center",
        color=_GREY,
    )
    fig.add_artist(
        Rectangle((left, 0.885), right - left, 0.0012, transform=fig.transFigure, color=_INK)
    )
    rows = [
        (_("单位名称："), form.unit_name),
        (_("单位代码："), form.unit_code),
        (_("单位角色："), form.role_text),
        (_("密钥编号："), form.key_id),
        (_("密钥创建日期："), form.created.isoformat()),
    ]
    y = 0.845
    for label, value in rows:
        text(left, y, label, 12, color=_GREY)
        text(left + 0.2, y, value, 13)
        y -= 0.032
    text(left, y - 0.01, _("公钥："), 12, color=_GREY)
    text(left, y - 0.04, form.public_key, 9, fontfamily=DIGIT_FONT)
    y -= 0.1
    text(left, y, _("密钥指纹（请对方逐位核对）："), 13)
    box_top = y - 0.02
    lines = form.fingerprint_lines()
    box_height = 0.065 * len(lines) + 0.03
    fig.add_artist(
        Rectangle(
            (left, box_top - box_height),
            right - left,
            box_height,
            transform=fig.transFigure,
            fill=False,
            linewidth=1.5,
            edgecolor=_INK,
        )
    )
    for number, line in enumerate(lines):
        text(
            0.5,
            box_top - 0.06 - 0.065 * number,
            line,
            30,
            ha="center",
            fontfamily=DIGIT_FONT,
            fontweight="bold",
        )
    y = box_top - box_height - 0.04
    note = _(
        "说明：对方单位在 VetDesk 中登记本单位的公钥文件时，软件会显示该公钥的指纹。"
        "只有与本表的指纹完全一致时才可登记；任何一位不同，都说明公钥文件不是本单位的，"
        "应拒绝登记并电话联系本单位。本表须经办人签字并加盖单位公章。"
    )
    # The report's wrapping: measured with the font's advances, Chinese line-breaking rules.
    for line in wrap_text(note, (right - left) * A4_INCHES[0], 10.5):
        text(left, y, line, 10.5, color=_GREY)
        y -= 0.026
    # The signature block sits at a fixed place at the foot of the page, whatever the
    # length of the note above it (English takes more lines than Chinese).
    y = 0.17
    text(left, y, _("经办人签字："), 13)
    fig.add_artist(
        Rectangle((left + 0.16, y - 0.004), 0.28, 0.0008, transform=fig.transFigure, color=_INK)
    )
    text(left, y - 0.06, _("日期："), 13)
    fig.add_artist(
        Rectangle((left + 0.16, y - 0.064), 0.28, 0.0008, transform=fig.transFigure, color=_INK)
    )
    # The seal box: about 5 cm square, beside the signature lines, its label inside.
    seal_w = 0.26
    seal_h = seal_w * A4_INCHES[0] / A4_INCHES[1]
    seal_bottom = 0.065
    fig.add_artist(
        Rectangle(
            (right - seal_w, seal_bottom),
            seal_w,
            seal_h,
            transform=fig.transFigure,
            fill=False,
            linewidth=1,
            linestyle="--",
            edgecolor=_GREY,
        )
    )
    text(right - seal_w / 2, seal_bottom + 0.015, _("（单位盖章）"), 12, ha="center", color=_GREY)
    text(
        0.5,
        0.028,
        _("打印日期 {date} · VetDesk {version}").format(
            date=form.printed.isoformat(), version=__version__
        ),
        9,
        ha="center",
        color=_GREY,
    )
    return fig


def write_enrolment_pdf(form: EnrolmentForm, target: Path) -> Path:
    """Write the enrolment page as a one-page A4 PDF (atomically); return its path."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.text import Text

    fig = build_figure(form)
    metadata = {
        "Title": _("VetDesk 签名密钥登记表") + f" {form.unit_name}",
        "Creator": f"VetDesk {__version__}",
    }

    # The Chinese text in the TrueType copy of the shipped font, embedded as Type 42 like the
    # report's (matplotlib could embed the CFF original only as Type 3).
    family = register_pdf_font()
    for item in fig.findobj(Text):
        if item.get_fontfamily()[0] != DIGIT_FONT:
            item.set_fontfamily([family])

    def write(tmp: Path) -> None:
        with rc_context({"pdf.fonttype": 42}), PdfPages(tmp, metadata=metadata) as pdf:
            pdf.savefig(fig)

    write_atomically(target, write)
    return target


def enrolment_png(form: EnrolmentForm, dpi: int = 200) -> bytes:
    """The enrolment page as PNG bytes at a printer's resolution."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = build_figure(form)
    FigureCanvasAgg(fig)  # attaches itself: savefig then renders with Agg
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
