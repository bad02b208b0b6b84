"""Every window and dialog fits a laptop screen: the main window on each page and every dialog its buttons open
(the every-button walk) are opened on an offscreen screen of 1366×728 and of 1280×760 — a 1366×768 or 1280×800
screen less a taskbar — and every button lies inside its window, its window inside the screen, with room for
the title bar. Each size runs in a child process whose offscreen screen has that size."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sangkien_desktop.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(1366, 728), (1280, 760)]


def test_every_window_fits_a_laptop_screen(tmp_path: Path) -> None:
    source = (
        tmp_path / "demo.db"
    )  # a SQLite file of its own (copied for each child), also on a PostgreSQL run
    assert cli(["--db", str(source), "demo"]) == 0
    children = []
    for width, height in SIZES:
        folder = tmp_path / f"{width}x{height}"
        folder.mkdir()
        db = folder / "demo.db"
        shutil.copyfile(source, db)
        config = folder / "screen.json"
        screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96}
        config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            QT_QPA_PLATFORM=f"offscreen:configfile={config}",
            SANGKIEN_DATA_DIR=str(folder / "data"),
        )
        command = [sys.executable, "-m", "tests.helpers.fit_probe", str(db)]
        children.append(
            (
                width,
                height,
                subprocess.Popen(
                    command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                ),
            )
        )
    for width, height, child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-3000:]
        report = json.loads(out.strip().splitlines()[-1])
        assert len(report["seen"]) >= 25, report["seen"]  # the main window and the dialogs were opened
        assert not report["problems"], f"{width}×{height}:\n" + "\n".join(report["problems"])
