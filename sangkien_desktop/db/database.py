"""The ``Database`` object every service receives: an engine, short sessions, and where it points."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .. import paths
from ..domain.errors import DatabaseError
from .engine import describe, make_engine, resolve_url, sqlite_path
from .migrate import MigrationReport, upgrade_database

log = logging.getLogger(__name__)


class Database:
    """One database (a SQLite file or a server). Widgets never hold a session: services open one per action."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url: URL = engine.url
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.migration: MigrationReport | None = None

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
        engine = make_engine(url)
        database = cls(engine)
        _remove_restore_leftovers(database)
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

    def default_backup_dir(self) -> Path:
        """``backups/`` beside a SQLite file (for the default database: in the user data folder);
        the user data folder's ``backups/`` for a server database."""
        path = self.path
        if path is None:
            return paths.backups_dir()
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


def _remove_restore_leftovers(database: Database) -> None:
    """The work folder of a restore killed half-way (``services.backup``) goes at the next start."""
    folder = database.path.parent if database.path is not None else paths.data_dir()
    try:
        from ..services.backup import remove_restore_leftovers

        remove_restore_leftovers(folder)
    except Exception:  # never stop the start for a leftover folder
        log.exception("Could not remove the leftovers of an interrupted restore in %s", folder)
