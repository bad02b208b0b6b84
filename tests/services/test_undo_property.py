"""Undo restores exactly (issue 21): random sequences of data-changing actions on the demo database.

Each action is what a page does through ``ui/operations.Op``: one service call that changes data and returns
what its undo needs, an undo that is one service call, and the redo ``ui/operations.Op`` runs
(``services/undo_entry.UndoEntry``: the rows the undo overwrote put back with their ids when the undo returns
its inverse, else the action again), on SQLite and on PostgreSQL alike. After do → undo the
database equals the state before it (the counts of ``sangkien stats --json`` and a digest of every table's rows,
leaving out the audit log, the audit chain's head, timestamps and the ids of rows nothing refers to); after
redo it equals the state after do. Each do, undo and redo writes in exactly one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import DateTime, select
from sqlalchemy.engine import URL

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_rules
from sangkien_desktop.domain.enums import DossierStatus, RoundStatus
from sangkien_desktop.domain.errors import SangKienError
from sangkien_desktop.models import (
    Assignment,
    Base,
    CouncilMember,
    Criterion,
    Dossier,
    Registration,
    Round,
    Score,
    Setting,
    Unit,
    Vote,
)
from sangkien_desktop.services import (
    council,
    council_actions,
    council_changes,
    intake,
    intake_actions,
    registrations,
    registrations_actions,
    scoring,
    stats,
    units,
)
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.services.documents.score_import import ScoreState, restore_scores
from sangkien_desktop.services.undo_entry import UndoEntry
from tests.helpers.commits import CommitWatch

SKIPPED_TABLES = {"audit_log"}
SKIPPED_SETTINGS = {"audit_head"}  # the audit chain's head moves with every logged change


# -------------------------------------------------------------------------------------------- the state
def _leaf_tables() -> set[str]:
    """Tables no foreign key points at: their surrogate ids carry no meaning (a child row put back may
    get a new one)."""
    referenced = {
        fk.column.table.name for table in Base.metadata.tables.values() for fk in table.foreign_keys
    }
    return set(Base.metadata.tables) - referenced


def _digest(db: Database) -> dict[str, str]:
    """Per table, a digest of its rows (timestamps left out; a leaf table's ids too)."""
    leaves = _leaf_tables()
    out: dict[str, str] = {}
    with db.reading() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [
                c
                for c in table.columns
                if not isinstance(c.type, DateTime) and not (table.name in leaves and c.name == "id")
            ]
            rows = [tuple(r) for r in session.execute(select(*columns))]
            if table is Setting.__table__:
                rows = [r for r in rows if r[0] not in SKIPPED_SETTINGS]
            text = "\n".join(sorted(repr(r) for r in rows))
            out[table.name] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return out


@dataclass(frozen=True)
class State:
    counts: dict[str, int]
    tables: dict[str, str]

    def differences(self, other: State) -> list[str]:
        found = [
            f"stats {k}: {v} → {other.counts[k]}" for k, v in self.counts.items() if other.counts[k] != v
        ]
        return found + [f"table {k}" for k, v in self.tables.items() if other.tables.get(k) != v]


def state_of(db: Database) -> State:
    return State(stats.get_stats(db).as_dict(), _digest(db))


# ------------------------------------------------------------------------------------------------ actions
@dataclass(frozen=True)
class Action:
    """One user action: ``do`` returns what ``undo`` needs; ``redo`` as ``UndoEntry`` does it unless given."""

    name: str
    do: Callable[[Database], Any]
    undo: Callable[[Database, Any], Any]
    redo: Callable[[Database], Any] | None = None


def _pick(items: list[Any], n: int) -> Any:
    return items[n % len(items)] if items else None


def _ids(db: Database, query: Any) -> list[Any]:
    with db.reading() as session:
        return list(session.execute(query).all())


def _open_round(db: Database, status: RoundStatus) -> int | None:
    found = _ids(db, select(Round.id).where(Round.status == status).order_by(Round.id))
    return found[0][0] if found else None


def _registrations(db: Database, *, saved_as_stored: bool, free: bool = False) -> list[int]:
    """Registration ids, only those with no dossier when ``free``; ``saved_as_stored`` picks those whose
    author rows are what saving the registration writes (the others: see ``INEXACT``)."""
    with db.reading() as session:
        query = select(Registration).order_by(Registration.id)
        if free:
            query = query.where(
                ~select(Dossier.id).where(Dossier.registration_id == Registration.id).exists()
            )
        found = []
        for reg in session.scalars(query):
            parsed = registration_rules.parse_authors(reg.authors_text)
            departments = registration_rules.split_departments(reg.department, len(parsed))
            written = [(d or a.note)[:255] for a, d in zip(parsed, departments, strict=True)]
            stored = [a.department for a in sorted(reg.authors, key=lambda a: a.position)]
            if (written == stored) == saved_as_stored:
                found.append(reg.id)
        return found


def _edit(db: Database, reg_id: int | None, n: int) -> Action | None:
    if reg_id is None:
        return None
    row = registrations.get_registration(db, reg_id)
    new = dataclasses.replace(row.data(), title=f"{row.title} (sửa lần {n})", note=f"ghi chú {n}")
    return Action(
        f"sửa đăng ký {row.id}",
        lambda db: registrations_actions.update(db, row.id, new),
        registrations_actions.put_back,
    )


def edit_registration(db: Database, n: int) -> Action | None:
    return _edit(db, _pick(_registrations(db, saved_as_stored=True), n), n)


def edit_registration_with_own_departments(db: Database, n: int) -> Action | None:
    """A registration whose authors each have their own department (as the demo and the import store them)."""
    return _edit(db, _pick(_registrations(db, saved_as_stored=False), n), n)


def delete_registration(db: Database, n: int) -> Action | None:
    found = _registrations(db, saved_as_stored=True, free=True)
    reg_id = _pick(sorted(found + _registrations(db, saved_as_stored=False, free=True)), n)
    if reg_id is None:
        return None
    return Action(f"xóa đăng ký {reg_id}", lambda db: registrations.delete(db, reg_id), registrations.restore)


def mark_not_duplicate(db: Database, n: int) -> Action | None:
    row = _pick(_ids(db, select(Registration.id, Registration.not_duplicate).order_by(Registration.id)), n)
    if row is None:
        return None
    reg_id, flag = row
    return Action(
        f"đổi 'không trùng' của đăng ký {reg_id}",
        lambda db: registrations.set_not_duplicate(db, reg_id, not flag, f"đã so sánh ({n})"),
        lambda db, old: registrations.set_not_duplicate(db, reg_id, *old),
    )


def _set_settings_returning_old(db: Database, values: dict[str, str]) -> dict[str, str]:
    """``settings.set_many`` that also answers the values it replaced (one transaction)."""
    with db.session() as session:
        before = settings_service.load(session)
        settings_service.put(session, values)
        return {k: before[k] for k in values}


def edit_settings(db: Database, n: int) -> Action | None:
    key = _pick(["place_name", "council_name", "secretary_name", "standing_office"], n)
    value = f"Giá trị thử {n}"
    return Action(
        f"sửa cài đặt {key}",
        lambda db: _set_settings_returning_old(db, {key: value}),
        settings_service.set_many,
    )


def change_dossier_status(db: Database, n: int) -> Action | None:
    round_id = _open_round(db, RoundStatus.OPEN)
    found = _ids(db, select(Dossier.id).where(Dossier.round_id == round_id).order_by(Dossier.id))
    dossier_id = _pick(found, n)
    if dossier_id is None:
        return None
    target = _pick([DossierStatus.INVALID, DossierStatus.WITHDRAWN, DossierStatus.COMPLETE], n // len(found))

    return Action(
        f"đổi trạng thái hồ sơ {dossier_id[0]} sang {target.value}",
        lambda db: intake_actions.change_status(db, dossier_id[0], target, note="Thiếu chữ ký của tác giả"),
        intake_actions.put_back,
    )


def _score_cells(
    session: Any, round_id: int, member_id: int, dossier_id: int, values: dict[int, Decimal | None]
) -> ScoreState:
    """Set some score cells, answering what they held (one transaction)."""
    held = {
        s.criterion_id: s.points
        for s in session.scalars(
            select(Score).where(Score.dossier_id == dossier_id, Score.member_id == member_id)
        )
    }
    scoring.set_scores(session, round_id, member_id, dossier_id, values)
    return ScoreState((round_id,), tuple(((dossier_id, member_id, c), held.get(c)) for c in values))


def enter_scores(db: Database, n: int) -> Action | None:
    round_id = _open_round(db, RoundStatus.SCORING)
    pair = _pick(
        _ids(
            db,
            select(Assignment.dossier_id, Assignment.member_id)
            .join(Dossier, Dossier.id == Assignment.dossier_id)
            .where(Dossier.round_id == round_id)
            .order_by(Assignment.id),
        ),
        n,
    )
    if pair is None or round_id is None:
        return None
    dossier_id, member_id = pair
    criteria = _ids(db, select(Criterion.id, Criterion.max_points).where(Criterion.round_id == round_id))
    # one cell raised to a new value, one cleared when n is odd
    values: dict[int, Decimal | None] = {criteria[0][0]: Decimal(criteria[0][1]) - Decimal("0.5")}
    if n % 2 and len(criteria) > 1:
        values[criteria[1][0]] = None

    def do(db: Database) -> ScoreState:
        with db.session() as session:
            return _score_cells(session, round_id, member_id, dossier_id, values)

    return Action(
        f"nhập điểm hồ sơ {dossier_id} của thành viên {member_id}",
        do,
        lambda db, before: restore_scores(db, before, "Hoàn tác nhập điểm"),
    )


def toggle_assignment(db: Database, n: int) -> Action | None:
    """Assign a member to a dossier, or take the assignment back, where no score was typed yet (with scores,
    the page asks first and offers no undo)."""
    round_id = _open_round(db, RoundStatus.SCORING)
    dossiers = [d for (d,) in _ids(db, select(Dossier.id).where(Dossier.round_id == round_id))]
    members = [m for (m,) in _ids(db, select(CouncilMember.id).where(CouncilMember.round_id == round_id))]
    scored = set(_ids(db, select(Score.dossier_id, Score.member_id).distinct()))
    pair = _pick(sorted({(d, m) for d in dossiers for m in members} - scored), n)
    if pair is None or round_id is None:
        return None
    dossier_id, member_id = pair
    assigned = bool(
        _ids(
            db,
            select(Assignment.id).where(
                Assignment.dossier_id == dossier_id, Assignment.member_id == member_id
            ),
        )
    )

    def do(db: Database) -> council_changes.Change:
        # as the Hội đồng page does: a removal by hand is also kept from the automatic assignment, and the
        # service's recorded change is the undo
        return council_actions.set_assignment(
            db, round_id, dossier_id, member_id, not assigned, override_reason="vẫn phân công (thử)"
        )

    return Action(
        f"{'bỏ ' if assigned else ''}phân công thành viên {member_id} chấm hồ sơ {dossier_id}",
        do,
        council_changes.undo,
    )


def record_vote(db: Database, n: int) -> Action | None:
    round_id = _open_round(db, RoundStatus.SCORING)
    vote = _pick(
        _ids(
            db,
            select(Vote.dossier_id)
            .join(Dossier, Dossier.id == Vote.dossier_id)
            .where(Dossier.round_id == round_id)
            .order_by(Vote.id),
        ),
        n,
    )
    if vote is None or round_id is None:
        return None
    dossier_id = vote[0]

    def do(db: Database) -> council.VoteRow:
        with db.session() as session:
            old = council.votes_of_round(session, round_id)[dossier_id]
            present = old.members_total - (n % 2)
            council.set_vote(
                session, dossier_id, present=present, in_favour=present - 1, against=1, note=f"phiếu {n}"
            )
            return old

    def undo(db: Database, old: council.VoteRow) -> None:
        with db.session() as session:
            council.set_vote(
                session,
                dossier_id,
                present=old.present,
                in_favour=old.in_favour,
                against=old.against,
                members_total=old.members_total,
                method=old.method,
                note=old.note,
            )

    return Action(f"ghi biểu quyết hồ sơ {dossier_id}", do, undo)


def edit_unit(db: Database, n: int) -> Action | None:
    unit = _pick(_ids(db, select(Unit.id).order_by(Unit.id)), n)
    if unit is None:
        return None
    unit_id = unit[0]

    def do(db: Database) -> dict[str, Any]:
        with db.session() as session:
            current = units.get_unit(session, unit_id)
            old = {"short_name": current.short_name, "note": current.note, "active": current.active}
            units.update_unit(
                session, unit_id, short_name=f"ĐV{n}", note=f"ghi chú {n}", active=not current.active
            )
            return old

    def undo(db: Database, old: dict[str, Any]) -> None:
        with db.session() as session:
            units.update_unit(session, unit_id, **old)

    return Action(f"sửa đơn vị {unit_id}", do, undo)


def create_registration(db: Database, n: int) -> Action | None:
    """Add a registration like an existing one (another title); undo deletes it, redo puts it back with its id."""
    model = _pick(registrations.list_registrations(db), n)
    if model is None:
        return None
    data = dataclasses.replace(model.data(), title=f"Sáng kiến thử số {n}: {model.title}", seq=None)
    held: dict[str, Any] = {}

    def undo(db: Database, created: tuple[int, Any]) -> None:
        held["deleted"] = registrations.delete(db, created[0])

    return Action(
        f"thêm đăng ký giống {model.id}",
        lambda db: registrations.create(db, data),
        undo,
        lambda db: (registrations.restore(db, held["deleted"]), None),
    )


def delete_dossier(db: Database, n: int) -> Action | None:
    """Delete a dossier entered by mistake; undo puts it back with its id, redo deletes it again."""
    round_id = _open_round(db, RoundStatus.OPEN)
    unscored = ~select(Score.id).where(Score.dossier_id == Dossier.id).exists()
    found = _ids(db, select(Dossier.id).where(Dossier.round_id == round_id, unscored).order_by(Dossier.id))
    dossier_id = _pick(found, n)
    if dossier_id is None:
        return None
    return Action(
        f"xóa hồ sơ {dossier_id[0]}",
        lambda db: intake_actions.delete(db, dossier_id[0]),
        intake_actions.put_back,
    )


def edit_dossier(db: Database, n: int) -> Action | None:
    """Edit a dossier of the open round: its title, and what its first author's đơn says (copied onto the
    person's record); undo puts the dossier, its authors and the person back."""
    round_id = _open_round(db, RoundStatus.OPEN)
    dossier_id = _pick(
        _ids(db, select(Dossier.id).where(Dossier.round_id == round_id).order_by(Dossier.id)), n
    )
    if dossier_id is None:
        return None
    data = intake.get_dossier(db, dossier_id[0]).as_input()
    data.title = f"{data.title} (sửa lần {n})"
    data.authors[0].workplace = f"Nơi công tác {n}"
    data.authors[0].qualification = f"Trình độ {n}"
    return Action(
        f"sửa hồ sơ {dossier_id[0]}",
        lambda db: intake_actions.update(db, dossier_id[0], data),
        intake_actions.put_back,
    )


def receive_dossier(db: Database, n: int) -> Action | None:
    """Receive a dossier for a registration that has none, its last author typed anew; undo takes it and the person
    it added back, redo receives it again (the same number and id)."""
    round_id = _open_round(db, RoundStatus.OPEN)
    reg_id = _pick(_registrations(db, saved_as_stored=True, free=True), n)
    if reg_id is None or round_id is None:
        return None
    row = registrations.get_registration(db, reg_id)
    authors = intake.registration_authors(db, reg_id)
    last = authors[-1]  # typed anew: a person the intake adds
    authors[-1] = intake.AuthorInput(
        f"Tác Giả Mới Số {n}", contribution=last.contribution, unit_id=row.unit_id
    )
    data = intake.DossierInput(
        round_id=round_id,
        unit_id=row.unit_id,
        title=row.title,
        received_on=dt.date(row.year, 10, 1),
        authors=authors,
        registration_id=reg_id,
        first_applied_on=dt.date(row.year, 3, 1),
    )
    return Action(
        f"tiếp nhận hồ sơ cho đăng ký {reg_id}",
        lambda db: intake_actions.receive(db, data),
        intake_actions.put_back,
    )


KINDS: dict[str, Callable[[Database, int], Action | None]] = {
    "edit_registration": edit_registration,
    "delete_registration": delete_registration,
    "mark_not_duplicate": mark_not_duplicate,
    "edit_settings": edit_settings,
    "change_dossier_status": change_dossier_status,
    "enter_scores": enter_scores,
    "toggle_assignment": toggle_assignment,
    "record_vote": record_vote,
    "edit_unit": edit_unit,
    "create_registration": create_registration,
    "delete_dossier": delete_dossier,
    "edit_registration_with_own_departments": edit_registration_with_own_departments,
    "edit_dossier": edit_dossier,
    "receive_dossier": receive_dossier,
}
# kinds whose undo does not restore exactly today: the per-kind test fails for them (strict xfail) until the
# service returns an exact inverse; the random sequences leave them out
INEXACT: dict[str, str] = {}


# --------------------------------------------------------------------------------------------- the check
@contextmanager
def _demo_copy(backend: Any, template: URL) -> Iterator[Database]:
    url = backend.clone(template)
    database = Database.open(url)
    try:
        yield database
    finally:
        database.dispose()
        backend.drop(url)


def _writing_commits(watch: CommitWatch, fn: Callable[[], Any]) -> tuple[Any, int]:
    watch.clear()
    result = fn()
    return result, len(watch.writes)


def _run(db: Database, action: Action) -> list[str]:
    """Do, undo and redo one action; the problems found ([] when none; the action refused is no problem
    if it wrote nothing)."""
    before = state_of(db)
    with CommitWatch() as watch:
        try:
            inverse, commits = _writing_commits(watch, lambda: action.do(db))
        except SangKienError:
            wrote = len(watch.writes)
            return [f"{action.name}: refused, yet wrote in {wrote} transactions"] if wrote else []
        after = state_of(db)
        # an action that changed nothing (the same value set twice) may write nothing, and so may its undo
        allowed = {1} if before.differences(after) else {0, 1}
        problems = [] if commits in allowed else [f"{action.name}: do wrote in {commits} transactions"]
        entry = UndoEntry(action.do, action.undo, action.redo, inverse)  # what Ctrl+Z / Ctrl+Y run
        _, commits = _writing_commits(watch, lambda: entry.undo(db))
        problems += [] if commits in allowed else [f"{action.name}: undo wrote in {commits} transactions"]
        problems += [f"{action.name}: after undo, {d}" for d in before.differences(state_of(db))]
        _, commits = _writing_commits(watch, lambda: entry.redo(db))
        problems += [] if commits in allowed else [f"{action.name}: redo wrote in {commits} transactions"]
        problems += [f"{action.name}: after redo, {d}" for d in after.differences(state_of(db))]
    return problems


EXACT = sorted(set(KINDS) - set(INEXACT))
steps = st.lists(st.tuples(st.sampled_from(EXACT), st.integers(0, 500)), min_size=3, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_undo_restores_exactly_and_redo_does_it_again(
    backend: Any, _demo_template: URL, sequence: list[tuple[str, int]]
) -> None:
    with _demo_copy(backend, _demo_template) as db:
        problems: list[str] = []
        for kind, n in sequence:
            action = KINDS[kind](db, n)
            if action is not None:
                problems += _run(db, action)
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=INEXACT[k]))
        if k in INEXACT
        else k
        for k in sorted(KINDS)
    ],
)
def test_each_kind_of_action_changes_something_and_comes_back(demo_db: Database, kind: str) -> None:
    """Every kind is exercised at least once (hypothesis may not draw them all), and really changes data."""
    action = KINDS[kind](demo_db, 0)
    assert action is not None, f"the demo offers nothing for {kind}"
    before = state_of(demo_db)
    inverse = action.do(demo_db)
    assert before.differences(state_of(demo_db)), f"{action.name} changed nothing the check can see"
    action.undo(demo_db, inverse)
    assert not (problems := before.differences(state_of(demo_db))), f"{action.name}, after undo: {problems}"
    assert not (problems := _run(demo_db, action)), "\n".join(problems)
