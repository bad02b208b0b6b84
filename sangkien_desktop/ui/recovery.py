"""When the database cannot be opened at start-up (a damaged file after a power cut, a disk error …), offer to
restore it from a backup right there, instead of leaving the secretary with an error and a command line."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import APP_TITLE
from ..db.database import Database
from ..db.engine import resolve_url, sqlite_path
from ..domain.errors import SangKienError
from ..services import backup
from . import file_dialogs

log = logging.getLogger(__name__)

AskChoice = Callable[[str], bool]  # show the problem; True = "restore from a backup"
AskFile = Callable[[Path], Path | None]  # pick a backup file, starting in this folder


def ask_choice(text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, text)
    restore = box.addButton("&Khôi phục từ bản sao lưu…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Thoát", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def ask_file(folder: Path, parent: QWidget | None = None) -> Path | None:
    return file_dialogs.open_path(
        parent, "Chọn bản sao lưu để khôi phục", str(folder), "Bản sao lưu (*.db);;Mọi tệp (*)"
    )


def can_recover(db_arg: str | os.PathLike[str] | None) -> bool:
    """Only an existing SQLite file can be restored in place (a server has its own administrator)."""
    path = sqlite_path(resolve_url(db_arg))
    return path is not None and path.exists()


def recover(
    db_arg: str | os.PathLike[str] | None,
    error: SangKienError,
    *,
    choose: AskChoice = ask_choice,
    pick: Callable[[Path], Path | None] = ask_file,
    before_migrate: Callable[[Database], object] | None = None,
) -> Database | None:
    """Offer a restore for a SQLite database that failed to open (see ``can_recover``); the opened database,
    or None when the secretary chose to quit."""
    url = resolve_url(db_arg)
    path = sqlite_path(url)
    if path is None:
        return None
    text = (
        f"{error}\n\nDữ liệu có thể được lấy lại từ một bản sao lưu (tự động khi mở/thoát, thủ công, hoặc trên USB). "
        "Tệp hiện tại được giữ lại nguyên trạng trong thư mục sao lưu trước khi khôi phục."
    )
    while choose(text):
        source = pick(path.parent / "backups")
        if source is None:
            continue
        damaged = Database.open(url, migrate=False)
        try:
            result = backup.restore(damaged, source)
        except SangKienError as exc:
            text = f"Không khôi phục được từ {source.name}: {exc}\n\nChọn một bản sao lưu khác?"
            continue
        finally:
            damaged.dispose()
        log.info(result.message)
        try:
            return Database.open(url, before_migrate=before_migrate)
        except SangKienError as exc:
            text = f"Sau khi khôi phục vẫn không mở được: {exc}\n\nChọn một bản sao lưu khác?"
    return None
