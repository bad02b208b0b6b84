"""Every enabled button of every page, dialog and menu of the demo, pressed through its real signal.

Nothing may raise, log an error or show a message that speaks Python ("mã False", "TypeError …"). Modal
dialogs are walked in turn and then closed; file dialogs are answered with a temporary path (save) or
cancelled (open); confirmations are answered No, so nothing destructive is carried out.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import PAGE_SPECS
from tests.helpers.ui_walk import Walker, is_quit


def _assert_clean(walk: Walker, caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not walk.log.problems, "\n".join(walk.log.problems)
    assert not errors, "\n".join(errors)


def test_every_button_of_every_page_and_menu(
    qtbot: QtBot,
    demo_db: Database,
    walker: Walker,
    answered_file_dialogs: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    # the demo's first round is finalized, the second still open: the pages offer different buttons
    for index in range(window.round_combo.count()):
        window.round_combo.setCurrentIndex(index)
        for spec in PAGE_SPECS:
            window.show_page(spec.key)
            walker.press_all(window.pages[spec.key])
    walker.trigger_all(a for a in window.findChildren(QAction) if not is_quit(a))
    _assert_clean(walker, caplog)
    pressed = len(walker.log.pressed)
    assert pressed > 300, walker.log.pressed
    assert len(walker.log.dialogs) > 30, walker.log.dialogs
    assert any(box.startswith("Question") for box in walker.log.boxes)
    window.close()
