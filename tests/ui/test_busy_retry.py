"""A background job that meets a database locked by another writer runs again with the wait cursor, then asks
(issue 17 §5)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sangkien_desktop.domain.errors import DatabaseBusyError
from sangkien_desktop.ui import messages, workers
from sangkien_desktop.ui.workers import Progress, run_in_background


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "BUSY_WAIT_MS", 10)


def _busy_for(times: int) -> tuple[list[int], Any]:
    calls: list[int] = []

    def work(_p: Progress) -> int:
        calls.append(1)
        if len(calls) <= times:
            raise DatabaseBusyError("Cơ sở dữ liệu đang bận")
        return 42

    return calls, work


def test_a_busy_job_runs_again_with_the_wait_cursor(qtbot: QtBot) -> None:
    calls, work = _busy_for(2)
    seen: list[int] = []
    job = run_in_background(None, "Thử", work, on_done=seen.append, show_dialog=False)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    assert seen == [42] and len(calls) == 3
    assert QApplication.overrideCursor() is None


def test_still_busy_asks_and_retries_on_yes(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    _calls, work = _busy_for(workers.BUSY_RETRIES + 2)
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda _p, text, *a, **k: asked.append(text) or True)
    seen: list[int] = []
    job = run_in_background(None, "Thử", work, on_done=seen.append, show_dialog=False)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    assert seen == [42] and len(asked) == 1 and "đang bận" in asked[0]


def test_still_busy_and_no_shows_the_message(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    _calls, work = _busy_for(100)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: False)
    shown: list[object] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, error, *a, **k: shown.append(error))
    job = run_in_background(None, "Thử", work, show_dialog=False)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    assert isinstance(job.error, DatabaseBusyError) and shown and QApplication.overrideCursor() is None
