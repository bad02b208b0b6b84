"""Restore trusts nothing (issue 17 §3): a backup whose schema is not its revision's (a foreign trigger, a
dropped table, a fake file), whose audit log is broken or whose rows break references or differ from the
log is refused with its reasons and the current data kept; another page size is fine; a write committed by
another process during a restore is never lost; a killed restore leaves no work folder after the next start."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.db.migrate import head_revision
from sangkien_desktop.models import Base, Score, Unit
from sangkien_desktop.services import backup, check, restore_checks
from sangkien_desktop.services.backup import BackupError, BackupSettings
from tests.services.test_crash_safety import _spawn


def _data(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    data: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            data[table.name] = [
                tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
    return data


def _saved(db: Database, folder: Path) -> Path:
    return backup.make_backup(db, dest=folder / "sao-luu.db").file.path


def _edit(path: Path, *sql: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return path


def _open_score(path: Path) -> int:
    """A score of a round that is not finalized (its row is not locked by the triggers)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT s.id FROM scores s JOIN dossiers d ON d.id = s.dossier_id JOIN rounds r ON r.id = d.round_id "
            "WHERE r.status <> 'finalized' ORDER BY s.id LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()


EVIL = (
    "CREATE TRIGGER diem_bang_khong AFTER INSERT ON scores BEGIN "
    "UPDATE scores SET points = 0 WHERE id = NEW.id; END"
)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "foreign trigger": (lambda p: _edit(p, EVIL), "trigger lạ «diem_bang_khong»"),
    "scores dropped": (lambda p: _edit(p, "DROP TABLE scores"), "thiếu bảng «scores»"),
    "extra column": (lambda p: _edit(p, "ALTER TABLE votes ADD COLUMN x TEXT"), "cột lạ x"),
    "index dropped": (lambda p: _edit(p, "DROP INDEX ix_scores_dossier_id"), "thiếu chỉ mục"),
    "lock trigger rewritten": (
        lambda p: _edit(
            p, "DROP TRIGGER sk_lock_scores_update", EVIL.replace("diem_bang_khong", "sk_lock_scores_update")
        ),
        "trigger «sk_lock_scores_update» khác",
    ),
    "broken chain": (lambda p: _edit(p, "UPDATE audit_log SET summary = 'sửa lén' WHERE id = 3"), "nhật ký"),
    "log cut at its end": (
        lambda p: _edit(p, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"),
        "cắt",
    ),
    "foreign keys": (lambda p: _edit(p, "DELETE FROM council_members"), "tham chiếu"),
    "score edited": (
        lambda p: _edit(p, f"UPDATE scores SET points = points - 1 WHERE id = {_open_score(p)}"),
        "không khớp nhật ký",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_backup_is_refused_and_nothing_changes(
    demo_db: Database, tmp_path: Path, case: str
) -> None:
    make, reason = HOSTILE[case]
    path = make(_saved(demo_db, tmp_path))
    before = _data(demo_db)
    with pytest.raises(BackupError, match="Không khôi phục") as refused:
        backup.restore(demo_db, path, settings=BackupSettings())
    assert reason in str(refused.value)
    assert "Dữ liệu hiện tại không bị thay đổi" in str(refused.value)
    assert _data(demo_db) == before
    assert not list(tmp_path.parent.glob(".khoi-phuc-*"))


@pytest.mark.parametrize("case", ["foreign trigger", "scores dropped"])
def test_restore_yes_refuses_from_the_command_line(
    demo_db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    if not demo_db.is_sqlite:
        db_url = demo_db.url.render_as_string(hide_password=False)
    make, reason = HOSTILE[case]
    path = make(_saved(demo_db, tmp_path))
    before = _data(demo_db)
    capsys.readouterr()
    assert main(["--db", db_url, "restore", str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and reason in err and "Traceback" not in err
    assert _data(demo_db) == before


def test_a_fake_file_with_the_apps_two_tables_is_refused(demo_db: Database, tmp_path: Path) -> None:
    fake = tmp_path / "gia.db"
    _edit(
        fake,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        f"INSERT INTO alembic_version VALUES ('{head_revision()}')",
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT)",
    )
    before = _data(demo_db)
    with pytest.raises(BackupError, match=r"thiếu bảng .*«scores»"):
        backup.restore(demo_db, fake, settings=BackupSettings())
    assert _data(demo_db) == before


def test_a_backup_with_another_page_size_is_accepted(demo_db: Database, tmp_path: Path) -> None:
    path = _saved(demo_db, tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA page_size=8192")
        conn.execute("VACUUM")
        assert conn.execute("PRAGMA page_size").fetchone() == (8192,)
    with demo_db.session() as s:
        s.add(Unit(name="Đơn vị thêm sau khi sao lưu"))
    backup.restore(demo_db, path, settings=BackupSettings())
    with demo_db.reading() as s:
        assert s.scalar(select(func.count(Unit.id)).where(Unit.name == "Đơn vị thêm sau khi sao lưu")) == 0
        assert s.scalar(select(func.count(Score.id)))
    assert check.run_checks(demo_db).ok


def test_the_expected_schema_is_cached_per_revision(tmp_path: Path) -> None:
    schema = restore_checks.expected_schema(head_revision())
    assert "scores" in schema["tables"] and any(n.startswith("sk_lock_") for n in schema["triggers"])
    cached = list((Path(os.environ["SANGKIEN_DATA_DIR"]) / "schema-cache").glob(f"{head_revision()}-*.json"))
    assert (
        cached
        and json.loads(cached[0].read_text(encoding="utf-8"))["tables"].keys() == schema["tables"].keys()
    )
    old = restore_checks.expected_schema("0005")
    assert "row_values" not in [c[0] for c in old["tables"]["audit_log"]["columns"]]
    assert not [n for n in old["triggers"] if n.startswith("sk_lock_")]


# processes ------------------------------------------------------------------------------------------------
def _wait_for_lines(path: Path, n: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and len(path.read_text(encoding="utf-8").splitlines()) >= n:
            return
        time.sleep(0.05)
    pytest.fail(f"the writer did not write {n} units in {timeout} s")


def _names(db: Database) -> set[str]:
    with db.reading() as s:
        return set(s.scalars(select(Unit.name)))


@pytest.mark.slow
def test_a_write_committed_by_another_process_during_a_restore_is_kept(
    demo_db: Database, tmp_path: Path
) -> None:
    url = demo_db.url.render_as_string(hide_password=False)
    saved = _saved(demo_db, tmp_path)
    go, stop, out = tmp_path / "go", tmp_path / "stop", tmp_path / "written.txt"
    writer = _spawn("logwriter", url, str(go), str(stop), str(out))
    try:
        go.touch()
        _wait_for_lines(out, 5)  # the writer is writing
        result = backup.restore(demo_db, saved, settings=BackupSettings())
        _wait_for_lines(out, len(out.read_text(encoding="utf-8").splitlines()) + 5)  # and goes on after it
    finally:
        stop.touch()
        _out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    committed = [n for n in out.read_text(encoding="utf-8").splitlines() if n]
    assert len(committed) > 10
    assert result.safety_copy is not None
    kept = Database.open(result.safety_copy, migrate=False)
    try:
        in_safety_copy = _names(kept)
    finally:
        kept.dispose()
    now = _names(demo_db)
    lost = [n for n in committed if n not in in_safety_copy and n not in now]
    assert lost == [], f"{len(lost)} of {len(committed)} committed writes lost"
    assert any(n in now for n in committed) and any(n in in_safety_copy for n in committed)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL of a child process")
def test_a_killed_restore_leaves_no_work_folder_after_the_next_start(tmp_path: Path) -> None:
    live, other = tmp_path / "sangkien.db", tmp_path / "khac.db"
    assert main(["--db", str(live), "demo", "--dossiers", "30", "--seed", "1"]) == 0
    assert main(["--db", str(other), "demo", "--dossiers", "60", "--seed", "2"]) == 0
    copy = tmp_path / "khac-sao-luu.db"
    assert main(["--db", str(other), "backup", "-o", str(copy)]) == 0
    proc = _spawn("restore", str(live), str(copy))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "MID", proc.communicate()[1]
    assert list(tmp_path.glob(".khoi-phuc-*"))
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    database = Database.open(live)
    try:
        assert not list(tmp_path.glob(".khoi-phuc-*"))
        assert check.run_checks(database).ok
        with database.reading() as s:
            assert s.scalar(select(func.count()).select_from(Base.metadata.tables["dossiers"])) == 30
    finally:
        database.dispose()
