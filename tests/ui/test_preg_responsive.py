"""The Đăng ký, Hồ sơ and Tra cứu pages never block the event loop for long on the demo database: their
first visit, a refresh, and the import previews (which run on a worker thread) — measured with a heartbeat
QTimer (tests/helpers/heartbeat.py)."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui import warmup
from sangkien_desktop.ui.main_window import MainWindow
from tests.helpers.heartbeat import Heartbeat
from tests.helpers.ui_walk import wait_until

LIMIT = 0.3


def _settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > end, seconds + 1)


def test_first_visits_do_not_freeze(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    warmup.start()  # as the app does once its first window is up
    assert wait_until(warmup.done, 120)
    _settle()
    stalls: dict[str, float] = {}
    for key in ("registrations", "dossiers", "search", "registrations", "dossiers"):
        heart = Heartbeat(threshold=LIMIT)
        _settle(0.1)
        heart.reset()
        window.show_page(key)
        _settle(0.5)
        heart.stop()
        stalls[key] = max(stalls.get(key, 0.0), heart.worst)
    print(stalls)
    assert all(s < LIMIT for s in stalls.values()), stalls
