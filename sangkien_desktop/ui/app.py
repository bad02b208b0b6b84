"""``sangkien-desktop``: start the GUI on a database (``--db``), creating or upgrading it first."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from .. import APP_AUTHOR, APP_NAME, APP_TITLE, __version__, paths
from ..argparse_vi import VietnameseHelpFormatter, install_vietnamese_argparse, vietnamese_parser
from ..db.database import Database
from ..services import demo as demo_service
from ..services.output import WriteError, write_document
from . import translation, unexpected_errors
from .database_windows import DatabaseWindows, start_target
from .fonts import register_fonts
from .main_window import MainWindow
from .pages import PAGE_SPECS

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    install_vietnamese_argparse()
    parser = argparse.ArgumentParser(
        prog="sangkien-desktop",
        description=f"{APP_TITLE} — giao diện đồ họa",
        formatter_class=VietnameseHelpFormatter,
        add_help=False,
    )
    vietnamese_parser(parser)
    parser.add_argument(
        "--db",
        metavar="ĐƯỜNG_DẪN",
        help="tệp cơ sở dữ liệu (hoặc URL SQLAlchemy); mặc định: tệp mở lần trước (Tệp → Mở…), "
        "rồi tệp sangkien.db trong thư mục dữ liệu",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"sangkien-desktop {__version__}",
        help="in phiên bản rồi thoát",
    )
    parser.add_argument(
        "--page",
        metavar="TRANG",
        type=_page_key,
        help="mở sẵn một trang: " + ", ".join(spec.key for spec in PAGE_SPECS),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="mở dữ liệu mẫu (tệp demo.db trong thư mục dữ liệu, tạo lần đầu); cùng --db: tạo dữ liệu mẫu "
        "trong tệp đó nếu nó trống",
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


def _page_key(value: str) -> str:
    keys = [spec.key for spec in PAGE_SPECS]
    if value not in keys:
        raise argparse.ArgumentTypeError(f"không có trang {value!r}; các trang: {', '.join(keys)}")
    return value


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
    translation.install(app)
    app.setApplicationDisplayName(APP_TITLE)
    app.setWindowIcon(QIcon(str(paths.resource_path("icons", "app.png"))))
    register_fonts(app)
    if args.self_test:
        return self_test(app)

    windows = DatabaseWindows(prompt=not args.no_prompt and not args.screenshot)
    if args.demo and not args.db and not os.environ.get("SANGKIEN_DB_URL"):
        window = windows.open_demo()  # demo.db in the data folder, filled the first time
    else:
        window = windows.open(start_target(args.db), fill_demo=args.demo)
    if window is None:
        return 1
    if args.page:
        window.show_page(args.page)
    if args.screenshot:

        def grab() -> None:
            save_screenshot(window, args.screenshot)
            app.quit()

        QTimer.singleShot(300, grab)
    try:
        return app.exec()
    finally:
        windows.close_all()


def save_screenshot(widget: QWidget, path: str | Path) -> None:
    """The widget as an image file (format from the name: .png, .jpg …), written through write_document."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image_format = Path(path).suffix.lstrip(".").upper() or "PNG"
    if not widget.grab().save(buffer, image_format):
        raise WriteError(f"Không tạo được ảnh dạng {image_format} cho {path}.")
    buffer.close()
    write_document(path, data.data())


def _pdf_text(pdf: bytes) -> str:
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
