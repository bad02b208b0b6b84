"""A database file on a (fake) network mount: no WAL, exclusive locking, one copy at a time, the second copy
refused with the holder named, backups in the local data folder."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sangkien_desktop import paths
from sangkien_desktop.cli import main as cli_main
from sangkien_desktop.db import in_use, network
from sangkien_desktop.db.database import NETWORK_NOTICE, Database, DatabaseInUseError
from sangkien_desktop.services import backup, check, demo

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fakes /proc/mounts")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that the mount table (a fake /proc/mounts) says is a CIFS share."""
    folder = tmp_path / "so-lieu"
    folder.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\n//may-chu/so-lieu {folder} cifs rw,vers=3.1.1 0 0\n")
    monkeypatch.setattr(network, "MOUNTS_FILE", mounts)
    return folder


@pytest.fixture
def shared_db(share: Path) -> Iterator[Database]:
    database = Database.open(share / "sangkien.db")
    yield database
    database.dispose()


def _pragma(db: Database, name: str) -> str:
    with db.engine.connect() as conn:
        return str(conn.exec_driver_sql(f"PRAGMA {name}").scalar()).lower()


def test_local_file_uses_wal(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "sangkien.db")
    try:
        assert db.network is None and db.network_notice == ""
        assert _pragma(db, "journal_mode") == "wal"
        assert _pragma(db, "locking_mode") == "normal"
    finally:
        db.dispose()


def test_network_file_uses_rollback_journal_and_exclusive_locking(shared_db: Database, share: Path) -> None:
    assert shared_db.network is not None and shared_db.network.share == "//may-chu/so-lieu"
    assert _pragma(shared_db, "journal_mode") == "delete"
    assert _pragma(shared_db, "locking_mode") == "exclusive"
    assert _pragma(shared_db, "foreign_keys") == "1"
    demo.create_demo(shared_db, dossiers=6)  # services work through the one connection
    assert not (share / "sangkien.db-wal").exists() and not (share / "sangkien.db-shm").exists()
    assert check.run_checks(shared_db).ok
    assert NETWORK_NOTICE in shared_db.network_notice and "move-to" in shared_db.network_notice
    # this copy's marker is beside the file while it is open
    assert in_use.marker_path(share / "sangkien.db").exists()


def test_an_existing_wal_file_is_converted(share: Path) -> None:
    path = share / "cu.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.execute("INSERT INTO t VALUES (7)")
    conn.commit()
    conn.close()
    db = Database.open(path, migrate=False)
    try:
        assert _pragma(db, "journal_mode") == "delete"
        with db.engine.connect() as c:
            assert c.exec_driver_sql("SELECT x FROM t").scalar() == 7
    finally:
        db.dispose()
    assert not path.with_name("cu.db-wal").exists()


def test_backups_of_a_network_file_go_to_the_local_data_folder(shared_db: Database, share: Path) -> None:
    demo.create_demo(shared_db, dossiers=3)
    result = backup.make_backup(shared_db, backup.BackupKind.MANUAL)
    assert result.file.path.parent.parent == paths.backups_dir()
    assert result.file.path.parent.name.startswith("thu-muc-mang_sangkien_")
    assert not (share / "backups").exists()
    assert backup.inspect_backup(result.file.path).count("dossiers") == 3
    assert result.file.path in [b.path for b in backup.backups_of(shared_db)]


def test_info_says_the_file_is_on_a_network_folder(
    shared_db: Database, share: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(shared_db.path)
    shared_db.dispose()  # one copy at a time: the command below is that copy
    assert cli_main(["--db", path, "info"]) == 0
    out = capsys.readouterr().out
    assert NETWORK_NOTICE in out and "move-to postgresql+psycopg://" in out
    assert f"Thư mục sao lưu: {paths.backups_dir() / 'thu-muc-mang_sangkien_'}" in out


def _holder(db_path: Path, mounts: Path) -> subprocess.Popen[str]:
    code = (
        "import sys; from pathlib import Path; from sangkien_desktop.db import network; "
        f"network.MOUNTS_FILE = Path({str(mounts)!r}); "
        "from sangkien_desktop.db.database import Database; "
        f"db = Database.open({str(db_path)!r}); print('READY', flush=True); sys.stdin.readline(); "
        "from sangkien_desktop.services import stats; print(stats.get_stats(db).units, flush=True); db.dispose()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    return proc


def test_a_second_process_is_refused_with_the_holder_named(share: Path, tmp_path: Path) -> None:
    path = share / "sangkien.db"
    first = Database.open(path)
    demo.create_demo(first, dossiers=4)
    units = first_units = 0
    with first.reading() as session:
        from sangkien_desktop.models import Unit

        units = first_units = session.query(Unit).count()
    first.dispose()

    holder = _holder(path, tmp_path / "mounts")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseInUseError) as refused:
            Database.open(path)
        assert time.monotonic() - started < 8
        message = str(refused.value)
        assert f"trên máy {in_use.this_host()}" in message and in_use.login_name() in message
        assert "chỉ một máy dùng được một lúc" in message and "move-to" in message
        assert [h.pid for h in refused.value.holders] == [holder.pid]

        # the command line says the same, as "Lỗi: …", exit 1
        cli = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from sangkien_desktop.db import network; "
                f"network.MOUNTS_FILE = Path({str(tmp_path / 'mounts')!r}); "
                "from sangkien_desktop.cli import main; "
                f"sys.exit(main(['--db', {str(path)!r}, 'stats']))",
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            timeout=60,
        )
        assert cli.returncode == 1
        assert cli.stderr.startswith("Lỗi: ") and f"trên máy {in_use.this_host()}" in cli.stderr
    finally:
        assert holder.stdin is not None
        out, _ = holder.communicate("\n", timeout=60)
    assert holder.returncode == 0 and out.strip() == str(units)
    # the holder closed: the file is sound, its marker is gone, and it opens again
    assert not in_use.others(path)
    again = Database.open(path)
    try:
        assert check.run_checks(again).ok
        with again.reading() as session:
            from sangkien_desktop.models import Unit

            assert session.query(Unit).count() == first_units
    finally:
        again.dispose()


def test_the_one_connection_is_shared_within_a_thread_and_waited_for_across_threads(
    shared_db: Database,
) -> None:
    import threading

    from sqlalchemy import text

    from sangkien_desktop.services import search

    demo.create_demo(shared_db, dossiers=4)
    with shared_db.session() as session:
        session.execute(text("UPDATE units SET short_name = 'mới' WHERE id = 1"))
        # a helper reading with its own connection inside the session gets the same one, and sees the change
        with shared_db.engine.connect() as conn:
            assert conn.execute(text("SELECT short_name FROM units WHERE id = 1")).scalar() == "mới"
        # ... and its end does not end the outer transaction
        assert session.execute(text("SELECT short_name FROM units WHERE id = 1")).scalar() == "mới"
    with shared_db.reading() as session:
        assert session.execute(text("SELECT short_name FROM units WHERE id = 1")).scalar() == "mới"

    seen: list[int] = []
    with shared_db.reading() as session:
        session.execute(text("SELECT 1")).scalar()
        worker = threading.Thread(target=lambda: seen.append(stats_units(shared_db)))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive()  # it waits for the connection this thread holds
    worker.join(30)
    assert seen and seen[0] > 0
    # search works without the FTS index (which would keep a connection of its own)
    with shared_db.reading() as session:
        title = session.execute(text("SELECT title FROM registrations LIMIT 1")).scalar()
    assert search.search(shared_db, str(title))


def stats_units(db: Database) -> int:
    from sangkien_desktop.services import stats

    return stats.get_stats(db).units
