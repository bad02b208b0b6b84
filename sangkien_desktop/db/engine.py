"""Engine creation, SQLite PRAGMAs, and where the database is (``--db``, ``SANGKIEN_DB_URL``, default).

A SQLite file on a local disk runs in WAL mode (readers never wait for the writer; two copies of the app can
work on it at once). A file on a network location (``db.network``) never does: WAL keeps its index in shared
memory that other computers cannot see. There the engine uses the rollback journal and exclusive locking,
takes the lock when it connects and keeps it until it is disposed, with one connection shared by the whole
process (a second connection of the same process could not read past the first one's exclusive lock). So one
copy of the app works on such a file at a time, and a second copy is refused (``db.database``).

That one connection is used by one thread at a time (others wait for it). A thread that asks for a connection
while it already holds it (a helper reading with ``engine.connect()`` inside a service's session) gets the
same one back instead of waiting for itself; the inner user's commit and rollback are then left to the outer
one, so the nested work joins the outer transaction.
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.pool.base import _ConnectionFairy

from .. import paths
from .network import NetworkLocation, network_location

ENV_URL = "SANGKIEN_DB_URL"
SQLITE_BUSY_TIMEOUT_MS = 10_000
NETWORK_BUSY_TIMEOUT_MS = 3_000  # how long a second copy waits for the holder before it is refused
NETWORK_POOL_TIMEOUT_S = 300  # a thread waits this long for the one connection of a network database


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


def _network_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={NETWORK_BUSY_TIMEOUT_MS}")
        # set before the first read: an old WAL file is then read without shared memory, and converted
        cursor.execute("PRAGMA locking_mode=EXCLUSIVE")
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # take the exclusive lock now; in exclusive locking mode it is kept until the connection closes
        cursor.execute("BEGIN EXCLUSIVE")
        cursor.execute("COMMIT")
    finally:
        cursor.close()


class OneConnectionPool(QueuePool):
    """One connection for the process, one thread at a time, re-entrant within a thread (module docstring)."""

    def __init__(self, creator: Any, **kwargs: Any) -> None:
        kwargs.update(pool_size=1, max_overflow=0)
        super().__init__(creator, **kwargs)
        self._held = threading.local()

    def connect(self) -> PoolProxiedConnection:
        ref = getattr(self._held, "fairy", None)
        held = ref() if ref is not None else None
        if held is not None and held._counter > 0 and held.dbapi_connection is not None:
            return _ConnectionFairy._checkout(self, fairy=held)
        fairy = _ConnectionFairy._checkout(self)
        self._held.fairy = weakref.ref(fairy)
        return fairy


def _nested(connection: Any) -> bool:
    return int(getattr(connection, "_counter", 1)) > 1


def _outer_ends_transactions(engine: Engine) -> None:
    """Commit and rollback of a nested user of the one connection are left to the outer user."""
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(connection: Any) -> None:
        if not _nested(connection):
            commit(connection)

    def do_rollback(connection: Any) -> None:
        if not _nested(connection):
            rollback(connection)

    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]


class _Detect:
    """``make_engine``'s default: find out whether the file is on a network location."""


DETECT = _Detect()


def network_of(url: URL) -> NetworkLocation | None:
    """The network location of a SQLite file URL (None for a local file or a server database)."""
    path = sqlite_path(url)
    return network_location(path) if path is not None else None


def make_engine(
    url: URL | str, *, network: NetworkLocation | _Detect | None = DETECT, **kwargs: Any
) -> Engine:
    """Create the engine. SQLite gets foreign keys on and a busy timeout on every connection, and WAL on a
    local disk; on a network location (``network``, found out when not given) the rollback journal with
    exclusive locking and a single connection (see the module docstring)."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        location = network_of(url) if isinstance(network, _Detect) else network
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        if location is not None:
            connect_args["check_same_thread"] = False
            kwargs["poolclass"] = OneConnectionPool
            kwargs.setdefault("pool_timeout", NETWORK_POOL_TIMEOUT_S)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        if location is not None:
            _outer_ends_transactions(engine)
        event.listen(engine, "connect", _network_on_connect if location is not None else _sqlite_on_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def describe(url: URL) -> str:
    """A short description for the status bar: the file path, or the server and database name."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return url.render_as_string(hide_password=True)
