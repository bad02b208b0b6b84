from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from sangkien_desktop.domain.errors import SangKienError
from sangkien_desktop.services.pdf.document import build_pdf
from sangkien_desktop.services.pdf.styles import get_styles, para
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs.pdf_preview import PdfPreviewDialog, print_pdf
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.widgets.record_model import (
    RECORD_ROLE,
    Column,
    RecordTableModel,
    RecordTableView,
    display_text,
)
from sangkien_desktop.ui.workers import Progress, run_in_background


@dataclass(frozen=True)
class Row:
    no: int
    title: str
    mean: Decimal
    day: dt.date


def _rows(n: int) -> list[Row]:
    titles = ["Đổi mới quy trình một cửa", "Số hóa hồ sơ", "Ứng dụng mã QR"]
    return [
        Row(i, f"{titles[i % 3]} {i}", Decimal(i % 97) + Decimal("0.25"), dt.date(2026, 1, 1))
        for i in range(n)
    ]


COLUMNS = [
    Column("Số", lambda r: r.no),
    Column("Tên sáng kiến", lambda r: r.title, width=300),
    Column("Điểm", lambda r: r.mean),
    Column("Ngày", lambda r: r.day),
]


def test_display_text() -> None:
    assert display_text(Decimal("84.50")) == "84,50"
    assert display_text(dt.date(2026, 1, 5)) == "05/01/2026"
    assert display_text(2_000_000) == "2.000.000"
    assert display_text(None) == ""
    assert display_text(True) == "✓"


def test_model_exposes_rows_lazily(qtbot: QtBot) -> None:
    model: RecordTableModel[Row] = RecordTableModel(COLUMNS, batch=1000)
    model.set_records(_rows(2500))
    assert model.rowCount() == 1000
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2000
    model.show_all()
    assert model.rowCount() == 2500
    assert model.data(model.index(3, 2)) == "3,25"
    assert model.data(model.index(3, 0), RECORD_ROLE).no == 3


def test_view_filters_accent_insensitively_and_sorts(qtbot: QtBot) -> None:
    model: RecordTableModel[Row] = RecordTableModel(COLUMNS)
    model.set_records(_rows(30))
    view = RecordTableView(model)
    qtbot.addWidget(view)
    assert view.proxy is not None
    view.proxy.set_text("doi moi")
    assert view.proxy.rowCount() == 10
    assert all("Đổi mới" in view.proxy.record(r).title for r in range(view.proxy.rowCount()))
    view.proxy.set_text("")
    view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    means = [view.proxy.record(r).mean for r in range(view.proxy.rowCount())]
    assert means == sorted(means, reverse=True)
    view.proxy.set_predicate(lambda r: r.no < 5)
    assert view.proxy.rowCount() == 5
    view.selectRow(0)
    assert view.current_record() is not None


def test_background_job_reports_progress_and_result(qtbot: QtBot) -> None:
    seen: list[int] = []

    def work(progress: Progress) -> int:
        for i in range(5):
            progress.report(i + 1, 5, f"Bước {i + 1}")
        return 42

    job = run_in_background(None, "Thử", work, on_done=seen.append, show_dialog=True)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert seen == [42] and job.result == 42 and job.error is None


def test_background_job_errors_and_cancel(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, *a, **k: shown.append(str(err)))

    def failing(progress: Progress) -> None:
        raise SangKienError("Tệp hỏng ở dòng 7")

    job = run_in_background(None, "Thử", failing, show_dialog=False)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert shown == ["Tệp hỏng ở dòng 7"]

    def cancellable(progress: Progress) -> None:
        progress.cancel()
        progress.check()

    job = run_in_background(None, "Thử", cancellable, show_dialog=False)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert job.error is not None and len(shown) == 1  # a cancel is silent


def _pdf() -> bytes:
    styles = get_styles()
    return build_pdf(
        [para("Giấy biên nhận hồ sơ — Đổi mới sáng tạo", styles.doc_type)],
        title="Thử",
        first_page_number=False,
    )


def test_pdf_preview_saves_and_prints(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _pdf()
    dialog = PdfPreviewDialog(pdf, "Giấy biên nhận", "bien-nhan.pdf")
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == 1
    assert "1 trang" in dialog.info.text()
    target = tmp_path / "luu"
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: target)
    saved = dialog.save_document()
    assert saved == target.with_suffix(".pdf") and saved.read_bytes() == pdf

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(dialog.document, printer)
    assert len(PdfReader(out).pages) == 1


def test_undo_stack_runs_service_callbacks(qtbot: QtBot, window: MainWindow) -> None:
    log: list[str] = []
    window.ctx.push_undo("Sửa tên", lambda: log.append("undo"), lambda: log.append("redo"), "registrations")
    assert log == []  # the change was already made
    assert "Sửa tên" in window.undo_action.text()
    window.undo_action.trigger()
    assert log == ["undo"]
    window.redo_action.trigger()
    assert log == ["undo", "redo"]
