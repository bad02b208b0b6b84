"""Grading a round from the database, what-if, and the saved results.

Public functions (small and typed; documents build on them):

- ``rules_of_round(session, round_id) -> GradeRules`` — the round's rule set for the engine.
- ``round_entries(session, round_id) -> list[DossierScores]`` — the engine's input from the scores.
- ``compute(session, round_id, rules=None) -> RoundGrading`` — grade now; with ``rules`` a what-if. Never
  writes.
- ``grade_round(db, round_ref, rules=None)`` — the same in its own read-only session.
- ``apply(session, round_id, rules=None) -> RoundGrading`` — save the rules (when given) and the
  ``GradeResult`` rows of every dossier of the round, in the caller's transaction, audited.
- ``apply_grading(db, round_ref, rules=None)`` — the same in one transaction.
- ``saved_results(session, round_id) -> list[SavedResult]`` / ``load_saved_results(db, round_ref)`` — what
  was last applied, ranked: the source for the decision's list, certificates and the summary sheet.
- ``decide_tie(session, round_id, codes, note)`` — the council's order among tied dossiers.
- ``outcome_json(outcome, decimals)`` — the JSON object printed by ``sangkien grade``.

Which dossiers are graded: those whose status is in ``domain.scoring.SCORABLE_STATUSES`` (Hợp lệ, Đủ).
A dossier is ``THIEU`` (not graded) when nobody is assigned to it, when an assigned member has not scored
every criterion, or — with double entry on — when a score's second typing is missing or differs.
"""

from __future__ import annotations

import typing
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, case, cast, delete, func, select
from sqlalchemy.orm import Session, selectinload

from ..db.database import Database
from ..db.plain_rows import int_rows
from ..domain.defaults import DEFAULT_GRADE_RULES
from ..domain.enums import Grade, TiePolicy
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.grading import (
    Band,
    Condition,
    CriterionMinimum,
    DossierScores,
    GradeRules,
    Grading,
    Outcome,
    check_rules,
    grade,
)
from ..domain.money import format_money
from ..domain.round_lifecycle import RoundAction
from ..domain.scoring import format_points, quantum, spread
from ..domain.text import one_line
from ..gc_pause import paused_gc
from ..models import (
    Authorship,
    Criterion,
    Dossier,
    GradeBand,
    GradeCondition,
    GradeResult,
    GradeRuleSet,
    Round,
    Score,
    TieDecision,
)
from ..models.base import now
from . import audit
from .council import VoteRow, round_for, votes_of_round
from .dossier_authors import author_names
from .rounds import find_round
from .scoring import DossierRef, ScoreMatrix, score_matrix

JSON_KEYS = ("code", "mean", "rank", "grade", "reward", "tie", "reason")
TIE_JSON_KEYS = ("reward_if_chosen", "grade_if_not_chosen", "reward_if_not_chosen")  # undecided rows only


def format_dong(amount: int) -> str:
    """2000000 → "2.000.000 đ"."""
    return format_money(int(amount)) + " đ"


# ---------------------------------------------------------------------------------------------- rules
def default_rules() -> GradeRules:
    spec = DEFAULT_GRADE_RULES
    return GradeRules(
        bands=tuple(Band(b.code, b.label, b.min_mean, b.quota, b.amount) for b in spec.bands),
        certificate_threshold=spec.certificate_threshold,
        decimals=spec.decimals,
        tie_policy=TiePolicy(spec.tie_policy),
        name=spec.name,
    )


def rules_of_round(session: Session, round_id: int) -> GradeRules:
    """The round's rules with criterion ids as keys (bands' conditions, rubric minima, tie break)."""
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    criteria = {
        c.id: c
        for c in session.scalars(
            select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position)
        )
    }
    minima = tuple(
        CriterionMinimum(c.id, c.name, c.min_points) for c in criteria.values() if c.min_points is not None
    )
    rs = session.scalar(
        select(GradeRuleSet)
        .where(GradeRuleSet.round_id == round_id)
        .options(selectinload(GradeRuleSet.bands).selectinload(GradeBand.conditions))
    )
    if rs is None:
        base = default_rules()
        return GradeRules(
            base.bands,
            base.certificate_threshold,
            base.decimals,
            base.tie_policy,
            name=base.name,
            minima=minima,
        )
    bands = tuple(
        Band(
            code=b.code,
            label=b.label,
            min_mean=b.min_mean,
            quota=b.quota,
            amount=int(b.amount),
            conditions=tuple(
                Condition(
                    c.criterion_id,
                    criteria[c.criterion_id].name if c.criterion_id in criteria else "?",
                    c.min_points,
                )
                for c in sorted(b.conditions, key=lambda c: c.id)
            ),
        )
        for b in sorted(rs.bands, key=lambda b: (b.position, b.id))
    )
    tie_id = rs.tie_break_criterion_id if rs.tie_break_criterion_id in criteria else None
    return GradeRules(
        bands=bands,
        certificate_threshold=rs.certificate_threshold,
        decimals=rs.decimals,
        tie_policy=rs.tie_policy,
        tie_break_criterion=tie_id,
        tie_break_name=criteria[tie_id].name if tie_id is not None else "",
        minima=minima,
        name=rs.name,
    )


def save_rules(session: Session, round_id: int, rules: GradeRules) -> GradeRules:
    """Store ``rules`` as the round's rule set (bands, quotas, amounts, conditions, decimals, threshold,
    tie policy). Criterion minima are part of the rubric and are not written here."""
    rnd = round_for(session, round_id, "quy tắc xếp loại", RoundAction.EDIT_RULES)
    check_rules(rules)
    criteria = set(session.scalars(select(Criterion.id).where(Criterion.round_id == round_id)))
    refs = [c.criterion for b in rules.bands for c in b.conditions]
    if rules.tie_break_criterion is not None:
        refs.append(rules.tie_break_criterion)
    bad = [r for r in refs if r not in criteria]
    if bad:
        raise ValidationError(f"Tiêu chí {bad[0]} không thuộc bộ tiêu chí của {rnd.label}.")
    before = rules_of_round(session, round_id)
    rs = session.scalar(select(GradeRuleSet).where(GradeRuleSet.round_id == round_id))
    if rs is None:
        rs = GradeRuleSet(round_id=round_id)
        session.add(rs)
    rs.name = one_line(rules.name) or rs.name or ""
    rs.decimals = rules.decimals
    rs.certificate_threshold = rules.certificate_threshold
    rs.tie_policy = rules.tie_policy
    rs.tie_break_criterion_id = rules.tie_break_criterion  # type: ignore[assignment]
    rs.bands.clear()
    session.flush()
    for i, b in enumerate(rules.bands):
        band = GradeBand(
            position=i,
            code=b.code.strip(),
            label=one_line(b.label) or f"Loại {b.code.strip()}",
            min_mean=b.min_mean,
            quota=b.quota,
            amount=b.amount,
        )
        for c in b.conditions:
            band.conditions.append(GradeCondition(criterion_id=c.criterion, min_points=c.min_points))
        rs.bands.append(band)
    session.flush()
    session.expire(rs)
    after = rules_of_round(session, round_id)
    if _rules_snapshot(before) != _rules_snapshot(after):
        audit.record(
            session,
            "update",
            "grade_rules",
            round_id,
            f"Sửa quy tắc xếp loại của {rnd.label}: {describe_rules(after)}",
            old=_rules_snapshot(before),
            new=_rules_snapshot(after),
        )
    return after


def _rules_snapshot(rules: GradeRules) -> dict[str, Any]:
    return {
        "decimals": rules.decimals,
        "certificate_threshold": rules.certificate_threshold,
        "tie_policy": rules.tie_policy,
        "tie_break_criterion": rules.tie_break_criterion,
        "bands": [
            {
                "code": b.code,
                "label": b.label,
                "min_mean": b.min_mean,
                "quota": b.quota,
                "amount": b.amount,
                "conditions": [[c.criterion, c.min_points] for c in b.conditions],
            }
            for b in rules.bands
        ],
    }


def describe_rules(rules: GradeRules) -> str:
    """One line: "A ≥ 80 × 5 (2.000.000 đ); B ≥ 70 × 10 (1.000.000 đ); …; công nhận ≥ 50"."""
    parts = []
    for b in rules.bands:
        quota = "không giới hạn" if b.quota is None else f"× {b.quota}"
        text = f"{b.code} ≥ {format_points(b.min_mean, None)} {quota} ({format_dong(b.amount)})"
        for c in b.conditions:
            text += f", {c.name} ≥ {format_points(c.min_points, None)}"
        parts.append(text)
    parts.append(f"công nhận ≥ {format_points(rules.certificate_threshold, None)}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------- inputs
def _names(items: Sequence[str]) -> str:
    return ", ".join(items)


NOT_ASSIGNED = "chưa phân công thành viên chấm"


def entries_from_matrix(
    matrix: ScoreMatrix,
    decisions: dict[int, tuple[int, str]] | None = None,
    refusals: dict[int, str] | None = None,
) -> list[DossierScores]:
    """The engine's input: per scorable dossier, the complete totals of its assigned members, who is
    missing, and why it cannot be graded yet; ``decisions`` the council's tie orders, ``refusals`` the
    reasons of failed votes (``vote_refusals``)."""
    return _entries_and_spreads(matrix, decisions, refusals)[0]


def _entries_and_spreads(
    matrix: ScoreMatrix,
    decisions: dict[int, tuple[int, str]] | None = None,
    refusals: dict[int, str] | None = None,
) -> tuple[list[DossierScores], dict[int, bool]]:
    """``entries_from_matrix`` and, per dossier, whether its members' complete totals are further apart
    than the round's limit (``ScoreMatrix.spread_flagged``), in one pass over the scores."""
    decisions = decisions or {}
    refusals = refusals or {}
    criteria = matrix.criteria
    crit_ids = [c.id for c in criteria]
    values = matrix.values
    zero = Decimal(0)
    out: list[DossierScores] = []
    flagged: dict[int, bool] = {}
    for d in matrix.dossiers:
        members = matrix.members_of(d.id)
        totals: list[Decimal] = []
        complete: list[Decimal] = []
        sums: dict[int, Decimal] = dict.fromkeys(crit_ids, zero)
        missing: list[str] = []
        problems: list[str] = []
        unchecked: list[str] = []
        if not criteria:
            problems.append("đợt chưa có bộ tiêu chí chấm")
        elif not members:
            problems.append(NOT_ASSIGNED)
        for m in members:
            row = [values.get((d.id, m.id, c)) for c in crit_ids]
            if any(v is None for v in row):
                missing.append(m.name)
                continue
            total = sum(typing.cast(list[Decimal], row), zero)  # no None: checked above
            complete.append(total)
            bad = matrix.mismatched(d.id, m.id) if matrix.double_entry else []
            if bad:
                unchecked.append(f"{m.name}: {', '.join(c.name for c in bad)}")
                continue
            totals.append(total)
            for c, v in zip(crit_ids, row, strict=True):
                sums[c] += v  # type: ignore[operator]
        if unchecked:
            problems.append("điểm nhập hai lần chưa khớp hoặc chưa nhập lần 2 (" + "; ".join(unchecked) + ")")
        flagged[d.id] = spread(complete) > matrix.spread_limit
        out.append(_entry(d, totals, missing, problems, sums if totals else {}, decisions, refusals))
    return out, flagged


def _entry(
    d: DossierRef,
    totals: list[Decimal],
    missing: list[str],
    problems: list[str],
    sums: dict[int, Decimal],
    decisions: dict[int, tuple[int, str]],
    refusals: dict[int, str],
) -> DossierScores:
    priority, note = decisions.get(d.id, (None, ""))
    return DossierScores(
        key=d.id,
        code=d.code,
        title=d.title,
        totals=tuple(totals),
        missing=tuple(missing),
        problems=tuple(problems),
        criterion_sums=typing.cast(Mapping[Hashable, Decimal], sums),
        council_priority=priority,
        council_note=note,
        vote_refusal=refusals.get(d.id, ""),
    )


def tie_decisions(session: Session, round_id: int) -> dict[int, tuple[int, str]]:
    query = (
        select(TieDecision)
        .join(Dossier, Dossier.id == TieDecision.dossier_id)
        .where(Dossier.round_id == round_id)
    )
    return {t.dossier_id: (t.priority, t.note) for t in session.scalars(query)}


def vote_refusals(votes: dict[int, VoteRow]) -> dict[int, str]:
    """Dossier id → why its recorded vote refuses recognition, for the dossiers whose vote failed."""
    return {dossier_id: v.refusal for dossier_id, v in votes.items() if v.refusal}


def round_entries(session: Session, round_id: int) -> list[DossierScores]:
    refusals = vote_refusals(votes_of_round(session, round_id))
    return entries_from_matrix(score_matrix(session, round_id), tie_decisions(session, round_id), refusals)


# ---------------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ResultRow:
    """One dossier of a graded round, with what the Kết quả page shows beside it."""

    dossier_id: int
    code: str
    title: str
    unit_name: str
    authors: str
    outcome: Outcome
    vote: VoteRow | None = None
    spread_flag: bool = False

    @property
    def mean(self) -> Decimal | None:
        return self.outcome.mean

    @property
    def rank(self) -> int | None:
        return self.outcome.rank

    @property
    def grade(self) -> str:
        return self.outcome.grade

    @property
    def reward(self) -> int:
        return self.outcome.reward

    @property
    def tie(self) -> bool:
        return self.outcome.tie

    @property
    def reason(self) -> str:
        return self.outcome.reason


@dataclass(frozen=True)
class RoundGrading:
    round_id: int
    round_label: str
    rules: GradeRules
    grading: Grading
    rows: list[ResultRow] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return self.grading.budget

    def counts(self) -> dict[str, int]:
        return self.grading.counts()

    def as_json(self) -> list[dict[str, Any]]:
        return [outcome_json(o, self.rules.decimals) for o in self.grading.outcomes]

    def summary(self) -> str:
        return grading_summary(self.grading)


def grading_summary(grading: Grading) -> str:
    """One line: decided dossiers per grade, the decided reward total, and the undecided ones apart:
    "4 loại A, 9 loại B, …; tổng tiền thưởng 17.500.000 đ; 2 hồ sơ đồng điểm chờ Hội đồng quyết định
    (HS26-005, HS26-006: 2 hồ sơ bằng điểm 85,00, còn 1 suất Loại A: Hội đồng chọn), chưa tính 3.000.000 đ"."""
    counts = grading.counts()
    parts = [f"{counts.get(b.code, 0)} {b.title[:1].lower()}{b.title[1:]}" for b in grading.rules.bands]
    parts.append(f"{counts[Grade.RECOGNIZED.value]} công nhận không có giải")
    parts.append(f"{counts[Grade.NOT_RECOGNIZED.value]} không công nhận")
    if counts[Grade.MISSING.value]:
        parts.append(f"{counts[Grade.MISSING.value]} chưa xếp loại (thiếu điểm)")
    text = ", ".join(parts) + f"; tổng tiền thưởng {format_dong(grading.budget)}"
    if grading.ties:
        groups = "; ".join(g.text() for g in grading.tie_groups())
        text += (
            f"; {len(grading.ties)} hồ sơ đồng điểm chờ Hội đồng quyết định ({groups}), "
            f"chưa tính {format_dong(grading.undecided_budget)}"
        )
    return text


def outcome_json(outcome: Outcome, decimals: int) -> dict[str, Any]:
    """``{"code", "mean", "rank", "grade", "reward", "tie", "reason"}``; mean as a string with the round's
    decimals ("80.00"), None when not graded. An undecided (tied) dossier has ``reward`` None and also
    ``reward_if_chosen``, ``grade_if_not_chosen`` and ``reward_if_not_chosen``."""
    out: dict[str, Any] = {
        "code": outcome.code,
        "mean": None if outcome.mean is None else str(outcome.mean.quantize(quantum(decimals))),
        "rank": outcome.rank,
        "grade": outcome.grade,
        "reward": None if outcome.tie else int(outcome.reward),
        "tie": bool(outcome.tie),
        "reason": outcome.reason,
    }
    if outcome.tie:
        out["reward_if_chosen"] = outcome.reward_if_chosen
        out["grade_if_not_chosen"] = outcome.grade_if_not_chosen
        out["reward_if_not_chosen"] = outcome.reward_if_not_chosen
    return out


def _entries_from_sums(
    session: Session,
    matrix: ScoreMatrix,
    decisions: dict[int, tuple[int, str]],
    refusals: dict[int, str] | None = None,
    with_criteria: bool = True,
) -> tuple[list[DossierScores], dict[int, bool]]:
    """``_entries_and_spreads`` for a round without double entry, from sums computed by the database
    (a member's total per dossier, and per criterion the sum over the members who scored completely)
    instead of the round's tens of thousands of single scores. ``matrix`` needs no scores. Without
    ``with_criteria`` the criterion sums are left out (rules that never look at them)."""
    crit_ids = [c.id for c in matrix.criteria]
    n = len(crit_ids)
    # Every dossier of the round (integer parameters only, for int_rows); only scorable ones are used.
    round_dossiers = select(Dossier.id).where(Dossier.round_id == matrix.round_id)

    def cents(points: Any) -> Any:
        """A sum of points in whole hundredths: exact on PostgreSQL's NUMERIC, and on SQLite's REAL too
        (points have two decimals; a float sum of thousands of them is off by far less than 0.005)."""
        return cast(func.round(func.sum(points) * 100), Integer)

    memo: dict[int, Decimal] = {}

    def exact(value: int) -> Decimal:
        found = memo.get(value)
        if found is None:
            found = memo[value] = Decimal(value).scaleb(-2)
        return found

    # One pass over the scores: per (dossier, member) how many criteria were scored, the total and,
    # when the rules need them, the points of each criterion.
    by_criterion = (
        [cents(case((Score.criterion_id == c, Score.points), else_=0)) for c in crit_ids]
        if with_criteria
        else []
    )
    per_pair = (
        select(Score.dossier_id, Score.member_id, func.count(), cents(Score.points), *by_criterion)
        .where(Score.dossier_id.in_(round_dossiers), Score.criterion_id.in_(crit_ids))
        .group_by(Score.dossier_id, Score.member_id)
    )
    conn = session.connection()  # plain rows (compute's matrix has flushed pending changes)
    totals: dict[tuple[int, int], Decimal] = {}
    sums: dict[int, list[int]] = {}  # per dossier, per criterion: the cents of the members who count
    for d, m, count, total, *points in int_rows(conn, per_pair):
        if count != n:
            continue  # a member still scoring this dossier does not count
        totals[d, m] = exact(total)
        if points and (d, m) in matrix.assigned:
            summed = sums.get(d)
            if summed is None:
                sums[d] = list(points)
            else:
                for i, value in enumerate(points):
                    summed[i] += value
    out: list[DossierScores] = []
    flagged: dict[int, bool] = {}
    for d in matrix.dossiers:
        members = matrix.members_of(d.id)
        found: list[Decimal] = []
        missing: list[str] = []
        for m in members:
            total = totals.get((d.id, m.id))
            if total is None:
                missing.append(m.name)
            else:
                found.append(total)
        flagged[d.id] = spread(found) > matrix.spread_limit
        own = sums.get(d.id)
        criterion_sums = (
            {c: exact(own[i] if own else 0) for i, c in enumerate(crit_ids)}
            if found and with_criteria
            else {}
        )
        problems = [] if members else [NOT_ASSIGNED]
        out.append(_entry(d, found, missing, problems, criterion_sums, decisions, refusals or {}))
    return out, flagged


def _author_names(session: Session, round_id: int) -> dict[int, list[str]]:
    """Dossier id → its authors' names in the order of the đơn, for every dossier of the round."""
    round_dossiers = select(Dossier.id).where(Dossier.round_id == round_id)
    return author_names(session, Authorship.dossier_id.in_(round_dossiers))


def compute(session: Session, round_id: int, rules: GradeRules | None = None) -> RoundGrading:
    """Grade the round as its scores stand now; ``rules`` replaces the saved rules (what-if). Read only."""
    with paused_gc():
        return _compute(session, round_id, rules)


def _compute(session: Session, round_id: int, rules: GradeRules | None) -> RoundGrading:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    rules = rules if rules is not None else rules_of_round(session, round_id)
    summed = not rnd.double_entry  # double entry compares typings score by score: read them all
    matrix = score_matrix(session, round_id, with_scores=not summed)
    decisions = tie_decisions(session, round_id)
    votes = votes_of_round(session, round_id)
    refusals = vote_refusals(votes)
    if summed and matrix.criteria and matrix.dossiers:
        entries, flagged = _entries_from_sums(session, matrix, decisions, refusals, rules.uses_criteria)
    else:
        if summed:
            matrix = score_matrix(session, round_id)
        entries, flagged = _entries_and_spreads(matrix, decisions, refusals)
    grading = grade(entries, rules)
    dossiers = {d.id: d for d in matrix.dossiers}
    authors = _author_names(session, round_id)
    rows = []
    for o in grading.outcomes:
        d = dossiers[o.key]  # type: ignore[index]
        rows.append(
            ResultRow(
                dossier_id=d.id,
                code=d.code,
                title=d.title,
                unit_name=d.unit_name,
                authors=", ".join(authors.get(d.id, ())),
                outcome=o,
                vote=votes.get(d.id),
                spread_flag=flagged[d.id],
            )
        )
    return RoundGrading(rnd.id, rnd.label, rules, grading, rows)


def grade_round(db: Database, round_ref: str | int, rules: GradeRules | None = None) -> RoundGrading:
    with db.reading() as session:
        return compute(session, find_round(session, round_ref).id, rules)


def apply(session: Session, round_id: int, rules: GradeRules | None = None) -> RoundGrading:
    """Save ``rules`` (when given) and the round's ``GradeResult`` rows, replacing earlier ones, in the
    caller's transaction. Results of dossiers no longer scorable (e.g. withdrawn since) are removed."""
    rnd = round_for(session, round_id, "kết quả xếp loại", RoundAction.GRADE)
    if rules is not None:
        save_rules(session, round_id, rules)
    result = compute(session, round_id)
    round_dossiers = select(Dossier.id).where(Dossier.round_id == round_id)
    old = {
        r.dossier_id: (r.grade, r.reward)
        for r in session.scalars(select(GradeResult).where(GradeResult.dossier_id.in_(round_dossiers)))
    }
    session.execute(delete(GradeResult).where(GradeResult.dossier_id.in_(round_dossiers)))
    stamp = now()
    for row in result.rows:
        o = row.outcome
        session.add(
            GradeResult(
                dossier_id=row.dossier_id,
                mean=o.mean,
                rank=o.rank,
                grade=o.grade,
                reward=o.reward,
                tie=o.tie,
                reason=o.reason,
                council_note=o.council_note,
                computed_at=stamp,
                reward_if_chosen=o.reward_if_chosen,
                grade_if_not_chosen=o.grade_if_not_chosen,
                reward_if_not_chosen=o.reward_if_not_chosen,
                reward_pending=o.reward_pending if o.tie else None,
            )
        )
    session.flush()
    changed = sum(1 for row in result.rows if old.get(row.dossier_id) != (row.grade, row.reward))
    audit.record(
        session,
        "grade",
        "round",
        round_id,
        f"Lưu kết quả xếp loại {rnd.label}: {result.summary()}",
        old={"results": len(old)} if old else None,
        new={"counts": result.counts(), "budget": result.budget, "changed": changed},
    )
    return result


def apply_grading(db: Database, round_ref: str | int, rules: GradeRules | None = None) -> RoundGrading:
    with db.session() as session:
        return apply(session, find_round(session, round_ref).id, rules)


@dataclass(frozen=True)
class SavedResult:
    """A saved grade of one dossier (what was last applied)."""

    dossier_id: int
    code: str
    title: str
    unit_name: str
    authors: list[str]
    mean: Decimal | None
    rank: int | None
    grade: str
    label: str
    reward: int
    tie: bool
    reason: str
    council_note: str
    computed_at: Any

    @property
    def recognized(self) -> bool:
        return self.grade not in (Grade.NOT_RECOGNIZED.value, Grade.MISSING.value)


def saved_results(session: Session, round_id: int) -> list[SavedResult]:
    """The round's saved results: ranked ones by rank then code, the ungraded after them."""
    rules = rules_of_round(session, round_id)
    query = (
        select(GradeResult, Dossier)
        .join(Dossier, Dossier.id == GradeResult.dossier_id)
        .where(Dossier.round_id == round_id)
        .options(selectinload(Dossier.authorships), selectinload(Dossier.unit))
    )
    out = []
    for r, d in session.execute(query).all():
        out.append(
            SavedResult(
                dossier_id=d.id,
                code=d.code,
                title=d.title,
                unit_name=d.unit.name if d.unit else "",
                authors=[a.person.full_name for a in d.authorships],
                mean=None if r.mean is None else r.mean.quantize(quantum(rules.decimals)),
                rank=r.rank,
                grade=r.grade,
                label=rules.label_of(r.grade),
                reward=int(r.reward),
                tie=r.tie,
                reason=r.reason,
                council_note=r.council_note,
                computed_at=r.computed_at,
            )
        )
    out.sort(key=lambda s: (s.rank is None, s.rank or 0, s.code))
    return out


def load_saved_results(db: Database, round_ref: str | int) -> list[SavedResult]:
    with db.reading() as session:
        return saved_results(session, find_round(session, round_ref).id)


def stale_codes(session: Session, round_id: int) -> list[str]:
    """Codes whose saved result differs from grading now (scores or rules changed since applying)."""
    saved = {s.dossier_id: s for s in saved_results(session, round_id)}
    if not saved:
        return []
    return stale_against(saved, compute(session, round_id))


def stale_against(saved: dict[int, SavedResult], now_result: RoundGrading) -> list[str]:
    """Codes whose saved result (by dossier id) differs from ``now_result``, or that it no longer grades."""
    out = []
    for row in now_result.rows:
        s = saved.get(row.dossier_id)
        if s is None or (s.grade, s.reward, s.tie, s.mean) != (row.grade, row.reward, row.tie, row.mean):
            out.append(row.code)
    current = {row.dossier_id for row in now_result.rows}
    out += [s.code for s in saved.values() if s.dossier_id not in current]
    return sorted(out)


def clear_results(session: Session, round_id: int) -> int:
    rnd = round_for(session, round_id, "kết quả xếp loại", RoundAction.GRADE)
    round_dossiers = select(Dossier.id).where(Dossier.round_id == round_id)
    rows = list(session.scalars(select(GradeResult).where(GradeResult.dossier_id.in_(round_dossiers))))
    for r in rows:
        session.delete(r)
    session.flush()
    if rows:
        audit.record(
            session, "delete", "grade_results", round_id, f"Xóa kết quả xếp loại đã lưu của {rnd.label}"
        )
    return len(rows)


# ---------------------------------------------------------------------------------------------- ties
def decide_tie(session: Session, round_id: int, codes: Sequence[str], note: str) -> None:
    """Record the council's order among tied dossiers (first code first). Re-deciding replaces the order
    of those dossiers; the note says how it was decided (e.g. "biểu quyết 5/7 tại cuộc họp 20/5")."""
    rnd = round_for(session, round_id, "quyết định đồng điểm", RoundAction.GRADE)
    note = one_line(note)
    if not note:
        raise ValidationError(Issue("hãy ghi cách Hội đồng đã quyết định (ví dụ: biểu quyết 5/7)", "Ghi chú"))
    wanted = [c.strip().upper() for c in codes if c.strip()]
    if len(wanted) < 2:
        raise ValidationError("Cần ít nhất hai hồ sơ đồng điểm, theo thứ tự Hội đồng xếp.")
    if len(set(wanted)) != len(wanted):
        raise ValidationError("Một hồ sơ được ghi hai lần trong thứ tự.")
    by_code = {
        d.code.upper(): d for d in session.scalars(select(Dossier).where(Dossier.round_id == round_id))
    }
    unknown = [c for c in wanted if c not in by_code]
    if unknown:
        raise NotFoundError(f"Không có hồ sơ {', '.join(unknown)} trong {rnd.label}.")
    current = compute(session, round_id)
    means = {row.code.upper(): row.mean for row in current.rows}
    values = {means.get(c) for c in wanted}
    if len(values) != 1 or None in values:
        shown = ", ".join(
            f"{c} {format_points(typing.cast(Decimal, means[c]), current.rules.decimals) if means.get(c) is not None else 'chưa có điểm'}"
            for c in wanted
        )
        raise ValidationError(f"Chỉ quyết định thứ tự cho các hồ sơ bằng điểm nhau ({shown}).")
    left_out = _left_out_of_order(current, wanted)
    if left_out:
        raise ValidationError(
            f"Thứ tự Hội đồng xếp phải gồm mọi hồ sơ cùng điểm đang được xét: còn thiếu {', '.join(left_out)}."
        )
    for priority, code in enumerate(wanted, start=1):
        d = by_code[code]
        row = session.scalar(select(TieDecision).where(TieDecision.dossier_id == d.id))
        if row is None:
            row = TieDecision(dossier_id=d.id, priority=priority, note=note)
            session.add(row)
        row.priority = priority
        row.note = note
        row.decided_at = now()
    session.flush()
    audit.record(
        session,
        "update",
        "tie_decision",
        round_id,
        f"Hội đồng xếp thứ tự các hồ sơ đồng điểm {', '.join(wanted)} ({rnd.label}): {note}",
        new={"order": wanted, "note": note},
    )


def _left_out_of_order(current: RoundGrading, wanted: Sequence[str]) -> list[str]:
    """Recognized dossiers the rule cannot tell from the ordered ones (same mean and, with the criterion
    tie-break, same criterion mean) that the order leaves out: a partial order would not settle the tie."""
    rules = current.rules
    by_code = {row.code.upper(): row for row in current.rows}

    def key(row: ResultRow) -> tuple[Any, ...]:
        if rules.tie_policy is TiePolicy.CRITERION and rules.tie_break_criterion is not None:
            return (row.mean, row.outcome.criterion_means.get(rules.tie_break_criterion))
        return (row.mean,)

    keys = {key(by_code[c]) for c in wanted}
    return [
        row.code
        for row in current.rows
        if row.code.upper() not in wanted
        and row.outcome.recognized
        and row.mean is not None
        and key(row) in keys
    ]


def clear_tie_decisions(session: Session, round_id: int) -> int:
    rnd = round_for(session, round_id, "quyết định đồng điểm", RoundAction.GRADE)
    query = (
        select(TieDecision)
        .join(Dossier, Dossier.id == TieDecision.dossier_id)
        .where(Dossier.round_id == round_id)
    )
    rows = list(session.scalars(query))
    for r in rows:
        session.delete(r)
    session.flush()
    if rows:
        audit.record(
            session, "delete", "tie_decision", round_id, f"Bỏ các quyết định đồng điểm của {rnd.label}"
        )
    return len(rows)
