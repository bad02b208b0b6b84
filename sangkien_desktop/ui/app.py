"""``sangkien-desktop``: start the GUI on a database (``--db``), creating or upgrading it first."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_AUTHOR, APP_NAME, APP_TITLE, __version__, paths
from ..db.database import Database
from ..db.migrate import is_up_to_date
from ..domain.errors import SangKienError
from ..services import backup as backup_service
from ..services import demo as demo_service
from ..services import instance_lock
from . import messages, recovery, unexpected_errors
from .first_run import run_first_run
from .fonts import register_fonts
from .main_window import MainWindow

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sangkien-desktop", description=f"{APP_TITLE} — giao diện đồ họa")
    parser.add_argument("--db", metavar="ĐƯỜNG_DẪN", help="tệp cơ sở dữ liệu (hoặc URL SQLAlchemy)")
    parser.add_argument("--version", action="version", version=f"sangkien-desktop {__version__}")
    parser.add_argument("--page", metavar="TRANG", help="mở sẵn một trang (overview, registrations, …)")
    parser.add_argument(
        "--demo", action="store_true", help="tạo dữ liệu mẫu nếu cơ sở dữ liệu trống, không hỏi lại"
    )
    parser.add_argument(
        "--no-prompt", action="store_true", help="không hỏi gì khi khởi động (dùng cho kiểm thử)"
    )
    parser.add_argument(
        "--screenshot", metavar="TỆP.png", help="chụp cửa sổ vào tệp PNG sau khi hiện rồi thoát (tài liệu)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="tự kiểm tra cài đặt (cơ sở dữ liệu tạm, PDF, Excel, cửa sổ) rồi thoát; mã thoát 0 nếu mọi thứ đều tốt",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Background jobs (duplicate checks, index builds) run Python on a worker thread: hand the GIL back to
    # the GUI thread after 1 ms instead of 5, so that painting and typing stay smooth meanwhile.
    sys.setswitchinterval(0.001)
    unexpected_errors.setup_logging()
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    unexpected_errors.install()
    app.setApplicationDisplayName(APP_TITLE)
    app.setWindowIcon(QIcon(str(paths.resource_path("icons", "app.png"))))
    register_fonts(app)
    if args.self_test:
        return self_test(app)

    backup_settings = backup_service.load_settings()
    deferred_backup: list[Database] = []

    def run_startup_backup(database: Database) -> None:
        result = backup_service.auto_backup(database, backup_service.BackupKind.STARTUP, backup_settings)
        if result is not None:
            log.info(result.message)

    def startup_backup(database: Database) -> None:
        # A copy of the data as it was before this session. Before a schema upgrade it is taken now;
        # otherwise on a background thread once the window is up (a large database takes seconds to copy;
        # the online backup API gives a consistent copy even while the secretary starts working).
        if is_up_to_date(database.engine):
            deferred_backup.append(database)
        else:
            run_startup_backup(database)

    try:
        db = Database.open(args.db, before_migrate=startup_backup)
    except SangKienError as exc:
        if not recovery.can_recover(args.db):
            QMessageBox.critical(None, APP_TITLE, str(exc))
            return 1
        recovered = recovery.recover(args.db, exc, before_migrate=startup_backup)
        if recovered is None:
            return 1
        db = recovered
    if db.migration and db.migration.changed and db.migration.before is not None:
        log.info("Database upgraded %s → %s", db.migration.before, db.migration.after)

    if args.demo and demo_service.database_is_empty(db):
        demo_service.create_demo(db)
    marker, holders = instance_lock.InstanceMarker.acquire(db)
    window = MainWindow(db)
    heartbeat = QTimer(window)
    if marker is not None:
        heartbeat.timeout.connect(marker.heartbeat)
        heartbeat.start(instance_lock.HEARTBEAT_S * 1000)
    if args.page:
        window.show_page(args.page)
    window.show()
    backup_thread: threading.Thread | None = None
    if deferred_backup:
        backup_thread = threading.Thread(
            target=run_startup_backup, args=(db,), name="startup-backup", daemon=False
        )
        QTimer.singleShot(200, backup_thread.start)

    if args.screenshot:

        def grab() -> None:
            window.grab().save(args.screenshot)
            app.quit()

        QTimer.singleShot(300, grab)
    elif not args.no_prompt and demo_service.database_is_empty(db):
        QTimer.singleShot(0, lambda: run_first_run(window))
    if holders:
        log.info("Database also open in: %s", "; ".join(h.text for h in holders))
        if not args.no_prompt and not args.screenshot:
            QTimer.singleShot(0, lambda: messages.show_info(window, instance_lock.in_use_message(holders)))
    try:
        return app.exec()
    finally:
        heartbeat.stop()
        if backup_thread is not None and backup_thread.is_alive():
            backup_thread.join()  # the start-up copy finishes before the exit copy is compared with it
        result = backup_service.auto_backup(db, backup_service.BackupKind.EXIT)
        if result is not None:
            log.info(result.message)
        if marker is not None:
            marker.release()
        db.dispose()


def _pdf_text(pdf: bytes) -> str:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    return "\n".join(document.getAllText(i).text() for i in range(document.pageCount()))


def _say(text: str, error: bool = False) -> None:
    """Print when there is a console (a windowed build on Windows has none); always log."""
    stream = sys.stderr if error else sys.stdout
    if stream is not None:
        print(text, file=stream, flush=True)
    (log.error if error else log.info)(text)


def self_test(app: QApplication) -> int:
    """Checks for an installation and for the frozen bundle; prints one line per check."""
    import tempfile
    from pathlib import Path

    from ..services.selftest import run_self_test

    try:
        run_self_test(report=_say, check_pdf=_pdf_text)
        with tempfile.TemporaryDirectory(prefix="sangkien-selftest-ui-") as folder:
            db = Database.open(Path(folder) / "ui.db", backup_dir=Path(folder))
            try:
                demo_service.create_demo(db, dossiers=4)
                window = MainWindow(db)
                window.show()
                app.processEvents()
                assert window.nav.count() >= 9
                window.close()
                _say(f"OK  cửa sổ chính mở được với {window.nav.count()} trang")
            finally:
                db.dispose()
    except Exception as exc:  # the self-test reports every failure and exits non-zero
        _say(f"LỖI tự kiểm tra: {exc}", error=True)
        log.exception("self-test failed")
        return 1
    _say("Tự kiểm tra: mọi thứ đều tốt.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
