"""Paragraph styles for NĐ 30 documents and the one safe way to turn user text into a Paragraph.

Every style names a Liberation Serif font (never reportlab's Latin-1 built-ins). Sizes follow NĐ 30
Phụ lục I: body, căn cứ and signature 14; header block 12–13; "Nơi nhận:" 12 bold italic with its list
in 11; table cells 12 (11 for wide landscape tables).

User text must go through :func:`para` (or :func:`markup`): it is normalised to NFC, XML-escaped (so "<",
"&" in a title cannot break or inject Paragraph markup), line breaks become ``<br/>`` and runs of spaces
are kept (the blank "ngày      tháng" on forms to be dated by hand).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph

from sangkien_desktop.domain.text import nfc

from .fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts

__all__ = ["CellStyles", "Run", "Styles", "cell_styles", "get_styles", "markup", "para"]

BODY_SIZE = 14
HEADER_SIZE = 13
LEADING_FACTOR = 1.25  # a little over "single" (Word's single spacing of Times is about 1.15 em)


@dataclass(frozen=True)
class Run:
    """A piece of text with its own emphasis inside one paragraph, e.g. ``Run("Điều 1.", bold=True)``."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


_SPACE_RUN = re.compile(r" {2,}")


def markup(content: str | Run | Sequence[str | Run]) -> str:
    """Paragraph markup for plain text: NFC, XML-escaped, "\\n" → <br/>, runs of spaces kept."""
    if isinstance(content, str | Run):
        content = [content]
    parts: list[str] = []
    for item in content:
        run = item if isinstance(item, Run) else Run(item)
        text = nfc(run.text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        text = escape(text)
        text = _SPACE_RUN.sub(lambda m: "&nbsp;" * len(m.group(0)), text)
        text = text.replace("\n", "<br/>")
        if run.underline:
            text = f"<u>{text}</u>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def para(content: str | Run | Sequence[str | Run], style: ParagraphStyle) -> Paragraph:
    """A Paragraph of user text in ``style`` (see :func:`markup` for what is done to the text)."""
    register_fonts()
    return Paragraph(markup(content), style)


def _style(
    name: str,
    size: float,
    font: str = REGULAR,
    align: int = TA_LEFT,
    *,
    indent: float = 0,
    before: float = 0,
    after: float = 0,
    leading: float | None = None,
) -> ParagraphStyle:
    return ParagraphStyle(
        name=name,
        fontName=font,
        fontSize=size,
        leading=leading if leading is not None else round(size * LEADING_FACTOR, 2),
        alignment=align,
        firstLineIndent=indent,
        spaceBefore=before,
        spaceAfter=after,
        textColor="black",
    )


@dataclass(frozen=True)
class Styles:
    """The named styles of an NĐ 30 document. Get them with :func:`get_styles`."""

    body: ParagraphStyle  # 14, justified, first line indented 1 cm, 6 pt after
    body_left: ParagraphStyle  # 14, left, no indent (lists, "Kính gửi:" lines)
    body_center: ParagraphStyle
    basis: ParagraphStyle  # căn cứ lines: 14 italic, justified, indented 1 cm
    doc_type: ParagraphStyle  # tên loại văn bản ("QUYẾT ĐỊNH"): 14 bold centred
    subject: ParagraphStyle  # trích yếu under the tên loại: 14 bold centred
    subtitle: ParagraphStyle  # "(Kèm theo Quyết định số …)": 14 italic centred
    note: ParagraphStyle  # small italic remarks under tables: 12 italic
    header_parent: ParagraphStyle  # cơ quan chủ quản: 13 upright centred
    header_body: ParagraphStyle  # cơ quan ban hành: 13 bold centred
    header_number: ParagraphStyle  # "Số: …": 13 centred
    header_subject: ParagraphStyle  # "V/v …" of a công văn: 12 centred
    header_nation: ParagraphStyle  # quốc hiệu: 12 bold centred
    header_motto: ParagraphStyle  # tiêu ngữ: 13 bold centred
    header_date: ParagraphStyle  # địa danh, ngày tháng năm: 13 italic centred
    sign_title: ParagraphStyle  # "TM. HỘI ĐỒNG" / "CHỦ TỊCH": 14 bold centred
    sign_note: ParagraphStyle  # "(Ký, ghi rõ họ tên)": 13 italic centred
    sign_name: ParagraphStyle  # signer's name: 14 bold centred
    recipients_title: ParagraphStyle  # "Nơi nhận:": 12 bold italic
    recipients_item: ParagraphStyle  # "- Như Điều 3;": 11
    page_number: ParagraphStyle  # 13 centred


@functools.cache
def get_styles() -> Styles:
    """The shared style set (fonts are registered on first call).

    The styles are shared: never change one in place; derive a variant with
    ``ParagraphStyle("Mine", parent=get_styles().body, fontSize=13)``.
    """
    register_fonts()
    b = BODY_SIZE
    h = HEADER_SIZE
    return Styles(
        body=_style("Body", b, align=TA_JUSTIFY, indent=1 * cm, after=6),
        body_left=_style("BodyLeft", b, after=3),
        body_center=_style("BodyCenter", b, align=TA_CENTER, after=3),
        basis=_style("Basis", b, ITALIC, TA_JUSTIFY, indent=1 * cm, after=3),
        doc_type=_style("DocType", 14, BOLD, TA_CENTER, before=18),
        subject=_style("Subject", 14, BOLD, TA_CENTER),
        subtitle=_style("Subtitle", b, ITALIC, TA_CENTER),
        note=_style("Note", 12, ITALIC, after=3),
        header_parent=_style("HeaderParent", h, align=TA_CENTER, leading=h * 1.15),
        header_body=_style("HeaderBody", h, BOLD, TA_CENTER, leading=h * 1.15),
        header_number=_style("HeaderNumber", 13, align=TA_CENTER),
        header_subject=_style("HeaderSubject", 12, align=TA_CENTER, before=6),
        header_nation=_style("HeaderNation", 12, BOLD, TA_CENTER, leading=h * 1.15),
        header_motto=_style("HeaderMotto", 13, BOLD, TA_CENTER, leading=h * 1.15),
        header_date=_style("HeaderDate", 13, ITALIC, TA_CENTER),
        sign_title=_style("SignTitle", b, BOLD, TA_CENTER, leading=b * 1.2),
        sign_note=_style("SignNote", 13, ITALIC, TA_CENTER),
        sign_name=_style("SignName", b, BOLD, TA_CENTER),
        recipients_title=_style("RecipientsTitle", 12, BOLD_ITALIC, leading=14),
        recipients_item=_style("RecipientsItem", 11, leading=13),
        page_number=_style("PageNumber", 13, align=TA_CENTER),
    )


@dataclass(frozen=True)
class CellStyles:
    """Styles for table cells of one font size."""

    left: ParagraphStyle
    center: ParagraphStyle
    right: ParagraphStyle
    header: ParagraphStyle  # bold, centred
    bold: ParagraphStyle  # bold, left (group rows, totals)


@functools.cache
def cell_styles(size: float = 12) -> CellStyles:
    """Cell styles at ``size`` points (12 in portrait tables, 11 in wide landscape ones)."""
    register_fonts()
    leading = round(size * 1.18, 2)
    return CellStyles(
        left=_style(f"Cell{size}", size, leading=leading),
        center=_style(f"CellCenter{size}", size, align=TA_CENTER, leading=leading),
        right=_style(f"CellRight{size}", size, align=TA_RIGHT, leading=leading),
        header=_style(f"CellHeader{size}", size, BOLD, TA_CENTER, leading=leading),
        bold=_style(f"CellBold{size}", size, BOLD, leading=leading),
    )
