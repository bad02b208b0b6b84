"""One way to act (issue 21): every database write of the window comes through ``ui/operations.Op``, and no
module of ``ui/`` opens a database session.

The walk is the one of ``test_every_button``: every enabled button of every page, dialog and menu of the demo,
in both rounds. Every commit that wrote while no ``Op`` was running (``operations.active() == 0``) is listed by
the action that made it.
"""

from __future__ import annotations

import ast
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

UI = Path(__file__).resolve().parents[2] / "sangkien_desktop" / "ui"


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


def _session_calls(path: Path, root: Path = UI.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = sorted(
        (node.lineno, node.func.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("session", "reading")
    )
    return [f"{path.relative_to(root)}:{line}: .{name}(" for line, name in calls]


def test_no_ui_module_opens_a_database_session() -> None:
    offenders = [line for path in sorted(UI.rglob("*.py")) for line in _session_calls(path)]
    assert not offenders, "ui/ must ask services, not open sessions:\n" + "\n".join(offenders)


def test_the_session_finder_sees_both_kinds(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text(
        "def f(self, db):\n    with db.session() as s:\n        pass\n"
        "    with self.ctx.db.reading() as r:\n        pass\n    session = db.sessions\n",
        encoding="utf-8",
    )
    assert _session_calls(sample, tmp_path) == ["page.py:2: .session(", "page.py:4: .reading("]
