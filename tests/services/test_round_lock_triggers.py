"""A finalized round is locked in the database itself (issue 17 §1): bulk statements, raw SQL, a plain
sqlite3/psql connection, edits of title/unit/author name/decision number, "status → scoring, edit →
finalized" in one transaction and ``units merge`` all meet the triggers; only a logged reopen opens it."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update

from sangkien_desktop.db import lock_triggers
from sangkien_desktop.db.database import Database
from sangkien_desktop.db.migrate import upgrade_database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError
from sangkien_desktop.models import (
    AuditEntry,
    Authorship,
    Certificate,
    Dossier,
    GradeBand,
    GradeCondition,
    GradeResult,
    Person,
    Round,
    Score,
    TieDecision,
    Unit,
)
from sangkien_desktop.services import audit, check, finalize, round_lock, rounds, units


@dataclass(frozen=True)
class Locked:
    round_id: int
    open_round_id: int
    dossier_id: int
    person_id: int
    ids: dict[str, int]  # table → one row of the finalized round


def _one(session, query):  # type: ignore[no-untyped-def]
    return session.execute(query.limit(1)).scalar_one()


@pytest.fixture
def locked(demo_db: Database) -> Locked:
    """Round 2026/1 of the demo, with a row in every locked table, then finalized."""
    with demo_db.session() as s:
        rid = _one(s, select(Round.id).where(Round.year == 2026, Round.number == 1))
        open_rid = _one(s, select(Round.id).where(Round.year == 2026, Round.number == 2))
        author = (
            s.execute(
                select(Authorship)
                .join(Dossier, Dossier.id == Authorship.dossier_id)
                .where(Dossier.round_id == rid)
            )
            .scalars()
            .first()
        )
        assert author is not None
        did, pid = author.dossier_id, author.person_id
        s.add(GradeResult(dossier_id=did, mean=Decimal("81.5"), rank=1, grade="A", reward=2_000_000))
        s.add(TieDecision(dossier_id=did, priority=1, note="Hội đồng biểu quyết"))
        s.add(
            Certificate(
                year=2026, register_no=1, dossier_id=did, person_id=pid, issued_on=dt.date(2026, 5, 25)
            )
        )
        band = (
            s.execute(select(GradeBand).join(GradeBand.rule_set).where(GradeBand.rule_set.has(round_id=rid)))
            .scalars()
            .first()
        )
        assert band is not None
        crit = s.get(Round, rid).criteria[0]  # type: ignore[union-attr]
        s.add(GradeCondition(band_id=band.id, criterion_id=crit.id, min_points=Decimal("10")))
    finalize.finalize_round(
        demo_db, rid, decision_no="15/QĐ-HĐSK", decision_date=dt.date(2026, 5, 25), archive=False
    )
    ids: dict[str, int] = {}
    with demo_db.reading() as s:
        conn = s.connection()
        for table, (column, kind) in lock_triggers.CHILD_TABLES.items():
            parent = {"dossier": did, "round": rid}.get(kind)
            if parent is not None:
                ids[table] = conn.execute(
                    text(f"SELECT id FROM {table} WHERE {column} = :p ORDER BY id LIMIT 1"), {"p": parent}
                ).scalar_one()
        ids["grade_bands"] = band.id
        ids["grade_conditions"] = conn.execute(
            text("SELECT id FROM grade_conditions WHERE band_id = :b"), {"b": band.id}
        ).scalar_one()
    return Locked(rid, open_rid, did, pid, ids)


def _refused(db: Database, action: Callable[..., object]) -> None:
    with pytest.raises(RoundLockedError), db.session() as s:
        action(s)


def _raw_refused(db: Database, sql: str, params: dict[str, object]) -> None:
    """The statement on a connection of the app's engine, and on a plain driver connection (the way a
    technician's sqlite3 or psql would send it): refused both times."""
    with pytest.raises(RoundLockedError), db.engine.begin() as conn:
        conn.execute(text(sql), params)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with pytest.raises(Exception, match=r"SK_ROUND_(LOCKED|REOPEN)"):
            cursor.execute(re.sub(r":(\w+)", "?" if db.is_sqlite else "%s", sql), _params(sql, params))
        raw.rollback()
    finally:
        raw.close()


def _params(sql: str, params: dict[str, object]) -> tuple[object, ...]:
    return tuple(params[name] for name in re.findall(r":(\w+)", sql))


# every locked table, by every statement --------------------------------------------------------------------
@pytest.mark.parametrize("table", sorted(lock_triggers.CHILD_TABLES))
def test_raw_sql_on_a_finalized_round_is_refused(demo_db: Database, locked: Locked, table: str) -> None:
    row_id = locked.ids[table]
    column = lock_triggers.CHILD_TABLES[table][0]
    _raw_refused(demo_db, f"UPDATE {table} SET {column} = {column} WHERE id = :id", {"id": row_id})
    _raw_refused(demo_db, f"DELETE FROM {table} WHERE id = :id", {"id": row_id})
    with demo_db.reading() as s:
        names = [
            c["name"] for c in s.connection().dialect.get_columns(s.connection(), table) if c["name"] != "id"
        ]
    cols = ", ".join(names)
    _raw_refused(
        demo_db, f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {table} WHERE id = :id", {"id": row_id}
    )
    assert check.run_checks(demo_db).ok


def test_bulk_statements_are_refused(demo_db: Database, locked: Locked) -> None:
    did = locked.dossier_id
    _refused(demo_db, lambda s: s.execute(update(Score).where(Score.dossier_id == did).values(points=0)))
    _refused(demo_db, lambda s: s.execute(delete(Score).where(Score.dossier_id == did)))
    _refused(demo_db, lambda s: s.execute(delete(GradeResult).where(GradeResult.dossier_id == did)))
    _refused(demo_db, lambda s: s.execute(update(Dossier).where(Dossier.id == did).values(title="Đổi tên")))
    _refused(
        demo_db, lambda s: s.execute(text("UPDATE scores SET points = 0 WHERE dossier_id = :d"), {"d": did})
    )
    assert check.run_checks(demo_db).ok


def test_edits_of_title_unit_author_and_decision_are_refused(demo_db: Database, locked: Locked) -> None:
    did, pid, rid = locked.dossier_id, locked.person_id, locked.round_id
    with demo_db.reading() as s:
        other_unit = _one(s, select(Unit.id).where(Unit.id != s.get(Dossier, did).unit_id))  # type: ignore[union-attr]
    _refused(demo_db, lambda s: setattr(s.get(Dossier, did), "title", "Tên khác"))
    _refused(demo_db, lambda s: setattr(s.get(Dossier, did), "unit_id", other_unit))
    _refused(demo_db, lambda s: setattr(s.get(Person, pid), "full_name", "Tên Khác"))
    _refused(demo_db, lambda s: setattr(s.get(Round, rid), "decision_no", "99/QĐ"))
    _raw_refused(demo_db, "UPDATE dossiers SET title = 'x' WHERE id = :id", {"id": did})
    _raw_refused(demo_db, "UPDATE dossiers SET unit_id = :u WHERE id = :id", {"u": other_unit, "id": did})
    _raw_refused(demo_db, "UPDATE people SET full_name = 'x' WHERE id = :id", {"id": pid})
    _raw_refused(demo_db, "UPDATE rounds SET decision_no = 'x' WHERE id = :id", {"id": rid})
    _raw_refused(demo_db, "DELETE FROM rounds WHERE id = :id", {"id": rid})
    _raw_refused(demo_db, "DELETE FROM dossiers WHERE id = :id", {"id": did})
    # what a finalized round leaves editable: a dossier's note, the round's note
    with demo_db.session() as s:
        s.get(Dossier, did).note = "Đã trả kết quả"  # type: ignore[union-attr]
        s.get(Round, rid).note = "Lưu ý"  # type: ignore[union-attr]
    assert check.run_checks(demo_db).ok


def test_status_flip_edit_and_back_in_one_transaction_is_refused(demo_db: Database, locked: Locked) -> None:
    rid, did = locked.round_id, locked.dossier_id

    def flip(s):  # type: ignore[no-untyped-def]
        s.execute(text("UPDATE rounds SET status = 'scoring' WHERE id = :r"), {"r": rid})
        s.execute(text("UPDATE scores SET points = 0 WHERE dossier_id = :d"), {"d": did})
        s.execute(text("UPDATE rounds SET status = 'finalized' WHERE id = :r"), {"r": rid})

    def flip_orm(s):  # type: ignore[no-untyped-def]
        rnd = s.get(Round, rid)
        rnd.status = RoundStatus.SCORING
        s.flush()

    _refused(demo_db, flip)
    _refused(demo_db, flip_orm)
    # a reopen entry written earlier (another round's, or without a reason) does not open this round
    with demo_db.session() as s:
        audit.record(
            s, "reopen", "round", locked.open_round_id, "Mở lại đợt khác", new={"reason": "lý do dài hơn"}
        )
    _refused(demo_db, flip)
    with demo_db.session() as s:
        audit.record(s, "reopen", "round", rid, "Mở lại không lý do", new={"reason": "  "})
    _refused(demo_db, flip)
    with demo_db.reading() as s:
        assert s.get(Round, rid).status is RoundStatus.FINALIZED  # type: ignore[union-attr]
    assert check.run_checks(demo_db).ok


def test_a_logged_reopen_opens_the_round(demo_db: Database, locked: Locked) -> None:
    finalize.reopen_round(demo_db, locked.round_id, "Sửa điểm nhập nhầm theo biên bản ngày 26/5")
    with demo_db.session() as s:
        s.execute(update(Score).where(Score.dossier_id == locked.dossier_id).values(points=Decimal("1")))
        s.get(Dossier, locked.dossier_id).title = "Tên đã sửa"  # type: ignore[union-attr]
        rounds.set_status(s, locked.round_id, RoundStatus.FINALIZED)
    with demo_db.session() as s:  # and the round is locked again
        rounds.set_status(s, locked.round_id, RoundStatus.SCORING, "Mở lại lần hai để sửa tên")
        s.get(Dossier, locked.dossier_id).title = "Tên sửa lần hai"  # type: ignore[union-attr]
    with demo_db.reading() as s:
        actions = s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "round")
            .order_by(AuditEntry.id.desc())
            .limit(3)
        ).all()
    assert actions[0] == "reopen"
    assert check.run_checks(demo_db).ok


def test_units_merge_needs_a_reason_for_a_finalized_round(demo_db: Database, locked: Locked) -> None:
    with demo_db.reading() as s:
        drop = s.get(Dossier, locked.dossier_id).unit_id  # type: ignore[union-attr]
        keep = _one(s, select(Unit.id).where(Unit.id != drop))
    with pytest.raises(RoundLockedError, match="đợt đã chốt kết quả"), demo_db.session() as s:
        units.merge_units(s, keep, drop)
    with demo_db.session() as s:
        report = units.merge_units(s, keep, drop, "Hai tên của cùng một trường, theo công văn 12/UBND")
    assert report.moved.get("dossiers")
    with demo_db.reading() as s:
        rnd = s.get(Round, locked.round_id)
        assert rnd is not None and rnd.status is RoundStatus.FINALIZED and rnd.decision_no == "15/QĐ-HĐSK"
        assert s.get(Dossier, locked.dossier_id).unit_id == keep  # type: ignore[union-attr]
        logged = s.execute(
            select(AuditEntry.action, AuditEntry.summary)
            .where(AuditEntry.entity == "round")
            .order_by(AuditEntry.id)
        ).all()
    assert ("reopen" in [a for a, _ in logged]) and "công văn 12/UBND" in " ".join(s for _, s in logged)
    assert logged[-1][0] == "finalize"
    assert check.run_checks(demo_db).ok


def test_sqlite_shell_edit_is_refused(demo_db: Database, locked: Locked) -> None:
    if not demo_db.is_sqlite:
        pytest.skip("SQLite file only")
    demo_db.engine.dispose()
    conn = sqlite3.connect(str(demo_db.path))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="SK_ROUND_LOCKED"):
            conn.execute("UPDATE scores SET points = points - 1 WHERE dossier_id = ?", (locked.dossier_id,))
    finally:
        conn.close()


def test_downgrade_drops_the_triggers(db: Database) -> None:
    with db.engine.connect() as conn:
        assert len(lock_triggers.trigger_names(conn)) > 30
    from alembic import command

    from sangkien_desktop.db.migrate import alembic_config

    with db.engine.connect() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
        conn.commit()
    with db.engine.connect() as conn:
        assert lock_triggers.trigger_names(conn) == []
        if not db.is_sqlite:
            functions = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_proc WHERE substr(proname, 1, 8) = 'sk_lock_'"
            ).scalar()
            assert functions == 0
    upgrade_database(db.engine, None)
    with db.engine.connect() as conn:
        assert len(lock_triggers.trigger_names(conn)) > 30


def test_trigger_errors_read_in_vietnamese() -> None:
    from sangkien_desktop.services.round_lock import trigger_message

    assert "điểm" in (trigger_message("SK_ROUND_LOCKED:scores") or "")
    assert "Mở lại đợt" in (trigger_message("(sqlite3.IntegrityError) SK_ROUND_REOPEN:rounds") or "")
    assert trigger_message("UNIQUE constraint failed") is None


def test_exclusions_and_hand_conflicts_of_a_finalized_round_are_locked(
    demo_db: Database, locked: Locked
) -> None:
    """Migration 0015's table joins the lock: an exclusion or a hand-recorded conflict of a finalized round's
    dossier cannot be added, changed or removed behind the app's back."""
    with demo_db.reading() as s:
        member = s.execute(
            text("SELECT id FROM council_members WHERE round_id = :r ORDER BY id LIMIT 1"),
            {"r": locked.round_id},
        ).scalar_one()
    params = {"d": locked.dossier_id, "m": member}
    _raw_refused(
        demo_db,
        "INSERT INTO assignment_exclusions (dossier_id, member_id, kind, reason, created_at) "
        "VALUES (:d, :m, 'relative', 'con rể', CURRENT_TIMESTAMP)",
        params,
    )
    assert "loại trừ phân công" in (round_lock.trigger_message("SK_ROUND_LOCKED:assignment_exclusions") or "")
