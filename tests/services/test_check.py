"""``check``: a sound database passes; each kind of damage or broken rule is found and named."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import text

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import check


def _rules(report: check.CheckReport) -> set[str]:
    return {p.rule for p in report.errors}


def test_demo_database_passes(demo_db: Database) -> None:
    report = check.run_checks(demo_db)
    assert report.ok, [p.message for p in report.problems]
    ran = {r.rule for r in report.rules if not r.skipped}
    assert {"audit_chain", "contributions", "receipt_numbers", "scores", "grade_results", "schema"} <= ran
    if demo_db.is_sqlite:
        assert {"integrity", "foreign_keys"} <= ran


def _sql(*statements: str) -> Callable[[Database], None]:
    def run(db: Database) -> None:
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for statement in statements:
                conn.execute(text(statement))

    return run


@pytest.mark.parametrize(
    ("damage", "rule", "words"),
    [
        (
            _sql("UPDATE authorships SET contribution = 10 WHERE id = (SELECT MIN(id) FROM authorships)"),
            "contributions",
            "tổng tỷ lệ đóng góp",
        ),
        (
            _sql("UPDATE scores SET points = 105 WHERE id = (SELECT MIN(id) FROM scores)"),
            "scores",
            "ngoài khoảng 0",
        ),
        (
            _sql("UPDATE scores SET points = -1 WHERE id = (SELECT MAX(id) FROM scores)"),
            "scores",
            "ngoài khoảng 0",
        ),
        (
            _sql(
                "UPDATE scores SET criterion_id = (SELECT MAX(id) FROM criteria) "
                "WHERE id = (SELECT MIN(id) FROM scores)"
            ),
            "scores",
            "tiêu chí thuộc đợt khác",
        ),
        (
            _sql(
                "UPDATE rounds SET status = 'open' WHERE id = 1",
                "INSERT INTO grade_results (dossier_id, mean, rank, grade, reward, tie, reason, council_note, "
                "computed_at) SELECT MIN(id), 80, 1, 'A', 0, false, '', '', CURRENT_TIMESTAMP FROM dossiers "
                "WHERE round_id = 1",
            ),
            "grade_results",
            "chưa ở giai đoạn chấm điểm",
        ),
        (
            _sql("UPDATE votes SET in_favour = present + 3 WHERE id = (SELECT MIN(id) FROM votes)"),
            "votes",
            "biểu quyết không khớp",
        ),
        (
            _sql("UPDATE rounds SET status = 'finalized', finalized_at = NULL WHERE id = 2"),
            "rounds",
            "không ghi thời điểm chốt",
        ),
        (
            _sql(
                "INSERT INTO certificates (year, register_no, dossier_id, person_id, created_at) "
                "SELECT 2026, 1, MIN(d.id), (SELECT MAX(id) FROM people), CURRENT_TIMESTAMP FROM dossiers d"
            ),
            "certificates",
            "không phải tác giả",
        ),
        (
            _sql("UPDATE audit_log SET new_values = '{}' WHERE id = 3"),
            "audit_chain",
            "Nhật ký dòng 3",
        ),
    ],
)
def test_broken_rules_are_found(
    demo_db: Database, damage: Callable[[Database], None], rule: str, words: str
) -> None:
    damage(demo_db)
    report = check.run_checks(demo_db)
    assert not report.ok
    assert rule in _rules(report), [p.message for p in report.problems]
    messages = " | ".join(p.message for p in report.errors if p.rule == rule)
    assert words in messages, messages
    assert all(p.message for p in report.problems)


def test_duplicate_receipt_numbers_and_dangling_references_on_sqlite(demo_db: Database) -> None:
    if not demo_db.is_sqlite:
        pytest.skip("the server enforces unique and foreign keys itself")
    with demo_db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql("DROP INDEX IF EXISTS uq_dossiers_year_receipt_no")
        # a unique constraint created with the table is an internal index: rebuild the table without it
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name='dossiers'").scalar()
        assert sql is not None
        conn.exec_driver_sql("PRAGMA legacy_alter_table=ON")  # children keep referring to "dossiers"
        conn.exec_driver_sql("ALTER TABLE dossiers RENAME TO dossiers_old")
        unique = r",\s*CONSTRAINT uq_dossiers_year_receipt_no UNIQUE \(year, receipt_no\)"
        conn.exec_driver_sql(re.sub(unique, "", sql))
        conn.exec_driver_sql("INSERT INTO dossiers SELECT * FROM dossiers_old")
        conn.exec_driver_sql("DROP TABLE dossiers_old")
        conn.exec_driver_sql("UPDATE dossiers SET receipt_no = 1 WHERE receipt_no = 2")
        conn.exec_driver_sql("UPDATE scores SET member_id = 99999 WHERE id = (SELECT MIN(id) FROM scores)")
    report = check.run_checks(demo_db)
    rules = _rules(report)
    assert "receipt_numbers" in rules and "foreign_keys" in rules
    assert any("số tiếp nhận 1 được dùng cho 2 hồ sơ" in p.message for p in report.errors)


def test_outdated_schema_is_reported(demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    report = check.run_checks(demo_db)
    assert "schema" in _rules(report)
    assert any("sangkien migrate" in p.message for p in report.errors)


def test_report_as_json_dict(demo_db: Database) -> None:
    data = check.run_checks(demo_db).as_dict()
    assert data["ok"] is True and data["errors"] == 0
    assert {r["rule"] for r in data["rules"]} >= {"audit_chain", "scores"}
