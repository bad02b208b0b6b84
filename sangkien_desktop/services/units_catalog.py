"""The units catalog as whole user actions (Cài đặt → Đơn vị): each function takes the ``Database`` and owns its
transaction; functions ending in ``_in`` compose inside the caller's.

A data-changing action returns a ``CatalogChange``: the state of every unit and unit type it touched before and
after. Undo is ``put(db, change.before)`` and redo ``put(db, change.after)`` — one transaction each way, and the
rows come back exactly (same ids, same aliases with their ids, same import mappings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.errors import NotFoundError
from ..domain.unit_names import guess_type_code
from ..models import ImportMapping, Unit, UnitAlias, UnitType
from . import audit
from . import units as units_service
from .units import ImportPlan, UnitRow, UnitTypeRow

# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    types: list[UnitTypeRow]
    units: list[UnitRow]


def load_catalog(db: Database) -> Catalog:
    """The unit types and units; a council set up without the wizard first gets the usual unit types."""
    with db.reading() as session:
        missing = not session.scalar(select(func.count(UnitType.id)))
    if missing:
        with db.session() as session:
            units_service.ensure_default_types(session)
    with db.reading() as session:
        return Catalog(units_service.list_types(session), units_service.list_units(session))


def type_names(db: Database) -> dict[int, str]:
    with db.reading() as session:
        return {t.id: t.name for t in units_service.list_types(session)}


def finalized_rounds_holding(db: Database, unit_id: int) -> list[str]:
    with db.reading() as session:
        return units_service.finalized_rounds_holding(session, unit_id)


def guess_type_in(session: Session, name: str) -> int | None:
    """The unit type a name tells (as the Excel import guesses it: "Trường THCS …" → Trường THCS)."""
    code = guess_type_code(name)
    if code is None:
        return None
    return session.scalar(select(UnitType.id).where(UnitType.code == code))


# --- snapshots -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSnapshot:
    id: int
    name: str
    short_name: str
    unit_type_id: int | None
    active: bool
    merged_into_id: int | None
    note: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    aliases: tuple[tuple[int, str], ...]  # (id, alias)
    mappings: tuple[tuple[int, str, str, dt.datetime | None], ...]  # (id, kind, mapping_json, updated_at)


@dataclass(frozen=True)
class TypeSnapshot:
    id: int
    code: str
    name: str
    deadline_month: int | None
    deadline_day: int | None
    position: int


@dataclass(frozen=True)
class CatalogState:
    """Units and unit types by id; ``None`` means "does not exist"."""

    units: tuple[tuple[int, UnitSnapshot | None], ...] = ()
    types: tuple[tuple[int, TypeSnapshot | None], ...] = ()


@dataclass(frozen=True)
class CatalogChange:
    title: str
    before: CatalogState
    after: CatalogState
    result: object = None  # what the action tells the user (the import plan)
    unit_id: int | None = None  # the unit the action was about


def unit_snapshot_in(session: Session, unit_id: int) -> UnitSnapshot | None:
    unit = session.get(Unit, unit_id)
    if unit is None:
        return None
    mappings = session.scalars(select(ImportMapping).where(ImportMapping.unit_id == unit_id))
    return UnitSnapshot(
        unit.id,
        unit.name,
        unit.short_name,
        unit.unit_type_id,
        unit.active,
        unit.merged_into_id,
        unit.note,
        unit.created_at,
        unit.updated_at,
        tuple(sorted((a.id, a.alias) for a in unit.aliases)),
        tuple(sorted((m.id, m.kind, m.mapping_json, m.updated_at) for m in mappings)),
    )


def type_snapshot_in(session: Session, type_id: int) -> TypeSnapshot | None:
    t = session.get(UnitType, type_id)
    if t is None:
        return None
    return TypeSnapshot(t.id, t.code, t.name, t.deadline_month, t.deadline_day, t.position)


def state_in(session: Session, unit_ids: Iterable[int] = (), type_ids: Iterable[int] = ()) -> CatalogState:
    return CatalogState(
        tuple((i, unit_snapshot_in(session, i)) for i in sorted(set(unit_ids))),
        tuple((i, type_snapshot_in(session, i)) for i in sorted(set(type_ids))),
    )


def _put_type_in(session: Session, snap: TypeSnapshot) -> None:
    row = session.get(UnitType, snap.id)
    if row is None:
        row = UnitType(id=snap.id, code=snap.code, name=snap.name)
        session.add(row)
    row.code, row.name, row.position = snap.code, snap.name, snap.position
    row.deadline_month, row.deadline_day = snap.deadline_month, snap.deadline_day


def _put_unit_in(session: Session, snap: UnitSnapshot) -> None:
    unit = session.get(Unit, snap.id)
    if unit is None:
        unit = Unit(id=snap.id, name=snap.name)
        session.add(unit)
    unit.name, unit.short_name, unit.unit_type_id = snap.name, snap.short_name, snap.unit_type_id
    unit.active, unit.merged_into_id, unit.note = snap.active, snap.merged_into_id, snap.note
    wanted = dict(snap.aliases)
    for alias in list(unit.aliases):
        if wanted.get(alias.id) != alias.alias:
            unit.aliases.remove(alias)
    session.flush()
    have = {a.id for a in unit.aliases}
    for alias_id, text in snap.aliases:
        if alias_id not in have:
            unit.aliases.append(UnitAlias(id=alias_id, alias=text))
    session.flush()
    wanted_maps = {m[0]: m for m in snap.mappings}
    for mapping in session.scalars(select(ImportMapping).where(ImportMapping.unit_id == snap.id)):
        if mapping.id not in wanted_maps:
            session.delete(mapping)
    for mapping_id, kind, text, updated in snap.mappings:
        row = session.get(ImportMapping, mapping_id)
        if row is None:
            row = ImportMapping(id=mapping_id, unit_id=snap.id, kind=kind, mapping_json=text)
            session.add(row)
        row.kind, row.mapping_json = kind, text
        if updated is not None:
            row.updated_at = updated
    session.flush()
    unit.created_at, unit.updated_at = snap.created_at or unit.created_at, snap.updated_at or unit.updated_at


def put_in(session: Session, state: CatalogState) -> None:
    """Make the catalog hold ``state``: types first (units refer to them), then units, then types to remove."""
    for _, type_snap in state.types:
        if type_snap is not None:
            _put_type_in(session, type_snap)
    session.flush()
    for unit_id, unit_snap in state.units:
        if unit_snap is None:
            session.execute(delete(ImportMapping).where(ImportMapping.unit_id == unit_id))
            session.execute(delete(UnitAlias).where(UnitAlias.unit_id == unit_id))
            session.execute(delete(Unit).where(Unit.id == unit_id))
        else:
            _put_unit_in(session, unit_snap)
    session.flush()
    for type_id, type_snap in state.types:
        if type_snap is None:
            session.execute(delete(UnitType).where(UnitType.id == type_id))
    session.flush()
    session.expire_all()


def put(db: Database, state: CatalogState, title: str = "") -> None:
    """Undo or redo of a catalog action: one transaction, audited."""
    with db.session() as session:
        put_in(session, state)
        audit.record(session, "restore", "unit", "", title or "Hoàn tác / làm lại danh mục đơn vị")


# --- actions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitDraft:
    """What the unit dialog holds."""

    name: str
    short_name: str = ""
    unit_type_id: int | None = None
    aliases: tuple[str, ...] = ()
    note: str = ""
    active: bool = True


def _change(
    session: Session,
    title: str,
    before: CatalogState,
    unit_ids: Sequence[int] = (),
    type_ids: Sequence[int] = (),
) -> CatalogChange:
    return CatalogChange(title, before, state_in(session, unit_ids, type_ids))


def add_unit(db: Database, draft: UnitDraft) -> CatalogChange:
    """A unit added by hand; with no type chosen it gets the type its name tells, as on import."""
    with db.session() as session:
        units_service.ensure_default_types(session)
        type_id = draft.unit_type_id if draft.unit_type_id is not None else guess_type_in(session, draft.name)
        unit = units_service.create_unit(
            session,
            draft.name,
            short_name=draft.short_name,
            unit_type_id=type_id,
            aliases=draft.aliases,
            note=draft.note,
        )
        before = CatalogState(((unit.id, None),))
        change = _change(session, f"Thêm đơn vị {unit.name}", before, [unit.id])
        return CatalogChange(change.title, change.before, change.after, unit_id=unit.id)


def edit_unit(db: Database, unit_id: int, draft: UnitDraft) -> CatalogChange:
    with db.session() as session:
        before = state_in(session, [unit_id])
        if before.units[0][1] is None:
            raise NotFoundError(f"Không tìm thấy đơn vị có mã {unit_id}.")
        units_service.update_unit(
            session,
            unit_id,
            name=draft.name,
            short_name=draft.short_name,
            unit_type_id=draft.unit_type_id,
            active=draft.active,
            note=draft.note,
            aliases=list(draft.aliases),
        )
        return _change(session, f"Sửa đơn vị {draft.name}", before, [unit_id])


def delete_unit(db: Database, unit_id: int) -> CatalogChange:
    with db.session() as session:
        before = state_in(session, [unit_id])
        units_service.delete_unit(session, unit_id)
        snap = before.units[0][1]
        return _change(session, f"Xóa đơn vị {snap.name if snap else unit_id}", before, [unit_id])


def save_type(db: Database, type_id: int | None, name: str, deadline: str) -> CatalogChange:
    """Add (``type_id`` None) or edit a unit type; ``deadline`` as typed ("31/3", empty for none)."""
    month, day = units_service.parse_deadline(deadline)
    with db.session() as session:
        if type_id is None:
            units_service.ensure_default_types(session)
        before = state_in(session, type_ids=[type_id] if type_id is not None else [])
        row = units_service.save_type(session, type_id, name=name, deadline_month=month, deadline_day=day)
        if type_id is None:
            before = CatalogState(types=((row.id, None),))
        verb = "Thêm" if type_id is None else "Sửa"
        return _change(session, f"{verb} loại đơn vị {row.name}", before, type_ids=[row.id])


def delete_type(db: Database, type_id: int) -> CatalogChange:
    with db.session() as session:
        before = state_in(session, type_ids=[type_id])
        snap = before.types[0][1]
        units_service.delete_type(session, type_id)
        return _change(
            session, f"Xóa loại đơn vị {snap.name if snap else type_id}", before, type_ids=[type_id]
        )


def merge_units(db: Database, keep_id: int, drop_id: int, reason: str = "") -> str:
    """Merge a duplicate into the unit kept (logged, not undoable); the report's text."""
    with db.session() as session:
        return units_service.merge_units(session, keep_id, drop_id, reason).text()


@dataclass
class ImportReview:
    plan: ImportPlan
    type_names: dict[int, str] = field(default_factory=dict)


def plan_import(db: Database, path: Path) -> ImportReview:
    """What importing ``path`` would do (the default unit types are created first when there are none)."""
    with db.session() as session:
        units_service.ensure_default_types(session)
    with db.reading() as session:
        plan = units_service.plan_import(session, path)
        names = {t.id: t.name for t in units_service.list_types(session)}
    return ImportReview(plan, names)


def import_units(db: Database, path: Path) -> CatalogChange:
    """Import ``path`` (planned again in the same transaction); the change lists every unit created or updated."""
    with db.session() as session:
        units_service.ensure_default_types(session)
        plan = units_service.plan_import(session, path)
        touched = [r.unit_id for r in plan.rows if r.action == "update" and r.unit_id is not None]
        before = state_in(session, touched)
        units_service.apply_import(session, plan)
        created = [r.unit_id for r in plan.rows if r.action == "create" and r.unit_id is not None]
        before = CatalogState(before.units + tuple((i, None) for i in created))
        change = _change(session, f"Nhập đơn vị từ {plan.file}", before, touched + created)
        return CatalogChange(change.title, change.before, change.after, result=plan)
