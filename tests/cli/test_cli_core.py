from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import distinct, func, select

from sangkien_desktop import __version__
from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import CouncilMember, Dossier, Registration, Score, Unit

ROOT = Path(__file__).resolve().parents[2]


def test_demo_then_stats_json_matches_database(
    db_url: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "demo", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Đã tạo dữ liệu mẫu" in out
    assert main(["--db", db_url, "stats", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    with db.reading() as session:
        assert counts["units"] == session.scalar(select(func.count(Unit.id)))
        assert counts["registrations"] == session.scalar(select(func.count(Registration.id)))
        assert counts["dossiers"] == session.scalar(select(func.count(Dossier.id)))
        assert counts["members"] == session.scalar(select(func.count(distinct(CouncilMember.person_id))))
        assert counts["scores"] == session.scalar(select(func.count(Score.id)))
    assert counts["units"] >= 38 and counts["members"] == 7 and counts["scores"] > 0


def test_db_option_after_the_command(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["units"] == 0


def test_demo_on_non_empty_database_is_refused(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "demo", "--dossiers", "10"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "demo"]) == 1
    err = capsys.readouterr().err
    assert "Lỗi:" in err and "đã có dữ liệu" in err


def test_rounds_list(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "rounds", "list"]) == 0
    assert "Chưa có đợt nào" in capsys.readouterr().out
    main(["--db", db_url, "demo", "--dossiers", "12"])
    capsys.readouterr()
    assert main(["--db", db_url, "rounds", "list", "--json"]) == 0
    rounds = json.loads(capsys.readouterr().out)
    assert [(r["year"], r["number"]) for r in rounds] == [(2026, 2), (2026, 1)]
    assert sum(r["dossiers"] for r in rounds) == 12
    assert main(["--db", db_url, "rounds", "list"]) == 0
    assert "Đợt 1 năm 2026" in capsys.readouterr().out


def test_group_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rounds"]) == 2
    assert "list" in capsys.readouterr().out


def test_info_and_migrate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.db"
    assert main(["--db", str(path), "migrate"]) == 0
    assert "Đã nâng cấp" in capsys.readouterr().out
    assert main(["--db", str(path), "migrate"]) == 0
    assert "mới nhất" in capsys.readouterr().out
    assert main(["--db", str(path), "info"]) == 0
    assert str(path) in capsys.readouterr().out


def test_console_entry_point_runs_in_a_subprocess(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    db = tmp_path / "sub.db"
    done = subprocess.run(
        [sys.executable, "-m", "sangkien_desktop", "--db", str(db), "demo", "--dossiers", "5", "--seed", "3"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Đã tạo dữ liệu mẫu" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "sangkien_desktop", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert version.stdout.strip() == f"sangkien {__version__}"
