"""Build an A4 PDF the NĐ 30 way, and its tables (the engine is :mod:`.table`, the page flow :mod:`.flow`).

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
from typing import TypeAlias

from reportlab import rl_config
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
)

from sangkien_desktop import APP_TITLE
from sangkien_desktop.domain.text import nfc
from sangkien_desktop.gc_pause import paused_gc
from sangkien_desktop.services.docspec import Column, HeaderGrid, Span, header_grid

from .flow import arrange
from .fonts import REGULAR, register_fonts
from .styles import Run
from .table import Align, RuledTable, TableLayout, is_total_row

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

# Page streams stay compressed binary: ASCII85 makes them a quarter larger and, without reportlab's
# optional C accelerator, takes seconds on a long table.
rl_config.useA85 = 0


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
        self.canv._sk_number_base = self.canv.getPageNumber() - 1


def restart_page_numbers() -> Flowable:
    """Start a separately numbered part (an attached list / phụ lục). Place it right after the page
    break that starts the part: that page shows no number, the next one shows "2"."""
    return _RestartNumbering()


def switch_orientation(landscape: bool) -> list[Flowable]:
    """Flowables that end the current page and continue on a landscape (or portrait) page."""
    return [NextPageTemplate(LANDSCAPE if landscape else PORTRAIT), PageBreak()]


def _page_numberer(first_page_number: bool):  # type: ignore[no-untyped-def]
    # What a page number writes into a page of this document, by number and page size: a document of
    # separately numbered parts (a score sheet per member) prints the same numbers again and again.
    written: dict[tuple[int, float, float], list[str]] = {}

    def on_page_end(canv: Canvas, doc: BaseDocTemplate) -> None:
        base = getattr(canv, "_sk_number_base", 0)
        number = canv.getPageNumber() - base
        if number < 2 and not (first_page_number and base == 0):
            return
        width, height = canv._pagesize  # the current page's size, landscape or not
        code = written.get((number, width, height))
        if code is not None:
            canv._code.extend(code)
            return
        start = len(canv._code)
        top = LANDSCAPE_MARGINS.top if width > height else PORTRAIT_MARGINS.top
        canv.saveState()
        canv.setFont(REGULAR, PAGE_NUMBER_SIZE)
        canv.drawCentredString(width / 2, height - top / 2 - PAGE_NUMBER_SIZE / 3, str(number))
        canv.restoreState()
        written[(number, width, height)] = canv._code[start:]

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
    sizes = {PORTRAIT: frame_size(False), LANDSCAPE: frame_size(True)}
    with paused_gc():  # a long table: many small objects, no cycles
        doc.build(arrange(story, first, sizes))
    return buf.getvalue()


Cell: TypeAlias = str | int | Decimal | Run | Sequence[str | Run] | Flowable | None


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
    total_row: bool | None = None,
) -> RuledTable:
    """A ruled table that repeats its header at the top of every page it continues on (see
    :mod:`.table` for how it breaks across pages).

    ``header_rows`` are one or more rows of titles, printed bold and centred (a :class:`HeaderGrid`
    brings its own spans); ``spans`` lists merges as (first_col, first_row, last_col, last_row), 0-based,
    rows counted from the top of the table: header spans may cover several rows, a body span joins
    columns of one row (a body row that spans every column is a group heading, kept with the row after
    it). Body ``rows`` hold text, :class:`Run` runs (bold "Tổng cộng"), numbers already formatted by the
    caller (e.g. ``format_money``), None, or (rarely) a flowable. ``numeric_cols`` are right-aligned,
    ``center_cols`` centred. ``col_widths`` are in points (see :func:`scale_widths`). ``total_row``: the
    last row is a total, kept with two data rows (None: when its first text starts with "Tổng cộng",
    "Tổng số" or "Cộng"). ``split_in_row`` False never cuts a row, even one taller than a page.
    """
    if isinstance(header_rows, HeaderGrid):
        if spans is None:
            spans = header_rows.spans
        header_rows = header_rows.rows
    nh = len(header_rows)
    if repeat_rows is not None and repeat_rows != nh:
        raise ValueError("a table repeats exactly its header rows")
    ncols = len(col_widths)
    for r in (*header_rows, *rows):
        if len(r) != ncols:
            raise ValueError(f"every row needs {ncols} cells, got {len(r)}: {list(r)!r}")
    spans = tuple(spans or ())
    numeric, center = set(numeric_cols), set(center_cols)
    aligns: list[Align] = [
        "right" if c in numeric else "center" if c in center else "left" for c in range(ncols)
    ]
    if total_row is None:
        total_row = bool(rows) and is_total_row(rows[-1])
    with paused_gc():  # thousands of cells: many small objects, no cycles
        layout = TableLayout(
            header_rows,
            [s for s in spans if s[1] < nh],
            rows,
            [(c0, r0 - nh, c1, r1 - nh) for c0, r0, c1, r1 in spans if r0 >= nh],
            col_widths,
            aligns=aligns,
            font_size=font_size,
            total_row=total_row,
            split_rows=split_in_row,
        )
    return RuledTable(layout)


def column_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    total_width: float,
    *,
    font_size: float = 12,
    total_row: bool | None = None,
) -> RuledTable:
    """:func:`data_table` from :class:`Column` definitions: grouped header, widths scaled to
    ``total_width`` (e.g. ``frame_width(landscape=True)``), numeric/centred columns from the columns."""
    return data_table(
        header_grid(columns),
        rows,
        scale_widths([c.width for c in columns], total_width),
        numeric_cols=[i for i, c in enumerate(columns) if c.numeric],
        center_cols=[i for i, c in enumerate(columns) if c.center],
        font_size=font_size,
        total_row=total_row,
    )
