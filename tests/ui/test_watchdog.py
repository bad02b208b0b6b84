"""The window never freezes: while a secretary works through the demo — every page visited for the first
time, both rounds, every button and menu, and "Chốt kết quả" of the round being scored — the event loop is
never blocked for more than 0.3 s. Measured with a heartbeat QTimer (a modal dialog's loop keeps it beating,
so only real stalls count)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services import rounds
from sangkien_desktop.ui import messages, warmup
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import PAGE_SPECS
from tests.helpers.heartbeat import Heartbeat
from tests.helpers.ui_walk import Walker, is_quit, wait_until

LIMIT = 0.3


def test_no_user_action_blocks_the_event_loop(
    qtbot: QtBot,
    demo_db: Database,
    walker: Walker,
    answered_file_dialogs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # as the app's main() does: a worker thread hands the interpreter back to the window after 1 ms
    monkeypatch.setattr(sys, "getswitchinterval", sys.getswitchinterval)  # restored below
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    request_cleanup = lambda: sys.setswitchinterval(switch)  # noqa: E731
    heart = Heartbeat(
        blame=lambda: walker.doing[-1] if walker.doing else "(between actions)", threshold=LIMIT
    )
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    walker.act("open the main window", window.show)
    warmup.start()  # as the app does once its first window is up; a secretary reads the window meanwhile
    assert wait_until(warmup.done, 120)
    for index in range(window.round_combo.count()):
        walker.act(f"pick round {index}", lambda i=index: window.round_combo.setCurrentIndex(i))
        for spec in PAGE_SPECS:
            walker.act(f"open page {spec.key}", lambda k=spec.key: window.show_page(k))
            walker.press_all(window.pages[spec.key])
    walker.trigger_all(a for a in window.findChildren(QAction) if not is_quit(a))

    # "Chốt kết quả" of the round being scored, answered Yes this time
    scoring = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.SCORING)
    walker.act(
        "pick the round being scored",
        lambda: window.round_combo.setCurrentIndex(window.round_combo.findData(scoring.id)),
    )
    walker.act("open page safety", lambda: window.show_page("safety"))
    safety = window.pages["safety"]
    walker.act("open tab Chốt kết quả", lambda: safety.tabs.setCurrentWidget(safety.finalize))  # type: ignore[attr-defined]
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    button = safety.findChild(QPushButton, "finalize")
    assert button is not None and button.isEnabled()
    walker.act("Chốt kết quả đợt", button.click)
    assert next(r for r in rounds.list_rounds(demo_db) if r.id == scoring.id).status is RoundStatus.FINALIZED
    heart.stop()
    request_cleanup()
    stalls = sorted(heart.stalls, reverse=True)
    assert not stalls, "the event loop was blocked:\n" + "\n".join(f"{s:.2f} s  {what}" for s, what in stalls)
