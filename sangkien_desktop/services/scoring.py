"""The rubric of a round and the members' scores: typing paper sheets in, one cell or one sheet row at a time,
the second typing of double entry, and what is still missing, spread too far or typed differently twice.

Scores are written only for an assigned (member, dossier) pair of a round that is not finalized; every write
is audited. Values outside a criterion's 0..max are refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from ..db.database import Database
from ..db.plain_rows import int_rows
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.round_lifecycle import RoundAction
from ..domain.scoring import (
    SCORABLE_STATUSES,
    CriterionRule,
    check_points,
    check_rubric,
    format_points,
    rubric_issues,
    spread,
)
from ..domain.text import clean, one_line
from ..models import Assignment, CouncilMember, Criterion, Dossier, Round, Score, Unit, dossier_code
from ..models.base import ExactDecimal
from . import audit, council_changes
from .assignment import round_members
from .council import round_for
from .council_changes import Change
from .rounds import find_round


# ---------------------------------------------------------------------------------------------- rubric
@dataclass(frozen=True)
class CriterionRow:
    id: int
    position: int
    name: str
    max_points: Decimal
    min_points: Decimal | None
    description: str


@dataclass(frozen=True)
class CriterionInput:
    """A row of the rubric editor; ``id`` None for a new criterion."""

    name: str
    max_points: Decimal
    min_points: Decimal | None = None
    description: str = ""
    id: int | None = None


def rubric(session: Session, round_id: int) -> list[CriterionRow]:
    rows = session.scalars(
        select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position, Criterion.id)
    )
    return [CriterionRow(c.id, c.position, c.name, c.max_points, c.min_points, c.description) for c in rows]


def get_rubric(db: Database, round_ref: str | int) -> list[CriterionRow]:
    with db.reading() as session:
        return rubric(session, find_round(session, round_ref).id)


def criterion_rules(rows: list[CriterionRow]) -> list[CriterionRule]:
    return [CriterionRule(c.id, c.name, c.max_points, c.min_points) for c in rows]


def score_count(session: Session, round_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Score.id))
            .join(Criterion, Criterion.id == Score.criterion_id)
            .where(Criterion.round_id == round_id)
        )
        or 0
    )


def save_rubric(session: Session, round_id: int, rows: list[CriterionInput]) -> list[CriterionRow]:
    """Replace the round's rubric by ``rows`` (in this order). Once scores exist only names, descriptions,
    minima and the order may change: adding or removing a criterion or changing a maximum would make typed
    sheets wrong."""
    rnd = round_for(session, round_id, "bộ tiêu chí chấm", RoundAction.EDIT_RULES)
    cleaned = [
        CriterionInput(
            name=one_line(r.name),
            max_points=Decimal(r.max_points),
            min_points=None if r.min_points is None else Decimal(r.min_points),
            description=clean(r.description),
            id=r.id,
        )
        for r in rows
    ]
    check_rubric([CriterionRule(i, r.name, r.max_points, r.min_points) for i, r in enumerate(cleaned)])
    current = {c.id: c for c in session.scalars(select(Criterion).where(Criterion.round_id == round_id))}
    unknown = [r.id for r in cleaned if r.id is not None and r.id not in current]
    if unknown:
        raise NotFoundError(f"Tiêu chí mã {unknown[0]} không thuộc {rnd.label}.")
    before = rubric(session, round_id)
    if score_count(session, round_id):
        kept = {r.id for r in cleaned if r.id is not None}
        problems: list[Issue] = []
        if any(r.id is None for r in cleaned):
            problems.append(Issue("không thêm được tiêu chí mới"))
        if kept != set(current):
            problems.append(Issue("không xóa được tiêu chí"))
        for r in cleaned:
            if r.id is not None and current[r.id].max_points != r.max_points:
                problems.append(
                    Issue(
                        f"không đổi được điểm tối đa ({format_points(current[r.id].max_points, None)} → "
                        f"{format_points(r.max_points, None)})",
                        f"Tiêu chí “{current[r.id].name}”",
                    )
                )
        if problems:
            raise ValidationError(problems, f"{rnd.label} đã có điểm chấm nên")
    keep_ids = {r.id for r in cleaned if r.id is not None}
    for cid, crit in current.items():
        if cid not in keep_ids:
            session.delete(crit)
    for position, r in enumerate(cleaned):
        if r.id is None:
            session.add(
                Criterion(
                    round_id=round_id,
                    position=position,
                    name=r.name,
                    max_points=r.max_points,
                    min_points=r.min_points,
                    description=r.description,
                )
            )
        else:
            crit = current[r.id]
            crit.position = position
            crit.name = r.name
            crit.max_points = r.max_points
            crit.min_points = r.min_points
            crit.description = r.description
    session.flush()
    after = rubric(session, round_id)

    def snapshot(items: list[CriterionRow]) -> list[dict[str, object]]:
        return [{"name": c.name, "max": c.max_points, "min": c.min_points} for c in items]

    if snapshot(before) != snapshot(after) or [c.description for c in before] != [
        c.description for c in after
    ]:
        audit.record(
            session,
            "update",
            "rubric",
            round_id,
            f"Sửa bộ tiêu chí chấm của {rnd.label} ({len(after)} tiêu chí, tổng "
            f"{format_points(sum((c.max_points for c in after), Decimal(0)), None)} điểm)",
            old={"criteria": snapshot(before)},
            new={"criteria": snapshot(after)},
        )
    return after


def rubric_warnings(rows: list[CriterionRow]) -> list[Issue]:
    return [i for i in rubric_issues(criterion_rules(rows), Decimal(100)) if not i.is_error]


# ---------------------------------------------------------------------------------------------- the matrix
@dataclass(frozen=True)
class DossierRef:
    id: int
    code: str
    title: str
    unit_name: str = ""


@dataclass(frozen=True)
class MemberRef:
    id: int
    number: int
    name: str
    role_label: str = ""


@dataclass
class ScoreMatrix:
    """Every score of a round in memory: first typing (``values``) and second typing (``checks``), keyed
    by (dossier id, member id, criterion id); ``assigned`` holds the (dossier id, member id) pairs."""

    round_id: int
    round_label: str
    criteria: list[CriterionRow]
    dossiers: list[DossierRef]
    members: list[MemberRef]
    assigned: set[tuple[int, int]]
    values: dict[tuple[int, int, int], Decimal] = field(default_factory=dict)
    checks: dict[tuple[int, int, int], Decimal] = field(default_factory=dict)
    spread_limit: Decimal = Decimal(20)
    double_entry: bool = False

    def total(self, dossier_id: int, member_id: int) -> Decimal | None:
        """The member's total for the dossier, or None while a criterion is missing."""
        total = Decimal(0)
        for c in self.criteria:
            v = self.values.get((dossier_id, member_id, c.id))
            if v is None:
                return None
            total += v
        return total

    def missing_criteria(self, dossier_id: int, member_id: int) -> list[CriterionRow]:
        return [c for c in self.criteria if (dossier_id, member_id, c.id) not in self.values]

    def members_of(self, dossier_id: int) -> list[MemberRef]:
        return [m for m in self.members if (dossier_id, m.id) in self.assigned]

    def dossiers_of(self, member_id: int) -> list[DossierRef]:
        return [d for d in self.dossiers if (d.id, member_id) in self.assigned]

    def totals(self, dossier_id: int) -> dict[int, Decimal]:
        """Complete totals of the assigned members (member id → total)."""
        out: dict[int, Decimal] = {}
        for m in self.members_of(dossier_id):
            t = self.total(dossier_id, m.id)
            if t is not None:
                out[m.id] = t
        return out

    def spread(self, dossier_id: int) -> Decimal:
        return spread(self.totals(dossier_id).values())

    def spread_flagged(self, dossier_id: int) -> bool:
        return self.spread(dossier_id) > self.spread_limit

    def mismatched(self, dossier_id: int, member_id: int) -> list[CriterionRow]:
        """Criteria whose second typing is missing or differs (double entry only)."""
        if not self.double_entry:
            return []
        out = []
        for c in self.criteria:
            key = (dossier_id, member_id, c.id)
            first = self.values.get(key)
            if first is None:
                continue
            second = self.checks.get(key)
            if second is None or second != first:
                out.append(c)
        return out


_SCORE_TYPE = cast(ExactDecimal, Score.__table__.c.points.type)


def dossier_refs(session: Session, round_id: int) -> list[DossierRef]:
    """The round's scorable dossiers in receipt order (as ``assignment.scorable_dossiers``), read as rows:
    a 2,000-dossier round loads without building ORM objects."""
    query = (
        select(Dossier.id, Dossier.year, Dossier.receipt_no, Dossier.title, Unit.name)
        .outerjoin(Unit, Unit.id == Dossier.unit_id)
        .where(Dossier.round_id == round_id, Dossier.status.in_(SCORABLE_STATUSES))
        .order_by(Dossier.receipt_no)
    )
    session.flush()
    return [
        DossierRef(id_, dossier_code(year, receipt_no), title, unit_name or "")
        for id_, year, receipt_no, title, unit_name in session.connection().execute(query).all()
    ]


def score_matrix(session: Session, round_id: int, *, with_scores: bool = True) -> ScoreMatrix:
    """Every score of the round in memory; ``with_scores=False`` leaves ``values``/``checks`` empty (the
    dossiers, members and assignments only, for a caller that reads the scores summed in SQL)."""
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    criteria = rubric(session, round_id)
    dossiers = dossier_refs(session, round_id)
    members = round_members(session, round_id)
    ids = [d.id for d in dossiers]
    matrix = ScoreMatrix(
        round_id=rnd.id,
        round_label=rnd.label,
        criteria=criteria,
        dossiers=dossiers,
        members=[
            MemberRef(m.id, i, m.person.full_name, m.role.label) for i, m in enumerate(members, start=1)
        ],
        assigned=set(),
        spread_limit=rnd.score_spread_limit,
        double_entry=rnd.double_entry,
    )
    scorable = set(ids)
    # Plain rows straight from the connection (70,000 scores in a big round); pending changes first.
    session.flush()
    conn = session.connection()
    pairs = int_rows(
        conn,
        select(Assignment.dossier_id, Assignment.member_id)
        .join(Dossier, Dossier.id == Assignment.dossier_id)
        .where(Dossier.round_id == round_id),
    )
    matrix.assigned = {(d, m) for d, m in pairs if d in scorable}
    crit_ids = [c.id for c in criteria]
    if not ids or not crit_ids or not with_scores:
        return matrix
    # The points as the driver gives them (float on SQLite, Decimal on PostgreSQL), made exact through a
    # memo (a round repeats a few hundred distinct values; equal numbers quantize to the same Decimal).
    scored = (
        select(Score.dossier_id, Score.member_id, Score.criterion_id)
        .join(Dossier, Dossier.id == Score.dossier_id)
        .where(
            Dossier.round_id == round_id,
            Dossier.status.in_(SCORABLE_STATUSES),
            Score.criterion_id.in_(crit_ids),
        )
    )
    points = scored.add_columns(type_coerce(Score.points, NullType()))
    rows = _fetch(conn.execute(points))
    memo: dict[object, Decimal] = {}
    for raw in {row[3] for row in rows}:
        memo[raw] = cast(Decimal, _SCORE_TYPE.process_result_value(raw, conn.dialect))  # no NULL points
    matrix.values = {(d, m, c): memo[raw] for d, m, c, raw in rows}
    if (
        rnd.double_entry
        or conn.execute(select(Score.id).where(Score.check_points.is_not(None)).limit(1)).first()
    ):
        checks = scored.add_columns(type_coerce(Score.check_points, NullType())).where(
            Score.check_points.is_not(None)
        )
        rows = _fetch(conn.execute(checks))
        for raw in {row[3] for row in rows} - memo.keys():
            memo[raw] = cast(Decimal, _SCORE_TYPE.process_result_value(raw, conn.dialect))
        matrix.checks = {(d, m, c): memo[raw] for d, m, c, raw in rows}
    return matrix


def _fetch(result: Any, batch: int = 2000) -> list[Any]:
    """Every row, fetched a batch at a time: one ``fetchall`` of a big round holds the interpreter for a third
    of a second, so a read on a worker thread would freeze the window meanwhile."""
    return [row for part in result.partitions(batch) for row in part]


def get_matrix(db: Database, round_ref: str | int) -> ScoreMatrix:
    with db.reading() as session:
        return score_matrix(session, find_round(session, round_ref).id)


# ---------------------------------------------------------------------------------------------- writing
def _context(
    session: Session, round_id: int, member_id: int, dossier_id: int
) -> tuple[Round, CouncilMember, Dossier, dict[int, Criterion]]:
    rnd = round_for(session, round_id, "điểm", RoundAction.ENTER_SCORES)
    member = session.get(CouncilMember, member_id)
    dossier = session.get(Dossier, dossier_id)
    if member is None or member.round_id != round_id:
        raise NotFoundError(f"Thành viên mã {member_id} không thuộc Hội đồng của {rnd.label}.")
    if dossier is None or dossier.round_id != round_id:
        raise NotFoundError(f"Hồ sơ mã {dossier_id} không thuộc {rnd.label}.")
    if dossier.status not in SCORABLE_STATUSES:
        raise ValidationError(
            f"Hồ sơ {dossier.code} đang ở trạng thái “{dossier.status.label}”, không được chấm điểm."
        )
    assigned = session.scalar(
        select(Assignment.id).where(Assignment.dossier_id == dossier_id, Assignment.member_id == member_id)
    )
    if assigned is None:
        raise ValidationError(
            f"{member.person.full_name} chưa được phân công chấm hồ sơ {dossier.code}; hãy phân công trước "
            "(trang Hội đồng)."
        )
    criteria = {c.id: c for c in session.scalars(select(Criterion).where(Criterion.round_id == round_id))}
    return rnd, member, dossier, criteria


def set_scores(
    session: Session,
    round_id: int,
    member_id: int,
    dossier_id: int,
    values: Mapping[int, Decimal | None],
    *,
    check: bool = False,
) -> dict[int, Decimal | None]:
    """Store one member's points for one dossier (criterion id → points; None clears). ``check`` stores
    the second typing of double entry instead. Every value is checked before anything is written; returns
    the stored values of the criteria given. One audit entry for the row."""
    _rnd, member, dossier, criteria = _context(session, round_id, member_id, dossier_id)
    issues: list[Issue] = []
    clean_values: dict[int, Decimal | None] = {}
    for cid, value in values.items():
        crit = criteria.get(cid)
        if crit is None:
            raise NotFoundError(f"Tiêu chí mã {cid} không thuộc bộ tiêu chí của đợt này.")
        if value is None:
            clean_values[cid] = None
            continue
        try:
            clean_values[cid] = check_points(Decimal(value), crit.max_points, crit.name)
        except ValueError as exc:
            issues.append(Issue(str(exc), f"Hồ sơ {dossier.code}, {member.person.full_name}"))
    if issues:
        raise ValidationError(issues, "Điểm không hợp lệ")
    rows = {
        s.criterion_id: s
        for s in session.scalars(
            select(Score).where(Score.dossier_id == dossier_id, Score.member_id == member_id)
        )
    }
    old: dict[str, object] = {}
    new: dict[str, object] = {}
    for cid, value in clean_values.items():
        name = criteria[cid].name
        row = rows.get(cid)
        if check:
            if row is None:
                if value is None:
                    continue
                raise ValidationError(
                    f"Hồ sơ {dossier.code}, {member.person.full_name}: tiêu chí “{name}” chưa có điểm nhập lần 1."
                )
            if row.check_points == value:
                continue
            old[name] = row.check_points
            new[name] = value
            row.check_points = value
        else:
            if row is None:
                if value is None:
                    continue
                session.add(Score(dossier_id=dossier_id, member_id=member_id, criterion_id=cid, points=value))
                old[name] = None
                new[name] = value
            elif value is None:
                old[name] = row.points
                new[name] = None
                session.delete(row)
            elif row.points != value:
                old[name] = row.points
                new[name] = value
                row.points = value
    session.flush()
    if new:
        what = "Nhập lần 2 (kiểm tra) điểm" if check else "Nhập điểm"
        shown = ", ".join(
            f"{k}: {format_points(v, None) if isinstance(v, Decimal) else '(xóa)'}" for k, v in new.items()
        )
        audit.record(
            session,
            "update",
            "score",
            f"{dossier_id}:{member_id}",
            f"{what} hồ sơ {dossier.code} của {member.person.full_name}: {shown}",
            old=old,
            new=new,
        )
    return clean_values


def set_score(
    session: Session,
    round_id: int,
    member_id: int,
    dossier_id: int,
    criterion_id: int,
    value: Decimal | None,
    *,
    check: bool = False,
) -> Decimal | None:
    """One cell of a score sheet (see ``set_scores``)."""
    return set_scores(session, round_id, member_id, dossier_id, {criterion_id: value}, check=check)[
        criterion_id
    ]


def save_score(
    db: Database,
    round_id: int,
    member_id: int,
    dossier_id: int,
    criterion_id: int,
    value: Decimal | None,
    *,
    check: bool = False,
) -> Decimal | None:
    with db.session() as session:
        return set_score(session, round_id, member_id, dossier_id, criterion_id, value, check=check)


# ---------------------------------------------------------------------------------------------- reports
@dataclass(frozen=True)
class MissingItem:
    dossier_id: int
    code: str
    member_id: int
    member_name: str
    criteria: list[str]
    all_missing: bool = False

    @property
    def text(self) -> str:
        if self.all_missing:
            return f"{self.code}: {self.member_name} chưa nhập phiếu chấm"
        return f"{self.code}: {self.member_name} còn thiếu điểm tiêu chí {'; '.join(self.criteria)}"


@dataclass(frozen=True)
class SpreadItem:
    dossier_id: int
    code: str
    totals: dict[str, Decimal]
    spread: Decimal

    @property
    def text(self) -> str:
        low = min(self.totals, key=lambda k: self.totals[k])
        high = max(self.totals, key=lambda k: self.totals[k])
        return (
            f"{self.code}: điểm các thành viên lệch {format_points(self.spread, None)} điểm "
            f"({high} {format_points(self.totals[high], None)}, {low} {format_points(self.totals[low], None)})"
        )


@dataclass(frozen=True)
class MismatchItem:
    dossier_id: int
    code: str
    member_id: int
    member_name: str
    criterion: str
    first: Decimal
    second: Decimal | None

    @property
    def text(self) -> str:
        second = "chưa nhập" if self.second is None else format_points(self.second, None)
        return (
            f"{self.code}, {self.member_name}, {self.criterion}: lần 1 {format_points(self.first, None)}, "
            f"lần 2 {second}"
        )


@dataclass(frozen=True)
class Progress:
    sheets: int  # assigned (dossier, member) pairs
    complete: int  # pairs with every criterion scored
    cells: int
    entered: int
    mismatches: int
    spread_flags: int

    @property
    def percent(self) -> int:
        return 100 if self.cells == 0 else int(self.entered * 100 // self.cells)


def missing_items(matrix: ScoreMatrix) -> list[MissingItem]:
    out = []
    for d in matrix.dossiers:
        for m in matrix.members_of(d.id):
            lacking = matrix.missing_criteria(d.id, m.id)
            if lacking:
                out.append(
                    MissingItem(
                        d.id,
                        d.code,
                        m.id,
                        m.name,
                        [c.name for c in lacking],
                        len(lacking) == len(matrix.criteria),
                    )
                )
    return out


def spread_items(matrix: ScoreMatrix) -> list[SpreadItem]:
    names = {m.id: m.name for m in matrix.members}
    out = []
    for d in matrix.dossiers:
        totals = matrix.totals(d.id)
        s = spread(totals.values())
        if s > matrix.spread_limit:
            out.append(SpreadItem(d.id, d.code, {names[k]: v for k, v in totals.items()}, s))
    return out


def mismatch_items(matrix: ScoreMatrix) -> list[MismatchItem]:
    out: list[MismatchItem] = []
    if not matrix.double_entry:
        return out
    for d in matrix.dossiers:
        for m in matrix.members_of(d.id):
            for c in matrix.mismatched(d.id, m.id):
                key = (d.id, m.id, c.id)
                out.append(
                    MismatchItem(
                        d.id, d.code, m.id, m.name, c.name, matrix.values[key], matrix.checks.get(key)
                    )
                )
    return out


def progress(matrix: ScoreMatrix) -> Progress:
    n_crit = len(matrix.criteria)
    sheets = len(matrix.assigned)
    complete = sum(1 for d, m in matrix.assigned if matrix.total(d, m) is not None)
    entered = sum(1 for (d, m, _c) in matrix.values if (d, m) in matrix.assigned)
    return Progress(
        sheets=sheets,
        complete=complete,
        cells=sheets * n_crit,
        entered=entered,
        mismatches=len(mismatch_items(matrix)),
        spread_flags=len(spread_items(matrix)),
    )


# ---------------------------------------------------------------------------------------------- undoable
def change_score(
    db: Database,
    round_id: int,
    member_id: int,
    dossier_id: int,
    criterion_id: int,
    value: Decimal | None,
    *,
    check: bool = False,
) -> Change:
    """``save_score`` that returns its inverse (``council_changes.undo`` puts the cell back exactly, the
    second typing included); ``result`` is the stored value."""
    return council_changes.run(
        db,
        "nhập điểm",
        round_id,
        lambda s: set_score(s, round_id, member_id, dossier_id, criterion_id, value, check=check),
    )


def change_rubric(db: Database, round_id: int, rows: list[CriterionInput]) -> Change:
    """``save_rubric`` in its own transaction, returning its inverse; ``result`` is the saved rubric."""
    return council_changes.run(db, "sửa bộ tiêu chí chấm", round_id, lambda s: save_rubric(s, round_id, rows))
