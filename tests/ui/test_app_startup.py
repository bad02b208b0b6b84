"""The GUI program: a copy of the database is taken at start-up (before any upgrade) and at exit, and the
"in use" marker is written and removed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sangkien_desktop.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


def _run_gui(db: Path, data: Path, png: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", SANGKIEN_DATA_DIR=str(data))
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sangkien_desktop.ui.app import main; sys.exit(main(sys.argv[1:]))",
            "--db",
            str(db),
            "--no-prompt",
            "--screenshot",
            str(png),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_start_and_exit_backups_and_marker(tmp_path: Path) -> None:
    db = tmp_path / "sangkien.db"
    assert cli(["--db", str(db), "demo", "--dossiers", "10"]) == 0
    stale = tmp_path / ".sangkien.db.dang-mo.may-khac.1"
    stale.write_text(
        '{"host": "may-khac", "pid": 1, "user": "a", "since": "2026-01-01T00:00:00"}', encoding="utf-8"
    )
    os.utime(stale, (0, 0))
    done = _run_gui(db, tmp_path / "data", tmp_path / "shot.png")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "shot.png").is_file()
    backups = sorted(p.name for p in (tmp_path / "backups").glob("sangkien_*.db"))
    assert len(backups) == 1 and backups[0].endswith(
        "_khoi-dong.db"
    )  # nothing changed: no second copy at exit
    assert not list(tmp_path.glob(".sangkien.db.dang-mo.*"))  # own marker removed, stale one cleaned
    log = (tmp_path / "data" / "logs" / "sangkien.log").read_text(encoding="utf-8")
    assert "không ghi thêm" in log or "Đã sao lưu" in log
