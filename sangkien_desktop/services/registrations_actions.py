"""What the Đăng ký page and the registration form ask of the database, each one call and one
transaction: the page's data in one read, an edit whose undo puts back exactly the rows it changed,
deleting several registrations and putting them back, a unit typed in the form, an import whose undo puts
back exactly what it replaced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.errors import Issue, SangKienError
from ..domain.text import one_line, sort_key
from ..models import Dossier, ImportMapping, Person, Registration, Unit, UnitType, Year
from ..models.dossier import dossier_code
from . import audit, duplicates, row_snapshots
from . import registrations as service
from . import units as units_service
from .duplicates import DuplicateMatch
from .importers import registrations as importer
from .registrations import DeletedRegistration, RegistrationData, RegistrationRow, UnitRef
from .row_snapshots import Rows
from .undo_entry import returns_inverse


@dataclass(frozen=True)
class PageData:
    """Everything the Đăng ký page shows, read in one transaction."""

    years: list[int]
    units: list[UnitRef]
    unit_types: list[tuple[int, str]]
    rows: list[RegistrationRow]


def page_data(
    db: Database, year: int, unit_id: int | None = None, unit_type_id: int | None = None
) -> PageData:
    """The filters' choices and the registrations of ``year`` (filtered by unit and unit type)."""
    with db.reading() as session:
        years = set(session.scalars(select(Registration.year).distinct()).all())
        years |= set(session.scalars(select(Year.year)).all())
        resolver = service.UnitResolver(session)
        ids = session.scalars(select(Unit.id).where(Unit.merged_into_id.is_(None))).all()
        units = sorted((resolver.ref(i) for i in ids), key=lambda r: sort_key(r.name))
        types = [
            (int(i), str(n))
            for i, n in session.execute(select(UnitType.id, UnitType.name).order_by(UnitType.position))
        ]
        rows = service.query_rows(session, year, unit_id, unit_type_id)
    years.add(dt.date.today().year)
    return PageData(sorted(years, reverse=True), units, types, rows)


def rows(
    db: Database, year: int, unit_id: int | None = None, unit_type_id: int | None = None
) -> list[RegistrationRow]:
    """The registrations the grid shows (``registrations.list_registrations``)."""
    return service.list_registrations(db, year, unit_id=unit_id, unit_type_id=unit_type_id)


@dataclass(frozen=True)
class Edited:
    """A registration saved, its warnings, and its rows as they were (``put_back`` restores them)."""

    registration_id: int
    title: str
    warnings: list[Issue]
    before: Rows


def update(db: Database, registration_id: int, data: RegistrationData) -> Edited:
    """Save the form's edit of a registration (``registrations.update``), keeping its rows as they were —
    the registration, its author rows with their ids, the year it moved to — for an exact undo."""
    with db.session() as session:

        def scope() -> dict[str, set[int]]:
            rows = row_snapshots.family(session, "registrations", [registration_id])
            return row_snapshots.merge(rows, {"years": {data.year}})

        (_, warnings), before = row_snapshots.around_in(
            session, scope, lambda: service.update_in(session, registration_id, data)
        )
        return Edited(registration_id, one_line(data.title), warnings, before)


@returns_inverse
def put_back(db: Database, edited: Edited) -> Edited:
    """Undo of ``update``: the registration's rows exactly as they were (one transaction); returns the edit
    again (the rows it overwrote): ``put_back`` of it redoes."""
    inverse = row_snapshots.restore(
        db,
        edited.before,
        entity="registration",
        entity_id=edited.registration_id,
        summary=f"Hoàn tác sửa đăng ký '{edited.title[:120]}'",
    )
    return replace(edited, before=inverse)


def delete_many(db: Database, ids: list[int]) -> list[DeletedRegistration]:
    """Delete several registrations in one transaction (all or none); returns what ``restore_many`` needs."""
    with db.session() as session:
        return [service.delete_in(session, reg_id) for reg_id in ids]


def restore_many(db: Database, deleted: list[DeletedRegistration]) -> list[int]:
    """Put back registrations deleted by ``delete_many`` (their old ids), in one transaction."""
    with db.session() as session:
        return [service.restore_in(session, d) for d in deleted]


def create_unit(db: Database, name: str, unit_id: int | None = None) -> UnitRef:
    """Add a unit typed in the registration form (its type guessed from its name); ``unit_id`` gives it
    back the id it had (the redo after an undo), so what refers to it still does."""
    with db.session() as session:
        if unit_id is not None and session.get(Unit, unit_id) is None:
            clean_name = one_line(name)
            type_id = service.ensure_unit_type(session, service.guess_unit_type_code(clean_name)).id
            session.add(Unit(id=unit_id, name=clean_name, unit_type_id=type_id))
            session.flush()
            audit.record(session, "restore", "unit", unit_id, f"Thêm lại đơn vị {clean_name}")
            return UnitRef(id=unit_id, name=clean_name)
        unit = service.create_unit(session, name)
        return UnitRef(id=unit.id, name=unit.name)


def delete_unit(db: Database, unit_id: int) -> None:
    """Undo of ``create_unit``: remove the unit again (refused when something refers to it)."""
    with db.session() as session:
        units_service.delete_unit(session, unit_id)


@dataclass(frozen=True)
class ImportDone:
    """An import and every row it changed as it was before (the registrations it updated or deleted with
    their authors, and — absent before — the registrations, authors, people, units, the year and the column
    mapping it added): ``take_back`` restores them exactly."""

    result: importer.ImportResult
    before: Rows = field(default_factory=Rows)


def import_file(
    db: Database, path: Path, options: importer.ImportOptions, progress: Callable[..., object] | None = None
) -> ImportDone:
    """Import a unit's file in one transaction, keeping the rows it changes for an exact undo (and redo)."""
    if progress is not None:
        progress(0, 3, "Đang đọc tệp…")
    source = importer.read(Path(path))
    shown = importer._PREVIEWS.get(importer._preview_key(db, source, options))
    known = {r.line: r.duplicates for r in shown.data_rows} if shown is not None else None
    if progress is not None:
        progress(1, 3, "Đang kiểm tra và ghi…")
    with db.session() as session:
        preview = importer.analyse(session, source, options, known)
        existing = {r.existing_id for r in preview.data_rows if r.existing_id}
        existing |= {i for i, _ in preview.to_delete}
        touched = _touched(session, existing, options.year)
        result, before = row_snapshots.around_in(
            session, touched, lambda: importer.apply(session, preview, options)
        )
    return ImportDone(result, before)


def _touched(session: Session, existing: set[int], year: int) -> Callable[[], row_snapshots.Keys]:
    """The rows an import may change, asked before and after it: the registrations it updates or deletes and
    the ones added since (with their author rows), and the people, units and column mappings added since,
    and the year. (A person or unit that existed before and is only linked by the import is left alone.)"""
    last = {
        model: session.scalar(select(func.max(model.id))) or 0
        for model in (Registration, Person, Unit, ImportMapping)
    }
    mappings = set(session.scalars(select(ImportMapping.id).where(ImportMapping.kind == importer.KIND)))

    def added(model: type[Registration | Person | Unit | ImportMapping]) -> set[int]:
        return set(session.scalars(select(model.id).where(model.id > last[model])))

    def keys() -> row_snapshots.Keys:
        return row_snapshots.merge(
            row_snapshots.family(session, "registrations", existing | added(Registration)),
            {
                "people": added(Person),
                "units": added(Unit),
                "import_mappings": mappings | added(ImportMapping),
                "years": {year},
            },
        )

    return keys


@returns_inverse
def take_back(db: Database, done: ImportDone) -> ImportDone:
    """Undo of ``import_file``: every row it changed back as it was, the rows it added gone (one transaction);
    returns the import again (the rows as they were just before): ``take_back`` of it redoes, with the same
    ids on PostgreSQL too."""
    result = done.result
    inverse = row_snapshots.restore(
        db,
        done.before,
        entity="registration",
        entity_id=None,
        summary=f"Hoàn tác: nhập {len(result.registration_ids)} đăng ký năm {result.year} từ tệp "
        f"{result.file_name}",
    )
    return replace(done, before=inverse)


def dossier_codes(db: Database, registration_ids: list[int]) -> dict[int, str]:
    """The dossier code(s) received for each registration (HS26-007; several joined by ", ")."""
    found: dict[int, list[str]] = {}
    if not registration_ids:
        return {}
    with db.reading() as session:
        for start in range(0, len(registration_ids), 500):
            chunk = registration_ids[start : start + 500]
            query = (
                select(Dossier.registration_id, Dossier.year, Dossier.receipt_no)
                .where(Dossier.registration_id.in_(chunk))
                .order_by(Dossier.year, Dossier.receipt_no)
            )
            for reg_id, year, receipt_no in session.execute(query):
                found.setdefault(int(reg_id or 0), []).append(dossier_code(year, receipt_no))
    return {k: ", ".join(v) for k, v in found.items()}


def check_form(
    db: Database, data: service.RegistrationData, registration_id: int | None, new_unit_name: str = ""
) -> list[Issue]:
    """The registration form's problems as it is typed; a failure to check (the database went away) is one
    more problem shown in the form, not a dialog at every keystroke."""
    try:
        return service.validate(db, data, registration_id, new_unit_name=new_unit_name)
    except SangKienError as exc:
        return [Issue(str(exc))]


def similar(db: Database, title: str, content: str, registration_id: int | None) -> list[DuplicateMatch]:
    """The closest initiatives already registered or recognized, for the form (none when the check fails)."""
    try:
        return duplicates.matches_for_text(db, title, content, exclude_registration=registration_id, limit=3)
    except SangKienError:
        return []
