"""Walk a window as an impatient secretary would: press every enabled button and trigger every action through
its real signal, answer every dialog, and remember what went wrong.

Modal dialogs are handled by a chain of single-shot timers (a repeating QTimer does not fire again while its
own slot is inside a nested ``exec``): message boxes are answered with their Escape button (No / Cancel /
OK), file and print dialogs are cancelled, any other dialog is walked in turn (its buttons pressed, the
accepting ones last) and then rejected. Background jobs are waited for after each press.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

# a message that shows a Python value or an exception instead of a sentence
SUSPICIOUS = re.compile(
    r"\b(False|True|None)\b|Traceback|Error\b|Exception|object has no|not bool|unexpected keyword|"
    r"Đã xảy ra lỗi",
)
# dialogs answered without walking them: they belong to Qt or to the operating system
CANCEL_AT_ONCE = (QFileDialog, QPrintDialog, QPageSetupDialog, QPrintPreviewDialog, QInputDialog)
ACCEPTING = {
    QDialogButtonBox.ButtonRole.AcceptRole,
    QDialogButtonBox.ButtonRole.YesRole,
    QDialogButtonBox.ButtonRole.ApplyRole,
}


@dataclass
class WalkLog:
    boxes: list[str] = field(default_factory=list)  # every message box: "<icon>: text"
    problems: list[str] = field(default_factory=list)
    pressed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def _alive(obj: object) -> bool:
    return obj is not None and shiboken6.isValid(obj)


def describe(widget: QWidget | QAction) -> str:
    text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    owner = widget.window().objectName() if isinstance(widget, QWidget) else ""
    return f"{type(widget).__name__}[{widget.objectName() or text!r}]" + (f" in {owner}" if owner else "")


class Walker:
    """``Walker(wait_jobs).press_all(root)``; ``log`` holds what happened. Call ``stop()`` at the end."""

    def __init__(
        self,
        wait_jobs: Callable[[], None],
        *,
        skip: Callable[[QAbstractButton | QAction], bool] = lambda _: False,
        max_depth: int = 3,
        on_window: Callable[[QWidget], None] = lambda _: None,
    ) -> None:
        self.log = WalkLog()
        self._on_window = on_window
        self._wait_jobs = wait_jobs
        self._skip = skip
        self._max_depth = max_depth
        self._walking: list[QWidget] = []
        self.doing: list[str] = []  # the actions under way, innermost last (the watchdog blames the last)
        self._running = True
        QTimer.singleShot(30, self._pump)

    def stop(self) -> None:
        self._running = False

    # modal dialogs ----------------------------------------------------------------------------------
    def _pump(self) -> None:
        if not self._running:
            return
        QTimer.singleShot(30, self._pump)  # scheduled first: the handling below may enter a nested exec
        modal = QApplication.activeModalWidget()
        if modal is None or any(modal is w for w in self._walking) or not modal.isVisible():
            return
        self.answer(modal)

    def answer(self, dialog: QWidget) -> None:
        if not isinstance(dialog, QProgressDialog):
            self._on_window(dialog)
        if isinstance(dialog, QMessageBox):
            self._answer_box(dialog)
        elif isinstance(dialog, QProgressDialog):
            return  # its job ends by itself
        elif isinstance(dialog, CANCEL_AT_ONCE):
            self.log.dialogs.append(type(dialog).__name__)
            dialog.reject()
        elif isinstance(dialog, QDialog):
            self.walk_dialog(dialog)

    def _answer_box(self, box: QMessageBox) -> None:
        text = box.text() + ("\n" + box.informativeText() if box.informativeText() else "")
        self.log.boxes.append(f"{box.icon().name}: {text}")
        if box.icon() == QMessageBox.Icon.Critical or SUSPICIOUS.search(text):
            self.log.problems.append(f"message box: {text}")
        button = box.escapeButton() or box.defaultButton()
        if button is not None:
            button.click()
        else:
            box.reject()

    def walk_dialog(self, dialog: QDialog) -> None:
        self.log.dialogs.append(f"{type(dialog).__name__}: {dialog.windowTitle()}")
        self._walking.append(dialog)
        try:
            if len(self._walking) <= self._max_depth:
                self.press_all(dialog)
        finally:
            self._walking.remove(dialog)
        if _alive(dialog) and dialog.isVisible():
            dialog.reject()

    # pressing ---------------------------------------------------------------------------------------
    def press_all(self, root: QWidget) -> None:
        """Every enabled button under ``root`` (tabs switched to show it), accepting ones last; then, for a
        main window, every action."""
        buttons = [b for b in root.findChildren(QAbstractButton) if _reachable(b, root)]
        buttons.sort(key=lambda b: _is_accepting(b))
        for button in buttons:
            if not (_alive(root) and root.isVisible()):
                return
            if not _alive(button) or self._skip(button):
                continue
            _reveal(button, root)
            if button.isVisible() and button.isEnabled():
                self._press(button, button.click)

    def trigger_all(self, actions: Iterable[QAction]) -> None:
        for action in list(actions):
            if not _alive(action) or self._skip(action) or action.menu() is not None:
                continue
            if action.isEnabled() and action.isVisible() and not action.isSeparator():
                self._press(action, action.trigger)

    def _press(self, what: QAbstractButton | QAction, how: Callable[[], None]) -> None:
        self.act(describe(what), how)

    def act(self, name: str, how: Callable[[], None]) -> None:
        """Do one user action, wait for its background jobs, and walk and close the windows it opened."""
        self.log.pressed.append(name)
        self.doing.append(name)
        try:
            self._act(how)
        finally:
            self.doing.pop()

    def _act(self, how: Callable[[], None]) -> None:
        before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        how()
        QApplication.processEvents()  # a heartbeat late because of this action beats while it is the one named
        self._wait_jobs()
        for window in QApplication.topLevelWidgets():
            # a window opened without exec (help, a preview): walked, then closed
            if id(window) in before or not window.isVisible() or isinstance(window, QMenu):
                continue
            if any(window is w for w in self._walking) or QApplication.activeModalWidget() is window:
                continue
            if isinstance(window, QDialog):
                self._on_window(window)
                self.walk_dialog(window)
            if _alive(window):
                window.close()


def _is_accepting(button: QAbstractButton) -> bool:
    box = button.parent()
    return isinstance(box, QDialogButtonBox) and box.buttonRole(button) in ACCEPTING


def _reachable(widget: QWidget, root: QWidget) -> bool:
    """Visible once the tabs and stacks above it show it (a button hidden on purpose is not pressed)."""
    current: QWidget | None = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        if current.isHidden() and not isinstance(parent, QStackedWidget):
            return False
        if isinstance(current, QMenu):
            return False
        current = parent
    return widget.isEnabled()


def _reveal(widget: QWidget, root: QWidget) -> None:
    current: QWidget | None = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        if isinstance(parent, QStackedWidget) and parent.currentWidget() is not current:
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentWidget(current)
            else:
                parent.setCurrentWidget(current)
        current = parent


def is_quit(action: QAbstractButton | QAction) -> bool:
    return isinstance(action, QAction) and action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        QApplication.processEvents()
        time.sleep(0.005)
    return True
