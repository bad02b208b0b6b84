"""One way to act (issue 21): every database write of the window comes through ``ui/operations.Op`` (that no
module of ``ui/`` opens a database session is checked in tests/test_architecture.py).

The walk is the one of ``test_every_button``: every enabled button of every page, dialog and menu of the demo,
in both rounds. Every commit that wrote while no ``Op`` was running (``operations.active() == 0``) is listed by
the action that made it.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui import operations
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import PAGE_SPECS
from tests.helpers.commits import CommitWatch
from tests.helpers.ui_walk import Walker, is_quit


def _writes_outside_op(watch: CommitWatch) -> list[str]:
    """One line per action that committed a write with no Op running: the action, then the tables written."""
    found: dict[str, set[str]] = defaultdict(set)
    for commit in watch.writes:
        action, ops_running = commit.where
        if not ops_running:
            found[action].update(commit.tables)
    return [f"{action} wrote {', '.join(sorted(tables))}" for action, tables in sorted(found.items())]


def test_every_write_of_the_walk_goes_through_an_op(
    qtbot: QtBot, demo_db: Database, walker: Walker, answered_file_dialogs: Path
) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    phase = ["opening the window"]

    def where() -> tuple[str, int]:
        return (walker.doing[-1] if walker.doing else phase[0], operations.active())

    with CommitWatch(where=where) as watch:
        for index in range(window.round_combo.count()):
            phase[0] = f"choosing round {index + 1}"
            window.round_combo.setCurrentIndex(index)
            for spec in PAGE_SPECS:
                phase[0] = f"showing page {spec.key} (round {index + 1})"
                window.show_page(spec.key)
                walker.press_all(window.pages[spec.key])
        phase[0] = "the menus"
        walker.trigger_all(a for a in window.findChildren(QAction) if not is_quit(a))
    window.close()
    assert len(walker.log.pressed) > 300, walker.log.pressed
    assert watch.commits, "the watch saw no commit at all: it is not listening"
    offenders = _writes_outside_op(watch)
    assert not offenders, "database writes outside ui/operations.Op:\n" + "\n".join(offenders)
