"""Everything a round's documents need, loaded in one reading session and returned as plain data.

Documents never query the database themselves: they receive a :class:`RoundData` (or :class:`YearData`)
and lay it out. That keeps each document module about layout only, and lets the PDF, Excel and Word forms
of one document print the same numbers.

Grades come from ``GradeResult`` rows (written when the secretary applies a grading). Before a round is
graded the documents still render: the mean is then computed from the members' complete sheets
(:func:`provisional_mean`, marked as provisional) and the grade is left empty.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.enums import DossierStatus, Grade, MemberRole, RoundStatus
from ...domain.text import name_sort_key
from ...models import (
    Assignment,
    Authorship,
    Certificate,
    CouncilMember,
    Criterion,
    Dossier,
    GradeResult,
    Person,
    Round,
    Score,
    Unit,
    Vote,
)
from .. import letterhead, numbering
from .. import settings as settings_service

__all__ = [
    "CONSIDERED_STATUSES",
    "AuthorInfo",
    "BandInfo",
    "CertificateInfo",
    "CriterionInfo",
    "DossierInfo",
    "GradeCount",
    "GradeInfo",
    "MemberInfo",
    "RoundData",
    "VoteInfo",
    "is_recognized",
    "load_round",
    "provisional_mean",
    "sharing_loads",
]

CONSIDERED_STATUSES = (DossierStatus.VALID, DossierStatus.COMPLETE)
"""Dossiers put before the council (scored): valid ones, and complete ones not yet marked valid."""

NOT_RECOGNIZED = {Grade.NOT_RECOGNIZED.value, Grade.MISSING.value, ""}


def is_recognized(grade: str | None) -> bool:
    """A grade that recognizes the initiative (a prize band such as A/B/C, or CN without prize)."""
    return (grade or "") not in NOT_RECOGNIZED


@dataclass(frozen=True)
class CriterionInfo:
    id: int
    position: int
    name: str
    max_points: Decimal
    min_points: Decimal | None
    description: str = ""


@dataclass(frozen=True)
class MemberInfo:
    id: int  # CouncilMember.id
    person_id: int
    name: str
    role: MemberRole
    job_title: str
    unit_name: str
    position: int
    active: bool
    gender: str = ""

    @property
    def role_label(self) -> str:
        return self.role.label

    @property
    def salutation(self) -> str:
        """ "Ông" / "Bà"; "" when the gender is not known (never a guess)."""
        return salutation(self.gender)

    @property
    def sheet_code(self) -> str:
        """Short code of the member printed on the score sheet (and typed back)."""
        return f"TV{self.id:02d}"


@dataclass(frozen=True)
class AuthorInfo:
    person_id: int
    name: str
    gender: str
    birth_date: dt.date | None
    unit_name: str  # nơi công tác
    job_title: str
    qualification: str
    contribution: Decimal

    @property
    def salutation(self) -> str:
        """ "Ông" / "Bà"; "" when the gender is not known (never a guess)."""
        return salutation(self.gender)


@dataclass(frozen=True)
class DossierInfo:
    id: int
    code: str
    year: int
    receipt_no: int
    title: str
    unit_id: int
    unit_name: str
    unit_type: str  # unit type name ("" when the unit has none)
    kind: str  # Vietnamese label of the kind of solution ("" when not set)
    field: str
    status: DossierStatus
    received_on: dt.date
    authors: tuple[AuthorInfo, ...]

    @property
    def author_names(self) -> str:
        return ", ".join(a.name for a in self.authors)

    @property
    def considered(self) -> bool:
        return self.status in CONSIDERED_STATUSES


@dataclass(frozen=True)
class GradeInfo:
    mean: Decimal | None
    rank: int | None
    grade: str
    reward: int
    tie: bool
    reason: str
    council_note: str
    reward_pending: int = 0  # an undecided tie: its part of the reward not yet decided

    @property
    def recognized(self) -> bool:
        return is_recognized(self.grade)


@dataclass(frozen=True)
class VoteInfo:
    members_total: int
    present: int
    in_favour: int
    against: int
    method_label: str

    @property
    def text(self) -> str:
        """ "6/7" (in favour / all members of the council, as the 2/3 rule counts)."""
        return f"{self.in_favour}/{self.members_total}"


@dataclass(frozen=True)
class BandInfo:
    code: str
    label: str
    min_mean: Decimal
    quota: int | None
    amount: int


@dataclass(frozen=True)
class CertificateInfo:
    id: int
    year: int
    register_no: int
    dossier_id: int
    person_id: int
    issued_on: dt.date | None
    voided: bool

    @property
    def number_text(self) -> str:
        """ "007/2026": the register number as printed (3 digits, then the year of the register)."""
        return f"{self.register_no:03d}/{self.year}"


@dataclass(frozen=True)
class GradeCount:
    """How many dossiers got one grade, and the reward of each (0 for a grade without prize)."""

    code: str
    label: str
    count: int
    reward_each: int
    reward_total: int


def salutation(gender: str) -> str:
    """ "Ông" for "Nam", "Bà" for "Nữ", "" otherwise."""
    return {"Nam": "Ông", "Nữ": "Bà"}.get(gender, "")


def provisional_mean(totals: Iterable[Decimal], decimals: int = 2) -> Decimal | None:
    """Mean of the members' totals, rounded half up (used only before a grading has been applied)."""
    values = list(totals)
    if not values:
        return None
    mean = sum(values, Decimal(0)) / Decimal(len(values))
    return mean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass
class RoundData:
    """A round with its council, rubric, dossiers, scores, grades, votes and certificates."""

    id: int
    year: int
    number: int
    label: str
    status: RoundStatus
    meeting_on: dt.date | None  # also the date of the minutes
    decision_no: str  # as printed, "01/QĐ-UBND" ("" until given)
    decision_date: dt.date | None
    quorum: int | None
    approval_numerator: int
    approval_denominator: int
    settings: Mapping[str, str]
    criteria: list[CriterionInfo]
    members: list[MemberInfo]
    dossiers: list[DossierInfo]
    bands: list[BandInfo]
    certificate_threshold: Decimal
    decimals: int
    assigned: dict[int, list[int]] = field(default_factory=dict)  # member id → dossier ids
    points: dict[tuple[int, int], dict[int, Decimal]] = field(default_factory=dict)  # (dossier, member)
    grades: dict[int, GradeInfo] = field(default_factory=dict)
    votes: dict[int, VoteInfo] = field(default_factory=dict)
    certificates: dict[tuple[int, int], CertificateInfo] = field(default_factory=dict)
    minutes_no: str = ""  # as printed, "01/BB-HĐSK"
    submission_no: str = ""  # as printed, "01/TTr-HĐSK"
    submission_date: dt.date | None = None
    certificate_date: dt.date | None = None  # signed on the certificates (None: blank lines)

    # lookups ------------------------------------------------------------------------------------------
    @property
    def finalized(self) -> bool:
        return self.status is RoundStatus.FINALIZED

    @property
    def graded(self) -> bool:
        return bool(self.grades)

    @property
    def issuer(self) -> letterhead.Issuer:
        """Who issues the decision and signs the certificates (the body by default)."""
        return letterhead.issuer_from(self.settings)

    def suffix(self, key: str) -> str:
        """The ký hiệu a round document prints with when it has no number yet ("BB-HĐSK" …)."""
        return numbering.suffix_for(self.settings, numbering.ROUND_DOCUMENTS[key].kind)

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    def dossier(self, dossier_id: int) -> DossierInfo:
        for d in self.dossiers:
            if d.id == dossier_id:
                return d
        raise KeyError(dossier_id)

    def member(self, member_id: int) -> MemberInfo:
        for m in self.members:
            if m.id == member_id:
                return m
        raise KeyError(member_id)

    @property
    def active_members(self) -> list[MemberInfo]:
        return [m for m in self.members if m.active]

    def member_with_role(self, role: MemberRole) -> MemberInfo | None:
        return next((m for m in self.active_members if m.role is role), None)

    def considered(self) -> list[DossierInfo]:
        """Dossiers put before the council (valid or complete), in receipt order."""
        return [d for d in self.dossiers if d.considered or d.id in self.grades]

    def dossiers_of_member(self, member_id: int) -> list[DossierInfo]:
        """The dossiers a member scores: their assignments; when the round has no assignments at all
        (every member scores every dossier), every considered dossier not of their unit or authorship."""
        if self.assigned:
            ids = set(self.assigned.get(member_id, []))
            return [d for d in self.dossiers if d.id in ids]
        member = self.member(member_id)
        return [
            d
            for d in self.considered()
            if member.person_id not in {a.person_id for a in d.authors} and d.unit_name != member.unit_name
        ]

    def member_total(self, dossier_id: int, member_id: int) -> Decimal | None:
        """A member's total for a dossier, or None until every criterion is scored."""
        scores = self.points.get((dossier_id, member_id))
        if not scores or any(c.id not in scores for c in self.criteria):
            return None
        return sum((scores[c.id] for c in self.criteria), Decimal(0))

    def member_totals(self, dossier_id: int) -> dict[int, Decimal]:
        out: dict[int, Decimal] = {}
        for m in self.members:
            total = self.member_total(dossier_id, m.id)
            if total is not None:
                out[m.id] = total
        return out

    def mean(self, dossier_id: int) -> Decimal | None:
        """The dossier's mean: the graded one when a grading was applied, else a provisional one."""
        grade = self.grades.get(dossier_id)
        if grade is not None and grade.mean is not None:
            return grade.mean.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        return provisional_mean(self.member_totals(dossier_id).values(), self.decimals)

    def grade_label(self, code: str) -> str:
        for band in self.bands:
            if band.code == code:
                return band.label or f"Loại {code}"
        try:
            return Grade(code).label
        except ValueError:
            return code

    def grade_order(self, code: str) -> int:
        for i, band in enumerate(self.bands):
            if band.code == code:
                return i
        order = {Grade.RECOGNIZED.value: 0, Grade.NOT_RECOGNIZED.value: 1, Grade.MISSING.value: 2}
        return len(self.bands) + order.get(code, 3)

    def ranked(self) -> list[DossierInfo]:
        """Considered dossiers by rank (graded), else by mean, highest first; ungraded ones last."""

        def key(d: DossierInfo) -> tuple[int, int, Decimal, int]:
            g = self.grades.get(d.id)
            mean = self.mean(d.id)
            rank = g.rank if g is not None and g.rank is not None else 10**6
            return (0 if mean is not None else 1, rank, -(mean or Decimal(0)), d.receipt_no)

        return sorted(self.considered(), key=key)

    def recognized(self) -> list[DossierInfo]:
        """Recognized dossiers in the order of the attached list: by grade, then rank."""
        out = [d for d in self.dossiers if d.id in self.grades and self.grades[d.id].recognized]

        def key(d: DossierInfo) -> tuple[int, int, int]:
            g = self.grades[d.id]
            return (self.grade_order(g.grade), g.rank if g.rank is not None else 10**6, d.receipt_no)

        return sorted(out, key=key)

    def by_grade(self) -> list[tuple[str, list[DossierInfo]]]:
        """Recognized dossiers grouped by grade code, in grade order."""
        groups: dict[str, list[DossierInfo]] = {}
        for d in self.recognized():
            groups.setdefault(self.grades[d.id].grade, []).append(d)
        return list(groups.items())

    def grade_counts(self) -> list[GradeCount]:
        """Recognized grades in order (A, B, C …, CN) with their counts and rewards."""
        out: list[GradeCount] = []
        for code, dossiers in self.by_grade():
            rewards = [self.grades[d.id].reward for d in dossiers]
            each = max(set(rewards), key=rewards.count) if rewards else 0
            out.append(GradeCount(code, self.grade_label(code), len(dossiers), each, sum(rewards)))
        return out

    def certificate(self, dossier_id: int, person_id: int) -> CertificateInfo | None:
        cert = self.certificates.get((dossier_id, person_id))
        return cert if cert is not None and not cert.voided else None

    def present_count(self) -> int:
        """Members present at the meeting: the most recorded on a vote, else the active members."""
        present = max((v.present for v in self.votes.values()), default=0)
        return present or len(self.active_members)

    def quorum_needed(self) -> int:
        """Members who must be present: the round's quorum, else more than half of the active members."""
        return self.quorum if self.quorum else len(self.active_members) // 2 + 1

    def total_reward(self) -> int:
        return sum(g.reward for g in self.grades.values() if g.recognized)


def _author(a: Authorship) -> AuthorInfo:
    """An author as written on this đơn (``Authorship`` snapshot), falling back to the person's record."""
    p = a.person
    return AuthorInfo(
        person_id=p.id,
        name=p.full_name,
        gender=p.gender or "",
        birth_date=p.birth_date,
        unit_name=a.workplace or p.workplace or (p.unit.name if p.unit is not None else ""),
        job_title=a.job_title or p.job_title or "",
        qualification=a.qualification or p.qualification or "",
        contribution=a.contribution,
    )


def dossier_info(d: Dossier) -> DossierInfo:
    unit: Unit = d.unit
    return DossierInfo(
        id=d.id,
        code=d.code,
        year=d.year,
        receipt_no=d.receipt_no,
        title=d.title,
        unit_id=unit.id,
        unit_name=unit.name,
        unit_type=unit.unit_type.name if unit.unit_type is not None else "",
        kind=d.kind.label if d.kind is not None else "",
        field=d.field or "",
        status=d.status,
        received_on=d.received_on,
        authors=tuple(_author(a) for a in d.authorships),
    )


def dossier_query():  # type: ignore[no-untyped-def]
    return select(Dossier).options(
        selectinload(Dossier.unit).selectinload(Unit.unit_type),
        selectinload(Dossier.authorships).selectinload(Authorship.person).selectinload(Person.unit),
    )


def grade_info(g: GradeResult) -> GradeInfo:
    return GradeInfo(
        mean=g.mean,
        rank=g.rank,
        grade=g.grade or "",
        reward=int(g.reward or 0),
        tie=bool(g.tie),
        reason=g.reason or "",
        council_note=g.council_note or "",
        reward_pending=int(g.reward_pending or 0) if g.tie else 0,
    )


def certificate_info(c: Certificate) -> CertificateInfo:
    return CertificateInfo(
        id=c.id,
        year=c.year,
        register_no=c.register_no,
        dossier_id=c.dossier_id,
        person_id=c.person_id,
        issued_on=c.issued_on,
        voided=c.voided_at is not None,
    )


_SHARED: ContextVar[dict[int, RoundData] | None] = ContextVar("shared_round_data", default=None)


@contextmanager
def sharing_loads() -> Iterator[None]:
    """Inside this block :func:`load_round` loads each round once and answers the same :class:`RoundData`
    again: for a batch of documents of a round that cannot change meanwhile (a finalized round's archive,
    ``services.round_documents.produce``). Documents only read a ``RoundData``, so sharing it is safe."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def load_round(session: Session, round_id: int, *, with_points: bool = True) -> RoundData:
    """Load a round's documents data (raises ``NotFoundError`` through ``find_round`` callers). Without
    ``with_points`` the members' score cells are left out (``points`` stays empty: ``member_total`` is
    None): what the In ấn page shows needs none of them, and a large round's cells take ~10 MB."""
    shared = _SHARED.get()
    if shared is None or not with_points:
        return _load_round(session, round_id, with_points)
    data = shared.get(round_id)
    if data is None:
        data = shared[round_id] = _load_round(session, round_id)
    return data


def _load_round(session: Session, round_id: int, with_points: bool = True) -> RoundData:
    rnd = session.get(Round, round_id)
    if rnd is None:
        from ...domain.errors import NotFoundError

        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    settings = settings_service.load(session)
    criteria = [
        CriterionInfo(c.id, c.position, c.name, c.max_points, c.min_points, c.description or "")
        for c in session.scalars(
            select(Criterion).where(Criterion.round_id == rnd.id).order_by(Criterion.position, Criterion.id)
        )
    ]
    members = [
        MemberInfo(
            id=m.id,
            person_id=m.person_id,
            name=m.person.full_name,
            role=m.role,
            job_title=m.person.job_title or "",
            unit_name=m.person.unit.name if m.person.unit is not None else (m.person.workplace or ""),
            position=m.position,
            active=m.active,
            gender=m.person.gender or "",
        )
        for m in session.scalars(
            select(CouncilMember)
            .where(CouncilMember.round_id == rnd.id)
            .options(selectinload(CouncilMember.person).selectinload(Person.unit))
            .order_by(CouncilMember.position, CouncilMember.id)
        )
    ]
    dossiers = [
        dossier_info(d)
        for d in session.scalars(  # 200 at a time: a large round's ORM rows are never all alive (~7 MB)
            dossier_query().where(Dossier.round_id == rnd.id).order_by(Dossier.receipt_no),
            execution_options={"yield_per": 200},
        )
    ]
    ids = [d.id for d in dossiers]
    rules = rnd.rule_set
    bands = (
        [BandInfo(b.code, b.label, b.min_mean, b.quota, int(b.amount or 0)) for b in rules.bands]
        if rules is not None
        else []
    )
    data = RoundData(
        id=rnd.id,
        year=rnd.year,
        number=rnd.number,
        label=rnd.label,
        status=rnd.status,
        meeting_on=rnd.meeting_on,
        decision_no=numbering.spelled(settings, "QD", rnd.decision_no),
        decision_date=rnd.decision_date,
        minutes_no=numbering.spelled(settings, "BB", rnd.minutes_no),
        submission_no=numbering.spelled(settings, "TTR", rnd.submission_no),
        submission_date=rnd.submission_date,
        certificate_date=rnd.certificate_date,
        quorum=rnd.quorum,
        approval_numerator=rnd.approval_numerator,
        approval_denominator=rnd.approval_denominator,
        settings=settings,
        criteria=criteria,
        members=members,
        dossiers=dossiers,
        bands=bands,
        certificate_threshold=rules.certificate_threshold if rules is not None else Decimal("50"),
        decimals=rules.decimals if rules is not None else 2,
    )
    if not ids:
        return data
    assigned: dict[int, list[int]] = defaultdict(list)
    for dossier_id, member_id in session.execute(
        select(Assignment.dossier_id, Assignment.member_id).join(Dossier).where(Dossier.round_id == rnd.id)
    ):
        assigned[member_id].append(dossier_id)
    data.assigned = dict(assigned)
    if with_points:
        points: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
        for dossier_id, member_id, criterion_id, value in session.execute(
            select(Score.dossier_id, Score.member_id, Score.criterion_id, Score.points)
            .join(Dossier)
            .where(Dossier.round_id == rnd.id)
        ):
            points[(dossier_id, member_id)][criterion_id] = value
        data.points = dict(points)
    for g in session.scalars(select(GradeResult).join(Dossier).where(Dossier.round_id == rnd.id)):
        data.grades[g.dossier_id] = grade_info(g)
    for v in session.scalars(select(Vote).join(Dossier).where(Dossier.round_id == rnd.id)):
        data.votes[v.dossier_id] = VoteInfo(
            v.members_total, v.present, v.in_favour, v.against, v.method.label
        )
    for c in session.scalars(select(Certificate).join(Dossier).where(Dossier.round_id == rnd.id)):
        data.certificates[(c.dossier_id, c.person_id)] = certificate_info(c)
    return data


def sort_people(names: Iterable[str]) -> list[str]:
    return sorted(names, key=name_sort_key)
