"""Consistent copies of a SQLite database file through SQLite's online backup API.

The backup API reads the database as SQLite sees it (WAL content included) in one read transaction, so a copy
taken while the app writes is a consistent snapshot, never a torn file. A copy is written to ``NAME.part``,
flushed to disk and only then renamed, so a copy interrupted by a crash or a pulled USB stick never looks like
a finished backup. Restoring goes the other way through the same API, so another connection (another copy of
the app) sees either the old or the new database, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
PART_SUFFIX = ".part"

Progress = Callable[[int, int], None]  # (pages copied, pages in total)


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` starts with the SQLite header (an empty file is not a database)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A ``file:`` URI opening ``path`` read-only (percent-encoded, so spaces, # and ? in names are safe).
    ``immutable`` also skips locking and the -wal/-shm files: only for files nobody else writes."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _backup(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    progress: Progress | None,
    step_pages: int,
) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    source.backup(target, pages=step_pages, progress=report if progress is not None else None)


def copy_sqlite(
    src: Path,
    dst: Path,
    *,
    progress: Progress | None = None,
    step_pages: int = -1,
    immutable_source: bool = False,
) -> Path:
    """Copy the live database ``src`` to ``dst`` (written to ``dst.part``, flushed, then renamed).

    The copy uses the rollback journal (no -wal file beside it), so it is one self-contained file.
    ``step_pages`` > 0 copies that many pages per step (``progress`` is called after each step).
    """
    src = Path(src)
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + PART_SUFFIX)
    if tmp.exists():
        tmp.unlink()
    try:
        source = sqlite3.connect(read_only_uri(src, immutable=immutable_source), uri=True, timeout=30)
        try:
            target = sqlite3.connect(tmp)
            try:
                _backup(source, target, progress, step_pages)
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        _fsync(tmp)
        tmp.replace(dst)
        _fsync_dir(dst.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dst


def overwrite_sqlite(
    src: Path, live: Path, *, progress: Progress | None = None, step_pages: int = -1, timeout: float = 30
) -> None:
    """Replace the content of the database ``live`` by the content of ``src``, through SQLite: the copy is one
    write transaction on ``live``, so it is all-or-nothing and safe while other connections have it open.
    Close this process's own connections to ``live`` first."""
    source = sqlite3.connect(read_only_uri(Path(src)), uri=True, timeout=timeout)
    try:
        target = sqlite3.connect(Path(live), timeout=timeout)
        try:
            _backup(source, target, progress, step_pages)
        finally:
            target.close()
    finally:
        source.close()


def integrity_problems(path: Path, *, limit: int = 20) -> list[str]:
    """``PRAGMA integrity_check`` of a database file (read-only); [] when it is sound."""
    conn = sqlite3.connect(read_only_uri(Path(path)), uri=True, timeout=30)
    try:
        rows = conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
    finally:
        conn.close()
    messages = [str(r[0]) for r in rows]
    return [] if messages == ["ok"] else messages
