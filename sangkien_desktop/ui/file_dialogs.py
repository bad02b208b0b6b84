"""File dialogs that never open the files they list.

Qt's own (non-native) file dialog asks the MIME database for the type and icon of every file it shows, and
for a name without a known extension (``sangkien.db-wal``, ``sangkien.db-shm``) or with an ambiguous one it
opens the file to read its first bytes. On POSIX, closing *any* descriptor of a file drops *all* of this
process's fcntl locks on it, so a dialog opened in the folder of the live database dropped SQLite's locks:
another copy of the app then believed it was the last connection, checkpointed and deleted the WAL under our
feet (issue 18). These dialogs name the type from the file name only.

Windows keeps its native dialog (Windows file locks belong to a handle, not to the process, so reading a file
never releases SQLite's locks); elsewhere the Qt dialog is used with the file-name-only icon provider.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo, QMimeDatabase
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

USE_NATIVE = sys.platform == "win32"


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name alone (never reads a file's content)."""

    def __init__(self) -> None:
        super().__init__()
        self._mime = QMimeDatabase()

    def icon(self, what: object) -> QIcon:  # type: ignore[override]
        if not isinstance(what, QFileInfo):
            return super().icon(what)  # type: ignore[arg-type]
        if what.isDir():
            kind = QAbstractFileIconProvider.IconType.Folder
        else:
            kind = QAbstractFileIconProvider.IconType.File
        return super().icon(kind)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Thư mục"
        mime = self._mime.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension)
        if mime.isDefault():
            suffix = info.suffix()
            return f"Tệp {suffix.upper()}" if suffix else "Tệp"
        return mime.comment() or mime.name()


_PROVIDER: NameOnlyIconProvider | None = None


def _provider() -> NameOnlyIconProvider:
    global _PROVIDER
    if _PROVIDER is None:
        _PROVIDER = NameOnlyIconProvider()
    return _PROVIDER


def make_dialog(parent: QWidget | None, title: str, directory: str = "", filters: str = "") -> QFileDialog:
    """A file dialog that is safe to point at the folder of the live database (see the module docstring)."""
    dialog = QFileDialog(parent, title, directory, filters)
    if not USE_NATIVE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(_provider())
    return dialog


def _run(dialog: QFileDialog) -> Path | None:
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return None
    chosen = dialog.selectedFiles()
    return Path(chosen[0]) if chosen and chosen[0] else None


def save_path(parent: QWidget | None, title: str, suggested: str = "", filters: str = "") -> Path | None:
    """Ask where to save a file (asks before replacing an existing one)."""
    dialog = make_dialog(parent, title, suggested, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    return _run(dialog)


def open_path(parent: QWidget | None, title: str, directory: str = "", filters: str = "") -> Path | None:
    """Ask for an existing file."""
    dialog = make_dialog(parent, title, directory, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _run(dialog)


def existing_directory(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    """Ask for an existing folder."""
    dialog = make_dialog(parent, title, directory)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _run(dialog)
