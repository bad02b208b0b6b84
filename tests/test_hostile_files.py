"""Bounded work on hostile files (issue 17 §4): every importer either refuses a file under the size limit with
a sentence or reads it, within 10 s and 500 MB — a workbook with 100,000-character cells (difflib took 251 s
on them), a small package with a 61 MB styles.xml (52 s and 2.7 GB in grade-sheet), a Word file with a 59 MB
body (1.3 GB), and the last two again just under the size caps, where the stream parsers' count caps stop
them. Each file is fed to every importer in a child process that reports its own time and peak
memory."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import safe_files
from tests.helpers import hostile_files

LIMIT_SECONDS = 10.0
LIMIT_MB = 500.0

CHILD = r"""
import json, resource, sys, time
from sangkien_desktop.cli import main
url, path = sys.argv[1], sys.argv[2]
commands = [
    ["import", "registrations", path, "--year", "2026", "--dry-run"],
    ["units", "import", path, "--dry-run"],
    ["import", "scores", path, "--dry-run"],
    ["grade-sheet", path],
]
report = []
for command in commands:
    began = time.perf_counter()
    code = main(["--db", url, *command])
    report.append({"command": " ".join(command[:2]), "code": code, "seconds": time.perf_counter() - began})
# VmHWM is this program's own peak (ru_maxrss would carry the parent's peak across exec)
status = open("/proc/self/status").read().split("VmHWM:")
peak_kb = int(status[1].split()[0]) if len(status) > 1 else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report.append({"peak_mb": peak_kb / 1024})
print(json.dumps(report))
"""

FILES: dict[str, Callable[[Path], Path]] = {
    "cells-100000-chars.xlsx": hostile_files.long_cells_xlsx,
    "styles-61MB.xlsx": hostile_files.huge_styles_xlsx,
    "body-59MB.docx": hostile_files.huge_body_docx,
    # just under the size caps: parsed as a stream and stopped by the count caps
    "styles-15MB.xlsx": lambda p: hostile_files.huge_styles_xlsx(p, megabytes=15),
    "body-35MB.docx": lambda p: hostile_files.huge_body_docx(p, megabytes=35),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_hostile_file_is_refused_or_read_within_limits(db: Database, tmp_path: Path, name: str) -> None:
    path = FILES[name](tmp_path / name)
    assert path.stat().st_size < safe_files.MAX_FILE_BYTES
    url = db.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    *runs, peak = report
    for run in runs:
        assert run["seconds"] < LIMIT_SECONDS, run
        assert run["code"] in (0, 1), run
    assert peak["peak_mb"] < LIMIT_MB, peak
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Lỗi:")]
    assert len(errors) >= 3 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
