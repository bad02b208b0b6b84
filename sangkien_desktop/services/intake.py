"""Dossier intake (tiếp nhận hồ sơ): receive and update a dossier with its authors and paper checklist,
number it in the year's receipt book, change its status, list a round's dossiers with their legal clocks.

Every write is one transaction and writes an audit entry; a refused dossier leaves nothing behind.
Authors are matched to existing people by name and birth date (or created); what the đơn says of them
(nơi công tác, chức danh, trình độ) is kept on the authorship and copied onto the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..db.database import Database
from ..domain import clocks as clock_rules
from ..domain import intake_rules as rules
from ..domain import round_lifecycle
from ..domain.clocks import Clock, ClockFilter
from ..domain.enums import DossierStatus, RoundStatus, SolutionKind
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.round_lifecycle import RoundAction
from ..domain.text import fold, fold_key, one_line
from ..models import (
    Authorship,
    Dossier,
    DossierChecklistItem,
    GradeResult,
    Person,
    Registration,
    Round,
    Score,
    Unit,
    dossier_code,
)
from . import audit
from .duplicates import prior_recognitions
from .guards import editable_round
from .units import UnitMatcher

__all__ = [
    "AuthorInput",
    "AuthorView",
    "ChecklistInput",
    "ChecklistView",
    "DossierDetail",
    "DossierInput",
    "DossierRow",
    "PersonHit",
    "RegistrationHit",
    "SaveResult",
    "change_status",
    "delete_dossier",
    "find_dossier",
    "find_unit",
    "get_dossier",
    "list_dossiers",
    "next_number",
    "receive",
    "search_people",
    "search_registrations",
    "set_checklist",
    "update",
]


# ------------------------------------------------------------------------------------------------------
# input
# ------------------------------------------------------------------------------------------------------


@dataclass
class AuthorInput:
    """One row of the author table of the đơn (TT 18/2013, Phụ lục I).

    ``person_id`` links to a known person (picked from a list); otherwise the person is found by name and
    birth date, or created. ``contribution`` may be a Decimal or text as typed ("33,5").
    """

    full_name: str
    birth_date: dt.date | None = None
    workplace: str = ""
    job_title: str = ""
    qualification: str = ""
    contribution: Decimal | str | int | None = None
    unit_id: int | None = None
    person_id: int | None = None
    gender: str = ""
    phone: str = ""


@dataclass
class ChecklistInput:
    name: str
    received: bool = False
    copies: int | None = None
    copies_required: int | None = None
    required: bool = True
    note: str = ""


@dataclass
class DossierInput:
    """Everything the intake dialog (or ``sangkien dossiers add``) gives for one dossier.

    ``receipt_no`` None takes the next number of the year. ``checklist`` None uses the round's template
    with every item received. ``status`` None lets the checklist decide: Đủ when nothing required is
    missing, otherwise Thiếu — cần bổ sung with the missing items, asked for on the day of receipt.
    """

    round_id: int
    unit_id: int | None
    title: str
    received_on: dt.date
    authors: list[AuthorInput]
    receipt_no: int | None = None
    registration_id: int | None = None
    kind: SolutionKind | None = None
    field: str = ""
    first_applied_on: dt.date | None = None
    investor: str = ""
    summary: str = ""
    delivered_by: str = ""
    delivered_phone: str = ""
    note: str = ""
    result_due_on: dt.date | None = None
    checklist: list[ChecklistInput] | None = None
    status: DossierStatus | None = None
    status_note: str = ""
    supplement_requested_on: dt.date | None = None
    accepted_on: dt.date | None = None


@dataclass(frozen=True)
class SaveResult:
    dossier_id: int
    code: str
    receipt_no: int
    status: DossierStatus
    warnings: tuple[Issue, ...] = ()


# ------------------------------------------------------------------------------------------------------
# views
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorView:
    person_id: int
    full_name: str
    birth_date: dt.date | None
    workplace: str
    job_title: str
    qualification: str
    contribution: Decimal
    unit_id: int | None
    gender: str
    phone: str

    def as_input(self) -> AuthorInput:
        return AuthorInput(
            full_name=self.full_name,
            birth_date=self.birth_date,
            workplace=self.workplace,
            job_title=self.job_title,
            qualification=self.qualification,
            contribution=self.contribution,
            unit_id=self.unit_id,
            person_id=self.person_id,
            gender=self.gender,
            phone=self.phone,
        )


@dataclass(frozen=True)
class ChecklistView:
    name: str
    required: bool
    received: bool
    copies: int | None
    copies_required: int | None
    note: str

    def as_input(self) -> ChecklistInput:
        return ChecklistInput(
            name=self.name,
            received=self.received,
            copies=self.copies,
            copies_required=self.copies_required,
            required=self.required,
            note=self.note,
        )

    def facts(self) -> rules.ChecklistFacts:
        return rules.ChecklistFacts(
            self.name, self.required, self.received, self.copies, self.copies_required
        )


@dataclass(frozen=True)
class DossierDetail:
    id: int
    code: str
    year: int
    round_id: int
    round_label: str
    receipt_no: int
    received_on: dt.date
    unit_id: int
    unit_name: str
    title: str
    kind: SolutionKind | None
    field: str
    first_applied_on: dt.date | None
    accepted_on: dt.date | None
    investor: str
    summary: str
    status: DossierStatus
    status_note: str
    supplement_requested_on: dt.date | None
    delivered_by: str
    delivered_phone: str
    result_due_on: dt.date | None
    note: str
    registration_id: int | None
    registration_title: str
    registration_unit: str
    authors: tuple[AuthorView, ...]
    checklist: tuple[ChecklistView, ...]
    clocks: tuple[Clock, ...]
    has_scores: bool
    grade: str | None

    @property
    def registered(self) -> bool:
        return self.registration_id is not None

    @property
    def missing(self) -> list[str]:
        return rules.missing_items([c.facts() for c in self.checklist])

    @property
    def authors_text(self) -> str:
        return ", ".join(a.full_name for a in self.authors)

    def as_input(self) -> DossierInput:
        return DossierInput(
            round_id=self.round_id,
            unit_id=self.unit_id,
            title=self.title,
            received_on=self.received_on,
            authors=[a.as_input() for a in self.authors],
            receipt_no=self.receipt_no,
            registration_id=self.registration_id,
            kind=self.kind,
            field=self.field,
            first_applied_on=self.first_applied_on,
            investor=self.investor,
            summary=self.summary,
            delivered_by=self.delivered_by,
            delivered_phone=self.delivered_phone,
            note=self.note,
            result_due_on=self.result_due_on,
            checklist=[c.as_input() for c in self.checklist],
            status=self.status,
            status_note=self.status_note,
            supplement_requested_on=self.supplement_requested_on,
            accepted_on=self.accepted_on,
        )


@dataclass(frozen=True)
class DossierRow:
    """One line of the dossier list (and of the receipt book)."""

    id: int
    code: str
    receipt_no: int
    received_on: dt.date
    unit_id: int
    unit_name: str
    title: str
    kind: SolutionKind | None
    field: str
    status: DossierStatus
    status_note: str
    registration_id: int | None
    authors: tuple[tuple[str, Decimal], ...]  # (name, contribution)
    first_applied_on: dt.date | None
    accepted_on: dt.date | None
    supplement_requested_on: dt.date | None
    delivered_by: str
    missing: tuple[str, ...]
    clocks: tuple[Clock, ...]

    @property
    def registered(self) -> bool:
        return self.registration_id is not None

    @property
    def authors_text(self) -> str:
        return ", ".join(name for name, _ in self.authors)

    @property
    def authors_with_shares(self) -> str:
        if len(self.authors) == 1:
            return self.authors[0][0]
        return ", ".join(f"{name} ({rules.format_percent(share)})" for name, share in self.authors)

    @property
    def clock_attention(self) -> bool:
        return any(c.needs_attention for c in self.clocks)

    def clock(self, kind: clock_rules.ClockKind) -> Clock:
        return next(c for c in self.clocks if c.kind is kind)


@dataclass(frozen=True)
class RegistrationHit:
    id: int
    year: int
    unit_id: int
    unit_name: str
    title: str
    authors_text: str
    dossier_code: str | None  # a dossier already linked to it

    @property
    def label(self) -> str:
        return f"{self.title} — {self.unit_name}"


@dataclass(frozen=True)
class PersonHit:
    id: int
    full_name: str
    birth_date: dt.date | None
    unit_id: int | None
    unit_name: str
    workplace: str
    job_title: str
    qualification: str
    gender: str
    phone: str


# ------------------------------------------------------------------------------------------------------
# lookups
# ------------------------------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.date.today()


def find_dossier(session: Session, ref: str | int) -> Dossier:
    """A dossier by its code ("HS26-007"), "2026/7" (year/receipt number) or database id."""
    text = one_line(str(ref))
    year = number = None
    try:
        if text.upper().startswith("HS"):
            number = rules.parse_receipt_no(text)
            year = 2000 + int(text[2:].strip()[:2])
        elif "/" in text:
            y, _, n = text.partition("/")
            year, number = int(y), int(n)
    except ValueError:
        year = number = None
    dossier: Dossier | None = None
    if year is not None and number is not None:
        dossier = session.scalar(select(Dossier).where(Dossier.year == year, Dossier.receipt_no == number))
    elif text.isdigit():
        dossier = session.get(Dossier, int(text))
    if dossier is None:
        raise NotFoundError(
            f"Không tìm thấy hồ sơ «{text}». Ghi mã hồ sơ như HS26-007; xem danh sách bằng lệnh "
            "sangkien dossiers list --round NĂM/ĐỢT"
        )
    return dossier


def find_unit(session: Session, ref: str | int) -> Unit:
    """A unit by id, name, short name or alias (the catalog's matcher: accent- and case-insensitive,
    abbreviations understood, merged units followed to their successor)."""
    if isinstance(ref, int) or str(ref).strip().isdigit():
        unit = session.get(Unit, int(ref))
        if unit is not None:
            return unit
    matcher = UnitMatcher(session)
    unit = matcher.match(str(ref))
    if unit is None:
        hint = matcher.suggest(str(ref))
        extra = f" Có phải: {'; '.join(hint)}?" if hint else ""
        raise NotFoundError(
            f"Không tìm thấy đơn vị «{one_line(str(ref))}» (ghi tên, tên viết tắt hoặc mã).{extra}"
        )
    return unit


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters, cut at a word with "…"."""
    line = one_line(text)
    if len(line) <= width:
        return line
    cut = line[: width - 1].rsplit(" ", 1)[0]
    return (cut or line[: width - 1]) + "…"


def _taken_numbers(session: Session, year: int, exclude_id: int | None = None) -> dict[int, str]:
    query = select(Dossier.id, Dossier.receipt_no, Dossier.title).where(Dossier.year == year)
    out: dict[int, str] = {}
    for dossier_id, number, title in session.execute(query):
        if dossier_id != exclude_id:
            out[number] = f"{dossier_code(year, number)} «{shorten(title, 70)}»"
    return out


def next_receipt_no(session: Session, year: int) -> int:
    top = session.scalar(select(func.max(Dossier.receipt_no)).where(Dossier.year == year))
    return rules.next_receipt_no([top] if top else [])


def next_number(db: Database, round_id: int) -> tuple[int, str]:
    """The next receipt number of the round's year, and the dossier code it gives."""
    with db.reading() as session:
        rnd = _round(session, round_id)
        n = next_receipt_no(session, rnd.year)
        return n, dossier_code(rnd.year, n)


@dataclass(frozen=True)
class IntakeContext:
    """What the intake dialog needs to know of a round."""

    round_id: int
    year: int
    label: str
    next_receipt_no: int
    checklist: tuple[ChecklistInput, ...]
    co_author_limit: int
    receive_until: dt.date | None
    locked: bool


@dataclass(frozen=True)
class UnitChoice:
    id: int
    name: str
    keys: tuple[str, ...]  # folded name, short name and aliases


def intake_context(db: Database, round_id: int) -> IntakeContext:
    with db.reading() as session:
        rnd = _round(session, round_id)
        return IntakeContext(
            rnd.id,
            rnd.year,
            rnd.label,
            next_receipt_no(session, rnd.year),
            tuple(_template_checklist(rnd)),
            rnd.co_author_limit,
            rnd.receive_until,
            rnd.status is RoundStatus.FINALIZED,
        )


def unit_choices(db: Database) -> list[UnitChoice]:
    """Active units with their search keys (for the unit field's completer)."""
    with db.reading() as session:
        units = session.scalars(
            select(Unit)
            .where(Unit.active.is_(True))
            .options(selectinload(Unit.aliases))
            .order_by(Unit.name_key)
        ).all()
        return [
            UnitChoice(
                u.id,
                u.name,
                tuple(
                    k for k in (u.name_key, fold_key(u.short_name), *(a.alias_key for a in u.aliases)) if k
                ),
            )
            for u in units
        ]


def _round(session: Session, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    return rnd


def search_registrations(
    db: Database, year: int, text: str = "", *, unit_id: int | None = None, limit: int = 30
) -> list[RegistrationHit]:
    """Registrations of ``year`` whose title, unit or authors contain every word typed (accents and case
    ignored), those without a dossier first."""
    words = fold(text).split()
    with db.reading() as session:
        query = (
            select(Registration, Unit.name, Unit.name_key)
            .join(Unit, Unit.id == Registration.unit_id)
            .where(Registration.year == year)
        )
        if unit_id is not None:
            query = query.where(Registration.unit_id == unit_id)
        linked = {
            reg_id: dossier_code(y, n)
            for reg_id, y, n in session.execute(
                select(Dossier.registration_id, Dossier.year, Dossier.receipt_no).where(
                    Dossier.registration_id.is_not(None)
                )
            )
        }
        hits = []
        for reg, unit_name, unit_key in session.execute(query):
            haystack = f"{reg.title_key} {unit_key} {fold(reg.authors_text)} {fold(str(reg.seq or ''))}"
            if all(w in haystack for w in words):
                hits.append(
                    RegistrationHit(
                        reg.id,
                        reg.year,
                        reg.unit_id,
                        unit_name,
                        reg.title,
                        reg.authors_text,
                        linked.get(reg.id),
                    )
                )
        phrase = " ".join(words)
        hits.sort(
            key=lambda h: (
                bool(phrase) and phrase not in fold(h.title),
                h.dossier_code is not None,
                fold(h.unit_name),
                fold(h.title),
            )
        )
        return hits[:limit]


def registration_authors(db: Database, registration_id: int) -> list[AuthorInput]:
    """The authors named in a registration, with what is known of them, to pre-fill the intake dialog."""
    with db.reading() as session:
        reg = session.get(Registration, registration_id)
        if reg is None:
            raise NotFoundError(f"Không tìm thấy đăng ký có mã {registration_id}.")
        out = []
        for ra in reg.authors:
            p = ra.person
            out.append(
                AuthorInput(
                    full_name=ra.full_name,
                    birth_date=p.birth_date if p else None,
                    workplace=(p.workplace if p else "") or reg.unit.name,
                    job_title=(p.job_title if p else "") or ra.job_title,  # never the Bộ phận
                    qualification=p.qualification if p else "",
                    unit_id=(p.unit_id if p else None) or reg.unit_id,
                    person_id=p.id if p else None,
                    gender=p.gender if p else "",
                    phone=p.phone if p else "",
                )
            )
        n = len(out)
        if n:
            shares = _even_shares(n)
            for a, share in zip(out, shares, strict=True):
                a.contribution = share
        return out


def _even_shares(n: int) -> list[Decimal]:
    """100 split in ``n`` whole-number shares, the first taking the remainder (60/40-style splits are
    typed by hand)."""
    base = 100 // n
    return [Decimal(100 - base * (n - 1))] + [Decimal(base)] * (n - 1)


def search_people(db: Database, text: str, *, limit: int = 20) -> list[PersonHit]:
    """People whose folded name contains every word typed (for the author column's completer)."""
    words = fold(text).split()
    if not words:
        return []
    with db.reading() as session:
        query = select(Person).options(selectinload(Person.unit))
        for w in words:
            query = query.where(Person.name_key.contains(w, autoescape=True))
        query = query.order_by(Person.name_key, Person.birth_date).limit(limit)
        return [_person_hit(p) for p in session.scalars(query)]


def _person_hit(p: Person) -> PersonHit:
    return PersonHit(
        p.id,
        p.full_name,
        p.birth_date,
        p.unit_id,
        p.unit.name if p.unit else "",
        p.workplace,
        p.job_title,
        p.qualification,
        p.gender,
        p.phone,
    )


# ------------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------------


def _contribution(value: Decimal | str | int | None, n: int) -> tuple[Decimal | None, list[Issue]]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, []
    try:
        return rules.parse_contribution(value), []
    except ValueError as exc:
        return None, [Issue(str(exc), f"Tác giả thứ {n}", column="contribution", row=n)]


def _unit_key(session: Session, author: AuthorInput, units: dict[int, str]) -> tuple[str, str]:
    if author.unit_id is not None:
        if author.unit_id not in units:
            unit = session.get(Unit, author.unit_id)
            units[author.unit_id] = unit.name if unit else ""
        return f"unit:{author.unit_id}", units[author.unit_id]
    if author.person_id is not None:
        person = session.get(Person, author.person_id)
        if person is not None and person.unit_id is not None:
            return _unit_key(session, replace(author, unit_id=person.unit_id, person_id=None), units)
    workplace = one_line(author.workplace)
    return (f"text:{fold_key(workplace)}", workplace) if workplace else ("", "")


def _validate(
    session: Session, data: DossierInput, rnd: Round, *, exclude_id: int | None, receipt_no: int
) -> list[Issue]:
    now = today()
    issues: list[Issue] = []
    unit_known = data.unit_id is not None and session.get(Unit, data.unit_id) is not None
    if data.registration_id is not None:
        reg = session.get(Registration, data.registration_id)
        if reg is None:
            issues.append(Issue(f"không có đăng ký mã {data.registration_id}.", "Đăng ký"))
        else:
            other = session.scalar(
                select(Dossier).where(
                    Dossier.registration_id == reg.id,
                    Dossier.id != (exclude_id or 0),
                    Dossier.status != DossierStatus.WITHDRAWN,
                )
            )
            if other is not None:
                issues.append(
                    Issue(
                        f"đăng ký «{shorten(reg.title, 80)}» đã gắn với hồ sơ {other.code}. Một đăng ký "
                        "chỉ gắn với một hồ sơ (trừ hồ sơ đã rút).",
                        "Đăng ký",
                        column="registration",
                    )
                )
            if reg.year != rnd.year:
                issues.append(
                    Issue(
                        f"đăng ký này thuộc năm {reg.year}, còn đợt thuộc năm {rnd.year}.",
                        "Đăng ký",
                        "warning",
                        column="registration",
                    )
                )
    issues += rules.check_dossier(
        rules.DossierFacts(
            title=data.title,
            received_on=data.received_on,
            round_year=rnd.year,
            unit_known=unit_known,
            registered=data.registration_id is not None,
            kind_known=data.kind is not None,
            first_applied_on=data.first_applied_on,
        ),
        today=now,
    )
    issues += rules.check_receipt_no(receipt_no, rnd.year, _taken_numbers(session, rnd.year, exclude_id))
    for m in prior_recognitions(session, data.title, data.summary, exclude_dossier=exclude_id, limit=1):
        issues.append(
            Issue(
                f"giống sáng kiến «{shorten(m.title, 80)}» ({m.unit_name}) {m.status} ({m.score:.0f}%): "
                "một sáng kiến chỉ được công nhận một lần.",
                "Tên sáng kiến",
                "warning",
                column="title",
            )
        )
    facts = []
    units: dict[int, str] = {}
    unreadable: set[int] = set()
    for n, a in enumerate(data.authors, start=1):
        share, problems = _contribution(a.contribution, n)
        if problems:
            unreadable.add(n)
            issues += problems
        key, label = _unit_key(session, a, units)
        if a.person_id is not None and session.get(Person, a.person_id) is None:
            issues.append(Issue(f"không có người mã {a.person_id}.", f"Tác giả thứ {n}", row=n))
        facts.append(rules.AuthorFacts(a.full_name, a.birth_date, share, key, label, a.gender))
    for issue in rules.check_authors(facts, co_author_limit=rnd.co_author_limit, today=now):
        # A contribution that is not a number already has its message; skip the range and total checks.
        if unreadable and issue.column == "contribution" and (issue.row is None or issue.row in unreadable):
            continue
        issues.append(issue)
    if data.checklist is not None:
        issues += rules.check_checklist(
            [
                rules.ChecklistFacts(c.name, c.required, c.received, c.copies, c.copies_required)
                for c in data.checklist
            ]
        )
    if data.status is not None:
        issues += rules.check_status_change(
            None,
            rules.StatusChange(data.status, data.status_note, data.supplement_requested_on, data.accepted_on),
            received_on=data.received_on,
            today=now,
        )
    if data.received_on is not None:
        for clock in (
            clock_rules.first_application_clock(data.first_applied_on, data.received_on),
            clock_rules.round_deadline_clock(rnd.receive_until, data.received_on),
        ):
            if clock.needs_attention:
                issues.append(Issue(clock.text, clock.kind.label, "warning"))
    if data.result_due_on is not None and data.result_due_on < data.received_on:
        issues.append(
            Issue(
                f"ngày hẹn trả kết quả ({data.result_due_on:%d/%m/%Y}) ở trước ngày nhận hồ sơ.",
                "Ngày hẹn trả kết quả",
            )
        )
    return issues


def _normalise(data: DossierInput) -> DossierInput:
    """A sole author without a contribution typed contributes 100 %; blank author rows are dropped."""
    authors = [
        a
        for a in data.authors
        if one_line(a.full_name) or a.birth_date or (a.contribution not in (None, "")) or a.person_id
    ]
    if len(authors) == 1 and authors[0].contribution in (None, ""):
        authors = [replace(authors[0], contribution=rules.CONTRIBUTION_TOTAL)]
    return replace(data, authors=authors, title=one_line(data.title))


def _raise_errors(issues: Sequence[Issue], title: str) -> None:
    errors = rules.errors_of(issues)
    if errors:
        raise ValidationError(errors, title)


# ------------------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------------------


def _match_person(session: Session, a: AuthorInput, dossier_unit_id: int | None, used: set[int]) -> Person:
    """The known person for an author row: by id (when the name still matches), else by folded name and
    birth date (without a birth date: the one person of that name in the author's unit); else a new
    person. ``used`` holds people already on this dossier, never matched twice."""
    key = fold_key(a.full_name)
    if a.person_id is not None:
        person = session.get(Person, a.person_id)
        if person is not None and person.name_key == key and person.id not in used:
            return person
    candidates = [
        p
        for p in session.scalars(select(Person).where(Person.name_key == key).order_by(Person.id))
        if p.id not in used
    ]
    unit_id = a.unit_id or dossier_unit_id
    if a.birth_date is not None:
        exact = [p for p in candidates if p.birth_date == a.birth_date]
        if exact:
            return exact[0]
        same_unit = [p for p in candidates if p.birth_date is None and p.unit_id == unit_id]
    else:
        same_unit = [p for p in candidates if p.unit_id == unit_id]
    if len(same_unit) == 1:
        return same_unit[0]
    person = Person(full_name=a.full_name, birth_date=a.birth_date, unit_id=a.unit_id)
    session.add(person)
    return person


def _apply_author_facts(person: Person, a: AuthorInput) -> None:
    """Keep the person's record up to date with what the newest đơn says (never blanks a value)."""
    if a.birth_date is not None and person.birth_date is None:
        person.birth_date = a.birth_date
    for attr in ("workplace", "job_title", "qualification", "gender", "phone"):
        value = one_line(getattr(a, attr))
        if attr == "gender":
            value = rules.parse_gender(value)  # checked before saving
        if value and getattr(person, attr) != value:
            setattr(person, attr, value)
    if a.unit_id is not None and person.unit_id != a.unit_id:
        person.unit_id = a.unit_id


def _set_authors(session: Session, dossier: Dossier, authors: Sequence[AuthorInput]) -> None:
    if dossier.authorships:
        dossier.authorships.clear()
        session.flush()  # delete the old rows before inserting (unique dossier_id + person_id)
    used: set[int] = set()
    for pos, a in enumerate(authors):
        person = _match_person(session, a, dossier.unit_id, used)
        _apply_author_facts(person, a)
        session.flush()
        used.add(person.id)
        dossier.authorships.append(
            Authorship(
                person=person,
                position=pos,
                contribution=rules.parse_contribution(a.contribution),
                workplace=one_line(a.workplace) or person.workplace,
                job_title=one_line(a.job_title) or person.job_title,
                qualification=one_line(a.qualification) or person.qualification,
            )
        )


def _template_checklist(rnd: Round) -> list[ChecklistInput]:
    return [
        ChecklistInput(
            name=t.name,
            received=True,
            copies=t.copies_required,
            copies_required=t.copies_required,
            required=t.required,
        )
        for t in rnd.checklist_template
    ]


def _set_checklist(session: Session, dossier: Dossier, items: Sequence[ChecklistInput]) -> None:
    if dossier.checklist:
        dossier.checklist.clear()
        session.flush()
    for pos, c in enumerate(items):
        dossier.checklist.append(
            DossierChecklistItem(
                position=pos,
                name=one_line(c.name),
                required=c.required,
                received=c.received,
                copies=c.copies,
                copies_required=c.copies_required,
                note=one_line(c.note)[:255],
            )
        )


def _auto_status(data: DossierInput, items: Sequence[ChecklistInput]) -> DossierInput:
    """Fill the status from the checklist when the caller left it open."""
    if data.status is not None:
        return data
    missing = rules.missing_items(
        [rules.ChecklistFacts(c.name, c.required, c.received, c.copies, c.copies_required) for c in items]
    )
    if missing:
        return replace(
            data,
            status=DossierStatus.INCOMPLETE,
            status_note=data.status_note or "Còn thiếu: " + "; ".join(missing),
            supplement_requested_on=data.supplement_requested_on or data.received_on,
        )
    return replace(data, status=DossierStatus.COMPLETE)


def _snapshot(d: Dossier) -> dict[str, object]:
    return {
        "receipt_no": d.receipt_no,
        "received_on": d.received_on,
        "round_id": d.round_id,
        "unit_id": d.unit_id,
        "registration_id": d.registration_id,
        "title": d.title,
        "kind": d.kind,
        "field": d.field,
        "first_applied_on": d.first_applied_on,
        "accepted_on": d.accepted_on,
        "status": d.status,
        "status_note": d.status_note,
        "supplement_requested_on": d.supplement_requested_on,
        "delivered_by": d.delivered_by,
        "result_due_on": d.result_due_on,
        "authors": [
            {
                "person_id": a.person_id,
                "name": a.person.full_name if a.person else "",
                "contribution": a.contribution,
            }
            for a in d.authorships
        ],
        "checklist": [{"name": c.name, "received": c.received, "copies": c.copies} for c in d.checklist],
    }


def _fill(dossier: Dossier, data: DossierInput, receipt_no: int, rnd: Round) -> None:
    dossier.year = rnd.year
    dossier.round_id = rnd.id
    dossier.receipt_no = receipt_no
    dossier.received_on = data.received_on
    assert data.unit_id is not None
    dossier.unit_id = data.unit_id
    dossier.registration_id = data.registration_id
    dossier.title = data.title
    dossier.kind = data.kind
    dossier.field = one_line(data.field)
    dossier.first_applied_on = data.first_applied_on
    dossier.investor = one_line(data.investor)
    dossier.summary = data.summary.strip()
    dossier.delivered_by = one_line(data.delivered_by)
    dossier.delivered_phone = one_line(data.delivered_phone)[:50]
    dossier.note = data.note.strip()
    dossier.result_due_on = data.result_due_on
    assert data.status is not None
    dossier.status = data.status
    dossier.status_note = one_line(data.status_note)
    dossier.supplement_requested_on = (
        data.supplement_requested_on if data.status is DossierStatus.INCOMPLETE else None
    )
    if data.status is DossierStatus.VALID or data.accepted_on is not None:
        dossier.accepted_on = data.accepted_on


def _flush_unique(session: Session, year: int, receipt_no: int) -> None:
    try:
        session.flush()
    except IntegrityError as exc:  # another window took the number between the check and the write
        raise ValidationError(
            Issue(
                f"số {receipt_no} của năm {year} vừa được dùng cho hồ sơ khác. Hãy lưu lại với số kế tiếp.",
                "Số tiếp nhận",
            ),
            "Không lưu được hồ sơ",
        ) from exc


def receive_in(session: Session, data: DossierInput) -> SaveResult:
    """Receive a new dossier in the caller's transaction (only while the round takes dossiers)."""
    rnd = editable_round(session, data.round_id, "hồ sơ")
    round_lifecycle.check(rnd.status, RoundAction.RECEIVE_DOSSIERS, rnd.label)
    data = _normalise(data)
    receipt_no = data.receipt_no if data.receipt_no is not None else next_receipt_no(session, rnd.year)
    items = data.checklist if data.checklist is not None else _template_checklist(rnd)
    data = _auto_status(replace(data, checklist=list(items)), items)
    issues = _validate(session, data, rnd, exclude_id=None, receipt_no=receipt_no)
    _raise_errors(issues, "Không lưu được hồ sơ")
    dossier = Dossier()
    _fill(dossier, data, receipt_no, rnd)
    session.add(dossier)
    _flush_unique(session, rnd.year, receipt_no)
    _set_authors(session, dossier, data.authors)
    _set_checklist(session, dossier, items)
    session.flush()
    audit.record(
        session,
        "create",
        "dossier",
        dossier.id,
        f"Tiếp nhận hồ sơ {dossier.code}: {one_line(dossier.title)[:120]}",
        new=_snapshot(dossier),
    )
    return SaveResult(dossier.id, dossier.code, receipt_no, dossier.status, tuple(rules.warnings_of(issues)))


def receive(db: Database, data: DossierInput) -> SaveResult:
    """Receive a new dossier with its authors and checklist (one transaction, audited).

    Raises ``ValidationError`` (nothing saved) when a rule is broken: contributions not totalling 100 %,
    a receipt number already used this year, too many co-authors from one unit, …
    """
    with db.session() as session:
        return receive_in(session, data)


def receive_many(db: Database, items: Sequence[DossierInput]) -> list[SaveResult]:
    """Receive several dossiers in one transaction: all are saved, or none."""
    with db.session() as session:
        results = []
        for n, data in enumerate(items, start=1):
            try:
                results.append(receive_in(session, data))
            except ValidationError as exc:
                raise ValidationError(
                    [
                        replace(i, where=f"Hồ sơ thứ {n} — {i.where}" if i.where else f"Hồ sơ thứ {n}")
                        for i in exc.issues
                    ],
                    "Không lưu hồ sơ nào",
                ) from exc
        return results


def update(
    db: Database,
    dossier_id: int,
    data: DossierInput,
    *,
    enforce_transition: bool = True,
    action: str = "update",
) -> SaveResult:
    """Save changes to a dossier (fields, authors, checklist and status), audited with old and new values.

    ``enforce_transition`` False lets an undo put back any earlier status (still audited, as ``action``)."""
    with db.session() as session:
        return update_in(session, dossier_id, data, enforce_transition=enforce_transition, action=action)


def update_in(
    session: Session,
    dossier_id: int,
    data: DossierInput,
    *,
    enforce_transition: bool = True,
    action: str = "update",
) -> SaveResult:
    """``update`` in the caller's transaction."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ có mã {dossier_id}.")
    editable_round(session, dossier.round_id, "hồ sơ")
    rnd = editable_round(session, data.round_id, "hồ sơ")
    data = _normalise(data)
    if rnd.year != dossier.year and data.receipt_no is None:
        data = replace(data, receipt_no=next_receipt_no(session, rnd.year))
    receipt_no = data.receipt_no if data.receipt_no is not None else dossier.receipt_no
    items = (
        data.checklist
        if data.checklist is not None
        else [
            ChecklistInput(c.name, c.received, c.copies, c.copies_required, c.required, c.note)
            for c in dossier.checklist
        ]
    )
    if data.status is None:
        data = replace(data, status=dossier.status)
    data = replace(data, checklist=list(items))
    old_status = dossier.status
    issues = _validate(session, data, rnd, exclude_id=dossier.id, receipt_no=receipt_no)
    assert data.status is not None
    if data.status != old_status and enforce_transition:
        issues += [
            i
            for i in rules.check_status_change(
                old_status,
                rules.StatusChange(
                    data.status, data.status_note, data.supplement_requested_on, data.accepted_on
                ),
                received_on=data.received_on,
                today=today(),
            )
            if i.where == "Trạng thái"
        ]
    _raise_errors(issues, f"Không lưu được hồ sơ {dossier.code}")
    before = _snapshot(dossier)
    _fill(dossier, data, receipt_no, rnd)
    _flush_unique(session, rnd.year, receipt_no)
    _set_authors(session, dossier, data.authors)
    _set_checklist(session, dossier, items)
    session.flush()
    session.refresh(dossier)
    after = _snapshot(dossier)
    changed = sorted(k for k in after if after[k] != before.get(k))
    audit.record(
        session,
        action,
        "dossier",
        dossier.id,
        f"{'Hoàn tác' if action == 'undo' else 'Sửa'} hồ sơ {dossier.code}: {', '.join(changed) or 'không đổi'}",
        old={k: before[k] for k in changed},
        new={k: after[k] for k in changed},
    )
    return SaveResult(dossier.id, dossier.code, receipt_no, dossier.status, tuple(rules.warnings_of(issues)))


def change_status(
    db: Database,
    dossier_id: int,
    status: DossierStatus,
    *,
    note: str = "",
    requested_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
) -> SaveResult:
    """Change a dossier's status. Thiếu needs what is missing and the date asked; Không hợp lệ needs a
    reason; Hợp lệ needs the acceptance date (default today). Audited."""
    with db.session() as session:
        return change_status_in(
            session, dossier_id, status, note=note, requested_on=requested_on, accepted_on=accepted_on
        )


def change_status_in(
    session: Session,
    dossier_id: int,
    status: DossierStatus,
    *,
    note: str = "",
    requested_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
) -> SaveResult:
    """``change_status`` in the caller's transaction."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ có mã {dossier_id}.")
    editable_round(session, dossier.round_id, "trạng thái hồ sơ")
    if status is DossierStatus.VALID and accepted_on is None:
        accepted_on = dossier.accepted_on or today()
    change = rules.StatusChange(status, note, requested_on, accepted_on)
    issues = rules.check_status_change(dossier.status, change, received_on=dossier.received_on, today=today())
    _raise_errors(issues, f"Không đổi được trạng thái hồ sơ {dossier.code}")
    old = {
        "status": dossier.status,
        "status_note": dossier.status_note,
        "supplement_requested_on": dossier.supplement_requested_on,
        "accepted_on": dossier.accepted_on,
    }
    dossier.status = status
    dossier.status_note = one_line(note)
    dossier.supplement_requested_on = requested_on if status is DossierStatus.INCOMPLETE else None
    if status is DossierStatus.VALID:
        dossier.accepted_on = accepted_on
    new = {
        "status": dossier.status,
        "status_note": dossier.status_note,
        "supplement_requested_on": dossier.supplement_requested_on,
        "accepted_on": dossier.accepted_on,
    }
    audit.record(
        session,
        "status",
        "dossier",
        dossier.id,
        f"Hồ sơ {dossier.code}: {old['status'].label} → {status.label}"  # type: ignore[union-attr]
        + (f" ({dossier.status_note})" if dossier.status_note else ""),
        old=old,
        new=new,
    )
    return SaveResult(dossier.id, dossier.code, dossier.receipt_no, dossier.status)


def set_checklist(db: Database, dossier_id: int, items: Sequence[ChecklistInput]) -> SaveResult:
    """Replace a dossier's paper checklist (status unchanged; the caller proposes Đủ/Thiếu)."""
    with db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        if dossier is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ có mã {dossier_id}.")
        editable_round(session, dossier.round_id, "hồ sơ")
        _raise_errors(
            rules.check_checklist(
                [
                    rules.ChecklistFacts(c.name, c.required, c.received, c.copies, c.copies_required)
                    for c in items
                ]
            ),
            f"Không lưu được thành phần hồ sơ {dossier.code}",
        )
        before = [{"name": c.name, "received": c.received, "copies": c.copies} for c in dossier.checklist]
        _set_checklist(session, dossier, items)
        session.flush()
        after = [{"name": c.name, "received": c.received, "copies": c.copies} for c in dossier.checklist]
        audit.record(
            session,
            "update",
            "dossier",
            dossier.id,
            f"Sửa thành phần hồ sơ {dossier.code}",
            old={"checklist": before},
            new={"checklist": after},
        )
        return SaveResult(dossier.id, dossier.code, dossier.receipt_no, dossier.status)


def delete_dossier(db: Database, dossier_id: int) -> DossierInput:
    """Delete a dossier entered by mistake (not one already scored or graded). Returns what it held, so
    the deletion can be undone by receiving it again."""
    with db.session() as session:
        return delete_dossier_in(session, dossier_id)


def delete_dossier_in(session: Session, dossier_id: int) -> DossierInput:
    """``delete_dossier`` in the caller's transaction."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ có mã {dossier_id}.")
    editable_round(session, dossier.round_id, "hồ sơ")
    scored = session.scalar(select(func.count(Score.id)).where(Score.dossier_id == dossier.id))
    graded = session.scalar(select(func.count(GradeResult.id)).where(GradeResult.dossier_id == dossier.id))
    if scored or graded:
        raise ValidationError(
            f"Hồ sơ {dossier.code} đã có điểm chấm hoặc xếp loại nên không xóa được. "
            "Nếu tác giả rút hồ sơ, hãy đổi trạng thái sang «Rút hồ sơ».",
            "Không xóa được hồ sơ",
        )
    detail = _detail(session, dossier)
    audit.record(
        session,
        "delete",
        "dossier",
        dossier.id,
        f"Xóa hồ sơ {dossier.code}: {one_line(dossier.title)[:120]}",
        old=_snapshot(dossier),
    )
    session.delete(dossier)
    session.flush()
    return detail.as_input()


# ------------------------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------------------------


class _ClockFacts(Protocol):
    received_on: dt.date
    first_applied_on: dt.date | None
    accepted_on: dt.date | None
    status: DossierStatus


def _clocks(d: _ClockFacts, rnd: Round, now: dt.date) -> tuple[Clock, ...]:
    return clock_rules.dossier_clocks(
        received_on=d.received_on,
        first_applied_on=d.first_applied_on,
        accepted_on=d.accepted_on,
        receive_until=rnd.receive_until,
        today=now,
        decided_on=rnd.decision_date,
        closed={
            DossierStatus.WITHDRAWN: "Hồ sơ đã rút",
            DossierStatus.INVALID: "Hồ sơ không hợp lệ",
        }.get(d.status),
    )


def _detail(session: Session, d: Dossier) -> DossierDetail:
    rnd = d.round
    reg = d.registration
    has_scores = bool(session.scalar(select(func.count(Score.id)).where(Score.dossier_id == d.id)))
    grade = session.scalar(select(GradeResult.grade).where(GradeResult.dossier_id == d.id))
    return DossierDetail(
        id=d.id,
        code=d.code,
        year=d.year,
        round_id=d.round_id,
        round_label=rnd.label,
        receipt_no=d.receipt_no,
        received_on=d.received_on,
        unit_id=d.unit_id,
        unit_name=d.unit.name,
        title=d.title,
        kind=d.kind,
        field=d.field,
        first_applied_on=d.first_applied_on,
        accepted_on=d.accepted_on,
        investor=d.investor,
        summary=d.summary,
        status=d.status,
        status_note=d.status_note,
        supplement_requested_on=d.supplement_requested_on,
        delivered_by=d.delivered_by,
        delivered_phone=d.delivered_phone,
        result_due_on=d.result_due_on,
        note=d.note,
        registration_id=d.registration_id,
        registration_title=reg.title if reg else "",
        registration_unit=reg.unit.name if reg else "",
        authors=tuple(
            AuthorView(
                person_id=a.person_id,
                full_name=a.person.full_name,
                birth_date=a.person.birth_date,
                workplace=a.workplace or a.person.workplace,
                job_title=a.job_title or a.person.job_title,
                qualification=a.qualification or a.person.qualification,
                contribution=a.contribution,
                unit_id=a.person.unit_id,
                gender=a.person.gender,
                phone=a.person.phone,
            )
            for a in d.authorships
        ),
        checklist=tuple(
            ChecklistView(c.name, c.required, c.received, c.copies, c.copies_required, c.note)
            for c in d.checklist
        ),
        clocks=_clocks(d, rnd, today()),
        has_scores=has_scores,
        grade=grade,
    )


def get_dossier(db: Database, ref: int | str) -> DossierDetail:
    """Everything about one dossier (by id or code)."""
    with db.reading() as session:
        dossier = session.get(Dossier, ref) if isinstance(ref, int) else find_dossier(session, ref)
        if dossier is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ có mã {ref}.")
        return _detail(session, dossier)


@dataclass(frozen=True)
class ListFilter:
    status: DossierStatus | None = None
    clock: ClockFilter = ClockFilter.ANY
    registered: bool | None = None
    unit_id: int | None = None
    text: str = ""
    statuses: frozenset[DossierStatus] = field(default_factory=frozenset)


def dossier_rows(session: Session, round_id: int, *, now: dt.date | None = None) -> list[DossierRow]:
    """Every dossier of a round in receipt-book order (by receipt number). Read as plain rows, not ORM
    objects: a large round has 2,000 dossiers with 10,000 checklist lines."""
    rnd = _round(session, round_id)
    now = now or today()
    of_round = select(Dossier.id).where(Dossier.round_id == round_id).scalar_subquery()
    authors: dict[int, list[tuple[str, Decimal]]] = {}
    for dossier_id, name, contribution in session.execute(
        select(Authorship.dossier_id, Person.full_name, Authorship.contribution)
        .join(Person, Person.id == Authorship.person_id)
        .where(Authorship.dossier_id.in_(of_round))
        .order_by(Authorship.dossier_id, Authorship.position)
    ):
        authors.setdefault(dossier_id, []).append((name, contribution))
    checklist: dict[int, list[rules.ChecklistFacts]] = {}
    for dossier_id, *facts in session.execute(
        select(
            DossierChecklistItem.dossier_id,
            DossierChecklistItem.name,
            DossierChecklistItem.required,
            DossierChecklistItem.received,
            DossierChecklistItem.copies,
            DossierChecklistItem.copies_required,
        )
        .where(DossierChecklistItem.dossier_id.in_(of_round))
        .order_by(DossierChecklistItem.dossier_id, DossierChecklistItem.position)
    ):
        checklist.setdefault(dossier_id, []).append(rules.ChecklistFacts(*cast(list[Any], facts)))
    names: dict[str, str] = {}  # one string per unit name
    rows = []
    for d in session.execute(
        select(
            Dossier.id,
            Dossier.year,
            Dossier.receipt_no,
            Dossier.received_on,
            Dossier.unit_id,
            Unit.name,
            Dossier.title,
            Dossier.kind,
            Dossier.field,
            Dossier.status,
            Dossier.status_note,
            Dossier.registration_id,
            Dossier.first_applied_on,
            Dossier.accepted_on,
            Dossier.supplement_requested_on,
            Dossier.delivered_by,
        )
        .join(Unit, Unit.id == Dossier.unit_id)
        .where(Dossier.round_id == round_id)
        .order_by(Dossier.receipt_no)
    ):
        rows.append(
            DossierRow(
                id=d.id,
                code=dossier_code(d.year, d.receipt_no),
                receipt_no=d.receipt_no,
                received_on=d.received_on,
                unit_id=d.unit_id,
                unit_name=names.setdefault(d.name, d.name),
                title=d.title,
                kind=d.kind,
                field=d.field,
                status=d.status,
                status_note=d.status_note,
                registration_id=d.registration_id,
                authors=tuple(authors.get(d.id, ())),
                first_applied_on=d.first_applied_on,
                accepted_on=d.accepted_on,
                supplement_requested_on=d.supplement_requested_on,
                delivered_by=d.delivered_by,
                missing=tuple(rules.missing_items(checklist.get(d.id, []))),
                clocks=_clocks(d, rnd, now),
            )
        )
    return rows


def filter_rows(rows: Sequence[DossierRow], flt: ListFilter) -> list[DossierRow]:
    words = fold(flt.text).split()
    out = []
    for r in rows:
        if flt.status is not None and r.status is not flt.status:
            continue
        if flt.statuses and r.status not in flt.statuses:
            continue
        if flt.registered is not None and r.registered != flt.registered:
            continue
        if flt.unit_id is not None and r.unit_id != flt.unit_id:
            continue
        if not clock_rules.matches_filter(r.clocks, flt.clock):
            continue
        if words:
            haystack = fold(f"{r.code} {r.title} {r.unit_name} {r.authors_text}")
            if not all(w in haystack for w in words):
                continue
        out.append(r)
    return out


def list_dossiers(db: Database, round_id: int, flt: ListFilter | None = None) -> list[DossierRow]:
    with db.reading() as session:
        rows = dossier_rows(session, round_id)
    return filter_rows(rows, flt) if flt is not None else rows
