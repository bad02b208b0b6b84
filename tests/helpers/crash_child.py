"""Child processes for the crash-safety tests (run as ``python -m tests.helpers.crash_child MODE …``).

- ``cli WHEN ARGS…``: run ``sangkien ARGS…``; at the N-th INSERT into TABLE (WHEN = "TABLE:N" or "TABLE"
  for the first; a bare number counts every INSERT; 0 = never) print "MID" and sleep, so the parent can
  kill -9 the process in the middle of its transaction.
- ``copy SRC DST``: copy a database page by page with the backup API, printing "MID" and sleeping halfway.
- ``overwrite SRC LIVE``: overwrite a live database page by page, "MID" and sleep halfway.
- ``restore LIVE BACKUP``: restore the backup into the live database (``services.backup.restore``), "MID" and
  sleep halfway through replacing its tables (the write lock held, the work folder there).
- ``logwriter URL GO STOP OUT``: after GO exists, write one unit per transaction until STOP exists, appending
  each committed unit's name to OUT.
- ``writer URL TAG N GO``: wait for the file GO to exist, then write N units, each with an audit entry, in
  N transactions (two of these run at once in the two-writers test).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def _pause() -> None:
    print("MID", flush=True)
    time.sleep(60)


def run_cli(when: str, argv: list[str]) -> int:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from sangkien_desktop.cli import main

    count = 0
    table, _, nth = when.partition(":")
    if table.isdigit():
        table, nth = "", table
    pause_after = int(nth or "1")
    prefix = f"INSERT INTO {table.upper()} " if table else "INSERT"

    @event.listens_for(Engine, "after_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal count
        if statement.lstrip().upper().startswith(prefix):
            count += 1
            if count == pause_after:
                _pause()

    return main(argv)


def run_copy(src: str, dst: str, overwrite: bool) -> int:
    from sangkien_desktop.db.sqlite_copy import copy_sqlite, overwrite_sqlite

    def progress(done: int, total: int) -> None:
        if done >= total // 2 and done < total:
            _pause()

    if overwrite:
        overwrite_sqlite(Path(src), Path(dst), progress=progress, step_pages=1)
    else:
        copy_sqlite(Path(src), Path(dst), progress=progress, step_pages=1)
    return 0


def run_restore(live: str, source: str) -> int:
    from sangkien_desktop.db.database import Database
    from sangkien_desktop.services import backup

    def progress(done: int, total: int) -> None:
        if done == total // 2:
            _pause()

    db = Database.open(live, migrate=False)
    backup.restore(db, Path(source), settings=backup.BackupSettings(), progress=progress)
    return 0


def run_logging_writer(url: str, go: str, stop: str, out: str) -> int:
    """After GO exists, write one unit per transaction until STOP exists; each committed unit's name is
    appended to OUT only after its commit returned."""
    from sangkien_desktop.db.database import Database
    from sangkien_desktop.domain.errors import DatabaseBusyError
    from sangkien_desktop.models import Unit

    db = Database.open(url, migrate=False)
    while not os.path.exists(go):
        time.sleep(0.01)
    i = 0
    with open(out, "a", encoding="utf-8") as log:
        while not os.path.exists(stop):
            name = f"Đơn vị ghi song song {i}"
            try:
                with db.session() as session:
                    session.add(Unit(name=name))
            except DatabaseBusyError:
                continue
            log.write(name + "\n")
            log.flush()
            i += 1
            time.sleep(0.005)
    db.dispose()
    return 0


def run_writer(url: str, tag: str, n: int, go: str) -> int:
    from sangkien_desktop.db.database import Database
    from sangkien_desktop.models import Unit
    from sangkien_desktop.services import audit

    db = Database.open(url, migrate=False)
    while not os.path.exists(go):
        time.sleep(0.01)
    for i in range(n):
        with db.session() as session:
            unit = Unit(name=f"Đơn vị {tag} số {i}")
            session.add(unit)
            session.flush()
            audit.record(session, "create", "unit", unit.id, f"Thêm {unit.name}", new={"name": unit.name})
    db.dispose()
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "cli":
        return run_cli(argv[1], argv[2:])
    if mode in ("copy", "overwrite"):
        return run_copy(argv[1], argv[2], overwrite=mode == "overwrite")
    if mode == "writer":
        return run_writer(argv[1], argv[2], int(argv[3]), argv[4])
    if mode == "restore":
        return run_restore(argv[1], argv[2])
    if mode == "logwriter":
        return run_logging_writer(argv[1], argv[2], argv[3], argv[4])
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
