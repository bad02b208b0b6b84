"""Cài đặt → Đơn vị: unit types with their registration deadlines, and the units catalog (short names,
other names, import from Excel, merge duplicates)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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

from ...domain.errors import SangKienError, ValidationError
from ...services import units as units_service
from ...services.importers.readers import SPREADSHEET_FILTER
from ...services.units import UnitRow, UnitTypeRow
from .. import messages
from ..context import AppContext
from ..dialogs.unit_dialogs import ImportReviewDialog, MergeDialog, UnitDialog, UnitTypeDialog
from ..widgets.record_model import Column, RecordTableModel, RecordTableView


def exec_dialog(dialog: QDialog) -> bool:
    """Run a dialog modally (tests replace this to fill the dialog in and accept it)."""
    return bool(dialog.exec())


UNIT_COLUMNS: list[Column[UnitRow]] = [
    Column("Tên đơn vị", lambda u: u.name if u.active else f"{u.name} (ngừng hoạt động)", width=300),
    Column("Viết tắt", lambda u: u.short_name, width=110),
    Column("Loại", lambda u: u.type_name, width=170),
    Column("Tên khác", lambda u: "; ".join(u.aliases), width=220),
    Column("Đăng ký", lambda u: u.registrations),
    Column("Hồ sơ", lambda u: u.dossiers),
]


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
        splitter.setSizes([380, 840])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # data -----------------------------------------------------------------------------------------------
    def load(self) -> None:
        with self.ctx.db.reading() as session:
            missing = not units_service.list_types(session)
        if missing:  # a council set up without the wizard: start from the usual unit types
            with self.ctx.db.session() as session:
                units_service.ensure_default_types(session)
        with self.ctx.db.reading() as session:
            self.types = units_service.list_types(session)
            rows = units_service.list_units(session)
        self.type_table.setRowCount(len(self.types))
        for i, t in enumerate(self.types):
            for c, text in enumerate((t.name, t.deadline_text or "—", str(t.units))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, t.id)
                self.type_table.setItem(i, c, item)
        self.model.set_records(rows)
        self.count.setText(f"{len(rows)} đơn vị")

    def _run(self, action: Callable[[], object], area: str = "units") -> bool:
        try:
            action()
        except SangKienError as exc:
            messages.show_error(self, exc)
            return False
        self.load()
        self.ctx.notify(area)
        return True

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
        def save() -> None:
            month, day = units_service.parse_deadline(dialog.deadline.text())
            with self.ctx.db.session() as session:
                if type_id is None:
                    units_service.ensure_default_types(session)
                units_service.save_type(
                    session, type_id, name=dialog.name.text(), deadline_month=month, deadline_day=day
                )

        self._run(save)

    def delete_type(self) -> None:
        current = self._selected_type()
        if current is None or not messages.confirm(
            self, f"Xóa loại đơn vị '{current.name}'?", destructive=True
        ):
            return

        def delete() -> None:
            with self.ctx.db.session() as session:
                units_service.delete_type(session, current.id)

        self._run(delete)

    # units ----------------------------------------------------------------------------------------------
    def add_unit(self) -> None:
        dialog = UnitDialog(self.types, None, self)
        if not exec_dialog(dialog):
            return
        created: list[int] = []

        def create() -> None:
            with self.ctx.db.session() as session:
                units_service.ensure_default_types(session)
                unit = units_service.create_unit(
                    session,
                    dialog.name.text(),
                    short_name=dialog.short.text(),
                    unit_type_id=dialog.type.currentData(),
                    aliases=dialog.alias_list(),
                    note=dialog.note.text(),
                )
                created.append(unit.id)

        if self._run(create):
            unit_id = created[0]

            def undo() -> None:
                with self.ctx.db.session() as session:
                    units_service.delete_unit(session, unit_id)

            def redo() -> None:
                raise ValidationError("Không làm lại được việc thêm đơn vị; hãy thêm lại.")

            self.ctx.push_undo(f"Thêm đơn vị {dialog.name.text()}", undo, redo, "units")

    def edit_unit(self) -> None:
        current = self.view.current_record()
        if not isinstance(current, UnitRow):
            return
        dialog = UnitDialog(self.types, current, self)
        if not exec_dialog(dialog):
            return
        new = {
            "name": dialog.name.text(),
            "short_name": dialog.short.text(),
            "unit_type_id": dialog.type.currentData(),
            "active": dialog.active.isChecked(),
            "note": dialog.note.text(),
            "aliases": dialog.alias_list(),
        }
        old = {
            "name": current.name,
            "short_name": current.short_name,
            "unit_type_id": current.type_id,
            "active": current.active,
            "note": current.note,
            "aliases": list(current.aliases),
        }

        def apply(values: dict[str, object]) -> None:
            with self.ctx.db.session() as session:
                units_service.update_unit(session, current.id, **values)  # type: ignore[arg-type]

        if self._run(lambda: apply(new)):
            self.ctx.push_undo(f"Sửa đơn vị {current.name}", lambda: apply(old), lambda: apply(new), "units")

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

        def delete() -> None:
            with self.ctx.db.session() as session:
                units_service.delete_unit(session, current.id)

        self._run(delete)

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
        reports: list[str] = []

        def merge() -> None:
            with self.ctx.db.session() as session:
                reports.append(units_service.merge_units(session, keep_id, drop_id).text())

        if self._run(merge, "all"):
            messages.show_info(self, reports[0])

    def import_units(self) -> None:
        path = messages.ask_open_path(self, "Chọn tệp danh sách đơn vị", SPREADSHEET_FILTER)
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> bool:
        """Plan the import of ``path``, show what it will do, and apply it when the user agrees."""
        try:
            with self.ctx.db.session() as session:
                units_service.ensure_default_types(session)
                plan = units_service.plan_import(session, path)
        except SangKienError as exc:
            messages.show_error(self, exc)
            return False
        with self.ctx.db.reading() as session:
            names = {t.id: t.name for t in units_service.list_types(session)}
        if not exec_dialog(ImportReviewDialog(plan, names, self)):
            return False

        def apply() -> None:
            with self.ctx.db.session() as session:
                units_service.apply_import(session, units_service.plan_import(session, path))

        if self._run(apply):
            messages.show_info(self, "Đã nhập: " + plan.summary())
            return True
        return False
