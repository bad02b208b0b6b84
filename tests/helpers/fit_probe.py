"""Run in a child process whose offscreen screen is a laptop's available area (``QT_QPA_PLATFORM=
offscreen:configfile=…``): open the main window on every page and every dialog its buttons open, and report
(JSON on stdout) each window that does not fit the screen or clips one of its buttons.

    python -m tests.helpers.fit_probe DB_PATH
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QFileDialog,
    QMainWindow,
    QTabBar,
    QWidget,
)

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui import messages, workers
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import PAGE_SPECS
from sangkien_desktop.ui.screen_fit import FRAME
from tests.helpers.ui_walk import Walker, describe, is_quit, wait_until


def _clipped_by(button: QAbstractButton, window: QWidget) -> str | None:
    """The ancestor that cuts ``button`` off, or None when it is wholly visible (content of a scroll area
    counts as visible: it scrolls; but a page's buttons must show without scrolling the page)."""
    child: QWidget = button
    parent = button.parentWidget()
    while parent is not None and child is not window:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and not area.objectName().startswith("scroll_"):
            return None  # inside a viewport: reachable by scrolling (a page itself must fit its window)
        rect = QRect(button.mapTo(parent, QPoint(0, 0)), button.size())
        if not parent.rect().contains(rect):
            return f"{type(parent).__name__}[{parent.objectName()}] {parent.width()}×{parent.height()}"
        child, parent = parent, parent.parentWidget()
    return None


def check(window: QWidget, problems: list[str], seen: set[str]) -> None:
    area = window.screen().availableGeometry()
    name = f"{type(window).__name__} «{window.windowTitle()}»"
    width = area.width() - FRAME.left() - FRAME.right()
    height = area.height() - FRAME.top() - FRAME.bottom()
    if window.width() > width or window.height() > height:
        problems.append(
            f"{name}: {window.width()}×{window.height()} larger than the screen's {width}×{height}"
        )
    if not area.contains(window.geometry()):
        problems.append(f"{name}: at {window.geometry().getRect()} outside {area.getRect()}")
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or isinstance(button.parentWidget(), QTabBar):
            continue
        cut = _clipped_by(button, window)
        if cut is not None:
            problems.append(f"{name}: {describe(button)} cut off by {cut}")
    if isinstance(window, QMainWindow):
        for area in window.findChildren(QAbstractScrollArea):
            if area.objectName().startswith("scroll_") and area.isVisible():
                page = area.widget()  # type: ignore[attr-defined]
                if page.minimumSizeHint().width() > area.viewport().width():
                    wide = [
                        f"{type(c).__name__}[{c.objectName()}] {c.minimumSizeHint().width()}"
                        + (f" {c.text()[:60]!r}" if hasattr(c, "text") and isinstance(c.text(), str) else "")
                        for c in page.findChildren(QWidget)
                        if c.isVisible()
                        and c.minimumSizeHint().width() > area.viewport().width() - 40
                        and not any(
                            g.isVisible() and g.minimumSizeHint().width() > area.viewport().width() - 40
                            for g in c.findChildren(QWidget)
                        )
                    ]
                    problems.append(f"{name}: page {page.objectName()} wider than its window: {wide}")
    seen.add(name)


def main(db_path: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    out = Path(tempfile.mkdtemp(prefix="fit-probe-"))
    messages.ask_save_path = lambda _p, _t, suggested, _f="": out / Path(suggested).name  # type: ignore[assignment]
    messages.ask_open_path = lambda *a, **k: None  # type: ignore[assignment]
    QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: "")  # type: ignore[method-assign]
    jobs: list[workers.Job] = []
    start = workers.Job.start

    def recording(job: workers.Job) -> workers.Job:
        jobs.append(job)
        return start(job)

    workers.Job.start = recording  # type: ignore[method-assign]
    problems: list[str] = []
    seen: set[str] = set()
    walker = Walker(
        lambda: wait_until(lambda: all(j.done for j in jobs), 30) or None,
        skip=is_quit,
        on_window=lambda w: check(w, problems, seen),
        max_depth=2,
    )
    db = Database.open(db_path)
    window = MainWindow(db)
    window.show()
    app.processEvents()
    for spec in PAGE_SPECS:
        window.show_page(spec.key)
        app.processEvents()
        check(window, problems, seen)
        walker.press_all(window.pages[spec.key])
    walker.trigger_all(a for a in window.findChildren(type(window.undo_action)) if not is_quit(a))
    walker.stop()
    assert isinstance(window, QMainWindow)
    window.close()
    db.dispose()
    print(json.dumps({"problems": sorted(set(problems)), "seen": sorted(seen)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
