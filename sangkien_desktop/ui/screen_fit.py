"""Windows and dialogs fit the screen they open on: a 1366×768 laptop with a taskbar leaves ~1366×728, and a
window taller than that hides its buttons below the taskbar. ``fit(widget, w, h)`` replaces ``resize``: the
wanted size, capped by the screen's ``availableGeometry()`` minus the window manager's frame."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# title bar and borders the window manager adds around a window (reserved before they are known)
FRAME = QMargins(8, 32, 8, 8)


def available(widget: QWidget) -> QRect:
    """The free area (without taskbars) of the screen the widget opens on: its parent window's screen."""
    parent = widget.parentWidget()
    screen = (parent.window().screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width``×``height``, or less where the screen is smaller; a top-level window without a
    parent is also moved inside the free area."""
    area = available(widget)
    w = min(width, area.width() - FRAME.left() - FRAME.right())
    h = min(height, area.height() - FRAME.top() - FRAME.bottom())
    widget.resize(max(w, 200), max(h, 150))
    if widget.parentWidget() is None:  # move() places the frame's corner
        spare_w = area.width() - widget.width() - FRAME.left() - FRAME.right()
        spare_h = area.height() - widget.height() - FRAME.top() - FRAME.bottom()
        widget.move(area.x() + max(spare_w // 2, 0), area.y() + max(spare_h // 2, 0))
