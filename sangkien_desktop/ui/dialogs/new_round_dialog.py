"""Tạo đợt mới: year, number, and (usually) copy everything from last year's round in one action."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import RoundField
from ...services.rounds import RoundInfo
from ..screen_fit import fit as fit_to_screen


class NewRoundDialog(QDialog):
    def __init__(
        self,
        rounds: list[RoundInfo],
        year: int,
        number: int,
        source_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tạo đợt mới")
        fit_to_screen(self, 520, 300)
        self.year = QSpinBox()
        self.year.setObjectName("new_round_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.number = QSpinBox()
        self.number.setObjectName("new_round_number")
        self.number.setRange(1, 20)
        self.number.setValue(number)
        self.source = QComboBox()
        self.source.setObjectName("new_round_source")
        self.source.addItem("Không sao chép — dùng thiết lập mặc định", None)
        for info in rounds:
            self.source.addItem(f"Sao chép từ {info.label} ({info.field.label})", info.id)
        if source_id is not None:
            self.source.setCurrentIndex(max(0, self.source.findData(source_id)))
        self.members = QCheckBox("Sao chép cả &thành viên Hội đồng")
        self.members.setObjectName("new_round_members")
        self.field = QComboBox()
        self.field.setObjectName("new_round_field")
        for f in RoundField:
            self.field.addItem(f.label, f.value)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Để trống: Đợt N năm YYYY")
        note = QLabel(
            "Sao chép mang theo: danh mục giấy tờ, tiêu chí chấm, quy tắc xếp loại (cả điều kiện theo tiêu chí), "
            "số đồng tác giả tối đa, số bản đơn; hạn nộp và ngày họp được dời sang năm mới. Số và ngày quyết "
            "định không được sao chép."
        )
        note.setWordWrap(True)
        self.source.currentIndexChanged.connect(self._source_changed)
        form = QFormLayout()
        form.addRow("&Năm:", self.year)
        form.addRow("Đợt &số:", self.number)
        form.addRow("&Thiết lập:", self.source)
        form.addRow("", self.members)
        form.addRow("&Lĩnh vực:", self.field)
        form.addRow("Tê&n đợt:", self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tạo đợt")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._rounds = {r.id: r for r in rounds}
        self._source_changed()

    def _source_changed(self) -> None:
        source = self.source.currentData()
        self.members.setEnabled(source is not None)
        if source is not None:
            self.field.setCurrentIndex(self.field.findData(self._rounds[source].field.value))
