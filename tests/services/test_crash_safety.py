"""Crash safety: a process killed with SIGKILL in the middle of a long write, a backup or a restore leaves the
database consistent (``sangkien check`` passes) with all or none of the interrupted work; two processes
writing at once never corrupt the file or fork the audit chain."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.db.sqlite_copy import integrity_problems
from sangkien_desktop.models import AuditEntry, Unit
from sangkien_desktop.services import audit, backup, stats

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL of a child process"),
]

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.crash_child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=ENV,
        cwd=ROOT,
    )


def _wait_for_mid(proc: subprocess.Popen[str], timeout: float = 120) -> None:
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
    finally:
        watchdog.cancel()
    if line.strip() != "MID":
        proc.kill()
        _out, err = proc.communicate()
        pytest.fail(f"child did not reach the middle of its work: {line!r} {err}")


def _kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _check_ok(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code = main(["--db", url, "check", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["ok"], report["problems"]


def test_kill_in_the_middle_of_a_long_write_leaves_nothing(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # paused at the first score: units, people, registrations, dossiers and authors are already written
    proc = _spawn("cli", "scores", "--db", db_url, "demo", "--dossiers", "3000")
    _wait_for_mid(proc)
    _kill(proc)
    _check_ok(db_url, capsys)
    counts = stats.get_stats(db).as_dict()
    assert counts == {k: 0 for k in counts}, counts  # none of the half-written demo is there


@pytest.mark.parametrize("delay", [1.0, 2.0, 3.5])
def test_kill_at_any_moment_leaves_all_or_nothing(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str], delay: float
) -> None:
    proc = _spawn("cli", "0", "--db", db_url, "demo", "--dossiers", "3000")
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)  # the import may have just finished: then the kill finds it done
    proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGKILL)
    _check_ok(db_url, capsys)
    counts = stats.get_stats(db)
    assert (counts.units, counts.dossiers) in {(0, 0), (40, 330)}


def test_kill_during_a_backup_leaves_no_half_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "sangkien.db"
    assert main(["--db", str(source), "demo", "--dossiers", "200"]) == 0
    opened = Database.open(source)
    before = stats.get_stats(opened)
    opened.dispose()
    target = tmp_path / "backups" / "ban-sao.db"
    proc = _spawn("copy", str(source), str(target))
    _wait_for_mid(proc)
    _kill(proc)
    assert not target.exists()  # only ban-sao.db.part, never a file that looks finished
    assert (tmp_path / "backups" / "ban-sao.db.part").exists()
    assert integrity_problems(source) == []
    _check_ok(str(source), capsys)
    database = Database.open(source)
    try:
        assert stats.get_stats(database) == before
        assert not list((tmp_path / "backups").glob("*.db"))
        assert backup.list_backups([tmp_path / "backups"]) == []
    finally:
        database.dispose()


def test_kill_during_a_restore_keeps_the_old_or_the_new_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "sangkien.db"
    other = tmp_path / "khac.db"
    assert main(["--db", str(live), "demo", "--dossiers", "30", "--seed", "1"]) == 0
    assert main(["--db", str(other), "demo", "--dossiers", "200", "--seed", "2"]) == 0
    copy = tmp_path / "khac-sao-luu.db"
    assert main(["--db", str(other), "backup", "-o", str(copy)]) == 0
    proc = _spawn("overwrite", str(copy), str(live))
    _wait_for_mid(proc)
    _kill(proc)
    _check_ok(str(live), capsys)
    database = Database.open(live)
    try:
        assert stats.get_stats(database).dossiers in {30, 200}
    finally:
        database.dispose()


def test_two_writers_at_once_never_corrupt_the_file_or_the_chain(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    go = tmp_path / "go"
    n = 60
    procs = [_spawn("writer", db_url, tag, str(n), str(go)) for tag in ("A", "B")]
    time.sleep(1.0)
    go.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    with db.reading() as session:
        assert session.scalar(select(func.count(Unit.id))) == 2 * n
        assert session.scalar(select(func.count(AuditEntry.id))) == 2 * n
        assert audit.verify_chain(session) == []
        prevs = session.scalars(select(AuditEntry.prev_hash)).all()
        assert len(set(prevs)) == len(prevs)  # no two entries chained onto the same one
    if db.is_sqlite:
        assert db.path is not None
        with sqlite3.connect(db.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    _check_ok(db_url, capsys)


def _registration_file(path: Path, n: int) -> Path:
    from sangkien_desktop.domain import registration_form as form
    from tests.helpers.registration_files import SAMPLE_ROWS, write_xlsx

    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    given = ["Hương", "Đức", "Lan", "Minh", "Thảo", "Hùng", "Ngọc", "Quân", "Yến", "Sơn"]
    rows = []
    for i in range(n):
        row = dict(SAMPLE_ROWS[i % len(SAMPLE_ROWS)])
        row[form.TITLE] = f"Giải pháp số {i + 1}: {row[form.TITLE]}"
        row[form.AUTHORS] = f"{families[i % 8]} Văn {given[(i // 8) % 10]}"
        row[form.DEPARTMENT] = "Tổ chuyên môn"
        rows.append(row)
    return write_xlsx(path, rows, year=2026)


IMPORT_ARGS = ["--year", "2026", "--create-units", "--no-duplicates"]


def test_kill_in_the_middle_of_an_import_leaves_none_of_its_rows(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers.cli_runs import group_commands

    if "registrations" not in group_commands("import"):
        pytest.skip("the registration import is not on this branch")
    n = 1500
    source = _registration_file(tmp_path / "dang-ky-lon.xlsx", n)
    args = ["--db", db_url, "import", "registrations", str(source), *IMPORT_ARGS]
    # The import writes its rows in batches (one flush, INSERT … VALUES of many rows): pause once the
    # first batch of registrations is in the open transaction, then kill.
    proc = _spawn("cli", "registrations", *args)
    _wait_for_mid(proc)
    _kill(proc)
    _check_ok(db_url, capsys)
    counts = stats.get_stats(db)
    assert (counts.registrations, counts.units) == (0, 0)  # none of the file, not even its new unit
    with db.reading() as session:
        assert session.scalar(select(func.count(AuditEntry.id))) == 0

    # the same file imported without interruption: all of it
    assert main(args) == 0
    assert stats.get_stats(db).registrations == n
    _check_ok(db_url, capsys)


@pytest.mark.parametrize("delay", [1.5, 3.0])
def test_import_killed_at_any_moment_is_all_or_nothing(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], delay: float
) -> None:
    from tests.helpers.cli_runs import group_commands

    if "registrations" not in group_commands("import"):
        pytest.skip("the registration import is not on this branch")
    n = 800
    source = _registration_file(tmp_path / "dang-ky.xlsx", n)
    proc = _spawn("cli", "0", "--db", db_url, "import", "registrations", str(source), *IMPORT_ARGS)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)  # the import may have just finished: then the kill finds it done
    proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGKILL)
    _check_ok(db_url, capsys)
    assert stats.get_stats(db).registrations in {0, n}
