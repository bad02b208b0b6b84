from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from sangkien_desktop.services import safe_files
from sangkien_desktop.services.safe_files import FileRejected


def _docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).text = "TT"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Sáng kiến kinh nghiệm"
    table.cell(0, 3).text = "Tác giả"
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(1, 1).text = "Tên sáng kiến"
    table.cell(1, 2).text = "Nội dung"
    table.cell(2, 0).text = "1"
    table.cell(2, 1).text = "Đổi mới quy trình"
    table.cell(2, 2).text = "Dòng một\nDòng hai"
    table.cell(2, 3).text = "Nguyễn Văn Đức"
    document.save(path)
    return path


def test_read_docx_tables_handles_merges(tmp_path: Path) -> None:
    tables = safe_files.read_docx_tables(_docx(tmp_path / "a.docx"))
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == ["TT", "Sáng kiến kinh nghiệm", "Sáng kiến kinh nghiệm", "Tác giả"]
    assert rows[1][0] == ""  # vertical merge continuation
    assert rows[1][1:3] == ["Tên sáng kiến", "Nội dung"]
    assert rows[2] == ["1", "Đổi mới quy trình", "Dòng một\nDòng hai", "Nguyễn Văn Đức"]


def test_load_workbook_and_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Tên sáng kiến"])
    ws.append(["HS26-001", "Đổi mới"])
    ws.append([None, None])
    wb.save(tmp_path / "s.xlsx")
    book = safe_files.load_workbook(tmp_path / "s.xlsx")
    rows = safe_files.sheet_rows(book.worksheets[0])
    assert rows == [["Mã hồ sơ", "Tên sáng kiến"], ["HS26-001", "Đổi mới"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.xlsx", b"", "trống"),
        ("x.xlsx", b"not a zip at all", "không phải tệp Office"),
        ("x.csv", b"a,b", "chỉ nhận"),
    ],
)
def test_bad_files_are_refused_with_a_message(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message):
        safe_files.load_workbook(path) if name.endswith("xlsx") else safe_files.check_file(path)


def test_zip_without_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(FileRejected, match=r"fake\.xlsx"):
        safe_files.load_workbook(path)
    docx_path = tmp_path / "fake.docx"
    docx_path.write_bytes(path.read_bytes())
    with pytest.raises(FileRejected, match=r"word/document\.xml"):
        safe_files.read_docx_tables(docx_path)


def test_xml_bombs_are_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol2;</w:document>'
    )
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", bomb)
    with pytest.raises(FileRejected, match=r"không an toàn|bị hỏng"):
        safe_files.read_docx_tables(path)
