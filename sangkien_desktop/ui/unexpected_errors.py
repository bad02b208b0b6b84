"""One handler for every error nobody expected: an exception in a slot, on a worker thread, or a Qt warning.

A Windows build has no console, so a traceback printed there is lost. ``install()`` routes them all to
``logs/sangkien.log`` in the user data folder and shows the secretary a Vietnamese dialog that says her
data is safe, where the log is, and offers to copy the details for whoever helps her.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from .. import APP_TITLE, paths
from .screen_fit import fit as fit_to_screen

log = logging.getLogger("sangkien_desktop.unexpected")

MESSAGE = (
    "Đã xảy ra lỗi ngoài dự kiến, dữ liệu không bị mất: mọi thay đổi đã lưu trước đó vẫn còn nguyên.\n\n"
    "Hãy thử lại thao tác vừa làm. Nếu lỗi lặp lại, gửi nội dung chi tiết (nút «Chép chi tiết») "
    "hoặc tệp nhật ký cho người hỗ trợ."
)
# Qt warnings that say nothing about the app (offscreen/xcb platform notes, fonts)
_QT_NOISE = ("propagateSizeHints", "This plugin does not support", "QFont::", "fontconfig")


def log_file() -> Path:
    return paths.log_dir() / "sangkien.log"


def details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb))


class _Dialogs(QObject):
    """Shows the dialog on the GUI thread (a worker thread's exception arrives through the queued signal)."""

    reported = Signal(str, str)  # summary, details

    def __init__(self) -> None:
        super().__init__()
        self.showing = False
        self.reported.connect(self._show)

    def _show(self, summary: str, text: str) -> None:
        if self.showing:  # an error while the dialog is up is logged, not stacked
            return
        self.showing = True
        try:
            show_dialog(QApplication.activeWindow(), summary, text)
        finally:
            self.showing = False


_dialogs: _Dialogs | None = None


class ErrorDialog(QDialog):
    """What the secretary sees: the data is safe, the log's path, the details to copy."""

    def __init__(self, parent: QWidget | None, summary: str, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("unexpected_error")
        self.setWindowTitle(f"{APP_TITLE} — lỗi ngoài dự kiến")
        self.details_text = f"{summary}\n\n{text}"
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        message = QLabel(MESSAGE)
        message.setWordWrap(True)
        where = QLabel(f"Lỗi: {summary}\nNhật ký chương trình: {log_file()}")
        where.setObjectName("log_path")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(text)
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.copy_button = QPushButton("&Chép chi tiết")
        self.copy_button.setObjectName("copy_details")
        self.copy_button.clicked.connect(self.copy_details)
        close = QPushButton("Đón&g")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(message, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(where)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        fit_to_screen(self, 560, 360)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details_text)
        self.copy_button.setText("Đã chép ✓")


def show_dialog(parent: QWidget | None, summary: str, text: str) -> None:
    """Tests replace this to see what the secretary would have seen."""
    ErrorDialog(parent, summary, text).exec()


def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log the traceback and show the dialog (from any thread)."""
    text = details(exc_type, exc, tb)
    log.error("Unexpected error\n%s", text)
    show(exc, text)


def show(exc: BaseException, text: str = "") -> bool:
    """Show the dialog for an error already logged; False when the handler is not installed."""
    if _dialogs is None or QApplication.instance() is None:
        return False
    _dialogs.reported.emit(f"{type(exc).__name__}: {exc}", text or details(type(exc), exc, exc.__traceback__))
    return True


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report(exc_type, exc, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        report(args.exc_type, args.exc_value, args.exc_traceback)


def _qt_messages(kind: QtMsgType, context: object, message: str) -> None:
    if any(noise in message for noise in _QT_NOISE):
        return
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(kind, logging.ERROR)
    log.log(level, "Qt: %s", message)


def setup_logging() -> logging.Handler:
    """Everything from INFO up goes to ``logs/sangkien.log`` (rotated at 1 MB, three old files kept)."""
    try:
        handler: logging.Handler = RotatingFileHandler(
            log_file(), maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def install() -> None:
    """Called once by ``main`` after the QApplication exists."""
    global _dialogs
    _dialogs = _Dialogs()
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    qInstallMessageHandler(_qt_messages)


def uninstall() -> None:
    global _dialogs
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    qInstallMessageHandler(None)
    _dialogs = None
