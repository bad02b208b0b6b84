"""A background job started with ``yield_to_typing`` pauses while the secretary types."""

from __future__ import annotations

import threading
import time

import pytest

from sangkien_desktop.ui import workers
from sangkien_desktop.ui.workers import Cancelled, Progress


def test_a_yielding_job_waits_for_a_pause_in_typing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "QUIET_AFTER_TYPING", 0.3)
    yielding = Progress(lambda *_: None, yield_to_typing=True)
    plain = Progress(lambda *_: None)
    workers.user_typed()
    began = time.monotonic()
    yielding.check()
    assert time.monotonic() - began >= 0.25  # it waited until 0.3 s after the keystroke
    workers.user_typed()
    began = time.monotonic()
    plain.check()  # a job with a progress dialog never waits
    assert time.monotonic() - began < 0.25


def test_cancel_ends_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "QUIET_AFTER_TYPING", 60.0)
    progress = Progress(lambda *_: None, yield_to_typing=True)
    workers.user_typed()
    threading.Timer(0.1, progress.cancel).start()
    began = time.monotonic()
    with pytest.raises(Cancelled):
        progress.check()
    assert time.monotonic() - began < 30
    monkeypatch.setattr(workers, "_last_typed", [0.0])


def test_the_filter_of_a_list_counts_as_typing(qtbot: object) -> None:
    from sangkien_desktop.ui.widgets.record_model import Column, RecordFilterProxy, RecordTableModel

    model: RecordTableModel[str] = RecordTableModel([Column("Tên", lambda s: s)])
    model.set_records(["Đổi mới", "Số hóa"])
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    before = workers._last_typed[0]
    proxy.set_text("doi")
    assert workers._last_typed[0] > before
    assert proxy.rowCount() == 1
