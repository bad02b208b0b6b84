"""Who scores what: the dossiers × members grid of a round, conflicts of interest, assignment by hand and
the automatic plan (previewed, then applied all at once).

Only dossiers whose status is in ``domain.scoring.SCORABLE_STATUSES`` (Hợp lệ, Đủ) are scored; a dossier
just received, incomplete, invalid or withdrawn is not in the grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..db.database import Database
from ..domain.assignment import (
    DossierSlot,
    MemberSlot,
    Plan,
    expertise_matches,
    expertise_terms,
    plan_assignments,
)
from ..domain.conflicts import (
    Conflict,
    ConflictKind,
    DossierFacts,
    MemberFacts,
    conflict_text,
    conflicts,
    manual_conflict,
)
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.round_lifecycle import RoundAction
from ..domain.scoring import SCORABLE_STATUSES
from ..domain.text import clean
from ..models import (
    Assignment,
    AssignmentExclusion,
    Authorship,
    CouncilMember,
    Dossier,
    Person,
    Round,
    Score,
)
from . import audit
from .council import round_for
from .rounds import find_round


@dataclass(frozen=True)
class DossierRow:
    id: int
    code: str
    title: str
    unit_id: int
    unit_name: str
    field: str
    authors: str


@dataclass(frozen=True)
class GridMember:
    id: int
    number: int
    name: str
    role_label: str
    unit_name: str
    expertise: str
    active: bool


@dataclass(frozen=True)
class Cell:
    assigned: bool
    conflict: str = ""  # why the member should not score this dossier ("" = no conflict)
    override: str = ""  # the reason given when assigning despite a conflict
    scores: int = 0  # criterion scores already typed
    removed: bool = False  # taken away by hand: the automatic assignment does not add it back
    manual: str = ""  # the kind of a conflict recorded by hand ("relative", "other"; "" = none)


@dataclass
class Grid:
    round_id: int
    round_label: str
    k: int | None
    dossiers: list[DossierRow]
    members: list[GridMember]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, dossier_id: int, member_id: int) -> Cell:
        return self.cells.get((dossier_id, member_id), Cell(False))

    def assigned_count(self, dossier_id: int) -> int:
        return sum(1 for m in self.members if self.cell(dossier_id, m.id).assigned)

    def load(self, member_id: int) -> int:
        return sum(1 for d in self.dossiers if self.cell(d.id, member_id).assigned)


def scorable_dossiers(session: Session, round_id: int) -> list[Dossier]:
    """The round's dossiers the council scores, in receipt order, with unit and authors loaded."""
    return list(
        session.scalars(
            select(Dossier)
            .where(Dossier.round_id == round_id, Dossier.status.in_(SCORABLE_STATUSES))
            .options(
                joinedload(Dossier.unit),
                selectinload(Dossier.authorships).joinedload(Authorship.person),
            )
            .order_by(Dossier.receipt_no)
        )
    )


def round_members(session: Session, round_id: int, *, active_only: bool = False) -> list[CouncilMember]:
    query = (
        select(CouncilMember)
        .where(CouncilMember.round_id == round_id)
        .options(joinedload(CouncilMember.person).joinedload(Person.unit))
        .order_by(CouncilMember.position, CouncilMember.id)
    )
    members = list(session.scalars(query))
    return [m for m in members if m.active] if active_only else members


def _facts(dossier: Dossier) -> DossierFacts:
    return DossierFacts(
        key=dossier.id,
        code=dossier.code,
        unit_id=dossier.unit_id,
        author_ids=frozenset(a.person_id for a in dossier.authorships),
        author_names=tuple(a.person.full_name for a in dossier.authorships),
        unit_name=dossier.unit.name if dossier.unit else "",
    )


def _member_facts(member: CouncilMember) -> MemberFacts:
    person = member.person
    return MemberFacts(
        key=member.id,
        person_id=person.id,
        name=person.full_name,
        unit_id=person.unit_id,
        unit_name=person.unit.name if person.unit else "",
    )


REMOVED = "removed"  # AssignmentExclusion.kind of an assignment taken away by hand
MANUAL_KINDS = (ConflictKind.RELATIVE, ConflictKind.OTHER)


def exclusions_in(session: Session, dossier_ids: list[int]) -> dict[tuple[int, int], AssignmentExclusion]:
    """The pairs set apart by hand (removed assignments, conflicts recorded by hand) of these dossiers."""
    rows = session.scalars(select(AssignmentExclusion).where(AssignmentExclusion.dossier_id.in_(dossier_ids)))
    return {(r.dossier_id, r.member_id): r for r in rows}


def conflict_map(
    dossiers: list[Dossier],
    members: list[CouncilMember],
    manual: dict[tuple[int, int], AssignmentExclusion] | None = None,
) -> dict[tuple[int, int], list[Conflict]]:
    """Every conflicting pair: detected (unit, author, same name) and, from ``manual``, recorded by hand."""
    facts = [_member_facts(m) for m in members]
    out: dict[tuple[int, int], list[Conflict]] = {}
    for d in dossiers:
        dfacts = _facts(d)
        for mf in facts:
            found = conflicts(mf, dfacts)
            row = (manual or {}).get((d.id, mf.key))  # type: ignore[arg-type]
            if row is not None and row.kind != REMOVED:
                found.append(manual_conflict(ConflictKind(row.kind), mf.name, d.code, row.reason))
            if found:
                out[(d.id, cast(int, mf.key))] = found  # the member's id (_member_facts)
    return out


def grid(session: Session, round_id: int) -> Grid:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    dossiers = scorable_dossiers(session, round_id)
    members = round_members(session, round_id)
    ids = [d.id for d in dossiers]
    manual = exclusions_in(session, ids)
    conflicts_found = conflict_map(dossiers, members, manual)
    assigned = {
        (a.dossier_id, a.member_id): a.conflict_override
        for a in session.scalars(select(Assignment).where(Assignment.dossier_id.in_(ids)))
    }
    score_counts = {
        (d, m): int(n)
        for d, m, n in session.execute(
            select(Score.dossier_id, Score.member_id, func.count(Score.id))
            .where(Score.dossier_id.in_(ids))
            .group_by(Score.dossier_id, Score.member_id)
        )
    }
    g = Grid(
        round_id=rnd.id,
        round_label=rnd.label,
        k=rnd.members_per_dossier,
        dossiers=[
            DossierRow(
                id=d.id,
                code=d.code,
                title=d.title,
                unit_id=d.unit_id,
                unit_name=d.unit.name if d.unit else "",
                field=d.field,
                authors=", ".join(a.person.full_name for a in d.authorships),
            )
            for d in dossiers
        ],
        members=[
            GridMember(
                id=m.id,
                number=i,
                name=m.person.full_name,
                role_label=m.role.label,
                unit_name=m.person.unit.name if m.person.unit else "",
                expertise=m.expertise,
                active=m.active,
            )
            for i, m in enumerate(members, start=1)
        ],
    )
    for d in dossiers:
        for m in members:
            key = (d.id, m.id)
            found = conflicts_found.get(key)
            is_assigned = key in assigned
            mark = manual.get(key)
            if not (is_assigned or found or mark):
                continue
            g.cells[key] = Cell(
                assigned=is_assigned,
                conflict=conflict_text(found) if found else "",
                override=assigned.get(key, "") or "",
                scores=score_counts.get(key, 0),
                removed=mark is not None and mark.kind == REMOVED,
                manual=mark.kind if mark is not None and mark.kind != REMOVED else "",
            )
    return g


def get_grid(db: Database, round_ref: str | int) -> Grid:
    with db.reading() as session:
        return grid(session, find_round(session, round_ref).id)


def _load_pair(
    session: Session, round_id: int, dossier_id: int, member_id: int
) -> tuple[Dossier, CouncilMember]:
    dossier = session.get(Dossier, dossier_id)
    member = session.get(CouncilMember, member_id)
    if dossier is None or dossier.round_id != round_id:
        raise NotFoundError(f"Hồ sơ mã {dossier_id} không thuộc đợt này.")
    if member is None or member.round_id != round_id:
        raise NotFoundError(f"Thành viên mã {member_id} không thuộc Hội đồng của đợt này.")
    if dossier.status not in SCORABLE_STATUSES:
        raise ValidationError(
            f"Hồ sơ {dossier.code} đang ở trạng thái “{dossier.status.label}”, chưa được đưa vào chấm điểm "
            "(chỉ chấm hồ sơ Hợp lệ hoặc Đủ)."
        )
    return dossier, member


def set_assignment(
    session: Session,
    round_id: int,
    dossier_id: int,
    member_id: int,
    assigned: bool,
    *,
    override_reason: str = "",
    drop_scores: bool = False,
    remember: bool = True,
) -> bool:
    """Assign (or unassign) one member to one dossier. Returns True when something changed.

    A conflict of interest (detected or recorded by hand) needs ``override_reason`` (logged). Unassigning a
    member who already typed scores for the dossier needs ``drop_scores`` (the scores are deleted with the
    assignment). With ``remember`` an assignment taken away is kept away from the automatic assignment
    (a "removed" exclusion), and assigning by hand lifts that exclusion again."""
    rnd = round_for(session, round_id, "phân công chấm", RoundAction.ASSIGN)
    dossier, member = _load_pair(session, round_id, dossier_id, member_id)
    row = session.scalar(
        select(Assignment).where(Assignment.dossier_id == dossier_id, Assignment.member_id == member_id)
    )
    name = member.person.full_name
    mark = exclusions_in(session, [dossier_id]).get((dossier_id, member_id))
    if assigned:
        if row is not None:
            return False
        found = conflict_map([dossier], [member], {(dossier_id, member_id): mark} if mark else None).get(
            (dossier_id, member_id), []
        )
        if mark is not None and mark.kind == REMOVED and remember:
            session.delete(mark)
        reason = clean(override_reason)
        if found and not reason:
            raise ValidationError(
                Issue(
                    f"{conflict_text(found)}. Muốn vẫn phân công, hãy ghi lý do (lý do được ghi vào nhật ký).",
                    f"Hồ sơ {dossier.code}",
                ),
                "Vướng xung đột lợi ích",
            )
        session.add(
            Assignment(dossier_id=dossier_id, member_id=member_id, conflict_override=reason if found else "")
        )
        session.flush()
        summary = f"Phân công {name} chấm hồ sơ {dossier.code} ({rnd.label})"
        if found:
            summary += f" dù {conflict_text(found).lower()}; lý do: {reason}"
        audit.record(
            session,
            "create",
            "assignment",
            f"{dossier_id}:{member_id}",
            summary,
            new={"dossier": dossier.code, "member": name, "override": reason if found else ""},
        )
        return True
    if row is None:
        return False
    scores = list(
        session.scalars(select(Score).where(Score.dossier_id == dossier_id, Score.member_id == member_id))
    )
    if scores and not drop_scores:
        raise ValidationError(
            f"{name} đã có {len(scores)} điểm thành phần cho hồ sơ {dossier.code}. Bỏ phân công sẽ xóa số điểm này."
        )
    for s in scores:
        session.delete(s)
    session.delete(row)
    if remember and mark is None:
        session.add(AssignmentExclusion(dossier_id=dossier_id, member_id=member_id, kind=REMOVED))
    session.flush()
    audit.record(
        session,
        "delete",
        "assignment",
        f"{dossier_id}:{member_id}",
        f"Bỏ phân công {name} chấm hồ sơ {dossier.code}" + (f" (xóa {len(scores)} điểm)" if scores else ""),
        old={"dossier": dossier.code, "member": name, "scores": len(scores)},
    )
    return True


# ---------------------------------------------------------------------------------------------- automatic
@dataclass(frozen=True)
class PlannedPair:
    dossier_id: int
    code: str
    member_id: int
    member_name: str
    expertise_match: bool


@dataclass(frozen=True)
class AutoPlan:
    """A preview of the automatic assignment: nothing is written until ``apply_plan``."""

    round_id: int
    k: int | None
    pairs: list[PlannedPair]
    shortfalls: list[str]
    loads: dict[int, int]  # member id → assignments after applying
    member_names: dict[int, str]
    existing: int  # assignments already there (kept)
    replace_unscored: bool = False  # the assignments without scores are removed first
    removed: int = 0  # how many that is

    @property
    def matched(self) -> int:
        return sum(1 for p in self.pairs if p.expertise_match)


def preview_auto(
    session: Session,
    round_id: int,
    k: int | None = None,
    *,
    use_round_setting: bool = True,
    replace_unscored: bool = False,
) -> AutoPlan:
    """Plan k members per dossier (``k`` None: the round's setting, and when that is empty every member).
    Only active members are assigned; conflicts are never planned. With ``replace_unscored`` the plan starts
    from the assignments that already have scores only (the others are removed when it is applied)."""
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    if k is None and use_round_setting:
        k = rnd.members_per_dossier
    dossiers = scorable_dossiers(session, round_id)
    members = round_members(session, round_id, active_only=True)
    if not members:
        raise ValidationError("Hội đồng của đợt này chưa có thành viên nào đang tham gia.")
    if k is not None and k < 1:
        raise ValidationError(f"Số thành viên chấm mỗi hồ sơ phải từ 1 trở lên (đang là {k}).")
    ids = [d.id for d in dossiers]
    manual = exclusions_in(session, ids)
    found = conflict_map(dossiers, members, manual)
    existing: dict[int, set[int]] = {}
    scored = {
        (d, m)
        for d, m in session.execute(
            select(Score.dossier_id, Score.member_id).where(Score.dossier_id.in_(ids))
        )
    }
    removed = 0
    for a in session.scalars(select(Assignment).where(Assignment.dossier_id.in_(ids))):
        if replace_unscored and (a.dossier_id, a.member_id) not in scored:
            removed += 1
            continue
        existing.setdefault(a.dossier_id, set()).add(a.member_id)
    active_ids = {m.id for m in members}
    slots = [
        DossierSlot(
            key=d.id,
            code=d.code,
            field=d.field,
            blocked=frozenset(m.id for m in members if (d.id, m.id) in found or (d.id, m.id) in manual),
            assigned=frozenset(existing.get(d.id, set()) & active_ids),
        )
        for d in dossiers
    ]
    member_slots = [
        MemberSlot(key=m.id, name=m.person.full_name, terms=expertise_terms(m.expertise), order=i)
        for i, m in enumerate(members)
    ]
    plan: Plan = plan_assignments(slots, member_slots, k)
    planned = cast(list[tuple[int, int]], plan.pairs)  # the slots' keys are dossier and member ids
    codes = {d.id: d.code for d in dossiers}
    fields = {d.id: d.field for d in dossiers}
    names = {m.id: m.person.full_name for m in members}
    terms = {m.id: expertise_terms(m.expertise) for m in members}
    pairs = [
        PlannedPair(
            dossier_id=int(d),
            code=codes[d],
            member_id=int(m),
            member_name=names[m],
            expertise_match=expertise_matches(terms[m], fields[d]),
        )
        for d, m in planned
    ]
    return AutoPlan(
        round_id=round_id,
        k=k,
        pairs=pairs,
        shortfalls=[s.text for s in plan.shortfalls],
        loads={int(m): n for m, n in cast(dict[int, int], plan.loads).items()},
        member_names=names,
        existing=sum(len(v) for v in existing.values()),
        replace_unscored=replace_unscored,
        removed=removed,
    )


def apply_plan(session: Session, plan: AutoPlan) -> int:
    """Write every planned pair in the caller's transaction (re-checked: still no conflict, not yet there)."""
    rnd = round_for(session, plan.round_id, "phân công chấm", RoundAction.ASSIGN)
    if plan.replace_unscored:
        clear_unscored(session, plan.round_id)
    if not plan.pairs:
        return 0
    dossier_ids = {p.dossier_id for p in plan.pairs}
    dossiers = {d.id: d for d in scorable_dossiers(session, plan.round_id) if d.id in dossier_ids}
    members = {m.id: m for m in round_members(session, plan.round_id, active_only=True)}
    manual = exclusions_in(session, list(dossier_ids))
    found = conflict_map(list(dossiers.values()), list(members.values()), manual)
    existing = {
        (a.dossier_id, a.member_id)
        for a in session.scalars(select(Assignment).where(Assignment.dossier_id.in_(list(dossier_ids))))
    }
    problems: list[Issue] = []
    for p in plan.pairs:
        if p.dossier_id not in dossiers or p.member_id not in members:
            problems.append(Issue("hồ sơ hoặc thành viên không còn trong đợt", f"{p.code} – {p.member_name}"))
        elif (p.dossier_id, p.member_id) in found:
            problems.append(Issue(conflict_text(found[(p.dossier_id, p.member_id)]), p.code))
        elif (p.dossier_id, p.member_id) in manual:
            problems.append(Issue("phân công này đã được bỏ bằng tay", f"{p.code} – {p.member_name}"))
    if problems:
        raise ValidationError(problems, "Bảng phân công đã cũ, hãy xem lại trước khi áp dụng")
    added = 0
    for p in plan.pairs:
        if (p.dossier_id, p.member_id) in existing:
            continue
        session.add(Assignment(dossier_id=p.dossier_id, member_id=p.member_id))
        added += 1
    session.flush()
    audit.record(
        session,
        "create",
        "assignment",
        plan.round_id,
        f"Phân công tự động {rnd.label}: thêm {added} lượt chấm"
        + (f", {plan.k} thành viên mỗi hồ sơ" if plan.k else ", mọi thành viên không vướng xung đột"),
        new={"added": added, "k": plan.k},
    )
    return added


def auto_assign(
    db: Database, round_ref: str | int, k: int | None = None, *, dry_run: bool = False, replace: bool = False
) -> AutoPlan:
    """Preview (``dry_run``) or apply the automatic assignment in one transaction (``replace``: redo the
    assignments that have no score yet)."""
    with db.session() as session:
        rnd = find_round(session, round_ref)
        plan = preview_auto(session, rnd.id, k, replace_unscored=replace)
        if not dry_run:
            apply_plan(session, plan)
        return plan


def clear_unscored(session: Session, round_id: int) -> int:
    """Remove every assignment of the round that has no score yet (to redo the assignment)."""
    rnd = round_for(session, round_id, "phân công chấm", RoundAction.ASSIGN)
    ids = [d.id for d in scorable_dossiers(session, round_id)]
    scored = {
        (d, m)
        for d, m in session.execute(
            select(Score.dossier_id, Score.member_id).where(Score.dossier_id.in_(ids))
        )
    }
    removed = 0
    for a in session.scalars(select(Assignment).where(Assignment.dossier_id.in_(ids))):
        if (a.dossier_id, a.member_id) not in scored:
            session.delete(a)
            removed += 1
    session.flush()
    if removed:
        audit.record(
            session, "delete", "assignment", round_id, f"Xóa {removed} phân công chưa có điểm của {rnd.label}"
        )
    return removed


def unassign_pairs(session: Session, round_id: int, pairs: list[tuple[int, int]]) -> int:
    """Remove the given (dossier id, member id) assignments that have no score yet (undo of an automatic
    assignment). Returns how many were removed."""
    rnd = round_for(session, round_id, "phân công chấm", RoundAction.ASSIGN)
    wanted = set(pairs)
    if not wanted:
        return 0
    dossier_ids = list({d for d, _ in wanted})
    scored = {
        (d, m)
        for d, m in session.execute(
            select(Score.dossier_id, Score.member_id).where(Score.dossier_id.in_(dossier_ids))
        )
    }
    removed = 0
    for a in session.scalars(select(Assignment).where(Assignment.dossier_id.in_(dossier_ids))):
        key = (a.dossier_id, a.member_id)
        if key in wanted and key not in scored:
            session.delete(a)
            removed += 1
    session.flush()
    if removed:
        audit.record(
            session, "delete", "assignment", round_id, f"Bỏ {removed} lượt phân công tự động của {rnd.label}"
        )
    return removed
