"""The finalized-round lock, enforced at flush time for every session, and the database triggers' words.

Writers call ``guards.editable_round`` first, for a clear message before any work. This module is the second
line: a ``before_flush`` hook on every ORM session refuses to insert, change or delete the scores, votes,
grades, certificates, assignments, authors, rubric, council or grade rules of a finalized round, to add or
delete its dossiers or change their locked columns (title, unit, status …), to change the round's own locked
columns (decision number and date, rules …) and an author's name — whichever code path tries it, with a
message naming the round. So a finalized round stays as it was signed until someone reopens it with a reason
(``services.finalize.reopen_round``, logged).

The third line is in the database (``db.lock_triggers``, migration 0013): triggers refuse the same writes from
bulk statements and raw SQL. Their error is turned here into the same ``RoundLockedError`` (an engine
``handle_error`` hook), so the CLI and the GUI show a Vietnamese sentence, never a traceback.

Importing ``sangkien_desktop.services`` installs both hooks (see ``services/__init__.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session

from ..db.lock_triggers import CURRENT as LOCKED_COLUMNS
from ..db.lock_triggers import LOCKED_MARK, REOPEN_MARK
from ..domain.enums import RoundStatus
from ..domain.errors import RoundLockedError
from ..models import (
    Assignment,
    AssignmentExclusion,
    Authorship,
    Certificate,
    CouncilMember,
    Criterion,
    Dossier,
    GradeBand,
    GradeCondition,
    GradeResult,
    GradeRuleSet,
    Person,
    Round,
    Score,
    TieDecision,
    Vote,
)

# dossier-scoped rows and what the message calls them
_BY_DOSSIER: dict[type, str] = {
    Score: "điểm",
    Vote: "biểu quyết",
    GradeResult: "xếp loại",
    Certificate: "giấy chứng nhận",
    Assignment: "phân công chấm",
    AssignmentExclusion: "loại trừ phân công, xung đột lợi ích ghi tay",
    Authorship: "tác giả và tỷ lệ đóng góp",
    TieDecision: "thứ tự do Hội đồng quyết định khi bằng điểm",
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


def _changed_any(obj: Any, attrs: tuple[str, ...] | Any) -> bool:
    state = inspect(obj).attrs
    return any(name in state and state[name].history.has_changes() for name in attrs)


def _was_finalized(session: Session, obj: Round) -> bool:
    """The round's status as stored (before this flush)."""
    history = inspect(obj).attrs["status"].history
    if history.deleted:
        before = history.deleted[0]
    elif history.added:  # set after the row was expired: ask the database
        with session.no_autoflush:
            before = session.execute(select(Round.status).where(Round.id == obj.id)).scalar()
    else:
        before = obj.status
    return before is not None and RoundStatus(before) is RoundStatus.FINALIZED


def _locked_round_edit(session: Session) -> Round | None:
    """A finalized round (staying finalized) whose locked columns this flush changes."""
    for obj in session.dirty:
        if (
            isinstance(obj, Round)
            and obj.status is RoundStatus.FINALIZED
            and _was_finalized(session, obj)
            and _changed_any(obj, LOCKED_COLUMNS.rounds)
        ):
            return obj
    return None


def _renamed_authors(session: Session) -> list[int]:
    return [
        obj.id
        for obj in session.dirty
        if isinstance(obj, Person) and obj.id is not None and _changed_any(obj, LOCKED_COLUMNS.people)
    ]


def _locked_message(label: str, what: str) -> str:
    return (
        f"{label} đã chốt kết quả nên không sửa được {what}. "
        "Muốn sửa, hãy mở lại đợt (phải ghi lý do; việc mở lại được ghi vào nhật ký)."
    )


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
        elif kind is Dossier and (
            deleted or obj not in session.dirty or _changed_any(obj, (*LOCKED_COLUMNS.dossiers, "round"))
        ):
            rid = obj.round_id or getattr(obj.__dict__.get("round"), "id", None)
            if rid is not None:
                round_ids.setdefault(rid, "hồ sơ" if deleted or obj in session.new else _dossier_what(obj))
            old_rid = inspect(obj).attrs["round_id"].history.deleted
            if old_rid and old_rid[0] is not None:
                round_ids.setdefault(old_rid[0], "hồ sơ")

    for obj in session.new:
        scan(obj, False)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            scan(obj, False)
    for obj in session.deleted:
        scan(obj, True)
    for rid, what in new_dossiers.items():
        round_ids.setdefault(rid, what)
    edited = _locked_round_edit(session)
    if edited is not None:
        raise RoundLockedError(
            _locked_message(edited.label, "số, ngày quyết định và các thông số đã chốt của đợt")
        )
    renamed = _renamed_authors(session)
    if renamed:
        _check_authors(session, renamed)
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
        raise RoundLockedError(_locked_message(label, wanted[rid]))


_DOSSIER_FIELDS = {"title": "tên sáng kiến", "unit_id": "đơn vị", "status": "trạng thái"}


def _dossier_what(obj: Dossier) -> str:
    for attr, label in _DOSSIER_FIELDS.items():
        if _changed(obj, attr):
            return f"{label} của hồ sơ"
    return "hồ sơ"


def _check_authors(session: Session, person_ids: list[int]) -> None:
    """Refuse renaming a person who authors a dossier of a finalized round."""
    with session.no_autoflush:
        found = session.execute(
            select(Person.full_name, Dossier.year, Dossier.receipt_no, Round.year, Round.number, Round.name)
            .join(Authorship, Authorship.person_id == Person.id)
            .join(Dossier, Dossier.id == Authorship.dossier_id)
            .join(Round, Round.id == Dossier.round_id)
            .where(Person.id.in_(person_ids), Round.status == RoundStatus.FINALIZED)
        ).first()
    if found is not None:
        _name, year, receipt_no, round_year, number, round_name = found
        label = round_name or f"Đợt {number} năm {round_year}"
        code = f"HS{year % 100:02d}-{receipt_no:03d}"
        raise RoundLockedError(_locked_message(label, f"họ tên tác giả của hồ sơ {code}"))


# the database triggers' errors -----------------------------------------------------------------------------
_TABLE_WORDS = {
    "scores": "điểm",
    "votes": "biểu quyết",
    "grade_results": "kết quả xếp loại",
    "assignment_exclusions": "loại trừ phân công và xung đột lợi ích ghi tay",
    "certificates": "giấy chứng nhận",
    "assignments": "phân công chấm",
    "tie_decisions": "thứ tự do Hội đồng quyết định khi bằng điểm",
    "authorships": "tác giả và tỷ lệ đóng góp",
    "criteria": "tiêu chí chấm",
    "council_members": "thành viên Hội đồng",
    "grade_rule_sets": "quy tắc xếp loại",
    "grade_bands": "mức xếp loại",
    "grade_conditions": "điều kiện xếp loại",
    "dossiers": "hồ sơ (tên, đơn vị, trạng thái …)",
    "people": "họ tên tác giả",
    "rounds": "số, ngày quyết định và các thông số đã chốt của đợt",
}


def trigger_message(error_text: str) -> str | None:
    """The Vietnamese sentence for a lock trigger's refusal, or None when the error is something else."""
    if REOPEN_MARK in error_text:
        return (
            "Đợt đã chốt kết quả chỉ được mở lại bằng lệnh «Mở lại đợt», có ghi lý do vào nhật ký "
            "(sangkien rounds reopen --round R --reason …)."
        )
    if LOCKED_MARK not in error_text:
        return None
    table = error_text.split(LOCKED_MARK, 1)[1].lstrip(":").split()[0].strip("'\"") if error_text else ""
    what = _TABLE_WORDS.get(table, "dữ liệu")
    return (
        f"Không sửa được {what}: dữ liệu này thuộc một đợt đã chốt kết quả. "
        "Muốn sửa, hãy mở lại đợt (phải ghi lý do; việc mở lại được ghi vào nhật ký)."
    )


def _translate_trigger_error(context: ExceptionContext) -> None:
    message = trigger_message(str(context.original_exception))
    if message is not None:
        raise RoundLockedError(message) from context.original_exception


def install() -> None:
    """Attach the check to every ORM session and the trigger translation to every engine (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _check_flush)
        event.listen(Engine, "handle_error", _translate_trigger_error)
        _installed = True
