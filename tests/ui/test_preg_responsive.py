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


def test_import_preview_reads_off_the_gui_thread(qtbot: QtBot, demo_db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sangkien_desktop.services import registrations
    from sangkien_desktop.ui.dialogs.registration_import_dialog import RegistrationImportDialog
    from tests.helpers.registration_files import write_xlsx

    path = write_xlsx(tmp_path / "bac-son.xlsx", year=2026)
    units = registrations.list_units(demo_db)
    warmup.start()
    assert wait_until(warmup.done, 120)
    heart = Heartbeat(threshold=LIMIT)
    _settle(0.1)
    heart.reset()
    dialog = RegistrationImportDialog(demo_db, path, 2026, units)
    qtbot.addWidget(dialog)
    dialog.show()
    assert wait_until(lambda: not dialog.busy(), 60)
    dialog.replace.setChecked(True)  # another preview, read again off the GUI thread
    assert wait_until(lambda: not dialog.busy(), 60)
    _settle(0.1)
    heart.stop()
    assert dialog.preview is not None and dialog.preview.ok
    assert heart.worst < LIMIT, heart.worst
