"""What a printed form or an Excel export says in its header and table head, independent of the output format.

Both ``services.pdf`` (reportlab) and ``services.xlsx`` (openpyxl) draw from these plain values, so a PDF and
an Excel file of the same form carry the same header text and the same column titles.

- :class:`HeaderInfo`: the NĐ 30 header block (issuing body, "Số: …", place and date).
- :class:`Signer`: who signs a document (drawn by ``services.pdf.nd30`` and the Word writer).
- :class:`Column` and :func:`header_grid`: table columns, optionally grouped under a common title
  (the registration form has "Sáng kiến kinh nghiệm" over four columns), turned into one or two header
  rows plus the cell spans both writers need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sangkien_desktop.domain.text import nfc, upper_vn
from sangkien_desktop.domain.vndate import BLANK, date_line

__all__ = [
    "MOTTO",
    "NATIONAL_TITLE",
    "Column",
    "HeaderGrid",
    "HeaderInfo",
    "Span",
    "header_grid",
    "number_line",
]


def number_line(number: str | int | None, suffix: str) -> str:
    """The "Số:" line: "Số: 12/QĐ-HĐSK", "Số: 05/QĐ-HĐSK" (numbers below 10 get a leading 0),
    "Số:      /QĐ-HĐSK" when the number is left blank to be written by hand ("Số:      /" without a
    suffix, as on unit forms). A number already spelled with its ký hiệu ("01/QĐ-UBND", as stored on a
    round) is printed as it is."""
    text = "" if number is None else nfc(str(number)).strip()
    if "/" in text:
        return f"Số: {text}"
    if text.isdigit() and int(text) < 10:
        text = f"{int(text):02d}"
    suffix = nfc(suffix).strip()
    if not text:
        return f"Số:{BLANK}/{suffix}"
    return f"Số: {text}/{suffix}" if suffix else f"Số: {text}"


@dataclass(frozen=True)
class HeaderInfo:
    """The NĐ 30 header block of a document.

    ``parent_body`` is the cơ quan chủ quản line (upright, not bold; may be ""), ``issuing_body`` the
    cơ quan ban hành (bold). Both are printed in capitals; a "\\n" in them forces a line break.
    ``number`` None (or "") leaves "Số:      /<suffix>" blank; ``date`` None leaves day and month blank
    with ``year`` printed. ``subject`` is the "V/v …" trích yếu of a công văn, shown under the number.
    ``show_number`` False leaves the "Số:" line out (books and reports that carry no document number).
    """

    parent_body: str
    issuing_body: str
    number: str | None
    suffix: str
    place: str
    date: date | None
    year: int
    subject: str | None = None
    show_number: bool = True

    @classmethod
    def from_settings(
        cls,
        settings: Mapping[str, str],
        *,
        suffix: str,
        number: str | None = None,
        date: dt.date | None = None,
        year: int | None = None,
        subject: str | None = None,
        show_number: bool = True,
    ) -> HeaderInfo:
        """Build from council settings (keys ``issuing_parent``, ``issuing_body``, ``place_name``).

        ``year`` defaults to the year of ``date``; one of them is required.
        """
        if year is None:
            if date is None:
                raise ValueError("HeaderInfo.from_settings needs a date or a year")
            year = date.year
        return cls(
            parent_body=settings.get("issuing_parent", ""),
            issuing_body=settings.get("issuing_body", ""),
            number=number,
            suffix=suffix,
            place=settings.get("place_name", ""),
            date=date,
            year=year,
            subject=subject,
            show_number=show_number,
        )

    @property
    def parent_lines(self) -> list[str]:
        """Cơ quan chủ quản in capitals, one item per forced line ([] when empty)."""
        return _caps_lines(self.parent_body)

    @property
    def issuing_lines(self) -> list[str]:
        """Cơ quan ban hành in capitals, one item per forced line."""
        return _caps_lines(self.issuing_body)

    @property
    def number_text(self) -> str:
        return number_line(self.number, self.suffix) if self.show_number else ""

    @property
    def date_text(self) -> str:
        return date_line(nfc(self.place), self.date, self.year)

    @property
    def subject_text(self) -> str:
        return nfc(self.subject).strip() if self.subject else ""


NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _caps_lines(text: str) -> list[str]:
    return [line.strip() for line in upper_vn(text).replace("\r\n", "\n").split("\n") if line.strip()]


@dataclass(frozen=True)
class Signer:
    """Who signs: ``authority`` ("TM. HỘI ĐỒNG", may be ""), ``title`` ("CHỦ TỊCH"), ``name`` (may be ""
    to be written by hand) and an optional italic ``note`` ("(Ký, ghi rõ họ tên)")."""

    title: str
    name: str = ""
    authority: str = ""
    note: str = ""


@dataclass(frozen=True)
class Column:
    """One table column: its title, relative ``width`` and optional ``group`` title.

    Adjacent columns with the same ``group`` share a group header cell above their own titles.
    ``numeric`` columns are right-aligned; ``center`` columns (TT, dates, grades) are centred.
    """

    title: str
    width: float = 1.0
    group: str | None = None
    numeric: bool = False
    center: bool = False


Span = tuple[int, int, int, int]
"""(first_col, first_row, last_col, last_row), 0-based and inclusive, relative to the header's top-left."""


@dataclass(frozen=True)
class HeaderGrid:
    """Header rows ready to write: ``rows[r][c]`` is a title ("" under a span) and ``spans`` lists merges."""

    rows: tuple[tuple[str, ...], ...]
    spans: tuple[Span, ...]

    @property
    def height(self) -> int:
        return len(self.rows)


def header_grid(columns: Sequence[Column]) -> HeaderGrid:
    """One header row when no column has a group; otherwise two rows: group titles spanning their
    columns on top, and ungrouped columns spanning both rows."""
    if not columns:
        raise ValueError("header_grid needs at least one column")
    titles = tuple(nfc(c.title) for c in columns)
    if all(c.group is None for c in columns):
        return HeaderGrid(rows=(titles,), spans=())
    top: list[str] = []
    bottom: list[str] = []
    spans: list[Span] = []
    i = 0
    while i < len(columns):
        group = columns[i].group
        if group is None:
            top.append(titles[i])
            bottom.append("")
            spans.append((i, 0, i, 1))
            i += 1
            continue
        j = i
        while j + 1 < len(columns) and columns[j + 1].group == group:
            j += 1
        top.extend([nfc(group)] + [""] * (j - i))
        bottom.extend(titles[i : j + 1])
        if j > i:
            spans.append((i, 0, j, 0))
        i = j + 1
    return HeaderGrid(rows=(tuple(top), tuple(bottom)), spans=tuple(spans))
