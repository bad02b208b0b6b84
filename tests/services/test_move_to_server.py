"""``move-to``: a SQLite file moved to an empty PostgreSQL database in one step (the copy against CI's real
server, the refusals on any machine)."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from sangkien_desktop.cli import main as cli_main
from sangkien_desktop.db import in_use, network
from sangkien_desktop.db.database import Database, moved_note
from sangkien_desktop.domain.errors import DatabaseError
from sangkien_desktop.services import audit, check, demo, stats
from sangkien_desktop.services.move_to_server import MoveError, move_to_server, parse_server_url

SEED_DOSSIERS = 12


def _fingerprint(db: Database) -> dict[str, object]:
    """What must be equal before and after: counts, the audit chain, and ``check``'s findings."""
    from sqlalchemy import func, select

    from sangkien_desktop.models import Base

    with db.reading() as session:
        counts = {
            t.name: session.execute(select(func.count()).select_from(t)).scalar()
            for t in Base.metadata.sorted_tables
        }
        chain = [p.entry_id for p in audit.verify_chain(session)]
    report = check.run_checks(db)
    return {
        "counts": counts,
        "chain": chain,
        "check": sorted((p.rule, p.severity, p.message) for p in report.problems),
        "check_ok": report.ok,
        "stats": stats.get_stats(db).as_dict(),
    }


def _source(path: Path) -> Path:
    db = Database.open(path)
    try:
        demo.create_demo(db, dossiers=SEED_DOSSIERS, seed=3)
    finally:
        db.dispose()
    return path


@pytest.mark.parametrize("location", ["local", "network"])
def test_move_to_postgresql(
    server_url: URL,
    tmp_path: Path,
    location: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "so-lieu"
    folder.mkdir()
    if location == "network":  # the file on a (fake) CIFS share: exclusive lock, one connection
        mounts = tmp_path / "mounts"
        mounts.write_text(f"/dev/vda / ext4 rw 0 0\n//may-chu/so-lieu {folder} cifs rw 0 0\n")
        monkeypatch.setattr(network, "MOUNTS_FILE", mounts)
    path = _source(folder / "sangkien.db")
    db = Database.open(path)
    assert (db.network is not None) == (location == "network")
    before = _fingerprint(db)
    db.dispose()
    assert before["check_ok"] and before["chain"] == [] and before["counts"]["scores"] > 0

    target = server_url.render_as_string(hide_password=False)
    assert cli_main(["--db", str(path), "move-to", target, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["connection"]["env"] == f"SANGKIEN_DB_URL={target}"
    assert result["audit_problems"] == 0 and result["audit_entries"] == before["counts"]["audit_log"]
    assert {k: v["server"] for k, v in result["tables"].items()} == before["counts"]

    server = Database.open(server_url)
    try:
        after = _fingerprint(server)
        assert after == before
        # the server goes on: new rows get ids after the copied ones, and the log chain continues
        with server.session() as session:
            audit.record(session, "update", "settings", "x", "Sau khi chuyển lên máy chủ")
        with server.reading() as session:
            assert audit.verify_chain(session) == []
    finally:
        server.dispose()

    # the file: read-only, with the note; opening it again points to the server
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    note = moved_note(path).read_text(encoding="utf-8")
    assert "SANGKIEN_DB_URL=" in note and "đã được chuyển lên máy chủ" in note
    with pytest.raises(DatabaseError, match="đã được chuyển lên máy chủ"):
        Database.open(path)
    assert not in_use.others(path)


def test_move_to_prints_the_connection_line(
    server_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _source(tmp_path / "sangkien.db")
    target = server_url.render_as_string(hide_password=False)
    assert cli_main(["--db", str(path), "move-to", target]) == 0
    out = capsys.readouterr().out
    assert f"SANGKIEN_DB_URL={target}" in out and f'--db "{target}"' in out
    assert "Số dòng khớp từng bảng" in out and "nguyên vẹn" in out
    # a second move into the same server is refused before anything is touched
    other = _source(tmp_path / "khac.db")
    assert cli_main(["--db", str(other), "move-to", target]) == 1
    assert "đã có dữ liệu" in capsys.readouterr().err
    assert not moved_note(other).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://thuky@may-chu/sangkien", "Chỉ chuyển được lên máy chủ PostgreSQL"),
        ("postgresql://thuky@may-chu", "thiếu tên cơ sở dữ liệu"),
        ("không phải địa chỉ", "không hợp lệ"),
    ],
)
def test_bad_server_addresses(url: str, message: str) -> None:
    with pytest.raises(MoveError, match=message):
        parse_server_url(url)


def test_plain_postgresql_gets_the_psycopg_driver() -> None:
    assert parse_server_url("postgresql://thuky@may-chu/sangkien").drivername == "postgresql+psycopg"


def test_refused_while_another_copy_has_the_file_open(tmp_path: Path) -> None:
    path = _source(tmp_path / "sangkien.db")
    other = path.parent / f"{in_use.marker_prefix(path)}may-ke-toan.4242"
    other.write_text(
        json.dumps({"host": "may-ke-toan", "pid": 4242, "user": "ketoan", "since": "2026-11-23T08:00:00"}),
        encoding="utf-8",
    )
    db = Database.open(path)
    try:
        with pytest.raises(MoveError, match="ketoan trên máy may-ke-toan"):
            move_to_server(db, "postgresql+psycopg://thuky@127.0.0.1:1/sangkien")
    finally:
        db.dispose()
    assert not moved_note(path).exists() and path.stat().st_mode & stat.S_IWUSR


def test_an_unreachable_server_changes_nothing(tmp_path: Path) -> None:
    path = _source(tmp_path / "sangkien.db")
    code = cli_main(["--db", str(path), "move-to", "postgresql+psycopg://thuky@127.0.0.1:1/sangkien"])
    assert code == 1
    assert not moved_note(path).exists() and path.stat().st_mode & stat.S_IWUSR


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_server_database_cannot_be_moved(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(MoveError, match="đã ở trên máy chủ"):
        move_to_server(db, "postgresql+psycopg://thuky@may-chu/sangkien")
