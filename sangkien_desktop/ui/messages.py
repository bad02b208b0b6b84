"""Thin wrappers over message boxes and file dialogs, so pages stay short and tests can replace them.

Tests monkeypatch these functions (e.g. ``monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)``);
pages must call them through the module (``messages.confirm(...)``), not import the functions directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from .. import APP_TITLE
from ..domain.errors import SangKienError, ValidationError
from . import file_dialogs


def show_error(parent: QWidget | None, error: BaseException | str, title: str = APP_TITLE) -> None:
    """Show a user error. ``ValidationError`` lists its issues; anything else shows its text."""
    text = str(error)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if isinstance(error, ValidationError) and len(error.issues) > 6:
        box.setText(text.splitlines()[0] + f"\n(tất cả {len(error.issues)} vấn đề — xem chi tiết)")
        box.setDetailedText(text)
    box.exec()


def show_info(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = APP_TITLE, *, destructive: bool = False) -> bool:
    """Ask Yes/No; the default button is No for destructive actions."""
    default = QMessageBox.StandardButton.No if destructive else QMessageBox.StandardButton.Yes
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, default
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, label: str, title: str = APP_TITLE, default: str = "") -> str | None:
    """A one-line text (e.g. a reason). None when cancelled."""
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return text.strip() if ok else None


def ask_save_path(
    parent: QWidget | None, title: str, suggested: str, filters: str = "Tệp PDF (*.pdf)"
) -> Path | None:
    return file_dialogs.save_path(parent, title, suggested, filters)


def ask_open_path(parent: QWidget | None, title: str, filters: str) -> Path | None:
    return file_dialogs.open_path(parent, title, "", filters)


@contextmanager
def reporting_errors(parent: QWidget | None) -> Iterator[None]:
    """``with messages.reporting_errors(self): service(...)`` — a ``SangKienError`` becomes a dialog."""
    try:
        yield
    except SangKienError as exc:
        show_error(parent, exc)
