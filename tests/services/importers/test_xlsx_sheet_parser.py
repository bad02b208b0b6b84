"""The worksheet part is read through expat's callbacks (``_SheetParser``), with ElementTree's meaning of each
element's text, and as safely as defusedxml."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import DTDForbidden

from sangkien_desktop.services.importers.readers import read_file
from sangkien_desktop.services.importers.readers.xlsx import _SheetParser
from sangkien_desktop.services.safe_files import FileRejected

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = (
    f'<worksheet {NS}><cols><col min="2" max="3" hidden="1"/></cols><sheetData>'
    '<row r="1" hidden="1"><c r="A1" t="inlineStr"><is><r><rPr><rFont val="Arial"/></rPr><t>ab</t></r>'
    '<r><t xml:space="preserve"> cd</t></r><rPh><t>ph</t></rPh></is></c>'
    '<c t="inlineStr"><is><t>x<b/>tail</t></is></c><c r="D1"><v>1</v><v>2</v></c><c r="E1"><v>3<x/>4</v></c>'
    '<c r="F1" t="b"><v>1</v></c><c r="G1" t="e"><v>#N/A</v></c><c r="H1" t="d"><v>2026-03-04T00:00:00</v></c></row>'
    '<row><c><v>7</v></c><c r="C5"><v>8</v></c><c r="B2" t="s"><v>0</v></c></row>'
    '<row r="x"><c r="A3" t="str"><v></v></c><c r="B3" t="str"><v><![CDATA[a <b> &amp;]]></v></c>'
    '<c r="C3" t="str"><v>x &amp; y</v></c></row>'
    '</sheetData><mergeCells count="2"><mergeCell ref="A1:C2"/><mergeCell ref="bad"/></mergeCells></worksheet>'
)


def _workbook(tmp_path: Path, sheet_xml: str) -> Path:
    """An openpyxl workbook whose first worksheet part is replaced by ``sheet_xml``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "chỗ giữ"
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    out = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else data)
    return out


def test_cells_rows_merges_and_hidden_parts(tmp_path: Path) -> None:
    (grid,) = read_file(_workbook(tmp_path, SHEET)).grids
    assert grid.rows[0] == ["ab cdph", "x", None, 2, 3, True, None, dt.datetime(2026, 3, 4)]
    assert grid.rows[1][0] == 7  # a row and a cell without "r" follow the ones before
    assert grid.rows[2][1:3] == ["a <b> &amp;", "x & y"]  # CDATA as written; an empty "str" cell: no value
    assert grid.rows[4][2] == 8
    assert grid.merges == [(0, 0, 1, 2)]
    assert grid.hidden_rows == {0} and grid.hidden_cols == {1, 2}


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (SHEET.replace("</sheetData>", "</sheetData><bad<>"), "ParseError: not well-formed (invalid token)"),
        (SHEET[: len(SHEET) // 2], "ParseError: unclosed token"),
        (
            f'<worksheet {NS}><sheetData><row><c t="str"><v>&foo;</v></c></row></sheetData></worksheet>',
            "undefined",
        ),
    ],
)
def test_a_damaged_sheet_is_refused_with_the_parser_s_reason(tmp_path: Path, xml: str, reason: str) -> None:
    with pytest.raises(FileRejected, match="không đọc được như một bảng tính Excel") as caught:
        read_file(_workbook(tmp_path, xml))
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("xml", "error"),
    [
        ('<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>', DTDForbidden),
        ("<!DOCTYPE w><worksheet/>", DTDForbidden),
    ],
)
def test_dtds_are_refused(xml: str, error: type[Exception]) -> None:
    parser = _SheetParser("f.xlsx", "xl/worksheets/sheet1.xml", 1000, lambda a, c: None, lambda n, a: None)
    with pytest.raises(error):
        parser.parse(io.BytesIO(xml.encode()))


def test_too_many_elements_are_refused() -> None:
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 50))
    parser = _SheetParser("f.xlsx", "xl/worksheets/sheet1.xml", 100, lambda a, c: None, lambda n, a: None)
    with pytest.raises(FileRejected, match="quá nhiều thành phần"):
        parser.parse(io.BytesIO(f"<worksheet><sheetData>{rows}</sheetData></worksheet>".encode()))
