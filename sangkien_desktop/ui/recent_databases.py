"""The databases a secretary opened from the Tệp menu (Qt settings): the recent list, and the one to open at
the next start when no ``--db`` is given."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from .. import paths

MAX_RECENT = 8
_RECENT = "databases/recent"
_LAST = "databases/last"


def _key(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def recent() -> list[Path]:
    """Newest first, only files that still exist; the demo database is never listed."""
    value = QSettings().value(_RECENT) or []
    items = [value] if isinstance(value, str) else list(value)
    demo = _key(paths.demo_db_path())
    found: list[Path] = []
    for item in items:
        path = Path(str(item))
        if path.is_file() and _key(path) != demo and all(_key(path) != _key(p) for p in found):
            found.append(path)
    return found


def add(path: Path) -> None:
    """Put ``path`` first in the recent list."""
    if _key(path) == _key(paths.demo_db_path()):
        return
    items = [path.resolve()] + [p for p in recent() if _key(p) != _key(path)]
    QSettings().setValue(_RECENT, [str(p) for p in items[:MAX_RECENT]])


def choose(path: Path) -> None:
    """The secretary chose ``path`` (Mở…, Tạo mới…, a recent file): opened at the next start."""
    add(path)
    if _key(path) != _key(paths.demo_db_path()):
        QSettings().setValue(_LAST, str(path.resolve()))


def last() -> Path | None:
    """The database to open when the command line names none (None: the default one)."""
    value = QSettings().value(_LAST)
    if not value:
        return None
    path = Path(str(value))
    return path if path.is_file() else None
