"""Migrations: a fresh database reaches head, the models match the migrated schema, and upgrading a
database created by the first migration keeps every row (with a copy of the file taken first)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Enum, MetaData, Table, insert, select, text
from sqlalchemy import types as sat
from sqlalchemy.engine import URL

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.engine import make_engine
from sangkien_desktop.db.migrate import head_revision, upgrade_database
from sangkien_desktop.domain.errors import DatabaseError
from sangkien_desktop.models import Base

FIRST = "0001"


def test_fresh_database_reaches_head(empty_url: URL) -> None:
    database = Database.open(empty_url)
    try:
        assert database.migration is not None
        assert database.migration.before is None
        assert database.migration.after == head_revision()
        again = upgrade_database(database.engine)
        assert not again.changed
    finally:
        database.dispose()


def test_models_match_migrated_schema(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def _value_for(table: Table, column: Any, i: int, parents: dict[str, list[Any]]) -> Any:
    model_table = Base.metadata.tables.get(table.name)
    model_col = model_table.c.get(column.name) if model_table is not None else None
    if model_col is not None and isinstance(model_col.type, Enum):
        return model_col.type.enums[i % len(model_col.type.enums)]
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        ids = parents.get(fk.column.table.name, [])
        if not ids:
            return None
        return ids[(i - 1) % len(ids)]
    type_ = column.type
    if isinstance(type_, sat.Boolean):
        return i % 2 == 0
    if isinstance(type_, sat.DateTime):
        return dt.datetime(2025, 1, i, 8, 30, 0)
    if isinstance(type_, sat.Date):
        return dt.date(2025, 2, i)
    if isinstance(type_, sat.Numeric) and not isinstance(type_, sat.Integer | sat.Float):
        return Decimal(f"{i}.25")
    if isinstance(type_, sat.Integer):
        return 2020 + i if column.primary_key else i
    if isinstance(type_, sat.String):
        value = f"Đổi mới {table.name} {i}"
        length = getattr(type_, "length", None)
        return value[-length:] if length else value
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({type_!r})")


def _fill_first_schema(url: URL) -> dict[str, list[dict[str, Any]]]:
    """Create the first migration's schema and put three rows in every table. Returns what was written."""
    engine = make_engine(url)
    upgrade_database(engine, target=FIRST)
    meta = MetaData()
    meta.reflect(engine)
    written: dict[str, list[dict[str, Any]]] = {}
    parents: dict[str, list[Any]] = {}
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            pk = list(table.primary_key.columns)
            for i in range(1, 4):
                row = {}
                for column in table.columns:
                    single_int_pk = (
                        column.primary_key and len(pk) == 1 and isinstance(column.type, sat.Integer)
                    )
                    if single_int_pk and table.name != "years":
                        continue  # the database assigns it
                    row[column.name] = _value_for(table, column, i, parents)
                result = conn.execute(insert(table).values(**row))
                key = result.inserted_primary_key[0] if result.inserted_primary_key else None
                parents.setdefault(table.name, []).append(key)
            written[table.name] = [dict(r._mapping) for r in conn.execute(select(table).order_by(*pk))]
    engine.dispose()
    return written


def test_upgrade_from_first_migration_keeps_every_row(empty_url: URL) -> None:
    written = _fill_first_schema(empty_url)
    assert written and all(len(rows) == 3 for rows in written.values())
    database = Database.open(empty_url)
    try:
        assert database.migration is not None and database.migration.before == FIRST
        assert database.migration.after == head_revision()
        meta = MetaData()
        meta.reflect(database.engine)
        with database.engine.connect() as conn:
            for name, before in written.items():
                table = meta.tables[name]
                after = [
                    dict(r._mapping) for r in conn.execute(select(table).order_by(*table.primary_key.columns))
                ]
                # 0013 adds one entry holding the values of every audited row, and the log's head
                after = [
                    r
                    for r in after
                    if not (name == "audit_log" and r["action"] == "record")
                    and not (name == "settings" and r["key"] == "audit_head")
                ]
                assert len(after) == len(before), f"rows lost in {name}"
                for old, new in zip(before, after, strict=True):
                    for column, value in old.items():
                        if column in new:
                            assert new[column] == value, (
                                f"{name}.{column} changed: {value!r} → {new[column]!r}"
                            )
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        database.dispose()


def test_sqlite_file_is_copied_before_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = URL.create("sqlite", database=str(path))
    _fill_first_schema(url)
    if head_revision() == FIRST:
        pytest.skip("only one migration so far")
    database = Database.open(url)
    try:
        report = database.migration
        assert report is not None and report.backup is not None
        assert report.backup.parent == tmp_path / "backups"
        with sqlite3.connect(report.backup) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
            assert copy.execute("SELECT COUNT(*) FROM units").fetchone() == (3,)
    finally:
        database.dispose()


def test_newer_database_is_refused_untouched(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseError, match="phiên bản Sáng kiến Desktop mới hơn"):
        Database.open(db.url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
