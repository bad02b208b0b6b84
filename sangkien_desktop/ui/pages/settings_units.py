"""Cài đặt → Đơn vị: unit types with their registration deadlines, and the units catalog (short names,
other names, import from Excel, merge duplicates)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...services import units_catalog
from ...services.importers.readers import SPREADSHEET_FILTER
from ...services.units import UnitRow, UnitTypeRow
from ...services.units_catalog import CatalogChange, ImportReview
from .. import messages, operations
from ..context import AppContext
from ..dialogs.unit_dialogs import ImportReviewDialog, MergeDialog, UnitDialog, UnitTypeDialog
from ..operations import Op
from ..widgets.record_model import Column, RecordTableModel, RecordTableView


def exec_dialog(dialog: QDialog) -> bool:
    """Run a dialog modally (tests replace this to fill the dialog in and accept it)."""
    return bool(dialog.exec())


UNIT_COLUMNS: list[Column[UnitRow]] = [
    Column("Tên đơn vị", lambda u: u.name if u.active else f"{u.name} (ngừng hoạt động)", width=240),
    Column("Viết tắt", lambda u: u.short_name, width=80),
    Column("Loại", lambda u: u.type_name, width=140),
    Column("Tên khác", lambda u: "; ".join(u.aliases), tooltip=lambda u: "\n".join(u.aliases) or None),
    Column("Đăng ký", lambda u: u.registrations),
    Column("Hồ sơ", lambda u: u.dossiers),
]
ALIASES_COLUMN = 3  # takes the room left, so it is never pushed out of sight (issue 18)


class UnitsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.types: list[UnitTypeRow] = []

        # unit types
        self.type_table = QTableWidget(0, 3)
        self.type_table.setObjectName("unit_types")
        self.type_table.setHorizontalHeaderLabels(["Loại đơn vị", "Hạn đăng ký", "Số đơn vị"])
        self.type_table.verticalHeader().setVisible(False)
        self.type_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.type_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.type_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.type_table.setColumnWidth(1, 90)
        self.type_table.setColumnWidth(2, 70)
        self.type_table.horizontalHeader().setStretchLastSection(False)
        self.type_table.verticalHeader().setDefaultSectionSize(24)
        self.type_table.activated.connect(lambda _=None: self.edit_type())  # Enter or double click
        type_buttons = QHBoxLayout()
        for text, slot in (("Thêm…", self.add_type), ("Sửa…", self.edit_type), ("Xóa", self.delete_type)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            type_buttons.addWidget(button)
        types_box = QGroupBox("Loại đơn vị và hạn đăng ký")
        tl = QVBoxLayout(types_box)
        tl.addWidget(self.type_table)
        tl.addLayout(type_buttons)
        hint = QLabel("Hạn đăng ký theo loại: ví dụ 31/3 với phòng ban, xã/phường; 15/9 với trường học.")
        hint.setWordWrap(True)
        tl.addWidget(hint)

        # units
        self.model: RecordTableModel[UnitRow] = RecordTableModel(UNIT_COLUMNS, self)
        self.view = RecordTableView(self.model)
        self.view.setObjectName("units_view")
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ALIASES_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (4, 5):  # the counts: as wide as their titles
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.activated.connect(lambda _=None: self.edit_unit())  # Enter or double click
        self.filter = QLineEdit()
        self.filter.setObjectName("units_filter")
        self.filter.setPlaceholderText("Lọc theo tên, viết tắt, tên khác (gõ không dấu cũng được)…")
        self.filter.setClearButtonEnabled(True)
        assert self.view.proxy is not None
        proxy = self.view.proxy
        self.filter.textChanged.connect(proxy.set_text)
        self.count = QLabel()
        self.count.setObjectName("units_count")
        unit_buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("add", "&Thêm đơn vị…", self.add_unit),
            ("edit", "&Sửa…", self.edit_unit),
            ("delete", "&Xóa", self.delete_unit),
            ("merge", "&Gộp đơn vị trùng…", self.merge_units),
            ("import", "&Nhập từ Excel…", self.import_units),
        ):
            button = QPushButton(text)
            button.setObjectName(f"units_{key}")
            button.clicked.connect(slot)
            unit_buttons.addWidget(button)
            self.buttons[key] = button
        unit_buttons.addStretch(1)
        unit_buttons.addWidget(self.count)
        QShortcut(
            QKeySequence.StandardKey.New, self.view, self.add_unit, context=Qt.ShortcutContext.WidgetShortcut
        )
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.view, self.delete_unit,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        units_box = QGroupBox("Danh mục đơn vị")
        ul = QVBoxLayout(units_box)
        ul.addWidget(self.filter)
        ul.addWidget(self.view, 1)
        ul.addLayout(unit_buttons)

        splitter = QSplitter()
        splitter.addWidget(types_box)
        splitter.addWidget(units_box)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 890])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # data -----------------------------------------------------------------------------------------------
    def load(self) -> None:
        catalog = operations.read(self, self.ctx.db, units_catalog.load_catalog)
        if catalog is None:
            return
        self.types = catalog.types
        rows = catalog.units
        self.type_table.setRowCount(len(self.types))
        for i, t in enumerate(self.types):
            for c, text in enumerate((t.name, t.deadline_text or "—", str(t.units))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, t.id)
                self.type_table.setItem(i, c, item)
        self.model.set_records(rows)
        self.count.setText(f"{len(rows)} đơn vị")

    def _change(self, title: str, run: Callable[[Database], CatalogChange]) -> Op:
        """A catalog action: undo puts back the state before, redo the state after (one transaction each)."""
        return reversible(self, self.ctx, title, run, units_catalog.put, area="units", on_done=self._done)

    def _done(self, _result: object = None) -> None:
        self.load()

    def _selected_type(self) -> UnitTypeRow | None:
        row = self.type_table.currentRow()
        return self.types[row] if 0 <= row < len(self.types) else None

    # unit types -----------------------------------------------------------------------------------------
    def add_type(self) -> None:
        dialog = UnitTypeDialog(None, self)
        if exec_dialog(dialog):
            self._save_type(None, dialog)

    def edit_type(self) -> None:
        current = self._selected_type()
        if current is None:
            return
        dialog = UnitTypeDialog(current, self)
        if exec_dialog(dialog):
            self._save_type(current.id, dialog)

    def _save_type(self, type_id: int | None, dialog: UnitTypeDialog) -> None:
        name, deadline = dialog.name.text(), dialog.deadline.text()
        title = "Thêm loại đơn vị" if type_id is None else f"Sửa loại đơn vị {name}"
        self._change(title, lambda db: units_catalog.save_type(db, type_id, name, deadline)).start()

    def delete_type(self) -> None:
        current = self._selected_type()
        if current is None or not messages.confirm(
            self, f"Xóa loại đơn vị '{current.name}'?", destructive=True
        ):
            return
        type_id = current.id
        self._change(
            f"Xóa loại đơn vị {current.name}", lambda db: units_catalog.delete_type(db, type_id)
        ).start()

    # units ----------------------------------------------------------------------------------------------
    def add_unit(self) -> None:
        dialog = UnitDialog(self.types, None, self)
        if not exec_dialog(dialog):
            return
        draft = dialog.draft()
        self._change(f"Thêm đơn vị {draft.name}", lambda db: units_catalog.add_unit(db, draft)).start()

    def edit_unit(self) -> None:
        current = self.view.current_record()
        if not isinstance(current, UnitRow):
            return
        dialog = UnitDialog(self.types, current, self)
        if not exec_dialog(dialog):
            return
        draft, unit_id = dialog.draft(), current.id
        self._change(
            f"Sửa đơn vị {current.name}", lambda db: units_catalog.edit_unit(db, unit_id, draft)
        ).start()

    def delete_unit(self) -> None:
        current = self.view.current_record()
        if not isinstance(current, UnitRow):
            return
        if current.used:
            messages.show_error(
                self,
                f"Đơn vị '{current.name}' đang có {current.registrations} đăng ký, {current.dossiers} hồ sơ, "
                f"{current.people} người nên không xóa được. Nếu là bản trùng, hãy dùng Gộp đơn vị trùng.",
            )
            return
        if not messages.confirm(self, f"Xóa đơn vị '{current.name}'?", destructive=True):
            return
        unit_id = current.id
        self._change(f"Xóa đơn vị {current.name}", lambda db: units_catalog.delete_unit(db, unit_id)).start()

    def merge_units(self) -> None:
        rows = self.model.records()
        selected = [r for r in self.view.selected_records() if isinstance(r, UnitRow)]
        first = selected[0] if selected else None
        second = selected[1] if len(selected) > 1 else None
        dialog = MergeDialog(rows, first, second, self)
        if not exec_dialog(dialog):
            return
        keep_id, drop_id = dialog.ids()
        if keep_id is None or drop_id is None:
            return
        locked = operations.read(
            self, self.ctx.db, lambda db: units_catalog.finalized_rounds_holding(db, drop_id), []
        )
        reason = ""
        if locked:  # those rounds are reopened, the dossiers moved, the rounds finalized again: logged
            answer = messages.ask_text(
                self,
                f"Đơn vị gộp vào có hồ sơ trong đợt đã chốt kết quả ({', '.join(locked)}). Gộp sẽ mở lại các "
                "đợt này, chuyển hồ sơ rồi chốt lại.\n\nLý do (được ghi vào nhật ký):",
                "Gộp đơn vị",
            )
            if not answer:
                return
            reason = answer

        def merged(report: str) -> None:
            self.load()
            messages.show_info(self, report)

        Op(self, "Gộp đơn vị trùng", lambda db: units_catalog.merge_units(db, keep_id, drop_id, reason),
           ctx=self.ctx, area="all", on_done=merged).start()  # fmt: skip

    def import_units(self) -> None:
        path = messages.ask_open_path(self, "Chọn tệp danh sách đơn vị", SPREADSHEET_FILTER)
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> bool:
        """Plan the import of ``path``, show what it will do, and apply it when the user agrees."""
        planned = Op(
            self, "Đọc danh sách đơn vị", lambda db: units_catalog.plan_import(db, path), ctx=self.ctx
        )
        if not planned.start().ok:
            return False
        review: ImportReview = planned.result
        if not exec_dialog(ImportReviewDialog(review.plan, review.type_names, self)):
            return False

        def imported(change: CatalogChange) -> None:
            self.load()
            messages.show_info(self, "Đã nhập: " + review.plan.summary())

        op = reversible(self, self.ctx, f"Nhập danh sách đơn vị {path.name}",
                        lambda db: units_catalog.import_units(db, path), units_catalog.put,
                        area="units", on_done=imported)  # fmt: skip
        return op.start().ok


def reversible(
    parent: QWidget,
    ctx: AppContext,
    title: str,
    run: Callable[[Database], Any],
    put: Callable[[Database, Any], Any],
    *,
    area: str,
    on_done: Callable[[Any], None] | None = None,
    after_redo: Callable[[Any], None] | None = None,
) -> Op:
    """An ``Op`` whose service returns a change with the states ``before`` and ``after`` of what it touched:
    undo is ``put(db, change.before)`` and redo ``put(db, change.after)``, one service call each way."""
    first: list[Any] = []

    def do(db: Database) -> Any:
        change = run(db)
        first.append(change)
        return change

    def redo(db: Database) -> Any:
        put(db, first[0].after)
        return first[0]

    return Op(parent, title, do, ctx=ctx, area=area, undo=lambda db, change: put(db, change.before), redo=redo,
              on_done=on_done, after_redo=after_redo)  # fmt: skip
