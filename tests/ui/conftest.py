from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui import messages, workers
from sangkien_desktop.ui.main_window import MainWindow
from tests.helpers.ui_walk import Walker, is_quit, wait_until


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> Iterator[MainWindow]:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture(autouse=True, scope="session")
def _qt_in_vietnamese(qapp: object) -> Iterator[None]:
    """The widgets tested speak as the app does: Qt's own words in Vietnamese (ui/translation.py)."""
    from PySide6.QtWidgets import QApplication

    from sangkien_desktop.ui import translation

    translator = translation.load()
    if translator is not None:
        QApplication.installTranslator(translator)
    yield
    if translator is not None:
        QApplication.removeTranslator(translator)


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> list[workers.Job]:
    started: list[workers.Job] = []
    original = workers.Job.start

    def start(job: workers.Job) -> workers.Job:
        started.append(job)
        return original(job)

    monkeypatch.setattr(workers.Job, "start", start)
    return started


@pytest.fixture
def answered_file_dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Save dialogs get a path in a temporary folder; open dialogs are cancelled."""
    out = tmp_path / "out"
    out.mkdir()

    def save_path(_parent: Any, _title: str, suggested: str, _filters: str = "") -> Path:
        return out / Path(suggested or "tep").name

    monkeypatch.setattr(messages, "ask_save_path", save_path)
    monkeypatch.setattr(messages, "ask_open_path", lambda *a, **k: None)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setenv("SANGKIEN_DATA_DIR", str(tmp_path / "data"))
    return out


@pytest.fixture
def walker(jobs: list[workers.Job]) -> Iterator[Walker]:
    def wait_jobs() -> None:
        assert wait_until(lambda: all(job.done for job in jobs), 30), "a background job never ended"

    before = set(QApplication.topLevelWidgets())
    walk = Walker(wait_jobs, skip=is_quit)
    yield walk
    walk.stop()
    for widget in set(QApplication.topLevelWidgets()) - before:  # hidden dialogs keep the focus otherwise
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
