"""The Kết quả, In ấn & Xuất and Sao lưu & Nhật ký pages never hold the window: grading a round when the page
is shown or the round changes, a what-if, saving results and its undo/redo, an export, a backup, the data
check and finalizing run on worker threads, measured with the heartbeat of tests/helpers/heartbeat.py."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QGroupBox
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services import grading, rounds
from sangkien_desktop.ui import messages, warmup
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.documents_page import DocumentsPage
from sangkien_desktop.ui.pages.results_page import ResultsPage
from sangkien_desktop.ui.pages.safety_page import SafetyPage
from sangkien_desktop.ui.workers import Job
from tests.helpers.heartbeat import Heartbeat
from tests.helpers.ui_walk import wait_until

LIMIT = 0.3


@pytest.fixture
def fast_switch() -> Iterator[None]:
    """As the app's main() does: a worker thread hands the interpreter back to the window after 1 ms."""
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    yield
    sys.setswitchinterval(switch)


class Timed:
    """Runs actions under a heartbeat and names the ones during which the window stood still."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.doing = "(between actions)"
        self.heart = Heartbeat(blame=lambda: self.doing, threshold=LIMIT)

    def act(self, what: str, action: Callable[[], object], settled: Callable[[], bool]) -> None:
        self.doing = what
        action()
        self.qtbot.waitUntil(settled, timeout=60_000)
        self.qtbot.wait(60)  # a beat after the result was shown
        self.doing = "(between actions)"

    def stalls(self) -> list[str]:
        self.heart.stop()
        return [f"{s:.2f} s  {what}" for s, what in sorted(self.heart.stalls, reverse=True)]


def _job_done(holder: object) -> Callable[[], bool]:
    def done() -> bool:
        job: Job | None = holder.job  # type: ignore[attr-defined]
        return job is not None and job.done

    return done


def test_results_documents_and_safety_pages_keep_the_window_responsive(
    qtbot: QtBot,
    demo_db: Database,
    fast_switch: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    warmup.start()  # as the app does once its first window is up
    assert wait_until(warmup.done, 120)
    for key in ("results", "documents", "safety"):  # built once (not what is measured here)
        window.page(key)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(messages, "show_info", lambda *a, **k: None)
    errors: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, error, *a, **k: errors.append(str(error)))
    monkeypatch.setattr(messages, "ask_save_path", lambda _p, _t, name, *_a: tmp_path / name)
    timed = Timed(qtbot)
    results = window.page("results")
    assert isinstance(results, ResultsPage)

    def settled() -> bool:
        return not results.busy() and results.current is not None

    timed.act("show Kết quả", lambda: window.show_page("results"), settled)
    for index in range(window.round_combo.count()):
        timed.act(f"pick round {index}", lambda i=index: window.round_combo.setCurrentIndex(i), settled)
    scoring = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.SCORING)
    timed.act(
        "pick the round being scored",
        lambda: window.round_combo.setCurrentIndex(window.round_combo.findData(scoring.id)),
        settled,
    )
    timed.act(
        "what-if: one A place", lambda: (results.bands.item(0, 3).setText("1"), results.recompute()), settled
    )
    timed.act("Lưu kết quả xếp loại", results.apply_button.click, settled)
    assert grading.load_saved_results(demo_db, scoring.id)
    timed.act("Ctrl+Z", window.ctx.undo_stack.undo, settled)
    assert not grading.load_saved_results(demo_db, scoring.id)
    timed.act("Ctrl+Y", window.ctx.undo_stack.redo, settled)
    assert grading.load_saved_results(demo_db, scoring.id)

    documents = window.page("documents")
    assert isinstance(documents, DocumentsPage)
    timed.act("show In ấn", lambda: window.show_page("documents"), lambda: True)
    documents.select_document("score-summary")
    timed.act(
        "save the summary sheet", documents.save_button.click, lambda: "Đã lưu" in documents.status.text()
    )

    safety = window.page("safety")
    assert isinstance(safety, SafetyPage)
    timed.act("show Sao lưu", lambda: window.show_page("safety"), lambda: True)
    timed.act("Sao lưu ngay", safety.backups.backup_btn.click, _job_done(safety.backups))
    safety.tabs.setCurrentWidget(safety.audit)
    timed.act("Kiểm tra dữ liệu", safety.audit.check_all, _job_done(safety.audit))
    safety.tabs.setCurrentWidget(safety.finalize)
    timed.act("Chốt kết quả đợt", safety.finalize.finalize_btn.click, _job_done(safety.finalize))
    assert next(r for r in rounds.list_rounds(demo_db) if r.id == scoring.id).status is RoundStatus.FINALIZED

    assert not errors
    stalls = timed.stalls()
    assert not stalls, "the event loop was blocked:\n" + "\n".join(stalls)


def test_what_if_budget_is_not_cut_at_1366x768(qtbot: QtBot, demo_db: Database) -> None:
    """Issue 18: the what-if's total, its change and the amount per grade (C last) all show in the panel."""
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.resize(1366, 728)  # 1366×768 less a taskbar
    window.show()
    scoring = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.SCORING)
    window.round_combo.setCurrentIndex(window.round_combo.findData(scoring.id))
    window.show_page("results")
    page = window.current_page()
    assert isinstance(page, ResultsPage)
    qtbot.waitUntil(lambda: not page.busy() and page.current is not None, timeout=20_000)
    page.bands.item(0, 3).setText("1")  # one A place: a change from the saved rules, one more line
    page.recompute()
    qtbot.waitUntil(lambda: not page.busy() and "theo quy tắc đã lưu" in page.budget.text(), timeout=20_000)
    qtbot.wait(50)
    budget = page.budget
    assert "C:&nbsp;" in budget.text()
    assert budget.height() >= budget.heightForWidth(budget.width())  # every line of it, the last one too
    panel = page.findChild(QGroupBox, "what_if")
    assert panel is not None
    bottom = budget.mapTo(panel, QPoint(0, budget.height())).y()
    assert bottom <= panel.contentsRect().bottom()
