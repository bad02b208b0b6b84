"""Hostile and broken files: whatever bytes arrive, ``safe_files`` returns data or raises ``FileRejected``
with a Vietnamese message — never another exception, never a hang or a memory blow-up."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sangkien_desktop.services import safe_files
from sangkien_desktop.services.safe_files import FileRejected

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạếềểễệóòỏõọúùủũụíìỉĩịýỳ]", re.IGNORECASE)


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đăng ký"
    ws.append(["TT", "Đơn vị", "Tên sáng kiến", "Tác giả", "Ngày"])
    for i in range(1, 40):
        ws.append(
            [
                i,
                f"Trường Tiểu học số {i}",
                f"Đổi mới phương pháp dạy học {i}",
                "Nguyễn Văn Đức",
                dt.date(2026, 3, 1),
            ]
        )
    ws.merge_cells("A41:C41")
    ws["A41"] = "Tổng cộng"
    second = wb.create_sheet("Điểm")
    second.append(["Mã hồ sơ", "Điểm"])
    second.append(["HS26-001", 85.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN")
    table = document.add_table(rows=6, cols=4)
    for r in range(6):
        for c in range(4):
            table.cell(r, c).text = f"Ô {r}-{c} Đổi mới"
    table.cell(0, 1).merge(table.cell(0, 2))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx_bytes()
DOCX = _docx_bytes()


def _read(path: Path) -> Any:
    if path.suffix == ".docx":
        return [safe_files.read_docx_tables(path), safe_files.read_docx_body(path)]
    return safe_files.read_sheets(path)


def _assert_safe(path: Path, content: bytes, limit_s: float = 20.0) -> None:
    path.write_bytes(content)
    started = time.monotonic()
    try:
        result = _read(path)
    except FileRejected as exc:
        assert str(exc).strip(), "empty message"
        assert path.name in str(exc) or "Bảng" in str(exc), f"message does not name the file: {exc}"
        assert VIETNAMESE.search(str(exc)), f"message is not Vietnamese: {exc}"
    else:
        assert isinstance(result, list)
    assert time.monotonic() - started < limit_s


def _rezip(base: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The same package with every member passed through ``change(name, data)`` (valid zip, new CRCs)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
    return out.getvalue()


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@FUZZ
@given(content=st.binary(max_size=3000))
def test_random_bytes(tmp_path: Path, suffix: str, content: bytes) -> None:
    _assert_safe(tmp_path / f"ngau-nhien{suffix}", content)


@pytest.mark.parametrize(("suffix", "base"), [(".xlsx", XLSX), (".docx", DOCX)])
@FUZZ
@given(data=st.data())
def test_truncated_real_files(tmp_path: Path, suffix: str, base: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(base) - 1))
    _assert_safe(tmp_path / f"cat-ngang{suffix}", base[:cut])


@pytest.mark.parametrize(("suffix", "base"), [(".xlsx", XLSX), (".docx", DOCX)])
@FUZZ
@given(data=st.data())
def test_flipped_bytes(tmp_path: Path, suffix: str, base: bytes, data: st.DataObject) -> None:
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, len(base) - 1), st.integers(0, 255)), min_size=1, max_size=8)
    )
    content = bytearray(base)
    for offset, value in flips:
        content[offset] = value
    _assert_safe(tmp_path / f"hong{suffix}", bytes(content))


@pytest.mark.parametrize(("suffix", "base"), [(".xlsx", XLSX), (".docx", DOCX)])
@FUZZ
@given(data=st.data())
def test_damaged_xml_inside_a_valid_zip(
    tmp_path: Path, suffix: str, base: bytes, data: st.DataObject
) -> None:
    """The zip is sound (CRCs match) but one XML part is cut, spliced or garbled: the parsers see it."""
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        names = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
    target = data.draw(st.sampled_from(names))
    how = data.draw(st.sampled_from(["cut", "insert", "replace"]))
    position = data.draw(st.floats(min_value=0, max_value=1))
    junk = data.draw(
        st.sampled_from([b"<", b">", b"&", b"\x00", b"</row>", b"<c r='ZZZZ9999999'>", b'"', b"\xff\xfe"])
    )

    def change(name: str, content: bytes) -> bytes:
        if name != target:
            return content
        at = int(len(content) * position)
        if how == "cut":
            return content[:at]
        if how == "insert":
            return content[:at] + junk + content[at:]
        return content[:at] + junk + content[at + len(junk) :]

    _assert_safe(tmp_path / f"xml-hong{suffix}", _rezip(base, change))


@FUZZ
@given(
    cells=st.lists(
        st.tuples(
            st.integers(1, 70000),
            st.integers(1, 20000),
            st.sampled_from(["n", "s", "str", "b", "e", "d", "inlineStr"]),
        ),
        max_size=20,
    ),
    values=st.lists(st.text(max_size=12), min_size=1, max_size=5),
)
def test_random_cells_in_a_sheet(
    tmp_path: Path, cells: list[tuple[int, int, str]], values: list[str]
) -> None:
    """Cells with odd coordinates, types and values (dates far out of range, unknown shared strings …)."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    parts = []
    for i, (row, col, kind) in enumerate(cells):
        value = escape(values[i % len(values)])
        ref = f"{get_column_letter(min(col, 16384))}{row}"
        parts.append(f'<row r="{row}"><c r="{ref}" t="{kind}"><v>{value}</v></c></row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>' + "".join(parts) + "</sheetData></worksheet>"
    ).encode()
    content = _rezip(XLSX, lambda name, data: sheet if name == "xl/worksheets/sheet1.xml" else data)
    _assert_safe(tmp_path / "o-la.xlsx", content)


def test_huge_dimension_claim_is_ignored(tmp_path: Path) -> None:
    content = _rezip(
        XLSX,
        lambda name, data: (
            re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', data)
            if name.startswith("xl/worksheets/")
            else data
        ),
    )
    path = tmp_path / "kich-thuoc-gia.xlsx"
    path.write_bytes(content)
    started = time.monotonic()
    sheets = safe_files.read_sheets(path)
    assert time.monotonic() - started < 5
    assert len(sheets[0].rows) == 41 and len(sheets[0].rows[0]) == 5
    assert sheets[0].rows[1][2] == "Đổi mới phương pháp dạy học 1"


def test_too_many_rows_are_refused(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, safe_files.MAX_ROWS + 2)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + "</sheetData></worksheet>"
    ).encode()
    path = tmp_path / "qua-nhieu-dong.xlsx"
    path.write_bytes(_rezip(XLSX, lambda name, data: sheet if name == "xl/worksheets/sheet1.xml" else data))
    with pytest.raises(FileRejected, match="quá nhiều dòng"):
        safe_files.read_sheets(path)


def test_far_away_stray_cell_is_refused_without_building_a_million_rows(tmp_path: Path) -> None:
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="B1048576"><v>2</v></c></row>'
        b"</sheetData></worksheet>"
    )
    path = tmp_path / "o-xa.xlsx"
    path.write_bytes(_rezip(XLSX, lambda name, data: sheet if name == "xl/worksheets/sheet1.xml" else data))
    with pytest.raises(FileRejected, match="quá nhiều dòng"):
        safe_files.read_sheets(path)


BOMB_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    "member",
    [
        "xl/worksheets/sheet1.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "docProps/core.xml",
        "xl/styles.xml",
        "[Content_Types].xml",
    ],
)
def test_xml_bomb_in_any_workbook_part_is_refused(tmp_path: Path, member: str) -> None:
    with zipfile.ZipFile(io.BytesIO(XLSX)) as z:
        assert member in z.namelist()

    def change(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
        return BOMB_DTD + body.replace(b"</", b"&lol9;</", 1)

    path = tmp_path / "bom-xml.xlsx"
    path.write_bytes(_rezip(XLSX, change))
    started = time.monotonic()
    with pytest.raises(FileRejected, match="không an toàn"):
        safe_files.read_sheets(path)
    assert time.monotonic() - started < 5


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu", encoding="utf-8")

    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
        dtd = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'.encode()
        return dtd + body.replace(b"<w:t>", b"<w:t>&x;", 1)

    path = tmp_path / "thuc-the-ngoai.docx"
    path.write_bytes(_rezip(DOCX, change))
    with pytest.raises(FileRejected, match="không an toàn"):
        safe_files.read_docx_tables(path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(XLSX)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/media/image1.png", b"\x00" * (80 * 1024 * 1024))
    path = tmp_path / "bom-zip.xlsx"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < safe_files.MAX_FILE_BYTES
    with pytest.raises(FileRejected, match=r"bất thường|quá lớn"):
        safe_files.read_sheets(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "kiểu cũ .*mật khẩu"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "trang web"),
    ],
)
def test_disguised_files_are_named_for_what_they_are(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bang.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message):
        safe_files.read_sheets(path)


def test_encrypted_zip_entry_is_refused(tmp_path: Path) -> None:
    raw = bytearray(XLSX)
    # set the "encrypted" flag on every local and central directory header
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := raw.find(signature, start)) != -1:
            raw[found + offset] |= 0x1
            start = found + 4
    path = tmp_path / "mat-khau.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(FileRejected, match=r"mật khẩu|hỏng"):
        safe_files.read_sheets(path)


def test_wide_docx_spans_are_capped(tmp_path: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        return re.sub(rb"<w:gridSpan w:val=\"\d+\"/>", b'<w:gridSpan w:val="99999999"/>', data)

    path = tmp_path / "rong.docx"
    path.write_bytes(_rezip(DOCX, change))
    tables = safe_files.read_docx_tables(path)
    assert all(len(row) <= safe_files.MAX_COLUMNS for t in tables for row in t.rows)


def test_workbook_is_closed_after_reading(tmp_path: Path) -> None:
    path = tmp_path / "dong.xlsx"
    path.write_bytes(XLSX)
    safe_files.read_sheets(path)
    path.unlink()  # Windows refuses to delete a file still open; here the handle must be gone too
    with safe_files.open_workbook(_write(tmp_path / "b.xlsx", XLSX)) as wb:
        assert [ws.title for ws in wb.worksheets] == ["Đăng ký", "Điểm"]


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
