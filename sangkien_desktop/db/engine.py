"""Engine creation, SQLite PRAGMAs, and where the database is (``--db``, ``SANGKIEN_DB_URL``, default)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from .. import paths

ENV_URL = "SANGKIEN_DB_URL"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def resolve_url(db: str | os.PathLike[str] | None = None) -> URL:
    """Pick the database: ``--db`` (a file path or any SQLAlchemy URL), then ``SANGKIEN_DB_URL``,
    then ``sangkien.db`` in the user data folder."""
    if db is not None and str(db) != "":
        text = str(db)
        if "://" in text:
            return make_url(text)
        return sqlite_url(Path(text))
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return make_url(env)
    return sqlite_url(paths.default_db_path())


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite", database=str(Path(path).expanduser().resolve()))


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def make_engine(url: URL | str, **kwargs: Any) -> Engine:
    """Create the engine. SQLite gets WAL, foreign keys on and a busy timeout on every connection."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def describe(url: URL) -> str:
    """A short description for the status bar: the file path, or the server and database name."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return url.render_as_string(hide_password=True)
