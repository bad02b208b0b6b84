"""The main window: navigation on the left, the round selector on top, the database in the status bar."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QWidget,
)

from .. import APP_TITLE, __version__, paths
from ..db.database import Database
from ..domain import round_lifecycle
from ..domain.errors import SangKienError
from ..services import demo as demo_service
from ..services.rounds import RoundInfo
from . import colours, messages, recent_databases
from .context import AppContext
from .pages import PAGE_SPECS, Page
from .screen_fit import fit as fit_to_screen

_ICONS = {
    "overview": QStyle.StandardPixmap.SP_ComputerIcon,
    "registrations": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "dossiers": QStyle.StandardPixmap.SP_DirOpenIcon,
    "council": QStyle.StandardPixmap.SP_DirHomeIcon,
    "scoring": QStyle.StandardPixmap.SP_DialogApplyButton,
    "results": QStyle.StandardPixmap.SP_FileDialogListView,
    "documents": QStyle.StandardPixmap.SP_DriveFDIcon,
    "search": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "settings": QStyle.StandardPixmap.SP_FileDialogInfoView,
    "safety": QStyle.StandardPixmap.SP_DriveHDIcon,
}


_KEYS = [spec.key for spec in PAGE_SPECS]
DATABASE_FILTER = "Cơ sở dữ liệu Sáng kiến (*.db *.sqlite *.sqlite3);;Tất cả các tệp (*)"


class _LazyPages(Mapping[str, Page]):
    """``window.pages``: every page by key, each built on first access."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __getitem__(self, key: str) -> Page:
        if key not in _KEYS:
            raise KeyError(key)
        return self._window.page(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)


DEMO_TITLE = "DỮ LIỆU MẪU"
DEMO_BANNER = f"<b>{DEMO_TITLE}</b> — chỉ để xem thử; dữ liệu thật nằm ở tệp khác (Tệp → Mở…)"
DEMO_TOOLTIP = (
    "Đơn vị, hồ sơ, điểm trong cửa sổ này đều là bịa đặt để xem thử phần mềm, ghi trong tệp demo.db riêng. "
    "Dữ liệu thật của Hội đồng không bị đụng tới."
)
DEMO_BANNER_STYLE = (
    f"QLabel {{ background: {colours.DEMO_BANNER}; color: {colours.TEXT_DARK}; "
    "padding: 3px 10px; font-size: 11pt; }"
)


class _Banner(QLabel):
    """Fills the toolbar's free room; on a narrow window it is cut short (the tooltip has it all) instead of
    being pushed into the toolbar's overflow menu."""

    def minimumSizeHint(self) -> QSize:
        return QSize(160, super().minimumSizeHint().height())


class _PageScroll(QScrollArea):
    """Holds a page: the page fills the window and scrolls only when the window is smaller than the page
    can shrink to. Sized here, not by QScrollArea (which keeps a page at the width it got while hidden, and
    asks a page with word-wrapped labels for its preferred height instead of its minimum)."""

    def __init__(self, page: Page, key: str) -> None:
        super().__init__()
        self.setObjectName(f"scroll_{key}")
        self.setWidgetResizable(False)  # sized by _fit_page: its minimum height for the width, not more
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(page)
        page.installEventFilter(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_page()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_page)  # once the page's layout has settled

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self._fit_page)
        return super().eventFilter(watched, event)

    def _fit_page(self) -> None:
        page = self.widget()
        if page is None:
            return
        viewport = self.viewport().size()
        width = max(viewport.width(), page.minimumSizeHint().width())
        height = max(viewport.height(), page.minimumSizeHint().height())
        layout = page.layout()
        if layout is not None and layout.hasHeightForWidth():
            height = max(viewport.height(), layout.totalMinimumHeightForWidth(width))
        page.resize(width, height)


class MainWindow(QMainWindow):
    """One database in one window.

    Signals (handled by the app's ``DatabaseWindows``; a window made alone ignores them):
        openRequested(str): the secretary chose a database file (Mở…, Tạo mới…, a recent file).
        demoRequested(): open the demo database in a window of its own.
        closed(): the window was closed (its database can be copied and released).
    """

    openRequested = Signal(str)
    demoRequested = Signal()
    closed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = AppContext(db, self)
        self.is_demo = demo_service.is_demo(db)
        title = f"{APP_TITLE} — {db.description}"
        self.setWindowTitle(f"{DEMO_TITLE} — {title}" if self.is_demo else title)
        fit_to_screen(self, 1440, 900)  # the whole free area of a laptop screen

        self.round_combo = QComboBox()
        self.round_combo.setObjectName("round_selector")
        self.round_combo.setMinimumWidth(320)
        self.round_combo.setToolTip("Đợt đang làm việc (mọi trang hiển thị dữ liệu của đợt này)")
        self.round_combo.currentIndexChanged.connect(self._round_picked)
        toolbar = QToolBar("Đợt")
        toolbar.setObjectName("round_toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(" Đợt: "))
        toolbar.addWidget(self.round_combo)
        # the demo banner sits in the toolbar's row: it costs no height that a page needs on a laptop
        self.demo_banner = _Banner(DEMO_BANNER)
        self.demo_banner.setObjectName("demo_banner")
        self.demo_banner.setStyleSheet(DEMO_BANNER_STYLE)
        self.demo_banner.setToolTip(DEMO_TOOLTIP)
        self.demo_banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        spacer = QWidget()
        spacer.setFixedWidth(12)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.demo_banner).setVisible(self.is_demo)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setMinimumWidth(170)
        self.nav.setMaximumWidth(260)
        self.stack = QStackedWidget()
        # Pages are built when first shown (start-up builds only the first one); ``pages`` builds on access.
        self.pages = _LazyPages(self)
        self._built: dict[str, Page] = {}
        for index, spec in enumerate(PAGE_SPECS):
            self.stack.addWidget(QWidget())  # stands in for the page until it is built
            item = QListWidgetItem(
                self.style().standardIcon(_ICONS.get(spec.key, _ICONS["overview"])), spec.title
            )
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            if index < 9:
                item.setToolTip(f"{spec.title} (Ctrl+{index + 1})")
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        nav_width = 170 if self.width() < 1300 else 200  # a 1280 px screen keeps its room for the page
        splitter.setSizes([nav_width, self.width() - nav_width])
        self.setCentralWidget(splitter)

        self.db_label = QLabel(f"Cơ sở dữ liệu: {db.description}")
        self.db_label.setObjectName("db_label")
        self.round_status = QLabel()
        self.round_status.setObjectName("round_status_label")
        self.statusBar().addPermanentWidget(self.round_status)
        self.statusBar().addPermanentWidget(self.db_label)
        if db.network_notice:  # a file on a shared folder: one computer at a time (Cài đặt → Dữ liệu)
            self.db_label.setText(
                f"⚠ Tệp dữ liệu nằm trên thư mục mạng: chỉ một máy dùng được một lúc — {db.description}"
            )
            self.db_label.setStyleSheet(f"color: {colours.TEXT_ERROR}; font-weight: bold;")
            self.db_label.setToolTip(db.network_notice)
        self.ctx.roundChanged.connect(self._show_round_status)

        self._build_menus()
        self.ctx.dataChanged.connect(self._data_changed)
        self.ctx.firstRunRequested.connect(self.run_first_run)
        self.reload_rounds(self.ctx.last_round_id())
        self._show_round_status(self.ctx.round)
        self.nav.setCurrentRow(0)

    # navigation -------------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The page ``key``, built now if it was not yet (it then learns the current round, as if it had
        been there when the round was picked)."""
        page = self._built.get(key)
        if page is None:
            page = self._build(key)
            page.on_round_changed(self.ctx.round)
        return page

    def built_pages(self) -> list[Page]:
        return list(self._built.values())

    def _build(self, key: str) -> Page:
        index = _KEYS.index(key)
        page = PAGE_SPECS[index].load()(self.ctx)
        placeholder = self.stack.widget(index)
        current = self.stack.currentIndex()
        # A page larger than the window (a small screen) scrolls inside it instead of stretching the window
        # past the screen's edge.
        holder = _PageScroll(page, key)
        self.stack.insertWidget(index, holder)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if current == index:
            self.stack.setCurrentIndex(index)
        self._built[key] = page
        return page

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(_KEYS.index(key))

    def current_page(self) -> Page:
        return self.page(_KEYS[self.stack.currentIndex()])

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = _KEYS[row]
        if key in self._built:
            self.stack.setCurrentIndex(row)
            page = self._built[key]
            if page.stale_round:
                page.stale_round = False
                self._first_show(page)  # the round it missed, refreshed once
            else:
                self._refresh(page)
            return
        # a first visit reads the page's data: the window says so while it does
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage(f"Đang mở trang {PAGE_SPECS[row].title}…")
        self.statusBar().repaint()
        try:
            page = self._build(key)
            self.stack.setCurrentIndex(row)
            self._first_show(page)
        finally:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()

    def _first_show(self, page: Page) -> None:
        """A page shown for the first time learns the current round; it is refreshed once (by its
        ``on_round_changed`` if that refreshes, otherwise here)."""
        refreshed = False
        original = page.refresh

        def counting() -> None:
            nonlocal refreshed
            refreshed = True
            original()

        page.refresh = counting  # type: ignore[method-assign]
        try:
            page.on_round_changed(self.ctx.round)
        except SangKienError as exc:
            QMessageBox.warning(self, APP_TITLE, str(exc))
            refreshed = True
        finally:
            del page.refresh
        if not refreshed:
            self._refresh(page)

    def _refresh(self, page: Page) -> None:
        try:
            page.refresh()
        except SangKienError as exc:
            QMessageBox.warning(self, APP_TITLE, str(exc))

    # rounds -----------------------------------------------------------------------------------------
    def reload_rounds(self, select_id: int | None = None) -> None:
        infos = self.ctx.reload_rounds()
        keep = select_id if select_id is not None else self.ctx.round_id
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for i, info in enumerate(infos):
            self.round_combo.addItem(self._round_text(info), info.id)
            self.round_combo.setItemData(
                i, round_lifecycle.info(info.status).explanation(), Qt.ItemDataRole.ToolTipRole
            )
        index = next((i for i, r in enumerate(infos) if r.id == keep), 0 if infos else -1)
        self.round_combo.setCurrentIndex(index)
        self.round_combo.blockSignals(False)
        self.ctx.select_round(infos[index].id if index >= 0 else None)

    @staticmethod
    def _round_text(info: RoundInfo) -> str:
        return f"{info.label} — {info.field.label} — {info.status.label}"

    def _show_round_status(self, info: RoundInfo | None) -> None:
        if info is None:
            self.round_status.setText("Chưa có đợt nào")
            self.round_status.setToolTip("Tạo đợt ở trang Cài đặt → Đợt.")
            return
        self.round_status.setText(f"{info.label}: {info.status.label}")
        self.round_status.setToolTip(round_lifecycle.info(info.status).explanation())
        self.round_combo.setToolTip(round_lifecycle.info(info.status).explanation())

    def _round_picked(self, index: int) -> None:
        self.ctx.select_round(self.round_combo.itemData(index) if index >= 0 else None)

    def _data_changed(self, area: str) -> None:
        if area in {"rounds", "all"}:
            self.reload_rounds()
        self._refresh(self.current_page())

    # menus ------------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self._build_file_menu()

        edit_menu = self.menuBar().addMenu("Sử&a")
        undo = self.ctx.undo_stack.createUndoAction(self, "&Hoàn tác")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.createRedoAction(self, "&Làm lại")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.undo_action = undo
        self.redo_action = redo
        # after Ctrl+Z / Ctrl+Y the status line says what was taken back or done again
        stack = self.ctx.undo_stack
        undo.triggered.connect(lambda: self._say_undo(f"Đã hoàn tác: {stack.redoText()}"))
        redo.triggered.connect(lambda: self._say_undo(f"Đã làm lại: {stack.undoText()}"))

        view_menu = self.menuBar().addMenu("X&em")
        for index, spec in enumerate(PAGE_SPECS):
            action = QAction(spec.title.replace("&", "&&"), self)  # "In ấn & Xuất" shows its ampersand
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            view_menu.addAction(action)
            self.addAction(action)

        help_menu = self.menuBar().addMenu("T&rợ giúp")
        guide = QAction("&Hướng dẫn sử dụng", self)
        guide.setObjectName("action_guide")
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.show_guide)
        help_menu.addAction(guide)
        self.addAction(guide)
        about = QAction("&Giới thiệu", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _say_undo(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)
        page = self.current_page()
        message = getattr(page, "message", None)  # the page's own status line (Hồ sơ, Chấm điểm)
        if isinstance(message, QLabel):
            message.setText(text)

    def _build_file_menu(self) -> None:
        menu = self.menuBar().addMenu("Tệ&p")
        menu.setObjectName("file_menu")
        for name, text, slot, shortcut in (
            ("action_open", "&Mở cơ sở dữ liệu…", self.choose_database, QKeySequence.StandardKey.Open),
            ("action_new", "&Tạo cơ sở dữ liệu mới…", self.create_database, None),
        ):
            action = QAction(text, self)
            action.setObjectName(name)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
        self.recent_menu = menu.addMenu("Tệp &gần đây")
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        menu.addSeparator()
        demo_action = QAction("Xem &dữ liệu mẫu (tệp riêng)", self)
        demo_action.setObjectName("action_demo")
        demo_action.setToolTip("Mở dữ liệu mẫu trong một cửa sổ riêng; dữ liệu thật không bị đụng tới")
        demo_action.triggered.connect(self.offer_demo)
        menu.addAction(demo_action)
        folder = QAction("Mở thư &mục chứa dữ liệu", self)
        folder.setObjectName("action_data_folder")
        folder.triggered.connect(self.open_data_folder)
        menu.addAction(folder)
        backup = QAction("&Sao lưu ngay", self)
        backup.setObjectName("action_backup")
        backup.setShortcut(QKeySequence("Ctrl+B"))
        backup.setToolTip("Sao lưu toàn bộ dữ liệu ngay (Ctrl+B)")
        backup.triggered.connect(self.backup_now)
        menu.addAction(backup)
        self.addAction(backup)
        menu.addSeparator()
        quit_action = QAction("T&hoát", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        current = self.ctx.db.path
        items = [p for p in recent_databases.recent() if current is None or p.resolve() != current.resolve()]
        for index, path in enumerate(items, start=1):
            action = QAction(f"&{index} " + f"{path.name} — {path.parent}".replace("&", "&&"), self)
            action.setData(str(path))
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=str(path): self.openRequested.emit(p))
            self.recent_menu.addAction(action)
        if not items:
            none = self.recent_menu.addAction("(chưa có tệp nào)")
            none.setEnabled(False)

    # databases --------------------------------------------------------------------------------------
    def choose_database(self) -> None:
        path = messages.ask_open_path(self, "Mở cơ sở dữ liệu Sáng kiến", DATABASE_FILTER)
        if path is not None:
            self.openRequested.emit(str(path))

    def create_database(self) -> None:
        path = messages.ask_save_path(self, "Tạo cơ sở dữ liệu mới", "sang-kien-moi.db", DATABASE_FILTER)
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".db")
        if path.exists() and path.stat().st_size > 0:
            messages.show_info(
                self,
                f"Tệp {path} đã có. Cơ sở dữ liệu mới cần một tên tệp chưa dùng "
                "(để mở tệp này, dùng Tệp → Mở cơ sở dữ liệu…).",
            )
            return
        self.openRequested.emit(str(path))

    def open_data_folder(self) -> None:
        path = self.ctx.db.path
        folder = path.parent if path is not None else paths.data_dir()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        self.statusBar().showMessage(f"Thư mục dữ liệu: {folder}", 8000)

    def backup_now(self) -> None:
        self.show_page("safety")
        page = self.page("safety")
        page.tabs.setCurrentWidget(page.backups)  # type: ignore[attr-defined]
        page.backups.backup_now()  # type: ignore[attr-defined]

    def show_guide(self) -> None:
        from .dialogs.help_dialog import HelpDialog

        HelpDialog(self).show()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"Giới thiệu {APP_TITLE}",
            f"<b>{APP_TITLE}</b> {__version__}<br>"
            "Phần mềm cho thư ký Hội đồng Sáng kiến — làm việc hoàn toàn không cần mạng.<br><br>"
            f"Cơ sở dữ liệu: {self.ctx.db.description}<br>"
            f"Thư mục sao lưu: {self.ctx.db.default_backup_dir()}<br>"
            f"Thư mục dữ liệu: {paths.data_dir()}<br>"
            f"Nhật ký chương trình: {paths.log_dir()}",
        )

    def run_first_run(self) -> str:
        """The first-run wizard over this window (asked for by a page through ``ctx.firstRunRequested``)."""
        from .first_run import run_first_run

        return run_first_run(self)

    # demo -------------------------------------------------------------------------------------------
    def offer_demo(self) -> None:
        """The demo opens in a window of its own, on its own file (``demo.db`` in the data folder)."""
        if self.is_demo:
            self.statusBar().showMessage("Cửa sổ này đang mở dữ liệu mẫu.", 5000)
            return
        self.demoRequested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
