"""What the Kết quả page reads and does, each call in its own transaction, each change with its exact inverse.

Reads (``Database`` in, plain values out, safe on a worker thread):

- ``results_view(db, round_id) -> ResultsView`` — the saved rules, the rubric's criteria, the grading as the
  scores stand, whether results were saved and which saved ones are stale.
- ``what_if(db, round_id, rules) -> RoundGrading`` — grade with other rules, never written.
- ``active_members(db, round_id) -> int`` — the council's active members (the vote dialog's default).

Changes return a ``Change`` (the rows they touch before and after, ids included); ``restore(db, state,
note)`` puts such rows back in one transaction and returns the ``Change`` it made, so undo is
``restore(db, change.before, …)`` and redo ``restore(db, change.after, …)``:

- ``save_results(db, round_id, rules=None)`` — "Lưu kết quả xếp loại" (rules and results).
- ``clear_results(db, round_id)`` — "Xóa kết quả đã lưu".
- ``decide_tie(db, round_id, codes, note)`` / ``clear_ties(db, round_id)`` — the council's tie orders.
- ``set_vote(db, dossier_id, **values)`` — the council's vote on one dossier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.grading import GradeRules
from ..domain.round_lifecycle import RoundAction
from ..models import (
    CouncilMember,
    Dossier,
    GradeBand,
    GradeCondition,
    GradeResult,
    GradeRuleSet,
    TieDecision,
    Vote,
)
from . import audit, audit_rows, council, grading, scoring
from .grading import RoundGrading

RESULTS = "results"  # the round's rule set and saved results
TIES = "ties"  # the round's tie decisions
VOTE = "vote"  # one dossier's vote


# ---------------------------------------------------------------------------------------------- reads
@dataclass(frozen=True)
class ResultsView:
    """Everything the Kết quả page shows for a round, read in one transaction."""

    round_id: int
    rules: GradeRules
    criteria: list[tuple[int, str]]
    baseline: RoundGrading
    saved: bool
    stale: list[str]


def results_view(db: Database, round_id: int) -> ResultsView:
    with db.reading() as session:
        return results_view_in(session, round_id)


def results_view_in(session: Session, round_id: int) -> ResultsView:
    rules = grading.rules_of_round(session, round_id)
    criteria = [(c.id, c.name) for c in scoring.rubric(session, round_id)]
    baseline = grading.compute(session, round_id)
    saved = bool(
        session.scalar(
            select(func.count(GradeResult.id)).where(GradeResult.dossier_id.in_(_dossiers(round_id)))
        )
    )
    stale = _stale(session, round_id, baseline) if saved else []
    return ResultsView(round_id, rules, criteria, baseline, saved, stale)


def _stale(session: Session, round_id: int, now_result: RoundGrading) -> list[str]:
    """``grading.stale_codes`` without grading the round a second time."""
    saved = {s.dossier_id: s for s in grading.saved_results(session, round_id)}
    return grading.stale_against(saved, now_result)


def what_if(db: Database, round_id: int, rules: GradeRules) -> RoundGrading:
    with db.reading() as session:
        return grading.compute(session, round_id, rules)


def active_members(db: Database, round_id: int) -> int:
    with db.reading() as session:
        return int(
            session.scalar(
                select(func.count(CouncilMember.id)).where(
                    CouncilMember.round_id == round_id, CouncilMember.active.is_(True)
                )
            )
            or 0
        )


# ---------------------------------------------------------------------------------------------- states
@dataclass(frozen=True)
class State:
    """The rows of one part of a round's results (``RESULTS``, ``TIES`` or one dossier's ``VOTE``), every
    column included, parents before children."""

    round_id: int
    part: str
    key: int  # the dossier of a VOTE, else the round
    tables: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]


@dataclass(frozen=True)
class Change:
    before: State
    after: State


def _dossiers(round_id: int) -> Any:
    return select(Dossier.id).where(Dossier.round_id == round_id)


def _tables(part: str, round_id: int, key: int) -> list[tuple[Any, ColumnElement[bool]]]:
    """(model, which rows) of a part, parents first."""
    if part == RESULTS:
        rule_set = select(GradeRuleSet.id).where(GradeRuleSet.round_id == round_id)
        bands = select(GradeBand.id).where(GradeBand.rule_set_id.in_(rule_set))
        return [
            (GradeRuleSet, GradeRuleSet.round_id == round_id),
            (GradeBand, GradeBand.rule_set_id.in_(rule_set)),
            (GradeCondition, GradeCondition.band_id.in_(bands)),
            (GradeResult, GradeResult.dossier_id.in_(_dossiers(round_id))),
        ]
    if part == TIES:
        return [(TieDecision, TieDecision.dossier_id.in_(_dossiers(round_id)))]
    if part == VOTE:
        return [(Vote, Vote.dossier_id == key)]
    raise ValueError(part)


def state_in(session: Session, round_id: int, part: str, key: int | None = None) -> State:
    """The rows of ``part`` as they are now in the caller's transaction."""
    session.flush()
    key = round_id if key is None else key
    tables = []
    for model, where in _tables(part, round_id, key):
        columns = list(model.__table__.columns)
        rows = session.execute(select(*columns).where(where).order_by(model.__table__.c.id)).mappings()
        tables.append((model.__tablename__, tuple(dict(r) for r in rows)))
    return State(round_id, part, key, tuple(tables))


def restore_in(session: Session, state: State, note: str) -> Change:
    """Put the rows of ``state`` back exactly (same ids), in the caller's transaction; logged with ``note``.
    Refused on a round whose results are locked (finalized)."""
    what, action = _LOCK[state.part]
    council.round_for(session, state.round_id, what, action)
    before = state_in(session, state.round_id, state.part, state.key)
    tables = _tables(state.part, state.round_id, state.key)
    for model, where in reversed(tables):  # children first
        ids = list(session.scalars(select(model.id).where(where)))
        if ids:
            audit_rows.touch(session, model.__tablename__, ids)  # the log records every audited row
            session.execute(delete(model).where(model.id.in_(ids)))
    rows = dict(state.tables)
    for model, _where in tables:
        if rows.get(model.__tablename__):
            session.execute(insert(model), [dict(r) for r in rows[model.__tablename__]])
            audit_rows.touch(session, model.__tablename__, [r["id"] for r in rows[model.__tablename__]])
    session.expire_all()
    audit.record(session, "update", _ENTITY[state.part], state.key, note)
    return Change(before, state_in(session, state.round_id, state.part, state.key))


_ENTITY = {RESULTS: "grade_results", TIES: "tie_decision", VOTE: "vote"}
_LOCK = {  # as the changes themselves check
    RESULTS: ("kết quả xếp loại", RoundAction.GRADE),
    TIES: ("quyết định đồng điểm", RoundAction.GRADE),
    VOTE: ("kết quả biểu quyết", RoundAction.ENTER_SCORES),
}


def restore(db: Database, state: State, note: str) -> Change:
    with db.session() as session:
        return restore_in(session, state, note)


def _changing(
    db: Database, round_id: int, part: str, key: int | None, change: Callable[[Session], object]
) -> Change:
    with db.session() as session:
        before = state_in(session, round_id, part, key)
        change(session)
        return Change(before, state_in(session, round_id, part, key))


# ---------------------------------------------------------------------------------------------- changes
def save_results(db: Database, round_id: int, rules: GradeRules | None = None) -> Change:
    """Save the round's results (and ``rules`` when given): ``grading.apply`` in one transaction."""
    return _changing(db, round_id, RESULTS, None, lambda s: grading.apply(s, round_id, rules))


def clear_results(db: Database, round_id: int) -> Change:
    return _changing(db, round_id, RESULTS, None, lambda s: grading.clear_results(s, round_id))


def decide_tie(db: Database, round_id: int, codes: Sequence[str], note: str) -> Change:
    return _changing(db, round_id, TIES, None, lambda s: grading.decide_tie(s, round_id, codes, note))


def clear_ties(db: Database, round_id: int) -> Change:
    return _changing(db, round_id, TIES, None, lambda s: grading.clear_tie_decisions(s, round_id))


def set_vote(db: Database, dossier_id: int, **values: Any) -> Change:
    """Record the council's vote on one dossier (``council.set_vote``'s keywords)."""
    with db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        round_id = dossier.round_id if dossier is not None else 0
        before = state_in(session, round_id, VOTE, dossier_id)
        council.set_vote(session, dossier_id, **values)
        return Change(before, state_in(session, round_id, VOTE, dossier_id))
