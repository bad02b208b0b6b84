"""Register the bundled Liberation fonts with Qt so Vietnamese renders on a PC without such fonts."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import resource_path

BUNDLED = (
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)
UI_FAMILY = "Liberation Sans"


def register_fonts(app: QApplication) -> list[str]:
    """Add the bundled fonts; on systems other than Windows (whose Segoe UI covers Vietnamese) use
    Liberation Sans for the whole interface. Returns the families loaded."""
    families: list[str] = []
    for name in BUNDLED:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    if sys.platform != "win32" and UI_FAMILY in families:
        font = QFont(UI_FAMILY)
        font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
        app.setFont(font)
    return sorted(set(families))
