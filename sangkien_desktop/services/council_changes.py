"""What a council, assignment or scoring action changed, so that its undo is one transaction that puts every
row back exactly as it was.

``recording(session)`` watches the ORM session while a service runs: the rows it inserts, and the
before-image (every column, ids and timestamps included) of each row it changes or deletes. The
``Change`` it returns is the action's inverse: ``undo(db, change)`` deletes the inserted rows, inserts the
deleted ones again with their own ids, and writes the before-images back — in one transaction, audited.
The audit log itself is never undone (it records the undo instead).

Only ORM operations are seen: a service recorded here must not delete through ``ON DELETE CASCADE`` or bulk
statements (the actions in ``council_actions`` delete dependent rows explicitly).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ..db.database import Database
from ..models import AuditEntry, Base, Setting
from . import audit, audit_rows
from .guards import editable_round
from .undo_entry import returns_inverse

T = TypeVar("T")

RowKey = tuple[type, tuple[Any, ...]]


@dataclass
class Change:
    """The inverse of one action: rows to delete (inserted by it) and rows to write back (changed or deleted
    by it, as they were before). ``result`` is what the action's service returned (a count, an id …)."""

    label: str
    round_id: int | None = None
    created: list[RowKey] = field(default_factory=list)
    before: list[tuple[type, dict[str, Any]]] = field(default_factory=list)
    deleted: set[RowKey] = field(default_factory=set)
    result: Any = None

    @property
    def empty(self) -> bool:
        return not self.created and not self.before

    def created_ids(self, model: type) -> list[Any]:
        return [pk[0] for cls, pk in self.created if cls is model]


def _key(obj: Any) -> RowKey:
    return type(obj), tuple(inspect(obj).mapper.primary_key_from_instance(obj))


def _is_audit(obj: Any) -> bool:
    """The audit log and its chain head: they record the undo, they are never undone."""
    return isinstance(obj, AuditEntry) or (isinstance(obj, Setting) and obj.key == audit_rows.HEAD_KEY)


def _image(obj: Any) -> dict[str, Any]:
    """Every column of ``obj`` as it was when last loaded or flushed (a pending change is left out)."""
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            values[attr.key] = history.deleted[0]
        elif history.unchanged:
            values[attr.key] = history.unchanged[0]
        else:
            values[attr.key] = getattr(obj, attr.key)
    return values


class _Recorder:
    def __init__(self, change: Change) -> None:
        self.change = change
        self._images: dict[RowKey, tuple[type, dict[str, Any]]] = {}
        self._created: dict[RowKey, None] = {}

    def before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        for obj in list(session.dirty) + list(session.deleted):
            if _is_audit(obj) or inspect(obj).identity is None:
                continue
            key = _key(obj)
            if key in self._created:
                continue
            if key not in self._images and (obj in session.deleted or session.is_modified(obj)):
                self._images[key] = (type(obj), _image(obj))
            if obj in session.deleted:
                self.change.deleted.add(key)

    def after_flush(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            if not _is_audit(obj):
                self._created[_key(obj)] = None
        for obj in session.deleted:
            key = _key(obj)
            if key in self._created:  # inserted and deleted within the action: nothing to undo
                del self._created[key]
                self.change.deleted.discard(key)

    def finish(self) -> None:
        self.change.created = list(self._created)
        self.change.before = list(self._images.values())


@contextmanager
def recording(session: Session, change: Change) -> Iterator[Change]:
    """Record into ``change`` what the code inside the block does through ``session``."""
    recorder = _Recorder(change)
    event.listen(session, "before_flush", recorder.before_flush)
    event.listen(session, "after_flush", recorder.after_flush)
    try:
        yield change
        session.flush()
    finally:
        event.remove(session, "before_flush", recorder.before_flush)
        event.remove(session, "after_flush", recorder.after_flush)
        recorder.finish()


def run(db: Database, label: str, round_id: int | None, fn: Callable[[Session], T]) -> Change:
    """Run ``fn(session)`` in one transaction and return its inverse (``result`` holds what it returned)."""
    change = Change(label, round_id)
    with db.session() as session, recording(session, change):
        change.result = fn(session)
    return change


def _rank(cls: type) -> int:
    """The table's place in dependency order (a referenced table comes before the tables referring to it)."""
    table: Any = inspect(cls).local_table
    return next(i for i, t in enumerate(Base.metadata.sorted_tables) if t is table)


def undo_in(session: Session, change: Change) -> Change:
    """Put back what ``change`` recorded, in the caller's transaction; returns the inverse of the undo."""
    if change.round_id is not None:
        editable_round(session, change.round_id, change.label)
    inverse = Change(f"hoàn tác {change.label}", change.round_id)
    images: dict[RowKey, tuple[type, dict[str, Any]]] = {}  # rows written back, as they were before
    with recording(session, inverse):
        for cls, pk in sorted(change.created, key=lambda k: -_rank(k[0])):  # children first
            row = session.get(cls, pk)
            if row is not None:
                session.delete(row)
                session.flush()
        for cls, values in sorted(change.before, key=lambda b: _rank(b[0])):  # parents first
            mapper: Any = inspect(cls)
            pk = tuple(values[c.key] for c in mapper.primary_key)
            row = session.get(cls, pk)
            if row is None:
                session.add(cls(**values))
            else:
                images[_key(row)] = (cls, _image(row))
                for key, value in values.items():
                    if getattr(row, key) == value:
                        # written even when equal, so no onupdate stamp replaces it (flagged only then: a flag
                        # drops the attribute's old value, which the inverse's image is read from)
                        flag_modified(row, key)
                    else:
                        setattr(row, key, value)
            session.flush()
        if not change.empty:
            audit.record(session, "update", "undo", change.round_id or "", f"Hoàn tác: {change.label}")
    # the images taken before any column was set: the recorder reads them from the attributes' history,
    # which a column set by another's event (a name's search key) or flagged as written no longer holds
    for index, (cls, values) in enumerate(inverse.before):
        key = (cls, tuple(values[c.key] for c in inspect(cls).primary_key))  # type: ignore[var-annotated]
        if key in images:
            inverse.before[index] = images[key]
    return inverse


@returns_inverse
def undo(db: Database, change: Change) -> Change:
    """Undo ``change`` in one transaction (see ``undo_in``)."""
    with db.session() as session:
        return undo_in(session, change)
