"""The ``Database`` object every service receives: an engine, short sessions, and where it points.

A SQLite file on a network location is opened with exclusive locking (``db.engine``): ``open`` takes the lock
at once, writes this copy's "in use" marker beside the file, and refuses a second copy with a message naming
the computer and user that hold it (from their marker) instead of waiting for a corrupt file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .. import paths
from ..domain.errors import DatabaseError
from . import in_use
from .engine import DETECT, _Detect, describe, make_engine, network_of, resolve_url, sqlite_path
from .migrate import MigrationReport, upgrade_database
from .network import NetworkLocation
from .sqlite_copy import is_busy, is_not_a_database

MOVED_NOTE_SUFFIX = ".da-chuyen-len-may-chu.txt"
NETWORK_NOTICE = "tệp dữ liệu nằm trên thư mục mạng: chỉ một máy dùng được một lúc"


class DatabaseElsewhereError(DatabaseError):
    """The file is sound but cannot be used here now (held by another computer, or moved to a server):
    nothing to restore."""


class DatabaseInUseError(DatabaseElsewhereError):
    """A database on a network location is held by another copy of the app (``holders``, when known)."""

    def __init__(self, message: str, holders: list[in_use.Holder]) -> None:
        super().__init__(message)
        self.holders = holders


def moved_note(path: Path) -> Path:
    """The note left beside a SQLite file whose data was moved to a server (``services.move_to``)."""
    return path.with_name(path.name + MOVED_NOTE_SUFFIX)


def way_out(path: Path) -> str:
    """How to leave a network location: the server move, or a local copy."""
    return (
        "Để nhiều máy cùng làm việc, hãy chuyển dữ liệu lên một máy chủ PostgreSQL: Cài đặt → Dữ liệu → "
        f'"Chuyển lên máy chủ…", hoặc lệnh: sangkien --db "{path}" move-to '
        "postgresql+psycopg://người_dùng@máy_chủ/sangkien (các bước: README, mục “Dùng chung trong cơ quan”). "
        "Nếu chỉ một máy dùng, hãy chép tệp về ổ đĩa của máy đó."
    )


def network_notice(path: Path, location: NetworkLocation) -> str:
    """The notice shown by ``sangkien info`` and the GUI for a file on a network location."""
    return f"Lưu ý: {NETWORK_NOTICE} (tệp ở {location.text}).\n{way_out(path)}"


def _in_use_message(path: Path, holders: list[in_use.Holder]) -> str:
    if holders:
        who = "; ".join(h.text for h in holders)
        first = f"Tệp dữ liệu {path} đang được dùng bởi {who}."
    else:
        first = (
            f"Tệp dữ liệu {path} đang được một máy khác dùng (không rõ máy nào: không thấy dấu “đang mở”)."
        )
    return (
        f"{first} Tệp dữ liệu nằm trên thư mục mạng: chỉ một máy dùng được một lúc — hãy đóng Sáng kiến "
        f"Desktop trên máy đó rồi mở lại. Dữ liệu không bị thay đổi. {way_out(path)}"
    )


def _refuse_moved(path: Path | None) -> None:
    if path is None:
        return
    note = moved_note(path)
    if note.is_file():
        try:
            text = note.read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        raise DatabaseElsewhereError(
            f"Dữ liệu của tệp {path.name} đã được chuyển lên máy chủ; tệp này chỉ còn để đọc "
            f"(ghi chú: {note}).\n\n{text}"
        )


log = logging.getLogger(__name__)


class Database:
    """One database (a SQLite file or a server). Widgets never hold a session: services open one per action."""

    def __init__(self, engine: Engine, *, network: NetworkLocation | _Detect | None = DETECT) -> None:
        self.engine = engine
        self.url: URL = engine.url
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.migration: MigrationReport | None = None
        self.network: NetworkLocation | None = (
            network_of(self.url) if isinstance(network, _Detect) else network
        )
        self._marker: Path | None = None

    @classmethod
    def open(
        cls,
        db: str | os.PathLike[str] | URL | None = None,
        *,
        migrate: bool = True,
        backup_dir: Path | None = None,
        before_migrate: Callable[[Database], object] | None = None,
    ) -> Database:
        """Open (and create or upgrade) the database named by ``--db``, ``SANGKIEN_DB_URL`` or the default.

        ``before_migrate`` runs on the opened database before any migration (the GUI's start-up backup);
        its errors are logged, never raised.
        """
        url = db if isinstance(db, URL) else resolve_url(db)
        _refuse_moved(sqlite_path(url))
        network = network_of(url)
        engine = make_engine(url, network=network)
        database = cls(engine, network=network)
        if network is not None:
            database._claim()
        if before_migrate is not None:
            try:
                before_migrate(database)
            except Exception:
                log.exception("before_migrate hook failed on %s", describe(url))
        if migrate:
            try:
                database.migration = upgrade_database(
                    engine, backup_dir if backup_dir is not None else database.default_backup_dir()
                )
            except DBAPIError as exc:  # locked, unreachable server, or not a database at all
                engine.dispose()
                hint = ""
                if "not a database" in str(exc.orig) or "malformed" in str(exc.orig):
                    hint = " Tệp bị hỏng: hãy khôi phục từ một bản sao lưu (Sao lưu & Nhật ký → Khôi phục)."
                raise DatabaseError(
                    f"Không mở được cơ sở dữ liệu {describe(url)}: {exc.orig}.{hint}"
                ) from exc
            except DatabaseError:
                engine.dispose()
                raise
        return database

    def _claim(self) -> None:
        """Take the exclusive lock of a file on a network location now, and write this copy's marker; a copy
        already holding it is named in the error."""
        path = self.path
        assert path is not None
        try:
            with self.engine.connect():
                pass
        except DBAPIError as exc:
            self.engine.dispose()
            if is_busy(exc.orig):
                holders = in_use.others(path)
                raise DatabaseInUseError(_in_use_message(path, holders), holders) from exc
            raise DatabaseError(f"Không mở được cơ sở dữ liệu {path}: {exc.orig}.") from exc
        self._marker = in_use.write_marker(path)

    def default_backup_dir(self) -> Path:
        """``backups/`` beside a SQLite file on a local disk (for the default database: in the user data
        folder); the user data folder's ``backups/`` for a server database; for a file on a network location
        a folder of its own inside it (on this PC: a copy beside the file would be lost with the share)."""
        path = self.path
        if path is None:
            return paths.backups_dir()
        if self.network is not None:  # one folder per network file: two shares may both hold a sangkien.db
            digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
            folder = paths.backups_dir() / f"thu-muc-mang_{path.stem}_{digest}"
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        backups = path.parent / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        return backups

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def description(self) -> str:
        return describe(self.url)

    @property
    def network_notice(self) -> str:
        """The notice for a file on a network location ("" otherwise)."""
        if self.network is None or self.path is None:
            return ""
        return network_notice(self.path, self.network)

    @contextmanager
    def sqlite_connection(self) -> Iterator[sqlite3.Connection]:
        """The engine's own DB-API connection to a SQLite file (for the backup API and PRAGMAs): the live file
        is never opened by another means (see ``db.sqlite_copy``)."""
        raw = self.engine.raw_connection()
        try:
            connection = raw.driver_connection
            assert isinstance(connection, sqlite3.Connection)
            yield connection
        finally:
            raw.close()

    def not_a_database(self) -> bool:
        """Whether this SQLite file is not a database any more (asked through the engine)."""
        path = self.path
        try:
            if path is None or not path.is_file() or path.stat().st_size == 0:
                return False
        except OSError:
            return False
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA schema_version")
        except DBAPIError as exc:
            return is_not_a_database(exc.orig)
        return False

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only (rolled back at the end)."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._marker is not None:
            in_use.remove_marker(self._marker)
            self._marker = None
