"""Reconciliation of a round's dossiers against the year's registrations and earlier recognitions.

Three lists (on screen, in PDF and in Excel):

1. **Registered, no dossier received** — registrations of the round's year that no dossier of that year
   is linked to (in any round: a registration may be handed in at the next round).
2. **Dossier received, not registered** — dossiers of the round without a registration.
3. **Already recognized in an earlier year** — dossiers of the round with an author, or a title, of an
   initiative recognized in an earlier year ("recognized" = graded A, B, C or CN, or in an earlier year's
   decision list imported: ``earlier_imported``). Authors match by person, or by the same folded name and
   birth date; titles match when their folded forms are equal, or similar (rapidfuzz ``token_sort_ratio`` ≥
   :data:`SIMILAR_TITLE`).
4. **Probably the same initiative** — a dossier of list 2 and a registration of list 1 whose titles differ
   only by a remark in brackets ("(bổ sung)"), punctuation, accents or case
   (``domain.title_match``): shown for the secretary to confirm with :func:`link`, which records the
   dossier's registration (both then leave lists 1 and 2).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..db.database import Database
from ..domain.enums import DossierStatus, Grade
from ..domain.errors import NotFoundError, ValidationError
from ..domain.title_match import core_title
from ..models import (
    Authorship,
    Dossier,
    GradeResult,
    Person,
    RecognizedAuthor,
    RecognizedInitiative,
    Registration,
)
from . import audit, guards
from .rounds import find_round

__all__ = [
    "RECOGNIZED_GRADES",
    "SIMILAR_TITLE",
    "MatchKind",
    "PriorMatch",
    "ProbableMatch",
    "Reconciliation",
    "RegisteredNoDossier",
    "UnregisteredDossier",
    "link",
    "reconcile",
    "reconcile_session",
]

RECOGNIZED_GRADES: frozenset[str] = frozenset(
    {Grade.A.value, Grade.B.value, Grade.C.value, Grade.RECOGNIZED.value}
)
SIMILAR_TITLE = 90.0


class MatchKind(StrEnum):
    AUTHOR = "author"
    TITLE = "title"
    SIMILAR_TITLE = "similar_title"

    @property
    def label(self) -> str:
        return {
            "author": "Trùng tác giả",
            "title": "Trùng tên sáng kiến",
            "similar_title": "Tên sáng kiến gần giống",
        }[self.value]


@dataclass(frozen=True)
class RegisteredNoDossier:
    registration_id: int
    unit_name: str
    title: str
    authors_text: str
    registered_on: dt.date | None


@dataclass(frozen=True)
class UnregisteredDossier:
    dossier_id: int
    code: str
    received_on: dt.date
    unit_name: str
    title: str
    authors_text: str
    status: DossierStatus


@dataclass(frozen=True)
class PriorMatch:
    dossier_id: int
    code: str
    unit_name: str
    title: str
    authors_text: str
    kind: MatchKind
    detail: str  # the shared author's name, the similarity ("92%"), or ""
    score: float  # 100 for exact matches
    earlier_dossier_id: int
    earlier_code: str
    earlier_year: int
    earlier_title: str
    earlier_authors: str
    earlier_grade: str
    # an initiative of an earlier year's list imported (``earlier_dossier_id`` is then its id)
    earlier_imported: bool = False

    @property
    def reason(self) -> str:
        """ "Trùng tác giả: Trần Văn A", "Trùng tên sáng kiến", "Tên sáng kiến gần giống (92%)"."""
        if self.kind is MatchKind.AUTHOR:
            return f"{self.kind.label}: {self.detail}"
        if self.kind is MatchKind.SIMILAR_TITLE:
            return f"{self.kind.label} ({self.detail})"
        return self.kind.label


@dataclass(frozen=True)
class ProbableMatch:
    """A dossier without registration and a registration without dossier that name the same
    initiative, their titles differing only by a remark in brackets or punctuation."""

    dossier_id: int
    code: str
    title: str
    unit_name: str
    registration_id: int
    registration_title: str
    registration_unit: str
    registration_authors: str

    @property
    def same_unit(self) -> bool:
        return self.unit_name == self.registration_unit


@dataclass(frozen=True)
class Reconciliation:
    round_id: int
    round_label: str
    year: int
    registered_without_dossier: tuple[RegisteredNoDossier, ...]
    dossiers_without_registration: tuple[UnregisteredDossier, ...]
    already_recognized: tuple[PriorMatch, ...]
    probable_matches: tuple[ProbableMatch, ...] = ()

    @property
    def is_clean(self) -> bool:
        return not (
            self.registered_without_dossier or self.dossiers_without_registration or self.already_recognized
        )


def _authors_text(d: Dossier) -> str:
    return ", ".join(a.person.full_name for a in d.authorships)


def _match(d: Dossier, prior: Dossier, grade: str, kind: MatchKind, detail: str, score: float) -> PriorMatch:
    return PriorMatch(
        d.id,
        d.code,
        d.unit.name,
        d.title,
        _authors_text(d),
        kind,
        detail,
        score,
        prior.id,
        prior.code,
        prior.year,
        prior.title,
        _authors_text(prior),
        grade,
    )


def reconcile_session(session: Session, round_ref: str | int) -> Reconciliation:
    rnd = find_round(session, round_ref)
    year = rnd.year
    loaders = (selectinload(Dossier.unit), selectinload(Dossier.authorships).selectinload(Authorship.person))

    # 1. registrations of the year with no dossier of the year
    linked = select(Dossier.registration_id).where(Dossier.year == year, Dossier.registration_id.is_not(None))
    regs = session.scalars(
        select(Registration)
        .where(Registration.year == year, Registration.id.not_in(linked))
        .options(selectinload(Registration.unit))
        .order_by(Registration.id)
    ).all()
    missing = sorted(
        (RegisteredNoDossier(r.id, r.unit.name, r.title, r.authors_text, r.registered_on) for r in regs),
        key=lambda m: (m.unit_name, m.title, m.registration_id),
    )

    # 2. the round's dossiers without a registration
    dossiers = session.scalars(
        select(Dossier).where(Dossier.round_id == rnd.id).options(*loaders).order_by(Dossier.receipt_no)
    ).all()
    unregistered = [
        UnregisteredDossier(d.id, d.code, d.received_on, d.unit.name, d.title, _authors_text(d), d.status)
        for d in dossiers
        if d.registration_id is None
    ]

    # 3. authors or titles recognized in an earlier year
    earlier: list[tuple[Dossier, str]] = [
        (d, grade)
        for d, grade in session.execute(
            select(Dossier, GradeResult.grade)
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .where(Dossier.year < year, GradeResult.grade.in_(sorted(RECOGNIZED_GRADES)))
            .options(*loaders)
            .order_by(Dossier.year, Dossier.receipt_no)
        )
    ]
    by_person: dict[int, list[tuple[Dossier, str]]] = defaultdict(list)
    by_name_birth: dict[tuple[str, dt.date], list[tuple[Dossier, str, Person]]] = defaultdict(list)
    by_title: dict[str, list[tuple[Dossier, str]]] = defaultdict(list)
    for d, grade in earlier:
        by_title[d.title_key].append((d, grade))
        for a in d.authorships:
            by_person[a.person_id].append((d, grade))
            if a.person.birth_date is not None:
                by_name_birth[(a.person.name_key, a.person.birth_date)].append((d, grade, a.person))

    titles = [d.title_key for d, _grade in earlier]
    matches: list[PriorMatch] = []
    for d in dossiers:
        found: dict[tuple[int, MatchKind], PriorMatch] = {}
        for a in d.authorships:
            hits = [(prior, grade) for prior, grade in by_person.get(a.person_id, [])]
            if a.person.birth_date is not None:
                key = (a.person.name_key, a.person.birth_date)
                hits += [(prior, grade) for prior, grade, _p in by_name_birth.get(key, [])]
            for prior, grade in hits:
                found.setdefault(
                    (prior.id, MatchKind.AUTHOR),
                    _match(d, prior, grade, MatchKind.AUTHOR, a.person.full_name, 100.0),
                )
        for prior, grade in by_title.get(d.title_key, []):
            found.setdefault((prior.id, MatchKind.TITLE), _match(d, prior, grade, MatchKind.TITLE, "", 100.0))
        similar = process.extract(
            d.title_key, titles, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR_TITLE, limit=None
        )
        for _title, score, index in similar:
            prior, grade = earlier[index]
            if prior.title_key != d.title_key:
                found.setdefault(
                    (prior.id, MatchKind.SIMILAR_TITLE),
                    _match(d, prior, grade, MatchKind.SIMILAR_TITLE, f"{score:.0f}%", round(score, 1)),
                )
        matches += found.values()
    order = list(MatchKind)
    matches += _imported_matches(session, dossiers, year)
    matches.sort(key=lambda m: (m.code, order.index(m.kind), -m.earlier_year, m.earlier_code))
    probable = _probable_matches(unregistered, regs)
    return Reconciliation(
        rnd.id, rnd.label, year, tuple(missing), tuple(unregistered), tuple(matches), tuple(probable)
    )


def _probable_matches(
    unregistered: list[UnregisteredDossier], regs: Sequence[Registration]
) -> list[ProbableMatch]:
    """Pairs of list 2 and list 1 with the same core title (``domain.title_match``)."""
    by_core: dict[str, list[Registration]] = defaultdict(list)
    for r in regs:
        core = core_title(r.title)
        if core:
            by_core[core].append(r)
    out = [
        ProbableMatch(u.dossier_id, u.code, u.title, u.unit_name, r.id, r.title, r.unit.name, r.authors_text)
        for u in unregistered
        for r in by_core.get(core_title(u.title), [])
    ]
    out.sort(key=lambda p: (p.code, p.unit_name != p.registration_unit, p.registration_id))
    return out


def link(db: Database, dossier_id: int, registration_id: int) -> str:
    """The secretary confirms that a dossier is the initiative a registration announced: the dossier's
    registration is recorded (audited). Returns a message."""
    with db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        if dossier is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ có mã số {dossier_id}.")
        guards.editable_round(session, dossier.round_id, "hồ sơ")
        reg = session.get(Registration, registration_id)
        if reg is None:
            raise NotFoundError(f"Không tìm thấy đăng ký có mã {registration_id}.")
        if reg.year != dossier.year:
            raise ValidationError(
                f"Đăng ký mã {reg.id} là của năm {reg.year}, hồ sơ {dossier.code} của năm {dossier.year}."
            )
        other = session.scalar(
            select(Dossier).where(Dossier.registration_id == reg.id, Dossier.id != dossier.id)
        )
        if other is not None:
            raise ValidationError(f"Đăng ký mã {reg.id} đã gắn với hồ sơ {other.code}.")
        old = dossier.registration_id
        dossier.registration_id = reg.id
        session.flush()
        audit.record(
            session,
            "update",
            "dossier",
            dossier.id,
            f"Xác nhận hồ sơ {dossier.code} là sáng kiến đã đăng ký (mã đăng ký {reg.id}: {reg.title})",
            {"registration_id": old},
            {"registration_id": reg.id},
        )
        return f"Đã gắn hồ sơ {dossier.code} với đăng ký mã {reg.id}."


def reconcile(db: Database, round_ref: str | int) -> Reconciliation:
    with db.reading() as session:
        return reconcile_session(session, round_ref)


def _imported_matches(session: Session, dossiers: Sequence[Dossier], year: int) -> list[PriorMatch]:
    """List 3 against the initiatives of earlier years' decision lists imported (services/recognized): the
    same person, the same title, or a similar one."""
    earlier = session.scalars(
        select(RecognizedInitiative)
        .where(RecognizedInitiative.year < year)
        .options(
            selectinload(RecognizedInitiative.batch),
            selectinload(RecognizedInitiative.authors).selectinload(RecognizedAuthor.person),
        )
        .order_by(RecognizedInitiative.year, RecognizedInitiative.id)
    ).all()
    by_person: dict[int, list[RecognizedInitiative]] = defaultdict(list)
    by_name_birth: dict[tuple[str, dt.date], list[RecognizedInitiative]] = defaultdict(list)
    for i in earlier:
        for author in i.authors:
            by_person[author.person_id].append(i)
            if author.person.birth_date is not None:
                by_name_birth[(author.person.name_key, author.person.birth_date)].append(i)
    titles = [i.title_key for i in earlier]

    def match(d: Dossier, i: RecognizedInitiative, kind: MatchKind, detail: str, score: float) -> PriorMatch:
        decision = f", QĐ {i.batch.decision_no}" if i.batch.decision_no else ""
        authors = ", ".join(a.full_name for a in i.authors)
        grade = i.grade_label or i.grade
        return PriorMatch(
            d.id, d.code, d.unit.name, d.title, _authors_text(d), kind, detail, score,
            i.id, f"dữ liệu nhập{decision}", i.year, i.title, authors, grade, earlier_imported=True,
        )  # fmt: skip

    found: dict[tuple[int, int, MatchKind], PriorMatch] = {}
    for d in dossiers:
        for a in d.authorships:
            hits = list(by_person.get(a.person_id, []))
            if a.person.birth_date is not None:
                hits += by_name_birth.get((a.person.name_key, a.person.birth_date), [])
            for i in hits:
                key = (d.id, i.id, MatchKind.AUTHOR)
                found.setdefault(key, match(d, i, MatchKind.AUTHOR, a.person.full_name, 100.0))
        similar = process.extract(
            d.title_key, titles, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR_TITLE, limit=None
        )
        for _title, score, index in similar:
            i = earlier[index]
            if i.title_key == d.title_key:
                found.setdefault((d.id, i.id, MatchKind.TITLE), match(d, i, MatchKind.TITLE, "", 100.0))
            else:
                kind = MatchKind.SIMILAR_TITLE
                found.setdefault((d.id, i.id, kind), match(d, i, kind, f"{score:.0f}%", round(score, 1)))
    return list(found.values())
