"""THE one place that lays out an Excel sheet like an NĐ 30 form: header block, title, table head,
row heights, signature and print setup (openpyxl).

Order of calls for a sheet::

    set_column_widths(ws, [5, 20, 24, ...])                 # first: the header block measures them
    row = write_title_block(ws, header, "TỔNG HỢP …", None, ncols)
    top = row
    row = write_table_header(ws, row, columns)              # grouped header, frozen panes below it
    for values in data: write_row(ws, row, values, formats=...); row += 1
    set_row_heights(ws, first_data_row, row - 1)            # openpyxl does not auto-fit
    row = write_signature_block(ws, row + 1, title="THỦ TRƯỞNG ĐƠN VỊ", note="(Ký, ghi rõ họ tên)", ncols=ncols)
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{first_data_row - 1}")

Fonts are Times New Roman (LibreOffice substitutes the metric-compatible Liberation Serif). Number
formats ``#,##0`` and ``0.00`` follow the reader's locale: a Vietnamese Excel shows "2.000.000" and
"85,50"; never hard-code "." into a format.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sangkien_desktop.domain.text import nfc, upper_vn
from sangkien_desktop.services.docspec import (
    MOTTO,
    NATIONAL_TITLE,
    Column,
    HeaderGrid,
    HeaderInfo,
    Span,
    header_grid,
)
from sangkien_desktop.services.pdf.fonts import balance_lines, text_width

from .cells import CellFormat, LightCell, light_heights, light_rows, set_text

__all__ = [
    "DATE_FORMAT",
    "DEFAULT_FORMATS",
    "FONT_NAME",
    "INTEGER_FORMAT",
    "MIN_PRINTED_PT",
    "MONEY_FORMAT",
    "SCORE_FORMAT",
    "TableFormats",
    "column_widths",
    "estimate_lines",
    "estimate_row_height",
    "fit_widths",
    "new_workbook",
    "printed_scale",
    "set_column_widths",
    "set_row_heights",
    "setup_print",
    "smallest_font",
    "table_formats",
    "used_columns",
    "write_signature_block",
    "write_table_header",
    "write_title_block",
]

FONT_NAME = "Times New Roman"
BODY_SIZE = 12
MONEY_FORMAT = "#,##0"
SCORE_FORMAT = "0.00"
INTEGER_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's default width in characters
LINE_HEIGHT_FACTOR = 1.3125  # 12 pt text needs about 15.75 pt of row height per line
RULE_CHAR = "─"  # U+2500, in Times New Roman and Liberation Serif: a continuous line when repeated
RULE_SIZE = 8

THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _font(
    size: float = BODY_SIZE, *, bold: bool = False, italic: bool = False, underline: bool = False
) -> Font:
    return Font(
        name=FONT_NAME, size=size, bold=bold, italic=italic, underline="single" if underline else None
    )


def _align(horizontal: str = "left", vertical: str = "top", wrap: bool = True) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


@dataclass(frozen=True)
class TableFormats:
    """Cell formats for the body of a table: all wrap, thin borders, Times New Roman."""

    text: CellFormat  # left, wrapped
    center: CellFormat  # TT, grades, short codes
    bold: CellFormat  # group rows, totals
    money: CellFormat  # #,##0 right-aligned
    score: CellFormat  # 0.00 right-aligned
    integer: CellFormat  # 0 centred (counts, TT as numbers)
    date: CellFormat  # dd/mm/yyyy centred
    header: CellFormat  # bold, centred both ways


def table_formats(size: float = BODY_SIZE) -> TableFormats:
    """Body formats at ``size`` points (12 by default, 11 for very wide tables)."""
    f = _font(size)
    return TableFormats(
        text=CellFormat(font=f, alignment=_align(), border=GRID),
        center=CellFormat(font=f, alignment=_align("center"), border=GRID),
        bold=CellFormat(font=_font(size, bold=True), alignment=_align(), border=GRID),
        money=CellFormat(font=f, alignment=_align("right"), border=GRID, number_format=MONEY_FORMAT),
        score=CellFormat(font=f, alignment=_align("right"), border=GRID, number_format=SCORE_FORMAT),
        integer=CellFormat(font=f, alignment=_align("center"), border=GRID, number_format=INTEGER_FORMAT),
        date=CellFormat(font=f, alignment=_align("center"), border=GRID, number_format=DATE_FORMAT),
        header=CellFormat(font=_font(size, bold=True), alignment=_align("center", "center"), border=GRID),
    )


DEFAULT_FORMATS = table_formats()


def set_column_widths(ws: Worksheet, widths: Sequence[float], start_col: int = 1) -> None:
    """Set column widths in Excel character units (the width of "0" in the default font)."""
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(start_col + i)].width = w


def _printable_pt(landscape: bool) -> float:
    m = PRINT_MARGINS_MM[landscape]
    return ((297 if landscape else 210) - m["left"] - m["right"]) / 25.4 * 72


def _columns_pt(widths: Sequence[float]) -> float:
    """Printed width in points of columns ``widths`` characters wide (Excel adds ~5 px each)."""
    return sum((w * _digit_px() + 5) * 0.75 for w in widths)


def fit_widths(
    widths: Sequence[float],
    *,
    landscape: bool = True,
    font_size: float = BODY_SIZE,
    floor: float = 7,
    keep: Sequence[float | None] = (),
) -> list[float]:
    """Column widths narrowed so that the sheet, fitted to the page width, prints its ``font_size``
    text at 9 pt or more: the part of each column wider than ``floor`` characters (or than its own
    ``keep[i]``: codes and numbers that must not wrap) shrinks in proportion (text wraps onto more
    lines, the table runs onto more pages tall). Widths that fit are kept."""
    budget = _printable_pt(landscape) * font_size / MIN_PRINTED_PT - 1
    widths = list(widths)
    if _columns_pt(widths) <= budget:
        return widths
    mins = [k if k is not None else floor for k in keep] + [floor] * (len(widths) - len(keep))
    base = [min(w, m) for w, m in zip(widths, mins, strict=True)]
    if _columns_pt(base) >= budget:
        k = budget / _columns_pt(widths)
        return [round(w * k, 2) for w in widths]
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        trial = [b + (w - b) * mid for w, b in zip(widths, base, strict=True)]
        lo, hi = (mid, hi) if _columns_pt(trial) <= budget else (lo, mid)
    return [round(b + (w - b) * lo, 2) for w, b in zip(widths, base, strict=True)]


def column_widths(ws: Worksheet, ncols: int, start_col: int = 1) -> list[float]:
    """Current widths of ``ncols`` columns (Excel's default 8.43 for columns never set)."""
    out = []
    for c in range(start_col, start_col + ncols):
        dim = ws.column_dimensions.get(get_column_letter(c))
        out.append(dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH)
    return out


@functools.cache
def _digit_px() -> int:
    """Maximum digit width in pixels (96 dpi) of the workbook's default font, Times New Roman 12: the
    unit of Excel column widths."""
    return round(text_width("0", BODY_SIZE) * 96 / 72)


def _width_points(chars: float) -> float:
    """Printed width in points of a column ``chars`` wide (the stored width already includes Excel's
    padding, so it is simply ``chars`` digit widths)."""
    return chars * _digit_px() * 0.75


def new_workbook(sheet_title: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose default ("Normal") font is Times New Roman 12, with its first sheet renamed.

    Column widths are measured in digits of the default font. With openpyxl's default Calibri, Excel
    and LibreOffice (which lacks Calibri and falls back to a wider font) disagree about every width;
    with Times New Roman both agree (LibreOffice uses the metric-compatible Liberation Serif), so row
    heights estimated here fit in both.
    """
    wb = Workbook()
    font = Font(name=FONT_NAME, size=BODY_SIZE, family=1)
    wb._fonts = IndexedList([font])  # font 0 is what every unstyled cell uses
    wb._named_styles["Normal"].font = font
    ws = wb.active
    assert ws is not None
    ws.title = nfc(sheet_title)[:31]
    ws.sheet_format.defaultRowHeight = round(BODY_SIZE * LINE_HEIGHT_FACTOR, 2)
    return wb, ws


@functools.lru_cache(maxsize=65_536)
def _word_width(word: str, font_size: float) -> float:
    """Width of one word (the same words come back row after row in a long table)."""
    return text_width(word, font_size)


def estimate_lines(text: str, width_chars: float, font_size: float = BODY_SIZE) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width_chars`` wide.

    Words are measured with Times New Roman metrics (via the metric-compatible Liberation Serif),
    with a small safety margin, and wrapped greedily; "\\n" starts a new line.
    """
    text = nfc(text)
    if not text:
        return 1
    avail = max(_width_points(width_chars) - 5, 10) * 0.97
    space = _word_width(" ", font_size)
    lines = 0
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = _word_width(word, font_size)
            if used and used + space + w > avail:
                lines += 1
                used = 0.0
            if w > avail:  # a word longer than the column is broken anywhere
                extra = math.ceil(w / avail) - 1
                lines += extra
                used = w - extra * avail
            else:
                used += (space if used else 0) + w
    return lines


def estimate_row_height(
    values: Sequence[object], col_widths: Sequence[float], font_size: float = BODY_SIZE
) -> float:
    """Row height in points that shows every value of a wrapped row: the most lines × ~15.75 pt (at
    12 pt), plus a little padding."""
    lines = 1
    for value, width in zip(values, col_widths, strict=False):
        if value is None:
            continue
        lines = max(lines, estimate_lines(str(value), width, font_size))
    return round(lines * font_size * LINE_HEIGHT_FACTOR + 3, 2)


_MEASURED: dict[tuple[str, float, float], float] = {}
"""(text, column width, font size) -> row height: the same texts come back sheet after sheet."""


def set_row_heights(ws: Worksheet, first_row: int, last_row: int, *, min_height: float | None = None) -> None:
    """Set the height of rows ``first_row``..``last_row`` from their contents (openpyxl and LibreOffice
    do not auto-fit wrapped rows). Each cell is measured at its own font size, over the full width of a
    cell merged across columns; cells merged across several rows and formulas are skipped."""
    merged: dict[tuple[int, int], int] = {}  # (row, col) -> last column, for one-row merges
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        if rng.min_row != rng.max_row:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    covered.add((r, c))
        else:
            merged[(rng.min_row, rng.min_col)] = rng.max_col
            for c in range(rng.min_col + 1, rng.max_col + 1):
                covered.add((rng.min_row, c))
    max_column = used_columns(ws)  # computed by scanning every cell: once, not per row
    widths = column_widths(ws, max_column)
    spans = [0.0, *(sum(widths[c - 1 : c]) for c in range(1, max_column + 1))]  # a lone cell's width
    covered_rows = {r for r, _c in covered} | {r for r, _c in merged}
    light = light_rows(ws)
    fonts = ws.parent._fonts
    sizes: dict[int, float] = {}  # font id -> size
    measured = _MEASURED
    if len(measured) > 100_000:
        measured.clear()
    for r in range(first_row, last_row + 1):
        height = 0.0
        special = r in covered_rows  # a row with merged cells: looked at cell by cell
        for c, value, kind, style in light[r] if r in light else _row_cells(ws, r, max_column, covered):
            if value is None or kind == "f" or (special and (r, c) in covered):
                continue
            font_id = style[0] if style is not None else 0  # StyleArray's fontId
            size = sizes.get(font_id)
            if size is None:
                size = sizes[font_id] = float(fonts[font_id].sz or BODY_SIZE)
            width = sum(widths[c - 1 : merged[(r, c)]]) if special and (r, c) in merged else spans[c]
            key = (value if type(value) is str else str(value), width, size)
            h = measured.get(key)
            if h is None:
                h = measured[key] = estimate_row_height([key[0]], [width], size)
            if h > height:
                height = h
        if height or min_height:
            if r in light and r not in ws.row_dimensions:  # openpyxl's row dimension: slow to make
                light_heights(ws)[r] = float(max(height, min_height or 0))
            else:
                ws.row_dimensions[r].height = max(height, min_height or 0)


def _row_cells(ws: Worksheet, row: int, max_column: int, covered: set[tuple[int, int]]) -> list[LightCell]:
    """The cells of ``row`` up to ``max_column`` but ``covered`` as light cells; the empty ones are
    created (as before: they exist afterwards)."""
    out = []
    cells = ws._cells
    for c in range(1, max_column + 1):
        if (row, c) in covered:
            continue
        cell = cells.get((row, c))
        if cell is None:
            ws.cell(row=row, column=c)
            continue
        out.append((c, cell._value, cell.data_type, cell._style))
    return out


def used_columns(ws: Worksheet) -> int:
    """``ws.max_column`` counting the light rows' cells too."""
    light = light_rows(ws)
    return max(ws.max_column, max((cells[-1][0] for cells in light.values() if cells), default=1))


def _split_column(ws: Worksheet, ncols: int) -> int:
    """Number of columns of the left half of the header block: about 40% of the sheet's width."""
    widths = column_widths(ws, ncols)
    total = sum(widths)
    acc = 0.0
    for i, w in enumerate(widths):
        if acc + w / 2 > total * 0.4:
            return max(1, min(i, ncols - 1))
        acc += w
    return ncols - 1


def _merge_write(
    ws: Worksheet, row: int, first_col: int, last_col: int, text: str, font: Font, horizontal: str = "center"
) -> None:
    if last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    cell = ws.cell(row=row, column=first_col)
    set_text(cell, text)
    cell.font = font
    cell.alignment = _align(horizontal, "center")


def _rule(text_pt: float) -> str:
    """A line of U+2500 about ``text_pt`` points long at :data:`RULE_SIZE`."""
    return RULE_CHAR * max(3, round(text_pt / text_width(RULE_CHAR, RULE_SIZE)))


def write_title_block(
    ws: Worksheet,
    header: HeaderInfo,
    title: str,
    subtitle: str | None,
    ncols: int,
    *,
    start_row: int = 1,
    split_col: int | None = None,
) -> int:
    """Write the NĐ 30 header block, the title and the optional subtitle at the top of ``ws``; return
    the first free row (one blank row left after the title).

    Left (columns 1..``split_col``, about 40% of the width): cơ quan chủ quản, cơ quan ban hành in bold,
    a short rule, "Số: …" (and "V/v …"). Right: quốc hiệu, tiêu ngữ, a rule as long as the tiêu ngữ, the
    italic date line. Then the title (bold 14) and subtitle (italic 13) merged across all columns.
    Set the column widths first: the split and the line breaks are measured from them.
    """
    if ncols < 2:
        raise ValueError("write_title_block needs at least 2 columns")
    k = split_col if split_col is not None else _split_column(ws, ncols)
    if not 1 <= k < ncols:
        raise ValueError(f"split_col must be between 1 and {ncols - 1}")
    widths = column_widths(ws, ncols)
    left_pt = _width_points(sum(widths[:k])) - 6
    right_pt = _width_points(sum(widths[k:])) - 6

    left: list[tuple[str, Font]] = []
    for line in balance_lines(header.parent_lines, left_pt, 13):
        left.append((line, _font(13)))
    body_lines = balance_lines(header.issuing_lines, left_pt, 13, bold=True)
    for line in body_lines:
        left.append((line, _font(13, bold=True)))
    body_w = max((text_width(t, 13, bold=True) for t in body_lines), default=0)
    left.append((_rule(min(body_w * 0.4, left_pt * 0.5)), _font(RULE_SIZE)))

    right: list[tuple[str, Font]] = [
        (NATIONAL_TITLE, _font(12, bold=True)),
        (MOTTO, _font(13, bold=True)),
        (_rule(min(text_width(MOTTO, 13, bold=True), right_pt)), _font(RULE_SIZE)),
    ]
    # Align the rules: pad the shorter column above its rule.
    while len(left) < len(right):
        left.insert(len(left) - 1, ("", _font(13)))
    while len(right) < len(left):
        right.insert(len(right) - 1, ("", _font(13)))

    row = start_row
    for (ltext, lfont), (rtext, rfont) in zip(left, right, strict=True):
        _merge_write(ws, row, 1, k, ltext, lfont)
        _merge_write(ws, row, k + 1, ncols, rtext, rfont)
        is_rule = RULE_CHAR in ltext or RULE_CHAR in rtext
        ws.row_dimensions[row].height = 9 if is_rule else 17.25
        if is_rule:
            for c in (1, k + 1):
                ws.cell(row=row, column=c).alignment = _align("center", "top")
        row += 1

    _merge_write(ws, row, 1, k, header.number_text, _font(13))
    _merge_write(ws, row, k + 1, ncols, header.date_text, _font(13, italic=True))
    ws.row_dimensions[row].height = 18
    row += 1
    if header.subject_text:
        _merge_write(ws, row, 1, k, header.subject_text, _font(12))
        lines = estimate_lines(header.subject_text, sum(widths[:k]), 12)
        ws.row_dimensions[row].height = lines * 12 * LINE_HEIGHT_FACTOR + 3
        row += 1

    row += 1  # blank line before the title
    for text, font in ((title, _font(14, bold=True)), (subtitle, _font(13, italic=True))):
        if not text:
            continue
        _merge_write(ws, row, 1, ncols, text, font)
        lines = estimate_lines(text, sum(widths), float(font.sz or 13))
        ws.row_dimensions[row].height = round(lines * float(font.sz or 13) * LINE_HEIGHT_FACTOR + 3, 2)
        row += 1
    return row + 1


def write_table_header(
    ws: Worksheet,
    row: int,
    header: HeaderGrid | Sequence[Column] | Sequence[Sequence[str]],
    widths: Sequence[float] | None = None,
    *,
    spans: Sequence[Span] = (),
    start_col: int = 1,
    font_size: float = BODY_SIZE,
    freeze: bool = True,
) -> int:
    """Write the table head at ``row`` (one or two rows; a group title spans its columns and ungrouped
    columns span both rows) and return the first body row.

    ``header`` is a list of :class:`Column`, a :class:`HeaderGrid`, or plain rows of titles with
    ``spans`` (first_col, first_row, last_col, last_row; 0-based, relative to the head). ``widths`` (in
    Excel characters) are set when given. Every cell of the head, merged ones included, gets a thin
    border; heights are estimated; with ``freeze`` the panes are frozen below the head.
    """
    if isinstance(header, HeaderGrid):
        grid = header
    elif header and isinstance(header[0], Column):
        grid = header_grid(header)  # type: ignore[arg-type]
    else:
        grid = HeaderGrid(rows=tuple(tuple(r) for r in header), spans=tuple(spans))  # type: ignore[arg-type]
    ncols = len(grid.rows[0])
    if widths is not None:
        if len(widths) != ncols:
            raise ValueError(f"{ncols} columns but {len(widths)} widths")
        set_column_widths(ws, widths, start_col)
    fmt = table_formats(font_size).header
    for r, titles in enumerate(grid.rows):
        for c, title in enumerate(titles):
            cell = ws.cell(row=row + r, column=start_col + c)
            fmt.apply(cell)
            if title:
                set_text(cell, title)
    for c0, r0, c1, r1 in grid.spans:
        ws.merge_cells(
            start_row=row + r0, start_column=start_col + c0, end_row=row + r1, end_column=start_col + c1
        )
    # Heights: measure each title over the width it spans; a title spanning two rows shares them.
    col_w = column_widths(ws, ncols, start_col)
    span_at = {(r0, c0): (c1, r1) for c0, r0, c1, r1 in grid.spans}
    heights = [font_size * LINE_HEIGHT_FACTOR + 3] * grid.height
    tall: list[tuple[int, int, float]] = []
    for r, titles in enumerate(grid.rows):
        for c, title in enumerate(titles):
            if not title:
                continue
            c1, r1 = span_at.get((r, c), (c, r))
            h = estimate_row_height([title], [sum(col_w[c : c1 + 1])], font_size)
            if r1 == r:
                heights[r] = max(heights[r], h)
            else:
                tall.append((r, r1, h))
    for r0, r1, h in tall:
        have = sum(heights[r0 : r1 + 1])
        if have < h:
            heights[r1] += h - have
    for r, h in enumerate(heights):
        ws.row_dimensions[row + r].height = h
    body = row + grid.height
    if freeze:
        ws.freeze_panes = ws.cell(row=body, column=start_col)
    return body


def write_signature_block(
    ws: Worksheet,
    row: int,
    *,
    title: str,
    ncols: int,
    authority: str = "",
    name: str = "",
    note: str = "",
    first_col: int | None = None,
    sign_rows: int = 4,
) -> int:
    """Signature under a table, on the right part of the sheet (from ``first_col``, by default the
    right half of the header block): bold capitals authority/title, italic note, ``sign_rows`` empty
    rows to sign, the name in bold. Returns the row after the block."""
    start = first_col if first_col is not None else _split_column(ws, ncols) + 1
    for text, font in (
        (upper_vn(authority), _font(13, bold=True)),
        (upper_vn(title), _font(13, bold=True)),
        (note, _font(13, italic=True)),
    ):
        if text:
            _merge_write(ws, row, start, ncols, text, font)
            row += 1
    row += sign_rows
    if name:
        _merge_write(ws, row, start, ncols, name, _font(13, bold=True))
        row += 1
    return row


MIN_PRINTED_PT = 9.0
"""No text of a printed sheet may come out smaller than this: fit to width only while it keeps it."""

PRINT_MARGINS_MM = {
    # NĐ 30: the binding allowance (30 mm) on the bound edge: the left of a portrait page, the top of a
    # landscape page (bound along its top edge into a portrait file); see ``services.pdf.document``
    True: {"left": 20, "right": 20, "top": 30, "bottom": 15},
    False: {"left": 30, "right": 20, "top": 20, "bottom": 20},
}


def _sheet_width_pt(ws: Worksheet) -> float:
    """Printed width of the used columns in points."""
    return _columns_pt(column_widths(ws, used_columns(ws)))


def smallest_font(ws: Worksheet) -> float:
    """The smallest font size of the text on the sheet (decorative rules under the header excluded)."""
    smallest = float(BODY_SIZE)
    seen: set[int] = set()  # font ids already looked at
    fonts = ws.parent._fonts
    cells = ((c._value, c._style) for c in list(ws._cells.values()))  # iter_rows would create empty ones
    light = ((value, style) for row in light_rows(ws).values() for _c, value, _kind, style in row)
    for value, style in itertools.chain(cells, light):
        font_id = style[0] if style is not None else 0  # StyleArray's fontId
        if font_id in seen:
            continue
        if value is None or (isinstance(value, str) and set(value) <= {RULE_CHAR}):
            continue
        seen.add(font_id)
        smallest = min(smallest, float(fonts[font_id].sz or BODY_SIZE))
    return smallest


def printed_scale(ws: Worksheet) -> float:
    """The scale the sheet prints at (1.0 = 100 %): Excel's fit to one page wide, or the fixed scale."""
    landscape = ws.page_setup.orientation == ws.ORIENTATION_LANDSCAPE
    if not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage):
        return (ws.page_setup.scale or 100) / 100
    return min(1.0, _printable_pt(landscape) / _sheet_width_pt(ws))


def setup_print(
    ws: Worksheet,
    *,
    landscape: bool = True,
    repeat_rows: str | None = None,
    fit_width: bool = True,
) -> None:
    """A4 print setup: orientation, NĐ 30 margins (the binding edge gets 30 mm), table head rows
    ``repeat_rows`` (e.g. "6:7") printed on every page, centred horizontally, the page number centred in
    the header from page 2 on (NĐ 30: none on page 1). With ``fit_width`` the columns are fitted to the
    page width (``fitToWidth=1``, as many pages tall as needed) as long as no text prints smaller than
    9 pt; a wider sheet prints at the scale that keeps 9 pt and runs onto more pages across."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    m = {k: v / 25.4 for k, v in PRINT_MARGINS_MM[landscape].items()}
    ws.page_margins = PageMargins(**m, header=0.4, footer=0.3)
    if fit_width:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        smallest = smallest_font(ws)
        if smallest * printed_scale(ws) < MIN_PRINTED_PT:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
            ws.page_setup.scale = math.ceil(MIN_PRINTED_PT / smallest * 100)
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    ws.print_options.horizontalCentered = True
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.size = 13
    ws.oddHeader.center.font = f"{FONT_NAME},Regular"
