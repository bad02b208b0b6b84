"""Earlier years' recognized initiatives (imported from decision lists): listing, editing and deleting them,
and the one rule that guards every change — an imported year may change only until a later decision has
been taken with it (a round finalized after it).

The importer is ``services.importers.recognized``; the other services (duplicates, reconciliation, search,
person history, year report, certificate register) read these tables through the queries below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..db.database import Database
from ..domain import decision_lists as dl
from ..domain.author_cells import parse_author_cell
from ..domain.enums import RoundStatus
from ..domain.errors import NotFoundError, RoundLockedError, ValidationError
from ..domain.text import clean, one_line
from ..models import (
    Base,
    Certificate,
    Dossier,
    Person,
    RecognizedAuthor,
    RecognizedImport,
    RecognizedInitiative,
    Round,
    dossier_code,
)
from . import audit
from .registrations import PersonLinker, UnitResolver

ENTITY = "recognized"  # audit entity of an imported initiative
IMPORT_ENTITY = "recognized_import"  # and of a whole import
IMPORTED_MARK = "dữ liệu nhập"  # how lists mark an imported initiative
PERSON_NOTE = "Thêm khi nhập danh sách sáng kiến được công nhận năm {year} (tệp {file})."


# ----------------------------------------------------------------------------------------------------------
# The lock


def lock_reason(session: Session, batch: RecognizedImport) -> str:
    """Why ``batch`` may no longer change ("" when it may): a round of a later year, or of the same year
    finalized after the import, has taken its decision with these data in the database."""
    later = session.scalar(
        select(Round)
        .where(
            Round.status == RoundStatus.FINALIZED,
            or_(
                Round.year > batch.year,
                and_(Round.year == batch.year, Round.finalized_at >= batch.created_at),
            ),
        )
        .order_by(Round.year, Round.number)
        .limit(1)
    )
    if later is None:
        return ""
    decision = f"Quyết định số {later.decision_no} của {later.label}" if later.decision_no else later.label
    return f"đã được dùng cho {decision} (đã chốt)"


def guard(session: Session, batch: RecognizedImport, what: str) -> None:
    reason = lock_reason(session, batch)
    if reason:
        raise RoundLockedError(
            f"Dữ liệu năm {batch.year} nhập từ tệp {batch.file_name} {reason} nên không {what} được nữa. "
            "Muốn sửa, hãy mở lại đợt đó (phải ghi lý do)."
        )


# ----------------------------------------------------------------------------------------------------------
# Lists


@dataclass(frozen=True)
class ImportInfo:
    id: int
    year: int
    decision_no: str
    decision_date: dt.date | None
    file_name: str
    row_count: int
    imported_at: dt.datetime
    locked: str  # lock_reason, "" when it may change

    @property
    def decision_text(self) -> str:
        if not self.decision_no:
            return "(không ghi số quyết định)"
        day = f" ngày {self.decision_date:%d/%m/%Y}" if self.decision_date else ""
        return f"QĐ {self.decision_no}{day}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "decision_no": self.decision_no,
            "decision_date": self.decision_date,
            "file": self.file_name,
            "rows": self.row_count,
            "imported_at": self.imported_at,
            "locked": self.locked,
        }


@dataclass(frozen=True)
class AuthorInfo:
    name: str
    job_title: str
    unit_name: str
    person_id: int
    certificate: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "job_title": self.job_title,
            "unit": self.unit_name,
            "person_id": self.person_id,
            "certificate": self.certificate,
        }


@dataclass(frozen=True)
class InitiativeInfo:
    id: int
    import_id: int
    year: int
    line: int
    seq: int | None
    unit_id: int
    unit_name: str
    title: str
    authors: tuple[AuthorInfo, ...]
    grade: str
    grade_label: str
    points: Decimal | None
    amount: int | None
    field: str
    note: str
    decision_no: str
    decision_date: dt.date | None
    file_name: str

    @property
    def author_names(self) -> str:
        return ", ".join(a.name for a in self.authors)

    @property
    def certificates(self) -> str:
        return ", ".join(dict.fromkeys(a.certificate for a in self.authors if a.certificate))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "import_id": self.import_id,
            "year": self.year,
            "line": self.line,
            "seq": self.seq,
            "unit": self.unit_name,
            "title": self.title,
            "authors": [a.as_dict() for a in self.authors],
            "grade": self.grade,
            "grade_label": self.grade_label,
            "points": self.points,
            "amount": self.amount,
            "field": self.field,
            "note": self.note,
            "decision_no": self.decision_no,
            "decision_date": self.decision_date,
            "file": self.file_name,
            "imported": True,
        }


def _import_info(session: Session, batch: RecognizedImport) -> ImportInfo:
    return ImportInfo(
        batch.id,
        batch.year,
        batch.decision_no,
        batch.decision_date,
        batch.file_name,
        batch.row_count,
        batch.created_at,
        lock_reason(session, batch),
    )


def list_imports(db: Database, year: int | None = None) -> list[ImportInfo]:
    """Every import (newest year first), with whether it may still change."""
    with db.reading() as session:
        query = select(RecognizedImport).order_by(RecognizedImport.year.desc(), RecognizedImport.id)
        if year is not None:
            query = query.where(RecognizedImport.year == year)
        return [_import_info(session, b) for b in session.scalars(query)]


def _initiative_info(i: RecognizedInitiative) -> InitiativeInfo:
    return InitiativeInfo(
        i.id,
        i.import_id,
        i.year,
        i.line,
        i.seq,
        i.unit_id,
        i.unit.name,
        i.title,
        tuple(
            AuthorInfo(
                a.full_name,
                a.job_title,
                a.unit.name if a.unit is not None else i.unit.name,
                a.person_id,
                a.certificate_no,
            )
            for a in i.authors
        ),
        i.grade,
        i.grade_label,
        i.points,
        i.amount,
        i.field,
        i.note,
        i.batch.decision_no,
        i.batch.decision_date,
        i.batch.file_name,
    )


def _loaded() -> tuple[Any, ...]:
    return (
        selectinload(RecognizedInitiative.unit),
        selectinload(RecognizedInitiative.batch),
        selectinload(RecognizedInitiative.authors).selectinload(RecognizedAuthor.unit),
    )


def list_initiatives(
    db: Database, *, year: int | None = None, import_id: int | None = None
) -> list[InitiativeInfo]:
    with db.reading() as session:
        query = select(RecognizedInitiative).options(*_loaded())
        if year is not None:
            query = query.where(RecognizedInitiative.year == year)
        if import_id is not None:
            query = query.where(RecognizedInitiative.import_id == import_id)
        query = query.order_by(
            RecognizedInitiative.year.desc(), RecognizedInitiative.import_id, RecognizedInitiative.line
        )
        return [_initiative_info(i) for i in session.scalars(query)]


def get_initiative(db: Database, initiative_id: int) -> InitiativeInfo:
    with db.reading() as session:
        return _initiative_info(_initiative(session, initiative_id))


def _initiative(session: Session, initiative_id: int) -> RecognizedInitiative:
    found = session.scalar(
        select(RecognizedInitiative).where(RecognizedInitiative.id == initiative_id).options(*_loaded())
    )
    if found is None:
        raise NotFoundError(f"Không có sáng kiến đã công nhận (dữ liệu nhập) mã {initiative_id}.")
    return found


def _batch(session: Session, import_id: int) -> RecognizedImport:
    batch = session.get(RecognizedImport, import_id)
    if batch is None:
        raise NotFoundError(f"Không có lần nhập dữ liệu năm trước mã {import_id}.")
    return batch


# ----------------------------------------------------------------------------------------------------------
# People: authors found by name and unit, or added


@dataclass
class PeopleBook:
    """Links authors to people by name and unit (the oldest when several match), adding the ones not found;
    within one import the same name and unit is one person."""

    session: Session
    note: str = ""
    linker: PersonLinker = field(init=False)
    created: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.linker = PersonLinker(self.session)

    def find(self, name: str, unit_id: int) -> list[int]:
        return self.linker.candidates(name, unit_id)

    def person(self, name: str, unit_id: int, job_title: str = "") -> int:
        found = self.find(name, unit_id)
        if found:
            return found[0]
        person = Person(full_name=name, unit_id=unit_id, job_title=job_title, note=self.note)
        self.session.add(person)
        self.session.flush()
        self.linker.add(name, unit_id, person.id)
        self.created.append(person.id)
        return person.id


def _person_references() -> list[Any]:
    """Every column holding a people.id (from the models, so tables added later are covered)."""
    people = Base.metadata.tables["people"]
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        for fk in column.foreign_keys
        if fk.column.table is people and fk.column.name == "id"
    ]


def drop_unused_people(session: Session, person_ids: Iterable[int]) -> int:
    """Remove the people an import added that nothing refers to any more; returns how many."""
    ids = set(person_ids)
    if not ids:
        return 0
    session.flush()
    for column in _person_references():
        ids -= set(session.scalars(select(column).where(column.in_(ids))))
    removed = 0
    for person in session.scalars(select(Person).where(Person.id.in_(ids))):
        if person.note.startswith(PERSON_NOTE.split("{", 1)[0]):
            session.delete(person)
            removed += 1
    session.flush()
    return removed


# ----------------------------------------------------------------------------------------------------------
# Changes (each one audited, each refused once the year has been used by a later decision)


def _snapshot(i: RecognizedInitiative) -> dict[str, Any]:
    return {
        "year": i.year,
        "unit_id": i.unit_id,
        "title": i.title,
        "authors_text": i.authors_text,
        "authors": [
            {"name": a.full_name, "person_id": a.person_id, "certificate": a.certificate_no}
            for a in i.authors
        ],
        "grade": i.grade,
        "grade_label": i.grade_label,
        "points": i.points,
        "amount": i.amount,
        "field": i.field,
        "note": i.note,
    }


@dataclass
class InitiativeChanges:
    """What to change (None keeps the value). ``authors``: the Tác giả text (re-linked to people);
    ``certificates``: one per author, or one for all."""

    title: str | None = None
    unit: str | None = None
    authors: str | None = None
    grade_label: str | None = None
    points: str | Decimal | None = None
    amount: str | int | None = None
    certificates: str | None = None
    field: str | None = None
    note: str | None = None
    clear: tuple[str, ...] = ()  # "points", "amount": set to nothing


def _set_authors(session: Session, i: RecognizedInitiative, text: str, certificates: list[str]) -> list[int]:
    names = [a for a in parse_author_cell(text) if a.name]
    if not names:
        raise ValidationError("Tên tác giả không được để trống.")
    book = PeopleBook(session, PERSON_NOTE.format(year=i.year, file=i.batch.file_name))
    old = [a.person_id for a in i.authors]
    i.authors.clear()
    session.flush()
    certs = (
        certificates
        if len(certificates) == len(names)
        else [certificates[0] if certificates else ""] * len(names)
    )
    for position, (author, cert) in enumerate(zip(names, certs, strict=True)):
        number = dl.certificate_number(cert)
        i.authors.append(
            RecognizedAuthor(
                position=position,
                full_name=author.name,
                job_title=author.position,
                person_id=book.person(author.name, i.unit_id, author.position),
                certificate_no=number.text[:100],
                certificate_year=number.year or (i.year if number.number is not None else None),
                register_no=number.number,
            )
        )
    i.authors_text = clean(text)
    return old


def edit_initiative(db: Database, initiative_id: int, changes: InitiativeChanges) -> InitiativeInfo:
    """Change an imported initiative (audited); refused once its year was used by a later decision."""
    with db.session() as session:
        i = _initiative(session, initiative_id)
        guard(session, i.batch, "sửa")
        old = _snapshot(i)
        try:
            _apply_changes(session, i, changes)
        except dl.CellError as exc:
            raise ValidationError(str(exc)[:1].upper() + str(exc)[1:] + ".") from None
        session.flush()
        check_certificates_in(session, i)
        audit.record(
            session,
            "update",
            ENTITY,
            i.id,
            f"Sửa sáng kiến đã công nhận năm {i.year} (dữ liệu nhập): {one_line(i.title)[:100]}",
            old,
            _snapshot(i),
        )
        session.expire(i)
        return _initiative_info(_initiative(session, initiative_id))


def _apply_changes(session: Session, i: RecognizedInitiative, c: InitiativeChanges) -> None:
    if c.title is not None:
        if not one_line(c.title):
            raise ValidationError("Tên sáng kiến không được để trống.")
        i.title = c.title
    if c.unit is not None:
        ref = UnitResolver(session).resolve(c.unit)
        if ref is None:
            raise NotFoundError(f"Không có đơn vị '{one_line(c.unit)}' trong danh mục đơn vị.")
        i.unit_id = ref.id
        i.unit_text = one_line(c.unit)[:255]
    if c.grade_label is not None:
        i.grade = dl.grade_code(c.grade_label)
        i.grade_label = one_line(c.grade_label)[:100]
    if c.points is not None or "points" in c.clear:
        i.points = None if "points" in c.clear else dl.parse_points(c.points)
    if c.amount is not None or "amount" in c.clear:
        i.amount = None if "amount" in c.clear else dl.parse_amount(c.amount)
    if c.field is not None:
        i.field = clean(c.field)
    if c.note is not None:
        i.note = clean(c.note)
    if c.authors is not None or c.certificates is not None or c.unit is not None:
        current = [a.certificate_no for a in i.authors]
        certs = (
            dl.split_certificates(c.certificates, len(current) or 1)
            if c.certificates is not None
            else current
        )
        text = c.authors if c.authors is not None else i.authors_text
        old = _set_authors(session, i, text, certs)
        drop_unused_people(session, old)


def check_certificates_in(session: Session, i: RecognizedInitiative) -> None:
    """An imported certificate number may not be one the register (or another import) already holds."""
    for a in i.authors:
        if a.register_no is None or a.certificate_year is None:
            continue
        taken = used_register_numbers(session, a.certificate_year, exclude_initiative=i.id)
        if a.register_no in taken:
            raise ValidationError(
                f"Số giấy chứng nhận {a.certificate_no} ({a.full_name}) đã dùng trong sổ năm {a.certificate_year}: "
                f"{taken[a.register_no]}."
            )


def delete_initiative(db: Database, initiative_id: int) -> None:
    with db.session() as session:
        delete_initiative_in(session, initiative_id)


def delete_initiative_in(session: Session, initiative_id: int) -> None:
    """``delete_initiative`` in the caller's transaction (audited)."""
    i = _initiative(session, initiative_id)
    guard(session, i.batch, "xóa")
    old = _snapshot(i)
    people = [a.person_id for a in i.authors]
    batch = i.batch
    session.delete(i)
    session.flush()
    batch.row_count = len(batch.initiatives)
    drop_unused_people(session, people)
    audit.record(
        session,
        "delete",
        ENTITY,
        initiative_id,
        f"Xóa sáng kiến đã công nhận năm {old['year']} (dữ liệu nhập): {one_line(old['title'])[:100]}",
        old,
    )


def delete_import_in(
    session: Session, batch: RecognizedImport, reason: str = "", people_left: list[int] | None = None
) -> int:
    """Delete a whole import in the caller's transaction (audited); returns how many initiatives went. The
    people it added that nothing else names are removed too — or, with ``people_left``, listed there for the
    caller (a replacing import links them again first)."""
    guard(session, batch, "xóa")
    people = [a.person_id for i in batch.initiatives for a in i.authors]
    count = len(batch.initiatives)
    old = {
        "year": batch.year,
        "decision_no": batch.decision_no,
        "decision_date": batch.decision_date,
        "file": batch.file_name,
        "rows": count,
        "titles": [i.title for i in batch.initiatives],
    }
    batch_id = batch.id
    session.delete(batch)
    session.flush()
    if people_left is not None:
        people_left.extend(people)
    else:
        drop_unused_people(session, people)
    audit.record(
        session,
        "delete",
        IMPORT_ENTITY,
        batch_id,
        f"Xóa dữ liệu năm {old['year']} nhập từ tệp {old['file']} ({count} sáng kiến){reason}",
        old,
    )
    return count


def delete_import(db: Database, import_id: int) -> int:
    with db.session() as session:
        return delete_import_in(session, _batch(session, import_id))


def set_decision(db: Database, import_id: int, number: str | None, date: dt.date | None) -> ImportInfo:
    """Change the decision an import is attached to (number and date; None keeps what it had), audited."""
    with db.session() as session:
        batch = _batch(session, import_id)
        set_decision_in(session, batch, number, date if date is not None else batch.decision_date)
        return _import_info(session, batch)


def set_decision_in(
    session: Session, batch: RecognizedImport, number: str | None, date: dt.date | None
) -> dict[str, Any]:
    """Give ``batch`` this decision (``number`` None keeps its number; ``date`` is written as given, None
    included), audited; returns the decision it had."""
    guard(session, batch, "sửa")
    old = {"decision_no": batch.decision_no, "decision_date": batch.decision_date}
    if number is not None:
        batch.decision_no = one_line(number)[:50]
    batch.decision_date = date
    session.flush()
    audit.record(
        session,
        "update",
        IMPORT_ENTITY,
        batch.id,
        f"Sửa quyết định của dữ liệu năm {batch.year} (tệp {batch.file_name})",
        old,
        {"decision_no": batch.decision_no, "decision_date": batch.decision_date},
    )
    return old


# ----------------------------------------------------------------------------------------------------------
# Queries the other services read


def used_register_numbers(
    session: Session, year: int, exclude_initiative: int | None = None, exclude_imports: Iterable[int] = ()
) -> dict[int, str]:
    """Register number → what holds it, for ``year``: the app's certificates and the imported ones."""
    found: dict[int, str] = {}
    for number, dossier_year, receipt_no in session.execute(
        select(Certificate.register_no, Dossier.year, Dossier.receipt_no)
        .join(Dossier, Dossier.id == Certificate.dossier_id)
        .where(Certificate.year == year)
    ):
        found[number] = (
            f"giấy chứng nhận số {number:03d}/{year} của hồ sơ {dossier_code(dossier_year, receipt_no)}"
        )
    query = (
        select(RecognizedAuthor.register_no, RecognizedInitiative.line, RecognizedImport.file_name)
        .join(RecognizedInitiative, RecognizedInitiative.id == RecognizedAuthor.initiative_id)
        .join(RecognizedImport, RecognizedImport.id == RecognizedInitiative.import_id)
        .where(RecognizedAuthor.certificate_year == year, RecognizedAuthor.register_no.is_not(None))
    )
    if exclude_initiative is not None:
        query = query.where(RecognizedInitiative.id != exclude_initiative)
    excluded = list(exclude_imports)
    if excluded:
        query = query.where(RecognizedImport.id.not_in(excluded))
    for register_no, line, file_name in session.execute(query):  # register_no IS NOT NULL
        found.setdefault(cast(int, register_no), f"dữ liệu nhập từ tệp {file_name}, dòng {line}")
    return found


def max_register_number(session: Session, year: int) -> int:
    """The highest certificate register number of ``year`` that imported lists used (0 when none)."""
    return (
        session.scalar(
            select(func.max(RecognizedAuthor.register_no)).where(RecognizedAuthor.certificate_year == year)
        )
        or 0
    )


@dataclass(frozen=True)
class YearCount:
    """What the imported lists hold for one year: initiatives, authors (entries) and rewards."""

    year: int
    initiatives: int
    authors: int
    reward: int


def year_counts(session: Session, year_to: int | None = None) -> list[YearCount]:
    authors = (
        select(RecognizedAuthor.initiative_id, func.count(RecognizedAuthor.id).label("n"))
        .group_by(RecognizedAuthor.initiative_id)
        .subquery()
    )
    query = (
        select(
            RecognizedInitiative.year,
            func.count(RecognizedInitiative.id),
            func.coalesce(func.sum(authors.c.n), 0),
            func.coalesce(func.sum(RecognizedInitiative.amount), 0),
        )
        .outerjoin(authors, authors.c.initiative_id == RecognizedInitiative.id)
        .group_by(RecognizedInitiative.year)
        .order_by(RecognizedInitiative.year)
    )
    if year_to is not None:
        query = query.where(RecognizedInitiative.year <= year_to)
    return [YearCount(int(y), int(n), int(a), int(r)) for y, n, a, r in session.execute(query)]


def imported_years(session: Session) -> list[int]:
    return list(session.scalars(select(RecognizedImport.year).distinct().order_by(RecognizedImport.year)))


def register_entries(session: Session, year: int) -> list[tuple[int, dict[str, Any]]]:
    """The certificates of ``year``'s register that earlier years' lists imported: (register number, the
    register row's fields), marked as imported in their note."""
    authors = session.scalars(
        select(RecognizedAuthor)
        .where(RecognizedAuthor.certificate_year == year, RecognizedAuthor.certificate_no != "")
        .options(
            selectinload(RecognizedAuthor.unit),
            selectinload(RecognizedAuthor.initiative).selectinload(RecognizedInitiative.batch),
            selectinload(RecognizedAuthor.initiative).selectinload(RecognizedInitiative.unit),
        )
    )
    found = []
    for a in authors:
        i = a.initiative
        fields = {
            "number": a.certificate_no,
            "issued_on": i.batch.decision_date,
            "name": a.full_name,
            "unit": a.unit.name if a.unit is not None else i.unit.name,
            "title": i.title,
            "round_label": f"Năm {i.year} ({IMPORTED_MARK})",
            "grade": i.grade_label or i.grade,
            "decision": i.batch.decision_no,
            "note": f"Nhập từ danh sách năm {i.year} (tệp {i.batch.file_name})",
        }
        found.append((a.register_no if a.register_no is not None else 10**9, fields))
    return found
