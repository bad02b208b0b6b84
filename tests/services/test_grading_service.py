"""Grading a round from the database: compute, what-if, apply, saved results, ties, rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import TiePolicy
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.domain.grading import Band, Condition
from sangkien_desktop.models import AuditEntry, GradeResult, Round
from sangkien_desktop.services import grading as grading_service
from sangkien_desktop.services import scoring as scoring_service
from tests.helpers.grading import Built, build_round, put_scores, split_total

D = Decimal


def _score_totals(db: Database, b: Built, totals: list[list[str | int | None]]) -> None:
    """totals[dossier][member]: a member's total split over the default rubric (None: not typed)."""
    with db.session() as s:
        for di, row in enumerate(totals):
            for mi, total in enumerate(row):
                if total is not None:
                    put_scores(s, b, di, mi, split_total(total))


def test_compute_grades_with_half_up_and_missing(db: Database) -> None:
    b = build_round(db, dossiers=4, members=2)
    _score_totals(db, b, [["79.99", "80"], ["90", "90"], ["60", None], ["40", "45"]])
    result = grading_service.grade_round(db, b.round_id)
    rows = {r["code"]: r for r in result.as_json()}
    assert rows["HS26-101"] == {
        "code": "HS26-101",
        "mean": "80.00",
        "rank": 2,
        "grade": "A",
        "reward": 2000000,
        "tie": False,
        "reason": "Loại A: 80,00 điểm, đạt ngưỡng 80 điểm, trong 5 suất loại A",
    }
    assert rows["HS26-103"]["grade"] == "THIEU" and rows["HS26-103"]["mean"] is None
    assert rows["HS26-103"]["reason"] == "Chưa xếp loại: thiếu điểm của Thành Viên B"
    assert rows["HS26-104"]["grade"] == "KCN"
    assert list(rows) == ["HS26-102", "HS26-101", "HS26-104", "HS26-103"]
    with db.reading() as s:
        assert s.scalar(select(func.count(GradeResult.id))) == 0  # computing writes nothing


def test_apply_saves_results_in_one_audited_step_and_what_if_does_not(db: Database) -> None:
    b = build_round(db, dossiers=3, members=2)
    _score_totals(db, b, [["85", "85"], ["82", "84"], ["75", "71"]])
    with db.reading() as s:
        rules = grading_service.rules_of_round(s, b.round_id)
        what_if = grading_service.compute(s, b.round_id, rules.with_band("A", quota=1))
    assert [r.grade for r in what_if.rows] == ["A", "B", "B"]
    with db.reading() as s:
        assert s.scalar(select(func.count(GradeResult.id))) == 0
    applied = grading_service.apply_grading(db, b.round_id)
    assert [r.grade for r in applied.rows] == ["A", "A", "B"]
    saved = grading_service.load_saved_results(db, b.round_id)
    assert [(s.code, s.mean, s.rank, s.grade, s.reward) for s in saved] == [
        ("HS26-101", D("85.00"), 1, "A", 2_000_000),
        ("HS26-102", D("83.00"), 2, "A", 2_000_000),
        ("HS26-103", D("73.00"), 3, "B", 1_000_000),
    ]
    assert saved[0].authors == ["Tác Giả 1"] and saved[0].label == "Loại A"
    with db.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert entry.action == "grade" and "2 loại A, 1 loại B" in entry.summary
        assert grading_service.stale_codes(s, b.round_id) == []
    # the what-if applied: the rules are saved with the results
    grading_service.apply_grading(db, b.round_id, rules.with_band("A", quota=1))
    saved = grading_service.load_saved_results(db, b.round_id)
    assert [s.grade for s in saved] == ["A", "B", "B"]
    with db.reading() as s:
        assert grading_service.rules_of_round(s, b.round_id).band("A").quota == 1
    # a score changed after applying: the saved results are stale
    with db.session() as s:
        scoring_service.set_score(s, b.round_id, b.members[0], b.dossiers[2], b.criteria[0], D(5))
    with db.reading() as s:
        assert grading_service.stale_codes(s, b.round_id) == ["HS26-103"]
    with db.session() as s:
        assert grading_service.clear_results(s, b.round_id) == 3


def test_tie_at_quota_edge_then_council_decision(db: Database) -> None:
    b = build_round(db, dossiers=3, members=1)
    _score_totals(db, b, [["90"], ["85"], ["85"]])
    rules = grading_service.default_rules().with_band("A", quota=2)
    with db.session() as s:
        grading_service.save_rules(s, b.round_id, rules)
    result = grading_service.grade_round(db, b.round_id)
    tied = [r for r in result.rows if r.tie]
    assert [r.code for r in tied] == ["HS26-102", "HS26-103"] and {r.grade for r in tied} == {"A"}
    assert "chờ Hội đồng quyết định" in result.summary()
    with db.session() as s, pytest.raises(ValidationError, match="cách Hội đồng"):
        grading_service.decide_tie(s, b.round_id, ["HS26-103", "HS26-102"], "")
    with db.session() as s, pytest.raises(ValidationError, match="bằng điểm nhau"):
        grading_service.decide_tie(s, b.round_id, ["HS26-101", "HS26-102"], "biểu quyết")
    with db.session() as s:
        grading_service.decide_tie(s, b.round_id, ["hs26-103", "HS26-102"], "biểu quyết 5/7 ngày 20/5")
    result = grading_service.grade_round(db, b.round_id)
    by_code = {r.code: r for r in result.rows}
    assert by_code["HS26-103"].grade == "A" and not by_code["HS26-103"].tie
    assert by_code["HS26-102"].grade == "B"
    assert "Hội đồng: biểu quyết 5/7 ngày 20/5" in by_code["HS26-102"].reason
    with db.session() as s:
        assert grading_service.clear_tie_decisions(s, b.round_id) == 2


def test_rules_round_trip_with_conditions_and_tie_break(db: Database) -> None:
    b = build_round(db, dossiers=2, members=1)
    novelty = b.criteria[0]
    rules = grading_service.default_rules()
    bands = list(rules.bands)
    bands[0] = Band(
        "A", "Loại A", D(80), 5, 2_000_000, (Condition(novelty, "Tính mới, tính sáng tạo", D(28)),)
    )
    rules = replace(
        rules,
        bands=tuple(bands),
        tie_policy=TiePolicy.CRITERION,
        tie_break_criterion=novelty,
        tie_break_name="Tính mới, tính sáng tạo",
    )
    with db.session() as s:
        saved = grading_service.save_rules(s, b.round_id, rules)
    assert saved.band("A").conditions[0].criterion == novelty
    assert saved.tie_policy is TiePolicy.CRITERION and saved.tie_break_criterion == novelty
    with db.session() as s:
        put_scores(s, b, 0, 0, [25, 25, 30, 15])  # 95 but tính mới 25 < 28
        put_scores(s, b, 1, 0, [30, 20, 25, 10])  # 85
    result = grading_service.grade_round(db, b.round_id)
    by_code = {r.code: r for r in result.rows}
    assert by_code["HS26-101"].grade == "B"
    assert "chưa đạt điều kiện loại A (Tính mới, tính sáng tạo 25,00 < 28)" in by_code["HS26-101"].reason
    assert by_code["HS26-102"].grade == "A"
    bad = replace(rules, tie_break_criterion=999_999)
    with db.session() as s, pytest.raises(ValidationError, match="không thuộc"):
        grading_service.save_rules(s, b.round_id, bad)


def test_rubric_minimum_and_double_entry_block_grades(db: Database) -> None:
    b = build_round(db, dossiers=2, members=1)
    rows = scoring_service.get_rubric(db, b.round_id)
    inputs = [
        scoring_service.CriterionInput(c.name, c.max_points, c.min_points, c.description, c.id) for c in rows
    ]
    inputs[0] = replace(inputs[0], min_points=D(10))
    with db.session() as s:
        scoring_service.save_rubric(s, b.round_id, inputs)
    with db.session() as s:
        put_scores(s, b, 0, 0, [5, 25, 30, 15])  # 75 but tính mới 5 < 10
        put_scores(s, b, 1, 0, [20, 20, 20, 10])
    result = grading_service.grade_round(db, b.round_id)
    assert result.rows[0].code == "HS26-101" and result.rows[0].grade == "KCN"
    assert "dưới mức tối thiểu 10" in result.rows[0].reason
    with db.session() as s:
        s.get(Round, b.round_id).double_entry = True
    result = grading_service.grade_round(db, b.round_id)
    assert {r.grade for r in result.rows} == {"THIEU"}
    assert "chưa nhập lần 2" in result.rows[0].reason


def test_grading_needs_the_scoring_status(db: Database) -> None:
    from sangkien_desktop.domain.enums import RoundStatus

    b = build_round(db, dossiers=1, members=1)
    with db.session() as s:
        s.get(Round, b.round_id).status = RoundStatus.OPEN
    assert grading_service.grade_round(db, b.round_id).rows  # computing is always possible
    with pytest.raises(ValidationError, match="Đang chấm điểm"):
        grading_service.apply_grading(db, b.round_id)


def test_no_assignment_and_no_rubric_say_why(db: Database) -> None:
    b = build_round(db, dossiers=1, members=1, assign=False)
    result = grading_service.grade_round(db, b.round_id)
    assert result.rows[0].reason == "Chưa xếp loại: chưa phân công thành viên chấm"


def test_demo_round_grades(demo_db: Database) -> None:
    result = grading_service.grade_round(demo_db, "2026/1")
    counts = result.counts()
    assert counts["A"] == 5 and counts["B"] == 10 and counts["C"] == 10
    assert result.budget == 5 * 2_000_000 + 10 * 1_000_000 + 10 * 500_000
    assert all(r.vote is not None for r in result.rows)
    second = grading_service.grade_round(demo_db, "2026/2")
    assert second.counts()["THIEU"] > 0


def _both_paths(db: Database, round_id: int) -> tuple[object, object]:
    """The grading input as summed by the database and as added up score by score."""
    with db.reading() as s:
        decisions = grading_service.tie_decisions(s, round_id)
        bare = scoring_service.score_matrix(s, round_id, with_scores=False)
        summed = grading_service._entries_from_sums(s, bare, decisions)
        full = grading_service._entries_and_spreads(scoring_service.score_matrix(s, round_id), decisions)
    return summed, full


@pytest.mark.parametrize("seed", range(6))
def test_sums_from_the_database_equal_the_score_by_score_totals(db: Database, seed: int) -> None:
    """compute() sums scores in SQL when there is no double entry: partial scores, scores of members no
    longer assigned, withdrawn dossiers and odd decimals give exactly what adding up in Python gives."""
    import random

    from sangkien_desktop.domain.enums import DossierStatus
    from sangkien_desktop.models import Assignment

    rng = random.Random(seed)
    statuses = [rng.choice([DossierStatus.VALID] * 4 + [DossierStatus.WITHDRAWN]) for _ in range(12)]
    b = build_round(db, dossiers=12, members=5, statuses=statuses)
    with db.session() as s:
        for di in range(12):
            for mi in range(5):
                if rng.random() < 0.15:
                    continue  # never typed
                points = [
                    rng.choice(["0", "0.25", "7.5", "12.33", "19.99", "20", "1.01"]) for _ in b.criteria
                ]
                if rng.random() < 0.15:
                    points = points[:-1]  # one criterion still missing
                    b2 = replace(b, criteria=b.criteria[:-1])
                    put_scores(s, b2, di, mi, points)
                else:
                    put_scores(s, b, di, mi, points)
        s.flush()
        for a in s.scalars(select(Assignment)).all():
            if rng.random() < 0.1:
                s.delete(a)  # scored, then unassigned
    summed, full = _both_paths(db, b.round_id)
    assert summed == full


def test_demo_rounds_sum_the_same_both_ways(demo_db: Database) -> None:
    with demo_db.reading() as s:
        ids = [r.id for r in s.scalars(select(Round)).all()]
    for round_id in ids:
        summed, full = _both_paths(demo_db, round_id)
        assert summed == full
