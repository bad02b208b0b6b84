"""The NĐ 30 (Nghị định 30/2020/NĐ-CP, Phụ lục I) building blocks of an administrative document.

THE one place that draws the header block, the tên loại/trích yếu title, the căn cứ lines, the
signature blocks and "Nơi nhận:". Every block adapts to the frame it is placed in, so the same call
works on portrait and landscape pages.

Header block (two columns)::

    ỦY BAN NHÂN DÂN PHƯỜNG X              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
      HỘI ĐỒNG SÁNG KIẾN                       Độc lập - Tự do - Hạnh phúc
          ───────                              ───────────────────────────
     Số: 12/QĐ-HĐSK                     Tam Điệp, ngày 05 tháng 01 năm 2025
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from sangkien_desktop.domain.text import nfc, upper_vn
from sangkien_desktop.services.docspec import MOTTO, NATIONAL_TITLE, HeaderInfo, Signer

from .fonts import REGULAR, balance_lines, text_width
from .styles import Run, get_styles, para

__all__ = [
    "HRule",
    "HeaderInfo",
    "Signer",
    "WidthDependent",
    "basis_lines",
    "closing_block",
    "header_block",
    "recipients_block",
    "recipients_lines",
    "signature_block",
    "signature_lines",
    "title_block",
    "two_signatures",
]

RULE_THICKNESS = 0.6  # points, a thin solid line as in printed documents
SIGN_SPACE = 28 * mm  # room for the handwritten signature and the seal
_CELL_PAD = 2  # points of horizontal padding inside layout tables


class HRule(Flowable):
    """A solid horizontal line of ``width`` points, centred in the space it is given.

    ``max_fraction`` caps the width at that fraction of the available width (for rules under text that
    may wrap).
    """

    def __init__(
        self,
        width: float,
        *,
        thickness: float = RULE_THICKNESS,
        space_before: float = 3.5,
        space_after: float = 3,
        max_fraction: float | None = None,
    ) -> None:
        super().__init__()
        self.rule_width = width
        self.thickness = thickness
        self.space_before = space_before
        self.space_after = space_after
        self.max_fraction = max_fraction
        self._avail = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        return availWidth, self.space_before + self.thickness + self.space_after

    def _line_width(self) -> float:
        width = min(self.rule_width, self._avail)
        if self.max_fraction is not None:
            width = min(width, self._avail * self.max_fraction)
        return width

    def draw(self) -> None:
        width = self._line_width()
        x0 = (self._avail - width) / 2
        y = self.space_after + self.thickness / 2
        self.canv.saveState()
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, y, x0 + width, y)
        self.canv.restoreState()


class WidthDependent(Flowable):
    """A flowable built for the width of the frame it lands in (portrait or landscape).

    ``build(avail_width)`` returns the real flowable; it is rebuilt when the width changes.
    """

    def __init__(self, build: Callable[[float], Flowable]) -> None:
        super().__init__()
        self._build = build
        self._inner: Flowable | None = None
        self._built_for: float | None = None

    def _get(self, avail_width: float) -> Flowable:
        if self._inner is None or self._built_for != avail_width:
            self._inner = self._build(avail_width)
            self._built_for = avail_width
        return self._inner

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        inner = self._get(availWidth)
        self.width, self.height = inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return self._get(availWidth).split(availWidth, availHeight)

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:
        return self._inner.getSpaceBefore() if self._inner is not None else 0

    def getSpaceAfter(self) -> float:
        return self._inner.getSpaceAfter() if self._inner is not None else 0


def _layout_table(data: list[list[Any]], widths: list[float], extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    table = Table(data, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                # empty "" cells are drawn as strings: without this reportlab pulls in Helvetica,
                # which pdffonts then lists as a font that is not embedded
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                *extra,
            ]
        )
    )
    return table


def header_block(info: HeaderInfo) -> Flowable:
    """The two-column NĐ 30 header: issuing body and "Số:" left, quốc hiệu, tiêu ngữ and the italic
    date line right, each column with its rule. Column widths follow the frame (portrait or landscape)."""

    def build(avail: float) -> Flowable:
        st = get_styles()
        nation_w = text_width(NATIONAL_TITLE, st.header_nation.fontSize, bold=True)
        right_w = min(max(nation_w + 2 * _CELL_PAD + 4 * mm, avail * 0.55), avail * 0.75)
        left_w = avail - right_w
        inner_left = left_w - 2 * _CELL_PAD

        left: list[Flowable] = []
        parent = balance_lines(info.parent_lines, inner_left, st.header_parent.fontSize, bold=False)
        if parent:
            left.append(para("\n".join(parent), st.header_parent))
        body = balance_lines(info.issuing_lines, inner_left, st.header_body.fontSize, bold=True)
        left.append(para("\n".join(body), st.header_body))
        body_w = max((text_width(b, st.header_body.fontSize, bold=True) for b in body), default=0)
        # NĐ 30: a solid line under the issuing body, 1/3 to 1/2 of the text length.
        left.append(HRule(body_w * 0.4, max_fraction=0.5))

        motto_w = text_width(MOTTO, st.header_motto.fontSize, bold=True)
        right: list[Flowable] = [
            para(NATIONAL_TITLE, st.header_nation),
            para(MOTTO, st.header_motto),
            HRule(motto_w),  # NĐ 30: a solid line under the motto, as long as the motto
        ]
        data: list[list[Any]] = [
            [left, right],
            [para(info.number_text, st.header_number), para(info.date_text, st.header_date)],
        ]
        if info.subject_text:
            data.append([para(info.subject_text, st.header_subject), ""])
        return _layout_table(data, [left_w, right_w], [("TOPPADDING", (0, 1), (-1, 1), 3)])

    return WidthDependent(build)


def title_block(doc_type: str, subject: str | None = None) -> list[Flowable]:
    """Tên loại văn bản in bold capitals ("QUYẾT ĐỊNH") and the bold trích yếu under it, with a short
    solid rule (1/3–1/2 of the trích yếu's length) under the trích yếu."""
    st = get_styles()
    out: list[Flowable] = [para(upper_vn(doc_type), st.doc_type)]
    if subject:
        text = nfc(subject).strip()
        out.append(para(text, st.subject))
        longest = max(text_width(line, st.subject.fontSize, bold=True) for line in text.split("\n"))
        out.append(HRule(longest * 0.4, max_fraction=0.4, space_before=5, space_after=6))
    else:
        out.append(Spacer(1, 6))
    return out


def basis_lines(lines: Sequence[str]) -> list[Flowable]:
    """Căn cứ lines in italics, one per paragraph; each ends with ";" and the last with "." (NĐ 30).

    Blank lines are skipped; trailing ";", "," or "." typed by the user are replaced.
    """
    st = get_styles()
    cleaned = [nfc(line).strip().rstrip(";,.").rstrip() for line in lines]
    cleaned = [line for line in cleaned if line]
    return [para(line + (";" if i < len(cleaned) - 1 else "."), st.basis) for i, line in enumerate(cleaned)]


def _signature_parts(signer: Signer) -> tuple[list[Flowable], Flowable | None]:
    st = get_styles()
    heads = [upper_vn(t).strip() for t in (signer.authority, signer.title) if t and t.strip()]
    top: list[Flowable] = []
    if heads:
        top.append(para("\n".join(heads), st.sign_title))
    if signer.note:
        top.append(para(signer.note, st.sign_note))
    return top, (para(signer.name, st.sign_name) if signer.name else None)


def signature_lines(signer: Signer, *, sign_space: float = SIGN_SPACE) -> list[Flowable]:
    """The signature column as a list of flowables: AUTHORITY / TITLE in bold capitals, the note, room
    to sign, then the name in bold. Put it in a table cell, or use the blocks below."""
    top, name = _signature_parts(signer)
    return [*top, Spacer(1, sign_space), *([name] if name else [])]


def _signature_share(avail: float) -> float:
    """Width of a signature column: half the frame, but not much more than 95 mm on landscape pages."""
    return min(avail * 0.5, max(95 * mm, avail * 0.4))


def signature_block(
    authority: str,
    title: str,
    name: str,
    *,
    note: str = "",
    align: Literal["right", "left", "center"] = "right",
    sign_space: float = SIGN_SPACE,
) -> Flowable:
    """A lone signature block (bold capitals authority/title, room to sign, bold name) placed on the
    right of the frame (or ``left``/``center``). Use :func:`closing_block` when there is a Nơi nhận."""
    content = signature_lines(
        Signer(title=title, name=name, authority=authority, note=note), sign_space=sign_space
    )

    def build(avail: float) -> Flowable:
        w = _signature_share(avail)
        if align == "center":
            side = (avail - w) / 2
            return _layout_table([["", content, ""]], [side, w, side])
        if align == "left":
            return _layout_table([[content, ""]], [w, avail - w])
        return _layout_table([["", content]], [avail - w, w])

    return WidthDependent(build)


def recipients_lines(lines: Sequence[str], *, heading: str = "Nơi nhận:") -> list[Flowable]:
    """ "Nơi nhận:" (12 bold italic) and its list (11), each item starting "- " and ending ";", the last
    one ".": ``["Như Điều 3", "Lưu: VT, HĐSK"]`` → "- Như Điều 3;", "- Lưu: VT, HĐSK."."""
    st = get_styles()
    items = [nfc(line).strip().lstrip("-–•").strip().rstrip(";.,").rstrip() for line in lines]
    items = [i for i in items if i]
    out: list[Flowable] = [para(Run(heading, bold=True, italic=True), st.recipients_title)]
    for n, item in enumerate(items):
        out.append(para(f"- {item}{';' if n < len(items) - 1 else '.'}", st.recipients_item))
    return out


def recipients_block(lines: Sequence[str], *, heading: str = "Nơi nhận:") -> Flowable:
    """A lone "Nơi nhận:" block on the left half of the frame."""
    content = recipients_lines(lines, heading=heading)
    return WidthDependent(lambda avail: _layout_table([[content, ""]], [avail * 0.5, avail * 0.5]))


def closing_block(
    signer: Signer, recipients: Sequence[str] | None = None, *, sign_space: float = SIGN_SPACE
) -> Flowable:
    """The end of an NĐ 30 document: "Nơi nhận:" with its list on the left, the signature on the right,
    their first lines level, kept together on one page."""
    sign = signature_lines(signer, sign_space=sign_space)
    left: list[Flowable] | str = recipients_lines(recipients) if recipients else ""

    def build(avail: float) -> Flowable:
        w = _signature_share(avail)
        return _layout_table([[left, sign]], [avail - w, w], [("TOPPADDING", (0, 0), (-1, -1), 6)])

    return WidthDependent(build)


def two_signatures(left: Signer, right: Signer, *, sign_space: float = SIGN_SPACE) -> Flowable:
    """Two signatures side by side, e.g. THƯ KÝ (left) and CHỦ TỊCH (right) under minutes; the names
    are level even when one side has more heading lines."""
    top_a, name_a = _signature_parts(left)
    top_b, name_b = _signature_parts(right)
    data: list[list[Any]] = [[top_a, top_b], [Spacer(1, sign_space), ""], [name_a or "", name_b or ""]]
    return WidthDependent(
        lambda avail: _layout_table(data, [avail / 2, avail / 2], [("TOPPADDING", (0, 0), (-1, 0), 6)])
    )
