"""Sao lưu & Nhật ký: backups (list, preview, manual backup, restore, folder and automatic copies), the audit log
browser with filters and a chain check, and finalizing / reopening the current round with its archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...services import audit, backup, check, finalize, safety_view
from ...services.backup import BackupFile, BackupKind, BackupSettings
from ...services.rounds import RoundInfo
from .. import colours, file_dialogs, messages, operations
from ..context import AppContext
from ..operations import Op
from ..widgets import audit_display
from ..widgets.record_model import ERROR_BACKGROUND, Column, RecordTableModel, RecordTableView
from ..workers import Job, Progress
from .base import Page

ALL = "(tất cả)"
PAGE_SIZE = 500
OK_COLOR = colours.TEXT_OK
BAD_COLOR = colours.TEXT_ERROR


def open_folder(path: Path) -> None:
    """Show a folder in the system's file manager (replaced in tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def choose_folder(parent: QWidget, title: str, start: str = "") -> Path | None:
    """Ask for a folder (replaced in tests)."""
    return file_dialogs.existing_directory(parent, title, start)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, n // 1024)} KB"


def _status_label(label: QLabel, text: str, ok: bool) -> None:
    label.setText(text)
    label.setStyleSheet(f"color: {OK_COLOR if ok else BAD_COLOR}; font-weight: bold;")


# backups ----------------------------------------------------------------------------------------------------
class BackupTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = backup.load_settings()
        self.job: Job | None = None
        # A backup's preview (integrity check, row counts) takes seconds for a large council: it is read in
        # the background, once per file version.
        self.preview_job: Job | None = None
        self.inspect_job: Job | None = None  # reading a backup before asking to restore it
        self._previews: dict[tuple[str, int, dt.datetime], str] = {}
        layout = QVBoxLayout(self)

        where = QGroupBox("Nơi lưu và sao lưu tự động")
        form = QVBoxLayout(where)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("backup_folder")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.fallback_label = QLabel()
        self.fallback_label.setObjectName("backup_fallback")
        self.fallback_label.setWordWrap(True)
        self.fallback_label.setStyleSheet(f"color: {BAD_COLOR};")
        row = QHBoxLayout()
        self.choose_btn = QPushButton("&Chọn thư mục sao lưu (USB)…")
        self.choose_btn.clicked.connect(self.choose_backup_folder)
        self.default_btn = QPushButton("&Dùng thư mục mặc định")
        self.default_btn.clicked.connect(self.use_default_folder)
        self.open_btn = QPushButton("Mở thư &mục")
        self.open_btn.clicked.connect(lambda: open_folder(self.folder().path))
        for b in (self.choose_btn, self.default_btn, self.open_btn):
            row.addWidget(b)
        row.addStretch(1)
        options = QHBoxLayout()
        self.on_start_cb = QCheckBox("Tự sao lưu khi mở phần mềm")
        self.on_exit_cb = QCheckBox("Tự sao lưu khi thoát")
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 1000)
        self.keep_spin.setSuffix(" bản gần nhất")
        self.keep_spin.setToolTip("Số bản sao lưu tự động được giữ lại, ngoài ra giữ một bản cho mỗi tháng")
        options.addWidget(self.on_start_cb)
        options.addWidget(self.on_exit_cb)
        options.addWidget(QLabel("Giữ lại:"))
        options.addWidget(self.keep_spin)
        options.addWidget(QLabel("+ một bản mỗi tháng"))
        options.addStretch(1)
        form.addWidget(self.folder_label)
        form.addWidget(self.fallback_label)
        form.addLayout(row)
        form.addLayout(options)
        layout.addWidget(where)

        actions = QHBoxLayout()
        self.backup_btn = QPushButton("Sao lưu &ngay")
        self.backup_btn.setObjectName("backup_now")
        self.backup_btn.setToolTip("Ghi một bản sao toàn bộ dữ liệu vào thư mục sao lưu (Ctrl+Shift+S)")
        self.backup_btn.clicked.connect(self.backup_now)
        self.backup_file_btn = QPushButton("Sao lưu ra &tệp…")
        self.backup_file_btn.clicked.connect(self.backup_to_file)
        self.restore_btn = QPushButton("&Khôi phục bản đã chọn…")
        self.restore_btn.setObjectName("restore_selected")
        self.restore_btn.clicked.connect(self.restore_selected)
        self.restore_file_btn = QPushButton("Khôi phục từ tệp k&hác…")
        self.restore_file_btn.clicked.connect(self.restore_other_file)
        for b in (self.backup_btn, self.backup_file_btn, self.restore_btn, self.restore_file_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, activated=self.backup_now)

        columns: list[Column[BackupFile]] = [
            Column(
                "Thời điểm",
                lambda b: b.made_at.strftime("%d/%m/%Y %H:%M:%S"),
                width=150,
                sort_key=lambda b: b.made_at,
            ),
            Column("Loại", lambda b: b.kind.label, width=150),
            Column("Dung lượng", lambda b: _size(b.size), width=90, sort_key=lambda b: b.size),
            Column("Tệp", lambda b: b.name, tooltip=lambda b: str(b.path)),
        ]
        self.model: RecordTableModel[BackupFile] = RecordTableModel(columns)
        self.view = RecordTableView(self.model, filterable=False)
        self.view.setObjectName("backup_list")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_preview())
        self.view.doubleClicked.connect(lambda *_: self.restore_selected())
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("backup_preview")
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText("Chọn một bản sao lưu để xem nó chứa gì.")
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(self.preview)
        splitter.setSizes([560, 420])
        layout.addWidget(splitter, 1)

        self._load_options()
        self.on_start_cb.toggled.connect(self._save_options)
        self.on_exit_cb.toggled.connect(self._save_options)
        self.keep_spin.valueChanged.connect(self._save_options)

    # settings ---------------------------------------------------------------------------------------------
    def _load_options(self) -> None:
        for w in (self.on_start_cb, self.on_exit_cb, self.keep_spin):
            w.blockSignals(True)
        self.on_start_cb.setChecked(self.settings.on_start)
        self.on_exit_cb.setChecked(self.settings.on_exit)
        self.keep_spin.setValue(self.settings.keep_last)
        for w in (self.on_start_cb, self.on_exit_cb, self.keep_spin):
            w.blockSignals(False)

    def _save(self, settings: BackupSettings) -> None:
        def failed(error: BaseException) -> None:
            messages.show_error(self, f"Không lưu được cài đặt sao lưu: {error}")
            self._load_options()  # the boxes show what is stored

        def done(_old: BackupSettings) -> None:
            self.settings = settings

        Op(
            self,
            "Sửa cài đặt sao lưu tự động",
            lambda _db: backup.replace_settings(settings),
            ctx=self.ctx,
            area="settings",
            undo=lambda _db, old: backup.replace_settings(old),
            on_done=done,
            on_error=failed,
        ).start()

    def _save_options(self) -> None:
        s = self.settings
        self._save(
            BackupSettings(
                keep_last=self.keep_spin.value(),
                keep_monthly=s.keep_monthly,
                on_start=self.on_start_cb.isChecked(),
                on_exit=self.on_exit_cb.isChecked(),
            )
        )

    def folder(self) -> backup.BackupFolder:
        return backup.resolve_folder(self.ctx.db, self.settings)

    def choose_backup_folder(self) -> None:
        current = backup.council_backup_dir(self.ctx.db)
        chosen = choose_folder(self, "Chọn thư mục sao lưu (ví dụ một thư mục trên USB)", current)
        if chosen is not None:
            self._set_folder(str(chosen))

    def use_default_folder(self) -> None:
        self._set_folder("")

    def _set_folder(self, folder: str) -> None:
        """The folder is the council setting ``backup_dir`` (also on the Cài đặt page; the change is logged)."""
        Op(
            self,
            "Đổi thư mục sao lưu",
            lambda db: backup.set_council_backup_dir(db, folder),
            ctx=self.ctx,
            area="settings",
            undo=lambda db, old: backup.set_council_backup_dir(db, old),
        ).start()

    # list and preview -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.settings = backup.load_settings()
        self._load_options()
        folder = self.folder()
        self.folder_label.setText(f"Thư mục sao lưu: {folder.path}")
        self.fallback_label.setText(folder.note)
        self.fallback_label.setVisible(bool(folder.note))
        self.model.set_records(backup.backups_of(self.ctx.db, self.settings))
        self.model.show_all()
        if self.model.rowCount():
            self.view.selectRow(0)
        else:
            self.preview.setPlainText("Chưa có bản sao lưu nào. Bấm «Sao lưu ngay» để tạo bản đầu tiên.")
        self.restore_btn.setEnabled(self.model.rowCount() > 0)

    def selected(self) -> BackupFile | None:
        item = self.view.current_record()
        return item if isinstance(item, BackupFile) else None

    def show_preview(self) -> None:
        item = self.selected()
        if item is None:
            self.preview.clear()
            return
        key = (str(item.path), item.size, item.made_at)
        text = self._previews.get(key)
        if text is not None:
            self.preview.setPlainText(text)
            return
        self.preview.setPlainText(f"Đang đọc bản sao lưu {item.name} …")
        if self.preview_job is not None and not self.preview_job.done:
            return  # the selection is looked at again when that one is done

        def work(_db: Database) -> str:
            preview = backup.inspect_backup(item.path)
            return "\n".join([f"Loại: {item.kind.label}", *preview.summary_lines()])

        def done(text: str) -> None:
            self._previews[key] = text
            self.show_preview()  # the selected one's (it may have changed meanwhile)

        def failed(error: BaseException) -> None:  # an unreadable backup: said in the preview
            done(str(error))

        op = Op(self, "Đọc bản sao lưu", work, ctx=self.ctx, on_done=done, on_error=failed)
        self.preview_job = op.in_background(progress_dialog=False).start().job

    def hideEvent(self, event: QHideEvent) -> None:
        if self.preview_job is not None and not self.preview_job.done:
            self.preview_job.thread.quit()
            self.preview_job.thread.wait()  # a running QThread must not be destroyed
        super().hideEvent(event)

    # actions ----------------------------------------------------------------------------------------------
    def backup_now(self) -> None:
        settings = self.settings

        def work(db: Database, progress: Progress) -> backup.BackupResult:
            return backup.make_backup(
                db,
                BackupKind.MANUAL,
                settings=settings,
                progress=lambda d, t: progress.report(d, t, "Đang sao lưu…"),
            )

        self.job = (
            Op(self, "Sao lưu", work, ctx=self.ctx, on_done=self._backed_up).in_background().start().job
        )

    def backup_to_file(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        path = messages.ask_save_path(
            self, "Sao lưu ra tệp", f"{backup.database_name(self.ctx.db)}_{stamp}.db", "Bản sao lưu (*.db)"
        )
        if path is None:
            return
        op = Op(
            self,
            "Sao lưu ra tệp",
            lambda db: backup.make_backup(db, dest=path),
            ctx=self.ctx,
            on_done=self._backed_up,
        )
        self.job = op.in_background().start().job

    def _backed_up(self, result: backup.BackupResult) -> None:
        self.refresh()
        messages.show_info(self, result.message)

    def restore_selected(self) -> None:
        item = self.selected()
        if item is None:
            messages.show_info(self, "Hãy chọn một bản sao lưu trong danh sách.")
            return
        self.restore_from(item.path)

    def restore_other_file(self) -> None:
        path = messages.ask_open_path(
            self, "Chọn bản sao lưu để khôi phục", "Bản sao lưu (*.db);;Mọi tệp (*)"
        )
        if path is not None:
            self.restore_from(path)

    def restore_from(self, path: Path) -> None:
        op = Op(
            self,
            "Đọc bản sao lưu",
            lambda _db: backup.inspect_backup(path),
            ctx=self.ctx,
            on_done=lambda preview: self._confirm_restore(path, preview),
        )
        self.inspect_job = op.in_background().start().job  # the restore itself, if confirmed, is self.job

    def _confirm_restore(self, path: Path, preview: backup.BackupPreview) -> None:
        text = (
            "Khôi phục dữ liệu từ bản sao lưu này?\n\n"
            + "\n".join(preview.summary_lines())
            + "\n\nToàn bộ dữ liệu hiện tại sẽ được thay bằng dữ liệu trong bản sao lưu. "
            "Trước đó, dữ liệu hiện tại được sao lưu (loại «Trước khi khôi phục»), nên vẫn lấy lại được."
        )
        if not messages.confirm(self, text, "Khôi phục dữ liệu", destructive=True):
            return
        settings = self.settings
        # not undoable by Ctrl+Z: the data as it was is kept as a "Trước khi khôi phục" backup instead
        op = Op(
            self,
            "Khôi phục dữ liệu",
            lambda db: backup.restore(db, path, settings=settings),
            ctx=self.ctx,
            on_done=self._restored,
        )
        self.job = op.in_background().start().job

    def _restored(self, result: backup.RestoreResult) -> None:
        self.ctx.undo_stack.clear()  # the undo steps refer to data that no longer exists
        self.ctx.notify("all")
        self.refresh()
        messages.show_info(self, result.message)


# audit log ---------------------------------------------------------------------------------------------------
class AuditTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.broken: set[int] = set()
        self.refs: dict[tuple[str, str], str] = {}  # (entity, entity_id) → readable name
        self.loaded = 0
        self.total = 0
        self.job: Job | None = None
        layout = QVBoxLayout(self)

        filters = QHBoxLayout()
        self.since_cb = QCheckBox("Từ ngày")
        self.since_edit = QDateEdit(QDate.currentDate().addDays(-30))
        self.until_cb = QCheckBox("đến ngày")
        self.until_edit = QDateEdit(QDate.currentDate())
        for edit in (self.since_edit, self.until_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("audit_user")
        self.entity_combo = QComboBox()
        self.entity_combo.setObjectName("audit_entity")
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("audit_action")
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("audit_text")
        self.text_edit.setPlaceholderText("Tìm trong nội dung…")
        self.text_edit.setClearButtonEnabled(True)
        for w in (
            self.since_cb,
            self.since_edit,
            self.until_cb,
            self.until_edit,
            QLabel("Người:"),
            self.user_combo,
            QLabel("Dữ liệu:"),
            self.entity_combo,
            QLabel("Việc:"),
            self.action_combo,
        ):
            filters.addWidget(w)
        filters.addWidget(self.text_edit, 1)
        layout.addLayout(filters)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.reload)
        self.text_edit.textChanged.connect(lambda _t: self._debounce.start())
        for cb in (self.since_cb, self.until_cb):
            cb.toggled.connect(lambda _c: self.reload())
        for edit in (self.since_edit, self.until_edit):
            edit.dateChanged.connect(lambda _d: self.reload())
        for combo in (self.user_combo, self.entity_combo, self.action_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())

        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        paint = self._background
        columns: list[Column[audit.AuditRow]] = [
            Column("Số", lambda r: r.id, width=60, align=right, background=paint),
            Column(
                "Thời điểm",
                lambda r: r.at.strftime("%d/%m/%Y %H:%M:%S"),
                width=140,
                sort_key=lambda r: r.at,
                background=paint,
            ),
            Column("Người", lambda r: r.user, width=100, background=paint),
            Column("Việc", audit_display.action_text, width=100, background=paint),
            Column("Dữ liệu", lambda r: r.entity_label, width=120, background=paint),
            Column(
                "Đối tượng",
                self._ref_text,
                width=190,
                tooltip=self._ref_tooltip,
                background=paint,
                header_tooltip="Hồ sơ, thành viên, đợt, cài đặt … mà dòng nhật ký nói tới",
            ),
            Column("Nội dung", lambda r: r.summary, tooltip=lambda r: r.summary, background=paint),
        ]
        self.model: RecordTableModel[audit.AuditRow] = RecordTableModel(columns)
        self.view = RecordTableView(self.model, filterable=False)
        self.view.setObjectName("audit_list")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())
        self.detail = QTableWidget(0, 3)
        self.detail.setObjectName("audit_detail")
        self.detail.setHorizontalHeaderLabels(["Mục", "Giá trị cũ", "Giá trị mới"])
        detail_header = self.detail.horizontalHeader()
        detail_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        detail_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.detail.setColumnWidth(0, 260)
        self.detail.setWordWrap(True)
        self.detail.verticalHeader().setVisible(False)
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setSizes([420, 150])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("audit_count")
        self.more_btn = QPushButton(f"Xem thêm {PAGE_SIZE} dòng")
        self.more_btn.clicked.connect(self.load_more)
        self.chain_label = QLabel()
        self.chain_label.setObjectName("chain_status")
        self.verify_btn = QPushButton("Kiểm tra &chuỗi nhật ký")
        self.verify_btn.setObjectName("verify_chain")
        self.verify_btn.clicked.connect(self.verify_chain)
        self.check_btn = QPushButton("Kiểm tra &toàn bộ dữ liệu…")
        self.check_btn.setObjectName("check_all")
        self.check_btn.clicked.connect(self.check_all)
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.more_btn)
        bottom.addStretch(1)
        bottom.addWidget(self.chain_label)
        bottom.addWidget(self.verify_btn)
        bottom.addWidget(self.check_btn)
        layout.addLayout(bottom)

    def _ref_text(self, row: audit.AuditRow) -> str:
        return self.refs.get((row.entity, row.entity_id), row.entity_id)

    def _ref_tooltip(self, row: audit.AuditRow) -> str | None:
        if not row.entity_id:
            return None
        readable = self.refs.get((row.entity, row.entity_id))
        return (
            f"{readable}\nMã trong dữ liệu: {row.entity_id}"
            if readable
            else f"Mã trong dữ liệu: {row.entity_id}"
        )

    def _name_refs(self, rows: list[audit.AuditRow]) -> None:
        """Readable names for the rows' objects (one query per kind of object)."""
        wanted = [(r.entity, r.entity_id) for r in rows if (r.entity, r.entity_id) not in self.refs]
        if wanted:
            self.refs.update(
                operations.read(self, self.ctx.db, lambda db: safety_view.describe_refs(db, wanted), {})
            )

    def _background(self, row: audit.AuditRow) -> QColor | None:
        return ERROR_BACKGROUND if row.id in self.broken else None

    def _fill_combo(self, combo: QComboBox, values: list[str], label: Any) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL, None)
        for value in values:
            combo.addItem(label(value), value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def refresh(self) -> None:
        facets = audit.facets(self.ctx.db)
        self._fill_combo(self.user_combo, facets.users, str)
        self._fill_combo(self.entity_combo, facets.entities, audit.entity_label)
        self._fill_combo(self.action_combo, facets.actions, audit.action_label)
        self.reload()

    def current_filter(self) -> audit.AuditFilter:
        return audit.AuditFilter(
            entity=self.entity_combo.currentData(),
            user=self.user_combo.currentData(),
            action=self.action_combo.currentData(),
            since=self.since_edit.date().toPython() if self.since_cb.isChecked() else None,  # type: ignore[arg-type]
            until=self.until_edit.date().toPython() if self.until_cb.isChecked() else None,  # type: ignore[arg-type]
            text=self.text_edit.text().strip() or None,
        )

    def reload(self) -> None:
        flt = self.current_filter()
        rows = audit.list_entries(self.ctx.db, flt, limit=PAGE_SIZE)
        self.refs.clear()  # names may have changed (a renamed unit, a renumbered dossier)
        self._name_refs(rows)
        self.total = audit.count_entries(self.ctx.db, flt)
        self.loaded = len(rows)
        self.model.set_records(rows)
        self.model.show_all()
        self._update_count()
        if rows:
            self.view.selectRow(0)
        else:
            self.detail.setRowCount(0)

    def load_more(self) -> None:
        rows = audit.list_entries(self.ctx.db, self.current_filter(), limit=PAGE_SIZE, offset=self.loaded)
        self._name_refs(rows)
        self.loaded += len(rows)
        self.model.set_records(self.model.records() + rows)
        self.model.show_all()
        self._update_count()

    def _update_count(self) -> None:
        shown = f"{self.loaded:,}".replace(",", ".")
        total = f"{self.total:,}".replace(",", ".")
        self.count_label.setText(f"Hiển thị {shown}/{total} dòng")
        self.more_btn.setVisible(self.loaded < self.total)

    def show_detail(self) -> None:
        row = self.view.current_record()
        if not isinstance(row, audit.AuditRow):
            self.detail.setRowCount(0)
            return
        changes = audit_display.change_rows(row)
        self.detail.setRowCount(len(changes))
        for r, (name, old, new, key) in enumerate(changes):
            for c, text in enumerate((name, old, new)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"Tên trường trong dữ liệu: {key}" if c == 0 else text)
                self.detail.setItem(r, c, item)
        self.detail.resizeRowsToContents()

    def verify_chain(self) -> None:
        op = Op(
            self,
            "Kiểm tra chuỗi nhật ký",
            safety_view.verify_chain,
            ctx=self.ctx,
            on_done=self._chain_checked,
        )
        self.job = op.in_background().start().job

    def _chain_checked(self, problems: list[audit.ChainProblem]) -> None:
        self.broken = {p.entry_id for p in problems}
        self.model.set_records(self.model.records())
        self.model.show_all()
        if not problems:
            _status_label(
                self.chain_label, f"Nhật ký nguyên vẹn ({self.total:,} dòng).".replace(",", "."), True
            )
            return
        _status_label(self.chain_label, f"Nhật ký bị sửa: {len(problems)} dòng có vấn đề.", False)
        messages.show_error(
            self,
            "Chuỗi mã băm của nhật ký bị phá vỡ — có dòng đã bị sửa hoặc xóa ngoài phần mềm:\n"
            + "\n".join(p.message for p in problems[:20]),
        )

    def check_all(self) -> None:
        op = Op(
            self, "Kiểm tra dữ liệu", lambda db: check.run_checks(db), ctx=self.ctx, on_done=self._checked
        )
        self.job = op.in_background().start().job

    def _checked(self, report: check.CheckReport) -> None:
        lines = []
        for rule in report.rules:
            mark = "bỏ qua" if rule.skipped else ("đạt" if rule.problems == 0 else f"{rule.problems} vấn đề")
            lines.append(f"[{mark}] {rule.label}")
        lines += [("LỖI: " if p.severity == check.ERROR else "Lưu ý: ") + p.message for p in report.problems]
        if report.ok:
            messages.show_info(self, "Cơ sở dữ liệu tốt.\n\n" + "\n".join(lines))
        else:
            messages.show_error(self, f"Phát hiện {len(report.errors)} lỗi:\n\n" + "\n".join(lines))


# finalize ----------------------------------------------------------------------------------------------------
class FinalizeTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.archive_root: Path | None = None
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        self.round_label = QLabel()
        self.round_label.setObjectName("finalize_round")
        font = self.round_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.round_label.setFont(font)
        self.state_label = QLabel()
        self.state_label.setObjectName("finalize_state")
        self.state_label.setWordWrap(True)
        layout.addWidget(self.round_label)
        layout.addWidget(self.state_label)

        box = QGroupBox("Chốt kết quả sau khi quyết định công nhận đã ký")
        form = QFormLayout(box)
        self.decision_no = QLineEdit()
        self.decision_no.setObjectName("decision_no")
        self.decision_no.setPlaceholderText("ví dụ 15/QĐ-HĐSK")
        self.decision_no.setMaximumWidth(320)
        self.decision_date = QDateEdit(QDate.currentDate())
        self.decision_date.setObjectName("decision_date")
        self.decision_date.setDisplayFormat("dd/MM/yyyy")
        self.decision_date.setCalendarPopup(True)
        self.decision_date.setMaximumWidth(160)
        folder_row = QHBoxLayout()
        self.archive_label = QLabel()
        self.archive_label.setObjectName("archive_root")
        self.archive_label.setWordWrap(True)
        archive_choose = QPushButton("Chọn…")
        archive_choose.clicked.connect(self.choose_archive_root)
        folder_row.addWidget(self.archive_label, 1)
        folder_row.addWidget(archive_choose)
        form.addRow("Số quyết định:", self.decision_no)
        form.addRow("Ngày quyết định:", self.decision_date)
        form.addRow("Thư mục lưu trữ:", folder_row)
        note = QLabel(
            "Khi chốt, điểm, biểu quyết, xếp loại, giấy chứng nhận, phân công, tác giả, tiêu chí và Hội đồng của "
            "đợt bị khóa. Phần mềm ghi một thư mục lưu trữ gồm bản sao dữ liệu, các văn bản của đợt và danh "
            "sách mã SHA-256 để sau này kiểm tra không tệp nào bị sửa. Muốn sửa sau khi chốt phải mở lại đợt "
            "và ghi lý do; việc mở lại được ghi vào nhật ký."
        )
        note.setWordWrap(True)
        form.addRow(note)
        layout.addWidget(box)

        buttons = QHBoxLayout()
        self.finalize_btn = QPushButton("&Chốt kết quả đợt…")
        self.finalize_btn.setObjectName("finalize")
        self.finalize_btn.clicked.connect(self.finalize_round)
        self.reopen_btn = QPushButton("&Mở lại đợt…")
        self.reopen_btn.setObjectName("reopen")
        self.reopen_btn.clicked.connect(self.reopen_round)
        self.archive_btn = QPushButton("&Ghi lại thư mục lưu trữ")
        self.archive_btn.clicked.connect(self.write_archive)
        self.verify_btn = QPushButton("&Kiểm tra một thư mục lưu trữ…")
        self.verify_btn.clicked.connect(self.verify_archive)
        for b in (self.finalize_btn, self.reopen_btn, self.archive_btn, self.verify_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        layout.addWidget(QLabel("Các thư mục lưu trữ của đợt (bấm đúp để mở):"))
        self.archives = QListWidget()
        self.archives.setObjectName("archives")
        self.archives.itemActivated.connect(self._open_archive)
        layout.addWidget(self.archives, 1)

    def _root(self) -> Path:
        return self.archive_root or finalize.default_archive_root(self.ctx.db)

    def choose_archive_root(self) -> None:
        chosen = choose_folder(self, "Chọn nơi ghi thư mục lưu trữ", str(self._root()))
        if chosen is not None:
            self.archive_root = chosen
            self.archive_label.setText(str(chosen))

    def refresh(self) -> None:
        info: RoundInfo | None = self.ctx.round
        self.archive_label.setText(str(self._root()))
        self.archives.clear()
        if info is None:
            self.round_label.setText("Chưa chọn đợt.")
            self.state_label.setText("")
            for b in (self.finalize_btn, self.reopen_btn, self.archive_btn):
                b.setEnabled(False)
            return
        view = operations.read(self, self.ctx.db, lambda db: safety_view.finalize_view(db, info.id))
        if view is None:
            return
        finalized_at, decision_no, decision_date = view.finalized_at, view.decision_no, view.decision_date
        self.round_label.setText(f"{info.label} — {view.status.label}")
        finalized = view.finalized
        if finalized and finalized_at is not None:
            self.state_label.setText(
                f"Đã chốt lúc {finalized_at.strftime('%H:%M ngày %d/%m/%Y')}"
                + (f", Quyết định số {decision_no}" if decision_no else "")
                + (f" ngày {decision_date.strftime('%d/%m/%Y')}" if decision_date else "")
                + ". Dữ liệu kết quả của đợt đang bị khóa."
            )
        else:
            warnings = view.warnings
            self.state_label.setText("Chưa chốt." + ("" if not warnings else " Lưu ý: " + " ".join(warnings)))
        self.decision_no.setText(decision_no or "")
        if decision_date is not None:
            self.decision_date.setDate(QDate(decision_date.year, decision_date.month, decision_date.day))
        self.decision_no.setEnabled(not finalized)
        self.decision_date.setEnabled(not finalized)
        self.finalize_btn.setEnabled(not finalized)
        self.reopen_btn.setEnabled(finalized)
        self.archive_btn.setEnabled(finalized)
        for entry in view.archives:
            folder = entry.folder
            item = QListWidgetItem(f"{entry.at.strftime('%d/%m/%Y %H:%M')} — {folder}")
            item.setData(Qt.ItemDataRole.UserRole, folder)
            if folder and not Path(folder).is_dir():
                item.setText(item.text() + " (không còn thư mục này)")
            self.archives.addItem(item)

    def _open_archive(self, item: QListWidgetItem) -> None:
        folder = item.data(Qt.ItemDataRole.UserRole)
        if folder and Path(folder).is_dir():
            open_folder(Path(folder))

    def finalize_round(self) -> None:
        info = self.ctx.round
        if info is None:
            return
        warnings = finalize.finalize_warnings(self.ctx.db, info.id)
        no = self.decision_no.text().strip()
        if no:
            warnings = [w for w in warnings if not w.startswith("Chưa ghi số")]
        text = (
            f"Chốt kết quả {info.label}?\n\n"
            "Sau khi chốt, điểm, xếp loại và giấy chứng nhận của đợt bị khóa; muốn sửa phải mở lại đợt và "
            "ghi lý do."
        )
        if warnings:
            text += "\n\nLưu ý:\n" + "\n".join(f"- {w}" for w in warnings)
        if not messages.confirm(self, text, "Chốt kết quả đợt", destructive=True):
            return
        date = self.decision_date.date().toPython() if no else None
        root = self.archive_root

        def work(db: Database, progress: Progress) -> finalize.FinalizeResult:
            return finalize.finalize_round(
                db,
                info.id,
                decision_no=no or None,
                decision_date=date,
                archive_root=root,  # type: ignore[arg-type]
                progress=progress.step,  # Huỷ works until the round is finalized
                committed=progress.point_of_no_return,
            )

        # not undoable by Ctrl+Z: a finalized round is reopened with «Mở lại đợt…», which asks for a reason
        op = Op(self, "Chốt kết quả đợt", work, ctx=self.ctx, area="rounds", on_done=self._finalized)
        self.job = op.in_background().start().job

    def _finalized(self, result: finalize.FinalizeResult) -> None:
        text = result.message
        if result.archive is not None and result.archive.failures:
            text += "\n\nKhông tạo được: " + "; ".join(f"{a} ({b})" for a, b in result.archive.failures)
        messages.show_info(self, text)

    def reopen_round(self) -> None:
        info = self.ctx.round
        if info is None:
            return
        reason = messages.ask_text(
            self,
            f"Lý do mở lại {info.label} (ghi vào nhật ký, ít nhất {finalize.MIN_REASON_LENGTH} ký tự):",
            "Mở lại đợt đã chốt",
        )
        if reason is None:
            return
        # not undoable by Ctrl+Z: the round is finalized again with «Chốt kết quả đợt…» (a new archive)
        Op(
            self,
            "Mở lại đợt đã chốt",
            lambda db: finalize.reopen_round(db, info.id, reason),
            ctx=self.ctx,
            area="rounds",
            on_done=lambda result: messages.show_info(self, result.message),
        ).start()

    def write_archive(self) -> None:
        info = self.ctx.round
        if info is None:
            return
        root = self.archive_root
        op = Op(
            self,
            "Ghi thư mục lưu trữ",
            lambda db: finalize.write_archive(db, info.id, root),
            ctx=self.ctx,
            area="rounds",  # the page lists the new folder
            on_done=lambda r: messages.show_info(self, f"Đã ghi thư mục lưu trữ {r.folder}."),
        )
        self.job = op.in_background().start().job

    def verify_archive(self) -> None:
        folder = choose_folder(self, "Chọn thư mục lưu trữ cần kiểm tra", str(self._root()))
        if folder is None:
            return
        Op(
            self,
            "Kiểm tra thư mục lưu trữ",
            lambda _db: finalize.verify_archive(folder),
            ctx=self.ctx,
            on_done=lambda problems: self._archive_checked(folder, problems),
        ).in_background().start()

    def _archive_checked(self, folder: Path, problems: list[str]) -> None:
        if problems:
            messages.show_error(self, "Thư mục lưu trữ không còn nguyên vẹn:\n" + "\n".join(problems[:30]))
        else:
            messages.show_info(self, f"Mọi tệp trong {folder} khớp với danh sách SHA256SUMS.")


class SafetyPage(Page):
    key = "safety"
    title = "Sao lưu & Nhật ký"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("safety_tabs")
        self.backups = BackupTab(ctx)
        self.audit = AuditTab(ctx)
        self.finalize = FinalizeTab(ctx)
        self.tabs.addTab(self.backups, "Sao lưu && khôi phục")
        self.tabs.addTab(self.audit, "Nhật ký thay đổi")
        self.tabs.addTab(self.finalize, "Chốt đợt")
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, BackupTab | AuditTab | FinalizeTab):
            tab.refresh()

    def on_round_changed(self, info: RoundInfo | None) -> None:
        if self.isVisible():
            self.refresh()
