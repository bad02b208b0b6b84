from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.defaults import BandSpec, ChecklistSpec, CriterionSpec
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.models import AuditEntry, CouncilMember, GradeCondition, Round, Score
from sangkien_desktop.services import rounds


def _with_condition(db: Database, ref: str) -> None:
    """Give the round's A band the condition "tính mới ≥ 25" and a tie-break criterion."""
    with db.session() as s:
        rnd = rounds.find_round(s, ref)
        setup = rounds.setup_of(rnd)
        bands = list(setup.rules.bands)
        bands[0] = replace(bands[0], conditions=((0, Decimal("25")),))
        rules = replace(setup.rules, bands=tuple(bands), tie_policy="criterion")
        rounds.save_setup(
            s, rnd, replace(setup, rules=rules, tie_break_position=2), today=dt.date(2026, 3, 1)
        )


def test_copy_round_copies_everything(demo_db: Database) -> None:
    _with_condition(demo_db, "2026/1")
    with demo_db.session() as s:
        src = rounds.find_round(s, "2026/1")
        src.decision_no = "15/QĐ-HĐSK"
        src.note = "ghi chú riêng"
        new = rounds.copy_round(s, src, 2027, 1, copy_members=True)
        new_id = new.id
    with demo_db.reading() as s:
        src, new = rounds.find_round(s, "2026/1"), s.get(Round, new_id)
        a, b = rounds.setup_of(src), rounds.setup_of(new)
        assert b.checklist == a.checklist and len(b.checklist) == 5
        assert b.rubric == a.rubric and [c.id for c in new.criteria] != [c.id for c in src.criteria]
        assert b.rules == a.rules
        assert b.rules.bands[0].conditions == ((0, Decimal("25")),)
        assert b.tie_break_position == 2 and new.rule_set.tie_break_criterion_id == new.criteria[2].id
        # the copied rules keep the date they took effect: the same version of the rules
        assert b.rules_effective_from == dt.date(2026, 3, 1)
        assert (b.co_author_limit, b.copies_required) == (a.co_author_limit, a.copies_required)
        assert b.receive_until == dt.date(2027, 4, 10) and b.meeting_on == dt.date(2027, 5, 20)
        assert (b.decision_no, b.note, new.status) == ("", "", RoundStatus.OPEN)
        assert b.name == "Đợt 1 năm 2027"
        assert [(m.person_id, m.role) for m in new.members] == [(m.person_id, m.role) for m in src.members]
        cond = s.scalar(select(GradeCondition).where(GradeCondition.band_id == new.rule_set.bands[0].id))
        assert cond.criterion.round_id == new.id
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "copy")) == 1


def test_copy_without_members_and_errors(demo_db: Database) -> None:
    with demo_db.session() as s:
        new = rounds.copy_round(s, "2026/2", 2027, 2)
        assert new.members == [] and new.receive_until == dt.date(2027, 11, 15)
        with pytest.raises(ValidationError, match="đã có đợt 2"):
            rounds.copy_round(s, "2026/2", 2027, 2)
        with pytest.raises(rounds.NotFoundError):
            rounds.copy_round(s, "2020/9", 2027, 3)


def test_editing_this_years_rules_keeps_last_years(demo_db: Database) -> None:
    with demo_db.session() as s:
        rounds.copy_round(s, "2026/1", 2027, 1)
    with demo_db.session() as s:
        rnd = rounds.find_round(s, "2027/1")
        setup = rounds.setup_of(rnd)
        bands = (BandSpec("A", "Loại A", Decimal("85"), 3, 3_000_000), *setup.rules.bands[1:])
        rules = replace(setup.rules, name="Quy định 2027", bands=bands)
        rounds.save_setup(s, rnd, replace(setup, rules=rules), today=dt.date(2027, 2, 1))
    with demo_db.reading() as s:
        old = rounds.setup_of(rounds.find_round(s, "2026/1"))
        new = rounds.setup_of(rounds.find_round(s, "2027/1"))
        assert old.rules.bands[0].min_mean == Decimal("80") and old.rules.name == "Tam Điệp 2024"
        assert old.rules_effective_from == dt.date(2026, 1, 1)
        assert new.rules.bands[0].min_mean == Decimal("85") and new.rules.bands[0].amount == 3_000_000
        assert new.rules_effective_from == dt.date(2027, 2, 1)
        history = {h.round_label: h for h in rounds.rule_history(s)}
        assert history["Đợt 1 năm 2027"].name == "Quy định 2027"
        assert "A ≥ 85, tối đa 3, 3.000.000 đ" in history["Đợt 1 năm 2027"].summary
        assert history["Đợt 1 năm 2026"].effective_from == dt.date(2026, 1, 1)


def test_finalized_rounds_keep_their_rules(demo_db: Database) -> None:
    with demo_db.session() as s:
        rounds.set_status(s, "2026/1", RoundStatus.FINALIZED)
    with demo_db.session() as s:
        rnd = rounds.find_round(s, "2026/1")
        setup = rounds.setup_of(rnd)
        with pytest.raises(RoundLockedError, match="Đã chốt kết quả"):
            rounds.save_setup(s, rnd, replace(setup, co_author_limit=3))


def test_rubric_structure_is_locked_once_scored(demo_db: Database) -> None:
    with demo_db.session() as s:
        rnd = rounds.find_round(s, "2026/1")
        setup = rounds.setup_of(rnd)
        ids = [c.id for c in rnd.criteria]
        scores = s.scalar(select(func.count(Score.id)).where(Score.criterion_id.in_(ids)))
        assert scores
        renamed = (replace(setup.rubric[0], name="Tính mới"), *setup.rubric[1:])
        rounds.save_setup(s, rnd, replace(setup, rubric=renamed))
        assert [c.id for c in rnd.criteria] == ids and rnd.criteria[0].name == "Tính mới"
        bigger = (replace(setup.rubric[0], max_points=Decimal("40")), *setup.rubric[1:])
        with pytest.raises(ValidationError, match="đã có điểm"):
            rounds.save_setup(s, rnd, replace(setup, rubric=bigger))
        with pytest.raises(ValidationError, match="đã có điểm"):
            rounds.save_setup(s, rnd, replace(setup, rubric=setup.rubric[:3]))
    with demo_db.reading() as s:
        assert s.scalar(select(func.count(Score.id)).where(Score.criterion_id.in_(ids))) == scores


def test_save_setup_edits_checklist_and_rubric_of_an_empty_round(db: Database) -> None:
    with db.session() as s:
        rnd = rounds.create_round(s, 2026, 1)
        setup = rounds.setup_of(rnd)
        new = replace(
            setup,
            receive_until=dt.date(2026, 4, 10),
            checklist=(ChecklistSpec("Đơn yêu cầu", 10), ChecklistSpec("Minh chứng", required=False)),
            rubric=(
                CriterionSpec("Tính mới", Decimal("40"), min_points=Decimal("10")),
                CriterionSpec("Hiệu quả", Decimal("60")),
            ),
            rules=replace(
                setup.rules,
                bands=(BandSpec("A", "", Decimal("80"), None, 1_000_000, conditions=((0, Decimal("30")),)),),
            ),
        )
        rounds.save_setup(s, rnd, new, today=dt.date(2026, 2, 2))
    with db.reading() as s:
        got = rounds.setup_of(rounds.find_round(s, "2026/1"))
        assert got.checklist == new.checklist and got.rubric == new.rubric
        assert got.rules.bands[0].label == "Loại A" and got.rules.bands[0].conditions == ((0, Decimal("30")),)
        assert got.rules_effective_from == dt.date(2026, 2, 2)
        entry = s.scalar(
            select(AuditEntry).where(AuditEntry.entity == "round", AuditEntry.action == "update")
        )
        assert "danh mục giấy tờ" in entry.summary and "quy tắc xếp loại" in entry.summary


@pytest.mark.parametrize(
    "change,message",
    [
        ({"receive_from": dt.date(2026, 5, 1), "receive_until": dt.date(2026, 4, 1)}, "sau hạn nộp"),
        ({"rubric": ()}, "chưa có tiêu chí"),
        ({"checklist": (ChecklistSpec("A"), ChecklistSpec("a"))}, "trùng tên"),
        ({"approval_numerator": 4}, "Tỷ lệ tán thành"),
        ({"tie_break_position": 9}, "phân định"),
    ],
)
def test_setup_errors(db: Database, change: dict[str, object], message: str) -> None:
    with db.session() as s:
        rnd = rounds.create_round(s, 2026, 1)
        setup = replace(rounds.setup_of(rnd), **change)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=message):
            rounds.save_setup(s, rnd, setup)


def test_band_errors(db: Database) -> None:
    with db.session() as s:
        rnd = rounds.create_round(s, 2026, 1)
        setup = rounds.setup_of(rnd)
        bad = (
            BandSpec("A", "", Decimal("70"), 5, 0),
            BandSpec("A", "", Decimal("80"), 5, 0, conditions=((0, Decimal("31")),)),
        )
        issues = rounds.setup_issues(replace(setup, rules=replace(setup.rules, bands=bad)))
        texts = " | ".join(i.text() for i in issues if i.is_error)
        assert "trùng mã 'A'" in texts and "giảm dần" in texts and "vượt điểm tối đa" in texts


def test_status_lifecycle_is_audited(db: Database) -> None:
    with db.session() as s:
        rnd = rounds.create_round(s, 2026, 1)
        assert "chưa có hồ sơ" in " ".join(rounds.status_warnings(s, rnd, RoundStatus.SCORING))
        rounds.set_status(s, rnd, RoundStatus.SCORING)
        with pytest.raises(ValidationError, match="đã ở trạng thái"):
            rounds.set_status(s, rnd, RoundStatus.SCORING)
        rounds.set_status(s, rnd, RoundStatus.FINALIZED)
        with pytest.raises(ValidationError, match="Không chuyển thẳng"):
            rounds.set_status(s, rnd, RoundStatus.OPEN)
        assert rnd.finalized_at is not None
        with pytest.raises(ValidationError, match="lý do"):
            rounds.set_status(s, rnd, RoundStatus.SCORING)
        rounds.set_status(s, rnd, RoundStatus.SCORING, "Sai sót khi nhập điểm")
        assert rnd.finalized_at is None
    with db.reading() as s:
        summaries = [
            e.summary
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action.in_(["status", "reopen"])))
        ]
        assert (
            summaries[-1] == "Đợt 1 năm 2026: Đã chốt kết quả → Đang chấm điểm. Lý do: Sai sót khi nhập điểm"
        )


def test_delete_round_only_without_dossiers(demo_db: Database) -> None:
    with demo_db.session() as s:
        with pytest.raises(ValidationError, match="hồ sơ"):
            rounds.delete_round(s, "2026/1")
        rounds.copy_round(s, "2026/1", 2027, 1, copy_members=True)
    with demo_db.session() as s:
        rounds.delete_round(s, "2027/1")
    with demo_db.reading() as s:
        assert [r.label for r in rounds.round_infos(s)] == ["Đợt 2 năm 2026", "Đợt 1 năm 2026"]
        assert s.scalar(select(func.count(CouncilMember.id))) == 14


def test_suggest_next(db: Database, demo_db: Database) -> None:
    with db.reading() as s:
        assert rounds.suggest_next(s, dt.date(2026, 1, 3)) == (2026, 1, None)
    with demo_db.reading() as s:
        r1 = rounds.find_round(s, "2026/1").id
        r2 = rounds.find_round(s, "2026/2").id
        assert rounds.suggest_next(s, dt.date(2026, 12, 1)) == (2026, 3, r2)
        assert rounds.suggest_next(s, dt.date(2027, 1, 5)) == (2027, 1, r1)


def test_shift_years() -> None:
    assert rounds.shift_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert rounds.shift_years(None, 1) is None
