"""Save a workbook with its cells written as text, a row at a time (openpyxl's own save otherwise).

openpyxl writes every cell through Python context managers of lxml's incremental writer: about half the time
of a 20,000-row sheet. Here each row of plain cells (text, numbers, simple formulas, blanks with a style) is
written as one XML string, parsed by lxml in C and handed to the same writer; the XML is what openpyxl writes
(the same elements, attributes and values). A row holding anything else (dates, rich text, comments,
hyperlinks, array formulas) is written by openpyxl itself, and so is everything outside the cells.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from lxml import etree
from openpyxl import LXML
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

__all__ = ["workbook_bytes"]

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", '"': "&quot;"})


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


class _FastWorksheetWriter(WorksheetWriter):  # type: ignore[misc]
    def __init__(self, ws: Any, out: Any = None) -> None:
        super().__init__(ws, out)
        self._letters: dict[int, str] = {}

    def write_row(self, xf: Any, row: list[Any], row_idx: int) -> None:
        xml = self._row_xml(row, row_idx)
        if xml is None:  # a cell openpyxl must write itself
            super().write_row(xf, row, row_idx)
        else:
            xf.write(etree.fromstring(xml))

    def _row_xml(self, row: list[Any], row_idx: int) -> str | None:
        attrs: dict[str, str] = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        parts = ["<row", *(f' {k}="{_escape(str(v))}"' for k, v in attrs.items()), ">"]
        styles = self.ws.parent._cell_styles
        letters = self._letters
        number = str(row_idx)
        for cell in row:
            if cell._comment is not None or cell.hyperlink is not None:
                return None
            value = cell._value
            style = cell._style
            styled = style is not None and any(style)
            if value is None and not styled:
                continue
            letter = letters.get(cell.column)
            if letter is None:
                letter = letters[cell.column] = get_column_letter(cell.column)
            head = (
                f'<c r="{letter}{number}" s="{styles.add(style)}"' if styled else f'<c r="{letter}{number}"'
            )
            kind = cell.data_type
            if kind == "s":
                if value is None or value == "":
                    parts.append(f'{head} t="inlineStr"/>')
                elif type(value) is str:
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    parts.append(f'{head} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
                else:
                    return None
            elif kind == "n":
                if value is None or value == "":
                    parts.append(f'{head} t="n"/>')
                elif isinstance(value, int | float | Decimal):
                    parts.append(f'{head} t="n"><v>{_escape(safe_string(value))}</v></c>')
                else:
                    return None
            elif kind == "f" and type(value) is str and value:
                parts.append(f"{head}><f>{_escape(value[1:])}</f><v/></c>")
            else:
                return None
        parts.append("</row>")
        return "".join(parts)


class _FastExcelWriter(ExcelWriter):  # type: ignore[misc]
    def write_worksheet(self, ws: Any) -> None:
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        # ExcelWriter.write_worksheet (openpyxl 3.1) with the faster cell writer
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _FastWorksheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of ``wb``: what ``wb.save`` writes, in about half the time on long sheets."""
    if wb.read_only:
        raise TypeError("a read-only workbook cannot be saved")
    if not LXML:  # openpyxl without lxml writes with another XML writer: its own save then
        plain = io.BytesIO()
        wb.save(plain)
        return plain.getvalue()
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    buffer = io.BytesIO()
    archive = ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    _FastExcelWriter(wb, archive).save()
    return buffer.getvalue()
