"""Dialogs of the units catalog: edit a unit, edit a unit type, merge two units, review an Excel import."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.text import one_line
from ...domain.unit_names import guess_type_code
from ...services.units import ImportPlan, UnitRow, UnitTypeRow
from ...services.units_catalog import UnitDraft
from ..screen_fit import fit as fit_to_screen


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class UnitDialog(QDialog):
    """Add or edit a unit: name, short name, type, other names (one per line), active, note."""

    def __init__(
        self, types: list[UnitTypeRow], unit: UnitRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sửa đơn vị" if unit else "Thêm đơn vị")
        fit_to_screen(self, 560, 420)
        self.name = QLineEdit(unit.name if unit else "")
        self.name.setObjectName("unit_name")
        self.name.setPlaceholderText("Xã Vạn Phúc")
        self.short = QLineEdit(unit.short_name if unit else "")
        self.short.setObjectName("unit_short")
        self.short.setPlaceholderText("VP")
        self.type = QComboBox()
        self.type.setObjectName("unit_type")
        self.type.addItem("(chưa xếp loại)", None)
        for t in types:
            self.type.addItem(t.name + (f" — hạn {t.deadline_text}" if t.deadline_text else ""), t.id)
        if unit and unit.type_id:
            self.type.setCurrentIndex(max(0, self.type.findData(unit.type_id)))
        self._type_ids = {t.code: t.id for t in types}
        self._type_chosen = unit is not None  # a new unit takes the type its name tells until one is picked
        self.type.activated.connect(self._type_picked)
        self.name.textChanged.connect(self._guess_type)
        self.aliases = QPlainTextEdit("\n".join(unit.aliases) if unit else "")
        self.aliases.setObjectName("unit_aliases")
        self.aliases.setTabChangesFocus(True)
        self.aliases.setPlaceholderText("UBND xã Vạn Phúc\nỦy ban nhân dân xã Vạn Phúc")
        self.aliases.setToolTip(
            "Các cách viết khác của tên đơn vị (mỗi dòng một tên) để khi nhập tệp của đơn vị, phần mềm nhận ra."
        )
        self.active = QCheckBox("Đơn vị còn hoạt động")
        self.active.setChecked(unit.active if unit else True)
        self.note = QLineEdit(unit.note if unit else "")
        form = QFormLayout()
        form.addRow("&Tên đơn vị:", self.name)
        form.addRow("Tên &viết tắt:", self.short)
        form.addRow("&Loại đơn vị:", self.type)
        form.addRow("Tên &khác (mỗi dòng một tên):", self.aliases)
        form.addRow("", self.active)
        form.addRow("&Ghi chú:", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "Lưu"))

    def alias_list(self) -> list[str]:
        return [one_line(line) for line in self.aliases.toPlainText().split("\n") if one_line(line)]

    def draft(self) -> UnitDraft:
        return UnitDraft(
            self.name.text(),
            short_name=self.short.text(),
            unit_type_id=self.type.currentData(),
            aliases=tuple(self.alias_list()),
            note=self.note.text(),
            active=self.active.isChecked(),
        )

    def _type_picked(self, _index: int) -> None:
        self._type_chosen = True

    def _guess_type(self, name: str) -> None:
        """As the Excel import does: "Trường THCS Vạn Phúc" is a Trường THCS (``unit_names.guess_type_code``)."""
        if self._type_chosen:
            return
        code = guess_type_code(name)
        type_id = self._type_ids.get(code) if code else None
        self.type.setCurrentIndex(max(0, self.type.findData(type_id)) if type_id is not None else 0)


class UnitTypeDialog(QDialog):
    def __init__(self, unit_type: UnitTypeRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sửa loại đơn vị" if unit_type else "Thêm loại đơn vị")
        self.name = QLineEdit(unit_type.name if unit_type else "")
        self.name.setObjectName("type_name")
        self.deadline = QLineEdit(
            f"{unit_type.deadline_day}/{unit_type.deadline_month}"
            if unit_type and unit_type.deadline_text
            else ""
        )
        self.deadline.setObjectName("type_deadline")
        self.deadline.setPlaceholderText("31/3 (để trống: không có hạn)")
        form = QFormLayout()
        form.addRow("&Tên loại:", self.name)
        form.addRow("&Hạn đăng ký hằng năm (ngày/tháng):", self.deadline)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "Lưu"))


class MergeDialog(QDialog):
    """Choose the unit to keep and the duplicate to merge into it, with what will move."""

    def __init__(self, rows: list[UnitRow], first: UnitRow | None = None, second: UnitRow | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Gộp hai đơn vị trùng nhau")
        fit_to_screen(self, 620, 300)
        self.rows = {r.id: r for r in rows}
        self.keep = QComboBox()
        self.keep.setObjectName("merge_keep")
        self.drop = QComboBox()
        self.drop.setObjectName("merge_drop")
        for combo in (self.keep, self.drop):
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for r in rows:
                combo.addItem(r.name, r.id)
            combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        if first:
            self.keep.setCurrentIndex(self.keep.findData(first.id))
        if second:
            self.drop.setCurrentIndex(self.drop.findData(second.id))
        self.info = QLabel()
        self.info.setObjectName("merge_info")
        self.info.setWordWrap(True)
        self.keep.currentIndexChanged.connect(self._update)
        self.drop.currentIndexChanged.connect(self._update)
        form = QFormLayout()
        form.addRow("&Giữ đơn vị:", self.keep)
        form.addRow("Gộp &vào đó đơn vị:", self.drop)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        self.buttons = _buttons(self, "Gộp")
        layout.addWidget(self.buttons)
        self._update()

    def ids(self) -> tuple[int | None, int | None]:
        return self.keep.currentData(), self.drop.currentData()

    def _update(self) -> None:
        keep_id, drop_id = self.ids()
        ok = keep_id is not None and drop_id is not None and keep_id != drop_id
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if not ok:
            self.info.setText("Chọn hai đơn vị khác nhau.")
            return
        keep, drop = self.rows[keep_id], self.rows[drop_id]
        self.info.setText(
            f"Mọi dữ liệu của '{drop.name}' ({drop.registrations} đăng ký, {drop.dossiers} hồ sơ, "
            f"{drop.people} người, {len(drop.aliases)} tên khác) sẽ chuyển sang '{keep.name}'. Tên '{drop.name}' "
            "trở thành tên khác của đơn vị được giữ, nên các tệp cũ vẫn nhận đúng đơn vị. "
            "Việc gộp được ghi vào nhật ký và không hoàn tác được."
        )


_ACTIONS = {"create": "Thêm mới", "update": "Cập nhật", "same": "Đã có", "skip": "Bỏ qua"}


class ImportReviewDialog(QDialog):
    """What an Excel import will do, row by row, with its errors and warnings; "Nhập" applies it."""

    def __init__(self, plan: ImportPlan, type_names: dict[int, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Nhập danh sách đơn vị — {plan.file}")
        fit_to_screen(self, 900, 600)
        summary = QLabel(plan.summary() + f" (trang tính: {plan.sheet})")
        summary.setObjectName("import_summary")
        summary.setWordWrap(True)
        issues = QListWidget()
        issues.setObjectName("import_issues")
        for issue in plan.issues:
            issues.addItem(("Lỗi: " if issue.is_error else "Cảnh báo: ") + issue.text())
        issues.setMaximumHeight(140)
        table = QTableWidget(len(plan.rows), 6)
        table.setObjectName("import_rows")
        table.setHorizontalHeaderLabels(
            ["Dòng", "Tên đơn vị", "Viết tắt", "Loại", "Tên khác thêm", "Việc sẽ làm"]
        )
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, row in enumerate(plan.rows):
            type_text = type_names.get(row.type_id or -1, row.type_text)
            if row.type_guessed:
                type_text += " (đoán theo tên)"
            cells = [str(row.row), row.name, row.short_name, type_text, "; ".join(row.aliases),
                     _ACTIONS.get(row.action, row.action)]  # fmt: skip
            for c, text in enumerate(cells):
                table.setItem(i, c, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if plan.issues:
            layout.addWidget(issues)
        layout.addWidget(table, 1)
        buttons = _buttons(self, "Nhập")
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not plan.errors and (plan.created + plan.updated) > 0)
        if plan.errors:
            ok.setToolTip("Sửa các lỗi trong tệp rồi nhập lại.")
        layout.addWidget(buttons)
