"""The open databases of the app, one main window each: opening (with the start-up copy, the "in use" marker
and recovery of a damaged file), the demo in a window and file of its own, and the copy taken when a window
closes. The Tệp menu's choices arrive here through the window's signals."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from .. import paths
from ..db.database import Database, DatabaseElsewhereError
from ..db.migrate import is_up_to_date
from ..domain.errors import SangKienError
from ..services import backup as backup_service
from ..services import demo as demo_service
from ..services import instance_lock
from . import messages, recent_databases, recovery, warmup
from .first_run import run_first_run
from .main_window import MainWindow
from .workers import run_in_background

log = logging.getLogger(__name__)


@dataclass
class _Opened:
    db: Database
    window: MainWindow
    marker: instance_lock.InstanceMarker | None
    heartbeat: QTimer
    backup_thread: threading.Thread | None = None
    deferred: list[Database] = field(default_factory=list)


def start_target(db_arg: str | None) -> str | None:
    """What to open at start: ``--db``, else ``SANGKIEN_DB_URL``, else the database chosen last in the Tệp
    menu, else the default (None)."""
    if db_arg:
        return db_arg
    if os.environ.get("SANGKIEN_DB_URL"):
        return None
    last = recent_databases.last()
    return str(last) if last is not None else None


class DatabaseWindows(QObject):
    """``prompt=False``: no question at start (the wizard on an empty database, "in use" notes)."""

    def __init__(self, *, prompt: bool = True) -> None:
        super().__init__()
        self.prompt = prompt
        self._open: list[_Opened] = []
        self.backup_settings = backup_service.load_settings()

    @property
    def windows(self) -> list[MainWindow]:
        return [o.window for o in self._open]

    # opening ----------------------------------------------------------------------------------------
    def open(
        self, target: str | None, *, fill_demo: bool = False, parent: QWidget | None = None
    ) -> MainWindow | None:
        """Open ``target`` (a path, a URL, or None for the default) in a new window, or bring forward the
        window that has it already. None when it could not be opened (the secretary was told why)."""
        existing = self._window_for(target)
        if existing is not None:
            existing.raise_()
            existing.activateWindow()
            return existing
        deferred: list[Database] = []
        db = self._open_database(target, deferred, parent)
        if db is None:
            return None
        if fill_demo and demo_service.database_is_empty(db):
            demo_service.create_demo(db)
        return self._show(db, deferred)

    def open_demo(self, parent: QWidget | None = None) -> MainWindow | None:
        """``demo.db`` in the data folder, filled the first time (on a worker when a window is up)."""
        path = paths.demo_db_path()
        existing = self._window_for(str(path))
        if existing is not None:
            existing.raise_()
            existing.activateWindow()
            return existing
        if parent is None:
            return self.open(str(path), fill_demo=True)
        deferred: list[Database] = []
        db = self._open_database(str(path), deferred, parent)
        if db is None:
            return None
        if not demo_service.database_is_empty(db):
            return self._show(db, deferred)

        def fill(_progress: object) -> None:
            demo_service.create_demo(db)

        def failed(error: BaseException) -> None:
            db.dispose()
            messages.show_error(parent, error if isinstance(error, SangKienError) else f"Lỗi: {error}")

        self.demo_job = run_in_background(
            parent,
            "Đang tạo dữ liệu mẫu…",
            fill,
            on_done=lambda _r: self._show(db, deferred),
            on_error=failed,
        )
        return None

    def _window_for(self, target: str | None) -> MainWindow | None:
        if target is None or "://" in target:
            return None
        wanted = os.path.normcase(str(Path(target).resolve()))
        for opened in self._open:
            path = opened.db.path
            if path is not None and os.path.normcase(str(path.resolve())) == wanted:
                return opened.window
        return None

    def _open_database(
        self, target: str | None, deferred: list[Database], parent: QWidget | None
    ) -> Database | None:
        def before_migrate(database: Database) -> None:
            # A copy of the data as it was before this session: before a schema upgrade it is taken now;
            # otherwise on a background thread once the window is up.
            if is_up_to_date(database.engine):
                deferred.append(database)
            else:
                self._startup_backup(database)

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            db = Database.open(target, before_migrate=before_migrate)
        except SangKienError as exc:
            QApplication.restoreOverrideCursor()
            if isinstance(exc, DatabaseElsewhereError) or not recovery.can_recover(target):
                messages.show_error(parent, exc)
                return None
            return recovery.recover(target, exc, before_migrate=before_migrate)
        QApplication.restoreOverrideCursor()
        if db.migration and db.migration.changed and db.migration.before is not None:
            log.info("Database upgraded %s → %s", db.migration.before, db.migration.after)
        return db

    def _startup_backup(self, database: Database) -> None:
        result = backup_service.auto_backup(database, backup_service.BackupKind.STARTUP, self.backup_settings)
        if result is not None:
            log.info(result.message)

    def _show(self, db: Database, deferred: list[Database]) -> MainWindow:
        marker, holders = instance_lock.InstanceMarker.acquire(db)
        window = MainWindow(db)
        heartbeat = QTimer(window)
        if marker is not None:
            heartbeat.timeout.connect(marker.heartbeat)
            heartbeat.start(instance_lock.HEARTBEAT_S * 1000)
        opened = _Opened(db, window, marker, heartbeat, deferred=deferred)
        self._open.append(opened)
        window.openRequested.connect(lambda target, w=window: self.open_chosen(target, w))
        window.demoRequested.connect(lambda w=window: self.open_demo(w))
        window.closed.connect(lambda o=opened: self._closed(o))
        if db.path is not None and not window.is_demo:
            recent_databases.add(db.path)
        window.show()
        QTimer.singleShot(300, warmup.start)  # the pages' libraries read while the secretary looks around
        if deferred:
            opened.backup_thread = threading.Thread(
                target=self._startup_backup, args=(db,), name="startup-backup", daemon=False
            )
            QTimer.singleShot(200, opened.backup_thread.start)
        if self.prompt and demo_service.database_is_empty(db):
            QTimer.singleShot(0, lambda: self._first_run(window))
        if holders:
            log.info("Database also open in: %s", "; ".join(h.text for h in holders))
            if self.prompt:
                QTimer.singleShot(
                    0, lambda: messages.show_info(window, instance_lock.in_use_message(holders))
                )
        return window

    def _first_run(self, window: MainWindow) -> None:
        if any(o.window is window for o in self._open) and window.isVisible():
            run_first_run(window)

    def open_chosen(self, target: str, current: MainWindow) -> MainWindow | None:
        """A database chosen in the Tệp menu replaces the one in ``current`` (the demo, asked for with its own
        menu entry, opens beside)."""
        window = self.open(target, parent=current)
        if window is None:
            return None
        recent_databases.choose(Path(target))
        if window is not current:
            current.close()
        return window

    # closing ----------------------------------------------------------------------------------------
    def _closed(self, opened: _Opened) -> None:
        if opened not in self._open:
            return
        self._open.remove(opened)
        self.release(opened)

    def release(self, opened: _Opened) -> None:
        """The copy taken at exit (after the start-up copy finished), the marker removed, the file closed."""
        opened.heartbeat.stop()
        if opened.backup_thread is not None and opened.backup_thread.is_alive():
            opened.backup_thread.join()
        try:
            result = backup_service.auto_backup(opened.db, backup_service.BackupKind.EXIT)
            if result is not None:
                log.info(result.message)
        finally:
            if opened.marker is not None:
                opened.marker.release()
            opened.db.dispose()

    def close_all(self) -> None:
        """At the end of ``main``: whatever is still open is copied and released."""
        while self._open:
            self.release(self._open.pop())
