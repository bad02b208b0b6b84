"""OpenDocument (.ods spreadsheets, .odt text) read natively: content.xml streamed with defusedxml.

Repeated rows and columns (``number-rows-repeated``, ``number-columns-repeated``, often a million empty ones at
the end of a sheet) advance the position without being built; a repeated row that holds values is copied at
most up to the row cap. Spans give ``Grid.merges`` (a covered cell is empty, or repeats the text in a text
document's table like Word); ``visibility="collapse"`` gives hidden rows and columns; fonts come from the
automatic styles and font declarations. In a text document the tracked-changes region is skipped, so the
text read is the accepted one.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

from ... import safe_files
from ...safe_files import FileRejected, Limits
from ..grid import Grid, Source
from .docx import source_from_blocks

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(0, int(value or default))
    except ValueError:
        return default


@dataclass
class _Table:
    name: str
    rows: list[list[Any]] = field(default_factory=list)
    row_index: int = 0
    col: int = 0
    row: dict[int, Any] = field(default_factory=dict)
    row_repeat: int = 1
    row_hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    column_count: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)
    covered: set[tuple[int, int]] = field(default_factory=set)
    cell: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, name: str, limits: Limits, spreadsheet: bool) -> None:
        self.name = name
        self.limits = limits
        self.spreadsheet = spreadsheet
        self.font_faces: dict[str, str] = {}
        self.style_fonts: dict[str, str] = {}
        self.blocks: list[str | Grid] = []
        self.grids: list[Grid] = []
        self.budget = safe_files.TextBudget(limits, name)
        self.changes = 0

    def read(self, stream: Any) -> None:
        tables: list[_Table] = []
        skip = 0  # inside text:tracked-changes (deleted text kept for the record)
        style_name = ""
        count = 0
        for event, elem in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
            count += 1
            if count > self.limits.max_elements:
                raise FileRejected(f"Tệp {self.name}: nội dung có quá nhiều thành phần, không mở.")
            tag = elem.tag
            if event == "start":
                if tag == f"{TEXT}tracked-changes":
                    skip += 1
                elif tag == f"{TEXT}changed-region":
                    self.changes += 1
                elif skip:
                    continue
                elif tag == f"{TABLE}table":
                    tables.append(_Table(elem.get(f"{TABLE}name", "")))
                elif tag == f"{TABLE}table-row" and tables:
                    self._row_start(tables[-1], elem)
                elif tag in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell") and tables:
                    self._cell_start(tables[-1], elem)
                elif tag == f"{STYLE}style":
                    style_name = elem.get(f"{STYLE}name", "")
                continue
            if tag == f"{TEXT}tracked-changes":
                skip -= 1
                elem.clear()
            elif skip:
                continue
            elif tag == f"{STYLE}font-face":
                family = (elem.get(f"{SVG}font-family") or elem.get(f"{STYLE}name") or "").strip("'\"")
                self.font_faces[elem.get(f"{STYLE}name", "")] = family[:100]
            elif tag == f"{STYLE}text-properties" and style_name:
                font = elem.get(f"{STYLE}font-name") or elem.get(f"{FO}font-family") or ""
                if font:
                    self.style_fonts[style_name] = self.font_faces.get(font, font.strip("'\""))[:100]
            elif tag == f"{STYLE}style":
                style_name = ""
            elif tag in (f"{TEXT}p", f"{TEXT}h"):
                text, font = self._paragraph(elem)
                self.budget.take(text, "một ô/đoạn văn")
                if tables:
                    tables[-1].cell.setdefault("lines", []).append(text)
                    if font and text.strip():
                        tables[-1].cell.setdefault("font", font)
                else:
                    self.blocks.append(text)
                    if len(self.blocks) > self.limits.max_paragraphs:
                        raise FileRejected(f"Tệp {self.name} có quá nhiều đoạn văn, không đọc.")
                elem.clear()
            elif tables:
                self._table_end(tables, tag, elem)

    def _paragraph(self, elem: Any) -> tuple[str, str]:
        """A paragraph's text (spaces, tabs and line breaks as written) and the font of its first text."""
        out: list[str] = []
        font = self.style_fonts.get(elem.get(f"{TEXT}style-name", ""), "")
        first: list[str] = []

        def walk(node: Any) -> None:
            if node.text:
                out.append(node.text)
            for child in node:
                tag = child.tag
                if tag == f"{TEXT}s":
                    out.append(" " * min(_int(child.get(f"{TEXT}c")), 100))
                elif tag == f"{TEXT}tab":
                    out.append(" ")
                elif tag == f"{TEXT}line-break":
                    out.append("\n")
                elif tag not in (f"{TEXT}note", f"{OFFICE}annotation"):
                    if tag == f"{TEXT}span" and not first and "".join(child.itertext()).strip():
                        first.append(self.style_fonts.get(child.get(f"{TEXT}style-name", ""), ""))
                    walk(child)
                if child.tail:
                    out.append(child.tail)

        walk(elem)
        return "".join(out), (first[0] if first and first[0] else font)

    # rows and cells ---------------------------------------------------------------------------------------
    def _row_start(self, t: _Table, elem: Any) -> None:
        t.row, t.col = {}, 0
        t.row_repeat = _int(elem.get(f"{TABLE}number-rows-repeated"))
        t.row_hidden = elem.get(f"{TABLE}visibility", "visible") != "visible"

    def _cell_start(self, t: _Table, elem: Any) -> None:
        t.cell = {
            "covered": elem.tag == f"{TABLE}covered-table-cell",
            "repeat": _int(elem.get(f"{TABLE}number-columns-repeated")),
            "cols": _int(elem.get(f"{TABLE}number-columns-spanned")),
            "rows": _int(elem.get(f"{TABLE}number-rows-spanned")),
            "type": elem.get(f"{OFFICE}value-type", ""),
            "value": elem.get(f"{OFFICE}value"),
            "date": elem.get(f"{OFFICE}date-value"),
            "bool": elem.get(f"{OFFICE}boolean-value"),
            "style": elem.get(f"{TABLE}style-name", ""),
        }

    def _table_end(self, tables: list[_Table], tag: str, elem: Any) -> None:
        t = tables[-1]
        if tag in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
            self._cell_end(t)
            elem.clear()
        elif tag == f"{TABLE}table-column":
            repeat = _int(elem.get(f"{TABLE}number-columns-repeated"))
            if elem.get(f"{TABLE}visibility", "visible") != "visible":
                t.hidden_cols.update(
                    range(t.column_count, min(t.column_count + repeat, self.limits.max_columns))
                )
            t.column_count = min(t.column_count + repeat, self.limits.max_columns + 1)
        elif tag == f"{TABLE}table-row":
            self._row_end(t)
            elem.clear()
        elif tag == f"{TABLE}table":
            tables.pop()
            if tables:
                inner = "\n".join(" | ".join(str(v) for v in row if v not in (None, "")) for row in t.rows)
                tables[-1].cell.setdefault("lines", []).append(inner)
            else:
                self._close(t)
            elem.clear()

    def _cell_value(self, cell: dict[str, Any]) -> Any:
        kind = cell["type"]
        text = "\n".join(cell.get("lines", [])).strip()
        try:
            if kind in ("float", "percentage", "currency") and cell["value"] is not None:
                number = float(cell["value"])
                return int(number) if number.is_integer() and abs(number) < 1e15 else number
            if kind == "date" and cell["date"]:
                moment = dt.datetime.fromisoformat(cell["date"][:19])
                return moment.date() if moment.time() == dt.time(0, 0) else moment
            if kind == "boolean" and cell["bool"] is not None:
                return cell["bool"] == "true"
        except (ValueError, OverflowError):
            pass
        return text or None

    def _cell_end(self, t: _Table) -> None:
        cell = t.cell
        repeat = min(cell["repeat"], self.limits.max_columns)
        value = None if cell["covered"] else self._cell_value(cell)
        r = t.row_index
        for _ in range(repeat):
            c = t.col
            if c >= self.limits.max_columns:
                break
            if value is not None:
                t.row[c] = value
                font = cell.get("font") or self.style_fonts.get(cell["style"], "")
                if font and isinstance(value, str):
                    t.fonts[(r, c)] = font
            if not cell["covered"] and (cell["cols"] > 1 or cell["rows"] > 1):
                t.merges.append(
                    (r, c, r + cell["rows"] - 1, min(c + cell["cols"], self.limits.max_columns) - 1)
                )
            t.col += 1
        t.cell = {}

    def _row_end(self, t: _Table) -> None:
        if not t.row:
            t.row_index += t.row_repeat
            if t.row_index > 1_100_000:
                raise FileRejected(f"Bảng «{t.name}» trong tệp {self.name} bị hỏng (số dòng bất thường).")
            return
        copies = t.row_repeat
        for _ in range(copies):
            if t.row_index >= self.limits.max_rows:
                raise FileRejected(
                    f"Bảng «{t.name}» trong tệp {self.name} có quá nhiều dòng (tối đa {safe_files.number(self.limits.max_rows)})."
                )
            while len(t.rows) < t.row_index:  # empty rows above keep the row numbers true
                t.rows.append([])
            width = max(t.row) + 1
            values: list[Any] = [None] * width
            for c, v in t.row.items():
                values[c] = v
            if t.row_hidden:
                t.hidden_rows.add(len(t.rows))
            t.rows.append(values)
            t.row_index += 1

    def _close(self, t: _Table) -> None:
        width = max((len(r) for r in t.rows), default=0)
        for row in t.rows:
            row.extend([None if self.spreadsheet else ""] * (width - len(row)))
        if not self.spreadsheet:
            for row in t.rows:
                for c, v in enumerate(row):
                    if v is None:
                        row[c] = ""
            for r0, c0, _r1, c1 in t.merges:  # Word-like: a horizontal span repeats its text
                if r0 < len(t.rows):
                    for c in range(c0 + 1, min(c1 + 1, width)):
                        t.rows[r0][c] = t.rows[r0][c0]
        number = len(self.grids) + 1
        name = f"trang tính '{t.name}'" if self.spreadsheet else f"bảng {number}"
        grid = Grid(
            name=name, title=t.name if self.spreadsheet else "", rows=t.rows, spreadsheet=self.spreadsheet
        )
        grid.merges = [m for m in t.merges if m[0] < len(t.rows)]
        grid.hidden_rows = t.hidden_rows
        grid.hidden_cols = {c for c in t.hidden_cols if c < width}
        grid.fonts = t.fonts
        self.grids.append(grid)
        self.blocks.append(grid)


def read_odf(path: Path, limits: Limits | None = None, display_name: str | None = None) -> Source:
    """An .ods (each sheet a ``Grid``) or an .odt (each table a ``Grid``, with the paragraphs around it)."""
    path = safe_files.check_file(Path(path), (".ods", ".odt", Path(path).suffix.lower()))
    name = display_name or path.name
    limits = limits or safe_files.LIMITS
    spreadsheet = path.suffix.lower() == ".ods"
    reader = _Reader(name, limits, spreadsheet)
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                mime = archive.read("mimetype")[:100].decode("ascii", "replace")
            except KeyError:
                mime = ""
            if mime and ("spreadsheet" in mime) != spreadsheet:
                spreadsheet = "spreadsheet" in mime
                reader.spreadsheet = spreadsheet
            try:
                stream = archive.open("content.xml")
            except KeyError as exc:
                raise FileRejected(
                    f"Tệp {name} không phải tệp OpenDocument hợp lệ (thiếu content.xml)."
                ) from exc
            with stream:
                reader.read(stream)
    except FileRejected:
        raise
    except safe_files.PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {name} bị hỏng, không đọc được ({safe_files.reason(exc)}).") from exc
    if spreadsheet:
        if not reader.grids:
            raise FileRejected(f"Tệp {name} không có trang tính nào.")
        return Source(name, "ods", reader.grids)
    return source_from_blocks(name, "odt", reader.blocks, reader.changes)
