"""The giấy biên nhận, the sổ tiếp nhận (PDF and Excel) and the reconciliation report (PDF and Excel),
read back: Vietnamese text with pdftotext, page counts with pypdf, cells with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.services import intake, receipts, reconciliation, reconciliation_report

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "today", lambda: TODAY)


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


@needs_pdftotext
def test_receipt_reads_back_in_vietnamese(demo_db: Database, tmp_path: Path) -> None:
    d = intake.get_dossier(demo_db, "HS26-045")  # round 2, missing its evidence in the demo
    pdf = receipts.receipt_pdf(demo_db, d.code)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdftotext(pdf, tmp_path)
    assert unicodedata.is_normalized("NFC", text)
    for expected in [
        "UBND PHƯỜNG TAM ĐIỆP",
        "HỘI ĐỒNG SÁNG KIẾN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {d.receipt_no}/BN-HĐSK",
        "Tam Điệp, ngày 01 tháng 10 năm 2026",
        "GIẤY BIÊN NHẬN",
        "Hồ sơ đề nghị công nhận sáng kiến",
        d.authors[0].full_name,
        "Mã hồ sơ: HS26-045",
        "Minh chứng hiệu quả áp dụng Chưa nộp",
        "Hồ sơ còn thiếu, đề nghị bổ sung: Minh chứng hiệu quả áp dụng",
        f"trước ngày {receipts.result_due(d):%d/%m/%Y}",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI NHẬN HỒ SƠ",
        "(Ký, ghi rõ họ tên)",
    ]:
        assert expected in text, expected
    assert " ".join(d.title.split()[:6]) in text


def test_receipt_copies(demo_db: Database, tmp_path: Path) -> None:
    out = receipts.write_receipt(demo_db, "HS26-003", tmp_path / "bn.pdf", copies=2)
    reader = PdfReader(str(out))
    assert len(reader.pages) == 2
    assert "Liên 2: lưu tại Hội đồng" in reader.pages[1].extract_text()
    with pytest.raises(ValidationError, match=r"đuôi \.pdf"):
        receipts.write_receipt(demo_db, "HS26-003", tmp_path / "bn.docx")


@needs_pdftotext
def test_receipt_book_pdf(demo_db: Database, tmp_path: Path) -> None:
    book = receipts.load_book(demo_db, "2026/2")
    pdf = receipts.receipt_book_pdf(book)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = pdftotext(pdf, tmp_path)
    assert "SỔ TIẾP NHẬN HỒ SƠ ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN" in text
    assert "Đợt 2 năm 2026 (hạn nộp hồ sơ: 15/11/2026)" in text
    assert "Tam Điệp, ngày 23 tháng 11 năm 2026" in text
    assert "Số:" not in text  # a book has no document number
    for row in book.rows:
        assert row.code[-2:] in text
    assert f"Tổng số: {len(book.rows)} hồ sơ" in text
    assert "NGƯỜI LẬP SỔ" in text


def test_receipt_book_xlsx(demo_db: Database, tmp_path: Path) -> None:
    out = receipts.write_receipt_book(demo_db, "2026/1", tmp_path / "so.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws is not None and ws.title == "Sổ tiếp nhận"
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    flat = [str(v) for row in values for v in row if v is not None]
    assert "SỔ TIẾP NHẬN HỒ SƠ ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN" in flat
    head = next(i for i, row in enumerate(values) if row[0] == "Số TN")
    assert list(values[head]) == [
        "Số TN",
        "Ngày nhận",
        "Đơn vị",
        "Tên sáng kiến",
        "Tác giả (tỷ lệ đóng góp)",
        "Người nộp",
        "Thành phần hồ sơ",
        "Tình trạng",
        "Ghi chú",
    ]
    rows = intake.list_dossiers(demo_db, intake.get_dossier(demo_db, "HS26-001").round_id)
    body = values[head + 1 : head + 1 + len(rows)]
    assert [r[0] for r in body] == [r.receipt_no for r in rows]
    assert body[0][1] == dt.datetime.combine(rows[0].received_on, dt.time())
    assert body[0][3] == rows[0].title
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows is not None


def test_receipt_book_wrong_suffix(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"\.pdf hoặc \.xlsx"):
        receipts.write_receipt_book(demo_db, "2026/1", tmp_path / "so.csv")


@needs_pdftotext
def test_reconciliation_pdf_and_xlsx(demo_db: Database, tmp_path: Path) -> None:
    data = reconciliation.reconcile(demo_db, "2026/1")
    report = reconciliation_report.load_report(demo_db, "2026/1")
    text = pdftotext(reconciliation_report.report_pdf(report), tmp_path)
    assert "BÁO CÁO ĐỐI CHIẾU HỒ SƠ VỚI DANH SÁCH ĐĂNG KÝ SÁNG KIẾN" in text
    assert (
        f"I. Đã đăng ký sáng kiến năm 2026 nhưng chưa nộp hồ sơ ({len(data.registered_without_dossier)})"
        in text
    )
    assert (
        f"II. Đã nộp hồ sơ nhưng chưa đăng ký sáng kiến ({len(data.dossiers_without_registration)})" in text
    )
    assert "III. Trùng tác giả hoặc tên sáng kiến đã được công nhận những năm trước (0)" in text
    assert "Không có." in text
    for u in data.dossiers_without_registration:
        assert u.code in text

    out = reconciliation_report.write_report(demo_db, "2026/1", tmp_path / "doi-chieu.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Chưa nộp hồ sơ", "Chưa đăng ký", "Đã công nhận trước", "Cần xác nhận"]
    codes = [
        row[1]
        for row in wb["Chưa đăng ký"].iter_rows(values_only=True)
        if isinstance(row[1], str) and row[1].startswith("HS")
    ]
    assert codes == [u.code for u in data.dossiers_without_registration]
    titles = {row[2] for row in wb["Chưa nộp hồ sơ"].iter_rows(values_only=True) if isinstance(row[0], int)}
    assert titles == {m.title for m in data.registered_without_dossier}
    assert any(row[0] == "Không có." for row in wb["Đã công nhận trước"].iter_rows(values_only=True))


def test_long_receipt_stays_on_one_page_per_copy(demo_db: Database) -> None:
    ctx = intake.intake_context(demo_db, intake.get_dossier(demo_db, "HS26-045").round_id)
    extra = [
        intake.ChecklistInput("Ảnh chụp minh họa quá trình áp dụng", False, None, None, False),
        intake.ChecklistInput("Báo cáo đánh giá của đơn vị áp dụng thử", True, 2, 3),
    ]
    names = ["Nguyễn Thị Thanh Hương", "Trần Đức Mạnh", "Lê Văn Quyết", "Phạm Thị Ngọc Ánh", "Đặng Hữu Phước"]
    result = intake.receive(
        demo_db,
        intake.DossierInput(
            round_id=ctx.round_id,
            unit_id=intake.get_dossier(demo_db, "HS26-045").unit_id,
            title="Ứng dụng nền tảng số dùng chung trong quản lý, theo dõi, đôn đốc việc giải quyết hồ sơ thủ "
            "tục hành chính, phản ánh kiến nghị của người dân và doanh nghiệp tại bộ phận tiếp nhận và trả "
            "kết quả của Ủy ban nhân dân phường Tam Điệp giai đoạn 2025–2026",
            received_on=dt.date(2026, 11, 2),
            authors=[
                intake.AuthorInput(n, dt.date(1980 + i, 1, 1 + i), contribution=c)
                for i, (n, c) in enumerate(zip(names, ["30", "25", "20", "15", "10"], strict=True))
            ],
            delivered_by=names[0],
            delivered_phone="0912 345 678",
            checklist=[*ctx.checklist, *extra],
        ),
    )
    pdf = receipts.receipt_pdf(demo_db, result.code, copies=2)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert "NGƯỜI NHẬN HỒ SƠ" in reader.pages[0].extract_text()
