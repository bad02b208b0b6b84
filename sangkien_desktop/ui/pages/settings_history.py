"""Cài đặt → Dữ liệu các năm trước: the decision lists of earlier years imported (one row per list), the
initiatives of the one selected, and the ways to import another list, correct or delete what was imported —
until a later decision has been taken with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.money import format_money
from ...services import recognized as service
from ...services import recognized_actions
from ...services.importers.readers import OPEN_FILTER
from ...services.recognized import ImportInfo, InitiativeChanges, InitiativeInfo
from .. import messages
from ..context import AppContext
from ..dialogs.recognized_import_dialog import RecognizedImportDialog
from ..operations import Op, read
from ..widgets.record_model import CENTER, RIGHT, Column, RecordTableModel, RecordTableView

AREA = "recognized"
INTRO = (
    "Danh sách sáng kiến được công nhận các năm trước (kèm theo quyết định), nhập từ tệp Excel hoặc Word. "
    "Phần mềm dùng chúng để cảnh báo sáng kiến đã được công nhận khi đăng ký và tiếp nhận hồ sơ, đối chiếu, "
    "tra cứu, lịch sử của từng người, số liệu qua các năm và sổ giấy chứng nhận (không cấp lại số đã dùng). "
    "Sửa, xóa được cho đến khi một đợt về sau đã chốt kết quả."
)


def exec_dialog(dialog: QDialog) -> bool:
    """Run a dialog modally (tests replace this to fill the dialog in and accept it)."""
    return bool(dialog.exec())


IMPORT_COLUMNS: list[Column[ImportInfo]] = [
    Column("Năm", lambda i: i.year, align=CENTER, width=60),
    Column("Quyết định", lambda i: i.decision_text, width=220),
    Column("Số sáng kiến", lambda i: i.row_count, align=RIGHT, width=90),
    Column("Tệp", lambda i: i.file_name, width=200),
    Column("Ngày nhập", lambda i: i.imported_at, width=130),
    Column("Sửa, xóa", lambda i: "được" if not i.locked else f"không: {i.locked}", width=240),
]
INITIATIVE_COLUMNS: list[Column[InitiativeInfo]] = [
    Column("TT", lambda i: i.seq, align=CENTER, width=40),
    Column("Tên sáng kiến", lambda i: i.title, width=280),
    Column("Tác giả", lambda i: i.author_names, width=180),
    Column("Đơn vị", lambda i: i.unit_name, width=165),
    Column("Xếp loại", lambda i: i.grade_label, width=80),
    Column("Điểm", lambda i: i.points, align=RIGHT, width=50),
    Column("Số tiền", lambda i: format_money(i.amount) if i.amount else "", align=RIGHT, width=80),
    Column("Số GCN", lambda i: i.certificates, width=110),
]


class HistoryTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.imports: RecordTableModel[ImportInfo] = RecordTableModel(IMPORT_COLUMNS)
        self.imports_view = RecordTableView(self.imports, filterable=False)
        self.imports_view.setObjectName("recognized_imports")
        self.import_button = QPushButton("&Nhập danh sách năm trước…")
        self.import_button.setObjectName("import_recognized")
        self.decision_button = QPushButton("Sửa số, ngày &quyết định…")
        self.delete_import_button = QPushButton("Xóa &lần nhập")
        top_buttons = QHBoxLayout()
        for b in (self.import_button, self.decision_button, self.delete_import_button):
            top_buttons.addWidget(b)
        top_buttons.addStretch(1)
        imports_box = QGroupBox("Các danh sách đã nhập")
        il = QVBoxLayout(imports_box)
        il.addWidget(self.imports_view)
        il.addLayout(top_buttons)

        self.rows: RecordTableModel[InitiativeInfo] = RecordTableModel(INITIATIVE_COLUMNS)
        self.rows_view = RecordTableView(self.rows, filterable=True)
        self.rows_view.setObjectName("recognized_initiatives")
        self.edit_button = QPushButton("&Sửa sáng kiến…")
        self.delete_button = QPushButton("&Xóa sáng kiến")
        bottom_buttons = QHBoxLayout()
        for b in (self.edit_button, self.delete_button):
            bottom_buttons.addWidget(b)
        bottom_buttons.addStretch(1)
        self.rows_box = QGroupBox("Sáng kiến của danh sách đang chọn (dữ liệu nhập)")
        rl = QVBoxLayout(self.rows_box)
        rl.addWidget(self.rows_view)
        rl.addLayout(bottom_buttons)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(imports_box)
        split.addWidget(self.rows_box)
        split.setSizes([170, 470])
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)

    def _connect_signals(self) -> None:
        self.import_button.clicked.connect(lambda _=False: self.import_list())
        self.decision_button.clicked.connect(lambda _=False: self.edit_decision())
        self.delete_import_button.clicked.connect(lambda _=False: self.delete_import())
        self.edit_button.clicked.connect(lambda _=False: self.edit_initiative())
        self.delete_button.clicked.connect(lambda _=False: self.delete_initiative())
        self.rows_view.activated.connect(lambda _=None: self.edit_initiative())
        self.imports_view.selectionModel().currentRowChanged.connect(lambda *_: self.load_rows())

    # reading ----------------------------------------------------------------------------------------
    def load(self, select_id: int | None = None) -> None:
        current = self.imports_view.current_record()
        wanted = select_id if select_id is not None else (current.id if current is not None else None)
        found = read(self, self.ctx.db, service.list_imports, [])
        self.imports.set_records(found)
        row = next((n for n, i in enumerate(found) if i.id == wanted), 0)
        if found:
            self.imports_view.selectRow(row)
        self.load_rows()

    def load_rows(self) -> None:
        batch = self.imports_view.current_record()
        records = (
            read(self, self.ctx.db, lambda db: service.list_initiatives(db, import_id=batch.id), [])
            if batch is not None
            else []
        )
        self.rows.set_records(records)
        self.rows_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        locked = batch is not None and bool(batch.locked)
        for button in (self.edit_button, self.delete_button, self.decision_button, self.delete_import_button):
            button.setEnabled(batch is not None and not locked)
        title = "Sáng kiến của danh sách đang chọn (dữ liệu nhập)"
        if batch is not None:
            title = (
                f"Sáng kiến năm {batch.year} — {batch.decision_text} (dữ liệu nhập, {len(records)} sáng kiến)"
            )
        self.rows_box.setTitle(title)

    # acting -----------------------------------------------------------------------------------------
    def import_list(self, path: Path | None = None) -> None:
        path = path or messages.ask_open_path(self, "Chọn danh sách sáng kiến được công nhận", OPEN_FILTER)
        if path is None:
            return
        years = [i.year for i in self.imports.records()]
        dialog = RecognizedImportDialog(
            self.ctx.db, path, min(years, default=dt.date.today().year - 1), self, ctx=self.ctx
        )
        if exec_dialog(dialog) and dialog.result is not None:  # its undo entry is on the stack
            messages.show_info(self, dialog.result.summary())
            self.load(dialog.result.import_id)

    def _act(
        self,
        title: str,
        run: Callable[[Database], Any],
        undo: Callable[[Database, Any], Any] | None = None,
    ) -> None:
        """Run one service (its own transaction) as an operation; an error becomes a dialog."""
        Op(self, title, run, ctx=self.ctx, area=AREA, undo=undo, on_done=lambda _r: self.load()).start()

    def edit_decision(self) -> None:
        batch = self.imports_view.current_record()
        if batch is None:
            return
        dialog = DecisionDialog(batch, self)
        if not exec_dialog(dialog):
            return
        number, day = dialog.values()
        self._act(
            f"Sửa quyết định của danh sách năm {batch.year}",
            lambda db: recognized_actions.put_decision(db, batch.id, number, day),
            lambda db, old: recognized_actions.put_decision(db, batch.id, *old),
        )

    def delete_import(self) -> None:
        batch = self.imports_view.current_record()
        if batch is None or not messages.confirm(
            self,
            f"Xóa danh sách năm {batch.year} ({batch.decision_text}, {batch.row_count} sáng kiến, tệp "
            f"{batch.file_name})? Các sáng kiến này sẽ không còn trong cảnh báo trùng, tra cứu, lịch sử cá nhân. "
            "(Có thể hoàn tác bằng Ctrl+Z.)",
            destructive=True,
        ):
            return
        self._act(
            f"Xóa danh sách năm {batch.year}",
            lambda db: recognized_actions.delete_import(db, batch.id),
            recognized_actions.put_back,  # the list, its initiatives and the people only it named, same ids
        )

    def edit_initiative(self) -> None:
        record = self.rows_view.current_record()
        if record is None or not self.edit_button.isEnabled():
            return
        dialog = InitiativeDialog(record, self)
        if not exec_dialog(dialog):
            return
        changes, back = dialog.changes(), dialog.undo_changes()
        self._act(
            f"Sửa sáng kiến năm {record.year}",
            lambda db: service.edit_initiative(db, record.id, changes),
            lambda db, _info: service.edit_initiative(db, record.id, back),
        )

    def delete_initiative(self) -> None:
        record = self.rows_view.current_record()
        if record is None or not messages.confirm(
            self, f"Xóa sáng kiến «{record.title}» khỏi dữ liệu năm {record.year}?", destructive=True
        ):
            return
        self._act(
            f"Xóa sáng kiến năm {record.year}",
            lambda db: recognized_actions.delete_initiative(db, record.id),
            recognized_actions.put_back,  # back with its id, authors and the list's count
        )


class DecisionDialog(QDialog):
    def __init__(self, batch: ImportInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Quyết định của danh sách năm {batch.year}")
        self.number = QLineEdit(batch.decision_no)
        self.number.setObjectName("decision_no")
        self.day = QLineEdit(f"{batch.decision_date:%d/%m/%Y}" if batch.decision_date else "")
        self.day.setObjectName("decision_date")
        self.day.setPlaceholderText("dd/mm/yyyy")
        form = QFormLayout()
        form.addRow("Số &quyết định:", self.number)
        form.addRow("&Ngày quyết định:", self.day)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, dt.date | None]:
        from ...domain.vndate import parse_date

        text = self.day.text().strip()
        return self.number.text().strip(), parse_date(text) if text else None

    def _accept(self) -> None:
        try:
            self.values()
        except ValueError as exc:
            messages.show_error(self, f"Ngày quyết định: {exc}")
            return
        self.accept()


class InitiativeDialog(QDialog):
    """Correct an imported initiative as its decision list wrote it."""

    FIELDS = (
        ("title", "&Tên sáng kiến:"),
        ("authors", "T&ác giả (cách nhau bằng dấu phẩy):"),
        ("unit", "Đơn &vị:"),
        ("grade_label", "&Xếp loại (như quyết định ghi):"),
        ("points", "Đ&iểm:"),
        ("amount", "Số tiề&n (đồng):"),
        ("certificates", "Số &giấy chứng nhận (mỗi tác giả một số):"),
        ("field", "&Lĩnh vực:"),
        ("note", "Ghi &chú:"),
    )

    def __init__(self, record: InitiativeInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setWindowTitle(f"Sửa sáng kiến năm {record.year} (dữ liệu nhập)")
        self.resize(640, 380)
        self.original = {
            "title": record.title,
            "authors": record.author_names,
            "unit": record.unit_name,
            "grade_label": record.grade_label,
            "points": f"{record.points}".replace(".", ",") if record.points is not None else "",
            "amount": format_money(record.amount) if record.amount else "",
            "certificates": ", ".join(a.certificate for a in record.authors),
            "field": record.field,
            "note": record.note,
        }
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label in self.FIELDS:
            edit = QLineEdit(self.original[key])
            edit.setObjectName(f"edit_{key}")
            self.edits[key] = edit
            form.addRow(label, edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def changes(self) -> InitiativeChanges:
        """Only what was changed (an emptied Điểm or Số tiền clears it)."""
        changed = {k: e.text().strip() for k, e in self.edits.items() if e.text().strip() != self.original[k]}
        clear = tuple(k for k in ("points", "amount") if k in changed and not changed[k])
        for k in clear:
            del changed[k]
        return InitiativeChanges(**changed, clear=clear)  # type: ignore[arg-type]

    def undo_changes(self) -> InitiativeChanges:
        """The changes that put back what ``changes()`` changes (an emptied Điểm or Số tiền comes back, a
        filled one is emptied again)."""
        changed = [k for k, e in self.edits.items() if e.text().strip() != self.original[k]]
        back = {k: self.original[k] for k in changed if self.original[k] or k not in ("points", "amount")}
        clear = tuple(k for k in ("points", "amount") if k in changed and not self.original[k])
        return InitiativeChanges(**back, clear=clear)  # type: ignore[arg-type]
