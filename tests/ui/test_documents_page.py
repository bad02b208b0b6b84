"""The In ấn & Xuất page: preview of the exact PDF, save, certificates in the background with progress,
score import with undo, certificate numbering, pre-printed offsets, year-end charts."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Certificate, Round, Score
from sangkien_desktop.services.documents import certificate_layout, score_sheets
from sangkien_desktop.services.documents.round_data import load_round
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs import pdf_preview
from sangkien_desktop.ui.dialogs.certificate_offsets import CertificateOffsetsDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.documents_page import DocumentsPage
from tests.services.documents.grading import grade_demo


@pytest.fixture
def page(qtbot: QtBot, demo_db: Database) -> Iterator[DocumentsPage]:
    grade_demo(demo_db)
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    with demo_db.reading() as session:
        first = session.scalar(select(Round.id).where(Round.year == 2026, Round.number == 1))
    win.round_combo.setCurrentIndex(win.round_combo.findData(first))
    if win.ctx.round_id != first:
        win.ctx.select_round(first)
    win.nav.setCurrentRow(6)
    documents = win.pages["documents"]
    assert isinstance(documents, DocumentsPage)
    documents.refresh()
    yield documents
    win.close()


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, str, str]]:
    shown: list[tuple[bytes, str, str]] = []

    def fake(parent, pdf: bytes, title: str, suggested: str):  # type: ignore[no-untyped-def]
        shown.append((pdf, title, suggested))

    monkeypatch.setattr(pdf_preview, "preview_pdf", fake)
    return shown


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_preview_shows_the_decision_pdf(qtbot: QtBot, page: DocumentsPage, previews: list) -> None:  # type: ignore[type-arg]
    page.select_document("decision")
    assert "15/QĐ-UBND" in page.readiness.text()
    page.preview_button.click()
    qtbot.waitUntil(lambda: bool(previews), timeout=30_000)
    pdf, title, suggested = previews[0]
    assert pdf.startswith(b"%PDF") and title == "Quyết định công nhận sáng kiến"
    assert suggested == "quyet-dinh-cong-nhan-dot-1-nam-2026.pdf"
    assert "Về việc công nhận sáng kiến đợt 1 năm 2026" in _text(pdf)


def test_excel_only_document_has_no_preview(page: DocumentsPage) -> None:
    page.select_document("dost")
    assert not page.preview_button.isEnabled()
    assert page.format_combo.currentData() == "xlsx"
    assert not page.member_combo.isVisible()


def test_save_writes_the_chosen_format(
    qtbot: QtBot, page: DocumentsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "so-khcn"
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: target)
    page.select_document("dost")
    page.save_button.click()
    qtbot.waitUntil(lambda: "Đã lưu" in page.status.text(), timeout=30_000)  # written on the worker
    wb = openpyxl.load_workbook(target.with_suffix(".xlsx"))
    assert wb.active.title == "Sáng kiến được công nhận"

    page.select_document("minutes")
    page.format_combo.setCurrentIndex(page.format_combo.findData("docx"))
    target = tmp_path / "bien-ban.docx"
    page.save_button.click()
    qtbot.waitUntil(lambda: target.exists(), timeout=30_000)
    assert target.read_bytes().startswith(b"PK")


def test_certificates_batch_runs_in_background_with_progress(
    qtbot: QtBot,
    page: DocumentsPage,
    previews: list,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[type-arg]
) -> None:
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.select_document("certificates")
    assert "chưa có số vào sổ" in page.readiness.text()
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    page.preview_button.click()
    job = page.job
    assert job is not None and not job.done  # the page returned at once; the work runs on a thread
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    timer.stop()
    assert ticks, "the event loop kept running while the certificates were drawn"
    assert job.dialog is not None and job.dialog.maximum() > 0
    pdf = previews[-1][0]
    with page.ctx.db.reading() as session:
        numbered = session.scalar(select(func.count(Certificate.id)))
    assert numbered == len(PdfReader(io.BytesIO(pdf)).pages)
    assert "Đã cấp" in page.status.text()
    assert not page.allocate_button.isEnabled()


def test_allocate_button(qtbot: QtBot, page: DocumentsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.select_document("certificates")
    assert page.allocate_button.isEnabled()
    page.allocate_button.click()
    with page.ctx.db.reading() as session:
        assert session.scalar(select(func.count(Certificate.id)))
    assert "001/2026" in page.status.text()


def test_import_scores_with_undo(
    qtbot: QtBot, page: DocumentsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = page.ctx.db
    rid = page.ctx.round_id
    assert rid is not None
    with db.reading() as session:
        data = load_round(session, rid)
    member = data.active_members[2]
    wb = openpyxl.load_workbook(io.BytesIO(score_sheets.score_sheets_xlsx(data, member.id)))
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 40) if ws.cell(row=r, column=2).value == "Mã hồ sơ")
    for c in range(4):
        ws.cell(row=header + 1, column=6 + c).value = 3
    path = tmp_path / "phieu.xlsx"
    wb.save(path)
    dossier = data.dossiers_of_member(member.id)[0]

    def points() -> list[object]:
        with db.reading() as session:
            return sorted(
                session.scalars(
                    select(Score.points).where(Score.member_id == member.id, Score.dossier_id == dossier.id)
                )
            )

    before = points()
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask_open_path", lambda *a, **k: path)
    monkeypatch.setattr(messages, "confirm", lambda parent, text, *a, **k: asked.append(text) or True)
    page.select_document("score-sheets")
    assert page.import_button.isVisible()
    page.import_button.click()  # the check, then the import, each on a worker thread
    qtbot.waitUntil(lambda: "Đã nhập" in page.status.text(), timeout=30_000)
    assert asked and "Tệp hợp lệ" in asked[0]
    assert [float(p) for p in points()] == [3.0] * 4  # type: ignore[arg-type]
    page.ctx.undo_stack.undo()
    assert points() == before
    page.ctx.undo_stack.redo()
    assert [float(p) for p in points()] == [3.0] * 4  # type: ignore[arg-type]


def test_bad_score_file_is_reported(
    qtbot: QtBot, page: DocumentsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(bad)
    errors: list[str] = []
    monkeypatch.setattr(messages, "ask_open_path", lambda *a, **k: bad)
    monkeypatch.setattr(messages, "show_error", lambda parent, error, *a, **k: errors.append(str(error)))
    page.select_document("score-sheets")
    page.import_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=30_000)  # the check runs on a worker thread
    assert "không có phiếu chấm" in errors[0]


def test_offsets_dialog_and_undo(qtbot: QtBot, page: DocumentsPage) -> None:
    db = page.ctx.db
    dialog = CertificateOffsetsDialog(db, page)
    qtbot.addWidget(dialog)
    dialog.spins["name"][0].setValue(2.5)
    dialog.spins["page"][1].setValue(-1.0)
    offsets = dialog.offsets()
    assert offsets.of("name") == (2.5, -1.0)
    page.save_offsets(offsets)
    assert certificate_layout.load_offsets(db).of("name") == (2.5, -1.0)
    page.ctx.undo_stack.undo()
    assert certificate_layout.load_offsets(db).of("name") == (0.0, 0.0)
    dialog.reset()
    assert dialog.offsets().of("name") == (0.0, 0.0)


def test_year_tab_draws_the_figures(qtbot: QtBot, page: DocumentsPage) -> None:
    page.tabs.setCurrentIndex(1)
    assert page.report_year.currentData() == 2026
    assert "được công nhận" in page.report_summary.text()
    assert page.chart_rounds.categories == ["Đợt 1 năm 2026", "Đợt 2 năm 2026"]
    assert [s.name for s in page.chart_rounds.series] == ["Nhận", "Hợp lệ", "Công nhận"]
    assert page.chart_fields.categories and page.chart_types.categories
    image = page.grab()
    assert not image.isNull()


def test_issue_number_button(qtbot: QtBot, page: DocumentsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.select_document("minutes")
    assert page.number_edit.isVisible() and page.number_edit.text() == ""
    assert page.date_edit.text() == "20/05/2026"  # the minutes are dated the meeting day
    page.issue_button.click()
    assert page.number_edit.text() == "01/BB-HĐSK"
    assert "Đã cấp số 01/BB-HĐSK" in page.status.text()
    assert page.request().number == "01/BB-HĐSK"
    page.select_document("score-summary")
    assert not page.number_edit.isVisible()
    # the number sticks: shown again when the secretary comes back to the document
    page.select_document("minutes")
    assert page.number_edit.text() == "01/BB-HĐSK"


def test_numbers_and_dates_are_stored_on_the_round(
    qtbot: QtBot, page: DocumentsPage, previews: list[tuple[bytes, str, str]]
) -> None:
    page.select_document("submission")
    page.number_edit.setText("3")
    page.date_edit.setText("25/5/2026")
    page.save_numbers_button.click()
    assert "số tờ trình" in page.status.text()
    with page.ctx.db.reading() as session:
        rnd = session.get(Round, page.ctx.round_id)
        assert rnd is not None
        assert (rnd.submission_no, rnd.submission_date) == ("03/TTr-HĐSK", date(2026, 5, 25))
    assert page.number_edit.text() == "03/TTr-HĐSK"
    page.select_document("certificates")
    assert page.date_edit.isVisible() and page.salutation.isVisible() and not page.number_edit.isVisible()
    page.date_edit.setText("31/02/2026")
    with pytest.raises(Exception, match="Ngày ký giấy chứng nhận"):
        page.request()
    page.select_document("decision")
    page.date_edit.setText("05/06/2026")
    page.preview()
    qtbot.waitUntil(lambda: bool(previews), timeout=30_000)
    text = _text(previews[-1][0])
    assert "Tam Điệp, ngày 05 tháng 6 năm 2026" in text and "Tờ trình số 03/TTr-HĐSK ngày 25/5/2026" in text
    with page.ctx.db.reading() as session:
        rnd = session.get(Round, page.ctx.round_id)
        assert rnd is not None and rnd.decision_date == date(2026, 6, 5)
