"""Council, conflicts, assignment and score entry on a real database."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import DossierStatus, MemberRole, RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.models import Assignment, AuditEntry, CouncilMember, Round, Score
from sangkien_desktop.services import assignment as assignment_service
from sangkien_desktop.services import council as council_service
from sangkien_desktop.services import scoring as scoring_service
from sangkien_desktop.services.audit import verify_chain
from tests.helpers.grading import build_round, put_scores

D = Decimal


def _last_audit(db: Database) -> AuditEntry:
    with db.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        s.expunge(entry)
        return entry


def test_roster_add_edit_single_chair_and_remove(db: Database) -> None:
    b = build_round(db, dossiers=2, members=2)
    with db.session() as s:
        m = council_service.add_member(
            s,
            b.round_id,
            council_service.MemberInput(
                "Lê Thị Hoa", MemberRole.SECRETARY, b.units[1], "Chuyên viên", "Y tế; Giáo dục"
            ),
        )
        new_id = m.id
    roster = council_service.get_roster(db, b.round_id)
    assert [r.name for r in roster.members][-1] == "Lê Thị Hoa"
    assert roster.members[-1].number == 3 and roster.members[-1].unit_name == "Đơn vị 1-2"
    assert roster.issues == [] and roster.quorum_needed == 2
    assert "Lê Thị Hoa" in _last_audit(db).summary
    with db.session() as s, pytest.raises(ValidationError, match="đã có Chủ tịch"):
        council_service.add_member(s, b.round_id, council_service.MemberInput("Ai Đó", MemberRole.CHAIR))
    with db.session() as s, pytest.raises(ValidationError, match="đã là thành viên"):
        council_service.add_member(
            s, b.round_id, council_service.MemberInput("Lê Thị Hoa", unit_id=b.units[1])
        )
    with db.session() as s:
        council_service.update_member(
            s,
            new_id,
            council_service.MemberInput("Lê Thị Hoa", MemberRole.MEMBER, None, "Trưởng phòng", "Y tế"),
        )
    with db.session() as s:
        assert council_service.find_member(s, b.round_id, "hoa").id == new_id
        assert council_service.find_member(s, b.round_id, "3").id == new_id
        council_service.remove_member(s, new_id)
    assert len(council_service.get_roster(db, b.round_id).members) == 2


def test_member_with_scores_is_not_removed_silently(db: Database) -> None:
    b = build_round(db, dossiers=1, members=2)
    with db.session() as s:
        put_scores(s, b, 0, 1, [20, 20, 20, 10])
    with db.session() as s, pytest.raises(ValidationError, match="4 điểm thành phần"):
        council_service.remove_member(s, b.members[1])
    with db.session() as s:
        council_service.remove_member(s, b.members[1], drop_scores=True)
    with db.reading() as s:
        assert s.scalar(select(func.count(Score.id))) == 0


def test_conflicts_are_flagged_and_override_needs_a_logged_reason(db: Database) -> None:
    # member 1 works in the unit of dossier 0
    b = build_round(db, dossiers=2, members=3, member_units=[None, 0, None], assign=False)
    grid = assignment_service.get_grid(db, b.round_id)
    cell = grid.cell(b.dossiers[0], b.members[1])
    assert not cell.assigned and "cùng đơn vị" in cell.conflict
    assert grid.cell(b.dossiers[1], b.members[1]).conflict == ""
    with db.session() as s, pytest.raises(ValidationError, match="lý do"):
        assignment_service.set_assignment(s, b.round_id, b.dossiers[0], b.members[1], True)
    with db.session() as s:
        assert assignment_service.set_assignment(
            s,
            b.round_id,
            b.dossiers[0],
            b.members[1],
            True,
            override_reason="Hội đồng thiếu người có chuyên môn",
        )
    entry = _last_audit(db)
    assert "Hội đồng thiếu người có chuyên môn" in entry.summary and entry.entity == "assignment"
    grid = assignment_service.get_grid(db, b.round_id)
    assert grid.cell(b.dossiers[0], b.members[1]).override == "Hội đồng thiếu người có chuyên môn"


def test_author_member_is_a_conflict(db: Database) -> None:
    b = build_round(db, dossiers=1, members=2, assign=False)
    with db.session() as s:
        from sangkien_desktop.models import Authorship

        s.add(Authorship(dossier_id=b.dossiers[0], person_id=b.persons[1], position=1, contribution=D(0)))
    grid = assignment_service.get_grid(db, b.round_id)
    assert "là tác giả" in grid.cell(b.dossiers[0], b.members[1]).conflict


def test_auto_assignment_preview_then_apply(db: Database) -> None:
    b = build_round(db, dossiers=8, members=5, member_units=[0, 1, None, None, None], assign=False)
    with db.reading() as s:
        plan = assignment_service.preview_auto(s, b.round_id, 3)
    with db.reading() as s:
        assert s.scalar(select(func.count(Assignment.id))) == 0  # a preview writes nothing
    pairs = {(p.dossier_id, p.member_id) for p in plan.pairs}
    assert len(pairs) == 8 * 3
    assert (b.dossiers[0], b.members[0]) not in pairs and (b.dossiers[1], b.members[1]) not in pairs
    loads = Counter(m for _, m in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    with db.session() as s:
        assert assignment_service.apply_plan(s, plan) == 24
    assert "Phân công tự động" in _last_audit(db).summary
    again = assignment_service.auto_assign(db, b.round_id, 3, dry_run=True)
    assert again.pairs == [] and again.existing == 24
    # redo from scratch with two per dossier: the 24 unscored assignments go, 16 new ones come
    first = plan.pairs[0]
    with db.session() as s:
        put_scores(s, b, b.dossiers.index(first.dossier_id), b.members.index(first.member_id), [1, 1, 1, 1])
    redo = assignment_service.auto_assign(db, b.round_id, 2, replace=True)
    assert redo.removed == 23 and redo.existing == 1 and len(redo.pairs) == 15
    with db.reading() as s:
        assert s.scalar(select(func.count(Assignment.id))) == 16


def test_default_assignment_is_every_member_without_conflict(db: Database) -> None:
    b = build_round(db, dossiers=3, members=3, member_units=[2, None, None], assign=False)
    plan = assignment_service.auto_assign(db, b.round_id)
    assert plan.k is None and len(plan.pairs) == 3 * 3 - 1


def test_only_valid_or_complete_dossiers_are_scored(db: Database) -> None:
    statuses = [
        DossierStatus.VALID,
        DossierStatus.COMPLETE,
        DossierStatus.RECEIVED,
        DossierStatus.INCOMPLETE,
        DossierStatus.INVALID,
        DossierStatus.WITHDRAWN,
    ]
    b = build_round(db, dossiers=6, members=2, statuses=statuses, assign=False)
    grid = assignment_service.get_grid(db, b.round_id)
    assert [d.id for d in grid.dossiers] == b.dossiers[:2]
    with db.session() as s, pytest.raises(ValidationError, match="Thiếu — cần bổ sung"):
        assignment_service.set_assignment(s, b.round_id, b.dossiers[3], b.members[0], True)


def test_score_entry_refuses_out_of_range_and_unassigned(db: Database) -> None:
    b = build_round(db, dossiers=2, members=2)
    crit = b.criteria
    with db.session() as s:
        scoring_service.set_scores(
            s, b.round_id, b.members[0], b.dossiers[0], {crit[0]: D("27.5"), crit[1]: D(20)}
        )
    with db.session() as s, pytest.raises(ValidationError, match="tối đa là 30"):
        scoring_service.set_scores(
            s, b.round_id, b.members[0], b.dossiers[0], {crit[0]: D(31), crit[1]: D(10)}
        )
    with db.reading() as s:  # nothing of the refused row was written
        matrix = scoring_service.score_matrix(s, b.round_id)
    assert matrix.values[(b.dossiers[0], b.members[0], crit[1])] == D(20)
    assert matrix.total(b.dossiers[0], b.members[0]) is None
    with db.session() as s:
        scoring_service.set_score(s, b.round_id, b.members[0], b.dossiers[0], crit[1], None)
    with db.session() as s:
        s.execute(Assignment.__table__.delete().where(Assignment.member_id == b.members[1]))
    with db.session() as s, pytest.raises(ValidationError, match="chưa được phân công"):
        scoring_service.set_score(s, b.round_id, b.members[1], b.dossiers[0], crit[0], D(5))
    entry = _last_audit(db)
    assert entry.entity == "score" and "(xóa)" in entry.summary
    with db.reading() as s:
        assert verify_chain(s) == []


def test_finalized_round_is_read_only(db: Database) -> None:
    b = build_round(db, dossiers=1, members=1)
    with db.session() as s:
        s.get(Round, b.round_id).status = RoundStatus.FINALIZED
    with db.session() as s, pytest.raises(RoundLockedError):
        scoring_service.set_score(s, b.round_id, b.members[0], b.dossiers[0], b.criteria[0], D(5))
    with db.session() as s, pytest.raises(RoundLockedError):
        assignment_service.set_assignment(s, b.round_id, b.dossiers[0], b.members[0], False)
    with db.session() as s, pytest.raises(RoundLockedError):
        council_service.add_member(s, b.round_id, council_service.MemberInput("X Y"))


def test_matrix_missing_spread_and_double_entry(db: Database) -> None:
    b = build_round(db, dossiers=2, members=3)
    with db.session() as s:
        put_scores(s, b, 0, 0, [30, 25, 30, 15])  # 100
        put_scores(s, b, 0, 1, [20, 20, 20, 10])  # 70
        put_scores(s, b, 0, 2, [25, 20, 25, 10])  # 80
        put_scores(s, b, 1, 0, [20, 20, 20, 10])
    matrix = scoring_service.get_matrix(db, b.round_id)
    assert matrix.total(b.dossiers[0], b.members[0]) == D(100)
    assert matrix.spread(b.dossiers[0]) == D(30) and matrix.spread_flagged(b.dossiers[0])
    spread = scoring_service.spread_items(matrix)
    assert [i.code for i in spread] == ["HS26-101"] and "lệch 30 điểm" in spread[0].text
    missing = scoring_service.missing_items(matrix)
    assert [(i.code, i.member_name) for i in missing] == [
        ("HS26-102", "Thành Viên B"),
        ("HS26-102", "Thành Viên C"),
    ]
    assert missing[0].text == "HS26-102: Thành Viên B chưa nhập phiếu chấm"
    progress = scoring_service.progress(matrix)
    assert (progress.sheets, progress.complete, progress.cells, progress.entered) == (6, 4, 24, 16)

    with db.session() as s:
        s.get(Round, b.round_id).double_entry = True
    with db.session() as s:
        scoring_service.set_scores(
            s,
            b.round_id,
            b.members[0],
            b.dossiers[0],
            dict(zip(b.criteria, [D(30), D(25), D(30), D(14)], strict=True)),
            check=True,
        )
    matrix = scoring_service.get_matrix(db, b.round_id)
    bad = scoring_service.mismatch_items(matrix)
    assert any(i.code == "HS26-101" and i.criterion == "Phạm vi ảnh hưởng" and i.second == D(14) for i in bad)
    with db.session() as s, pytest.raises(ValidationError, match="chưa có điểm nhập lần 1"):
        scoring_service.set_scores(
            s, b.round_id, b.members[1], b.dossiers[1], {b.criteria[0]: D(3)}, check=True
        )


def test_rubric_is_editable_until_scores_exist(db: Database) -> None:
    b = build_round(db, dossiers=1, members=1)
    rows = scoring_service.get_rubric(db, b.round_id)
    inputs = [
        scoring_service.CriterionInput(c.name, c.max_points, c.min_points, c.description, c.id) for c in rows
    ]
    inputs[0] = scoring_service.CriterionInput("Tính mới", D(40), D(10), "", rows[0].id)
    inputs[3] = scoring_service.CriterionInput("Phạm vi ảnh hưởng", D(5), None, "", rows[3].id)
    with db.session() as s:
        after = scoring_service.save_rubric(s, b.round_id, inputs)
    assert [c.max_points for c in after] == [D(40), D(25), D(30), D(5)]
    assert after[0].min_points == D(10)
    with db.session() as s, pytest.raises(ValidationError, match="bị trùng"):
        scoring_service.save_rubric(
            s, b.round_id, [*inputs, scoring_service.CriterionInput("tính mới", D(1))]
        )
    with db.session() as s:
        put_scores(s, b, 0, 0, [10, 10, 10, 5])
    changed = list(inputs)
    changed[1] = scoring_service.CriterionInput("Khả năng áp dụng", D(20), None, "", rows[1].id)
    with db.session() as s, pytest.raises(ValidationError, match="không đổi được điểm tối đa"):
        scoring_service.save_rubric(s, b.round_id, changed)
    changed[1] = scoring_service.CriterionInput("Khả năng áp dụng", D(25), None, "Mới", rows[1].id)
    with db.session() as s:
        scoring_service.save_rubric(s, b.round_id, changed)
    assert scoring_service.get_rubric(db, b.round_id)[1].name == "Khả năng áp dụng"
    with db.session() as s, pytest.raises(ValidationError, match="không xóa được"):
        scoring_service.save_rubric(s, b.round_id, changed[:3])


def test_votes_and_settings(db: Database) -> None:
    b = build_round(db, dossiers=1, members=3)
    with db.session() as s:
        row = council_service.set_vote(s, b.dossiers[0], present=3, in_favour=2, against=1)
    assert row.members_total == 3 and row.passed and "đạt" in row.text
    with db.session() as s, pytest.raises(ValidationError, match="lớn hơn số có mặt"):
        council_service.set_vote(s, b.dossiers[0], present=2, in_favour=2, against=1)
    with db.session() as s:
        council_service.save_settings(s, b.round_id, council_service.CouncilSettings(3, 2, D(15), True))
    with db.reading() as s:
        rnd = s.get(Round, b.round_id)
        assert (rnd.quorum, rnd.members_per_dossier, rnd.score_spread_limit, rnd.double_entry) == (
            3,
            2,
            D(15),
            True,
        )
    with db.session() as s, pytest.raises(ValidationError, match="từ 1 trở lên"):
        council_service.save_settings(s, b.round_id, council_service.CouncilSettings(0, None, D(15), True))


def test_copy_roster_to_another_round(db: Database) -> None:
    b = build_round(db, dossiers=1, members=3)
    other = build_round(db, dossiers=1, members=0, number=2)
    with db.session() as s:
        assert council_service.copy_roster(s, b.round_id, other.round_id) == 3
        assert council_service.copy_roster(s, b.round_id, other.round_id) == 0
    with db.reading() as s:
        roles = [
            m.role for m in s.scalars(select(CouncilMember).where(CouncilMember.round_id == other.round_id))
        ]
    assert roles.count(MemberRole.CHAIR) == 1
