"""Table finding, the stage between normalisation and row building: which grids of a file hold a table of
the kind wanted (a header matching a ``HeaderSpec``), which of them continue the one before ("(tiếp theo)",
the header repeated, or a Word table split at a page break), the year each one is for, and the lines above
and below it (letterhead, title, signature and date lines). Pure on ``Source``/``Grid``; nothing here knows
the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ...domain import column_matching as cm
from ...domain.errors import Issue
from ...domain.text import fold, fold_key
from .grid import Grid, Source

FILE_WHERE = "Đầu tệp"


def errors_phrase(errors: int, rows_with_errors: int) -> str:
    """How a preview's summary counts its errors: "3 lỗi ở 2 dòng", or, when none is in a row (a year or a
    unit that does not fit the file), "1 lỗi của cả tệp"."""
    if rows_with_errors == 0:
        return f"{errors} lỗi của cả tệp (không ở dòng nào)"
    return f"{errors} lỗi ở {rows_with_errors} dòng"


_CONTINUED = "tiep theo"
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@dataclass
class FoundTable:
    grid: Grid  # the rows (a grid joining the parts of a continued table)
    header: cm.HeaderMatch
    parts: list[int]  # indexes in ``Source.grids``
    lines_above: list[str]
    lines_after: list[str] = field(default_factory=list)  # Word paragraphs after the (last) part
    year: int | None = None  # the year its title (or its sheet's name) gives

    @property
    def name(self) -> str:
        return self.grid.name


def _texts(row: list[object]) -> list[str]:
    return list(dict.fromkeys(t for t in (cm.cell_text(v) for v in row) if t))


def lines_above(source: Source, index: int, header_row: int) -> list[str]:
    """The text above a table: for a Word table the text of earlier tables (a letterhead laid out as a
    table) and the paragraphs before it; for a sheet the rows above its header."""
    grid = source.grids[index]
    lines: list[str] = []
    if not grid.spreadsheet:
        for earlier in source.grids[:index]:
            lines += earlier.lines_before
            for row in earlier.rows:
                lines += _texts(row)
    lines += grid.lines_before
    for row in grid.rows[:header_row]:
        lines += _texts(row)
    return lines


def _year(grid: Grid, lines: list[str]) -> int | None:
    found = cm.year_in_title(lines)
    if found is None and grid.title:
        m = _YEAR_IN_NAME.search(grid.title)
        found = int(m.group(1)) if m else None
    return found


def _says_continued(grid: Grid) -> bool:
    texts = grid.lines_before[-3:] + [t for row in grid.rows[:2] for t in _texts(row)]
    return any(_CONTINUED in fold(t) for t in texts) or bool(grid.title and _CONTINUED in fold(grid.title))


def _join(first: FoundTable, grid: Grid, index: int, start: int) -> None:
    """Append ``grid``'s rows from ``start`` to ``first`` (a table continued)."""
    joined = first.grid
    if joined.row_names is None:
        joined.row_names = [joined.name] * len(joined.rows)
        joined.line_numbers = list(range(1, len(joined.rows) + 1))
    offset = len(joined.rows) - start
    width = max(joined.width, grid.width)
    for r in range(start, len(grid.rows)):
        row = list(grid.rows[r]) + [None if grid.spreadsheet else ""] * (width - len(grid.rows[r]))
        joined.rows.append(row)
        joined.row_names.append(grid.name)
        assert joined.line_numbers is not None
        joined.line_numbers.append(r + 1)
    for r0, c0, r1, c1 in grid.merges:
        if r0 >= start:
            joined.merges.append((r0 + offset, c0, r1 + offset, c1))
    for (r, c), font in grid.fonts.items():
        if r >= start:
            joined.fonts[(r + offset, c)] = font
    for (r, c), encoding in grid.converted.items():
        if r >= start:
            joined.converted[(r + offset, c)] = encoding
    joined.undecided |= {(r + offset, c) for r, c in grid.undecided if r >= start}
    joined.hidden_rows |= {r + offset for r in grid.hidden_rows if r >= start}
    first.parts.append(index)
    first.lines_after = list(grid.lines_after)


def _copy(grid: Grid) -> Grid:
    return Grid(
        name=grid.name,
        title=grid.title,
        rows=[list(r) for r in grid.rows],
        spreadsheet=grid.spreadsheet,
        merges=list(grid.merges),
        hidden_rows=set(grid.hidden_rows),
        hidden_cols=set(grid.hidden_cols),
        fonts=dict(grid.fonts),
        default_font=grid.default_font,
        lines_before=list(grid.lines_before),
        lines_after=list(grid.lines_after),
        converted=dict(grid.converted),
        undecided=set(grid.undecided),
    )


def find_tables(
    source: Source,
    spec: cm.HeaderSpec = cm.REGISTRATION,
    remembered: Mapping[str, str] | None = None,
) -> list[FoundTable]:
    """Every table of the kind ``spec`` describes, continued tables joined into one."""
    found: list[FoundTable] = []
    previous: FoundTable | None = None
    for index, grid in enumerate(source.grids):
        header = cm.find_header(grid.rows, remembered, spec=spec, hidden=grid.hidden_cols)
        if previous is not None and previous.parts[-1] == index - 1:
            same = header is not None and header.columns == previous.header.columns
            if same and (not grid.spreadsheet or _says_continued(grid)):
                assert header is not None
                _join(previous, grid, index, header.data_start)
                continue
            if header is None and not grid.spreadsheet and _continues_without_header(previous, grid):
                _join(previous, grid, index, 0)
                continue
        if header is None:
            previous = None
            continue
        above = lines_above(source, index, header.header_row)
        table = FoundTable(_copy(grid), header, [index], above, list(grid.lines_after), _year(grid, above))
        found.append(table)
        previous = table
    return found


def _continues_without_header(previous: FoundTable, grid: Grid) -> bool:
    """A Word table split at a page break (no header repeated): as wide as the one before, with numbered
    rows, and nothing but "(tiếp theo)" between them."""
    if grid.width != previous.grid.width or not grid.rows:
        return False
    between = [fold_key(t) for t in grid.lines_before if t.strip()]
    if any(_CONTINUED not in t for t in between):
        return False
    seq = previous.header.columns.get("seq")
    return seq is not None and any(
        cm.cell_text(r[seq] if seq < len(r) else "").isdigit() for r in grid.rows[:3]
    )


def choose(
    tables: list[FoundTable],
    year: int | None,
    wanted: int | str | None,
    file_name: str,
    what: str,
    missing: str = "",
) -> FoundTable:
    """The table to import: the one asked for (``wanted``: its position among ``tables`` from 0, or a sheet's
    name or number as text), the only one, or the only one whose title year (or sheet name) is ``year``.
    Raises ValidationError naming the tables when the choice is the person's to make."""
    from ...domain.errors import ValidationError

    if not tables:
        raise ValidationError(Issue(missing or f"Không tìm thấy {what} trong tệp {file_name}.", FILE_WHERE))
    asked = wanted if isinstance(wanted, str) else (wanted + 1 if wanted is not None else None)
    if wanted is not None:
        if isinstance(wanted, str):  # a sheet's name first ("2025" is a name), then its number from 1
            for table in tables:
                if fold_key(wanted) in (fold_key(table.grid.title), fold_key(table.name)):
                    return table
            if wanted.strip().isdigit():
                wanted = int(wanted.strip()) - 1
        if isinstance(wanted, int) and 0 <= wanted < len(tables):
            return tables[wanted]
        names = "; ".join(t.name for t in tables)
        raise ValidationError(
            Issue(f"Tệp {file_name} không có bảng '{asked}' chứa {what}. Các bảng có: {names}.", FILE_WHERE)
        )
    if len(tables) == 1:
        return tables[0]
    same_year = [t for t in tables if year is not None and t.year == year]
    if len(same_year) == 1:
        return same_year[0]
    names = "; ".join(t.name + (f" (năm {t.year})" if t.year else "") for t in tables)
    raise ValidationError(
        Issue(
            f"Tệp {file_name} có {len(tables)} bảng chứa {what}: {names}. Hãy chọn một bảng "
            "(ô 'Bảng' trong cửa sổ nhập, hoặc --sheet TÊN ở dòng lệnh).",
            FILE_WHERE,
        )
    )
