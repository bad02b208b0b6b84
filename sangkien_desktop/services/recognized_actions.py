"""What Cài đặt → Dữ liệu các năm trước asks beyond ``recognized``'s own calls: a decision set exactly (its
undo puts back an empty date too), and deleting an initiative or a whole imported list with an exact undo
(the rows deleted — the list, its initiatives, their authors and the people only they named — come back
with their ids), and the exact undo of an import (``take_back``), one call and one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.text import one_line
from ..models import RecognizedAuthor, RecognizedInitiative
from . import recognized, row_snapshots
from .importers.recognized import ImportedList
from .recognized import ENTITY, IMPORT_ENTITY, _batch, _initiative
from .row_snapshots import Keys, Rows
from .undo_entry import returns_inverse


def put_decision(
    db: Database, import_id: int, number: str, date: dt.date | None
) -> tuple[str, dt.date | None]:
    """Set the decision (number and date, an empty date included) of an import, audited; returns the
    decision it had, for the undo."""
    with db.session() as session:
        old = recognized.set_decision_in(session, _batch(session, import_id), number, date)
        return old["decision_no"], old["decision_date"]


@dataclass(frozen=True)
class Removed:
    """An initiative or an imported list deleted, and its rows as they were (``put_back`` restores them)."""

    entity: str
    entity_id: int
    label: str
    before: Rows


def _people(session: Session, initiative_ids: Iterable[int]) -> set[int]:
    query = select(RecognizedAuthor.person_id).where(
        RecognizedAuthor.initiative_id.in_(sorted(initiative_ids))
    )
    return set(session.scalars(query))


def _removed(
    session: Session, entity: str, entity_id: int, label: str, keys: Keys, delete: Callable[[], object]
) -> Removed:
    # the rows are read once, before: a deletion adds none
    _, before = row_snapshots.around_in(session, lambda: keys, delete)
    return Removed(entity, entity_id, label, before)


def delete_initiative(db: Database, initiative_id: int) -> Removed:
    """Delete one initiative of an imported list (``recognized.delete_initiative``), keeping its rows, the
    list's count and the people only it named for the undo."""
    with db.session() as session:
        i = _initiative(session, initiative_id)
        label = f"sáng kiến năm {i.year}: {one_line(i.title)[:100]}"
        keys = row_snapshots.merge(
            row_snapshots.family(session, "recognized_initiatives", [initiative_id]),
            {"recognized_imports": {i.import_id}, "people": _people(session, [initiative_id])},
        )
        return _removed(
            session,
            ENTITY,
            initiative_id,
            label,
            keys,
            lambda: recognized.delete_initiative_in(session, initiative_id),
        )


def delete_import(db: Database, import_id: int) -> Removed:
    """Delete a whole imported list (``recognized.delete_import``), keeping every row it takes with it for the
    undo."""
    with db.session() as session:
        batch = _batch(session, import_id)
        label = f"dữ liệu năm {batch.year} (tệp {batch.file_name})"
        ids = set(
            session.scalars(
                select(RecognizedInitiative.id).where(RecognizedInitiative.import_id == import_id)
            )
        )
        keys = row_snapshots.merge(
            row_snapshots.family(session, "recognized_imports", [import_id]),
            {"people": _people(session, ids)},
        )
        return _removed(
            session,
            IMPORT_ENTITY,
            import_id,
            label,
            keys,
            lambda: recognized.delete_import_in(session, batch),
        )


@returns_inverse
def put_back(db: Database, removed: Removed) -> Removed:
    """Undo of ``delete_initiative`` or ``delete_import``: the rows back with their ids (one transaction);
    returns the removal again (the rows as they were before it): ``put_back`` of it redoes."""
    inverse = row_snapshots.restore(
        db,
        removed.before,
        entity=removed.entity,
        entity_id=removed.entity_id,
        summary=f"Khôi phục {removed.label}",
    )
    return replace(removed, before=inverse)


@returns_inverse
def take_back(db: Database, imported: ImportedList) -> ImportedList:
    """Undo of an import (``importers.recognized.import_undoable``): the year's lists as they were before it —
    the lists it replaced back with their ids, what it added gone, the year and the units it added too — in one
    transaction. Returns the import again (the rows as they were just before): ``take_back`` of it redoes."""
    result = imported.result
    inverse = row_snapshots.restore(
        db,
        imported.before,
        entity=IMPORT_ENTITY,
        entity_id=result.import_id,
        summary=f"Hoàn tác: nhập danh sách năm {result.preview.year} từ tệp {result.preview.file_name}",
    )
    return replace(imported, before=inverse)
