"""Qt's own words in Vietnamese: Có/Không/Hủy on message boxes, Sao chép/Dán in text fields' menus, the file
and print dialogs. Qt ships no Vietnamese translation; ours is ``resources/i18n/qt_vi.ts``.

A build compiles it to ``qt_vi.qm`` with pyside6-lrelease (``scripts/build_translations.py``, run by the
PyInstaller spec); a checkout without the .qm reads the .ts itself (``TsTranslator``), so the words are the
same either way.
"""

from __future__ import annotations

import logging
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


def load() -> QTranslator | None:
    """The compiled .qm when it is there and not older than the .ts, otherwise the .ts itself."""
    ts, qm = ts_file(), qm_file()
    if qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime):
        translator = QTranslator()
        if translator.load(str(qm)):
            return translator
        log.warning("Could not load %s; reading %s", qm, ts)
    if ts.is_file():
        return TsTranslator(ts)
    log.warning("No Vietnamese Qt translation at %s", ts)
    return None


def install(app: QCoreApplication) -> QTranslator | None:
    """Called once at start, before any window is built."""
    translator = load()
    if translator is not None:
        app.installTranslator(translator)
        _installed.append(translator)
    return translator
