"""Counts shown on the Tổng quan page and printed by ``sangkien stats``."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.enums import DossierStatus
from ..models import (
    Assignment,
    Authorship,
    CouncilMember,
    Dossier,
    GradeResult,
    Person,
    Registration,
    Round,
    Score,
    Unit,
    UnitType,
)


@dataclass(frozen=True)
class Stats:
    units: int
    unit_types: int
    registrations: int
    dossiers: int
    members: int  # distinct people sitting on any round's council
    scores: int  # score rows (one per member × dossier × criterion)
    rounds: int
    people: int
    authors: int  # distinct people authoring a dossier
    assignments: int
    graded: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _count(session: Session, column: object) -> int:
    return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def collect(session: Session) -> Stats:
    return Stats(
        units=_count(session, Unit.id),
        unit_types=_count(session, UnitType.id),
        registrations=_count(session, Registration.id),
        dossiers=_count(session, Dossier.id),
        members=int(session.scalar(select(func.count(distinct(CouncilMember.person_id)))) or 0),
        scores=_count(session, Score.id),
        rounds=_count(session, Round.id),
        people=_count(session, Person.id),
        authors=int(session.scalar(select(func.count(distinct(Authorship.person_id)))) or 0),
        assignments=_count(session, Assignment.id),
        graded=_count(session, GradeResult.id),
    )


def get_stats(db: Database) -> Stats:
    with db.reading() as session:
        return collect(session)


@dataclass(frozen=True)
class RoundSummary:
    round_id: int
    label: str
    status: str
    dossiers: int
    by_status: dict[str, int]
    members: int
    assignments: int
    scored_assignments: int  # assignments with every criterion scored


def round_summary(db: Database, round_id: int) -> RoundSummary:
    with db.reading() as session:
        rnd = session.get(Round, round_id)
        if rnd is None:
            raise LookupError(round_id)
        by_status = {s.value: 0 for s in DossierStatus}
        for status, n in session.execute(
            select(Dossier.status, func.count(Dossier.id))
            .where(Dossier.round_id == round_id)
            .group_by(Dossier.status)
        ):
            by_status[DossierStatus(status).value] = n
        n_criteria = len(rnd.criteria)
        assignments = session.execute(
            select(Assignment.dossier_id, Assignment.member_id)
            .join(Dossier, Dossier.id == Assignment.dossier_id)
            .where(Dossier.round_id == round_id)
        ).all()
        score_counts = dict(
            ((d, m), n)
            for d, m, n in session.execute(
                select(Score.dossier_id, Score.member_id, func.count(Score.id))
                .join(Dossier, Dossier.id == Score.dossier_id)
                .where(Dossier.round_id == round_id)
                .group_by(Score.dossier_id, Score.member_id)
            )
        )
        scored = sum(1 for a in assignments if n_criteria and score_counts.get((a[0], a[1]), 0) >= n_criteria)
        return RoundSummary(
            round_id=rnd.id,
            label=rnd.label,
            status=rnd.status.value,
            dossiers=sum(by_status.values()),
            by_status=by_status,
            members=len(rnd.members),
            assignments=len(assignments),
            scored_assignments=scored,
        )
