"""The key enrolment form: one printable A4 page with this unit's key fingerprint (Qt-free).

The other side registers our public key only after comparing its fingerprint digit by
digit with this signed and stamped paper, so the page puts the fingerprint in large
digits and leaves room for the signature (经办人签字) and the unit's seal (单位盖章).
Laid out by ReportLab's Platypus like the report (:mod:`vetdesk.reports.typeset` says
why), in the shipped Chinese font embedded as a TrueType subset, the digits in DejaVu Sans
Mono. The PNG that the GUI hands to the printer is this same PDF page rasterised by
PDFium (pypdfium2), so what is printed is what is saved.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetdesk import __version__
from vetdesk.db.database import Database
from vetdesk.domain.enums import Role
from vetdesk.i18n import _
from vetdesk.signing.keystore import active_key
from vetdesk.workbook.atomic import write_atomically

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


def _story(form: EnrolmentForm) -> tuple[list[Any], list[Any]]:
    """The page's content: the body, and the signature block kept at the foot of the page."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm, inch
    from reportlab.platypus import Spacer, Table

    from vetdesk.reports.typeset import MONO, MONO_BOLD, TEXT_W, para, style, table_style

    ink, grey = colors.HexColor(_INK), colors.HexColor(_GREY)
    body: list[Any] = [
        para(_("VetDesk 签名密钥登记表"), style(22, align="center", color=ink, leading=30)),
        para(
            _("海东市职业教育数据报送 · 公钥指纹核对用"),
            style(11, align="center", color=grey, spaceAfter=6),
        ),
    ]
    rows = [
        (_("单位名称："), form.unit_name),
        (_("单位代码："), form.unit_code),
        (_("单位角色："), form.role_text),
        (_("密钥编号："), form.key_id),
        (_("密钥创建日期："), form.created.isoformat()),
    ]
    details = Table(
        [
            [para(label, style(12, color=grey)), para(value, style(13, color=ink))]
            for label, value in rows
        ],
        colWidths=[1.65 * inch, TEXT_W - 1.65 * inch],
        style=table_style(
            ("LINEABOVE", (0, 0), (-1, 0), 1.2, ink),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, 0), 12),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ),
    )
    body += [
        details,
        Spacer(1, 8),
        para(_("公钥："), style(12, color=grey)),
        para(form.public_key, style(9, color=ink, fontName=MONO)),
        Spacer(1, 18),
        para(_("密钥指纹（请对方逐位核对）："), style(13, color=ink, spaceAfter=6)),
    ]
    digits = style(30, align="center", color=ink, fontName=MONO_BOLD, leading=42)
    body.append(
        Table(
            [[para(line, digits)] for line in form.fingerprint_lines()],
            colWidths=[TEXT_W],
            style=table_style(
                ("BOX", (0, 0), (-1, -1), 1.5, ink),
                ("TOPPADDING", (0, 0), (-1, 0), 12),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 14),
            ),
        )
    )
    note = _(
        "说明：对方单位在 VetDesk 中登记本单位的公钥文件时，软件会显示该公钥的指纹。"
        "只有与本表的指纹完全一致时才可登记；任何一位不同，都说明公钥文件不是本单位的，"
        "应拒绝登记并电话联系本单位。本表须经办人签字并加盖单位公章。"
    )
    body += [Spacer(1, 22), para(note, style(10.5, color=grey, leading=10.5 * 1.7))]
    # The signature block sits at a fixed place at the foot of the page, whatever the
    # length of the note above it (English takes more lines than Chinese); the seal box is
    # about 5 cm square, its label inside.
    line = ("LINEBELOW", (1, 0), (1, 0), 0.6, ink)
    seal = 5.5 * cm
    foot = Table(
        [
            [para(_("经办人签字："), style(13, color=ink)), "", "", ""],
            [para(_("日期："), style(13, color=ink)), "", "", ""],
            ["", "", "", para(_("（单位盖章）"), style(12, align="center", color=grey))],
        ],
        colWidths=[1.3 * inch, 2.3 * inch, TEXT_W - 3.6 * inch - seal, seal],
        rowHeights=[0.5 * inch, 0.5 * inch, seal - 1.0 * inch],
        style=table_style(
            line,
            ("LINEBELOW", (1, 1), (1, 1), 0.6, ink),
            ("LEFTPADDING", (0, 0), (1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("BOX", (3, 0), (3, 2), 1, grey, None, (3, 2)),
        ),
    )
    printed = para(
        _("打印日期 {date} · VetDesk {version}").format(
            date=form.printed.isoformat(), version=__version__
        ),
        style(9, align="center", color=grey),
    )
    return body, [foot, Spacer(1, 0.35 * inch), printed]


def _page_template(doc: Any, foot_height: float) -> None:
    """One page: the body frame above, the foot frame with the signature block below."""
    from reportlab.platypus import Frame, PageTemplate

    body = Frame(
        doc.leftMargin,
        doc.bottomMargin + foot_height,
        doc.width,
        doc.height - foot_height,
        id="body",
        leftPadding=0,
        rightPadding=0,
    )
    foot = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        foot_height,
        id="foot",
        leftPadding=0,
        rightPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="form", frames=[body, foot])])


def enrolment_pdf_bytes(form: EnrolmentForm) -> bytes:
    """The enrolment page as the bytes of a one-page A4 PDF."""
    from reportlab.lib.units import inch
    from reportlab.platypus import FrameBreak

    from vetdesk.reports.typeset import build_pdf

    body, foot = _story(form)
    metadata = {
        "Title": _("VetDesk 签名密钥登记表") + f" {form.unit_name}",
        "Creator": f"VetDesk {__version__}",
    }
    buffer = io.BytesIO()
    build_pdf(
        buffer,
        [*body, FrameBreak(), *foot],
        metadata=metadata,
        make_template=lambda doc: _page_template(doc, 2.9 * inch),
        margins=(0.7 * inch, 0.7 * inch, 0.35 * inch),
    )
    return buffer.getvalue()


def write_enrolment_pdf(form: EnrolmentForm, target: Path) -> Path:
    """Write the enrolment page as a one-page A4 PDF (atomically); return its path."""
    data = enrolment_pdf_bytes(form)

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomically(target, write)
    return target


def enrolment_png(form: EnrolmentForm, dpi: int = 200) -> bytes:
    """The enrolment page as PNG bytes at a printer's resolution (the PDF page, rasterised)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(enrolment_pdf_bytes(form))
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
