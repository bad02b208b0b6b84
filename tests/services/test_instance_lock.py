"""The "database in use" notice: markers of live copies are seen, markers left by crashed copies are removed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import instance_lock
from sangkien_desktop.services.instance_lock import InstanceMarker

ROOT = Path(__file__).resolve().parents[2]


def _marker(db_path: Path, host: str, pid: int, age_s: float = 0) -> Path:
    path = db_path.parent / f".{db_path.name}.dang-mo.{host}.{pid}"
    path.write_text(
        json.dumps({"host": host, "pid": pid, "user": "thuky", "since": "2026-11-23T08:00:00"}),
        encoding="utf-8",
    )
    if age_s:
        old = time.time() - age_s
        os.utime(path, (old, old))
    return path


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = Database.open(tmp_path / "sangkien.db")
    yield db  # type: ignore[misc]
    db.dispose()


def test_alone_then_a_second_copy_is_told(database: Database) -> None:
    first, others = InstanceMarker.acquire(database)
    assert first is not None and others == []
    # a second copy: another live process on this computer
    parent = _marker(first.db_path, instance_lock.this_host(), os.getppid())
    second, others = InstanceMarker.acquire(database)
    assert second is not None and [h.pid for h in others] == [os.getppid()]
    assert "thuky trên máy" in instance_lock.in_use_message(others)
    parent.unlink()
    first.release()
    assert not first.path.exists()


def test_marker_of_a_killed_copy_is_stale(database: Database, tmp_path: Path) -> None:
    code = (
        "import sys, time; from sangkien_desktop.db.database import Database; "
        "from sangkien_desktop.services.instance_lock import InstanceMarker; "
        f"m, _ = InstanceMarker.acquire(Database.open({str(database.path)!r})); print('MID', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "MID"
    assert database.path is not None
    _mine, others = InstanceMarker.acquire(database)
    assert [h.pid for h in others] == [proc.pid]
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    _mine, others = InstanceMarker.acquire(database)
    assert others == []
    assert not list(tmp_path.glob(f".sangkien.db.dang-mo.*.{proc.pid}"))


def test_other_computers_expire_without_heartbeat(database: Database) -> None:
    assert database.path is not None
    fresh = _marker(database.path, "may-ke-toan", 4242)
    old = _marker(database.path, "may-cu", 4343, age_s=instance_lock.STALE_AFTER_S + 60)
    garbage = database.path.parent / f".{database.path.name}.dang-mo.hong.1"
    garbage.write_text("{", encoding="utf-8")
    os.utime(garbage, (time.time() - 120, time.time() - 120))
    _m, others = InstanceMarker.acquire(database)
    assert [h.host for h in others] == ["may-ke-toan"]
    assert fresh.exists() and not old.exists() and not garbage.exists()


def test_server_databases_get_no_marker(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    assert InstanceMarker.acquire(db) == (None, [])


def test_pid_alive() -> None:
    assert instance_lock.pid_alive(os.getpid())
    assert not instance_lock.pid_alive(0)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not instance_lock.pid_alive(proc.pid)
