"""The audit log: entries carry who/when/old/new, are chained by hash, and any later edit is found."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from decimal import Decimal

import pytest
from sqlalchemy import text, update

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.models import AuditEntry
from sangkien_desktop.services import audit
from sangkien_desktop.services import settings as settings_service


def _write(db: Database, n: int) -> None:
    for i in range(n):
        with db.session() as session:
            audit.record(
                session,
                "update",
                "score",
                i + 1,
                f"Sửa điểm hồ sơ HS26-{i + 1:03d}",
                old={"points": Decimal("7.50"), "at": dt.date(2026, 5, 1)},
                new={"points": Decimal("8.25"), "status": RoundStatus.SCORING},
            )


def _problems(db: Database) -> list[audit.ChainProblem]:
    with db.reading() as session:
        return audit.verify_chain(session)


def test_entries_record_who_when_old_and_new(db: Database) -> None:
    _write(db, 1)
    rows = audit.list_entries(db)
    assert len(rows) == 1
    row = rows[0]
    assert row.user == audit.current_user() and row.user
    assert abs((dt.datetime.now() - row.at).total_seconds()) < 60
    assert row.old == {"at": "2026-05-01", "points": "7.50"}
    assert row.new == {"points": "8.25", "status": "scoring"}
    assert row.entity_label == "Điểm" and row.action_label == "Sửa"


def test_chain_links_every_entry_to_the_previous_one(db: Database) -> None:
    _write(db, 5)
    with db.reading() as session:
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
        assert entries[0].prev_hash == ""
        for before, after in itertools.pairwise(entries):
            assert after.prev_hash == before.hash
        for e in entries:
            assert e.hash_version == audit.HASH_VERSION
            assert e.hash == hashlib.sha256(audit.hashed_payload(e).encode()).hexdigest()
    assert _problems(db) == []


def test_hashed_payload_is_canonical_json_with_the_row_id(db: Database) -> None:
    _write(db, 1)
    with db.reading() as session:
        entry = session.query(AuditEntry).one()
        entry_id = entry.id
        canonical = audit.hashed_payload(entry)
    payload = json.loads(canonical)
    assert payload["id"] == entry_id and payload["v"] == 3 and payload["prev"] == ""
    assert payload["rows"] == ""  # the values of audited rows touched (none here: see test_audit_rows)
    assert canonical == json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert audit.to_json({"b": 1, "a": "Đức"}) == '{"a":"Đức","b":1}'


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("summary", "Sửa điểm hồ sơ HS26-099"),
        ("new_values", '{"points":"10.00"}'),
        ("user", "nguoi-khac"),
        ("entity_id", "42"),
    ],
)
def test_editing_any_field_is_detected_and_names_the_row(db: Database, column: str, value: str) -> None:
    _write(db, 4)
    with db.engine.begin() as conn:
        conn.execute(
            update(AuditEntry.__table__).where(AuditEntry.__table__.c.id == 2).values({column: value})
        )
    problems = _problems(db)
    assert [p.entry_id for p in problems] == [2]
    assert "Nhật ký dòng 2" in problems[0].message and "đã bị sửa" in problems[0].message


def test_editing_the_time_is_detected(db: Database) -> None:
    _write(db, 3)
    with db.engine.begin() as conn:
        conn.execute(
            update(AuditEntry.__table__)
            .where(AuditEntry.__table__.c.id == 3)
            .values(at=dt.datetime(2020, 1, 1))
        )
    assert [p.entry_id for p in _problems(db)] == [3]


def test_deleting_a_row_in_the_middle_breaks_the_link(db: Database) -> None:
    _write(db, 4)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    problems = _problems(db)
    assert [p.entry_id for p in problems] == [3]
    assert "mất liên kết với dòng 1" in problems[0].message


def test_recomputing_the_hash_of_an_edited_row_still_breaks_the_next_link(db: Database) -> None:
    _write(db, 3)
    with db.session() as session:
        entry = session.get(AuditEntry, 2)
        assert entry is not None
        entry.summary = "Đã sửa lén"
        entry.hash = audit.entry_hash(entry)
    problems = _problems(db)
    assert [p.entry_id for p in problems] == [3]


def test_legacy_entries_without_a_version_are_verified_the_old_way(db: Database) -> None:
    with db.session() as session:
        first = AuditEntry(
            at=dt.datetime(2026, 1, 2, 8, 0, 0),
            user="thuky",
            action="update",
            entity="setting",
            entity_id="place_name",
            summary="Sửa cài đặt",
            old_values="",
            new_values='{"place_name": "Tam Điệp"}',
            prev_hash="",
            hash_version=None,
        )
        first.hash = audit.entry_hash(first)
        session.add(first)
    _write(db, 2)
    assert _problems(db) == []
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = 'x' WHERE id = 1"))
    assert [p.entry_id for p in _problems(db)] == [1]


def test_settings_changes_are_logged(db: Database) -> None:
    settings_service.set_many(db, {"place_name": "Tam Điệp"})
    settings_service.set_many(db, {"place_name": "Yên Bình"})
    rows = audit.list_entries(db, audit.AuditFilter(entity="setting"))
    assert next((r.old, r.new) for r in rows) == ({"place_name": "Tam Điệp"}, {"place_name": "Yên Bình"})


def test_filters(db: Database) -> None:
    _write(db, 3)
    settings_service.set_many(db, {"place_name": "Tam Điệp"})
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET \"user\" = 'ketoan' WHERE id = 1"))
    assert audit.count_entries(db) == 4
    assert [r.id for r in audit.list_entries(db, audit.AuditFilter(user="ketoan"))] == [1]
    assert len(audit.list_entries(db, audit.AuditFilter(entity="score"))) == 3
    assert [r.id for r in audit.list_entries(db, audit.AuditFilter(entity="score", entity_id="2"))] == [2]
    assert len(audit.list_entries(db, audit.AuditFilter(text="HS26-003"))) == 1
    today = dt.date.today()
    assert audit.count_entries(db, audit.AuditFilter(since=today, until=today)) == 4
    assert audit.count_entries(db, audit.AuditFilter(until=today - dt.timedelta(days=1))) == 0
    assert [r.id for r in audit.list_entries(db, limit=2, offset=1)] == [3, 2]
    facets = audit.facets(db)
    assert facets.users == sorted([audit.current_user(), "ketoan"]) and facets.total == 4
    assert set(facets.entities) == {"score", "setting"}


def test_rolled_back_change_leaves_no_entry_and_no_gap_in_the_chain(db: Database) -> None:
    _write(db, 2)
    with pytest.raises(RuntimeError), db.session() as session:
        audit.record(session, "delete", "dossier", 5, "Xóa hồ sơ")
        raise RuntimeError("thất bại giữa chừng")
    _write(db, 1)
    assert audit.count_entries(db) == 3
    assert _problems(db) == []
