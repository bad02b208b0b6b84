"""Registrations (đăng ký): list, add, edit, delete with audit and undo support; the unit lookup shared by
the form and the importer; the rules' inputs (co-author limit, deadlines, titles already registered)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..db.database import Database
from ..domain import registration_form as form
from ..domain import registration_rules as rules
from ..domain.defaults import DEFAULT_CO_AUTHOR_LIMIT, DEFAULT_UNIT_TYPES
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.text import clean, fold_key, one_line, sort_key
from ..domain.unit_names import guess_type_code
from ..models import (
    Dossier,
    Person,
    Registration,
    RegistrationAuthor,
    Round,
    Unit,
    UnitType,
    Year,
)
from . import audit
from .rounds import ensure_year
from .units import UnitMatcher

MANUAL_SOURCE = "Nhập tay"


# ----------------------------------------------------------------------------------------------------
# Units


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    short_name: str = ""
    type_id: int | None = None
    type_name: str = ""
    deadline_month: int | None = None
    deadline_day: int | None = None
    active: bool = True
    note: str = ""  # e.g. "đã gộp vào …"

    def deadline(self, year: int) -> dt.date | None:
        return rules.deadline_for(year, self.deadline_month, self.deadline_day)


class UnitResolver:
    """Finds a unit by what a file or a person wrote (name, alias, short name, or a spelling that differs
    only in accents, case or common abbreviations) through the catalog's one ``UnitMatcher``, and returns it as
    a ``UnitRef`` with its type and deadline. Merged units resolve to their successor."""

    def __init__(self, session: Session) -> None:
        units = session.scalars(select(Unit).options(selectinload(Unit.unit_type))).all()
        self._units: dict[int, Unit] = {u.id: u for u in units}
        self._refs: dict[int, UnitRef] = {}
        self._matcher = UnitMatcher(session)
        self._created: dict[str, UnitRef] = {}

    def ref(self, unit_id: int) -> UnitRef:
        if unit_id in self._refs:
            return self._refs[unit_id]
        unit = self._units.get(unit_id)
        if unit is None:
            raise NotFoundError(f"Không tìm thấy đơn vị có mã {unit_id}.")
        note = ""
        seen = {unit.id}
        while unit.merged_into_id and unit.merged_into_id in self._units and unit.merged_into_id not in seen:
            target = self._units[unit.merged_into_id]
            note = f"Đơn vị '{self._units[unit_id].name}' đã gộp vào '{target.name}': ghi cho đơn vị mới."
            seen.add(target.id)
            unit = target
        ut = unit.unit_type
        ref = UnitRef(
            id=unit.id,
            name=unit.name,
            short_name=unit.short_name,
            type_id=unit.unit_type_id,
            type_name=ut.name if ut else "",
            deadline_month=ut.deadline_month if ut else None,
            deadline_day=ut.deadline_day if ut else None,
            active=unit.active,
            note=note,
        )
        self._refs[unit_id] = ref
        return ref

    def resolve(self, text: str) -> UnitRef | None:
        key = fold_key(text)
        if not key:
            return None
        if key in self._created:
            return self._created[key]
        found = self._matcher.find(text)
        return self.ref(found.unit_id) if found is not None else None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Names of existing units that look like ``text`` (for "Có phải …?")."""
        return self._matcher.suggest(text, limit)

    def remember_created(self, name: str, ref: UnitRef) -> None:
        self._created[fold_key(name)] = ref


def guess_unit_type_code(name: str) -> str:
    """The default unit type for a new unit, from its name ("khac" when nothing fits)."""
    return guess_type_code(name) or "khac"


def ensure_unit_type(session: Session, code: str) -> UnitType:
    """The unit type with ``code``, created from the defaults if the database has none yet."""
    found = session.scalar(select(UnitType).where(UnitType.code == code))
    if found is not None:
        return found
    spec = next((s for s in DEFAULT_UNIT_TYPES if s.code == code), DEFAULT_UNIT_TYPES[-1])
    position = session.scalar(select(func.count(UnitType.id))) or 0
    ut = UnitType(
        code=spec.code,
        name=spec.name,
        deadline_month=spec.deadline_month,
        deadline_day=spec.deadline_day,
        position=position,
    )
    session.add(ut)
    session.flush()
    return ut


def create_unit(session: Session, name: str, type_code: str | None = None) -> Unit:
    """Add a unit (from an import or the registration form), logged."""
    name = one_line(name)
    if not name:
        raise ValidationError("Tên đơn vị không được để trống.")
    existing = session.scalar(select(Unit).where(Unit.name_key == fold_key(name)))
    if existing is not None:
        return existing
    ut = ensure_unit_type(session, type_code or guess_unit_type_code(name))
    unit = Unit(name=name, unit_type_id=ut.id)
    session.add(unit)
    session.flush()
    audit.record(session, "create", "unit", unit.id, f"Thêm đơn vị {name}", new={"name": name})
    return unit


def list_units(db: Database) -> list[UnitRef]:
    with db.reading() as session:
        resolver = UnitResolver(session)
        ids = session.scalars(select(Unit.id).where(Unit.merged_into_id.is_(None))).all()
        refs = [resolver.ref(i) for i in ids]
    return sorted(refs, key=lambda r: sort_key(r.name))


def list_unit_types(db: Database) -> list[tuple[int, str]]:
    with db.reading() as session:
        rows = session.execute(select(UnitType.id, UnitType.name).order_by(UnitType.position)).all()
    return [(i, n) for i, n in rows]


# ----------------------------------------------------------------------------------------------------
# Rows


@dataclass
class RegistrationData:
    """What the form (or one imported row) holds."""

    year: int
    unit_id: int
    title: str
    authors_text: str
    applied_unit: str = ""
    problem: str = ""
    content: str = ""
    effect: str = ""
    scope: str = ""
    department: str = ""
    seq: int | None = None
    registered_on: dt.date | None = None
    source: str = MANUAL_SOURCE
    field: str = ""  # Lĩnh vực, when a unit's table has it
    note: str = ""  # Ghi chú, when a unit's table has it

    def values(self) -> dict[str, str]:
        return {name: str(getattr(self, name) or "") for name in form.TEXT_FIELDS} | {
            form.SEQ: "" if self.seq is None else str(self.seq)
        }


@dataclass(frozen=True)
class RegistrationRow:
    """A registration as lists, grids and exports show it."""

    id: int
    year: int
    unit_id: int
    unit_name: str
    unit_type: str
    seq: int | None
    applied_unit: str
    problem: str
    title: str
    content: str
    effect: str
    scope: str
    authors_text: str
    department: str
    registered_on: dt.date | None
    source: str
    not_duplicate: bool
    not_duplicate_note: str
    dossiers: tuple[str, ...] = ()  # codes of dossiers filed for it
    field: str = ""
    note: str = ""

    def data(self) -> RegistrationData:
        return RegistrationData(
            year=self.year,
            unit_id=self.unit_id,
            title=self.title,
            authors_text=self.authors_text,
            applied_unit=self.applied_unit,
            problem=self.problem,
            content=self.content,
            effect=self.effect,
            scope=self.scope,
            department=self.department,
            seq=self.seq,
            registered_on=self.registered_on,
            source=self.source,
            field=self.field,
            note=self.note,
        )

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"dossiers": list(self.dossiers)}


def _row(reg: Registration, dossiers: tuple[str, ...] = ()) -> RegistrationRow:
    return RegistrationRow(
        id=reg.id,
        year=reg.year,
        unit_id=reg.unit_id,
        unit_name=reg.unit.name,
        unit_type=reg.unit.unit_type.name if reg.unit.unit_type else "",
        seq=reg.seq,
        applied_unit=reg.applied_unit,
        problem=reg.problem,
        title=reg.title,
        content=reg.content,
        effect=reg.effect,
        scope=reg.scope,
        authors_text=reg.authors_text,
        department=reg.department,
        registered_on=reg.registered_on,
        source=reg.source,
        not_duplicate=reg.not_duplicate,
        not_duplicate_note=reg.not_duplicate_note,
        dossiers=dossiers,
        field=reg.field,
        note=reg.note,
    )


def query_rows(
    session: Session,
    year: int | None = None,
    unit_id: int | None = None,
    unit_type_id: int | None = None,
    text: str = "",
    ids: list[int] | None = None,
) -> list[RegistrationRow]:
    """Registrations in the order of the merged table: unit by the Vietnamese alphabet, then TT.

    Read as plain rows (no ORM objects): a year of a large council has thousands of them."""
    fields = [
        getattr(Registration, f.name) for f in dataclasses.fields(RegistrationRow) if f.name in _REG_COLUMNS
    ]
    query = (
        select(*fields, Unit.name, UnitType.name)
        .join(Unit, Unit.id == Registration.unit_id)
        .outerjoin(UnitType, UnitType.id == Unit.unit_type_id)
    )
    if year is not None:
        query = query.where(Registration.year == year)
    if unit_id is not None:
        query = query.where(Registration.unit_id == unit_id)
    if unit_type_id is not None:
        query = query.where(Unit.unit_type_id == unit_type_id)
    if ids is not None:
        query = query.where(Registration.id.in_(ids))
    for word in fold_key(text).split():
        query = query.where(Registration.search_key.contains(word, autoescape=True))
    # read a few hundred rows at a time, each text met again kept once (units, types, sources: a year
    # repeats them): a large council's year is thousands of rows
    strings: dict[str, str] = {}
    found: list[list[Any]] = [
        [strings.setdefault(v, v) if isinstance(v, str) else v for v in row]
        for row in session.execute(query, execution_options={"yield_per": 500})
    ]
    del strings
    codes: dict[int, list[str]] = defaultdict(list)
    if found:
        dossiers = (
            select(Dossier.registration_id, Dossier.year, Dossier.receipt_no)
            .where(Dossier.registration_id.in_(query.with_only_columns(Registration.id)))
            .order_by(Dossier.receipt_no)
        )
        for reg_id, year_, no in session.execute(dossiers):
            codes[cast(int, reg_id)].append(f"HS{year_ % 100:02d}-{no:03d}")  # in the registrations found
    names = [f.name for f in dataclasses.fields(RegistrationRow) if f.name in _REG_COLUMNS]
    rows = []
    for values in found:
        data = dict(zip(names, values, strict=False))
        rows.append(
            RegistrationRow(
                **data,
                unit_name=values[-2],
                unit_type=values[-1] or "",
                dossiers=tuple(codes.get(data["id"], ())),
            )
        )
    unit_keys: dict[str, Any] = {}
    for r in rows:
        if r.unit_name not in unit_keys:
            unit_keys[r.unit_name] = sort_key(r.unit_name)
    return sorted(rows, key=lambda r: (unit_keys[r.unit_name], r.seq if r.seq is not None else 10**9, r.id))


# RegistrationRow fields read straight from the registrations table.
_REG_COLUMNS = frozenset(
    {
        "id",
        "year",
        "unit_id",
        "seq",
        "applied_unit",
        "problem",
        "title",
        "content",
        "effect",
        "scope",
        "authors_text",
        "department",
        "registered_on",
        "source",
        "not_duplicate",
        "not_duplicate_note",
        "field",
        "note",
    }
)


def list_registrations(
    db: Database,
    year: int | None = None,
    unit_id: int | None = None,
    unit_type_id: int | None = None,
    text: str = "",
) -> list[RegistrationRow]:
    with db.reading() as session:
        return query_rows(session, year, unit_id, unit_type_id, text)


def get_registration(db: Database, registration_id: int) -> RegistrationRow:
    with db.reading() as session:
        rows = query_rows(session, ids=[registration_id])
    if not rows:
        raise NotFoundError(f"Không tìm thấy đăng ký có mã {registration_id}.")
    return rows[0]


def registration_years(db: Database) -> list[int]:
    """Years that have registrations or rounds, newest first (at least the current year)."""
    with db.reading() as session:
        years = set(session.scalars(select(Registration.year).distinct()).all())
        years |= set(session.scalars(select(Year.year)).all())
    years.add(dt.date.today().year)
    return sorted(years, reverse=True)


# ----------------------------------------------------------------------------------------------------
# Rules' inputs


def co_author_limit(session: Session, year: int) -> int:
    """The strictest co-author limit among the year's rounds (default 2)."""
    limit = session.scalar(select(func.min(Round.co_author_limit)).where(Round.year == year))
    return int(limit) if limit else DEFAULT_CO_AUTHOR_LIMIT


@dataclass
class TitleBook:
    """Titles already registered in a year: folded title → [(registration id, unit id, unit name)]."""

    entries: dict[str, list[tuple[int, int, str]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, session: Session, year: int) -> TitleBook:
        book = cls()
        rows = session.execute(
            select(Registration.id, Registration.title_key, Registration.unit_id, Unit.name)
            .join(Unit, Unit.id == Registration.unit_id)
            .where(Registration.year == year)
        )
        for reg_id, key, unit_id, unit_name in rows:
            book.entries[key].append((reg_id, unit_id, unit_name))
        return book

    def same_unit(self, key: str, unit_id: int, exclude: set[int] | None = None) -> int | None:
        for reg_id, uid, _ in self.entries.get(key, []):
            if uid == unit_id and reg_id not in (exclude or set()):
                return reg_id
        return None

    def other_units(self, key: str, unit_id: int, exclude: set[int] | None = None) -> tuple[str, ...]:
        names = [
            name
            for reg_id, uid, name in self.entries.get(key, [])
            if uid != unit_id and reg_id not in (exclude or set())
        ]
        return tuple(dict.fromkeys(names))


def authors_by_unit(
    resolver: UnitResolver, authors_text: str, unit: UnitRef | None, fallback_name: str = ""
) -> dict[str, int]:
    """How many authors each unit contributes: an author's bracket note naming another unit counts there,
    everyone else counts for the registering unit."""
    counts: dict[str, int] = defaultdict(int)
    home = unit.name if unit else (fallback_name or "đăng ký")
    for author in rules.parse_authors(authors_text):
        other = resolver.resolve(author.note) if author.note else None
        counts[other.name if other is not None else home] += 1
    return dict(counts)


def check(
    session: Session,
    data: RegistrationData,
    exclude_id: int | None = None,
    line: int | None = None,
    new_unit_name: str = "",
) -> list[Issue]:
    """Every error and warning of a registration typed in the form (or edited). ``new_unit_name``: the
    unit is not in the list yet and will be added under this name when saving."""
    resolver = UnitResolver(session)
    try:
        unit: UnitRef | None = resolver.ref(data.unit_id)
    except NotFoundError:
        unit = None
    if unit is None and new_unit_name:
        facts = rules.RowFacts(
            line=line,
            values=data.values(),
            year=data.year,
            unit_name=one_line(new_unit_name),
            authors_by_unit=authors_by_unit(resolver, data.authors_text, None, one_line(new_unit_name)),
            co_author_limit=co_author_limit(session, data.year),
            registered_on=data.registered_on,
        )
        return rules.check_row(facts)
    book = TitleBook.load(session, data.year)
    key = fold_key(data.title)
    exclude = {exclude_id} if exclude_id is not None else set()
    facts = rules.RowFacts(
        line=line,
        values=data.values(),
        year=data.year,
        unit_name=unit.name if unit else None,
        unit_text="" if unit else f"mã {data.unit_id}",
        authors_by_unit=authors_by_unit(resolver, data.authors_text, unit),
        co_author_limit=co_author_limit(session, data.year),
        registered_on=data.registered_on,
        deadline=unit.deadline(data.year) if unit else None,
        unit_type_name=unit.type_name if unit else "",
        registered_same_unit=bool(unit and book.same_unit(key, unit.id, exclude)),
        registered_other_units=book.other_units(key, unit.id, exclude) if unit else (),
        unit_note=unit.note if unit else "",
    )
    return rules.check_row(facts)


def validate(
    db: Database, data: RegistrationData, exclude_id: int | None = None, new_unit_name: str = ""
) -> list[Issue]:
    with db.reading() as session:
        return check(session, data, exclude_id, new_unit_name=new_unit_name)


# ----------------------------------------------------------------------------------------------------
# Writing


def _link_person(session: Session, name: str, unit_id: int) -> int | None:
    ids = session.scalars(
        select(Person.id).where(Person.name_key == fold_key(name), Person.unit_id == unit_id).limit(2)
    ).all()
    return ids[0] if len(ids) == 1 else None


class PersonLinker:
    """``_link_person`` for many rows: each unit's people are read once (an import of a thousand rows)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._units: dict[int, dict[str, list[int]]] = {}

    def link(self, name: str, unit_id: int) -> int | None:
        ids = self.candidates(name, unit_id)
        return ids[0] if len(ids) == 1 else None

    def candidates(self, name: str, unit_id: int) -> list[int]:
        """Every person of ``unit_id`` with this name (accents and case aside), oldest first."""
        return list(self._people(unit_id).get(fold_key(name), []))

    def add(self, name: str, unit_id: int, person_id: int) -> None:
        """Make a person added meanwhile (by an import) found by the next rows."""
        self._people(unit_id)[fold_key(name)].append(person_id)

    def _people(self, unit_id: int) -> dict[str, list[int]]:
        people = self._units.get(unit_id)
        if people is None:
            people = self._units[unit_id] = defaultdict(list)
            for person_id, key in self._session.execute(
                select(Person.id, Person.name_key).where(Person.unit_id == unit_id).order_by(Person.id)
            ):
                people[key].append(person_id)
        return people


def apply_data(
    session: Session,
    reg: Registration,
    data: RegistrationData,
    unit_id: int,
    linker: PersonLinker | None = None,
    *,
    keep_same_authors: bool = False,
    author_rows: Sequence[dict[str, Any]] | None = None,
) -> None:
    """Copy the form's values onto ``reg`` and rebuild its author list — unless ``keep_same_authors`` and
    the authors, the department and the unit are unchanged (each author keeps a department of their own), or
    ``author_rows`` gives the exact rows to put back (an undo)."""
    same = (
        keep_same_authors
        and bool(reg.authors)
        and reg.unit_id == unit_id
        and reg.authors_text == clean(data.authors_text or "")
        and reg.department == clean(data.department or "")
    )
    reg.year = data.year
    reg.unit_id = unit_id
    reg.seq = data.seq
    for name in form.TEXT_FIELDS:
        value = clean(getattr(data, name) or "")
        setattr(reg, name, value)
    reg.registered_on = data.registered_on
    reg.source = (data.source or MANUAL_SOURCE)[:255]
    reg.field = clean(data.field or "")
    reg.note = clean(data.note or "")
    if author_rows is not None:
        _put_author_rows(session, reg, author_rows)
        return
    if same:
        return
    authors = rules.parse_authors(data.authors_text)
    departments = rules.split_departments(data.department, len(authors))
    if reg.authors:  # a registration being edited: its old author rows go first
        reg.authors.clear()
        session.flush()
    for i, (author, dept) in enumerate(zip(authors, departments, strict=True)):
        reg.authors.append(
            RegistrationAuthor(
                position=i,
                full_name=author.name,
                department=(dept or author.note)[:255],
                job_title=author.position,
                person_id=linker.link(author.name, unit_id)
                if linker is not None
                else _link_person(session, author.name, unit_id),
            )
        )


AUTHOR_COLUMNS = ("id", "position", "full_name", "department", "job_title", "person_id")


def _author_rows(reg: Registration) -> tuple[dict[str, Any], ...]:
    """A registration's author rows exactly (with their ids), to put back by an undo."""
    return tuple({c: getattr(a, c) for c in AUTHOR_COLUMNS} for a in reg.authors)


def _put_author_rows(session: Session, reg: Registration, rows: Sequence[dict[str, Any]]) -> None:
    if reg.authors:
        reg.authors.clear()
        session.flush()
    for row in rows:
        reg.authors.append(RegistrationAuthor(**row))


def _snapshot(reg: Registration) -> dict[str, Any]:
    return {
        "year": reg.year,
        "unit_id": reg.unit_id,
        "seq": reg.seq,
        **{name: getattr(reg, name) for name in form.TEXT_FIELDS},
        "registered_on": reg.registered_on,
        "source": reg.source,
        "field": reg.field,
        "note": reg.note,
        "not_duplicate": reg.not_duplicate,
        "not_duplicate_note": reg.not_duplicate_note,
    }


def _refuse_errors(issues: list[Issue], title: str) -> None:
    errs = rules.errors(issues)
    if errs:
        raise ValidationError(issues, title)


def create(db: Database, data: RegistrationData) -> tuple[int, list[Issue]]:
    """Add a registration. Raises ``ValidationError`` on errors; returns (id, warnings)."""
    with db.session() as session:
        issues = check(session, data)
        _refuse_errors(issues, "Không lưu được đăng ký")
        ensure_year(session, data.year)
        unit_id = UnitResolver(session).ref(data.unit_id).id
        reg = Registration(year=data.year, unit_id=unit_id, title=data.title)
        session.add(reg)
        apply_data(session, reg, data, unit_id)
        if reg.seq is None:
            reg.seq = next_seq(session, data.year, unit_id)
        session.flush()
        audit.record(
            session,
            "create",
            "registration",
            reg.id,
            f"Thêm đăng ký '{one_line(reg.title)}' ({reg.year})",
            new=_snapshot(reg),
        )
        return reg.id, rules.warnings(issues)


def next_seq(session: Session, year: int, unit_id: int) -> int:
    current = session.scalar(
        select(func.max(Registration.seq)).where(Registration.year == year, Registration.unit_id == unit_id)
    )
    return int(current or 0) + 1


def update(
    db: Database, registration_id: int, data: RegistrationData
) -> tuple[RegistrationData, list[Issue]]:
    """Save edits. Returns (the values before, warnings) so the change can be undone."""
    with db.session() as session:
        return update_in(session, registration_id, data)


def update_in(
    session: Session, registration_id: int, data: RegistrationData
) -> tuple[RegistrationData, list[Issue]]:
    """``update`` in the caller's transaction."""
    reg = session.get(Registration, registration_id)
    if reg is None:
        raise NotFoundError(f"Không tìm thấy đăng ký có mã {registration_id}.")
    before_row = _row(reg)
    old = _snapshot(reg)
    issues = check(session, data, exclude_id=registration_id)
    _refuse_errors(issues, "Không lưu được đăng ký")
    ensure_year(session, data.year)
    unit_id = UnitResolver(session).ref(data.unit_id).id
    apply_data(session, reg, data, unit_id, keep_same_authors=True)
    session.flush()
    new = _snapshot(reg)
    changed_old = {k: v for k, v in old.items() if new.get(k) != v}
    changed_new = {k: new[k] for k in changed_old}
    if changed_new:
        audit.record(
            session,
            "update",
            "registration",
            reg.id,
            f"Sửa đăng ký '{one_line(reg.title)}' ({reg.year})",
            old=changed_old,
            new=changed_new,
        )
    return before_row.data(), rules.warnings(issues)


@dataclass(frozen=True)
class DeletedRegistration:
    """Everything needed to put a deleted registration back (undo)."""

    id: int
    values: dict[str, Any]
    authors: tuple[dict[str, Any], ...] | None = None  # its author rows exactly (None: rebuilt from values)


def delete(db: Database, registration_id: int) -> DeletedRegistration:
    with db.session() as session:
        return delete_in(session, registration_id)


def delete_in(session: Session, registration_id: int) -> DeletedRegistration:
    reg = session.get(Registration, registration_id)
    if reg is None:
        raise NotFoundError(f"Không tìm thấy đăng ký có mã {registration_id}.")
    dossiers = session.scalars(select(Dossier).where(Dossier.registration_id == registration_id)).all()
    if dossiers:
        codes = ", ".join(d.code for d in dossiers)
        raise ValidationError(
            f"Đăng ký '{one_line(reg.title)}' đã có hồ sơ {codes}; không xóa được. "
            "Hãy bỏ liên kết ở hồ sơ trước."
        )
    snapshot = _snapshot(reg)
    authors = _author_rows(reg)
    session.delete(reg)
    session.flush()
    audit.record(
        session,
        "delete",
        "registration",
        registration_id,
        f"Xóa đăng ký '{one_line(snapshot['title'])}' ({snapshot['year']})",
        old=snapshot,
    )
    return DeletedRegistration(registration_id, snapshot, authors)


def restore(db: Database, deleted: DeletedRegistration) -> int:
    """Put a deleted registration back with its old id (undo of a delete)."""
    with db.session() as session:
        return restore_in(session, deleted)


def _data_from_values(values: dict[str, Any]) -> RegistrationData:
    return RegistrationData(
        year=values["year"],
        unit_id=values["unit_id"],
        title=values["title"],
        authors_text=values["authors_text"],
        **{k: values[k] for k in form.TEXT_FIELDS if k not in ("title", "authors_text")},
        seq=values["seq"],
        registered_on=values["registered_on"],
        source=values["source"],
        field=values.get("field") or "",
        note=values.get("note") or "",
    )


def restore_in(session: Session, deleted: DeletedRegistration) -> int:
    """Put a registration back as it was in ``deleted`` (re-inserted with its id, or its values put back
    if it still exists), logged."""
    values = dict(deleted.values)
    reg = session.get(Registration, deleted.id)
    existed = reg is not None
    if reg is None:
        ensure_year(session, values["year"])
        reg = Registration(
            id=deleted.id, year=values["year"], unit_id=values["unit_id"], title=values["title"]
        )
        session.add(reg)
    apply_data(session, reg, _data_from_values(values), values["unit_id"], author_rows=deleted.authors)
    reg.not_duplicate = bool(values.get("not_duplicate"))
    reg.not_duplicate_note = values.get("not_duplicate_note") or ""
    session.flush()
    audit.record(
        session,
        "restore",
        "registration",
        reg.id,
        ("Trả lại nội dung đăng ký '" if existed else "Khôi phục đăng ký '")
        + f"{one_line(reg.title)}' ({reg.year})",
        new=_snapshot(reg),
    )
    return reg.id


def snapshots(db: Database, ids: list[int]) -> list[DeletedRegistration]:
    """The current values of some registrations, to put them back later (undo of an import that
    replaces or deletes them)."""
    with db.reading() as session:
        return snapshots_in(session, ids)


def set_not_duplicate(db: Database, registration_id: int, flag: bool, note: str = "") -> tuple[bool, str]:
    """Mark (or unmark) a registration "không trùng" after the secretary compared it. Returns the old
    (flag, note) for undo."""
    with db.session() as session:
        reg = session.get(Registration, registration_id)
        if reg is None:
            raise NotFoundError(f"Không tìm thấy đăng ký có mã {registration_id}.")
        old = (reg.not_duplicate, reg.not_duplicate_note)
        reg.not_duplicate = flag
        reg.not_duplicate_note = clean(note)
        session.flush()
        audit.record(
            session,
            "update",
            "registration",
            reg.id,
            ("Xác nhận không trùng: " if flag else "Bỏ xác nhận không trùng: ") + one_line(reg.title),
            old={"not_duplicate": old[0], "not_duplicate_note": old[1]},
            new={"not_duplicate": flag, "not_duplicate_note": reg.not_duplicate_note},
        )
        return old


def find_unit(db: Database, text: str) -> UnitRef:
    """The unit named by ``text`` (name, alias, short name); a clear error with suggestions otherwise."""
    with db.reading() as session:
        return find_unit_in(session, text)


def find_unit_in(session: Session, text: str) -> UnitRef:
    resolver = UnitResolver(session)
    if text.strip().isdigit():
        try:
            return resolver.ref(int(text))
        except NotFoundError:
            pass
    found = resolver.resolve(text)
    if found is None:
        hint = resolver.suggest(text)
        extra = f" Có phải: {'; '.join(hint)}?" if hint else ""
        raise NotFoundError(f"Không có đơn vị '{one_line(text)}' trong danh mục đơn vị.{extra}")
    return found


def snapshots_in(session: Session, ids: list[int]) -> list[DeletedRegistration]:
    """``snapshots`` inside the caller's transaction."""
    found = []
    for reg_id in ids:
        reg = session.get(Registration, reg_id)
        if reg is not None:
            found.append(DeletedRegistration(reg.id, _snapshot(reg), _author_rows(reg)))
    return found
