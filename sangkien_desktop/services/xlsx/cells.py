"""Safe cell writing and number reading for Excel files (openpyxl).

- Text is always stored as text, never as a formula: an author typed as ``=HYPERLINK("http://x","y")``
  stays those characters (no formula injection into the Sở's spreadsheet).
- Numbers typed in Excel come back as floats; :func:`read_decimal` turns them into exact ``Decimal``
  through their shortest repr (79.99 → Decimal("79.99"), never Decimal(79.99) = 79.9899999…).
"""

from __future__ import annotations

import math
import re
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from sangkien_desktop.domain.text import nfc
from sangkien_desktop.gc_pause import paused_gc

__all__ = [
    "FORMULA_TRIGGERS",
    "CellFormat",
    "CellValue",
    "Formula",
    "LightCell",
    "light_heights",
    "light_rows",
    "materialise_light_rows",
    "paused_gc",
    "read_decimal",
    "restyle",
    "set_text",
    "set_value",
    "use_light_rows",
    "write_row",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet treat typed text as a formula (or that CSV injection uses)."""

DATE_FORMAT = "DD/MM/YYYY"
MAX_TEXT = 32_767  # characters in one cell (openpyxl cuts longer text there too)


@dataclass(frozen=True)
class Formula:
    """A formula written on purpose (``text`` starts with "="); any other text is written as text."""

    text: str


CellValue = str | int | float | Decimal | date | Formula | None

LightCell = tuple[int, Any, str, Any]
"""A cell of a light row: column, stored value, openpyxl data type, StyleArray (None: unstyled)."""

_LIGHT: weakref.WeakKeyDictionary[Worksheet, dict[int, list[LightCell]]] = weakref.WeakKeyDictionary()
"""worksheet → row → its light cells by column"""
_LIGHT_HEIGHTS: weakref.WeakKeyDictionary[Worksheet, dict[int, float]] = weakref.WeakKeyDictionary()
"""worksheet → light row → its height (a row without a row dimension: none is made for it)"""


_NO_STYLE = object()
_FRESH = tuple(StyleArray())  # the style of a cell openpyxl has not styled yet (its ``_style`` is None)
_APPLIED: weakref.WeakKeyDictionary[Any, dict[tuple[int, tuple[int, ...]], tuple[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)
"""workbook → (format id, style before) → (format, style after)"""


@dataclass(frozen=True)
class CellFormat:
    """Font, alignment, border, fill, number format and protection applied together to a cell (None =
    leave as is)."""

    font: Font | None = None
    alignment: Alignment | None = None
    border: Border | None = None
    number_format: str | None = None
    fill: PatternFill | None = None
    protection: Protection | None = None

    def apply(
        self, cell: Cell, cache: dict[tuple[int, tuple[int, ...]], tuple[Any, Any]] | None = None
    ) -> None:
        """Give ``cell`` this format. The styles a format produces are remembered per workbook and
        copied to the next cells (openpyxl otherwise hashes every font, border and alignment again for
        each cell: most of the time of a long sheet). ``cache``: the workbook's, when the caller has it."""
        style = getattr(cell, "_style", _NO_STYLE)
        if style is _NO_STYLE:  # not a styleable cell: styled as it is
            self._apply(cell)
            return
        if cache is None:
            cache = _APPLIED.setdefault(cell.parent.parent, {})
        key = (
            id(self),
            _FRESH if style is None else tuple(cast(Iterable[Any], style)),
        )  # None: a new cell (openpyxl 3.1)
        hit = cache.get(key)
        if hit is not None and hit[0] is self:
            cell._style = StyleArray(hit[1])  # a copy (copy() takes longer to get there)
            return
        self._apply(cell)
        cache[key] = (self, copy(cell._style))  # keeping ``self`` keeps its id from being reused

    def _apply(self, cell: Cell) -> None:
        if self.font is not None:
            cell.font = self.font
        if self.alignment is not None:
            cell.alignment = self.alignment
        if self.border is not None:
            cell.border = self.border
        if self.fill is not None:
            cell.fill = self.fill
        if self.number_format is not None:
            cell.number_format = self.number_format
        if self.protection is not None:
            cell.protection = self.protection


def set_text(cell: Cell, value: str | None) -> None:
    """Store ``value`` as text: NFC, control characters Excel refuses removed, never a formula.

    openpyxl turns any string starting with "=" into a formula; we reset the type to string afterwards.
    Text starting with a formula trigger also gets Excel's "quote prefix" so editing it in Excel keeps
    it text. None or "" clears the cell.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", nfc(value)) if value is not None else ""
    if not text:
        if type(cell) is Cell:  # what openpyxl's setter does with None
            cell._value = None
            cell.data_type = "n"
        else:
            cell.value = None
        return
    if type(cell) is Cell:  # what openpyxl's setter ends with for such text, without its checks again
        cell._value = text[:MAX_TEXT]
    else:
        cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def set_value(cell: Cell, value: CellValue) -> None:
    """Write a value of any supported type: text through :func:`set_text`; numbers as numbers (Decimal
    kept exact); dates as dates shown dd/mm/yyyy."""
    if value is None or isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, bool):
        raise TypeError("Excel cells here never hold True/False; write a text such as 'Có'/'Không'")
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            raise ValueError(f"Không ghi được số không hữu hạn ({value}) vào Excel")
        if type(cell) is Cell:  # a number: what openpyxl's setter does, without its type lookup
            cell._value = value
            cell.data_type = "n"
        else:
            cell.value = value
    elif isinstance(value, Formula):
        cell.value = value.text
    elif isinstance(value, date):
        cell.value = value  # openpyxl sets its ISO format here; show day/month/year instead
        cell.number_format = DATE_FORMAT
    else:
        raise TypeError(f"unsupported cell value type {type(value).__name__}")


def use_light_rows(ws: Worksheet) -> None:
    """From now on :func:`write_row` keeps the rows of ``ws`` as light rows (values and a shared style
    per format, no openpyxl cell: a long table writes several times faster). The sheet must then be
    saved with :func:`..fast_save.workbook_bytes` and its table cells read through :func:`light_rows`,
    not ``ws.cell``; the layout functions of this package read both."""
    _LIGHT.setdefault(ws, {})
    _LIGHT_HEIGHTS.setdefault(ws, {})


def light_rows(ws: Worksheet) -> dict[int, list[LightCell]]:
    """The light rows of ``ws`` (row → cells by column); empty for a sheet without them."""
    return _LIGHT.get(ws, {})


def light_heights(ws: Worksheet) -> dict[int, float]:
    """The heights of the light rows of ``ws`` that have no row dimension (row → points)."""
    return _LIGHT_HEIGHTS.get(ws, {})


def materialise_light_rows(ws: Worksheet) -> None:
    """Turn the light rows of ``ws`` into openpyxl cells (for openpyxl's own save) and stop using them."""
    for row, cells in _LIGHT.pop(ws, {}).items():
        for column, value, kind, style in cells:
            cell = ws._cells[(row, column)] = Cell(ws, row=row, column=column, style_array=style)
            cell._value, cell.data_type = value, kind
    for row, height in _LIGHT_HEIGHTS.pop(ws, {}).items():
        ws.row_dimensions[row].height = height


def restyle(ws: Worksheet, row: int, column: int, fmt: CellFormat) -> None:
    """Apply ``fmt`` to a cell already written, in a light row or not (``fmt.apply(ws.cell(…))``)."""
    cells = _LIGHT.get(ws, {}).get(row)
    index = next((i for i, c in enumerate(cells) if c[0] == column), None) if cells else None
    if cells is None or index is None:
        fmt.apply(ws.cell(row=row, column=column))
        return
    _column, value, kind, style = cells[index]
    cell = Cell(ws, row=row, column=column, style_array=style)  # a copy: light styles are shared
    fmt.apply(cell)
    cells[index] = (column, value, kind, cell._style)


def write_row(
    ws: Worksheet,
    row: int,
    values: Sequence[CellValue],
    *,
    start_col: int = 1,
    formats: CellFormat | Sequence[CellFormat | None] | None = None,
) -> None:
    """Write ``values`` into ``row`` from ``start_col`` on, applying one format to all cells or one per
    cell (``formats[i]`` for ``values[i]``; None leaves a cell unformatted). A format's number format
    wins over the date format :func:`set_value` gives to dates."""
    each: Sequence[CellFormat | None] = formats if isinstance(formats, Sequence) else [formats] * len(values)
    if len(each) != len(values):
        raise ValueError(f"{len(values)} values but {len(each)} formats")
    if not 0 < row < 1048577 or start_col < 1:
        raise ValueError(f"no cell at row {row}, column {start_col}")
    cells = ws._cells  # what ws.cell() does, without its checks for every cell of a long table
    cache = _APPLIED.setdefault(ws.parent, {})
    light = _LIGHT.get(ws)
    columns = range(start_col, start_col + len(values))
    if light is not None and row not in light and not any((row, c) in cells for c in columns):
        light[row] = [_light_cell(ws, row, *item, cache) for item in zip(columns, values, each, strict=True)]
    else:
        for column, value, fmt in zip(columns, values, each, strict=True):
            cell = cells.get((row, column))
            if cell is None:  # a new cell: what it holds worked out as for a light row
                _column, stored, kind, style = _light_cell(ws, row, column, value, fmt, cache)
                cell = cells[(row, column)] = Cell(ws, row=row, column=column, style_array=style)
                cell._value, cell.data_type = stored, kind
                continue
            set_value(cell, value)
            if fmt is not None:
                fmt.apply(cell, cache)
    if values and row > ws._current_row:
        ws._current_row = row


def _light_cell(
    ws: Worksheet, row: int, column: int, value: CellValue, fmt: CellFormat | None, cache: dict[Any, Any]
) -> LightCell:
    """What a new cell would hold after ``set_value`` and ``fmt.apply``: a format's style is worked out
    once, on a cell that is thrown away (openpyxl registers its font, border… as it would), and shared."""
    plain = _plain(value)
    if plain is not None:
        if fmt is None:
            return column, *plain, None
        hit = cache.get((id(fmt), _FRESH))
        if hit is not None and hit[0] is fmt:
            return column, *plain, hit[1]
    cell = Cell(ws, row=row, column=column)
    set_value(cell, value)
    if fmt is not None:
        fmt.apply(cell, cache)
    return column, cell._value, cell.data_type, cell._style


def _plain(value: CellValue) -> tuple[CellValue, str] | None:
    """The stored value and data type :func:`set_value` gives a fresh cell for ``value``, or None when it
    does more (dates, text starting with a formula trigger) or refuses it (or openpyxl's setter would)."""
    kind = type(value)
    if kind is str:
        text = _ILLEGAL_SUB("", _NFC("NFC", value))  # type: ignore[arg-type]  # set_text's steps, without its calls
        if not text:
            return _EMPTY
        return (text[:MAX_TEXT], "s") if not text.startswith(FORMULA_TRIGGERS) else None
    if value is None:
        return _EMPTY
    if kind is Formula:  # what openpyxl's setter keeps of a formula it accepts
        text = value.text  # type: ignore[union-attr]
        fine = 1 < len(text) <= MAX_TEXT and text.startswith("=") and not ILLEGAL_CHARACTERS_RE.search(text)
        return (text, "f") if fine else None
    if kind is int or ((kind is float or kind is Decimal) and math.isfinite(value)):  # type: ignore[arg-type]
        return value, "n"
    return None


_EMPTY = (None, "n")
_ILLEGAL_SUB = ILLEGAL_CHARACTERS_RE.sub
_NFC = unicodedata.normalize


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _normalise_number_text(text: str) -> str:
    """Turn "1.234,5", "79,99", "2.000.000", "1,234,567" into Python decimal syntax.

    Rules: with both "." and ",", the one that comes last is the decimal mark and the other groups
    thousands. With only one kind: a single "," is a decimal mark ("79,99"); a single "." is a decimal
    mark ("79.99"); repeated marks group thousands ("2.000.000", "1,234,567").
    """
    t = _SPACES.sub("", text)
    dots, commas = t.count("."), t.count(",")
    if dots and commas:
        if t.rfind(",") > t.rfind("."):
            return t.replace(".", "").replace(",", ".")
        return t.replace(",", "")
    if commas:
        return t.replace(",", ".") if commas == 1 else t.replace(",", "")
    if dots > 1:
        return t.replace(".", "")
    return t


def read_decimal(value: Any) -> Decimal | None:
    """A number from an Excel cell as an exact Decimal, or None for a blank cell.

    Floats go through ``str`` (79.99 → Decimal("79.99")); ints and Decimals are taken as they are;
    text such as "79,99", "79.99", "1.234,5" or "2.000.000" is parsed (see the rules above).
    Anything else raises ValueError with a Vietnamese message.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"Ô có giá trị {'TRUE' if value else 'FALSE'}, không phải là số.")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Giá trị «{value}» không phải là số hợp lệ.")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Giá trị «{value}» không phải là số hợp lệ.")
        return Decimal(str(value))
    if isinstance(value, datetime | date):
        raise ValueError(f"Ô chứa ngày tháng ({value:%d/%m/%Y}), không phải là số.")
    if isinstance(value, str):
        raw = nfc(value).strip()
        if not raw:
            return None
        text = _normalise_number_text(raw)
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"Giá trị «{raw}» không phải là số (ví dụ đúng: 79,99 hoặc 79.99).")
        try:
            return Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already checked it
            raise ValueError(f"Giá trị «{raw}» không phải là số.") from exc
    raise ValueError(f"Giá trị «{value}» (kiểu {type(value).__name__}) không phải là số.")
