"""The TỔNG HỢP ĐĂNG KÝ table as PDF and Excel: the form's columns, imported text with its diacritics,
embedded fonts, the Excel layout, and LibreOffice printing every column."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.services import registration_export as export
from sangkien_desktop.services import registrations
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.services.registration_import import ImportOptions, import_file
from tests.helpers.registration_files import SAMPLE_ROWS, write_docx, write_xlsx

YEAR = 2025
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None, reason="poppler-utils missing"
)
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def imported_db(demo_db: Database, tmp_path: Path) -> Database:
    import_file(demo_db, write_xlsx(tmp_path / "bs.xlsx", year=YEAR), ImportOptions(year=YEAR))
    other = [
        dict(r, **{form.TITLE: r[form.TITLE] + " (Nam Sơn)", form.APPLIED_UNIT: "Trường THCS Nam Sơn"})
        for r in SAMPLE_ROWS[:2]
    ]
    import_file(
        demo_db,
        write_docx(tmp_path / "ns.docx", other, year=YEAR, unit_line="ĐƠN VỊ: Trường THCS Nam Sơn"),
        ImportOptions(year=YEAR),
    )
    return demo_db


@needs_poppler
@pytest.mark.parametrize("one_unit", [True, False], ids=["one-unit", "all-units"])
def test_pdf_has_the_form_and_the_imported_text(
    imported_db: Database, tmp_path: Path, one_unit: bool
) -> None:
    unit_id = registrations.find_unit(imported_db, "Trường THCS Bắc Sơn").id if one_unit else None
    out = tmp_path / "tong-hop.pdf"
    assert export.write_pdf(imported_db, YEAR, out, unit_id=unit_id) == (3 if one_unit else 5)
    text = pdftotext(out)
    flat = squeeze(text)
    assert squeeze(form.form_title(YEAR)) in flat
    for col in form.COLUMNS:
        assert squeeze(form.column_title(col.field, YEAR)) in flat, col.title
    assert squeeze(form.GROUP_TITLE) in flat
    for row in SAMPLE_ROWS:
        assert squeeze(row[form.TITLE]) in flat
        assert squeeze(row[form.AUTHORS]) in flat
    spaced = " ".join(text.split())
    assert "Nguyễn Thị Hương" in spaced and "Đặng Thùy Dương" in spaced
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    if one_unit:
        assert "TRƯỜNG THCS BẮC SƠN" in text
        assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "(Ký, ghi rõ họ tên)" in text
        last = [p for p in text.split("\f") if p.strip()][-1]
        assert "THỦ TRƯỞNG ĐƠN VỊ" in last and squeeze(SAMPLE_ROWS[2][form.TITLE]) in squeeze(last)
        assert "(Nam Sơn)" not in text
    else:
        assert "HỘI ĐỒNG SÁNG KIẾN" in text and "UBND PHƯỜNG TAM ĐIỆP" in text
        assert "TM. HỘI ĐỒNG" in text and "THƯ KÝ" in text
        assert "Tam Điệp, ngày" in text
        assert squeeze("(Gồm 5 sáng kiến của 2 đơn vị)") in flat
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # every font embedded
    assert all("Liberation" in r[0] for r in rows)


@needs_poppler
def test_pdf_header_repeats_on_every_page(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    assert export.write_pdf(demo_db, 2026, out) == 75
    pages = pdftotext(out).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 5
    table_pages = [p for p in pages if squeeze("Tên sáng kiến") in squeeze(p)]
    assert len(table_pages) == len(pages)  # the signature never sits alone on the last page
    for page in table_pages:
        assert squeeze(form.GROUP_TITLE) in squeeze(page) and "Bộ phận" in page


def test_blank_form_when_nothing_is_registered(db: Database) -> None:
    doc = export.collect(db, 2030)
    assert doc.count == 0 and [r[0] for r in doc.rows] == ["1", "2", "…"]
    assert export.pdf_bytes(doc).startswith(b"%PDF")


def test_header_from_settings(imported_db: Database) -> None:
    settings_service.set_many(
        imported_db, {"place_name": "Yên Sơn", "issuing_body": "HỘI ĐỒNG SÁNG KIẾN PHƯỜNG"}
    )
    doc = export.collect(imported_db, YEAR)
    assert doc.header.place == "Yên Sơn" and doc.header.issuing_body == "HỘI ĐỒNG SÁNG KIẾN PHƯỜNG"
    assert doc.header.date is None and doc.header.year == YEAR
    assert doc.signers[1].authority == "TM. HỘI ĐỒNG"


def test_xlsx_layout(imported_db: Database, tmp_path: Path) -> None:
    data = export.build_xlsx_bytes(imported_db, YEAR)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "Tổng hợp đăng ký"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if isinstance(v, str)]
    title_row = next(i for i, row in enumerate(values, start=1) if row[0] == form.form_title(YEAR))
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{title_row}:I{title_row}" in merged
    for col in form.COLUMNS:
        assert form.column_title(col.field, YEAR) in flat
    head = next(i for i, row in enumerate(values, start=1) if row[0] == "TT")
    assert values[head - 1][3] == form.GROUP_TITLE and f"D{head}:G{head}" in merged
    assert [values[head][j] for j in range(3, 7)] == [form.column_title(f, YEAR) for f in form.GROUP_FIELDS]
    first = head + 2
    assert values[first - 1][0] == 1
    titles = [values[r][3] for r in range(first - 1, first + 4)]
    assert set(titles) == {r[form.TITLE] for r in SAMPLE_ROWS} | {
        r[form.TITLE] + " (Nam Sơn)" for r in SAMPLE_ROWS[:2]
    }
    assert ws.cell(row=first, column=4).alignment.wrap_text
    assert all(
        ws.row_dimensions[r].height and ws.row_dimensions[r].height > 15 for r in range(first, first + 5)
    )
    assert ws.print_title_rows == f"${head}:${head + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "THỦ TRƯỞNG ĐƠN VỊ" not in flat and "TM. HỘI ĐỒNG" in flat
    one = openpyxl.load_workbook(
        io.BytesIO(
            export.build_xlsx_bytes(
                imported_db, YEAR, registrations.find_unit(imported_db, "THCS Nam Sơn").id
            )
        )
    ).active
    texts = [c.value for row in one.iter_rows() for c in row if isinstance(c.value, str)]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts and "(Ký, ghi rõ họ tên)" in texts and "TRƯỜNG THCS NAM SƠN" in texts


def test_xlsx_text_never_becomes_a_formula(demo_db: Database) -> None:
    registrations.create(
        demo_db,
        registrations.RegistrationData(
            year=2031,
            unit_id=registrations.find_unit(demo_db, "Phòng Kinh tế").id,
            title='=HYPERLINK("http://x","bấm")',
            authors_text="Lê Văn Công",
            registered_on=dt.date(2031, 1, 2),
        ),
    )
    ws = openpyxl.load_workbook(io.BytesIO(export.build_xlsx_bytes(demo_db, 2031))).active
    cell = next(
        c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    )
    assert cell.data_type == "s"


@needs_soffice
@needs_poppler
@pytest.mark.slow
def test_xlsx_prints_every_column_in_libreoffice(imported_db: Database, tmp_path: Path) -> None:
    xlsx = tmp_path / "tong-hop.xlsx"
    export.write_xlsx(imported_db, YEAR, xlsx)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=180,
    )
    pdf = tmp_path / "tong-hop.pdf"
    text = pdftotext(pdf)
    pages = [p for p in text.split("\f") if p.strip()]
    flat = squeeze(text)
    for col in form.COLUMNS:
        assert squeeze(form.column_title(col.field, YEAR)) in flat, col.title
    for row in SAMPLE_ROWS:
        assert squeeze(row[form.DEPARTMENT]) in flat  # the last column is on the page
    for page in pages:
        if "Tên sáng kiến" in page:
            assert "Bộ phận" in page and "TT" in page
