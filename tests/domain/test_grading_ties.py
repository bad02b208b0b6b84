"""Ties at a quota's edge and the council's vote, checked against an independent reference of the rule.

The reference below is written from the rule's text (DOMAIN.md §3–4), not from the engine: rank by the mean
rounded half up (then the tie-break criterion, then the council's order), take each dossier in that order,
give it the first band whose threshold and conditions it meets and which still has room, otherwise a
certificate (CN) from the recognition threshold, and never recognize a dossier whose council vote failed.
A grading with an undecided tie must agree with the reference under *every* council order: what does not
depend on the order is decided, the rest is marked ``tie`` with the grades it may get.
"""

from __future__ import annotations

import itertools
import math
import os
import random
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sangkien_desktop.domain.enums import TiePolicy
from sangkien_desktop.domain.grading import (
    Band,
    Condition,
    CriterionMinimum,
    DossierScores,
    GradeRules,
    grade,
)

D = Decimal
TAM_DIEP = GradeRules(
    (
        Band("A", "Loại A", D(80), 5, 2_000_000),
        Band("B", "Loại B", D(70), 10, 1_000_000),
        Band("C", "Loại C", D(60), 10, 500_000),
    ),
    certificate_threshold=D(50),
)
PROPS = settings(
    max_examples=int(os.environ.get("SANGKIEN_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MAX_ORDERS = 400  # every council order when there are at most this many, else a random sample


# ------------------------------------------------------------------------------------- the reference
def ref_round(value: Decimal, count: int, decimals: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return (value / count).quantize(D(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def ref_qualifies(mean: Decimal, crit: Mapping[Hashable, Decimal], band: Band) -> bool:
    return mean >= band.min_mean and all(
        c.criterion in crit and crit[c.criterion] >= c.min_points for c in band.conditions
    )


def ref_profile(
    e: DossierScores, rules: GradeRules
) -> tuple[Decimal, Decimal, dict[Hashable, Decimal], bool]:
    """(mean, tie-break value, criterion means, recognized) of a complete dossier."""
    n = len(e.totals)
    mean = ref_round(sum(e.totals, D(0)), n, rules.decimals)
    crit = {k: ref_round(v, n, rules.decimals) for k, v in e.criterion_sums.items()}
    tie_value = D(0)
    if rules.tie_policy is TiePolicy.CRITERION and rules.tie_break_criterion is not None:
        tie_value = crit.get(rules.tie_break_criterion, D(-1))
    recognized = (
        mean >= rules.certificate_threshold
        and all(m.criterion in crit and crit[m.criterion] >= m.min_points for m in rules.minima)
        and not e.vote_refusal
    )
    return mean, tie_value, crit, recognized


def ref_grade(entries: Sequence[DossierScores], rules: GradeRules, order: Mapping[Hashable, int]) -> dict:
    """Grade per key, with ``order`` the council's place of each dossier among equal ones."""
    rows = []
    for e in entries:
        if e.missing:
            continue
        mean, tie_value, crit, recognized = ref_profile(e, rules)
        rows.append((mean, tie_value, order[e.key], e.key, crit, recognized))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
    taken: Counter[str] = Counter()
    out: dict[Hashable, str] = {}
    for mean, _tie, _place, key, crit, recognized in rows:
        if not recognized:
            out[key] = "KCN"
            continue
        for band in rules.bands:
            if ref_qualifies(mean, crit, band) and (band.quota is None or taken[band.code] < band.quota):
                taken[band.code] += 1
                out[key] = band.code
                break
        else:
            out[key] = "CN"
    return out


def equal_groups(entries: Sequence[DossierScores], rules: GradeRules) -> list[list[Hashable]]:
    """Dossiers the rule itself cannot tell apart (same mean and tie-break value): the council orders them."""
    groups: dict[tuple[Decimal, Decimal], list[Hashable]] = {}
    for e in entries:
        if not e.missing:
            mean, tie_value, _crit, _ok = ref_profile(e, rules)
            groups.setdefault((mean, tie_value), []).append(e.key)
    return list(groups.values())


def council_orders(groups: list[list[Hashable]], rnd: random.Random) -> list[dict[Hashable, int]]:
    """Every council order (a place for each dossier inside its group), or a random sample of them."""
    count = math.prod(math.factorial(len(g)) for g in groups)
    if count <= MAX_ORDERS:
        orders = []
        for perms in itertools.product(*(itertools.permutations(g) for g in groups)):
            orders.append({key: i for perm in perms for i, key in enumerate(perm)})
        return orders
    orders = []
    for _ in range(MAX_ORDERS // 4):
        order = {}
        for g in groups:
            shuffled = list(g)
            rnd.shuffle(shuffled)
            order.update({key: i for i, key in enumerate(shuffled)})
        orders.append(order)
    return orders


def amount(rules: GradeRules, code: str) -> int:
    band = rules.band(code)
    return band.amount if band is not None else 0


def ceiling(rules: GradeRules) -> int | None:
    if any(b.quota is None for b in rules.bands):
        return None
    return sum(b.quota * b.amount for b in rules.bands)  # type: ignore[operator]


# ------------------------------------------------------------------------------------- random rounds
points = st.decimals(min_value=40, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[list[DossierScores], GradeRules]:
    """Few distinct scores (many ties), small quotas (ties at edges), sometimes conditions, criterion
    minima, the criterion tie-break and failed votes."""
    pool = draw(st.lists(points, min_size=1, max_size=4))
    entries = []
    for i in range(draw(st.integers(min_value=0, max_value=18))):
        k = draw(st.integers(min_value=1, max_value=3))
        if draw(st.integers(0, 3)):  # mostly every member gives the same: many equal means
            totals = (draw(st.sampled_from(pool)),) * k
        else:
            totals = tuple(draw(st.sampled_from(pool)) for _ in range(k))
        novelty = D(draw(st.sampled_from([20, 25, 30, 35]))) * k
        missing = ("Thành viên X",) if draw(st.integers(0, 12)) == 0 else ()
        refusal = "Hội đồng biểu quyết không đạt 2/3: 3/7" if draw(st.integers(0, 8)) == 0 else ""
        entries.append(
            DossierScores(
                i,
                f"HS{i:02d}",
                totals=totals,
                missing=missing,
                criterion_sums={"moi": novelty},
                vote_refusal=refusal,
            )
        )
    cert = draw(st.sampled_from([D(0), D(50), D(60)]))
    mins = sorted(
        {
            draw(st.decimals(min_value=cert, max_value=100, places=0))
            for _ in range(draw(st.sampled_from([0, 1, 2, 2, 3, 3])))
        },
        reverse=True,
    )
    bands = []
    for i, m in enumerate(mins):
        conditions = ()
        if draw(st.integers(0, 3)) == 0:
            conditions = (Condition("moi", "Tính mới", D(draw(st.sampled_from([25, 30])))),)
        quota = draw(st.sampled_from([None, 0, 1, 1, 2, 2, 3, 4]))
        bands.append(Band(chr(65 + i), f"Loại {chr(65 + i)}", m, quota, 1000 * (len(mins) - i), conditions))
    policy = draw(st.sampled_from([TiePolicy.COUNCIL, TiePolicy.CRITERION]))
    minima = (CriterionMinimum("moi", "Tính mới", D(22)),) if draw(st.integers(0, 5)) == 0 else ()
    rules = GradeRules(
        tuple(bands),
        certificate_threshold=cert,
        decimals=draw(st.integers(min_value=0, max_value=2)),
        tie_policy=policy,
        tie_break_criterion="moi" if policy is TiePolicy.CRITERION else None,
        tie_break_name="Tính mới",
        minima=minima,
    )
    return entries, rules


# ------------------------------------------------------------------------------------- properties
@PROPS
@given(rounds(), st.randoms(use_true_random=False))
def test_property_undecided_grading_agrees_with_every_council_order(
    case: tuple[list[DossierScores], GradeRules], rnd: random.Random
) -> None:
    entries, rules = case
    g = grade(entries, rules).by_key()
    orders = council_orders(equal_groups(entries, rules), rnd)
    seen: dict[Hashable, set[str]] = {}
    for order in orders:
        for key, code in ref_grade(entries, rules, order).items():
            seen.setdefault(key, set()).add(code)
    exhaustive = (
        len(orders) < MAX_ORDERS // 4
        or math.prod(math.factorial(len(x)) for x in equal_groups(entries, rules)) <= MAX_ORDERS
    )
    for key, codes in seen.items():
        o = g[key]
        if not o.tie:
            assert codes == {o.grade}, f"{o.code}: decided {o.grade} but the council's order gives {codes}"
            assert o.reward == amount(rules, o.grade)
        else:
            assert codes <= set(o.possible) and o.grade == o.possible[0]
            if exhaustive:
                assert codes == set(o.possible), f"{o.code}: {o.possible} but orders give {codes}"
            assert o.reward == 0
            assert o.reward_if_chosen == amount(rules, o.possible[0])
            assert o.grade_if_not_chosen == o.possible[1]
            assert o.reward_if_not_chosen == amount(rules, o.possible[1])
            assert o.grade != "KCN" and "Hội đồng" in o.reason


@PROPS
@given(rounds(), st.randoms(use_true_random=False))
def test_property_outside_a_tied_group_the_council_order_changes_nothing(
    case: tuple[list[DossierScores], GradeRules], rnd: random.Random
) -> None:
    """Record each council order the way ``council tie`` does (a priority on every dossier of its group):
    the grading becomes exact, matches the reference, and every dossier that was decided keeps its grade."""
    entries, rules = case
    undecided = grade(entries, rules)
    before = undecided.by_key()
    for order in council_orders(equal_groups(entries, rules), rnd)[:60]:
        decided = [
            replace(e, council_priority=order[e.key] + 1, council_note="biểu quyết") if not e.missing else e
            for e in entries
        ]
        g = grade(decided, rules)
        assert not g.ties
        reference = ref_grade(entries, rules, order)
        for o in g.outcomes:
            if o.graded:
                assert o.grade == reference[o.key]
            b = before[o.key]
            if not b.tie:
                assert (o.grade, o.reward) == (b.grade, b.reward)
            else:
                assert o.grade in b.possible
        total = sum(o.reward for o in g.outcomes)
        cap = ceiling(rules)
        assert cap is None or total <= cap
        if all(len({_profile_key(e, rules) for e in grp}) == 1 for grp in _entry_groups(entries, rules)):
            # dossiers qualifying for the same bands: the group's total is fixed whoever is chosen
            assert total == undecided.budget + undecided.undecided_budget


@PROPS
@given(rounds())
def test_property_rewards_never_exceed_the_quotas(case: tuple[list[DossierScores], GradeRules]) -> None:
    entries, rules = case
    g = grade(entries, rules)
    counts = Counter(o.grade for o in g.outcomes if not o.tie)
    for band in rules.bands:
        if band.quota is not None:
            assert counts[band.code] <= band.quota
    cap = ceiling(rules)
    if cap is not None:
        assert g.budget <= cap
        assert g.budget + g.undecided_budget <= cap or not _same_kinds(entries, rules)


def _profile_key(e: DossierScores, rules: GradeRules) -> tuple[bool, ...]:
    mean, _tie, crit, ok = ref_profile(e, rules)
    return (ok, *(ref_qualifies(mean, crit, b) for b in rules.bands))


def _entry_groups(entries: list[DossierScores], rules: GradeRules) -> list[list[DossierScores]]:
    by_key = {e.key: e for e in entries}
    return [[by_key[k] for k in g] for g in equal_groups(entries, rules)]


def _same_kinds(entries: list[DossierScores], rules: GradeRules) -> bool:
    return all(len({_profile_key(e, rules) for e in grp}) == 1 for grp in _entry_groups(entries, rules))


# ------------------------------------------------------------------------------------- worked examples
def three(n: int, mean: str) -> DossierScores:
    """A dossier every one of three members scored ``mean``."""
    return DossierScores(n, f"HS{n:02d}", totals=(D(mean),) * 3)


def issue_example() -> list[DossierScores]:
    means = ["90", "89", "88", "87", "85", "85", *[str(79 - i) for i in range(9)], "70.5"]
    return [three(i, m) for i, m in enumerate(means, start=1)]


def test_issue_example_one_85_keeps_a_and_70_5_is_c() -> None:
    g = grade(issue_example(), TAM_DIEP)
    by = g.by_code()
    last = by["HS16"]
    assert (str(last.mean), last.grade, last.reward, last.tie) == ("70.50", "C", 500_000, False)
    for code in ("HS05", "HS06"):
        o = by[code]
        assert o.tie and o.grade == "A" and o.reward == 0
        assert (o.reward_if_chosen, o.grade_if_not_chosen, o.reward_if_not_chosen) == (
            2_000_000,
            "B",
            1_000_000,
        )
        assert "2 hồ sơ bằng điểm 85,00, còn 1 suất Loại A: Hội đồng chọn" in o.reason
    assert by["HS15"].grade == "B" and not by["HS15"].tie  # 71: the tenth B
    assert g.counts()["A"] == 4 and g.counts()["B"] == 9 and g.counts()["C"] == 1
    assert g.budget == 4 * 2_000_000 + 9 * 1_000_000 + 500_000
    assert g.undecided_budget == 3_000_000
    assert g.budget + g.undecided_budget <= 5 * 2_000_000 + 10 * 1_000_000 + 10 * 500_000
    # whichever 85 the council picks, everything else stays as it is
    for first in ("HS05", "HS06"):
        other = {"HS05": "HS06", "HS06": "HS05"}[first]
        decided = [
            replace(e, council_priority=1 if e.code == first else 2) if e.code in ("HS05", "HS06") else e
            for e in issue_example()
        ]
        h = grade(decided, TAM_DIEP).by_code()
        assert (h[first].grade, h[first].reward, h[other].grade, h[other].reward) == (
            "A",
            2_000_000,
            "B",
            1_000_000,
        )
        for code, o in by.items():
            if not o.tie:
                assert (h[code].grade, h[code].reward) == (o.grade, o.reward)


def test_edge_cascading_inside_the_group() -> None:
    """Four equal dossiers, one A place and two B places left: one A, two B, one C, council's choice."""
    rules = GradeRules(
        (
            Band("A", "Loại A", D(80), 2, 2_000_000),
            Band("B", "Loại B", D(70), 2, 1_000_000),
            Band("C", "Loại C", D(60), 5, 500_000),
        )
    )
    entries = [three(1, "95"), *[three(n, "85") for n in range(2, 6)], three(9, "84")]
    g = grade(entries, rules).by_code()
    for code in ("HS02", "HS03", "HS04", "HS05"):
        assert g[code].tie and g[code].possible == ("A", "B", "C")
        assert g[code].grade_if_not_chosen == "B"
    assert g["HS09"].grade == "C" and not g["HS09"].tie  # B is full whoever is chosen
    assert grade(entries, rules).undecided_budget == 2_000_000 + 2 * 1_000_000 + 500_000


def test_tie_on_the_last_place_of_a_lower_band_after_an_edge_above() -> None:
    """The edge at A sends one 85 down; then two 72s share the last B place."""
    rules = GradeRules(
        (Band("A", "Loại A", D(80), 1, 2_000_000), Band("B", "Loại B", D(70), 2, 1_000_000)),
    )
    entries = [three(1, "85"), three(2, "85"), three(3, "72"), three(4, "72"), three(5, "65")]
    g = grade(entries, rules).by_code()
    assert g["HS01"].tie and g["HS02"].tie
    assert g["HS03"].tie and g["HS04"].tie and g["HS03"].possible == ("B", "CN")
    assert "2 hồ sơ bằng điểm 72,00, còn 1 suất Loại B: Hội đồng chọn" in g["HS03"].reason
    assert g["HS05"].grade == "CN" and not g["HS05"].tie


def test_equal_means_inside_a_band_are_not_a_tie() -> None:
    g = grade([three(1, "85"), three(2, "85"), three(3, "75")], TAM_DIEP)
    assert not any(o.tie for o in g.outcomes)


def test_a_dossier_joining_a_decided_group_reopens_it() -> None:
    """The council ordered HS01, HS02; a third 85 appears later: the old order no longer settles it."""
    rules = GradeRules((Band("A", "Loại A", D(80), 1, 2_000_000), Band("B", "Loại B", D(70), 5, 1_000_000)))
    decided = [replace(three(1, "85"), council_priority=1), replace(three(2, "85"), council_priority=2)]
    g = grade(decided, rules).by_code()
    assert g["HS01"].grade == "A" and g["HS02"].grade == "B" and not g["HS01"].tie
    g = grade([*decided, three(3, "85")], rules).by_code()
    assert all(g[c].tie for c in ("HS01", "HS02", "HS03"))
    assert "thứ tự Hội đồng đã ghi chưa có HS03: cần ghi lại" in g["HS01"].reason


def test_failed_vote_is_not_recognized_and_passes_its_place_down() -> None:
    entries = [three(n, str(95 - n)) for n in range(1, 8)]  # 94 … 88: five A, then B
    entries[2] = replace(entries[2], vote_refusal="Hội đồng biểu quyết không đạt 2/3: 3/7")
    g = grade(entries, TAM_DIEP).by_code()
    refused = g["HS03"]
    assert (refused.grade, refused.reward, refused.tie) == ("KCN", 0, False)
    assert refused.reason == "Không công nhận: 92,00 điểm, Hội đồng biểu quyết không đạt 2/3: 3/7"
    assert refused.rank == 3
    assert g["HS06"].grade == "A"  # the 6th moves up into the 5th A place
    assert g["HS07"].grade == "B"


def test_a_choice_between_dossiers_of_different_kinds_leaves_what_depends_on_it_undecided() -> None:
    """B needs tính mới ≥ 30. Of two 85s for the last A place, only HS01 could take B: if HS02 is chosen,
    HS01 takes the last B place and HS03 gets C; if HS01 is chosen, HS02 gets C and HS03 the B place."""
    rules = GradeRules(
        (
            Band("A", "Loại A", D(80), 1, 2_000_000),
            Band("B", "Loại B", D(70), 1, 1_000_000, (Condition("moi", "Tính mới", D(30)),)),
            Band("C", "Loại C", D(60), 5, 500_000),
        )
    )
    entries = [
        DossierScores(1, "HS01", totals=(D(85),), criterion_sums={"moi": D(35)}),
        DossierScores(2, "HS02", totals=(D(85),), criterion_sums={"moi": D(20)}),
        DossierScores(3, "HS03", totals=(D(75),), criterion_sums={"moi": D(35)}),
        DossierScores(4, "HS04", totals=(D(65),), criterion_sums={"moi": D(35)}),
    ]
    g = grade(entries, rules).by_code()
    assert g["HS01"].possible == ("A", "B") and g["HS02"].possible == ("A", "C")
    assert g["HS03"].tie and g["HS03"].possible == ("B", "C")
    assert "phụ thuộc thứ tự Hội đồng chọn" in g["HS03"].reason
    assert g["HS04"].grade == "C" and not g["HS04"].tie
    for first, second in (("HS01", "HS02"), ("HS02", "HS01")):
        order = {first: 1, second: 2}
        h = grade([replace(e, council_priority=order.get(e.code)) for e in entries], rules).by_code()
        assert not any(o.tie for o in h.values())
        assert h["HS03"].grade == ("B" if first == "HS01" else "C")
