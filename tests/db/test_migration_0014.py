"""Migration 0014 (issue 20): the tables of earlier years' imported decision lists, down and up again; the rest
of the database untouched."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.migrate import current_revision, upgrade_database
from sangkien_desktop.models import Person, Unit
from tests.db.test_migration_0009 import _downgrade

TABLES = {"recognized_imports", "recognized_initiatives", "recognized_authors"}


def test_0014_down_and_up(db: Database) -> None:
    with db.session() as s:
        unit = Unit(name="Trường THCS Bắc Sơn")
        s.add(unit)
        s.flush()
        s.add(Person(full_name="Nguyễn Văn An", unit_id=unit.id))
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    _downgrade(db, "0013")
    assert current_revision(db.engine) == "0013"
    assert not TABLES & set(inspect(db.engine).get_table_names())
    upgrade_database(db.engine)
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Person.__table__)).scalar_one() == 1
