"""The score summary, minutes, tờ trình and quyết định of a graded round: PDF and Word/Excel read back."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import update

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import GradeBand, GradeResult
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.services.documents import decision, minutes, summary
from sangkien_desktop.services.documents.round_data import RoundData, load_round

from .conftest import docx_text, needs_pdftotext, pdf_text, round_id


def _short(title: str) -> str:
    """The first words of a title (long titles wrap inside table cells)."""
    return " ".join(title.split()[:3])


@needs_pdftotext
def test_summary_pdf_and_xlsx(round1: RoundData, tmp_path: Path) -> None:
    pdf = summary.summary_pdf(round1)
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = pdf_text(pdf, tmp_path)
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM SÁNG KIẾN" in text
    for m in round1.active_members:
        assert m.name.split()[-1] in text
    rows = summary.summary_rows(round1)
    top = rows[0]
    assert top.dossier.code in text
    assert f"{top.mean}".replace(".", ",") in text
    assert "Tổng tiền thưởng" in text and "đồng (" in text

    wb = openpyxl.load_workbook(io.BytesIO(summary.summary_xlsx(round1)))
    ws = wb.active
    header = next(r for r in range(1, 40) if ws.cell(row=r, column=2).value == "Mã hồ sơ")
    first = header + 2  # grouped head takes two rows
    nmem = len(round1.active_members)
    for i, r in enumerate(rows):
        assert ws.cell(row=first + i, column=2).value == r.dossier.code
        assert float(ws.cell(row=first + i, column=6 + nmem).value) == pytest.approx(float(r.mean))  # type: ignore[arg-type]
        assert (ws.cell(row=first + i, column=8 + nmem).value or "") == r.grade
    assert ws.page_setup.orientation == "landscape"


@needs_pdftotext
def test_minutes_pdf_and_docx(round1: RoundData, tmp_path: Path) -> None:
    text = pdf_text(minutes.minutes_pdf(round1), tmp_path)
    word = docx_text(minutes.minutes_docx(round1))
    for t in (text, word):
        assert "BIÊN BẢN" in t
        assert "ngày 20 tháng 5 năm 2026" in t
        for m in round1.active_members:
            assert m.name in t
        assert f"Có mặt: {round1.present_count():02d}/{len(round1.active_members):02d}" in t
        assert "Kết luận" in t
        assert f"đề nghị công nhận {len(round1.recognized()):02d} sáng kiến" in t
        assert "THƯ KÝ" in t and "CHỦ TỌA" in t
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t
    for d in round1.ranked()[:5]:
        assert _short(d.title) in text


@needs_pdftotext
def test_decision_and_list(round1: RoundData, tmp_path: Path) -> None:
    pdf = decision.decision_pdf(round1)
    text = pdf_text(pdf, tmp_path)
    word = docx_text(decision.decision_docx(round1))
    for t in (text, word):
        assert "Số: 15/QĐ-UBND" in t
        assert "Tam Điệp, ngày 05 tháng 6 năm 2026" in t
        assert "QUYẾT ĐỊNH" in t and "Về việc công nhận sáng kiến đợt 1 năm 2026" in t
        assert "Căn cứ Nghị định số 13/2012/NĐ-CP" in t
        assert "2.000.000 đồng (Hai triệu đồng)" in t
        assert "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN ĐỢT 1 NĂM 2026" in t
        assert "(Kèm theo Quyết định số 15/QĐ-UBND ngày 05/6/2026 của Ủy ban nhân dân phường Tam Điệp)" in t
        assert "Sáng kiến xếp loại A" in t
        assert f"Tổng cộng: {len(round1.recognized()):02d} sáng kiến" in t
    for d in round1.recognized():
        assert _short(d.title) in text
        for a in d.authors:
            assert a.name in text
    # the attached list is on landscape pages numbered on their own
    reader = PdfReader(io.BytesIO(pdf))
    assert float(reader.pages[0].mediabox.width) < float(reader.pages[0].mediabox.height)
    assert float(reader.pages[-1].mediabox.width) > float(reader.pages[-1].mediabox.height)


@needs_pdftotext
def test_submission(round1: RoundData, tmp_path: Path) -> None:
    text = pdf_text(decision.submission_pdf(round1), tmp_path)
    assert "TỜ TRÌNH" in text
    assert "Kính gửi: Chủ tịch UBND phường Tam Điệp." in text
    assert "Số:" in text and "/TTr-HĐSK" in text
    custom = pdf_text(
        decision.submission_pdf(round1, "Chủ tịch Hội đồng Thi đua - Khen thưởng phường"), tmp_path
    )
    assert "Kính gửi: Chủ tịch Hội đồng Thi đua - Khen thưởng phường." in custom
    assert "DANH SÁCH SÁNG KIẾN ĐỀ NGHỊ CÔNG NHẬN" in text


@needs_pdftotext
def test_money_wording_settings_reach_the_decision(graded_db: Database, tmp_path: Path) -> None:
    rid = round_id(graded_db, 1)
    with graded_db.session() as session:
        settings_service.put(session, {"money_zero_ten": "lẻ", "money_four": "bốn"})
        for code, amount in (("C", 104_000), ("A", 1_010_000)):
            session.execute(update(GradeBand).where(GradeBand.code == code).values(amount=amount))
            session.execute(update(GradeResult).where(GradeResult.grade == code).values(reward=amount))
    with graded_db.reading() as session:
        data = load_round(session, rid)
    text = pdf_text(decision.decision_pdf(data), tmp_path)
    assert "104.000 đồng (Một trăm lẻ bốn nghìn đồng)" in text
    assert "1.010.000 đồng (Một triệu không trăm mười nghìn đồng)" in text


@needs_pdftotext
def test_ungraded_round_still_renders(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as session:
        data = load_round(session, round_id(demo_db, 1))
    assert "Chưa áp dụng xếp loại" in pdf_text(summary.summary_pdf(data), tmp_path)
    assert "chưa áp dụng xếp loại" in pdf_text(minutes.minutes_pdf(data), tmp_path)
    text = pdf_text(decision.decision_pdf(data), tmp_path)
    assert "Số:" in text and "/QĐ-UBND" in text
    assert "Chưa có sáng kiến nào được công nhận" in text
