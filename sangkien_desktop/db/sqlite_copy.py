"""Consistent copies of a SQLite database file (the online backup API, so WAL content is included)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def copy_sqlite(src: Path, dst: Path) -> Path:
    """Copy the live database ``src`` to ``dst`` (written to a temporary name, then renamed)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".part")
    if tmp.exists():
        tmp.unlink()
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=10)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()
    tmp.replace(dst)
    return dst
