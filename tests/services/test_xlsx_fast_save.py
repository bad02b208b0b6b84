"""The fast workbook writer writes the same worksheet XML as openpyxl's own save."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection

from sangkien_desktop.services.xlsx import (
    DEFAULT_FORMATS,
    CellFormat,
    Formula,
    light_rows,
    new_workbook,
    restyle,
    set_row_heights,
    setup_print,
    use_light_rows,
    write_row,
)
from sangkien_desktop.services.xlsx.fast_save import workbook_bytes


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # core: the time saved


def _workbook(light: bool = False):  # type: ignore[no-untyped-def]
    wb, ws = new_workbook("Một")
    if light:
        use_light_rows(ws)
    f = DEFAULT_FORMATS
    write_row(ws, 1, ["TT", "  lề trái", 'a & b < c > "d"', "dòng 1\r\ndòng 2\ttab 😀"], formats=f.text)
    write_row(ws, 2, [1, 2.5, Decimal("79.99"), None], formats=[f.integer, f.score, f.score, f.text])
    write_row(ws, 3, ["=SUM(A2:C2)", dt.date(2026, 5, 20), "", None], formats=f.text)  # a date: openpyxl
    ws.cell(row=4, column=1).value = "=SUM(A2:C2)"  # a formula
    ws.cell(row=4, column=2).fill = PatternFill("solid", fgColor="FFFDE7")  # styled, empty
    ws.cell(row=4, column=3).protection = Protection(locked=False)
    ws.cell(row=5, column=1).value = "ghi chú"
    ws.cell(row=5, column=1).comment = Comment("một ghi chú", "tác giả")  # a comment: openpyxl
    ws.cell(row=6, column=2).value = "liên kết"
    ws.cell(row=6, column=2).hyperlink = "https://example.org"  # a hyperlink: openpyxl
    ws.merge_cells("A7:D7")
    ws.cell(row=7, column=1).value = "gộp"
    ws.cell(row=7, column=1).font = Font(bold=True)
    set_row_heights(ws, 1, 7)
    ws.row_dimensions[9].height = 30  # a row with a height and no cell
    second = wb.create_sheet("Hai")
    if light:
        use_light_rows(second)
    centred = CellFormat(alignment=Alignment(horizontal="center", vertical="top"))
    for r in range(2, 50):
        write_row(second, r, [r, f"dòng {r}", Decimal(r) / 4, Formula(f"=C{r}*2")], formats=f.score)
        if r % 7 == 0:
            restyle(second, r, 3, centred)
    write_row(second, 50, ["=không phải công thức", "—", None], start_col=2, formats=[f.text, None, f.bold])
    set_row_heights(second, 2, 50, min_height=16)
    setup_print(second)
    return wb


def test_light_rows_write_what_openpyxl_cells_write() -> None:
    plain = io.BytesIO()
    _workbook().save(plain)
    light = _workbook(light=True)
    assert len(light_rows(light["Hai"])) == 49  # the table's rows have no openpyxl cell
    a, b = _parts(plain.getvalue()), _parts(workbook_bytes(light))
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name


def test_light_rows_openpyxl_writes_itself() -> None:
    def build(light: bool) -> Any:
        wb = _workbook(light)
        wb.iso_dates = True  # a row with a date: written by openpyxl (B3)
        return wb

    plain = io.BytesIO()
    build(False).save(plain)
    a, b = _parts(plain.getvalue()), _parts(workbook_bytes(build(True)))
    assert a["xl/worksheets/sheet1.xml"] == b["xl/worksheets/sheet1.xml"]
    assert (
        b'<c r="B3" s="' in b["xl/worksheets/sheet1.xml"] and b"2026-05-20" in b["xl/worksheets/sheet1.xml"]
    )
    assert a == b


def test_a_cell_made_in_a_light_row_is_refused() -> None:
    wb, ws = new_workbook("Một")
    use_light_rows(ws)
    write_row(ws, 1, ["a", "b"])
    ws.cell(row=1, column=3).value = "c"
    with pytest.raises(ValueError, match="light cells and openpyxl cells"):
        workbook_bytes(wb)


def test_fast_save_writes_what_openpyxl_writes() -> None:
    plain = io.BytesIO()
    _workbook().save(plain)
    a, b = _parts(plain.getvalue()), _parts(workbook_bytes(_workbook()))
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name  # byte for byte


def test_fast_save_reads_back() -> None:
    wb = load_workbook(io.BytesIO(workbook_bytes(_workbook())))
    ws = wb["Một"]
    assert ws["B1"].value == "  lề trái"
    assert ws["C1"].value == 'a & b < c > "d"'
    assert ws["D1"].value == "dòng 1\r\ndòng 2\ttab 😀"
    assert ws["C2"].value == 79.99
    assert ws["A4"].value == "=SUM(A2:C2)"
    assert ws["A3"].value == "=SUM(A2:C2)" and ws["A3"].data_type == "s"  # text, never a formula
    assert ws["B3"].value == dt.datetime(2026, 5, 20)
    assert ws["A5"].comment is not None
    assert ws.row_dimensions[9].height == 30
    assert wb["Hai"]["B49"].value == "dòng 49"
