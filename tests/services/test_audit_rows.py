"""``check`` proves every audited row (issue 17 §2): the log's last recorded value of each score, grade,
vote, certificate, dossier, author, setting and round must be the table's; a row never recorded is named; a
log emptied or cut at its end is named through the head kept in the settings and in the finalize archives."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import AuditEntry, Dossier, GradeResult, Round, Score, Setting, Vote
from sangkien_desktop.services import audit, audit_replay, audit_rows, backup, check, finalize, rounds
from sangkien_desktop.services import settings as settings_service


def _errors(db: Database, rule: str) -> list[str]:
    report = check.run_checks(db)
    return [p.message for p in report.errors if p.rule == rule]


def _open_score(db: Database) -> tuple[int, str, int, Decimal]:
    """(score id, dossier code, member id, points) of a score in a round that is not finalized."""
    with db.reading() as s:
        score, dossier = s.execute(
            select(Score, Dossier)
            .join(Dossier, Dossier.id == Score.dossier_id)
            .join(Round, Round.id == Dossier.round_id)
            .where(Round.status != "finalized")
            .order_by(Score.id)
            .limit(1)
        ).one()
        return score.id, dossier.code, score.member_id, score.points


def _raw(db: Database, sql: str, **params: object) -> None:
    """A change made outside the app (what sqlite3 or psql would do)."""
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_the_demo_database_replays_cleanly(demo_db: Database) -> None:
    report = check.run_checks(demo_db)
    assert report.ok, [p.message for p in report.errors]
    assert {r.rule for r in report.rules} >= {"audit_rows", "audit_head"}


def test_a_direct_score_edit_is_named_by_check(demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    score_id, code, member, points = _open_score(demo_db)
    _raw(demo_db, "UPDATE scores SET points = points - 1 WHERE id = :id", id=score_id)
    expected = (
        f"điểm #{score_id} của {code}, TV{member:02d}: nhật ký ghi {points.normalize():f}, "
        f"bảng có {(points - 1).normalize():f}"
    )
    assert _errors(demo_db, "audit_rows") == [expected]
    url = demo_db.url.render_as_string(hide_password=False)
    capsys.readouterr()
    assert main(["--db", url, "check"]) == 1
    assert expected in capsys.readouterr().out


def test_a_sqlite3_shell_edit_is_named(demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    if not demo_db.is_sqlite:
        pytest.skip("a SQLite file")
    import sqlite3

    score_id, code, _member, _points = _open_score(demo_db)
    demo_db.engine.dispose()
    with sqlite3.connect(str(demo_db.path)) as conn:
        conn.execute("UPDATE scores SET points = points - 1 WHERE id = ?", (score_id,))
    capsys.readouterr()
    assert main(["--db", str(demo_db.path), "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(
        p["rule"] == "audit_rows" and f"điểm #{score_id} của {code}" in p["message"]
        for p in report["problems"]
    )


def test_rows_added_deleted_or_edited_outside_the_app_are_named(demo_db: Database) -> None:
    with demo_db.reading() as s:
        vote_id, vote_dossier = s.execute(
            select(Vote.id, Vote.dossier_id)
            .join(Dossier, Dossier.id == Vote.dossier_id)
            .join(Round, Round.id == Dossier.round_id)
            .where(Round.status != "finalized")
            .order_by(Vote.id)
            .limit(1)
        ).one()
        dossier_id, dossier_code = (
            s.execute(
                select(Dossier.id, Dossier.year, Dossier.receipt_no).order_by(Dossier.id.desc()).limit(1)
            ).one()[0],
            None,
        )
        dossier_code = dossier_code_of(demo_db, dossier_id)
    _raw(demo_db, "DELETE FROM votes WHERE id = :id", id=vote_id)
    _raw(demo_db, "UPDATE dossiers SET title = 'Tên sửa ngoài phần mềm' WHERE id = :id", id=dossier_id)
    _raw(demo_db, "INSERT INTO settings (key, value) VALUES ('la', 'lạ')")
    _raw(demo_db, "UPDATE settings SET value = 'Nơi khác' WHERE key = 'place_name'")
    found = "\n".join(_errors(demo_db, "audit_rows"))
    assert f"biểu quyết #{vote_id} của {dossier_code_of(demo_db, vote_dossier)}" in found
    assert "bị xóa ngoài phần mềm" in found
    assert f"hồ sơ {dossier_code} (#{dossier_id}): tên sáng kiến: nhật ký ghi" in found
    assert "bảng có Tên sửa ngoài phần mềm" in found
    assert "cài đặt «la»: có trong bảng nhưng nhật ký chưa ghi lần nào" in found
    assert "cài đặt «place_name»: nhật ký ghi" in found and "bảng có Nơi khác" in found


def dossier_code_of(db: Database, dossier_id: int) -> str:
    with db.reading() as s:
        return s.get(Dossier, dossier_id).code  # type: ignore[union-attr]


def test_an_emptied_log_is_named(demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _raw(demo_db, "DELETE FROM audit_log")
    head = _errors(demo_db, "audit_head")
    assert len(head) == 1 and "đã bị xóa hết" in head[0]
    url = demo_db.url.render_as_string(hide_password=False)
    capsys.readouterr()
    assert main(["--db", url, "check"]) == 1


def test_a_log_cut_at_its_end_is_named(demo_db: Database) -> None:
    settings_service.set_many(demo_db, {"place_name": "Tam Điệp"})
    settings_service.set_many(demo_db, {"place_name": "Ninh Bình"})
    _raw(demo_db, "DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 2 FROM audit_log)")
    head = _errors(demo_db, "audit_head")
    assert head and "bị cắt ở cuối" in head[0] and "mất ít nhất 2 dòng" in head[0]


def test_the_finalize_archive_names_a_log_rewritten_with_its_head(demo_db: Database, tmp_path: Path) -> None:
    # the archive in its default place (beside the database): found even when the log no longer names it
    result = finalize.finalize_round(
        demo_db, "2026/1", decision_no="15/QĐ-HĐSK", decision_date=dt.date(2026, 5, 25)
    )
    assert result.archive is not None
    kept = audit_replay.read_archive_head(result.archive.folder)
    assert kept is not None and kept.database == backup.database_name(demo_db)
    assert "MOC-NHAT-KY.json" in result.archive.files  # covered by SHA256SUMS
    assert check.run_checks(demo_db).ok
    # cut the log back to before the finalize and move the settings' head along: only the archive knows
    with demo_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": kept.entry_id})
        last_id, last_hash = conn.execute(
            text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        ).one()
        conn.execute(
            text("UPDATE settings SET value = :v WHERE key = 'audit_head'"), {"v": f"{last_id} {last_hash}"}
        )
    head = _errors(demo_db, "audit_head")
    assert any(result.archive.folder.name in m and f"dòng {kept.entry_id}" in m for m in head), head


def test_every_commit_records_the_rows_it_touched(demo_db: Database) -> None:
    score_id, _code, _member, points = _open_score(demo_db)
    new = points - Decimal("0.5") if points >= 1 else points + Decimal("0.5")
    with demo_db.session() as s:  # no audit.record: the hook writes its own entry
        s.get(Score, score_id).points = new  # type: ignore[union-attr]
    with demo_db.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert entry.action == "record" and "1 dòng" in entry.summary
        assert entry.hash_version == audit.HASH_VERSION and audit.entry_hash(entry) == entry.hash
        assert audit.stored_head(s) == (entry.id, entry.hash)
        ((table, columns, rows),) = list(audit_rows.decode(entry.row_values))
    assert (
        table == "scores"
        and rows[str(score_id)].split("\t")[columns.index("points")] == f"{new.normalize():f}"
    )
    assert check.run_checks(demo_db).ok


def test_bulk_statements_and_cascades_of_the_app_are_recorded(demo_db: Database) -> None:
    with demo_db.reading() as s:
        rid = s.scalar(select(Round.id).where(Round.status == "scoring").order_by(Round.id).limit(1))
        dossier_id = s.scalar(
            select(Score.dossier_id)
            .join(Dossier, Dossier.id == Score.dossier_id)
            .where(Dossier.round_id == rid)
            .limit(1)
        )
    with demo_db.session() as s:
        s.execute(update(Score).where(Score.dossier_id == dossier_id).values(points=Decimal("1")))
        s.add(GradeResult(dossier_id=dossier_id, grade="C", reward=0, mean=Decimal("61")))
    with demo_db.session() as s:
        s.execute(delete(GradeResult).where(GradeResult.dossier_id == dossier_id))
    assert check.run_checks(demo_db).ok
    with demo_db.session() as s:  # scores, votes … go by the database's cascade
        s.delete(s.get(Dossier, dossier_id))
    with demo_db.reading() as s:
        assert s.scalar(select(func.count(Score.id)).where(Score.dossier_id == dossier_id)) == 0
    assert check.run_checks(demo_db).ok


def test_the_head_setting_is_not_itself_recorded(demo_db: Database) -> None:
    with demo_db.reading() as s:
        head = s.get(Setting, audit_rows.HEAD_KEY)
        assert head is not None and re.fullmatch(r"\d+ [0-9a-f]{64}", head.value)
        text_ = "".join(s.scalars(select(AuditEntry.row_values)))
    assert audit_rows.HEAD_KEY not in text_


def test_canonical_fields_are_built_the_same_way_on_both_databases(db: Database) -> None:
    """The line of a row is built by the database; SQLite and PostgreSQL give the same text."""
    tricky = "dòng 1\tcột\ndòng 2 \\ hết"
    with db.session() as s:
        rnd = rounds.create_round(s, 2026, 1, receive_until=dt.date(2026, 5, 25))
        rnd.note = tricky
        rnd.name = "x" * 65
        rnd.score_spread_limit = Decimal("20.50")
        rnd.double_entry = True
        rnd.finalized_at = dt.datetime(2026, 5, 25, 8, 30, 15)
        s.flush()
        rid = rnd.id
    spec = audit_rows.SPECS["rounds"]
    with db.reading() as s:
        line = audit_rows.read_rows(s.connection(), spec, [rid])[str(rid)]
    assert line is not None
    values = dict(zip(spec.columns, audit_rows.fields(line), strict=True))
    assert values["year"] == "2026" and values["receive_until"] == "2026-05-25"
    assert values["score_spread_limit"] == "20.5" and values["double_entry"] == "1"
    assert values["finalized_at"] == "2026-05-25 08:30:15" and values["decision_date"] == "\\N"
    assert values["name"].startswith("sha256:") and len(values["name"]) == 7 + 16
    assert audit_rows.unescape(values["note"]) == tricky
    assert audit_rows.describe_value(values["decision_date"]) == "(trống)"


def test_a_server_snapshot_replays_on_sqlite(demo_db: Database, tmp_path: Path) -> None:
    """The log written on one database proves the rows on the other (a PostgreSQL snapshot is a SQLite file)."""
    saved = backup.make_backup(demo_db, dest=tmp_path / "ban-sao.db").file.path
    copy = Database.open(saved, migrate=False)
    try:
        report = check.run_checks(copy)
        assert report.ok, [p.message for p in report.errors][:5]
    finally:
        copy.dispose()
