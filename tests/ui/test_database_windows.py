"""Tệp menu and the demo: the demo opens in a window and file of its own (``demo.db`` in the data folder) that
says "DỮ LIỆU MẪU"; Mở…/Tạo mới…/recent files replace the window's database and are remembered for the next
start; the real database never receives demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from sangkien_desktop.cli import main as cli
from sangkien_desktop.db.database import Database
from sangkien_desktop.services import demo, stats
from sangkien_desktop.ui import database_windows, messages, recent_databases
from sangkien_desktop.ui.database_windows import DatabaseWindows
from sangkien_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("SANGKIEN_DATA_DIR", str(folder))
    QSettings().remove("databases")
    yield folder
    QSettings().remove("databases")


@pytest.fixture
def windows(data: Path) -> Iterator[DatabaseWindows]:
    manager = DatabaseWindows(prompt=False)
    yield manager
    for window in manager.windows:
        window.close()
    manager.close_all()


def _action(window: MainWindow, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def test_demo_opens_in_its_own_window_and_file(
    qtbot: QtBot, windows: DatabaseWindows, data: Path, tmp_path: Path
) -> None:
    real = windows.open(str(tmp_path / "that.db"))
    assert real is not None
    _action(real, "action_demo").trigger()
    qtbot.waitUntil(lambda: len(windows.windows) == 2, timeout=30_000)
    shown = windows.windows[1]
    assert shown.ctx.db.path == data / "demo.db"
    assert shown.windowTitle().startswith("DỮ LIỆU MẪU")
    assert shown.demo_banner.isVisible() and "DỮ LIỆU MẪU" in shown.demo_banner.text()
    assert shown.round_combo.count() == 2
    assert stats.get_stats(real.ctx.db).dossiers == 0  # the real database stays empty
    assert real.isVisible() and not real.demo_banner.isVisible()
    _action(real, "action_demo").trigger()  # asked again: the same window comes forward
    assert len(windows.windows) == 2
    assert recent_databases.last() is None  # the demo is never the database opened at start


def test_open_new_and_recent_are_remembered(
    qtbot: QtBot, windows: DatabaseWindows, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = windows.open(str(tmp_path / "a.db"))
    assert first is not None
    other = tmp_path / "b.db"
    cli(["--db", str(other), "demo", "--dossiers", "3"])
    monkeypatch.setattr(messages, "ask_open_path", lambda *a, **k: other)
    _action(first, "action_open").trigger()
    assert [w.ctx.db.path for w in windows.windows] == [other]  # replaced, the first one closed
    assert not first.isVisible()
    assert recent_databases.last() == other.resolve()
    assert database_windows.start_target(None) == str(other.resolve())
    assert database_windows.start_target("x.db") == "x.db"

    second = windows.windows[0]
    new = tmp_path / "moi"
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: new)
    _action(second, "action_new").trigger()
    made = windows.windows[0]
    assert made.ctx.db.path == new.with_suffix(".db")
    assert made.round_combo.count() == 0
    assert recent_databases.last() == new.with_suffix(".db").resolve()

    made.recent_menu.aboutToShow.emit()
    recent = [a for a in made.recent_menu.actions() if a.data()]
    assert [Path(a.data()) for a in recent] == [other.resolve(), (tmp_path / "a.db").resolve()]
    recent[0].trigger()
    assert windows.windows[0].ctx.db.path == other


def test_new_database_never_overwrites_a_file(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"data")
    told: list[str] = []
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: taken)
    monkeypatch.setattr(messages, "show_info", lambda _p, text, *a: told.append(text))
    with qtbot.assertNotEmitted(window.openRequested):
        window.create_database()
    assert told and "đã có" in told[0]
    assert taken.read_bytes() == b"data"


def _gui(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", SANGKIEN_DATA_DIR=str(data))
    env.pop("SANGKIEN_DB_URL", None)
    code = "import sys; from sangkien_desktop.ui.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_demo_flag_uses_demo_db_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _gui(["--demo", "--no-prompt", "--screenshot", str(tmp_path / "a.png")], data)
    assert done.returncode == 0, done.stderr
    demo_db = Database.open(data / "demo.db")
    try:
        assert demo.is_demo(demo_db) and stats.get_stats(demo_db).dossiers == 60
    finally:
        demo_db.dispose()
    assert not (data / "sangkien.db").exists()  # the real database was not even created

    named = tmp_path / "demo.db"  # the README's command: --db demo.db --demo
    done = _gui(["--db", str(named), "--demo", "--no-prompt", "--screenshot", str(tmp_path / "b.png")], data)
    assert done.returncode == 0, done.stderr
    db = Database.open(named)
    try:
        assert demo.is_demo(db)
    finally:
        db.dispose()
