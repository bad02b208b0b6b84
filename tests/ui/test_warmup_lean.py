"""The warm-up reads what the pages need to show, not what only writing a file needs: after it, in a fresh
process, neither openpyxl, python-docx, lxml nor reportlab (and Qt's PDF engine) has been imported; a round's
archive still finds every producer (``round_documents.discover`` imports them when it is written)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from sangkien_desktop.ui import warmup
warmup.start()
assert warmup.wait(120)
heavy = ("openpyxl", "docx", "lxml", "reportlab", "PySide6.QtPdf", "PySide6.QtPrintSupport")
loaded = sorted(name for name in heavy if name in sys.modules)
from sangkien_desktop.services import round_documents
names = [p.name for p in round_documents.registered()]
print(json.dumps({"loaded": loaded, "producers": len(names), "openpyxl": "openpyxl" in sys.modules}))
"""


def test_warmup_leaves_the_writing_libraries_unread() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["loaded"] == []
    assert found["producers"] > 0 and found["openpyxl"]  # discover() still imports every producer
