"""Compile resources/i18n/*.ts into .qm files with pyside6-lrelease (PySide6-Essentials ships it).

    python scripts/build_translations.py        # run by build/pyinstaller.spec before bundling

The app also reads the .ts directly when no .qm is there (``sangkien_desktop/ui/translation.py``), so a
source checkout works without this step.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "resources" / "i18n"


def lrelease() -> str | None:
    """pyside6-lrelease beside the running Python, or on PATH."""
    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        if (here / name).is_file():
            return str(here / name)
    return shutil.which("pyside6-lrelease")


def build(folder: Path = FOLDER, out: Path | None = None) -> list[Path]:
    tool = lrelease()
    if tool is None:
        raise SystemExit("pyside6-lrelease not found (pip install PySide6-Essentials)")
    built = []
    for ts in sorted(folder.glob("*.ts")):
        qm = (out or folder) / ts.with_suffix(".qm").name
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


if __name__ == "__main__":
    for path in build():
        print(path)
