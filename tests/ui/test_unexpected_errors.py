"""An exception nobody expected (in a slot, on a worker thread, in a background job) is logged to
``logs/sangkien.log`` and shown in a Vietnamese dialog with the log's path and a button to copy the details."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from sangkien_desktop.ui import unexpected_errors, workers


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[tuple[str, str]]]:
    monkeypatch.setenv("SANGKIEN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        unexpected_errors, "show_dialog", lambda _p, summary, text: shown.append((summary, text))
    )
    handler = unexpected_errors.setup_logging()
    unexpected_errors.install()
    yield shown
    unexpected_errors.uninstall()
    logging.getLogger().removeHandler(handler)
    handler.close()


def _boom() -> None:
    raise ValueError("hỏng ở đây")


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_and_shown(qtbot: QtBot, installed: list[tuple[str, str]]) -> None:
    QTimer.singleShot(0, _boom)
    qtbot.waitUntil(lambda: bool(installed))
    summary, text = installed[0]
    assert summary == "ValueError: hỏng ở đây"
    assert "_boom" in text and "Traceback" in text
    log = unexpected_errors.log_file().read_text(encoding="utf-8")
    assert "ValueError: hỏng ở đây" in log and "_boom" in log


@pytest.mark.qt_no_exception_capture
def test_exception_on_a_thread_is_shown_on_the_gui_thread(
    qtbot: QtBot, installed: list[tuple[str, str]]
) -> None:
    thread = threading.Thread(target=_boom)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(installed))
    assert installed[0][0] == "ValueError: hỏng ở đây"


def test_background_job_error_is_shown_once(qtbot: QtBot, installed: list[tuple[str, str]]) -> None:
    job = workers.run_in_background(None, "Thử", lambda _progress: _boom(), show_dialog=False)
    qtbot.waitUntil(lambda: job.done)
    qtbot.waitUntil(lambda: bool(installed))
    assert installed == [(installed[0][0], installed[0][1])]
    assert installed[0][0] == "ValueError: hỏng ở đây"
    assert "background job failed" in unexpected_errors.log_file().read_text(encoding="utf-8")


def test_dialog_says_data_is_safe_and_copies_details(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANGKIEN_DATA_DIR", str(tmp_path))
    dialog = unexpected_errors.ErrorDialog(None, "ValueError: x", "Traceback …\nValueError: x")
    qtbot.addWidget(dialog)
    dialog.show()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Đã xảy ra lỗi" in texts and "dữ liệu không bị mất" in texts
    assert str(tmp_path / "logs" / "sangkien.log") in texts
    copy = dialog.findChild(QPushButton, "copy_details")
    copy.click()
    assert dialog.isVisible()  # copying does not close it
    assert "Traceback …" in QApplication.clipboard().text()
