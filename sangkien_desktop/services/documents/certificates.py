"""Giấy chứng nhận sáng kiến: one per author of each recognized initiative (naming the co-authors),
numbered from the yearly register, on A4 landscape.

Two modes:

- plain paper: a double border, the issuing body and the national header, "GIẤY CHỨNG NHẬN SÁNG KIẾN",
  the author's name large, the title fitted, the decision, the register number, place and date, signature;
- pre-printed blanks (``preprinted=True``): only the values, each moved by its own offset
  (:mod:`.certificate_layout`); :func:`calibration_pdf` prints the boxes on a millimetre grid to line the
  offsets up with the blanks.

Every text is fitted into its box: the font shrinks step by step down to the field's minimum and the text
wraps inside the box; it never leaves its box (as a last resort a line is cut with "…"). Pages are drawn
straight on a reportlab canvas, so 500 certificates take a few seconds; ``progress`` is called per page.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ...domain.errors import SangKienError
from ...domain.text import nfc, one_line, upper_vn
from ...domain.vndate import date_line
from ...gc_pause import paused_gc
from ..docspec import MOTTO, NATIONAL_TITLE
from ..pdf.canvas_text import PageText
from ..pdf.fonts import balance_lines, font_name, register_fonts
from .certificate_layout import FIELDS, PAGE_H, PAGE_W, FieldBox, Offsets
from .common import ProgressFn
from .decision import decision_citation
from .round_data import DossierInfo, RoundData

__all__ = [
    "CertificateItem",
    "Token",
    "calibration_pdf",
    "certificate_date_line",
    "certificate_items",
    "certificates_pdf",
    "fit_tokens",
    "without_gender",
]

RED = Color(0.55, 0.08, 0.08)
NAVY = Color(0.05, 0.14, 0.42)
BLACK = Color(0, 0, 0)
GREY = Color(0.55, 0.55, 0.55)
LEADING = 1.2
ASCENT = 0.891  # Liberation Serif ascent, in font sizes (pdf viewers place a glyph box 1.107 sizes tall)
BORDER_OUTER = 8.0  # mm from the page edge
BORDER_INNER = 11.5


class Token(NamedTuple):
    """A run of text in one style. ``static`` runs are labels printed on plain paper only (a pre-printed
    blank already carries them). (A named tuple: some 30,000 are made for a round's certificates.)"""

    text: str
    bold: bool = False
    italic: bool = False
    static: bool = False
    color: Color | None = None


@dataclass(frozen=True)
class CertificateItem:
    """The values printed on one certificate."""

    dossier_code: str
    person_id: int
    salutation: str
    name: str
    unit: str
    title: str
    co_authors: tuple[str, ...]
    field: str
    grade_label: str  # "" for a recognized initiative without prize grade
    decision: str  # "số 15/QĐ-HĐSK ngày 05/6/2026"
    decision_by: str  # "của Ủy ban nhân dân phường Tam Điệp"
    register: str  # "007/2026" or "" when not numbered yet
    date_line: str  # "Tam Điệp, ngày 05 tháng 6 năm 2026"
    signer_lines: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer_name: str
    parent_body: tuple[str, ...] = ()
    issuing_body: tuple[str, ...] = ()
    council: str = ""  # who certifies, in a sentence: "Ủy ban nhân dân phường Tam Điệp"


# data -----------------------------------------------------------------------------------------------
DOTS = "………"


def _decision_parts(data: RoundData) -> tuple[str, str]:
    """ "số 01/QĐ-UBND ngày 05/6/2026" and "của Ủy ban nhân dân phường Tam Điệp"."""
    citation = decision_citation(data).removeprefix("Quyết định ")
    return citation, f"của {data.issuer.in_sentence}"


def certificate_date_line(place: str, day: dt.date | None, year: int) -> str:
    """ "Tam Điệp, ngày 05 tháng 6 năm 2026"; dotted room to write the day and month by hand when the
    date is not set: "Tam Điệp, ngày ……… tháng ……… năm 2026"."""
    if day is not None:
        return date_line(place, day, year)
    body = f"ngày {DOTS} tháng {DOTS} năm {year}"
    return f"{place}, {body}" if place else body[:1].upper() + body[1:]


def without_gender(
    data: RoundData, *, dossier_id: int | None = None, person_id: int | None = None
) -> list[str]:
    """Authors to be printed whose gender is not recorded (no "Ông"/"Bà" is guessed for them)."""
    return [
        a.name
        for d in data.recognized()
        if dossier_id is None or d.id == dossier_id
        for a in d.authors
        if (person_id is None or a.person_id == person_id) and not a.salutation
    ]


def certificate_items(
    data: RoundData,
    *,
    dossier_id: int | None = None,
    person_id: int | None = None,
    include_unnumbered: bool = True,
    unknown_salutation: bool = False,
) -> list[CertificateItem]:
    """One item per author of each recognized initiative (in the order of the attached list), or only
    those of ``dossier_id`` / ``person_id``. Authors without a register number get an empty number unless
    ``include_unnumbered`` is False. An author whose gender is not recorded is named without "Ông"/"Bà",
    or with "Ông/Bà" when the secretary asks for it (``unknown_salutation``)."""
    s = data.settings
    issuer = data.issuer
    decision, decision_by = _decision_parts(data)
    place = one_line(s.get("place_name", ""))
    parent = tuple(upper_vn(x).strip() for x in issuer.header_parent.split("\n") if x.strip())
    body = tuple(upper_vn(x).strip() for x in issuer.header_body.split("\n") if x.strip())
    signer = issuer.signer
    signer_lines = tuple(
        line.strip() for x in (signer.authority, signer.title) if x for line in upper_vn(x).split("\n")
    )
    out: list[CertificateItem] = []
    dossiers: Sequence[DossierInfo] = data.recognized()
    band_codes = {b.code for b in data.bands}
    for d in dossiers:
        if dossier_id is not None and d.id != dossier_id:
            continue
        grade = data.grades[d.id]
        for a in d.authors:
            if person_id is not None and a.person_id != person_id:
                continue
            cert = data.certificate(d.id, a.person_id)
            if cert is None and not include_unnumbered:
                continue
            issued = (cert.issued_on if cert is not None else None) or data.certificate_date
            out.append(
                CertificateItem(
                    dossier_code=d.code,
                    person_id=a.person_id,
                    salutation=a.salutation or ("Ông/Bà" if unknown_salutation else ""),
                    name=a.name,
                    unit=a.unit_name or d.unit_name,
                    title=d.title,
                    co_authors=tuple(o.name for o in d.authors if o.person_id != a.person_id),
                    field=d.field,
                    grade_label=data.grade_label(grade.grade) if grade.grade in band_codes else "",
                    decision=decision,
                    decision_by=decision_by,
                    register=cert.number_text if cert is not None else "",
                    date_line=certificate_date_line(place, issued, data.year),
                    signer_lines=signer_lines,
                    signer_name=signer.name,
                    parent_body=parent,
                    issuing_body=body,
                    council=issuer.in_sentence,
                )
            )
    return out


def field_tokens(item: CertificateItem, key: str) -> list[Token]:
    """The runs of one field (labels are static)."""
    if key == "name":
        name = Token(upper_vn(item.name), bold=True, color=NAVY)
        return [Token(item.salutation + " ", static=True), name] if item.salutation else [name]
    if key == "unit":
        return [Token("Đơn vị công tác: ", italic=True, static=True), Token(item.unit)]
    if key == "title":
        return [Token(f"“{nfc(item.title)}”", bold=True)]
    if key == "co_authors":
        if not item.co_authors:
            return []
        label = "Đồng tác giả: " if len(item.co_authors) == 1 else "Các đồng tác giả: "
        return [Token(label, italic=True, static=True), Token(", ".join(item.co_authors))]
    if key == "field":
        out: list[Token] = []
        if item.field:
            out += [Token("Lĩnh vực: ", italic=True, static=True), Token(item.field)]
        if item.grade_label:
            out += [Token("–" if out else ""), Token("Xếp loại: ", italic=True, static=True)]
            out.append(Token(item.grade_label.removeprefix("Loại ").strip(), bold=True))
        return out
    if key == "decision":
        return [
            Token("Được công nhận theo Quyết định ", static=True),
            Token(item.decision),
            Token(f" {item.decision_by}.", static=True),
        ]
    if key == "register":
        return [Token("Số vào sổ: ", static=True), Token(item.register or "……/……", bold=True)]
    if key == "date":
        return [Token(item.date_line, italic=True)]
    if key == "signer":
        return [Token("\n".join(item.signer_lines), bold=True)]
    if key == "signer_name":
        return [Token(item.signer_name, bold=True)]
    raise KeyError(key)


# fitting --------------------------------------------------------------------------------------------
Word = tuple[str, Token]  # one word (or a forced line break "\n") and its style


def _words(tokens: Sequence[Token]) -> list[Word]:
    """Words with their style; "\n" inside a run forces a line break. Runs are separate words."""
    out: list[Word] = []
    for t in tokens:
        for i, line in enumerate(nfc(t.text).split("\n")):
            if i:
                out.append(("\n", t))
            out.extend((w, t) for w in line.split())
    return out


_FONTS = {(b, i): font_name(bold=b, italic=i) for b in (False, True) for i in (False, True)}


def _font(t: Token) -> str:
    return _FONTS[t.bold, t.italic]


@functools.lru_cache(maxsize=65536)
def _text_width(word: str, font: str, size: float) -> float:
    return stringWidth(word, font, size)


def _width(word: str, t: Token, size: float) -> float:
    return _text_width(word, _FONTS[t.bold, t.italic], size)


def _split_long(word: str, t: Token, size: float, width: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and _width(current + ch, t, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


Line = list[Word]


def _wrap(words: Sequence[Word], size: float, width: float) -> list[Line]:
    lines: list[Line] = [[]]
    used = 0.0
    for word, t in words:
        if word == "\n":
            lines.append([])
            used = 0.0
            continue
        font = _FONTS[t.bold, t.italic]
        space = _text_width(" ", font, size) if lines[-1] else 0.0
        w = _text_width(word, font, size)
        if w > width:
            for piece in _split_long(word, t, size, width):
                pw = _width(piece, t, size)
                if lines[-1] and used + _width(" ", t, size) + pw > width:
                    lines.append([])
                    used = 0.0
                lines[-1].append((piece, t))
                used += (_width(" ", t, size) if len(lines[-1]) > 1 else 0) + pw
            continue
        if lines[-1] and used + space + w > width:
            lines.append([])
            used = 0.0
            space = 0.0
        lines[-1].append((word, t))
        used += space + w
    return [line for line in lines if line] or [[]]


def line_width(line: Line, size: float) -> float:
    total = 0.0
    for i, (word, t) in enumerate(line):
        font = _FONTS[t.bold, t.italic]
        if i:
            total += _text_width(" ", font, size)
        total += _text_width(word, font, size)
    return total


def fit_tokens(
    tokens: Sequence[Token],
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    *,
    one_line_first: bool = False,
) -> tuple[float, list[Line]]:
    """The largest size (in 0.5 pt steps from ``max_size`` down to ``min_size``) at which the runs wrap
    into ``width`` × ``height`` points, and the lines. With ``one_line_first`` a single line at any size
    down to the minimum is preferred to wrapping. At the minimum size, lines that do not fit are cut and
    the last one ends with "…"."""
    words = _words(tokens)
    if one_line_first:
        size = max_size
        while size >= min_size:
            lines = _wrap(words, size, width)
            if len(lines) == 1 and size * LEADING <= height + 0.01:
                return size, lines
            size -= 0.5
    size = max_size
    while True:
        lines = _wrap(words, size, width)
        if len(lines) * size * LEADING <= height + 0.01:
            return size, lines
        if size - 0.5 < min_size:
            break
        size -= 0.5
    size = min_size
    lines = _wrap(words, size, width)
    keep = max(1, int(height // (size * LEADING)))
    if len(lines) > keep:
        lines = lines[:keep]
        last = lines[-1]
        while last and line_width([*last, ("…", last[-1][1])], size) > width:
            last = last[:-1]
        style = last[-1][1] if last else tokens[0]
        lines[-1] = [*last, ("…", style)]
    return size, lines


# drawing --------------------------------------------------------------------------------------------
def _y(top_mm: float) -> float:
    """PDF y (points from the bottom) of a distance from the top of the page in mm."""
    return (PAGE_H - top_mm) * mm


RunColor = tuple[float, float, float]
Placed = tuple[float, tuple[tuple[str, str, RunColor], ...]]
"""A line as drawn: its width and its (text, font, colour) runs."""


@functools.lru_cache(maxsize=4096)
def _placed(box: FieldBox, tokens: tuple[Token, ...], preprinted: bool) -> tuple[float, tuple[Placed, ...]]:
    """A field's size and lines as drawn, once per field text (the labels and dates repeat on every
    certificate): each line with its width and its runs, consecutive words of one run as one string."""
    tokens = tuple(t for t in tokens if not (preprinted and t.static) and t.text)
    if not tokens:
        return 0.0, ()
    styled = tuple(
        Token(
            t.text,
            t.bold or (box.bold and not t.static),
            t.italic or (box.italic and not t.static),
            t.static,
            t.color,
        )
        for t in tokens
    )
    size, lines = fit_tokens(
        styled, box.w * mm, box.h * mm, box.size, box.min_size, one_line_first=box.one_line_first
    )
    return size, tuple((line_width(line, size), _line_runs(line)) for line in lines)


def _line_runs(line: Line) -> tuple[tuple[str, str, RunColor], ...]:
    runs: list[tuple[Token, str]] = []
    for j, (word, t) in enumerate(line):
        piece = word if j == 0 else " " + word
        if runs and runs[-1][0] is t:
            runs[-1] = (t, runs[-1][1] + piece)
        else:
            runs.append((t, piece))
    return tuple((piece, _font(t), _rgb(t.color)) for t, piece in runs)


def draw_field(
    c: Canvas,
    box: FieldBox,
    tokens: Sequence[Token],
    offset: tuple[float, float],
    preprinted: bool,
    page_text: PageText | None = None,
) -> None:
    """Draw one field; its lines go into ``page_text`` when given (the caller emits it once per page)."""
    size, lines = _placed(box, tuple(tokens), preprinted)
    if not lines:
        return
    x0 = (box.x + offset[0]) * mm
    top = (box.y + offset[1]) * mm
    width = box.w * mm
    height = box.h * mm
    text = page_text if page_text is not None else PageText(c)
    block = len(lines) * size * LEADING
    first_top = top if box.valign == "top" else top + (height - block) / 2
    for i, (lw, runs) in enumerate(lines):
        baseline = PAGE_H * mm - (first_top + i * size * LEADING + size * (ASCENT + (LEADING - 1.107) / 2))
        x = x0 + (width - lw) / 2 if box.align == "center" else x0
        text.add_runs(x, baseline, runs, size)
    if page_text is None:
        text.emit()


def _rgb(color: Color | None) -> tuple[float, float, float]:
    if color is None:
        return (0.0, 0.0, 0.0)
    return (float(color.red), float(color.green), float(color.blue))


def _draw_border(c: Canvas) -> None:
    w, h = PAGE_W * mm, PAGE_H * mm
    c.saveState()
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    o = BORDER_OUTER * mm
    c.setLineWidth(3)
    c.rect(o, o, w - 2 * o, h - 2 * o)
    i = BORDER_INNER * mm
    c.setLineWidth(0.8)
    c.rect(i, i, w - 2 * i, h - 2 * i)
    # corner ornaments: a diamond in each corner between the two frames, and small rosettes of dots
    mid = (o + i) / 2
    for cx, cy in ((mid, mid), (w - mid, mid), (mid, h - mid), (w - mid, h - mid)):
        d = 2.6 * mm
        p = c.beginPath()
        p.moveTo(cx, cy + d)
        p.lineTo(cx + d, cy)
        p.lineTo(cx, cy - d)
        p.lineTo(cx - d, cy)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
    # a row of small diamonds along the top and bottom inner frame
    c.setLineWidth(0.4)
    inner2 = (BORDER_INNER + 1.6) * mm
    c.rect(inner2, inner2, w - 2 * inner2, h - 2 * inner2)
    c.restoreState()


def _centered(
    c: Canvas,
    text: str,
    cx_mm: float,
    top_mm: float,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    color: Color | None = None,
) -> None:
    c.setFont(font_name(bold=bold, italic=italic), size)
    c.setFillColor(color or Color(0, 0, 0))
    c.drawCentredString(cx_mm * mm, _y(top_mm) - size * ASCENT, text)


def _rule(c: Canvas, cx_mm: float, top_mm: float, length_pt: float) -> None:
    c.setLineWidth(0.6)
    c.setStrokeColor(Color(0, 0, 0))
    y = _y(top_mm)
    c.line(cx_mm * mm - length_pt / 2, y, cx_mm * mm + length_pt / 2, y)


def _draw_static(c: Canvas, item: CertificateItem) -> None:
    """Everything a pre-printed blank already carries: border, header block, title, intro line. It is the
    same on every page of a batch, so it is drawn once as a form and reused."""
    _draw_border(c)
    left_cx, right_cx = 76.0, 216.0
    left_w = 100 * mm
    top = 19.0
    size = 12.5
    lines = [(t, False) for t in balance_lines(list(item.parent_body), left_w, size)]
    lines += [(t, True) for t in balance_lines(list(item.issuing_body), left_w, size, bold=True)]
    y = top
    for text, bold in lines:
        _centered(c, text, left_cx, y, size, bold=bold)
        y += size * 1.2 / mm
    body_w = max((stringWidth(t, font_name(bold=True), size) for t, b in lines if b), default=0)
    _rule(c, left_cx, y + 1.2, body_w * 0.4)
    _centered(c, NATIONAL_TITLE, right_cx, top, 12.5, bold=True)
    _centered(c, MOTTO, right_cx, top + 12.5 * 1.2 / mm, 13.5, bold=True)
    _rule(c, right_cx, top + 2 * 13 * 1.2 / mm + 1.2, stringWidth(MOTTO, font_name(bold=True), 13.5))
    _centered(c, "GIẤY CHỨNG NHẬN SÁNG KIẾN", PAGE_W / 2, 40, 30, bold=True, color=RED)
    issuer = item.council or "Hội đồng Sáng kiến"
    _centered(c, f"{issuer} chứng nhận", PAGE_W / 2, 53.5, 15, italic=True)


def _draw_certificate(
    c: Canvas, item: CertificateItem, offsets: Offsets, preprinted: bool, forms: dict[tuple[object, ...], str]
) -> None:
    if not preprinted:
        co_author = bool(item.co_authors)
        static = (item.parent_body, item.issuing_body, item.council, co_author)
        name = forms.get(static)
        if name is None:  # the static texts with the author's role: two forms a batch
            name = forms[static] = f"static{len(forms)}"  # short: every page names it
            c.beginForm(name)
            _draw_static(c, item)
            role = "Là đồng tác giả sáng kiến:" if co_author else "Là tác giả sáng kiến:"
            _centered(c, role, PAGE_W / 2, 85.5, 14, italic=True)
            c.endForm()
        c.doForm(name)
    page_text = PageText(c)  # the fields' lines written into the page in one piece
    for box in FIELDS:
        off = offsets.of(box.key) if preprinted else (0.0, 0.0)
        draw_field(c, box, field_tokens(item, box.key), off, preprinted, page_text)
    page_text.emit()


def _canvas(buf: io.BytesIO, **kwargs: Any) -> Canvas:
    """An A4 landscape canvas whose initial font is the bundled one: reportlab's default (Helvetica,
    never embedded) is otherwise referenced by every page even when nothing is written in it."""
    return Canvas(buf, pagesize=landscape(A4), initialFontName=font_name(), initialFontSize=12, **kwargs)


def certificates_pdf(
    items: Sequence[CertificateItem],
    *,
    preprinted: bool = False,
    offsets: Offsets | None = None,
    progress: ProgressFn | None = None,
    title: str = "Giấy chứng nhận sáng kiến",
) -> bytes:
    """One A4 landscape page per item. ``progress(done, total, text)`` is called after each page (it may
    raise to stop)."""
    if not items:
        raise SangKienError(
            "Không có giấy chứng nhận nào để in: đợt này chưa có sáng kiến được công nhận (hãy áp dụng xếp "
            "loại trước) hoặc bộ lọc không khớp tác giả nào."
        )
    register_fonts()
    offsets = offsets or Offsets()
    buf = io.BytesIO()
    c = _canvas(buf, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Sáng kiến Desktop")
    c.setCreator("Sáng kiến Desktop")
    total = len(items)
    forms: dict[tuple[object, ...], str] = {}
    with paused_gc():  # thousands of pages: many small objects, no cycles
        for n, item in enumerate(items, start=1):
            _draw_certificate(c, item, offsets, preprinted, forms)
            c.showPage()
            if progress is not None:
                progress(n, total, f"Đang in giấy chứng nhận {n}/{total}: {item.name}")
        c.save()
    return buf.getvalue()


SAMPLE = CertificateItem(
    dossier_code="HS26-001",
    person_id=0,
    salutation="Bà",
    name="Nguyễn Thị Hồng Nhung",
    unit="Trung tâm Phục vụ hành chính công phường",
    title="Ứng dụng phần mềm quản lý hồ sơ một cửa, rút ngắn thời gian giải quyết thủ tục hành chính",
    co_authors=("Trần Văn Đức", "Lê Thị Mỹ Hạnh"),
    field="Cải cách hành chính",
    grade_label="Loại A",
    decision="số 15/QĐ-UBND ngày 05/6/2026",
    decision_by="của Ủy ban nhân dân phường Tam Điệp",
    register="001/2026",
    date_line="Tam Điệp, ngày 05 tháng 6 năm 2026",
    signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    signer_name="Phạm Văn Bình",
)


def calibration_pdf(offsets: Offsets | None = None, item: CertificateItem | None = None) -> bytes:
    """A page to line up pre-printed blanks: a millimetre grid (every 5 and 10 mm, numbered), each field's
    box with its offset applied (dashed, labelled) and sample values printed as they will be."""
    register_fonts()
    offsets = offsets or Offsets()
    item = item or SAMPLE
    buf = io.BytesIO()
    c = _canvas(buf)
    c.setTitle("Trang căn chỉnh in phôi giấy chứng nhận")
    w, h = PAGE_W * mm, PAGE_H * mm
    for x in range(0, int(PAGE_W) + 1, 5):
        c.setStrokeColor(Color(0.75, 0.75, 0.75) if x % 10 else Color(0.55, 0.55, 0.55))
        c.setLineWidth(0.2 if x % 10 else 0.45)
        c.line(x * mm, 0, x * mm, h)
    for y in range(0, int(PAGE_H) + 1, 5):
        c.setStrokeColor(Color(0.75, 0.75, 0.75) if y % 10 else Color(0.55, 0.55, 0.55))
        c.setLineWidth(0.2 if y % 10 else 0.45)
        c.line(0, _y(y), w, _y(y))
    c.setFillColor(GREY)
    c.setFont(font_name(), 6.5)
    for x in range(10, int(PAGE_W), 10):
        c.drawCentredString(x * mm, h - 4 * mm, str(x))
        c.drawCentredString(x * mm, 2 * mm, str(x))
    for y in range(10, int(PAGE_H), 10):
        c.drawString(1.5 * mm, _y(y) - 2.2, str(y))
        c.drawRightString(w - 1.5 * mm, _y(y) - 2.2, str(y))
    c.setFont(font_name(bold=True), 10)
    c.setFillColor(RED)
    c.drawCentredString(
        w / 2,
        h - 10 * mm,
        "TRANG CĂN CHỈNH IN PHÔI GIẤY CHỨNG NHẬN — đặt lên phôi, soi đèn, đo độ lệch từng ô (mm)",
    )
    page_dx, page_dy = offsets.page
    c.setFont(font_name(italic=True), 8)
    c.drawCentredString(
        w / 2,
        h - 14 * mm,
        f"Độ lệch cả trang: ngang {page_dx:+.1f} mm, dọc {page_dy:+.1f} mm (dương: sang phải, xuống dưới)",
    )
    for box in FIELDS:
        dx, dy = offsets.of(box.key)
        c.setStrokeColor(RED)
        c.setLineWidth(0.5)
        c.setDash(3, 2)
        c.rect((box.x + dx) * mm, _y(box.y + dy + box.h), box.w * mm, box.h * mm)
        c.setDash()
        c.setFillColor(RED)
        c.setFont(font_name(italic=True), 6.5)
        own = (offsets.fields or {}).get(box.key, (0.0, 0.0))
        c.drawString(
            (box.x + dx) * mm + 1, _y(box.y + dy) + 1.5, f"{box.label} ({own[0]:+.1f}; {own[1]:+.1f})"
        )
        draw_field(c, box, field_tokens(item, box.key), (dx, dy), True)
    c.showPage()
    c.save()
    return buf.getvalue()
