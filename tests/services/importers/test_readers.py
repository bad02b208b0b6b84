"""The readers, one per format: values, merged ranges, hidden rows and columns, fonts, the text around a
Word table, tracked changes, CSV encodings, and what a file really is."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.styles import Font

from sangkien_desktop.services.importers.readers import convert, read_file, sniff
from sangkien_desktop.services.importers.readers.csv_reader import decode_text
from sangkien_desktop.services.safe_files import FileRejected
from tests.helpers.unit_corpus import Table, row, with_tracked_changes, write_docx


def test_xlsx_values_merges_hidden_and_fonts(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Năm 2026"
    ws["A1"] = "Tên sáng kiến"
    ws["B1"] = "Ngày"
    ws["A2"] = "Mét sè biÖn ph¸p"
    ws["A2"].font = Font(name=".VnTime")
    ws["B2"] = dt.date(2026, 3, 25)
    ws["C2"] = 7.5
    ws["D2"] = 3
    ws.merge_cells("A3:B4")
    ws["A3"] = "gộp"
    ws.row_dimensions[5].hidden = True
    ws["A5"] = "ẩn"
    ws.column_dimensions["C"].hidden = True
    wb.save(tmp_path / "a.xlsx")
    source = read_file(tmp_path / "a.xlsx")
    (grid,) = source.grids
    assert grid.title == "Năm 2026" and grid.spreadsheet
    assert grid.rows[1] == ["Mét sè biÖn ph¸p", dt.date(2026, 3, 25), 7.5, 3]
    assert grid.font(1, 0) == ".VnTime"
    assert (2, 0, 3, 1) in grid.merges and grid.covered()[(3, 1)] == (2, 0)
    assert grid.hidden_rows == {4} and grid.hidden_cols == {2}
    assert grid.cell_name(1, 0) == "Ô A2 (trang tính 'Năm 2026')"


def test_docx_merges_fonts_and_lines_around(tmp_path: Path) -> None:
    t = Table([row("Đổi mới thư viện", "Lê Văn Tám", "Tổ Văn")], merged_authors={0: [("Vũ Thị Mai", "Tổ Hóa")]},
              date_line="Tam Điệp, ngày 25 tháng 3 năm 2026")  # fmt: skip
    source = read_file(write_docx(tmp_path / "a.docx", t))
    (grid,) = source.grids
    assert not grid.spreadsheet
    assert "ĐƠN VỊ: Trường THCS Bắc Sơn" in grid.lines_before
    assert "Tam Điệp, ngày 25 tháng 3 năm 2026" in grid.lines_after
    assert grid.rows[1][3] == "Đổi mới thư viện" and grid.rows[2][3] == ""  # a vertical merge continues
    assert grid.rows[2][7] == "Vũ Thị Mai"
    assert (1, 3, 2, 3) in grid.merges
    assert grid.font(1, 3) == "Times New Roman"


def test_docx_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docx", Table([row("Tên mới", "Lê Văn Tám")]))
    with_tracked_changes(path, "Tên mới", "Tên cũ")
    source = read_file(path)
    texts = [v for r in source.grids[0].rows for v in r]
    assert "Tên mới" in texts and not any("Tên cũ" in v for v in texts)
    assert any("Track Changes" in n for n in source.notes)


def test_docx_soft_hyphen_element_is_read(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("Tr")
    document.save(tmp_path / "a.docx")
    with zipfile.ZipFile(tmp_path / "a.docx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:t>Tr</w:t>", b"<w:t>Tr</w:t><w:softHyphen/><w:t>\xc3\xaang</w:t>"
    )
    with zipfile.ZipFile(tmp_path / "b.docx", "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert read_file(tmp_path / "b.docx").grids[0].rows[0][0] == "Tr\u00adêng"  # TCVN3 for "Trường"


ODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0">
<office:font-face-decls><style:font-face style:name="VNI" svg:font-family="VNI-Times"/></office:font-face-decls>
<office:automatic-styles><style:style style:name="ce1" style:family="table-cell">
<style:text-properties style:font-name="VNI"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Trang 1">
<table:table-column table:number-columns-repeated="2"/><table:table-column table:visibility="collapse"/>
<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Gộp</text:p></table:table-cell>
<table:covered-table-cell/><table:table-cell office:value-type="float" office:value="7.5"><text:p>7,5</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row table:visibility="collapse"><table:table-cell table:style-name="ce1" office:value-type="string"><text:p>Moät<text:s/>soá</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="2026-03-25"><text:p>25/03/2026</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""


def test_ods_repeats_spans_hidden_and_fonts(tmp_path: Path) -> None:
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", ODS)
    (grid,) = read_file(path).grids
    assert grid.title == "Trang 1" and len(grid.rows) == 4  # a million empty rows cost nothing
    assert grid.rows[0] == ["Gộp", None, 7.5] and (0, 0, 0, 1) in grid.merges
    assert grid.rows[3][:2] == ["Moät soá", dt.date(2026, 3, 25)]
    assert grid.font(3, 0) == "VNI-Times"
    assert grid.hidden_rows == {3} and grid.hidden_cols == {2}


@pytest.mark.parametrize(
    ("encoding", "label"), [("utf-8-sig", "UTF-8"), ("utf-8", "UTF-8"), ("cp1258", "Windows-1258")]
)
def test_csv_encodings(tmp_path: Path, encoding: str, label: str) -> None:
    from tests.helpers.unit_corpus import cp1258_form

    text = "TT;Tên sáng kiến;Tác giả\n1;Một số biện pháp rèn kỹ năng;Nguyễn Thị Hương\n"
    data = (cp1258_form(text) if encoding == "cp1258" else text).encode(encoding)
    assert decode_text(data)[1] == label
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    (grid,) = read_file(path).grids
    assert grid.rows[1] == ["1", "Một số biện pháp rèn kỹ năng", "Nguyễn Thị Hương"]


def test_csv_typed_in_tcvn3_is_read_as_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("TT,Tªn s¸ng kiÕn\n1,Mét sè biÖn ph¸p\n".encode("cp1252"))
    assert read_file(path).grids[0].rows[1] == ["1", "Mét sè biÖn ph¸p"]  # normalisation converts it


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\0" * 600, "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600, "doc"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600,
            "encrypted",
        ),
        (b"{\\rtf1\\ansi hello}", "rtf"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
    ],
)
def test_sniff_names_what_a_file_is(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "bang.xls"
    path.write_bytes(content)
    assert sniff(path) == kind


def test_old_format_without_libreoffice_says_how_to_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    path = tmp_path / "cu.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600)
    with pytest.raises(FileRejected, match=r"Lưu thành .*Word Document \(\*\.docx\)"):
        read_file(path)
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600
    )
    with pytest.raises(FileRejected, match="mật khẩu"):
        read_file(path)


def test_soffice_is_looked_for_in_windows_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "LibreOffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice.exe").write_bytes(b"")
    monkeypatch.setattr(convert.shutil, "which", lambda _name: None)
    monkeypatch.delenv("SANGKIEN_SOFFICE", raising=False)
    monkeypatch.setenv("PROGRAMFILES", str(tmp_path))
    assert convert.find_soffice() == str(program / "soffice.exe")


def test_conversion_runs_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: object) -> None:
        seen.append(command)
        out = Path(command[command.index("--outdir") + 1])
        (out / "nguon.docx").write_bytes(b"converted")
        assert kwargs["timeout"] == convert.TIME_LIMIT

    monkeypatch.setattr(convert, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(convert.subprocess, "run", fake_run)
    original = tmp_path / "bang.doc"
    original.write_bytes(b"old")
    with convert.converted(original, "docx") as produced:
        assert produced.read_bytes() == b"converted"
        assert tmp_path not in produced.parents
    assert not produced.exists() and "--headless" in seen[0]
