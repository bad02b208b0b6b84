"""The ruled table of every document: measured once, laid out page by page, drawn straight on the canvas.

Rules of the page (issue 15 §1–2, NĐ 30 practice):

- The header (one row, or two with grouped columns) is printed at the top of the table and again at the
  top of every page the table continues on — never in the middle of a page.
- A row is never cut across pages, unless it alone is taller than a whole page; then it is cut between
  two lines, its rules drawn on both pages and its first cell (the TT) repeated on the continuation.
- A group heading row (a row spanning the whole table: "I. Sáng kiến xếp loại A") is never the last row
  of a page; a total row ("Tổng cộng") is never on a page with fewer than two data rows (when the table
  has two); every page holds at least one data row below its header.
- ``lead`` (the heading or title just above the table) stays with the first rows; ``tail`` (the notes
  and the signature after the table) goes with the last rows: when it does not fit under them, the last
  two data rows go over to the next page with it.

Every cell is wrapped once (:mod:`.measure`), so laying out the rest of a long table on the next page
costs nothing; a page is one light flowable that writes its text and rules as two content-stream literals
(:mod:`.canvas_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple

from reportlab.platypus import CondPageBreak, Flowable, FrameBreak, KeepTogether

from sangkien_desktop.services.docspec import Span

from .canvas_text import PageText, PageTextPart, segment_ops, stroke_segments
from .fonts import BOLD, REGULAR
from .measure import Content, Line, cell_runs, clean_text, plain_text, wrap_runs, wrap_text
from .styles import Run

__all__ = ["GRID_WIDTH", "RuledTable", "TableLayout"]

GRID_WIDTH = 0.5
PAD_X = 3.0  # left and right, inside each cell
PAD_TOP = 2.0
PAD_BOTTOM = 3.0
LEADING_FACTOR = 1.18  # cell line spacing (as the cell styles in .styles)
_EPS = 1e-6
MIN_SPLIT_LINES = 3  # lines of a too-tall row worth starting at the foot of a page
TOTAL_LABELS = ("tổng cộng", "tổng số", "cộng")

Align = Literal["left", "center", "right"]
Kind = Literal["data", "group", "total"]


class _Cell(NamedTuple):
    x: float  # from the table's left edge
    width: float
    lines: tuple[Line, ...]
    align: Align
    flowable: Flowable | None = None
    flow_height: float = 0.0


class _Row(NamedTuple):
    cells: tuple[_Cell, ...]
    lines: int
    kind: Kind
    rules: tuple[float, ...]  # x of the vertical rules of this row, both edges included
    flow_height: float = 0.0


class _HeaderCell(NamedTuple):
    x: float
    top: float  # from the header's top
    width: float
    height: float
    lines: tuple[Line, ...]


_WRAPPED_TEXT: dict[tuple[object, bool, float, float], tuple[Line, ...]] = {}
"""Cells already wrapped (text or tuple of runs, bold, size, width): the same codes, numbers, names and
dossier cells come back in every member's score sheet and every table of a round's documents."""
_MAX_WRAPPED = 50_000


class TableLayout:
    """A table measured once for its column widths (points): header cells, body rows and their lines."""

    def __init__(
        self,
        header_rows: Sequence[Sequence[Content]],
        header_spans: Sequence[Span],
        rows: Sequence[Sequence[Content | Flowable]],
        row_spans: Sequence[Span],
        col_widths: Sequence[float],
        *,
        aligns: Sequence[Align],
        font_size: float,
        total_row: bool,
        split_rows: bool = True,
    ) -> None:
        self.size = float(font_size)
        self.leading = round(self.size * LEADING_FACTOR, 2)
        self.widths = [float(w) for w in col_widths]
        self.xs = [sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        self.width = self.xs[-1]
        self.split_rows = split_rows
        self.header, self.header_height = self._measure_header(header_rows, header_spans)
        self._drawn_headers: dict[tuple[float, float], tuple[PageTextPart, list[str]]] = {}
        self._plain_columns = self._columns([])
        self._plain_rules = (*self.xs[:-1], self.width)
        by_row: dict[int, list[tuple[int, int]]] = {}
        for c0, r0, c1, r1 in row_spans:
            if r0 != r1:
                raise ValueError("a span in the table body may join columns of one row only")
            by_row.setdefault(r0, []).append((c0, c1))
        last = len(rows) - 1
        self.rows = [
            self._measure_row(values, by_row.get(i, []), aligns, total_row and i == last and i > 0)
            for i, values in enumerate(rows)
        ]
        self.heights = [self.row_height(i) for i in range(len(self.rows))]
        self.below = [0.0] * (len(self.rows) + 1)  # below[i]: height of rows i… to the end
        self.data_before = [0] * (len(self.rows) + 1)  # data rows before row i
        for i in range(len(self.rows) - 1, -1, -1):
            self.below[i] = self.below[i + 1] + self.heights[i]
        for i, row in enumerate(self.rows):
            self.data_before[i + 1] = self.data_before[i] + (row.kind == "data")

    # measuring ---------------------------------------------------------------------------------------
    def _wrap(self, value: Content, width: float, *, bold: bool = False) -> tuple[Line, ...]:
        inner = max(width - 2 * PAD_X, 1.0)
        if type(value) is str or _text_runs(value):  # plain text, or runs (a score sheet's dossier)
            key = (value if type(value) is str else tuple(value), bold, self.size, inner)  # type: ignore[arg-type]
            lines = _WRAPPED_TEXT.get(key)
            if lines is None:
                lines = self._wrap_new(value, inner, bold)
                if len(_WRAPPED_TEXT) > _MAX_WRAPPED:
                    _WRAPPED_TEXT.clear()
                _WRAPPED_TEXT[key] = lines
            return lines
        return self._wrap_new(value, inner, bold)

    def _wrap_new(self, value: Content, inner: float, bold: bool) -> tuple[Line, ...]:
        if type(value) is str:  # most cells: plain text in one font
            text = clean_text(value).strip()
            return tuple(wrap_text(text, BOLD if bold else REGULAR, self.size, inner)) if text else ()
        return tuple(wrap_runs(cell_runs(value, bold=bold), self.size, inner))

    def _measure_header(
        self, header_rows: Sequence[Sequence[Content]], spans: Sequence[Span]
    ) -> tuple[list[_HeaderCell], float]:
        nrows = len(header_rows)
        covered: dict[tuple[int, int], Span] = {}
        for span in spans:
            c0, r0, c1, r1 = span
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    covered[(r, c)] = span
        cells: list[tuple[Span, tuple[Line, ...]]] = []
        for r, values in enumerate(header_rows):
            for c, value in enumerate(values):
                span = covered.get((r, c), (c, r, c, r))
                if (span[0], span[1]) != (c, r):
                    continue
                width = self.xs[span[2] + 1] - self.xs[span[0]]
                cells.append((span, self._wrap(value, width, bold=True)))
        heights = [0.0] * nrows
        for (_c0, r0, _c1, r1), lines in cells:
            if r0 == r1:
                heights[r0] = max(heights[r0], self._text_height(len(lines)))
        for (_c0, r0, _c1, r1), lines in sorted(cells, key=lambda cell: cell[0][3] - cell[0][1]):
            lack = self._text_height(len(lines)) - sum(heights[r0 : r1 + 1])
            if lack > 0:
                heights[r1] += lack
        tops = [sum(heights[:r]) for r in range(nrows + 1)]
        out = [
            _HeaderCell(
                x=self.xs[c0],
                top=tops[r0],
                width=self.xs[c1 + 1] - self.xs[c0],
                height=tops[r1 + 1] - tops[r0],
                lines=lines,
            )
            for (c0, r0, c1, r1), lines in cells
        ]
        return out, tops[-1]

    def _text_height(self, lines: int) -> float:
        return PAD_TOP + max(lines, 1) * self.leading + PAD_BOTTOM

    def _columns(self, spans: list[tuple[int, int]]) -> tuple[tuple[int, float, float], ...]:
        """(first column, x, width) of each cell of a row whose ``spans`` join columns."""
        ends = dict(spans)
        out: list[tuple[int, float, float]] = []
        c = 0
        while c < len(self.widths):
            c1 = ends.get(c, c)
            out.append((c, self.xs[c], self.xs[c1 + 1] - self.xs[c]))
            c = c1 + 1
        return tuple(out)

    def _measure_row(
        self,
        values: Sequence[Content | Flowable],
        spans: list[tuple[int, int]],
        aligns: Sequence[Align],
        is_total: bool,
    ) -> _Row:
        if spans:
            columns = self._columns(spans)
            rules = (*(x for _c, x, _w in columns), self.width)
        else:  # the usual row: shares its columns and rules with the others
            columns, rules = self._plain_columns, self._plain_rules
        cells: list[_Cell] = []
        flow_height = 0.0
        lines = 0
        for c, x, width in columns:
            value = values[c]
            if value == "" or value is None:  # a blank cell (a box to fill by hand): nothing to draw
                continue
            if isinstance(value, Flowable):
                _w, h = value.wrap(width - 2 * PAD_X, 1e9)
                flow_height = max(flow_height, h)
                cells.append(_Cell(x, width, (), aligns[c], value, h))
                continue
            wrapped = self._wrap(value, width)
            cells.append(_Cell(x, width, wrapped, aligns[c]))
            lines = max(lines, len(wrapped))
        group = len(columns) == 1 and len(values) > 1  # one cell across the whole row
        kind: Kind = "total" if is_total else "group" if group else "data"
        return _Row(tuple(cells), lines, kind, rules, flow_height)

    # heights -----------------------------------------------------------------------------------------
    def row_height(self, index: int, first: int = 0, take: int | None = None) -> float:
        """Height of row ``index`` drawn from its line ``first`` (``take`` lines, or all the rest)."""
        row = self.rows[index]
        left = max(row.lines - first, 0)
        n = left if take is None else min(take, left)
        text = PAD_TOP + max(n, 1) * self.leading + PAD_BOTTOM
        if first == 0 and row.flow_height:
            text = max(text, PAD_TOP + row.flow_height + PAD_BOTTOM)
        return text

    def splittable(self, index: int, first: int) -> bool:
        row = self.rows[index]
        return self.split_rows and not row.flow_height and row.lines - first > 1

    # drawing -----------------------------------------------------------------------------------------
    def draw_header(self, text: PageText, x0: float, top: float) -> list[str]:
        """Write the header's text at (x0, top) and return the path of its rules (:func:`segment_ops`).
        Both are worked out once for each place a header stands at (the top of a page, under a lead) and
        written again on the next page where it stands there (``text`` is a page's text: the header comes
        first)."""
        drawn = self._drawn_headers.get((x0, top))
        if drawn is not None and text.repeat(drawn[0]):
            return drawn[1]
        size, leading = self.size, self.leading
        rules: list[tuple[float, float, float, float]] = []
        state = text.state()
        for cell in self.header:
            x, y = x0 + cell.x, top - cell.top
            y2 = y - cell.height
            rules += [(x, y, x + cell.width, y), (x, y2, x + cell.width, y2), (x, y, x, y2)]
            rules.append((x + cell.width, y, x + cell.width, y2))
            block = len(cell.lines) * leading
            baseline = y - PAD_TOP - (cell.height - PAD_TOP - PAD_BOTTOM - block) / 2 - size
            for width, fragments in cell.lines:
                text.add(x + (cell.width - width) / 2, baseline, fragments, size)
                baseline -= leading
        path = segment_ops(rules)
        self._drawn_headers[(x0, top)] = (text.since(state), path)
        return path

    def draw_rows(
        self,
        canv: Any,
        text: PageText,
        rules: list[tuple[float, float, float, float]],
        x0: float,
        top: float,
        slices: Sequence[tuple[int, int, int | None]],
    ) -> float:
        """Draw row slices (row, first line, lines or None for the rest) from ``top`` down; return the
        bottom. Vertical rules of consecutive rows are joined into one line each."""
        size = self.size
        y = top
        open_rules: dict[float, int] = {}
        run: list[int] = []  # the vertical rules being drawn down a run of rows with the same columns
        run_rules: tuple[float, ...] = ()
        for index, first, take in slices:
            row = self.rows[index]
            bottom = y - self.row_height(index, first, take)
            base = y - PAD_TOP - size
            for cell in row.cells:
                if cell.flowable is not None:
                    if first == 0:
                        cell.flowable.drawOn(canv, x0 + cell.x + PAD_X, y - PAD_TOP - cell.flow_height)
                    continue
                lines = cell.lines[first : None if take is None else first + take]
                if first and not lines and cell.x == 0 and len(cell.lines) == 1:
                    lines = cell.lines  # the continuation of a cut row shows its TT again
                self._draw_lines(text, lines, cell, x0, base)
            rules.append((x0, bottom, x0 + self.width, bottom))
            if row.rules is not run_rules:  # other columns: each rule goes on or starts here
                _end_rules(rules, run, y)
                run, run_rules = [], row.rules
                for xr in row.rules:
                    at = open_rules.get(xr)
                    if at is None or rules[at][3] != y:
                        at = open_rules[xr] = len(rules)
                        rules.append((x0 + xr, y, x0 + xr, y))
                    run.append(at)
            y = bottom
        _end_rules(rules, run, y)
        return y

    def _draw_lines(self, text: PageText, lines: Sequence[Line], cell: _Cell, x0: float, base: float) -> None:
        size, leading = self.size, self.leading
        left = x0 + cell.x + PAD_X
        inner = cell.width - 2 * PAD_X
        align = cell.align
        for width, fragments in lines:
            if align == "left":
                x = left
            elif align == "right":
                x = left + inner - width
            else:
                x = left + (inner - width) / 2
            text.add(x, base, fragments, size)
            base -= leading


def _end_rules(rules: list[tuple[float, float, float, float]], run: list[int], bottom: float) -> None:
    """Take the vertical rules ``run`` (indices in ``rules``) down to ``bottom``."""
    for at in run:
        x1, y1, x2, _y2 = rules[at]
        rules[at] = (x1, y1, x2, bottom)


def _text_runs(value: object) -> bool:
    """Whether a cell is a list of texts and runs (then it is its own cache key: equal lists read the same,
    unlike numbers, where Decimal("1.0") == 1)."""
    return isinstance(value, list | tuple) and all(type(v) in (str, Run) for v in value)


def is_total_row(values: Sequence[Content | Flowable]) -> bool:
    """Whether a row reads like a total: its first text cell starts with "Tổng cộng", "Tổng số" or "Cộng"."""
    for value in values:
        if isinstance(value, Flowable):
            return False
        text = plain_text(value).strip().lower()
        if text:
            return text.startswith(TOTAL_LABELS)
    return False


# ----------------------------------------------------------------------------------------------------
# Flowables


def _flatten(flowables: Iterable[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for f in flowables:
        if isinstance(f, KeepTogether):
            out += _flatten(f._content)
        elif not isinstance(f, CondPageBreak):
            out.append(f)
    return out


class _Stack:
    """Flowables drawn above (lead) or below (tail) a table's rows, their height measured once per width."""

    def __init__(self, flowables: Iterable[Flowable], *, lead: bool) -> None:
        self.flowables = _flatten(flowables)
        self.lead = lead
        self._heights: dict[tuple[float, float], float] = {}

    def __bool__(self) -> bool:
        return bool(self.flowables)

    def height(self, width: float, height: float) -> float:
        """Their height stacked as a frame would, with the space that separates them from the rows."""
        if not self.flowables:
            return 0.0
        found = self._heights.get((width, height))
        if found is None:
            total, after = 0.0, 0.0
            for i, f in enumerate(self.flowables):
                _w, h = f.wrap(width, height)
                total += (max(after, f.getSpaceBefore()) if i else 0.0) + h
                after = f.getSpaceAfter()
            found = total + (after if self.lead else self.flowables[0].getSpaceBefore())
            self._heights[(width, height)] = found
        return found

    def space_before(self) -> float:
        return self.flowables[0].getSpaceBefore() if self.flowables else 0.0

    def space_after(self) -> float:
        return self.flowables[-1].getSpaceAfter() if self.flowables else 0.0


_NOTHING = _Stack((), lead=True)


def _draw_stack(canv: Any, flowables: Sequence[Flowable], width: float, top: float) -> float:
    y, after = top, 0.0
    for i, f in enumerate(flowables):
        w, h = f.wrap(width, top)
        if i:
            y -= max(after, f.getSpaceBefore())
        y -= h
        f.drawOn(canv, 0, y, _sW=width - w)
        after = f.getSpaceAfter()
    return y


Slice = tuple[int, int, int | None]  # row, first line, number of lines (None: to the end of the row)


class _Stacked(Flowable):
    """A table (or a page of it) between its lead and its tail."""

    layout: TableLayout
    lead: _Stack
    tail: _Stack

    def rows_height(self) -> float:
        raise NotImplementedError

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        height = self.layout.header_height + self.rows_height()
        height += self.lead.height(availWidth, availHeight) + self.tail.height(availWidth, availHeight)
        self.width, self.height = availWidth, height
        return availWidth, height

    def getSpaceBefore(self) -> float:
        return self.lead.space_before()

    def getSpaceAfter(self) -> float:
        return self.tail.space_after()


class _Page(_Stacked):
    """What one page holds of a table: the lead (first page), the header, row slices, the tail (last)."""

    def __init__(self, layout: TableLayout, slices: list[Slice], lead: _Stack, tail: _Stack) -> None:
        super().__init__()
        self.layout = layout
        self.slices = slices
        self.lead = lead
        self.tail = tail

    @property
    def rows(self) -> list[tuple[Kind, int, int | None]]:
        """(kind, first line, lines) of each row slice on this page (for checks of the page flow)."""
        return [(self.layout.rows[i].kind, first, take) for i, first, take in self.slices]

    def rows_height(self) -> float:
        return sum(self.layout.row_height(i, f, t) for i, f, t in self.slices)

    def draw(self) -> None:
        canv, lay = self.canv, self.layout
        top = self.height
        if self.lead:
            top = _draw_stack(canv, self.lead.flowables, self.width, top) - self.lead.space_after()
        x0 = (self.width - lay.width) / 2
        text = PageText(canv)
        rules: list[tuple[float, float, float, float]] = []
        header_rules = lay.draw_header(text, x0, top)
        bottom = lay.draw_rows(canv, text, rules, x0, top - lay.header_height, self.slices)
        stroke_segments(canv, rules, GRID_WIDTH, drawn=header_rules)
        text.emit()
        if self.tail:
            _draw_stack(canv, self.tail.flowables, self.width, bottom - self.tail.space_before())


class RuledTable(_Stacked):
    """A ruled table (from :func:`.document.data_table`) that lays itself out page by page, from row
    ``start`` (its line ``first_line`` when the row was cut). ``lead``/``tail`` are flowables kept with
    its first/last rows (:mod:`.flow` sets them)."""

    def __init__(
        self,
        layout: TableLayout,
        *,
        start: int = 0,
        first_line: int = 0,
        lead: _Stack = _NOTHING,
        tail: _Stack = _NOTHING,
    ) -> None:
        super().__init__()
        self.hAlign = "CENTER"
        self.layout = layout
        self.start = start
        self.first_line = first_line
        self.lead = lead
        self.tail = tail

    def with_lead_and_tail(self, lead: Sequence[Flowable], tail: Sequence[Flowable]) -> RuledTable:
        return RuledTable(
            self.layout,
            start=self.start,
            first_line=self.first_line,
            lead=_Stack([*lead, *self.lead.flowables], lead=True),
            tail=_Stack([*self.tail.flowables, *tail], lead=False),
        )

    def height_of(self, row: int) -> float:
        """Height of a row as this piece draws it (the first one may be the rest of a cut row)."""
        if row == self.start and self.first_line:
            return self.layout.row_height(row, self.first_line)
        return self.layout.heights[row]

    def rows_height(self, lo: int = -1, hi: int = -1) -> float:
        """Height of rows ``lo`` to ``hi`` (all of this piece's rows by default)."""
        lay = self.layout
        if lo < 0:
            lo, hi = self.start, len(lay.rows)
        total = lay.below[lo] - lay.below[hi]
        if lo == self.start < hi and self.first_line:
            total += self.height_of(lo) - lay.heights[lo]
        return total

    def draw(self) -> None:
        page = self.page(len(self.layout.rows) - self.start, tail=True)
        page.wrap(self.width, self.height)
        page.canv = self.canv
        page.draw()

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)
        full = float(getattr(frame, "_aH", availHeight)) if frame is not None else availHeight
        at_top = bool(getattr(frame, "_atTop", True)) if frame is not None else True
        return _Planner(self, availWidth, availHeight, full, at_top).plan()

    def page(self, rows: int, take: int | None = None, *, tail: bool = False) -> _Page:
        """The page holding the next ``rows`` rows (the last of them cut after ``take`` lines)."""
        slices: list[Slice] = []
        for k in range(rows):
            i = self.start + k
            slices.append((i, self.first_line if k == 0 else 0, take if k == rows - 1 else None))
        return _Page(self.layout, slices, self.lead, self.tail if tail else _NOTHING)

    def rest(self, rows: int, first_line: int = 0) -> list[Flowable]:
        """The rest of the table from the next page on (a page break first: the rest must not come
        under a page that was ended early, e.g. to keep a group heading with its rows)."""
        rest = RuledTable(self.layout, start=self.start + rows, first_line=first_line, tail=self.tail)
        return [FrameBreak(), rest]


class _Planner:
    """Where a table breaks on the current page (the rules are in the module's docstring). Row numbers
    here count from the table's first row on this page."""

    def __init__(self, table: RuledTable, width: float, avail: float, full: float, at_top: bool) -> None:
        self.t = table
        self.lay = table.layout
        self.s = table.start
        self.n = len(self.lay.rows) - table.start
        self.avail = avail
        self.full = full
        self.at_top = at_top
        self.lead_h = table.lead.height(width, full)
        self.tail_h = table.tail.height(width, full)

    def _height(self, lo: int, hi: int) -> float:
        return self.t.rows_height(self.s + lo, self.s + hi)

    def _data(self, lo: int, hi: int) -> int:
        before = self.lay.data_before
        return before[self.s + hi] - before[self.s + lo]

    def _kind(self, k: int) -> Kind:
        return self.lay.rows[self.s + k].kind

    def plan(self) -> list[Flowable]:
        t, n = self.t, self.n
        if n <= 0:
            return [t.page(0, tail=True)] if self.at_top else []
        room = self.avail - self.lead_h - self.lay.header_height
        fits, used = 0, 0.0
        while fits < n:
            h = t.height_of(self.s + fits)
            if used + h > room + _EPS:
                break
            used += h
            fits += 1
        if fits == n:
            if used + self.tail_h <= room + _EPS:
                return [t.page(n, tail=True)]
            return self._carry()
        k = fits
        while k > 0 and not self._ok(k):
            k -= 1
        if k > 0:
            return [t.page(k), *t.rest(k)]
        # the rows here would leave the total alone on the next page: a tall last row that fits here is cut
        # so that its last lines go over with the total (and the tail)
        return self._cut_last(fits) or self._first_row()

    def _ok(self, k: int, with_total: int = 2) -> bool:
        """May this page end after ``k`` rows? (``with_total``: data rows the total row needs.)"""
        n = self.n
        if not 0 < k < n or self._kind(k - 1) == "group":
            return False
        # a heading (the lead) at the foot of a page needs two rows under it; at the top, one will do
        if self._data(0, k) < (min(2, self._data(0, n)) if self.t.lead and not self.at_top else 1):
            return False
        return not (self._kind(n - 1) == "total" and self._data(k, n) < min(with_total, self._data(0, n)))

    def _carry(self) -> list[Flowable]:
        """Every row fits here but the tail does not: the last rows go over with the tail. Two data rows
        if they can, else the whole table on the next page, else one row; a tail that cannot go with
        any row flows on by itself."""
        t, n = self.t, self.n
        two = self._carry_point(min(2, self._data(0, n)))
        if two:
            return [t.page(two), *t.rest(two)]
        whole = self.lead_h + self.lay.header_height + self._height(0, n) + self.tail_h
        if not self.at_top and whole <= self.full + _EPS:
            return []  # the table and its tail fit together on the next page
        one = self._carry_point(1)
        if one:
            return [t.page(one), *t.rest(one)]
        return self._cut_last() or [t.page(n), *t.tail.flowables]

    def _cut_last(self, fits: int | None = None) -> list[Flowable] | None:
        """The last data row is taller than a page (so it may be cut between any two lines): its last
        lines go over with what follows it (the total, the tail). ``fits``: the rows that fit on this page
        (the last data row must be one of them); all of them when not given."""
        t, lay, n = self.t, self.lay, self.n
        j = n - 1
        while j >= 0 and self._kind(j) != "data":
            j -= 1
        if j < 0 or (fits is not None and j >= fits):
            return None
        row, first = t.start + j, t.first_line if j == 0 else 0
        tall = first > 0 or lay.heights[row] > self.full - lay.header_height + _EPS
        if not tall or not lay.splittable(row, first):
            return None
        room = self.full - lay.header_height - self._height(j + 1, n) - self.tail_h - PAD_TOP - PAD_BOTTOM
        left = lay.rows[row].lines - first
        carry = min(int((room + _EPS) // lay.leading), left - 1, MIN_SPLIT_LINES)
        if carry < 1:
            return None
        return [t.page(j + 1, left - carry), *t.rest(j, first + left - carry)]

    def _carry_point(self, need: int) -> int:
        """Rows to leave on this page so that ``need`` data rows go over with the tail (0: impossible)."""
        n = self.n
        k = n - 1
        while k > 0 and not (self._ok(k, need) and self._data(k, n) >= need):
            k -= 1
        if k > 0 and self.lay.header_height + self._height(k, n) + self.tail_h <= self.full + _EPS:
            return k
        return 0

    def _first_row(self) -> list[Flowable]:
        """Not even the first row (with the group headings above it) fits in the room left here: on
        the next page if it fits there, else cut between two of its lines."""
        t, lay, n = self.t, self.lay, self.n
        g = 0  # group headings first: they go with the row under them
        while g < n - 1 and self._kind(g) == "group":
            g += 1
        if not self.at_top and self._height(0, g + 1) <= self.full - self.lead_h - lay.header_height + _EPS:
            return []  # it fits on the next page
        whole = [t.page(g + 1), *t.rest(g + 1)] if g + 1 < n else [t.page(g + 1, tail=True)]
        row, first_line = t.start + g, t.first_line if g == 0 else 0
        if not lay.splittable(row, first_line):
            return whole
        room = self.avail - self.lead_h - lay.header_height - self._height(0, g) - PAD_TOP - PAD_BOTTOM
        lines = int((room + _EPS) // lay.leading)
        if lines >= lay.rows[row].lines - first_line:
            return whole  # the row fits (the page's other rules could not all be kept)
        if lines < (1 if self.at_top else MIN_SPLIT_LINES):
            if self.at_top:
                raise ValueError("the table header leaves no room for one line of a row on a page")
            return []
        return [t.page(g + 1, lines), *t.rest(g, first_line + lines)]
