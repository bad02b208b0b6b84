"""services/results: the Kết quả page's changes each return their rows before and after, and ``restore`` puts
either back exactly (same ids, same columns) in one transaction — undo and redo of the page's actions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus, VoteMethod
from sangkien_desktop.domain.errors import RoundLockedError
from sangkien_desktop.models import (
    GradeBand,
    GradeCondition,
    GradeResult,
    GradeRuleSet,
    Round,
    TieDecision,
    Vote,
)
from sangkien_desktop.services import grading, results
from tests.helpers.grading import build_round, put_scores, split_total


def _scored(db: Database) -> Any:
    b = build_round(db, dossiers=5, members=2)
    with db.session() as s:
        for d, total in enumerate(["92", "88", "85", "85", "60"]):
            for m in range(2):
                put_scores(s, b, d, m, split_total(total))
    return b


def _digest(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with db.reading() as s:
        for model in (GradeRuleSet, GradeBand, GradeCondition, GradeResult, TieDecision, Vote):
            columns = list(model.__table__.columns)
            out[model.__tablename__] = [tuple(r) for r in s.execute(select(*columns).order_by(columns[0]))]
    return out


def test_save_clear_and_restore_exactly(db: Database) -> None:
    b = _scored(db)
    start = _digest(db)
    rules = grading.default_rules().with_band("A", quota=1)
    saved = results.save_results(db, b.round_id, rules)
    after_save = _digest(db)
    assert after_save["grade_results"] and after_save["grade_rule_sets"]
    results.restore(db, saved.before, "Hoàn tác")
    assert _digest(db) == start
    redo = results.restore(db, saved.after, "Làm lại")
    assert _digest(db) == after_save
    assert redo.before == saved.before
    cleared = results.clear_results(db, b.round_id)
    assert _digest(db)["grade_results"] == []
    results.restore(db, cleared.before, "Hoàn tác")
    assert _digest(db) == after_save


def test_ties_and_votes_restore_exactly(db: Database) -> None:
    b = _scored(db)
    with db.session() as s:
        grading.save_rules(s, b.round_id, grading.default_rules().with_band("A", quota=3))
    start = _digest(db)
    tie = results.decide_tie(db, b.round_id, ["HS26-104", "HS26-103"], "Biểu quyết 2/2")
    decided = _digest(db)
    assert len(decided["tie_decisions"]) == 2
    results.restore(db, tie.before, "Hoàn tác")
    assert _digest(db) == start
    results.restore(db, tie.after, "Làm lại")
    assert _digest(db) == decided
    vote = results.set_vote(
        db, b.dossiers[0], present=2, in_favour=2, against=0, members_total=2, method=VoteMethod.SHOW_OF_HANDS
    )
    voted = _digest(db)
    again = results.set_vote(db, b.dossiers[0], present=2, in_favour=1, against=1, members_total=2)
    results.restore(db, again.before, "Hoàn tác")
    assert _digest(db) == voted
    results.restore(db, vote.before, "Hoàn tác")
    assert _digest(db) == decided


def test_restore_is_refused_on_a_finalized_round(db: Database) -> None:
    b = _scored(db)
    saved = results.save_results(db, b.round_id)
    with db.session() as s:
        s.get(Round, b.round_id).status = RoundStatus.FINALIZED  # type: ignore[union-attr]
    with pytest.raises(RoundLockedError):
        results.restore(db, saved.before, "Hoàn tác")


def test_results_view_reads_in_one_go(db: Database) -> None:
    b = _scored(db)
    view = results.results_view(db, b.round_id)
    assert not view.saved and view.stale == []
    assert len(view.baseline.rows) == 5 and view.criteria and view.rules.bands
    results.save_results(db, b.round_id)
    view = results.results_view(db, b.round_id)
    assert view.saved and view.stale == []
    with db.reading() as s:
        assert view.stale == grading.stale_codes(s, b.round_id)
    assert results.active_members(db, b.round_id) == 2


def test_undo_and_redo_keep_the_audit_log_replayable(db: Database) -> None:
    """``check`` replays the log against the tables: the rows put back are recorded like any other change."""
    from sangkien_desktop.services import check

    b = _scored(db)
    saved = results.save_results(db, b.round_id, grading.default_rules().with_band("A", quota=1))
    results.restore(db, saved.before, "Hoàn tác")
    results.restore(db, saved.after, "Làm lại")
    vote = results.set_vote(db, b.dossiers[0], present=2, in_favour=2, against=0, members_total=2)
    results.restore(db, vote.before, "Hoàn tác")
    cleared = results.clear_results(db, b.round_id)
    results.restore(db, cleared.before, "Hoàn tác")
    report = check.run_checks(db)
    assert report.ok, [p.message for p in report.problems]
