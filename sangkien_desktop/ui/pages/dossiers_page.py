"""The Hồ sơ page: the round's dossiers in receipt-book order with filters (text, status, legal clocks,
unregistered), the intake dialog, status changes, the receipt with a preview, the receipt book and the
reconciliation report. Every change can be undone with Ctrl+Z."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.clocks import ClockFilter, ClockKind, ClockLevel, round_intake_clock
from ...domain.enums import DossierStatus
from ...domain.intake_rules import format_percent
from ...domain.text import fold_key
from ...domain.vndate import dmy
from ...services import intake, intake_actions
from ...services.intake import DossierDetail, DossierRow, ListFilter
from ...services.rounds import RoundInfo
from .. import colours, messages
from ..context import AppContext
from ..dialogs.dossier_dialog import DossierDialog, status_after_save
from ..dialogs.dossier_reconciliation import ReconciliationDialog
from ..dialogs.dossier_status import DossierStatusDialog
from ..operations import Op, read
from ..widgets.record_model import (
    CENTER,
    ERROR_BACKGROUND,
    OK_BACKGROUND,
    WARN_BACKGROUND,
    Column,
    RecordTableModel,
    RecordTableView,
)
from ..workers import user_typed
from .base import Page

_STATUS_COLOURS = {
    DossierStatus.VALID: OK_BACKGROUND,
    DossierStatus.COMPLETE: QColor(colours.BACKGROUND_COMPLETE),
    DossierStatus.INCOMPLETE: WARN_BACKGROUND,
    DossierStatus.INVALID: ERROR_BACKGROUND,
    DossierStatus.WITHDRAWN: QColor(colours.BACKGROUND_MUTED),
}


def preview_pdf(parent: QWidget | None, pdf: bytes, title: str, suggested_name: str) -> None:
    """The PDF preview (modal); its module, with Qt's PDF and printing libraries, is read the first time."""
    from ..dialogs import pdf_preview

    pdf_preview.preview_pdf(parent, pdf, title, suggested_name)


def _clock_text(r: DossierRow) -> str:
    short = {
        ClockKind.FIRST_APPLICATION: "Quá 1 năm từ ngày áp dụng",
        ClockKind.ROUND_DEADLINE: "Nhận sau hạn của đợt",
    }
    parts = []
    for c in r.clocks:
        if not c.needs_attention:
            continue
        if c.kind is ClockKind.DECISION:
            days = c.days_left or 0
            parts.append(f"Quá hạn 3 tháng {-days} ngày" if days < 0 else f"Còn {days} ngày đến hạn 3 tháng")
        else:
            parts.append(short[c.kind])
    if not parts:
        decision = r.clock(ClockKind.DECISION)
        if decision.due is not None and decision.level is ClockLevel.OK:
            return f"Hạn quyết định {dmy(decision.due)}"
    return "; ".join(parts)


def _clock_background(r: DossierRow) -> QColor | None:
    if any(c.level is ClockLevel.OVERDUE for c in r.clocks):
        return ERROR_BACKGROUND
    if r.clock_attention:
        return WARN_BACKGROUND
    return None


COLUMNS: list[Column[DossierRow]] = [
    Column("Mã", lambda r: r.code, align=CENTER, width=85, sort_key=lambda r: r.receipt_no),
    Column("Ngày nhận", lambda r: r.received_on, align=CENTER, width=90),
    Column("Đơn vị", lambda r: r.unit_name, width=150),
    Column("Tên sáng kiến", lambda r: r.title, width=300),
    Column("Tác giả (tỷ lệ)", lambda r: r.authors_with_shares, width=170),
    Column(
        "Trạng thái",
        lambda r: r.status.label,
        width=140,
        background=lambda r: _STATUS_COLOURS.get(r.status),
        tooltip=lambda r: r.status_note or None,
    ),
    Column(
        "Thời hạn",
        _clock_text,
        width=210,
        background=_clock_background,
        tooltip=lambda r: "\n".join(c.text for c in r.clocks),
    ),
    Column(
        "Đăng ký",
        lambda r: "Có" if r.registered else "Chưa đăng ký",
        align=CENTER,
        width=90,
        background=lambda r: None if r.registered else WARN_BACKGROUND,
    ),
]


class DossiersPage(Page):
    key = "dossiers"
    title = "Hồ sơ"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[DossierRow] = []
        self.today: dt.date | None = None  # tests pin the date; None = the real today

        self.round_clock = QLabel()
        self.round_clock.setObjectName("round_clock")
        head = QHBoxLayout()
        head.addWidget(self.heading())
        head.addStretch(1)
        head.addWidget(self.round_clock)

        self.new_button = QPushButton("&Tiếp nhận hồ sơ… (Ctrl+N)")
        self.new_button.setObjectName("new_dossier")
        self.edit_button = QPushButton("&Sửa… (Enter)")
        self.status_button = QPushButton("Đổi trạng thái… (F&4)")
        self.receipt_button = QPushButton("In &giấy biên nhận… (Ctrl+P)")
        self.book_button = QPushButton("Sổ tiếp nhận")
        book_menu = QMenu(self.book_button)
        book_menu.addAction("Xem trước và in PDF…", self.preview_book)
        book_menu.addAction("Xuất Excel…", self.export_book_xlsx)
        self.book_button.setMenu(book_menu)
        self.reconcile_button = QPushButton("Đối &chiếu với đăng ký…")
        self.delete_button = QPushButton("&Xóa hồ sơ nhập nhầm")
        self.new_button.clicked.connect(self.new_dossier)
        self.edit_button.clicked.connect(self.edit_current)
        self.status_button.clicked.connect(self.change_status)
        self.receipt_button.clicked.connect(lambda: self.print_receipt())  # clicked passes a bool
        self.reconcile_button.clicked.connect(self.open_reconciliation)
        self.delete_button.clicked.connect(self.delete_current)
        actions = QHBoxLayout()
        for b in (
            self.new_button,
            self.edit_button,
            self.status_button,
            self.receipt_button,
            self.book_button,
            self.reconcile_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)

        self.search = QLineEdit()
        self.search.setObjectName("dossier_search")
        self.search.setPlaceholderText("Tìm theo mã, tên sáng kiến, đơn vị, tác giả… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem("Mọi trạng thái", None)
        for s in DossierStatus:
            self.status_filter.addItem(s.label, s.value)
        self.clock_filter = QComboBox()
        self.clock_filter.setObjectName("clock_filter")
        for c in ClockFilter:
            self.clock_filter.addItem(c.label, c.value)
        self.unregistered_only = QCheckBox("Chỉ hồ sơ chưa đăng ký")
        self.unregistered_only.setObjectName("unregistered_only")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(QLabel("Trạng thái:"))
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel("Thời hạn:"))
        filters.addWidget(self.clock_filter)
        filters.addWidget(self.unregistered_only)

        self.model: RecordTableModel[DossierRow] = RecordTableModel(COLUMNS)
        self.table = RecordTableView(self.model)
        self.table.setObjectName("dossiers_table")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.selectionModel().currentChanged.connect(lambda *_: self._show_detail())
        self.detail_view = QTextBrowser()
        self.detail_view.setObjectName("dossier_detail")
        self.detail_view.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.count_label = QLabel()
        self.count_label.setObjectName("dossier_count")
        self.message = QLabel()
        self.message.setObjectName("dossier_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.message, 1)
        layout.addLayout(bottom)

        self.search.textChanged.connect(user_typed)
        self.search.textChanged.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.clock_filter.currentIndexChanged.connect(self._apply_filters)
        self.unregistered_only.toggled.connect(self._apply_filters)
        for seq, slot in (
            ("Ctrl+N", self.new_dossier),
            ("Ctrl+P", self.print_receipt),
            ("F4", self.change_status),
            ("Ctrl+F", self.search.setFocus),
            ("Return", self.edit_current),
            ("Enter", self.edit_current),
            ("Delete", self.delete_current),
        ):
            shortcut = QShortcut(
                QKeySequence(seq), self.table if seq in {"Return", "Enter", "Delete"} else self
            )
            # Ctrl+P prints the receipt wherever the focus is in the window (the navigation list too); a
            # hidden page's shortcuts do not fire
            shortcut.setContext(
                Qt.ShortcutContext.WindowShortcut
                if seq == "Ctrl+P"
                else Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
            shortcut.activated.connect(slot)
        self._update_buttons()

    # data -------------------------------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.today or intake.today()

    def on_round_changed(self, info: RoundInfo | None) -> None:
        self.refresh()

    def refresh(self) -> None:
        current = self.table.current_record()
        keep = current.id if current is not None else None
        info = self.ctx.round
        if info is None:
            self.rows = []
            self.round_clock.setText("Chưa có đợt nào: hãy tạo đợt trong trang Cài đặt.")
        else:
            self.rows = read(self, self.ctx.db, lambda db: intake.list_dossiers(db, info.id), [])
            clock = round_intake_clock(info.receive_until, self._today())
            self.round_clock.setText(f"{info.label}: {clock.text}")
            self.round_clock.setStyleSheet(
                f"color: {colours.TEXT_ATTENTION};" if clock.needs_attention else ""
            )
        self._apply_filters()
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def _filter(self) -> ListFilter:
        status = self.status_filter.currentData()
        return ListFilter(
            status=DossierStatus(status) if status else None,
            clock=ClockFilter(self.clock_filter.currentData() or ClockFilter.ANY.value),
            registered=False if self.unregistered_only.isChecked() else None,
            text=self.search.text(),
        )

    def _apply_filters(self) -> None:
        shown = intake.filter_rows(self.rows, self._filter())
        self.model.set_records(shown)
        attention = sum(1 for r in self.rows if r.clock_attention)
        unregistered = sum(1 for r in self.rows if not r.registered)
        text = f"{len(shown)}/{len(self.rows)} hồ sơ"
        if attention:
            text += f" · {attention} cần chú ý thời hạn"
        if unregistered:
            text += f" · {unregistered} chưa đăng ký"
        self.count_label.setText(text)
        if shown and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self._show_detail()
        self._update_buttons()

    def select(self, dossier_id: int) -> bool:
        model = self.table.model()
        for row in range(model.rowCount()):
            record = self.table.proxy.record(row) if self.table.proxy is not None else None
            if record is not None and record.id == dossier_id:
                self.table.selectRow(row)
                self.table.scrollTo(model.index(row, 0))
                return True
        return False

    def current(self) -> DossierRow | None:
        return self.table.current_record()

    def _update_buttons(self) -> None:
        has_round = self.ctx.round is not None
        locked = has_round and self.ctx.round is not None and self.ctx.round.status.value == "finalized"
        has_row = self.current() is not None
        self.new_button.setEnabled(has_round and not locked)
        for b in (self.edit_button, self.status_button, self.delete_button):
            b.setEnabled(has_row and not locked)
        self.receipt_button.setEnabled(has_row)
        self.book_button.setEnabled(has_round)
        self.reconcile_button.setEnabled(has_round)

    def _show_detail(self) -> None:
        row = self.current()
        if row is None:
            self.detail_view.setHtml("")
            return
        d = read(self, self.ctx.db, lambda db: intake.get_dossier(db, row.id))
        self.detail_view.setHtml(detail_html(d) if d is not None else "")

    # actions ----------------------------------------------------------------------------------------
    def _after_save(self, dossier_id: int, text: str) -> None:
        self.refresh()
        self.select(dossier_id)
        self.message.setText(text)

    def new_dossier(self) -> DossierDialog | None:
        if self.ctx.round_id is None:
            messages.show_error(self, "Chưa chọn đợt. Hãy chọn đợt ở thanh trên cùng.")
            return None
        dialog = DossierDialog(self.ctx.db, self.ctx.round_id, parent=self, today=self._today(), ctx=self.ctx)
        if dialog.exec() != DossierDialog.DialogCode.Accepted or dialog.result is None:
            return dialog
        result = dialog.result  # saved through the dialog's operation (its undo entry is on the stack)
        self._after_save(result.dossier_id, status_after_save(result))
        if dialog.print_receipt:
            self.print_receipt(result.dossier_id)
        return dialog

    def edit_current(self) -> DossierDialog | None:
        row = self.current()
        if row is None or self.ctx.round_id is None:
            return None
        before = read(self, self.ctx.db, lambda db: intake.get_dossier(db, row.id))
        if before is None:
            return None
        dialog = DossierDialog(
            self.ctx.db, before.round_id, before, parent=self, today=self._today(), ctx=self.ctx
        )
        if dialog.exec() != DossierDialog.DialogCode.Accepted or dialog.result is None:
            return dialog
        self._after_save(row.id, status_after_save(dialog.result))
        after = read(self, self.ctx.db, lambda db: intake.get_dossier(db, row.id))
        if after is not None:
            self._offer_status_from_checklist(after)
        if dialog.print_receipt:
            self.print_receipt(row.id)
        return dialog

    def _offer_status_from_checklist(self, d: DossierDetail) -> None:
        """After an edit that completes (or breaks) the paper set, offer the matching status."""
        completed = d.status is DossierStatus.INCOMPLETE and not d.missing
        broken = d.status in (DossierStatus.RECEIVED, DossierStatus.COMPLETE) and bool(d.missing)
        if completed and messages.confirm(
            self, f"Hồ sơ {d.code} đã đủ thành phần. Chuyển trạng thái sang «Đủ»?"
        ):
            self._set_status(d, DossierStatus.COMPLETE)
        elif broken and messages.confirm(
            self,
            f"Hồ sơ {d.code} còn thiếu: {'; '.join(d.missing)}.\nChuyển trạng thái sang «Thiếu — cần bổ sung»"
            " (đề nghị bổ sung hôm nay)?",
        ):
            note = "Còn thiếu: " + "; ".join(d.missing)
            self._set_status(d, DossierStatus.INCOMPLETE, note=note, requested=self._today())

    def _set_status(
        self, d: DossierDetail, status: DossierStatus, *, note: str = "", requested: dt.date | None = None
    ) -> None:
        Op(
            self,
            f"Đổi trạng thái hồ sơ {d.code}",
            ctx=self.ctx,
            area="dossiers",
            run=lambda db: intake_actions.change_status(db, d.id, status, note=note, requested_on=requested),
            undo=intake_actions.put_back,  # the dossier's rows exactly as they were
            on_done=lambda saved: self._after_save(
                d.id, f"Hồ sơ {saved.code}: {d.status.label} → {saved.result.status.label}."
            ),
        ).start()

    def change_status(self) -> DossierStatusDialog | None:
        row = self.current()
        if row is None:
            return None
        before = read(self, self.ctx.db, lambda db: intake.get_dossier(db, row.id))
        if before is None:
            return None
        dialog = DossierStatusDialog(self.ctx.db, before, self, today=self._today(), ctx=self.ctx)
        if dialog.exec() != DossierStatusDialog.DialogCode.Accepted or dialog.result is None:
            return dialog
        self._after_save(
            row.id, f"Hồ sơ {before.code}: {before.status.label} → {dialog.result.status.label}."
        )
        return dialog

    def delete_current(self) -> None:
        row = self.current()
        if row is None:
            return
        if not messages.confirm(
            self,
            f"Xóa hồ sơ {row.code} «{row.title}»?\n\nChỉ xóa hồ sơ nhập nhầm. Nếu tác giả rút hồ sơ, hãy đổi "
            "trạng thái sang «Rút hồ sơ». (Có thể hoàn tác bằng Ctrl+Z.)",
            destructive=True,
        ):
            return
        Op(
            self,
            f"Xóa hồ sơ {row.code}",
            ctx=self.ctx,
            area="dossiers",
            run=lambda db: intake_actions.delete(db, row.id),
            undo=intake_actions.put_back,  # back with its id, authors, checklist and what went with it
            on_done=lambda _deleted: self.message.setText(
                f"Đã xóa hồ sơ {row.code}. Bấm Ctrl+Z để hoàn tác."
            ),
        ).start()

    def _deleted(self, code: str) -> None:
        self.refresh()
        self.message.setText(f"Đã xóa hồ sơ {code}. Bấm Ctrl+Z để hoàn tác.")

    # documents --------------------------------------------------------------------------------------
    def print_receipt(self, dossier_id: int | None = None) -> None:

        if dossier_id is None:
            row = self.current()
            if row is None:
                return
            dossier_id = row.id
        wanted = dossier_id
        Op(
            self,
            "Đang tạo giấy biên nhận",
            lambda db, _progress: intake_actions.receipt(db, wanted),
            ctx=self.ctx,
            on_done=lambda r: preview_pdf(
                self, r.pdf, f"Giấy biên nhận {r.code}", f"giay-bien-nhan-{r.code}.pdf"
            ),
        ).in_background().start()

    def preview_book(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None:
            return
        today = self._today()
        Op(
            self,
            "Đang tạo sổ tiếp nhận",
            lambda db, _progress: intake_actions.book_pdf(db, round_id, today),
            ctx=self.ctx,
            on_done=lambda book: preview_pdf(
                self,
                book.pdf,
                f"Sổ tiếp nhận — {book.round_label}",
                _file_name("so-tiep-nhan", book.round_label, "pdf"),
            ),
        ).in_background().start()

    def export_book_xlsx(self) -> None:
        info = self.ctx.round
        if info is None:
            return
        path = messages.ask_save_path(
            self,
            "Xuất sổ tiếp nhận",
            _file_name("so-tiep-nhan", info.label, "xlsx"),
            "Tệp Excel (*.xlsx)",
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        target, today = path, self._today()
        Op(
            self,
            "Đang xuất sổ tiếp nhận",
            lambda db, _progress: intake_actions.write_book_xlsx(db, info.id, target, today),
            ctx=self.ctx,
            on_done=lambda written: self.message.setText(f"Đã ghi sổ tiếp nhận: {written}"),
        ).in_background().start()

    def open_reconciliation(self) -> ReconciliationDialog | None:
        round_id = self.ctx.round_id
        if round_id is None:
            return None
        op = Op(
            self,
            "Đối chiếu với đăng ký",
            lambda db: ReconciliationDialog(db, round_id, self),
            ctx=self.ctx,
        ).start()
        if not op.ok:
            return None
        dialog: ReconciliationDialog = op.result
        dialog.exec()
        return dialog


def _file_name(prefix: str, round_label: str, ext: str) -> str:
    return f"{prefix}-{fold_key(round_label).replace(' ', '-')}.{ext}"


def detail_html(d: DossierDetail) -> str:
    """The lower pane: the dossier at a glance, with its clocks coloured."""
    e = html.escape
    clock_colours = {
        ClockLevel.OK: colours.TEXT_OK_DARK,
        ClockLevel.INFO: colours.TEXT_MUTED,
        ClockLevel.WARNING: colours.TEXT_ATTENTION,
        ClockLevel.OVERDUE: colours.TEXT_ERROR_DARK,
    }
    reg = (
        f"Đăng ký: {e(d.registration_title)}"
        if d.registered
        else f"<span style='color:{colours.TEXT_ATTENTION}'><b>Chưa đăng ký</b></span>"
    )
    authors = ", ".join(
        f"{e(a.full_name)}" + (f" ({format_percent(a.contribution)})" if len(d.authors) > 1 else "")
        for a in d.authors
    )
    status = e(d.status.label) + (f" — {e(d.status_note)}" if d.status_note else "")
    if d.status is DossierStatus.INCOMPLETE and d.supplement_requested_on:
        status += f" (đề nghị bổ sung ngày {dmy(d.supplement_requested_on)})"
    clocks = "".join(
        f"<li style='color:{clock_colours[c.level]}'>{e(c.kind.label)}: {e(c.text)}</li>" for c in d.clocks
    )
    papers = "".join(
        f"<li>{'☑' if c.received else '☐'} {e(c.name)}"
        + (f" — {c.copies or 0}/{c.copies_required} bản" if c.copies_required else "")
        + "</li>"
        for c in d.checklist
    )
    return (
        f"<p><b>{e(d.code)}</b> — <b>{e(d.title)}</b><br>"
        f"{e(d.unit_name)} · nhận ngày {dmy(d.received_on)} · {reg}<br>"
        f"Tác giả: {authors}<br>Trạng thái: {status}</p>"
        f"<table width='100%'><tr><td valign='top' width='55%'><b>Thời hạn</b><ul>{clocks}</ul></td>"
        f"<td valign='top'><b>Thành phần hồ sơ</b><ul>{papers}</ul></td></tr></table>"
    )
