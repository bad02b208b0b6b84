"""Qt's own words in Vietnamese: Có/Không/Hủy on message boxes, Sao chép/Dán in text fields' menus, the file
and print dialogs. Qt ships no Vietnamese translation; ours is ``resources/i18n/qt_vi.ts``.

A build compiles it to ``qt_vi.qm`` with pyside6-lrelease (``scripts/build_translations.py``, run by the
PyInstaller spec). A checkout without an up-to-date .qm compiles the .ts once into ``cache/`` in the data
folder with the pyside6-lrelease of its environment; only without lrelease is the .ts read by
``TsTranslator`` (a Python translator: enough for the words, but Qt then refuses to load images in rich
text, so it is the last resort).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from .. import paths

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []  # kept alive while the app runs


def ts_file() -> Path:
    return paths.resource_path("i18n", "qt_vi.ts")


def qm_file() -> Path:
    return paths.resource_path("i18n", "qt_vi.qm")


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) → translation, finished messages only."""
    found: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            element = message.find("translation")
            if element is None or element.get("type") in {"unfinished", "obsolete", "vanished"}:
                continue
            found[(name, source)] = element.text or ""
    return found


class TsTranslator(QTranslator):
    """A translator that reads a Qt Linguist .ts file directly (no lrelease needed)."""

    def __init__(self, path: Path, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self.messages = read_ts(path)

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return self.messages.get((context, source_text), "")

    def isEmpty(self) -> bool:
        return not self.messages


def _compiled(ts: Path) -> Path | None:
    """``ts`` compiled by pyside6-lrelease into the data folder's cache (once per version of the .ts)."""
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    qm = paths.data_dir() / "cache" / f"{ts.stem}-{digest}.qm"
    if qm.is_file():
        return qm
    here = Path(sys.executable).parent
    tool = next(
        (str(here / n) for n in ("pyside6-lrelease", "pyside6-lrelease.exe") if (here / n).is_file()), None
    )
    tool = tool or shutil.which("pyside6-lrelease")
    if tool is None:
        return None
    qm.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [tool, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        log.warning("pyside6-lrelease could not compile %s", ts, exc_info=True)
        return None
    return qm if qm.is_file() else None


def _load_qm(path: Path) -> QTranslator | None:
    translator = QTranslator()
    return translator if translator.load(str(path)) else None


def load() -> QTranslator | None:
    """The bundled .qm when it is not older than the .ts; else the .ts compiled now; else the .ts read."""
    ts, qm = ts_file(), qm_file()
    if qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime):
        if (translator := _load_qm(qm)) is not None:
            return translator
        log.warning("Could not load %s", qm)
    if not ts.is_file():
        log.warning("No Vietnamese Qt translation at %s", ts)
        return None
    compiled = _compiled(ts)
    if compiled is not None and (translator := _load_qm(compiled)) is not None:
        return translator
    return TsTranslator(ts)


def install(app: QCoreApplication) -> QTranslator | None:
    """Called once at start, before any window is built."""
    translator = load()
    if translator is not None:
        app.installTranslator(translator)
        _installed.append(translator)
    return translator
