"""What every reader yields: a ``Source`` (the file) holding ``Grid``s (one per worksheet or Word table), each a
rectangle of cell values with the facts the later stages need — merged ranges, hidden rows and columns, the
font of each text cell, and for Word the paragraphs above and below the table.

Cell values are ``str``, ``int``/``float``, ``datetime.date``/``datetime.datetime``, ``bool`` or ``None``. A
merged range keeps its value in its first (top-left) cell; the others are ``None`` (spreadsheets) or ""
(Word), as the files hold them. Nothing here knows about registrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Grid:
    name: str  # "trang tính 'Sheet1'" or "bảng 2": how messages name it
    title: str  # the sheet's own name ("" for a Word table)
    rows: list[list[Any]]
    spreadsheet: bool = True  # cells named "D12" (spreadsheets) or by row and column numbers (Word)
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)  # text cells whose font is known
    default_font: str = ""
    lines_before: list[str] = field(default_factory=list)  # Word: paragraphs above the table
    lines_after: list[str] = field(default_factory=list)  # Word: paragraphs below (signatures, date)
    converted: dict[tuple[int, int], str] = field(default_factory=dict)  # cells read as TCVN3/VNI
    undecided: set[tuple[int, int]] = field(default_factory=set)  # cells whose encoding is unknown
    row_names: list[str] | None = None  # set when the grid joins tables: the name of each row's table
    line_numbers: list[int] | None = None  # and each row's number in its own table

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def font(self, r: int, c: int) -> str:
        return self.fonts.get((r, c), self.default_font)

    def line(self, r: int) -> int:
        """The 1-based number of row ``r`` as the person sees it in the file (in its own Word table)."""
        return self.line_numbers[r] if self.line_numbers is not None else r + 1

    def part(self, r: int) -> str:
        """The table a row came from when the grid joins several ("bảng 3"), else ""."""
        if self.row_names is None:
            return ""
        name = self.row_names[r]
        return "" if name == self.name else name

    def cell_name(self, r: int, c: int) -> str:
        """ "Ô D12" (spreadsheets) or "bảng 2, dòng 5, cột 4" (Word)."""
        if self.spreadsheet:
            return f"Ô {column_letter(c)}{r + 1}" + (f" ({self.name})" if self.name else "")
        table = self.part(r) or self.name
        return f"{table}, dòng {self.line(r)}, cột {c + 1}"

    def column_name(self, c: int) -> str:
        return column_letter(c) if self.spreadsheet else str(c + 1)

    def covered(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Every cell inside a merged range but its first → the first cell of the range."""
        found: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in self.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        found[(r, c)] = (r0, c0)
        return found

    def text_cells(self) -> Iterator[tuple[int, int, str]]:
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    yield r, c, value


@dataclass
class Source:
    """A file as read: its grids, and what the reader did that the preview should say."""

    file_name: str
    kind: str  # "xlsx", "xls", "ods", "docx", "odt", "csv", "html"
    grids: list[Grid]
    notes: list[str] = field(default_factory=list)  # "đã chuyển từ .doc bằng LibreOffice", tracked changes …
    lines: list[str] = field(default_factory=list)  # Word/ODT: every paragraph of the body, in order
