"""Build an A4 PDF the NĐ 30 way, and long tables that repeat their header on every page.

Page layout (NĐ 30/2020, Phụ lục I):

- Portrait pages: top 20 mm, bottom 20 mm, left 30 mm, right 20 mm (NĐ 30 allows top/bottom 20–25,
  left 30–35, right 15–20; the wide left margin is for binding).
- Landscape pages (wide tables): top 30 mm, bottom 15 mm, left 20 mm, right 20 mm. NĐ 30 states its
  margins for portrait pages. A landscape page bound into a portrait file is bound along its top edge
  (the top of the content faces the spine), so the binding allowance (30 mm, the portrait left margin)
  moves to the top, the outer edge takes the portrait right margin (15 mm) and the sides the portrait
  top and bottom margins (20 mm). That leaves 257 mm of table width.
- Page numbers: Arabic, 13 pt, upright, centred in the top margin, not on the first page (NĐ 30). An
  attached list (phụ lục) is numbered on its own: put :func:`restart_page_numbers` at its start.

Portrait and landscape pages mix in one file: a decision (portrait) followed by its attached list
(landscape) is ``[..., *switch_orientation(landscape=True), restart_page_numbers(), ...]``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus import TableStyle as _TableStyle

from sangkien_desktop import APP_TITLE
from sangkien_desktop.domain.text import nfc
from sangkien_desktop.services.docspec import Column, HeaderGrid, Span, header_grid

from .fonts import REGULAR, register_fonts
from .styles import cell_styles, markup

__all__ = [
    "LANDSCAPE",
    "LANDSCAPE_MARGINS",
    "PORTRAIT",
    "PORTRAIT_MARGINS",
    "Margins",
    "build_pdf",
    "column_table",
    "data_table",
    "frame_size",
    "frame_width",
    "restart_page_numbers",
    "scale_widths",
    "switch_orientation",
]

PORTRAIT = "portrait"
LANDSCAPE = "landscape"
PAGE_NUMBER_SIZE = 13
GRID_WIDTH = 0.5


@dataclass(frozen=True)
class Margins:
    """Page margins in points."""

    top: float
    bottom: float
    left: float
    right: float


PORTRAIT_MARGINS = Margins(top=20 * mm, bottom=20 * mm, left=30 * mm, right=20 * mm)
LANDSCAPE_MARGINS = Margins(top=30 * mm, bottom=15 * mm, left=20 * mm, right=20 * mm)


def _page(landscape: bool) -> tuple[tuple[float, float], Margins]:
    return (to_landscape(A4), LANDSCAPE_MARGINS) if landscape else (A4, PORTRAIT_MARGINS)


def frame_size(landscape: bool = False) -> tuple[float, float]:
    """Width and height (points) of the text area of a portrait or landscape page."""
    (w, h), m = _page(landscape)
    return w - m.left - m.right, h - m.top - m.bottom


def frame_width(landscape: bool = False) -> float:
    """Text width in points: 160 mm portrait, 257 mm landscape."""
    return frame_size(landscape)[0]


def scale_widths(weights: Sequence[float], total: float) -> list[float]:
    """Scale relative column ``weights`` to add up to ``total`` points."""
    s = float(sum(weights))
    if s <= 0:
        raise ValueError("column weights must add up to more than 0")
    return [total * w / s for w in weights]


class _RestartNumbering(Flowable):
    """Zero-size marker: the page it lands on becomes page 1 of a new numbering (no number shown)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._sk_number_base = self.canv.getPageNumber() - 1  # type: ignore[attr-defined]


def restart_page_numbers() -> Flowable:
    """Start a separately numbered part (an attached list / phụ lục). Place it right after the page
    break that starts the part: that page shows no number, the next one shows "2"."""
    return _RestartNumbering()


def switch_orientation(landscape: bool) -> list[Flowable]:
    """Flowables that end the current page and continue on a landscape (or portrait) page."""
    return [NextPageTemplate(LANDSCAPE if landscape else PORTRAIT), PageBreak()]


def _page_numberer(first_page_number: bool):  # type: ignore[no-untyped-def]
    def on_page_end(canv: Canvas, doc: BaseDocTemplate) -> None:
        base = getattr(canv, "_sk_number_base", 0)
        number = canv.getPageNumber() - base
        if number < 2 and not (first_page_number and base == 0):
            return
        width, height = canv._pagesize  # the current page's size, landscape or not
        top = LANDSCAPE_MARGINS.top if width > height else PORTRAIT_MARGINS.top
        canv.saveState()
        canv.setFont(REGULAR, PAGE_NUMBER_SIZE)
        canv.drawCentredString(width / 2, height - top / 2 - PAGE_NUMBER_SIZE / 3, str(number))
        canv.restoreState()

    return on_page_end


def _template(landscape: bool, first_page_number: bool) -> PageTemplate:
    size, m = _page(landscape)
    fw, fh = frame_size(landscape)
    frame = Frame(
        m.left,
        m.bottom,
        fw,
        fh,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=f"{LANDSCAPE if landscape else PORTRAIT}-frame",
    )
    return PageTemplate(
        id=LANDSCAPE if landscape else PORTRAIT,
        frames=[frame],
        pagesize=size,
        onPageEnd=_page_numberer(first_page_number),
    )


def build_pdf(
    flowables: Iterable[Flowable],
    *,
    title: str,
    landscape: bool = False,
    first_page_number: bool = False,
    author: str = "",
    subject: str = "",
    invariant: bool = False,
) -> bytes:
    """Lay out ``flowables`` on A4 pages and return the PDF bytes.

    ``landscape`` picks the orientation of the first page; :func:`switch_orientation` changes it for the
    following pages. ``title``/``author``/``subject`` go into the PDF metadata (``author`` defaults to
    the application name). Fonts are embedded (subset). ``first_page_number`` also numbers page 1 (for
    lists that are not NĐ 30 documents). ``invariant`` makes the output byte-for-byte reproducible.
    """
    register_fonts()
    buf = io.BytesIO()
    first, other = (LANDSCAPE, PORTRAIT) if landscape else (PORTRAIT, LANDSCAPE)
    templates = [
        _template(first == LANDSCAPE, first_page_number),
        _template(other == LANDSCAPE, first_page_number),
    ]
    doc = BaseDocTemplate(
        buf,
        pagesize=templates[0].pagesize,
        pageTemplates=templates,
        title=nfc(title),
        author=nfc(author) or APP_TITLE,
        subject=nfc(subject),
        creator=APP_TITLE,
        invariant=1 if invariant else 0,
        initialFontName=REGULAR,
    )
    story = list(flowables)
    if not story:
        raise ValueError("build_pdf needs at least one flowable")
    doc.build(story)
    return buf.getvalue()


Cell = str | int | Decimal | Flowable | None


class _CellParagraph(Paragraph):
    """A table cell's paragraph that keeps its measure for a width. reportlab splits a long table page
    by page and measures every remaining row again at each split: without this, a table of 5,000 rows
    takes minutes (the measure only depends on the width)."""

    _measured: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        measured = self._measured
        if measured is not None and measured[0] == availWidth:
            return measured[1]
        size = super().wrap(availWidth, availHeight)
        self._measured = (availWidth, size)
        return size


def _cell(value: Cell, style: Any) -> Flowable | str:
    if value is None:
        return ""
    if isinstance(value, Flowable):
        return value
    register_fonts()
    return _CellParagraph(markup(str(value)), style)


def data_table(
    header_rows: HeaderGrid | Sequence[Sequence[str]],
    rows: Sequence[Sequence[Cell]],
    col_widths: Sequence[float],
    *,
    spans: Sequence[Span] | None = None,
    repeat_rows: int | None = None,
    numeric_cols: Iterable[int] = (),
    center_cols: Iterable[int] = (),
    font_size: float = 12,
    split_in_row: bool = True,
) -> Flowable:
    """A ruled table of wrapped Paragraph cells that repeats its header rows on every page.

    ``header_rows`` are one or more rows of titles (a :class:`HeaderGrid` brings its own spans);
    ``spans`` lists merges as (first_col, first_row, last_col, last_row), 0-based, rows counted from the
    top of the table (so header spans are header-relative). Body ``rows`` hold text (wrapped), numbers
    (already formatted by the caller, e.g. ``format_money``), flowables or None. ``numeric_cols`` are
    right-aligned, ``center_cols`` centred. ``col_widths`` are in points (see :func:`scale_widths`).
    ``repeat_rows`` defaults to the number of header rows. ``split_in_row`` lets a very tall row continue
    on the next page instead of failing.
    """
    if isinstance(header_rows, HeaderGrid):
        if spans is None:
            spans = header_rows.spans
        header_rows = header_rows.rows
    spans = tuple(spans or ())
    ncols = len(col_widths)
    for r in (*header_rows, *rows):
        if len(r) != ncols:
            raise ValueError(f"every row needs {ncols} cells, got {len(r)}: {list(r)!r}")
    cs = cell_styles(font_size)
    numeric = set(numeric_cols)
    center = set(center_cols)
    data: list[list[Any]] = [[_cell(t or None, cs.header) for t in r] for r in header_rows]
    for r in rows:
        data.append(
            [
                _cell(v, cs.right if c in numeric else cs.center if c in center else cs.left)
                for c, v in enumerate(r)
            ]
        )
    nh = len(header_rows)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, "black"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # for any plain string cell reportlab draws itself
    ]
    if nh:
        commands.append(("VALIGN", (0, 0), (-1, nh - 1), "MIDDLE"))
    commands += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
    repeat = nh if repeat_rows is None else repeat_rows

    def make(cells: list[list[Any]]) -> Table:
        table = Table(
            cells,
            colWidths=list(col_widths),
            repeatRows=repeat,
            splitInRow=20 if split_in_row else 0,
            hAlign="CENTER",
        )
        table.setStyle(_TableStyle(commands))
        return table

    if len(rows) > _PAGED_FROM and repeat == nh and all(r1 < nh for _c0, _r0, _c1, r1 in spans):
        return _PagedTable(make, data[:nh], data[nh:])
    return make(data)


_PAGED_FROM = 100  # body rows from which a table is laid out page by page


class _PagedTable(Flowable):
    """A long table laid out page by page. reportlab splits one big Table at each page and measures every
    remaining row again each time (a 5,000-row table took minutes); here the rows are measured once and
    each page gets a Table of just its rows, with the header repeated. It looks exactly the same."""

    def __init__(
        self,
        make: Any,
        header: list[list[Any]],
        body: list[list[Any]],
        measured: tuple[float, float, list[float]] | None = None,
    ) -> None:
        super().__init__()
        self.hAlign = "CENTER"
        self._make = make
        self._header = header
        self._body = body
        self._measured = measured  # (table width, header height, body row heights)

    def _measure(self, avail_width: float) -> tuple[float, float, list[float]]:
        if self._measured is None:
            table = self._make(self._header + self._body)
            width, _ = table.wrap(avail_width, 1e9)  # one pass gives every row's height
            heights = list(table._rowHeights)
            nh = len(self._header)
            self._measured = (width, sum(heights[:nh]), heights[nh:])
        return self._measured

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, header, heights = self._measure(availWidth)
        self.width, self.height = width, header + sum(heights)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        _width, header, heights = self._measure(availWidth)
        room = availHeight - header
        fits, used = 0, 0.0
        while fits < len(heights) and used + heights[fits] <= room + 1e-6:
            used += heights[fits]
            fits += 1
        if fits == len(heights):
            return [self._make(self._header + self._body)]
        if fits == 0:
            # Not even one row fits: reportlab splits inside the first row (what it does with one big
            # table too); the rest of that row then leads the remaining rows.
            pieces = self._make(self._header + self._body[:1]).split(availWidth, availHeight)
            if len(pieces) < 2:
                return pieces
            carried = [list(row) for row in pieces[-1]._cellvalues[len(self._header) :]]
            return [*pieces[:-1], _PagedTable(self._make, self._header, carried + self._body[1:])]
        return [self._make(self._header + self._body[:fits]), self._rest(fits)]

    def _rest(self, start: int) -> Flowable:
        if start >= len(self._body):
            return Spacer(0, 0)
        assert self._measured is not None
        width, header, heights = self._measured
        return _PagedTable(self._make, self._header, self._body[start:], (width, header, heights[start:]))

    def draw(self) -> None:
        table = self._make(self._header + self._body)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def column_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    total_width: float,
    *,
    font_size: float = 12,
) -> Flowable:
    """:func:`data_table` from :class:`Column` definitions: grouped header, widths scaled to
    ``total_width`` (e.g. ``frame_width(landscape=True)``), numeric/centred columns from the columns."""
    return data_table(
        header_grid(columns),
        rows,
        scale_widths([c.width for c in columns], total_width),
        numeric_cols=[i for i, c in enumerate(columns) if c.numeric],
        center_cols=[i for i, c in enumerate(columns) if c.center],
        font_size=font_size,
    )
