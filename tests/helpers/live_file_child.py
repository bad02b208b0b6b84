"""The GUI side of the live-database regression test (run as ``python -m tests.helpers.live_file_child DB``).

It opens the database as the app does (WAL), commits a write and keeps its connection, then does everything
that used to open the live file (or its -wal/-shm) outside SQLite — a file dialog listing the database's
folder with the type of every file shown, the "is this SQLite?" sniff, ``check``, the damaged-file test of a
restore, a backup whose unchanged copy is skipped — and prints "DONE". The parent process then writes and
closes its connection (had this process lost its locks, the parent would believe itself the last connection
and delete the WAL). On a line from the parent this process checks that it still sees the parent's write,
that its own connection still writes, that its -wal/-shm were not deleted under it, and that the exit
backup works; it prints one JSON line of findings.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _open_fds(name: str) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if name in target:
            found.append(target)
    return sorted(found)


def _list_folder_in_a_file_dialog(folder: Path) -> int:
    """Show the folder in the app's file dialog (details view, every file) and ask every cell's data."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel

    from sangkien_desktop.ui import file_dialogs

    app = QApplication.instance() or QApplication([])
    dialog = file_dialogs.make_dialog(None, "Lưu tệp", str(folder / "bao-cao.pdf"), "Mọi tệp (*)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    loop = QEventLoop()
    model.directoryLoaded.connect(lambda _path: loop.quit())
    QTimer.singleShot(5000, loop.quit)
    dialog.show()
    loop.exec()
    deadline = QDeadlineTimer(1500)
    while not deadline.hasExpired():
        app.processEvents()
    root = model.index(str(folder))
    rows = model.rowCount(root)
    for row in range(rows):
        for column in range(model.columnCount(root)):
            index = model.index(row, column, root)
            for role in (0, 1):  # display, decoration
                model.data(index, role)
        model.type(model.index(row, 0, root))
    app.processEvents()
    dialog.reject()
    return rows


def main(db_path: str) -> int:
    path = Path(db_path)
    from sqlalchemy import text

    from sangkien_desktop.db.database import Database
    from sangkien_desktop.db.sqlite_copy import is_sqlite_file
    from sangkien_desktop.services import backup, check

    db = Database.open(path)
    conn = db.engine.connect()
    conn.execute(text("CREATE TABLE IF NOT EXISTS probe (who TEXT)"))
    conn.execute(text("INSERT INTO probe VALUES ('gui-1')"))
    conn.commit()
    assert path.with_name(path.name + "-wal").exists()

    listed = _list_folder_in_a_file_dialog(path.parent)
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        is_sqlite_file(path.with_name(name))
    check.run_checks(db)
    backup._live_is_damaged(db)
    settings = backup.BackupSettings()
    backup.make_backup(db, backup.BackupKind.STARTUP, settings=settings)
    backup.make_backup(db, backup.BackupKind.STARTUP, settings=settings)  # unchanged: compared, not kept
    print("DONE", listed, flush=True)

    sys.stdin.readline()  # the parent has written and closed its connection
    findings: dict[str, object] = {
        "wal_exists": path.with_name(path.name + "-wal").exists(),
        "deleted_fds": [t for t in _open_fds(path.name) if t.endswith("(deleted)")],
    }
    try:
        findings["seen"] = sorted(r[0] for r in conn.execute(text("SELECT who FROM probe")))
        conn.commit()
        conn.execute(text("INSERT INTO probe VALUES ('gui-2')"))
        conn.commit()
        conn.close()
        result = backup.make_backup(db, backup.BackupKind.EXIT, settings=settings)
        findings["exit_backup"] = str(result.file.path)
        findings["error"] = ""
    except Exception as exc:  # reported to the parent, which fails the test with it
        findings["error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(findings), flush=True)
    sys.stdin.readline()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
