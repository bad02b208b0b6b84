"""Clear words when the database is busy: "database is locked" becomes a Vietnamese ``DatabaseBusyError``.

SQLite lets one writer at a time; another waits up to the busy timeout (``db.engine.SQLITE_BUSY_TIMEOUT_MS``)
and then fails with "database is locked". PostgreSQL fails the same way when a lock wait times out. An
engine ``handle_error`` hook (installed with the services) turns those errors into ``DatabaseBusyError``: the
sentence says nothing was written, names the copies of the app that have the file open when their "in use"
markers say so (``instance_lock``), and the CLI exits with code 3; the GUI waits and retries, then asks.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from ..db.engine import sqlite_path
from ..domain.errors import DatabaseBusyError

EXIT_CODE = 3
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
_PG_BUSY_CODES = {"55P03", "40P01"}  # lock_not_available, deadlock_detected


def holders_sentence(db_path: Path | None) -> str:
    """ "Đang mở ở: …. " from the in-use markers beside a SQLite file ("" when none is known)."""
    if db_path is None:
        return ""
    from .instance_lock import others  # the markers' module reads this module's callers' database

    try:
        holders = others(db_path)
    except OSError:
        return ""
    if not holders:
        return ""
    return "Đang mở ở: " + "; ".join(f"{h.text}, tiến trình {h.pid}" for h in holders) + ". "


def busy_message(db_path: Path | None) -> str:
    return (
        "Cơ sở dữ liệu đang bận: một chương trình khác đang ghi vào nó lâu hơn thời gian chờ cho phép. "
        f"{holders_sentence(db_path)}Chưa có gì được ghi; hãy thử lại sau ít phút."
    )


def is_busy(error: BaseException) -> bool:
    text = str(error).lower()
    if any(marker in text for marker in _SQLITE_BUSY):
        return True
    return getattr(error, "sqlstate", None) in _PG_BUSY_CODES


def _translate(context: ExceptionContext) -> None:
    if is_busy(context.original_exception):
        engine = context.engine
        path = sqlite_path(engine.url) if engine is not None else None
        raise DatabaseBusyError(busy_message(path)) from context.original_exception


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "handle_error", _translate)
        _installed = True
