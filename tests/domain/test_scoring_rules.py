"""Score entry rules, conflicts of interest, automatic assignment and council votes."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sangkien_desktop.domain import scoring
from sangkien_desktop.domain.assignment import (
    DossierSlot,
    MemberSlot,
    expertise_matches,
    expertise_terms,
    plan_assignments,
)
from sangkien_desktop.domain.conflicts import ConflictKind, DossierFacts, MemberFacts, conflicts
from sangkien_desktop.domain.council import (
    RosterMember,
    VoteCount,
    default_quorum,
    roster_issues,
    vote_issues,
    vote_passes,
    vote_text,
)
from sangkien_desktop.domain.enums import MemberRole

D = Decimal


# ------------------------------------------------------------------------------------- scores
@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("25", D("25")),
        ("8,5", D("8.5")),
        (" 8.5 ", D("8.5")),
        ("", None),
        ("  ", None),
        (7, D(7)),
        (7.1, D("7.1")),
    ],
)
def test_parse_points(typed: object, value: Decimal | None) -> None:
    assert scoring.parse_points(typed) == value


@pytest.mark.parametrize("typed", ["abc", "8,5,1", "1e3", "--2", "NaN", "inf", True])
def test_parse_points_refuses_non_numbers(typed: object) -> None:
    with pytest.raises(ValueError):
        scoring.parse_points(typed)


def test_check_points_refuses_out_of_range_at_once() -> None:
    assert scoring.check_points(D("30"), D("30")) == D("30.00")
    assert scoring.check_points(D("0"), D("30")) == D("0.00")
    with pytest.raises(ValueError, match=r"tối đa là 30 \(đã nhập 31\)"):
        scoring.check_points(D("31"), D("30"), "Tính mới")
    with pytest.raises(ValueError, match="không được âm"):
        scoring.check_points(D("-1"), D("30"))
    with pytest.raises(ValueError, match="2 chữ số thập phân"):
        scoring.check_points(D("8.125"), D("30"))
    with pytest.raises(ValueError, match="Tính mới"):
        scoring.read_points("105", D("100"), "Tính mới")
    assert scoring.read_points("", D("100")) is None


def test_totals_spread_and_missing() -> None:
    criteria = [scoring.CriterionRule(1, "Tính mới", D(30)), scoring.CriterionRule(2, "Hiệu quả", D(70))]
    assert scoring.sheet_total({1: D(20), 2: D("55.5")}, criteria) == D("75.5")
    assert scoring.sheet_total({1: D(20)}, criteria) is None
    assert scoring.missing_criteria({1: D(20), 2: None}, criteria) == ["Hiệu quả"]
    assert scoring.spread([D(60), D(85), D(70)]) == D(25)
    assert scoring.spread([D(60)]) == 0
    assert scoring.spread_exceeds([D(60), D(81)], D(20))
    assert not scoring.spread_exceeds([D(60), D(80)], D(20))
    assert not scoring.spread_exceeds([D(0), D(100)], None)


def test_double_entry_mismatches() -> None:
    first = {"a": D("8.5"), "b": D(7), "c": D(5), "d": None}
    second = {"a": D("8.50"), "b": D(9), "c": None, "e": D(3)}
    found = scoring.double_entry_mismatches(first, second)
    assert [(m.key, m.first, m.second) for m in found] == [
        ("b", D(7), D(9)),
        ("c", D(5), None),
        ("e", None, D(3)),
    ]
    assert found[1].unchecked


def test_format_points() -> None:
    assert scoring.format_points(D("84.5")) == "84,50"
    assert scoring.format_points(D("80"), None) == "80"
    assert scoring.format_points(D("72.50"), None) == "72,5"
    assert scoring.format_points(D("0.00"), None) == "0"


def test_rubric_issues() -> None:
    ok = [scoring.CriterionRule(1, "Tính mới", D(30)), scoring.CriterionRule(2, "Hiệu quả", D(70))]
    assert scoring.rubric_issues(ok, D(100)) == []
    odd = scoring.rubric_issues(ok[:1], D(100))
    assert [i.severity for i in odd] == ["warning"]
    bad = [
        scoring.CriterionRule(1, "Tính mới", D(0)),
        scoring.CriterionRule(2, "tính mới", D(10), D(11)),
        scoring.CriterionRule(3, " ", D(10)),
    ]
    text = " ".join(i.text() for i in scoring.rubric_issues(bad))
    assert "lớn hơn 0" in text and "bị trùng" in text and "chưa có tên" in text and "0..10" in text
    with pytest.raises(Exception, match="Bộ tiêu chí"):
        scoring.check_rubric([])


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=9))
@settings(max_examples=200, deadline=None)
def test_mean_half_up_is_within_half_a_unit(values: list[Decimal]) -> None:
    from fractions import Fraction

    m = scoring.mean_half_up(values, 2)
    assert m.as_tuple().exponent == -2
    assert abs(Fraction(m) - scoring.exact_mean(values)) <= Fraction(1, 200)


# ------------------------------------------------------------------------------------- conflicts
def test_conflicts_same_unit_author_and_same_name() -> None:
    member = MemberFacts(key=1, person_id=10, name="Nguyễn Văn An", unit_id=5, unit_name="Phòng Kinh tế")
    same_unit = DossierFacts(key=1, code="HS26-001", unit_id=5)
    authored = DossierFacts(key=2, code="HS26-002", unit_id=6, author_ids=frozenset({10, 11}))
    namesake = DossierFacts(key=3, code="HS26-003", unit_id=6, author_names=("NGUYỄN VĂN AN",))
    clean = DossierFacts(
        key=4, code="HS26-004", unit_id=6, author_ids=frozenset({12}), author_names=("Lê Thị Hoa",)
    )
    assert [c.kind for c in conflicts(member, same_unit)] == [ConflictKind.SAME_UNIT]
    assert "Phòng Kinh tế" in conflicts(member, same_unit)[0].text
    assert [c.kind for c in conflicts(member, authored)] == [ConflictKind.AUTHOR]
    assert [c.kind for c in conflicts(member, namesake)] == [ConflictKind.SAME_NAME]
    assert conflicts(member, clean) == []
    outsider = MemberFacts(key=2, person_id=20, name="Trần Hà", unit_id=None)
    assert conflicts(outsider, DossierFacts(key=5, code="X", unit_id=None)) == []


# ------------------------------------------------------------------------------------- assignment
def test_expertise_terms_and_matching() -> None:
    terms = expertise_terms("Kinh tế, tài chính; Đất đai, xây dựng")
    assert terms == ("kinh te", "tai chinh", "dat dai", "xay dung")
    assert expertise_matches(terms, "Đất đai, xây dựng, đô thị")
    assert expertise_matches(terms, "Kinh tế, tài chính")
    assert not expertise_matches(terms, "Y tế")
    assert expertise_matches(expertise_terms("Giáo dục và đào tạo"), "Giáo dục và đào tạo")
    assert expertise_matches(expertise_terms("Y tế"), "Y tế") and not expertise_matches(("y te",), "Kinh tế")


def _members(n: int, expertise: dict[int, str] | None = None) -> list[MemberSlot]:
    expertise = expertise or {}
    return [MemberSlot(i, f"TV{i}", expertise_terms(expertise.get(i, "")), i) for i in range(n)]


def test_default_k_assigns_every_member_without_conflict() -> None:
    members = _members(4)
    dossiers = [DossierSlot(1, "HS1", blocked=frozenset({2})), DossierSlot(2, "HS2")]
    plan = plan_assignments(dossiers, members, None)
    assert plan.pairs == ((1, 0), (1, 1), (1, 3), (2, 0), (2, 1), (2, 2), (2, 3))
    assert plan.shortfalls == ()


def test_k_per_dossier_balanced_with_expertise_and_conflicts() -> None:
    members = _members(5, {0: "Y tế", 1: "Giáo dục và đào tạo", 4: "Y tế"})
    dossiers = [
        DossierSlot(
            i, f"HS{i:02d}", "Y tế" if i % 3 == 0 else "Giáo dục và đào tạo", blocked=frozenset({i % 5})
        )
        for i in range(20)
    ]
    plan = plan_assignments(dossiers, members, 3)
    per_dossier = Counter(d for d, _ in plan.pairs)
    assert all(per_dossier[d.key] == 3 for d in dossiers)
    for d_key, m_key in plan.pairs:
        assert m_key != d_key % 5  # never a conflict
    loads = Counter(m for _, m in plan.pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert plan.spread <= 1
    assert plan.matched >= 20  # most dossiers get a matching member
    assert plan == plan_assignments(list(reversed(dossiers)), list(reversed(members)), 3)  # deterministic


def test_existing_assignments_are_kept_and_counted() -> None:
    members = _members(3)
    dossiers = [DossierSlot(1, "HS1", assigned=frozenset({0})), DossierSlot(2, "HS2")]
    plan = plan_assignments(dossiers, members, 2)
    assert (1, 0) not in plan.pairs
    assert Counter(d for d, _ in plan.pairs) == {1: 1, 2: 2}
    assert sorted(plan.loads.values()) == [1, 1, 2]


def test_shortfall_when_conflicts_leave_too_few_members() -> None:
    plan = plan_assignments([DossierSlot(1, "HS26-001", blocked=frozenset({0, 1}))], _members(3), 2)
    assert plan.pairs == ((1, 2),)
    assert plan.shortfalls[0].text == (
        "Hồ sơ HS26-001: chỉ có 1 thành viên chấm được (không vướng xung đột), cần 2."
    )
    with pytest.raises(ValueError):
        plan_assignments([], _members(1), 0)


@given(
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=1, max_value=9),
    st.data(),
)
@settings(max_examples=150, deadline=None)
def test_property_assignment(n_members: int, n_dossiers: int, k: int, data: st.DataObject) -> None:
    members = _members(n_members)
    dossiers = []
    for i in range(n_dossiers):
        blocked = data.draw(st.frozensets(st.integers(0, n_members - 1), max_size=2))
        dossiers.append(DossierSlot(i, f"HS{i:03d}", blocked=blocked))
    plan = plan_assignments(dossiers, members, k)
    per = Counter(d for d, _ in plan.pairs)
    assert len(set(plan.pairs)) == len(plan.pairs)
    for d in dossiers:
        eligible = n_members - len(d.blocked)
        assert per[d.key] == min(k, eligible)
        assert (d.key in {s.key for s in plan.shortfalls}) == (eligible < k)
    for d_key, m_key in plan.pairs:
        assert m_key not in dossiers[d_key].blocked
    if n_dossiers and all(not d.blocked for d in dossiers) and k <= n_members:
        loads = Counter({m.key: 0 for m in members}) + Counter(m for _, m in plan.pairs)
        values = [loads[m.key] for m in members]
        assert max(values) - min(values) <= 1


# ------------------------------------------------------------------------------------- council
def test_roster_needs_exactly_one_chair() -> None:
    assert roster_issues([RosterMember("A", MemberRole.CHAIR), RosterMember("B", MemberRole.MEMBER)]) == []
    assert "chưa có Chủ tịch" in roster_issues([RosterMember("B", MemberRole.MEMBER)])[0].message
    two = roster_issues([RosterMember("A", MemberRole.CHAIR), RosterMember("B", MemberRole.CHAIR)])
    assert "2 Chủ tịch" in two[0].message
    inactive = roster_issues(
        [RosterMember("A", MemberRole.CHAIR, active=False), RosterMember("B", MemberRole.CHAIR)]
    )
    assert inactive == []
    assert roster_issues([])[0].message == "Hội đồng chưa có thành viên nào."


def test_votes_two_thirds_and_quorum() -> None:
    assert default_quorum(7) == 4 and default_quorum(8) == 5
    assert vote_passes(5, 7) and not vote_passes(4, 7)
    assert vote_passes(6, 9) and not vote_passes(5, 9)
    assert not vote_passes(0, 0)
    assert vote_text(VoteCount(7, 7, 6, 1)) == "6/7 tán thành, 1 không — đạt"
    assert vote_text(VoteCount(7, 7, 7, 0)) == "7/7 tán thành — đạt"
    assert vote_text(VoteCount(7, 3, 3, 0)).endswith("(chỉ 3 người dự, cần 4)")
    assert vote_text(VoteCount(7, 0, 0, 0)) == "Chưa biểu quyết"
    assert "chưa đạt 2/3" in vote_text(VoteCount(7, 7, 4, 3))
    assert vote_issues(VoteCount(7, 8, 5, 0))
    assert vote_issues(VoteCount(7, 5, 4, 2))
    assert vote_issues(VoteCount(7, 7, 6, 1)) == []
