"""Rounds as whole user actions (Cài đặt → Đợt): each function takes the ``Database`` and owns its transaction.

A data-changing action returns a ``RoundChange`` whose ``before`` and ``after`` are states of one round; undo is
``put(db, change.before)`` and redo ``put(db, change.after)``, one transaction each way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.enums import MemberRole, RoundField, RoundStatus
from ..domain.errors import Issue, SangKienError
from ..models import CouncilMember, Round
from . import rounds as rounds_service
from . import row_snapshots
from .rounds import RoundInfo, RoundSetup
from .row_snapshots import Keys, Rows

# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundDetail:
    id: int
    label: str
    status: RoundStatus
    setup: RoundSetup


def round_detail(db: Database, round_id: int) -> RoundDetail:
    with db.reading() as session:
        rnd = rounds_service.find_round(session, round_id)
        return RoundDetail(rnd.id, rnd.label, RoundStatus(rnd.status), rounds_service.setup_of(rnd))


@dataclass(frozen=True)
class NewRoundSuggestion:
    year: int
    number: int
    source_id: int | None
    rounds: list[RoundInfo]


def suggest_new_round(db: Database, today: dt.date | None = None) -> NewRoundSuggestion:
    with db.reading() as session:
        year, number, source = rounds_service.suggest_next(session, today)
        return NewRoundSuggestion(year, number, source, rounds_service.round_infos(session))


@dataclass(frozen=True)
class StatusQuestion:
    label: str
    warnings: list[str]


def status_question(db: Database, round_id: int, target: RoundStatus) -> StatusQuestion:
    """What to tell the secretary before moving a round to ``target``."""
    with db.reading() as session:
        rnd = rounds_service.find_round(session, round_id)
        return StatusQuestion(rnd.label, rounds_service.status_warnings(session, rnd, target))


def setup_issues(setup: RoundSetup) -> list[Issue]:
    return rounds_service.setup_issues(setup)


# --- states ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSnapshot:
    """A round as undo needs it back: its setup, status and council members."""

    year: int
    number: int
    setup: RoundSetup
    status: RoundStatus
    finalized_at: dt.datetime | None
    members: tuple[tuple[int, MemberRole, str, int, bool], ...]  # person, role, expertise, position, active
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class RoundState:
    """What one part of a round should be: ``rows`` the round's rows exactly (with their ids; absent rows
    mean the round does not exist); ``snapshot`` None means the round does not exist; ``setup`` or
    ``status`` alone change only that part of an existing round."""

    year: int
    number: int
    snapshot: RoundSnapshot | None = None
    exists: bool = True
    setup: RoundSetup | None = None
    status: RoundStatus | None = None
    reason: str = ""
    rows: Rows | None = None


@dataclass(frozen=True)
class RoundChange:
    title: str
    round_id: int
    before: RoundState
    after: RoundState
    archive_folder: Path | None = None
    archive_error: str = ""


def _snapshot(rnd: Round) -> RoundSnapshot:
    members = tuple((m.person_id, m.role, m.expertise, m.position, m.active) for m in rnd.members)
    return RoundSnapshot(
        rnd.year,
        rnd.number,
        rounds_service.setup_of(rnd),
        RoundStatus(rnd.status),
        rnd.finalized_at,
        members,
        rnd.created_at,
        rnd.updated_at,
    )


def _find(session: Session, year: int, number: int) -> Round | None:
    return session.scalar(select(Round).where(Round.year == year, Round.number == number))


def put(db: Database, state: RoundState) -> int | None:
    """Make one round hold ``state`` (undo and redo of the actions below); returns the round's id."""
    with db.session() as session:
        if state.rows is not None:  # the round's rows, ids included (a round created or deleted)
            row_snapshots.restore_in(session, state.rows)
            session.expire_all()
            found = _find(session, state.year, state.number)
            return None if found is None else found.id
        rnd = _find(session, state.year, state.number)
        if not state.exists:
            if rnd is not None:
                rounds_service.delete_round(session, rnd)
            return None
        if state.snapshot is not None and rnd is None:
            snap = state.snapshot
            rnd = rounds_service.create_round(session, snap.year, snap.number, setup=snap.setup)
            for person, role, expertise, position, active in snap.members:
                rnd.members.append(
                    CouncilMember(
                        person_id=person, role=role, expertise=expertise, position=position, active=active
                    )
                )
            rnd.status, rnd.finalized_at = snap.status, snap.finalized_at
            session.flush()
            if snap.created_at is not None and snap.updated_at is not None:  # the times it had
                rnd.created_at, rnd.updated_at = snap.created_at, snap.updated_at
                session.flush()
            return rnd.id
        if rnd is None:
            rounds_service.find_round(session, f"{state.year}/{state.number}")  # raises NotFoundError
            return None
        if state.setup is not None:
            rounds_service.save_setup(session, rnd, state.setup)
        if state.status is not None and state.status is not RoundStatus(rnd.status):
            rounds_service.set_status(session, rnd, state.status, state.reason)
        return rnd.id


# --- actions ---------------------------------------------------------------------------------------------


def save_setup(db: Database, round_id: int, setup: RoundSetup) -> RoundChange:
    with db.session() as session:
        rnd = rounds_service.find_round(session, round_id)
        old = rounds_service.setup_of(rnd)
        rounds_service.save_setup(session, rnd, setup)
        session.flush()
        session.refresh(rnd)
        saved = rounds_service.setup_of(rnd)
        key = (rnd.year, rnd.number)
        return RoundChange(
            f"Sửa thiết lập {rnd.label}", rnd.id, RoundState(*key, setup=old), RoundState(*key, setup=saved)
        )


@dataclass(frozen=True)
class NewRound:
    """What the "Tạo đợt mới" dialog holds."""

    year: int
    number: int
    field: RoundField
    name: str = ""
    source_id: int | None = None
    copy_members: bool = False


def _round_rows(session: Session, year: int, number: int) -> Keys:
    """The keys of a round's rows: the round and every row that goes with it."""
    found = _find(session, year, number)
    return row_snapshots.family(session, "rounds", [] if found is None else [found.id])


def create_round(db: Database, request: NewRound) -> RoundChange:
    """A new round, copied from ``source_id`` (with its council members when asked) or from the defaults.
    Undo removes its rows, redo puts them back with the same ids."""
    with db.session() as session:
        rnd, before = row_snapshots.around_in(
            session,
            lambda: _round_rows(session, request.year, request.number),
            lambda: _create_in(session, request),
        )
        key = (rnd.year, rnd.number)
        after = row_snapshots.read_in(session, before.keys())
        return RoundChange(
            f"Tạo {rnd.label}",
            rnd.id,
            RoundState(*key, exists=False, rows=before),
            RoundState(*key, snapshot=_snapshot(rnd), rows=after),
        )


def _create_in(session: Session, request: NewRound) -> Round:
    if request.source_id is not None:
        rnd = rounds_service.copy_round(
            session,
            request.source_id,
            request.year,
            request.number,
            copy_members=request.copy_members,
            name=request.name.strip(),
            field=request.field,
        )
    else:
        rnd = rounds_service.create_round(
            session, request.year, request.number, field=request.field, name=request.name.strip()
        )
    session.flush()
    return rnd


def delete_round(db: Database, round_id: int) -> RoundChange:
    """Delete a round that has no dossiers; undo puts its rows back with their ids (setup, status, members)."""
    with db.session() as session:
        rnd = rounds_service.find_round(session, round_id)
        snap = _snapshot(rnd)
        label, key = rnd.label, (rnd.year, rnd.number)
        _, before = row_snapshots.around_in(
            session,
            lambda: row_snapshots.family(session, "rounds", [round_id]),
            lambda: rounds_service.delete_round(session, rnd),
        )
        after = row_snapshots.read_in(session, before.keys())
        return RoundChange(
            f"Xóa {label}",
            round_id,
            RoundState(*key, snapshot=snap, rows=before),
            RoundState(*key, exists=False, rows=after),
        )


UNDO_REASON = "Hoàn tác thao tác đổi trạng thái"
REDO_REASON = "Làm lại thao tác đổi trạng thái"


def change_status(
    db: Database,
    round_id: int,
    target: RoundStatus,
    reason: str = "",
    progress: Callable[[int, int, str], None] | None = None,
) -> RoundChange:
    """Move a round to ``target``; a round finalized gets its archive folder (a failure to write it is told,
    the round stays finalized; a document that cannot be made reopens it: ``ArchiveIncompleteError``)."""
    with db.session() as session:
        rnd = rounds_service.find_round(session, round_id)
        old = RoundStatus(rnd.status)
        rounds_service.set_status(session, rnd, target, reason)
        label, key = rnd.label, (rnd.year, rnd.number)
    change = RoundChange(
        f"Đổi trạng thái {label}",
        round_id,
        RoundState(*key, status=old, reason=UNDO_REASON),
        RoundState(*key, status=target, reason=reason or REDO_REASON),
    )
    if target is not RoundStatus.FINALIZED:
        return change
    from . import finalize  # here: finalize imports every document producer

    try:
        archive = finalize.archive_after_finalize(db, round_id, progress=progress)
    except finalize.ArchiveIncompleteError:
        raise  # the round was reopened: the error says so
    except (SangKienError, OSError) as exc:
        return replace(change, archive_error=f"Đã chốt đợt nhưng không ghi được thư mục lưu trữ: {exc}")
    return replace(change, archive_folder=archive.folder)
