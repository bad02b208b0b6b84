"""Test data for the documents: a simple grading that writes ``GradeResult`` rows the way the grading
service of the council/grading area does (rank by mean, bands filled from the top down by quota,
certificate threshold, THIEU without complete sheets), plus a decision number and date.

It stands in for that service until it is on ``main``; the documents only read ``GradeResult`` rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import DossierStatus
from sangkien_desktop.models import Criterion, Dossier, GradeResult, Round, Score


def grade_round(session: Session, round_id: int, *, decision: tuple[str, dt.date] | None = None) -> None:
    rnd = session.get(Round, round_id)
    assert rnd is not None and rnd.rule_set is not None
    crit_ids = [c.id for c in session.scalars(select(Criterion).where(Criterion.round_id == round_id))]
    dossiers = session.scalars(
        select(Dossier).where(
            Dossier.round_id == round_id,
            Dossier.status.in_([DossierStatus.VALID, DossierStatus.COMPLETE]),
        )
    ).all()
    totals: dict[int, dict[int, Decimal]] = {}
    for s in session.scalars(select(Score).join(Dossier).where(Dossier.round_id == round_id)):
        totals.setdefault(s.dossier_id, {}).setdefault(s.member_id, Decimal(0))
        totals[s.dossier_id][s.member_id] += s.points
    counts: dict[tuple[int, int], int] = {}
    for s in session.scalars(select(Score).join(Dossier).where(Dossier.round_id == round_id)):
        counts[(s.dossier_id, s.member_id)] = counts.get((s.dossier_id, s.member_id), 0) + 1
    means: dict[int, Decimal | None] = {}
    for d in dossiers:
        complete = [t for m, t in totals.get(d.id, {}).items() if counts.get((d.id, m), 0) == len(crit_ids)]
        means[d.id] = (
            (sum(complete, Decimal(0)) / len(complete)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if complete
            else None
        )
    session.execute(delete(GradeResult).where(GradeResult.dossier_id.in_([d.id for d in dossiers])))
    ranked = sorted(
        (d for d in dossiers if means[d.id] is not None), key=lambda d: (-means[d.id], d.receipt_no)
    )
    bands = list(rnd.rule_set.bands)
    used = {b.code: 0 for b in bands}
    for rank, d in enumerate(ranked, start=1):
        mean = means[d.id]
        assert mean is not None
        grade, reward = "KCN", 0
        for b in bands:
            if mean >= b.min_mean and (b.quota is None or used[b.code] < b.quota):
                grade, reward = b.code, b.amount
                used[b.code] += 1
                break
        else:
            if mean >= rnd.rule_set.certificate_threshold:
                grade = "CN"
        session.add(GradeResult(dossier_id=d.id, mean=mean, rank=rank, grade=grade, reward=reward))
    for d in dossiers:
        if means[d.id] is None:
            session.add(GradeResult(dossier_id=d.id, mean=None, rank=None, grade="THIEU", reward=0))
    if decision is not None:
        rnd.decision_no, rnd.decision_date = decision
    session.flush()


def grade_demo(db: Database) -> None:
    """Grade both demo rounds; round 1 gets decision 15/QĐ-HĐSK of 05/6/2026."""
    with db.session() as session:
        rounds = session.scalars(select(Round).order_by(Round.year, Round.number)).all()
        for i, rnd in enumerate(rounds):
            grade_round(session, rnd.id, decision=("15", dt.date(2026, 6, 5)) if i == 0 else None)
