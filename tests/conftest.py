"""Test fixtures: real databases (SQLite files in temp dirs, or a PostgreSQL server), isolated user dirs,
offscreen Qt.

Set ``SANGKIEN_TEST_PG_URL`` (an admin URL such as ``postgresql+psycopg://postgres@127.0.0.1:54329/postgres``)
to run every database test against PostgreSQL: each test gets its own database, cloned from a template.
``.ci/run`` does this after the SQLite run, for the tests marked ``db``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="sangkien-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_HOME / "config")  # QSettings of the tests
os.environ["XDG_CACHE_HOME"] = str(_SESSION_HOME / "cache")
os.environ["SANGKIEN_DATA_DIR"] = str(_SESSION_HOME / "data")
os.environ.pop("SANGKIEN_DB_URL", None)

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import URL, make_url  # noqa: E402

from sangkien_desktop.db.database import Database  # noqa: E402
from sangkien_desktop.db.engine import sqlite_url  # noqa: E402
from sangkien_desktop.services import demo  # noqa: E402

# CI (``SANGKIEN_HYPOTHESIS_PROFILE=ci``, set by .ci/run): the same examples on every run. A fresh machine has
# no example database, so a landing would otherwise meet examples nobody ran before; exploring new ones is
# what developers' runs (random, with their example database) are for.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("SANGKIEN_HYPOTHESIS_PROFILE"):
    hypothesis_settings.load_profile(os.environ["SANGKIEN_HYPOTHESIS_PROFILE"])

PG_ADMIN_URL = os.environ.get("SANGKIEN_TEST_PG_URL", "").strip()
DB_FIXTURES = {"backend", "empty_url", "db", "demo_db", "db_url", "make_db"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _wait_for_ui_workers() -> None:
    workers = sys.modules.get("sangkien_desktop.ui.workers")
    if workers is not None:
        workers.wait_for_workers()


class SqliteBackend:
    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def fresh(self) -> URL:
        folder = Path(tempfile.mkdtemp(dir=self.root))
        return sqlite_url(folder / "sangkien.db")

    def clone(self, template: URL) -> URL:
        url = self.fresh()
        shutil.copyfile(template.database or "", url.database or "")
        return url

    def drop(self, url: URL) -> None:
        if url.database:
            shutil.rmtree(Path(url.database).parent, ignore_errors=True)


class PostgresBackend:
    name = "postgresql"

    def __init__(self, admin_url: str) -> None:
        self.admin = make_url(admin_url)
        self.engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")

    def _create(self, template: str | None = None) -> URL:
        name = f"sk_test_{uuid.uuid4().hex[:12]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return self.admin.set(database=name)

    def fresh(self) -> URL:
        return self._create()

    def clone(self, template: URL) -> URL:
        return self._create(template.database)

    def drop(self, url: URL) -> None:
        _wait_for_ui_workers()  # a page's background load may still read the database a test used
        with self.engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def backend() -> Iterator[SqliteBackend | PostgresBackend]:
    if PG_ADMIN_URL:
        pg = PostgresBackend(PG_ADMIN_URL)
        yield pg
        pg.engine.dispose()
    else:
        yield SqliteBackend(_SESSION_HOME / "dbs")


@pytest.fixture(scope="session")
def _migrated_template(backend: SqliteBackend | PostgresBackend) -> Iterator[URL]:
    url = backend.fresh()
    Database.open(url).dispose()
    yield url
    backend.drop(url)


@pytest.fixture(scope="session")
def _demo_template(backend: SqliteBackend | PostgresBackend, _migrated_template: URL) -> Iterator[URL]:
    url = backend.clone(_migrated_template)
    database = Database.open(url)
    demo.create_demo(database, seed=1)
    database.dispose()
    yield url
    backend.drop(url)


@pytest.fixture
def empty_url(backend: SqliteBackend | PostgresBackend) -> Iterator[URL]:
    """A brand-new empty database (no tables)."""
    url = backend.fresh()
    yield url
    backend.drop(url)


@pytest.fixture
def db(backend: SqliteBackend | PostgresBackend, _migrated_template: URL) -> Iterator[Database]:
    """A migrated, empty database."""
    url = backend.clone(_migrated_template)
    database = Database.open(url)
    yield database
    _wait_for_ui_workers()  # a connection checked out while the engine is disposed is never closed
    database.dispose()
    backend.drop(url)


@pytest.fixture
def demo_db(backend: SqliteBackend | PostgresBackend, _demo_template: URL) -> Iterator[Database]:
    """A database holding the demo data of seed 1 (default size)."""
    url = backend.clone(_demo_template)
    database = Database.open(url)
    yield database
    _wait_for_ui_workers()  # a connection checked out while the engine is disposed is never closed
    database.dispose()
    backend.drop(url)


@pytest.fixture
def make_db(
    backend: SqliteBackend | PostgresBackend, _migrated_template: URL
) -> Iterator[Callable[[], Database]]:
    """A factory of further migrated, empty databases (all removed at the end of the test)."""
    made: list[tuple[Database, URL]] = []

    def factory() -> Database:
        url = backend.clone(_migrated_template)
        database = Database.open(url)
        made.append((database, url))
        return database

    yield factory
    _wait_for_ui_workers()
    for database, url in made:
        database.dispose()
        backend.drop(url)


@pytest.fixture
def db_url(db: Database) -> str:
    """The URL of the ``db`` fixture as a string, for CLI tests (``--db URL``)."""
    return db.url.render_as_string(hide_password=False)


@pytest.fixture
def server_url(backend: SqliteBackend | PostgresBackend) -> Iterator[URL]:
    """An empty PostgreSQL database (no tables); the test is skipped when the tests run on SQLite."""
    if not isinstance(backend, PostgresBackend):
        pytest.skip("needs PostgreSQL (SANGKIEN_TEST_PG_URL)")
    url = backend.fresh()
    yield url
    backend.drop(url)
