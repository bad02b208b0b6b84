"""The Hội đồng / Chấm điểm actions return their own inverse: undo is one transaction that restores every
table exactly, redo puts back the rows the action made, with their ids. Manual removals and conflicts recorded by hand keep the automatic
assignment away."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.conflicts import ConflictKind
from sangkien_desktop.domain.enums import MemberRole
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import AssignmentExclusion, Base, Round
from sangkien_desktop.services import assignment as assignment_service
from sangkien_desktop.services import audit_rows
from sangkien_desktop.services import council as council_service
from sangkien_desktop.services import council_actions as actions
from sangkien_desktop.services import council_queries as queries
from sangkien_desktop.services import scoring as scoring_service
from sangkien_desktop.services.council import CouncilSettings, MemberInput
from sangkien_desktop.services.council_changes import Change
from sangkien_desktop.services.undo_entry import UndoEntry
from tests.helpers.grading import build_round

D = Decimal


def digest(db: Database) -> dict[str, str]:
    """A digest of every table but the audit log (which records the undo rather than forget the action)."""
    out = {}
    with db.reading() as s:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            # the rows sorted here: "ORDER BY 1" is not the key on PostgreSQL, whose columns keep the
            # order the migrations added them in
            rows = s.execute(select(table)).all()
            if table.name == "settings":  # the audit chain's head moves with every audit entry
                rows = [r for r in rows if r.key != audit_rows.HEAD_KEY]
            out[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def check_round_trip(db: Database, action: Callable[[], Change]) -> Change:
    """do → undo restores every table; redo (as Ctrl+Y runs it) brings back every row of the action with
    its id, and its undo restores every table again."""
    before = digest(db)
    change = action()
    after = digest(db)
    assert after != before, "the action changed nothing"
    entry = UndoEntry(lambda _db: action(), actions.undo, None, change)
    entry.undo(db)
    assert digest(db) == before
    entry.redo(db)
    assert digest(db) == after
    entry.undo(db)
    assert digest(db) == before
    return change


def test_roster_actions_undo_exactly(db: Database) -> None:
    b = build_round(db, dossiers=3, members=3)
    rid = b.round_id
    check_round_trip(db, lambda: actions.add_member(db, rid, MemberInput("Ngô Văn Mới", unit_id=b.units[0])))
    roster = council_service.get_roster(db, rid)
    m = roster.members[1]
    check_round_trip(
        db,
        lambda: actions.update_member(
            db,
            m.id,
            MemberInput("Tên Khác", MemberRole.MEMBER, b.units[2], "Phó phòng", "Y tế", active=False),
        ),
    )
    check_round_trip(db, lambda: actions.remove_member(db, m.id, drop_scores=True))
    check_round_trip(db, lambda: actions.move_member(db, m.id, -1))
    check_round_trip(
        db,
        lambda: actions.save_settings(db, rid, CouncilSettings(3, 2, D("12.5"), True, 1, 2, True)),
    )
    assert queries.settings(db, rid).members_per_dossier is None


def test_removing_a_member_with_scores_and_exclusions_undoes_exactly(db: Database) -> None:
    b = build_round(db, dossiers=3, members=3)
    scoring_service.save_score(db, b.round_id, b.members[1], b.dossiers[0], b.criteria[0], D(12))
    actions.set_assignment(db, b.round_id, b.dossiers[1], b.members[1], False)
    actions.record_conflict(db, b.round_id, b.dossiers[2], b.members[1], ConflictKind.RELATIVE, "em ruột")
    check_round_trip(db, lambda: actions.remove_member(db, b.members[1], drop_scores=True))


def test_assignment_actions_undo_exactly(db: Database) -> None:
    b = build_round(db, dossiers=4, members=3, assign=False)
    rid = b.round_id
    check_round_trip(db, lambda: actions.set_assignment(db, rid, b.dossiers[0], b.members[1], True))
    plan = queries.preview_auto(db, rid, 2)
    check_round_trip(db, lambda: actions.apply_plan(db, plan))
    actions.apply_plan(db, plan)
    scoring_service.save_score(
        db, rid, plan.pairs[0].member_id, plan.pairs[0].dossier_id, b.criteria[0], D(9)
    )
    check_round_trip(db, lambda: actions.clear_unscored(db, rid))
    pair = plan.pairs[0]
    check_round_trip(
        db,
        lambda: actions.set_assignment(db, rid, pair.dossier_id, pair.member_id, False, drop_scores=True),
    )
    replan = queries.preview_auto(db, rid, 3, replace_unscored=True)
    check_round_trip(db, lambda: actions.apply_plan(db, replan))


def test_score_change_undo_restores_points_and_second_typing(db: Database) -> None:
    b = build_round(db, dossiers=2, members=2)
    rid, d, m, c = b.round_id, b.dossiers[0], b.members[0], b.criteria[0]
    check_round_trip(db, lambda: scoring_service.change_score(db, rid, m, d, c, D(11)))
    scoring_service.save_score(db, rid, m, d, c, D(11))
    with db.session() as s:
        s.get(Round, rid).double_entry = True  # type: ignore[union-attr]
    scoring_service.save_score(db, rid, m, d, c, D(12), check=True)
    # clearing the first typing drops the second with it; the undo brings both back
    change = check_round_trip(db, lambda: scoring_service.change_score(db, rid, m, d, c, None))
    assert change.result is None
    check_round_trip(db, lambda: scoring_service.change_score(db, rid, m, d, c, D(11), check=True))


def test_rubric_save_undoes_exactly(db: Database) -> None:
    b = build_round(db, dossiers=2, members=2, assign=False)
    rows = scoring_service.get_rubric(db, b.round_id)
    inputs = [
        scoring_service.CriterionInput(r.name, r.max_points, r.min_points, r.description, r.id) for r in rows
    ]
    new = [*inputs[1:], scoring_service.CriterionInput("Tiêu chí mới", D(5))]
    check_round_trip(db, lambda: scoring_service.change_rubric(db, b.round_id, new))


def test_auto_assign_keeps_a_removal_by_hand(db: Database) -> None:
    b = build_round(db, dossiers=3, members=3)
    rid = b.round_id
    actions.set_assignment(db, rid, b.dossiers[0], b.members[2], False)
    grid = assignment_service.get_grid(db, rid)
    assert grid.cell(b.dossiers[0], b.members[2]).removed
    plan = queries.preview_auto(db, rid, 3, replace_unscored=True)
    assert (b.dossiers[0], b.members[2]) not in {(p.dossier_id, p.member_id) for p in plan.pairs}
    assignment_service.auto_assign(db, rid, 3, replace=True)
    assert not assignment_service.get_grid(db, rid).cell(b.dossiers[0], b.members[2]).assigned
    # assigning by hand again lifts the exclusion
    actions.set_assignment(db, rid, b.dossiers[0], b.members[2], True)
    with db.reading() as s:
        assert s.scalar(select(AssignmentExclusion)) is None


def test_conflict_recorded_by_hand_is_respected(db: Database) -> None:
    b = build_round(db, dossiers=3, members=3, assign=False)
    rid = b.round_id
    with pytest.raises(ValidationError):
        actions.record_conflict(db, rid, b.dossiers[1], b.members[0], ConflictKind.OTHER, "")
    check_round_trip(
        db,
        lambda: actions.record_conflict(
            db, rid, b.dossiers[1], b.members[0], ConflictKind.RELATIVE, "con rể"
        ),
    )
    actions.record_conflict(db, rid, b.dossiers[1], b.members[0], ConflictKind.RELATIVE, "con rể")
    cell = assignment_service.get_grid(db, rid).cell(b.dossiers[1], b.members[0])
    assert "người thân" in cell.conflict and "con rể" in cell.conflict and cell.manual == "relative"
    plan = assignment_service.auto_assign(db, rid, 3)
    assert (b.dossiers[1], b.members[0]) not in {(p.dossier_id, p.member_id) for p in plan.pairs}
    with pytest.raises(ValidationError):  # by hand it needs a reason, as a detected conflict does
        actions.set_assignment(db, rid, b.dossiers[1], b.members[0], True)
    actions.set_assignment(db, rid, b.dossiers[1], b.members[0], True, override_reason="Hội đồng đồng ý")
    assert assignment_service.get_grid(db, rid).cell(b.dossiers[1], b.members[0]).assigned
    change = actions.remove_conflict(db, rid, b.dossiers[1], b.members[0])
    assert change.result is True
    assert not assignment_service.get_grid(db, rid).cell(b.dossiers[1], b.members[0]).conflict
