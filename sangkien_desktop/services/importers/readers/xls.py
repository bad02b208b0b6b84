"""Excel 97-2003 (.xls, BIFF8) read natively with xlrd (``formatting_info=True``), which gives the fonts,
merged ranges and hidden rows and columns that the encoding and layout rules need."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ... import safe_files
from ...safe_files import FileRejected, Limits
from ..grid import Grid, Source, column_letter


def _value(book: Any, cell: Any) -> Any:
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return cell.value or None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
        return moment.date() if moment.time() == dt.time(0, 0) else moment
    number = float(cell.value)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _font(book: Any, xf_index: int) -> str:
    try:
        return str(book.font_list[book.xf_list[xf_index].font_index].name or "")
    except (IndexError, AttributeError):
        return ""


def _sheet(book: Any, sheet: Any, limits: Limits, name: str) -> Grid:
    title = str(sheet.name)
    if sheet.nrows > limits.max_rows:
        raise FileRejected(
            f"Bảng «{title}» trong tệp {name} có quá nhiều dòng (tối đa {safe_files.number(limits.max_rows)} dòng)."
        )
    width = min(sheet.ncols, limits.max_columns)
    grid = Grid(name=f"trang tính '{title}'", title=title, rows=[])
    chars = 0
    default_font = _font(book, 0)
    grid.default_font = default_font
    for r in range(sheet.nrows):
        row: list[Any] = []
        for c, cell in enumerate(sheet.row_slice(r, 0, width)):
            value = _value(book, cell)
            if isinstance(value, str):
                if len(value) > limits.max_cell_chars:
                    raise FileRejected(
                        f"Tệp {name}: ô {column_letter(c)}{r + 1} có {safe_files.number(len(value))} ký tự (tối đa {safe_files.number(limits.max_cell_chars)}), "
                        "không đọc."
                    )
                chars += len(value)
                font = _font(book, cell.xf_index)
                if font and font != default_font:
                    grid.fonts[(r, c)] = font
            row.append(value)
        row.extend([None] * (width - len(row)))
        grid.rows.append(row)
    if chars > limits.max_text_chars:
        raise FileRejected(f"Tệp {name} có quá nhiều chữ, không đọc.")
    for r0, r1, c0, c1 in sheet.merged_cells:  # xlrd: half-open ranges
        if r0 < r1 and c0 < c1 and c0 < width:
            grid.merges.append((r0, c0, r1 - 1, min(c1, width) - 1))
    grid.hidden_rows = {
        r for r, info in sheet.rowinfo_map.items() if getattr(info, "hidden", 0) and r < sheet.nrows
    }
    grid.hidden_cols = {
        c for c, info in sheet.colinfo_map.items() if getattr(info, "hidden", 0) and c < width
    }
    while grid.rows and not any(v not in (None, "") for v in grid.rows[-1]):
        grid.rows.pop()
    return grid


def read_xls(path: Path, limits: Limits | None = None, display_name: str | None = None) -> Source:
    """Every visible worksheet of an Excel 97-2003 workbook as a ``Grid``."""
    import xlrd

    path = Path(path)
    name = display_name or path.name
    limits = limits or safe_files.LIMITS
    safe_files.check_size(path, name)
    try:
        book = xlrd.open_workbook(
            file_contents=path.read_bytes(), formatting_info=True, on_demand=True, logfile=_Quiet()
        )
    except xlrd.biffh.XLRDError as exc:
        text = str(exc).lower()
        if "encrypt" in text or "password" in text:
            raise FileRejected(f"Tệp {name} đã được đặt mật khẩu; hãy bỏ mật khẩu rồi lưu lại.") from exc
        raise FileRejected(
            f"Tệp {name} không đọc được như một bảng tính Excel 97-2003 ({safe_files.reason(exc)})."
        ) from exc
    except safe_files.PARSE_ERRORS as exc:
        raise FileRejected(
            f"Tệp {name} không đọc được như một bảng tính Excel 97-2003 ({safe_files.reason(exc)})."
        ) from exc
    try:
        if book.nsheets > safe_files.MAX_SHEETS:
            raise FileRejected(f"Tệp {name} có quá nhiều trang tính (tối đa {safe_files.MAX_SHEETS}).")
        grids = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0):
                continue
            grids.append(_sheet(book, sheet, limits, name))
    except FileRejected:
        raise
    except (xlrd.biffh.XLRDError, *safe_files.PARSE_ERRORS) as exc:
        raise FileRejected(f"Tệp {name} bị hỏng, không đọc được ({safe_files.reason(exc)}).") from exc
    finally:
        book.release_resources()
    if not grids:
        raise FileRejected(f"Tệp {name} không có trang tính nào đang hiện.")
    return Source(name, "xls", grids)


class _Quiet:
    """xlrd writes warnings to a log file object; keep them out of the user's terminal."""

    def write(self, _text: str) -> int:
        return 0
