"""Issue 18: nothing in the GUI's process opens the live database file outside SQLite.

On POSIX, closing any descriptor of a file drops all of the process's fcntl locks on it. A file dialog
opened in the database's folder (Qt reads the first bytes of files to name their type) used to drop the
GUI's SQLite locks: another process then believed it was the last connection, checkpointed and deleted the
WAL, and the GUI's writes were no longer seen by anyone ("disk I/O error" at the exit backup).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sangkien_desktop.ui import file_dialogs

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX locks, /proc/self/fd")


def test_second_process_after_file_dialog_check_and_backups(tmp_path: Path) -> None:
    folder = tmp_path / "du lieu"
    folder.mkdir()
    (folder / "bao-cao.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "khong-ro").write_bytes(b"\x00\x01")
    path = folder / "sangkien.db"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", SANGKIEN_DATA_DIR=str(tmp_path))
    gui = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.live_file_child", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert gui.stdout is not None and gui.stdin is not None
        line = gui.stdout.readline().split()
        assert line[:1] == ["DONE"], line
        assert int(line[1]) >= 4  # the dialog listed the database, its -wal/-shm and the other files

        other = sqlite3.connect(path, timeout=10)  # the second process (the CLI, another window)
        other.execute("INSERT INTO probe VALUES ('other')")
        other.commit()
        other.execute("PRAGMA wal_checkpoint(PASSIVE)")
        other.close()  # the last connection, had the GUI lost its locks: it would delete the WAL
        assert path.with_name("sangkien.db-wal").exists()

        gui.stdin.write("\n")
        gui.stdin.flush()
        findings = json.loads(gui.stdout.readline())
        assert findings["error"] == ""
        assert findings["wal_exists"] and findings["deleted_fds"] == []
        assert findings["seen"] == ["gui-1", "other"]
        assert Path(findings["exit_backup"]).is_file()

        reader = sqlite3.connect(path, timeout=10)
        try:
            assert sorted(r[0] for r in reader.execute("SELECT who FROM probe")) == [
                "gui-1",
                "gui-2",
                "other",
            ]
        finally:
            reader.close()
        gui.stdin.write("\n")
        gui.stdin.flush()
        assert gui.wait(timeout=60) == 0
    finally:
        if gui.poll() is None:
            gui.kill()
        gui.communicate()


def test_every_file_dialog_goes_through_the_safe_helper() -> None:
    """Qt's static file dialogs (and a bare QFileDialog) sniff file contents: only ``ui/file_dialogs`` may
    build one."""
    ui = ROOT / "sangkien_desktop" / "ui"
    offenders = [
        str(p.relative_to(ui))
        for p in ui.rglob("*.py")
        if p.name != "file_dialogs.py" and "QFileDialog" in p.read_text(encoding="utf-8")
    ]
    assert offenders == [], "use sangkien_desktop.ui.file_dialogs instead of QFileDialog in: " + ", ".join(
        offenders
    )


def test_type_names_come_from_the_file_name(tmp_path: Path) -> None:
    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    provider = file_dialogs.NameOnlyIconProvider()
    (tmp_path / "a.pdf").write_bytes(b"")
    (tmp_path / "sangkien.db-wal").write_bytes(b"")
    assert "PDF" in provider.type(QFileInfo(str(tmp_path / "a.pdf")))
    assert provider.type(QFileInfo(str(tmp_path / "sangkien.db-wal"))) == "Tệp DB-WAL"
    assert provider.type(QFileInfo(str(tmp_path))) == "Thư mục"
    assert not provider.icon(QFileInfo(str(tmp_path / "a.pdf"))).isNull()
