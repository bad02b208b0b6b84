"""Opening an up-to-date database skips alembic; anything else still goes through it."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from sangkien_desktop.db import migrate
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import DatabaseError


def test_quick_head_agrees_with_alembic() -> None:
    assert migrate._quick_head() == migrate.head_revision()


def test_reopening_an_up_to_date_database_is_a_no_op(db: Database) -> None:
    report = migrate.upgrade_database(db.engine)
    assert report.before == report.after == migrate.head_revision()
    assert report.backup is None


def test_a_database_from_a_newer_version_still_goes_through_alembic(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseError, match="phiên bản Sáng kiến Desktop mới hơn"):
        migrate.upgrade_database(db.engine)


def test_stored_revision_of_an_empty_database_is_none(empty_url: URL) -> None:
    from sangkien_desktop.db.engine import make_engine

    engine = make_engine(empty_url)
    try:
        assert migrate.stored_revision(engine) is None
    finally:
        engine.dispose()


def test_importing_the_database_layer_does_not_import_alembic() -> None:
    import subprocess

    code = "import sangkien_desktop.db.database, sys; print('alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
