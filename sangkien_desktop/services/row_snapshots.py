"""Exact snapshots of rows, for undo: an action reads the rows it may change (with their ids) in its own
transaction before it changes them, and its undo puts exactly those rows back in one transaction — the same
ids and values, and the rows the action added go again.

``read_in`` reads rows by key, ``family`` names a row with every row that goes with it (the rows whose
foreign keys cascade from it, and theirs), ``around_in`` runs an action between two reads of its scope (so the
rows it added are known), and ``restore_in``/``restore`` put a snapshot back and answer the rows they
overwrote (the snapshot of the redo). Rows are written with SQL
statements through the session, so the audit log's row values (``audit_rows``) see every one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Column, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.errors import ValidationError
from ..models import Base
from . import audit, audit_rows

T = TypeVar("T")
Keys = dict[str, set[Any]]
_CHUNK = 500


@dataclass(frozen=True)
class Rows:
    """Rows of some tables as they were: table → primary key → the row's values (None: there was no row)."""

    tables: dict[str, dict[Any, dict[str, Any] | None]] = field(default_factory=dict)

    def keys(self) -> Keys:
        return {name: set(rows) for name, rows in self.tables.items()}

    def row(self, table: str, key: Any) -> dict[str, Any] | None:
        return self.tables.get(table, {}).get(key)

    def with_added(self, keys: Mapping[str, Iterable[Any]]) -> Rows:
        """These rows plus, as absent, the rows of ``keys`` they do not hold (rows an action added)."""
        tables = {name: dict(rows) for name, rows in self.tables.items()}
        for name, found in keys.items():
            held = tables.setdefault(name, {})
            for key in found:
                held.setdefault(key, None)
        return Rows(tables)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _pk(table: Table) -> Column[Any]:
    (pk,) = table.primary_key.columns
    return pk


def read_in(session: Session, keys: Mapping[str, Iterable[Any]]) -> Rows:
    """The rows of ``keys`` as they are now (None for a key with no row)."""
    tables: dict[str, dict[Any, dict[str, Any] | None]] = {}
    for name, wanted in keys.items():
        table, wanted = _table(name), sorted(set(wanted))
        pk = _pk(table)
        found: dict[Any, dict[str, Any] | None] = dict.fromkeys(wanted)
        for start in range(0, len(wanted), _CHUNK):
            query = select(table).where(pk.in_(wanted[start : start + _CHUNK]))
            for row in session.execute(query).mappings():
                found[row[pk.name]] = dict(row)
        tables[name] = found
    return Rows(tables)


def _cascading_children(name: str) -> list[tuple[Table, Column[Any]]]:
    """(child table, its column) for every foreign key onto ``name`` that deletes with it."""
    return [
        (table, fk.parent)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == name and (fk.ondelete or "").upper() == "CASCADE"
    ]


def family(session: Session, name: str, keys: Iterable[Any]) -> Keys:
    """The rows ``keys`` of table ``name`` with every row deleted with them (foreign keys that cascade)."""
    found: Keys = {name: set(keys)}
    todo = [(name, set(keys))]
    while todo:
        parent, parent_keys = todo.pop()
        if not parent_keys:
            continue
        for child, column in _cascading_children(parent):
            pk = _pk(child)
            ids = set(session.scalars(select(pk).where(column.in_(sorted(parent_keys)))))
            new = ids - found.get(child.name, set())
            found.setdefault(child.name, set()).update(ids)
            todo.append((child.name, new))
    return found


def merge(*parts: Mapping[str, Iterable[Any]]) -> Keys:
    out: Keys = {}
    for part in parts:
        for name, keys in part.items():
            out.setdefault(name, set()).update(keys)
    return out


def around_in(
    session: Session, scope: Callable[[], Mapping[str, Iterable[Any]]], action: Callable[[], T]
) -> tuple[T, Rows]:
    """Run ``action`` in the caller's transaction; returns its result and the rows of ``scope`` as they were
    before it (``scope`` is asked again after it: rows found only then are rows it added, absent before)."""
    before = read_in(session, scope())
    result = action()
    session.flush()
    return result, before.with_added(scope())


def restore_in(session: Session, rows: Rows) -> Rows:
    """Put ``rows`` back as they were (same ids): rows that were absent are deleted, the others updated or
    inserted. Returns the same rows as they were just before — the inverse: ``restore_in`` of it redoes."""
    return _restore_in(session, rows)[1]


def _restore_in(session: Session, rows: Rows) -> tuple[int, Rows]:
    """``restore_in``, also answering how many rows were written."""
    current = read_in(session, rows.keys())
    order = [t for t in Base.metadata.sorted_tables if t.name in rows.tables]
    referenced = {fk.column.table.name for t in Base.metadata.tables.values() for fk in t.foreign_keys}
    replaced: dict[str, list[Any]] = {}  # rows deleted now, inserted again below
    written = 0
    for table in reversed(order):  # children first
        wanted, now = rows.tables[table.name], current.tables[table.name]
        gone = [
            k
            for k, values in wanted.items()
            if now[k] is not None and (values is None or (values != now[k] and table.name not in referenced))
        ]
        replaced[table.name] = [k for k in gone if wanted[k] is not None]
        if gone:
            session.execute(delete(table).where(_pk(table).in_(gone)))
            written += len(gone)
    for table in order:  # parents first
        wanted, now, pk = rows.tables[table.name], current.tables[table.name], _pk(table)
        changed = [
            k
            for k, values in wanted.items()
            if values is not None and now[k] is not None and values != now[k] and table.name in referenced
        ]
        for key in changed:  # every column given, so no ``onupdate`` default fires
            values = {c: v for c, v in wanted[key].items() if c != pk.name}  # type: ignore[union-attr]
            session.execute(update(table).where(pk == key).values(values))
        added = [k for k, values in wanted.items() if values is not None and now[k] is None]
        added += replaced.get(table.name, [])
        if added:
            session.execute(insert(table), [v for k in added if (v := wanted[k]) is not None])
            audit_rows.touch(session, table.name, added)
        written += len(changed) + len(added)
    return written, current


def restore(db: Database, rows: Rows, *, entity: str, entity_id: int | None, summary: str) -> Rows:
    """``restore_in`` in one transaction, audited as an undo (refused, nothing written, when the rows can no
    longer go back: another row took a number they held meanwhile). Returns the inverse (``restore_in``)."""
    try:
        with db.session() as session:
            written, inverse = _restore_in(session, rows)
            if written:
                audit.record(session, "undo", entity, entity_id, summary)
            return inverse
    except IntegrityError as exc:
        raise ValidationError(
            "Dữ liệu đã thay đổi sau thao tác này (một dòng khác đã dùng số hoặc khoá của nó) nên không hoàn "
            "tác được.",
            "Không hoàn tác được",
        ) from exc
