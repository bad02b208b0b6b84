"""The Hội đồng page's actions as whole transactions that return their own inverse.

Each function takes the ``Database``, runs the ``council`` / ``assignment`` service in one transaction and
returns a ``council_changes.Change``: ``council_changes.undo(db, change)`` puts every row back exactly (one
transaction), and calling the function again redoes it. ``change.result`` is what the service returned.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.conflicts import ConflictKind
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.round_lifecycle import RoundAction
from ..domain.text import clean
from ..models import AssignmentExclusion, CouncilMember
from . import assignment, audit, council
from .assignment import REMOVED, AutoPlan, _load_pair
from .council import CouncilSettings, MemberInput, round_for
from .council_changes import Change, run, undo

__all__ = ["Change", "undo"]


def _round_of_member(db: Database, member_id: int) -> int:
    with db.reading() as session:
        member = session.get(CouncilMember, member_id)
        if member is None:
            raise NotFoundError(f"Không tìm thấy thành viên có mã {member_id}.")
        return member.round_id


# ---------------------------------------------------------------------------------------------- roster
def add_member(db: Database, round_id: int, data: MemberInput) -> Change:
    """Add a member; ``result`` is the new member's id."""
    return run(
        db,
        f"thêm thành viên {data.full_name}",
        round_id,
        lambda s: council.add_member(s, round_id, data).id,
    )


def update_member(db: Database, member_id: int, data: MemberInput) -> Change:
    return run(
        db,
        f"sửa thành viên {data.full_name}",
        _round_of_member(db, member_id),
        lambda s: council.update_member(s, member_id, data).id,
    )


def _remove_member_in(session: Session, member_id: int, drop_scores: bool) -> None:
    # the member's exclusions go explicitly (not by ON DELETE CASCADE) so that the undo sees them
    for row in session.scalars(select(AssignmentExclusion).where(AssignmentExclusion.member_id == member_id)):
        session.delete(row)
    council.remove_member(session, member_id, drop_scores=drop_scores)


def remove_member(db: Database, member_id: int, *, drop_scores: bool = False) -> Change:
    """Remove a member (with their assignments, exclusions and, with ``drop_scores``, their scores)."""
    return run(
        db,
        "xóa thành viên Hội đồng",
        _round_of_member(db, member_id),
        lambda s: _remove_member_in(s, member_id, drop_scores),
    )


def move_member(db: Database, member_id: int, step: int) -> Change:
    return run(
        db,
        "đổi thứ tự thành viên",
        _round_of_member(db, member_id),
        lambda s: council.move_member(s, member_id, step),
    )


def copy_roster(db: Database, from_round_id: int, to_round_id: int) -> Change:
    """Copy another round's members; ``result`` is how many were added."""
    return run(
        db,
        "chép thành phần Hội đồng",
        to_round_id,
        lambda s: council.copy_roster(s, from_round_id, to_round_id),
    )


def save_settings(db: Database, round_id: int, values: CouncilSettings) -> Change:
    return run(
        db,
        "sửa cài đặt chấm điểm",
        round_id,
        lambda s: council.save_settings(s, round_id, values),
    )


# ---------------------------------------------------------------------------------------------- assignment
def set_assignment(
    db: Database,
    round_id: int,
    dossier_id: int,
    member_id: int,
    assigned: bool,
    *,
    override_reason: str = "",
    drop_scores: bool = False,
) -> Change:
    """Assign or unassign by hand (an assignment taken away stays away from the automatic assignment);
    ``result`` is True when something changed."""
    return run(
        db,
        "phân công chấm" if assigned else "bỏ phân công chấm",
        round_id,
        lambda s: assignment.set_assignment(
            s,
            round_id,
            dossier_id,
            member_id,
            assigned,
            override_reason=override_reason,
            drop_scores=drop_scores,
        ),
    )


def apply_plan(db: Database, plan: AutoPlan) -> Change:
    """Apply a previewed automatic assignment; ``result`` is how many pairs were added."""
    return run(db, "phân công tự động", plan.round_id, lambda s: assignment.apply_plan(s, plan))


def clear_unscored(db: Database, round_id: int) -> Change:
    """Remove the assignments that have no score yet; ``result`` is how many."""
    return run(
        db,
        "xóa phân công chưa có điểm",
        round_id,
        lambda s: assignment.clear_unscored(s, round_id),
    )


# ---------------------------------------------------------------------------------------------- conflicts
def record_conflict_in(
    session: Session, round_id: int, dossier_id: int, member_id: int, kind: ConflictKind, reason: str
) -> AssignmentExclusion:
    """Record by hand that a member must not score a dossier: a relative of an author (``RELATIVE``) or
    another reason (``OTHER``, the reason is required). An existing assignment is kept (shown as a
    conflict); the automatic assignment never adds the pair."""
    rnd = round_for(session, round_id, "xung đột lợi ích", RoundAction.ASSIGN)
    dossier, member = _load_pair(session, round_id, dossier_id, member_id)
    if kind not in assignment.MANUAL_KINDS:
        raise ValidationError(f"Loại xung đột “{kind}” không ghi tay được (chỉ: người thân, lý do khác).")
    reason = clean(reason)
    if kind is ConflictKind.OTHER and not reason:
        raise ValidationError(
            Issue("hãy ghi lý do", f"Xung đột lợi ích {member.person.full_name} – {dossier.code}")
        )
    row = session.scalar(
        select(AssignmentExclusion).where(
            AssignmentExclusion.dossier_id == dossier_id, AssignmentExclusion.member_id == member_id
        )
    )
    if row is None:
        row = AssignmentExclusion(dossier_id=dossier_id, member_id=member_id)
        session.add(row)
    row.kind = kind.value
    row.reason = reason
    session.flush()
    audit.record(
        session,
        "create",
        "conflict",
        f"{dossier_id}:{member_id}",
        f"Ghi xung đột lợi ích ({kind.label}): {member.person.full_name} – hồ sơ {dossier.code} ({rnd.label})"
        + (f"; lý do: {reason}" if reason else ""),
        new={
            "dossier": dossier.code,
            "member": member.person.full_name,
            "kind": kind.value,
            "reason": reason,
        },
    )
    return row


def remove_conflict_in(session: Session, round_id: int, dossier_id: int, member_id: int) -> bool:
    """Drop a conflict recorded by hand (the detected ones cannot be dropped). True when one was there."""
    rnd = round_for(session, round_id, "xung đột lợi ích", RoundAction.ASSIGN)
    dossier, member = _load_pair(session, round_id, dossier_id, member_id)
    row = session.scalar(
        select(AssignmentExclusion).where(
            AssignmentExclusion.dossier_id == dossier_id,
            AssignmentExclusion.member_id == member_id,
            AssignmentExclusion.kind != REMOVED,
        )
    )
    if row is None:
        return False
    session.delete(row)
    session.flush()
    audit.record(
        session,
        "delete",
        "conflict",
        f"{dossier_id}:{member_id}",
        f"Bỏ xung đột lợi ích ghi tay: {member.person.full_name} – hồ sơ {dossier.code} ({rnd.label})",
        old={"kind": row.kind, "reason": row.reason},
    )
    return True


def record_conflict(
    db: Database, round_id: int, dossier_id: int, member_id: int, kind: ConflictKind, reason: str = ""
) -> Change:
    return run(
        db,
        "ghi xung đột lợi ích",
        round_id,
        lambda s: record_conflict_in(s, round_id, dossier_id, member_id, kind, reason).id,
    )


def remove_conflict(db: Database, round_id: int, dossier_id: int, member_id: int) -> Change:
    return run(
        db,
        "bỏ xung đột lợi ích ghi tay",
        round_id,
        lambda s: remove_conflict_in(s, round_id, dossier_id, member_id),
    )
