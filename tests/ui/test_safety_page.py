"""The Sao lưu & Nhật ký page, driven like a secretary would."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services import audit, backup, document_workers, finalize, round_documents, stats
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import safety_page
from sangkien_desktop.ui.pages.safety_page import SafetyPage
from tests.helpers.qt import type_text


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, list[str]]]:
    """Replace dialogs: confirmations say yes, messages are recorded; backup settings live in tmp_path."""
    monkeypatch.setenv("SANGKIEN_DATA_DIR", str(tmp_path / "data"))
    log: dict[str, list[str]] = {"info": [], "error": [], "confirm": []}
    monkeypatch.setattr(messages, "show_info", lambda _p, t, *a, **k: log["info"].append(t))
    monkeypatch.setattr(messages, "show_error", lambda _p, e, *a, **k: log["error"].append(str(e)))

    def confirm(_p: object, t: str, *a: object, **k: object) -> bool:
        log["confirm"].append(t)
        return True

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(safety_page, "open_folder", lambda p: log["info"].append(f"mở {p}"))
    yield log


@pytest.fixture
def page(qtbot: QtBot, demo_db: Database, said: dict[str, list[str]]) -> Iterator[SafetyPage]:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    win.show_page("safety")
    p = win.page("safety")
    assert isinstance(p, SafetyPage)
    yield p
    win.close()


def _wait(qtbot: QtBot, holder: object) -> None:
    job = holder.job  # type: ignore[attr-defined]
    assert job is not None
    qtbot.waitUntil(lambda: job.done, timeout=30_000)


def test_backup_now_lists_and_previews_the_copy(
    qtbot: QtBot, page: SafetyPage, said: dict[str, list[str]]
) -> None:
    tab = page.backups
    assert tab.model.rowCount() == 0
    assert "Chưa có bản sao lưu" in tab.preview.toPlainText()
    qtbot.mouseClick(tab.backup_btn, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert said["info"] and "Đã sao lưu vào" in said["info"][-1]
    assert tab.model.rowCount() == 1
    preview = page.findChild(QPlainTextEdit, "backup_preview")
    assert preview is not None
    # read in the background (a large council's copy takes seconds to check)
    qtbot.waitUntil(lambda: "Hồ sơ: 60" in preview.toPlainText(), timeout=30_000)
    assert "Sao lưu thủ công" in preview.toPlainText()
    assert "Thư mục sao lưu:" in page.findChild(QLabel, "backup_folder").text()  # type: ignore[union-attr]


def test_restore_after_confirmation(
    qtbot: QtBot, page: SafetyPage, demo_db: Database, said: dict[str, list[str]]
) -> None:
    tab = page.backups
    tab.backup_now()
    _wait(qtbot, tab)
    with demo_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM votes"))
    page.ctx.undo_stack.push(QUndoCommand("thử"))
    tab.view.selectRow(0)
    tab.restore_selected()
    qtbot.waitUntil(lambda: tab.inspect_job is not None and tab.inspect_job.done, timeout=30_000)
    _wait(qtbot, tab)
    assert said["confirm"] and "Toàn bộ dữ liệu hiện tại sẽ được thay" in said["confirm"][-1]
    assert "Hồ sơ: 60" in said["confirm"][-1]
    assert said["info"][-1].startswith("Đã khôi phục dữ liệu")
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM votes")).scalar() == 40
    assert page.ctx.undo_stack.count() == 0
    kinds = [b.kind for b in tab.model.records()]
    assert backup.BackupKind.BEFORE_RESTORE in kinds


def test_restore_cancelled_changes_nothing(
    qtbot: QtBot, page: SafetyPage, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = page.backups
    tab.backup_now()
    _wait(qtbot, tab)
    with demo_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM votes"))
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: False)
    tab.view.selectRow(0)
    job_before = tab.job
    tab.restore_selected()
    qtbot.waitUntil(lambda: tab.inspect_job is not None and tab.inspect_job.done, timeout=30_000)
    assert tab.job is job_before
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM votes")).scalar() == 0


def test_choosing_a_usb_folder(
    qtbot: QtBot, page: SafetyPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(safety_page, "choose_folder", lambda *a, **k: usb)
    tab = page.backups
    tab.choose_backup_folder()
    assert backup.council_backup_dir(page.ctx.db) == str(usb)  # the council setting (also on Cài đặt)
    assert audit.list_entries(page.ctx.db, audit.AuditFilter(entity="setting", entity_id="backup_dir"))
    assert str(usb) in tab.folder_label.text()
    tab.keep_spin.setValue(15)
    tab.on_exit_cb.setChecked(False)
    saved = backup.load_settings()
    assert saved.keep_last == 15 and saved.on_exit is False
    tab.backup_now()
    _wait(qtbot, tab)
    assert list(usb.glob("*_thu-cong.db"))
    usb.rename(tmp_path / "rut-ra")  # the stick is pulled out
    tab.refresh()
    assert "chưa cắm USB" in tab.fallback_label.text()
    tab.use_default_folder()
    assert backup.council_backup_dir(page.ctx.db) == ""
    assert tab.fallback_label.text() == ""


def test_audit_log_filters_detail_and_chain_check(
    qtbot: QtBot, page: SafetyPage, demo_db: Database, said: dict[str, list[str]]
) -> None:
    page.tabs.setCurrentWidget(page.audit)
    tab = page.audit
    total = audit.count_entries(demo_db)
    assert tab.model.rowCount() == total and f"/{total} dòng" in tab.count_label.text()
    index = tab.entity_combo.findData("round")
    tab.entity_combo.setCurrentIndex(index)
    assert tab.model.rowCount() == 2
    assert all(r.entity == "round" for r in tab.model.records())
    detail = page.findChild(QTableWidget, "audit_detail")
    assert detail is not None and detail.rowCount() == 2
    assert {detail.item(r, 0).text() for r in range(2)} == {"Năm", "Số đợt"}  # not "year", "number"
    tab.entity_combo.setCurrentIndex(0)
    type_text(tab.text_edit, "Địa danh")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=3000)
    tab.text_edit.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == total, timeout=3000)

    tab.verify_chain()
    _wait(qtbot, tab)
    assert "nguyên vẹn" in tab.chain_label.text()
    with demo_db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = 'giả mạo' WHERE id = 5"))
    tab.reload()
    tab.verify_chain()
    _wait(qtbot, tab)
    assert "bị sửa" in tab.chain_label.text()
    assert said["error"] and "Nhật ký dòng 5" in said["error"][-1]
    assert tab.broken == {5}
    row = next(i for i, r in enumerate(tab.model.records()) if r.id == 5)
    assert tab.model.data(tab.model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None

    tab.check_all()
    _wait(qtbot, tab)
    assert "Phát hiện 1 lỗi" in said["error"][-1]


def test_finalize_and_reopen_from_the_page(
    qtbot: QtBot,
    page: SafetyPage,
    demo_db: Database,
    tmp_path: Path,
    said: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = page.window()
    assert isinstance(window, MainWindow)
    window.round_combo.setCurrentIndex(1)  # Đợt 1
    page.tabs.setCurrentWidget(page.finalize)
    tab = page.finalize
    assert "Đợt 1 năm 2026 — Đang chấm điểm" in tab.round_label.text()
    assert tab.finalize_btn.isEnabled() and not tab.reopen_btn.isEnabled()
    monkeypatch.setattr(safety_page, "choose_folder", lambda *a, **k: tmp_path / "luu")
    tab.choose_archive_root()
    type_text(tab.decision_no, "15/QĐ-HĐSK")
    tab.finalize_round()
    _wait(qtbot, tab)
    assert "Chốt kết quả Đợt 1 năm 2026?" in said["confirm"][-1]
    assert "Đã chốt kết quả Đợt 1 năm 2026" in said["info"][-1]
    assert window.ctx.round is not None and window.ctx.round.status is RoundStatus.FINALIZED
    assert "Đã chốt kết quả" in window.round_combo.currentText()
    assert tab.reopen_btn.isEnabled() and not tab.finalize_btn.isEnabled()
    assert tab.archives.count() == 1 and str(tmp_path / "luu") in tab.archives.item(0).text()
    assert "Quyết định số 15/QĐ-HĐSK" in tab.state_label.text()

    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "ngắn")
    tab.reopen_round()
    assert "lý do" in said["error"][-1]
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Sửa điểm nhập nhầm theo biên bản họp")
    tab.reopen_round()
    assert "Đã mở lại Đợt 1 năm 2026" in said["info"][-1]
    assert window.ctx.round is not None and window.ctx.round.status is RoundStatus.SCORING
    assert stats.get_stats(demo_db).dossiers == 60


def test_finalize_from_the_page_with_the_documents_worker(
    qtbot: QtBot,
    page: SafetyPage,
    demo_db: Database,
    tmp_path: Path,
    said: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big round's documents are made by a second process, started from the page's worker thread."""
    monkeypatch.setattr(document_workers, "MIN_DOSSIERS", 0)  # the demo round is small
    runs: list[int] = []
    real_run = document_workers.run

    def counted(*args: Any, **kwargs: Any) -> list[round_documents.Outcome]:
        runs.append(threading.get_ident())
        return real_run(*args, **kwargs, take_here=False)  # every document by the second process

    monkeypatch.setattr(document_workers, "run", counted)
    window = page.window()
    assert isinstance(window, MainWindow)
    window.round_combo.setCurrentIndex(1)  # Đợt 1
    page.tabs.setCurrentWidget(page.finalize)
    tab = page.finalize
    monkeypatch.setattr(safety_page, "choose_folder", lambda *a, **k: tmp_path / "luu")
    tab.choose_archive_root()
    tab.finalize_round()
    _wait(qtbot, tab)
    assert "Đã chốt kết quả Đợt 1 năm 2026" in said["info"][-1]
    assert runs and runs[0] != threading.get_ident()  # on the page's worker thread
    (folder,) = [p for p in (tmp_path / "luu").iterdir() if p.is_dir()]
    assert finalize.verify_archive(folder) == []
    assert not multiprocessing.active_children()


def test_screenshots(qtbot: QtBot, page: SafetyPage, tmp_path: Path) -> None:
    page.backups.backup_now()
    _wait(qtbot, page.backups)
    for i in range(3):
        page.tabs.setCurrentIndex(i)
        assert not page.window().grab().isNull()
