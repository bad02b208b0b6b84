"""The finalized-round lock, enforced at flush time for every session.

Writers call ``guards.editable_round`` first, for a clear message before any work. This module is the second
line: a ``before_flush`` hook on every ORM session refuses to insert, change or delete the scores, votes,
grades, certificates, assignments, authors, rubric, council or grade rules of a finalized round, and to add,
delete or change the status of its dossiers — whichever code path tries it. So a finalized round stays as it
was signed until someone reopens it with a reason (``services.finalize.reopen_round``, logged).

Importing ``sangkien_desktop.services`` installs the hook (see ``services/__init__.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..domain.enums import RoundStatus
from ..domain.errors import RoundLockedError
from ..models import (
    Assignment,
    Authorship,
    Certificate,
    CouncilMember,
    Criterion,
    Dossier,
    GradeBand,
    GradeCondition,
    GradeResult,
    GradeRuleSet,
    Round,
    Score,
    Vote,
)

# dossier-scoped rows and what the message calls them
_BY_DOSSIER: dict[type, str] = {
    Score: "điểm",
    Vote: "biểu quyết",
    GradeResult: "xếp loại",
    Certificate: "giấy chứng nhận",
    Assignment: "phân công chấm",
    Authorship: "tác giả và tỷ lệ đóng góp",
}
# round-scoped rows
_BY_ROUND: dict[type, str] = {
    Criterion: "tiêu chí chấm",
    CouncilMember: "thành viên Hội đồng",
    GradeRuleSet: "quy tắc xếp loại",
}

_installed = False


def _dossier_ref(obj: Any) -> tuple[int | None, int | None]:
    """(dossier id, None) for a row of a saved dossier; (None, round id) for a row of a dossier being
    created in this flush; (None, None) when neither is known yet."""
    did = getattr(obj, "dossier_id", None)
    if did is not None:
        return did, None
    dossier = obj.__dict__.get("dossier")
    if dossier is None:
        return None, None
    if dossier.id is not None:
        return dossier.id, None
    return None, dossier.round_id or getattr(dossier.__dict__.get("round"), "id", None)


def _changed(obj: Any, attr: str) -> bool:
    return bool(inspect(obj).attrs[attr].history.has_changes())


def _check_flush(session: Session, _context: Any, _instances: Any) -> None:
    dossier_ids: dict[int, str] = {}
    round_ids: dict[int, str] = {}
    rule_set_ids: dict[int, str] = {}
    band_ids: dict[int, str] = {}
    new_dossiers: dict[int, str] = {}

    def scan(obj: Any, deleted: bool) -> None:
        kind = type(obj)
        if kind in _BY_DOSSIER:
            did, rid = _dossier_ref(obj)
            if did is not None:
                dossier_ids.setdefault(did, _BY_DOSSIER[kind])
            elif rid is not None:
                new_dossiers.setdefault(rid, _BY_DOSSIER[kind])
        elif kind in _BY_ROUND:
            rid = getattr(obj, "round_id", None) or getattr(obj.__dict__.get("round"), "id", None)
            if rid is not None:
                round_ids.setdefault(rid, _BY_ROUND[kind])
        elif kind is GradeBand:
            sid = obj.rule_set_id or getattr(obj.__dict__.get("rule_set"), "id", None)
            if sid is not None:
                rule_set_ids.setdefault(sid, "mức xếp loại")
        elif kind is GradeCondition:
            bid = obj.band_id or getattr(obj.__dict__.get("band"), "id", None)
            if bid is not None:
                band_ids.setdefault(bid, "điều kiện xếp loại")
        elif kind is Dossier and (deleted or obj not in session.dirty or _changed(obj, "status")):
            rid = obj.round_id or getattr(obj.__dict__.get("round"), "id", None)
            if rid is not None:
                round_ids.setdefault(rid, "hồ sơ" if deleted or obj in session.new else "trạng thái hồ sơ")

    for obj in session.new:
        scan(obj, False)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            scan(obj, False)
    for obj in session.deleted:
        scan(obj, True)
    for rid, what in new_dossiers.items():
        round_ids.setdefault(rid, what)
    if not (dossier_ids or round_ids or rule_set_ids or band_ids):
        return

    wanted: dict[int, str] = dict(round_ids)
    with session.no_autoflush:
        if dossier_ids:
            for did, rid in session.execute(
                select(Dossier.id, Dossier.round_id).where(Dossier.id.in_(list(dossier_ids)))
            ):
                wanted.setdefault(rid, dossier_ids[did])
        if rule_set_ids:
            for sid, rid in session.execute(
                select(GradeRuleSet.id, GradeRuleSet.round_id).where(GradeRuleSet.id.in_(list(rule_set_ids)))
            ):
                wanted.setdefault(rid, rule_set_ids[sid])
        if band_ids:
            for bid, rid in session.execute(
                select(GradeBand.id, GradeRuleSet.round_id)
                .join(GradeRuleSet, GradeRuleSet.id == GradeBand.rule_set_id)
                .where(GradeBand.id.in_(list(band_ids)))
            ):
                wanted.setdefault(rid, band_ids[bid])
        if not wanted:
            return
        locked = session.execute(
            select(Round.id, Round.year, Round.number, Round.name).where(
                Round.id.in_(list(wanted)), Round.status == RoundStatus.FINALIZED
            )
        ).first()
    if locked is not None:
        rid, year, number, name = locked
        # a round being finalized or reopened in this very flush is judged by its new status
        current = session.identity_map.get(inspect(Round).identity_key_from_primary_key((rid,)))
        if current is not None and current.status is not RoundStatus.FINALIZED:
            return
        label = name or f"Đợt {number} năm {year}"
        raise RoundLockedError(
            f"{label} đã chốt kết quả nên không sửa được {wanted[rid]}. "
            "Muốn sửa, hãy mở lại đợt (phải ghi lý do; việc mở lại được ghi vào nhật ký)."
        )


def install() -> None:
    """Attach the check to every ORM session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _check_flush)
        _installed = True
