"""Cài đặt → Hội đồng: every council setting, with the live preview of the NĐ 30 header as it prints (drawn
once asked for, or once a field is edited), and the document number series of the year."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.settings_schema import GROUPS, SETTINGS
from ...services import council_settings
from ...services import settings as settings_service
from .. import colours, file_dialogs, operations
from ..context import AppContext
from ..operations import Op
from ..widgets.header_preview import HeaderPreview
from ..widgets.setting_fields import SettingFields


class CouncilTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved: dict[str, str] = {}
        self._loading = False
        self.saved_series: dict[str, int] = {}
        self.fields = SettingFields(self)

        form_host = QWidget()
        column = QVBoxLayout(form_host)
        for group in GROUPS:
            keys = [s.key for s in SETTINGS if s.group == group]
            box = QGroupBox(group)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            self.fields.add_rows(form, keys)
            if group == "Sao lưu":
                browse = QPushButton("Chọn thư mục…")
                browse.clicked.connect(self._browse_backup)
                form.addRow("", browse)
            column.addWidget(box)
            if group == "Văn bản":
                column.addWidget(self._series_box())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(form_host)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(430)

        self.preview = HeaderPreview(self.fields.values, on_demand=True)
        self.preview.setObjectName("council_preview")
        print_button = QPushButton("Xem trước &bản in…")
        print_button.clicked.connect(self.show_print_preview)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(print_button)

        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 600])
        splitter.setChildrenCollapsible(False)

        self.save_button = QPushButton("&Lưu cài đặt")
        self.save_button.setObjectName("save_settings")
        self.save_button.setToolTip("Lưu (Ctrl+S)")
        self.revert_button = QPushButton("&Bỏ thay đổi")
        self.wizard_button = QPushButton("&Trình hướng dẫn thiết lập…")
        self.wizard_button.setObjectName("run_wizard")
        self.state = QLabel()
        self.state.setObjectName("settings_state")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        self.wizard_button.clicked.connect(self.run_wizard)
        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.wizard_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.fields.changed.connect(self._changed)

    # number series --------------------------------------------------------------------------------------
    def _series_box(self) -> QGroupBox:
        box = QGroupBox("Sổ số văn bản")
        self.series_year = QSpinBox()
        self.series_year.setRange(2000, 2100)
        self.series_year.setValue(dt.date.today().year)
        self.series_year.setPrefix("Năm ")
        self.series_year.valueChanged.connect(lambda _=0: self._load_series())
        self.series = QTableWidget(0, 4)
        self.series.setObjectName("number_series")
        self.series.setHorizontalHeaderLabels(["Văn bản", "Ký hiệu", "Số cuối đã dùng", "Số tiếp theo"])
        self.series.verticalHeader().setVisible(False)
        self.series.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.series.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.series.setMinimumHeight(200)
        note = QLabel(
            'Khi chọn "tự cấp số", mỗi văn bản in ra lấy số tiếp theo trong năm. Nếu đã phát hành văn bản '
            "trên giấy trước khi dùng phần mềm, hãy ghi số cuối đã dùng."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.series_year)
        layout.addWidget(self.series)
        layout.addWidget(note)
        return box

    def _load_series(self) -> None:
        year = self.series_year.value()
        rows = operations.read(self, self.ctx.db, lambda db: council_settings.series(db, year), [])
        self.series.setRowCount(len(rows))
        self.saved_series = {}
        for i, row in enumerate(rows):
            self.series.setItem(i, 0, QTableWidgetItem(row.label))
            self.series.setItem(i, 1, QTableWidgetItem(row.suffix))
            spin = QSpinBox()
            spin.setRange(0, 99_999)
            spin.setValue(row.last_number)
            spin.setProperty("kind", row.kind)
            spin.valueChanged.connect(lambda v, r=i: self._series_changed(r, v))
            self.series.setCellWidget(i, 2, spin)
            self.series.setItem(i, 3, QTableWidgetItem(f"{row.next_number:02d}"))
            self.saved_series[row.kind] = row.last_number
        self._update_state()

    def _series_changed(self, row: int, value: int) -> None:
        self.series.setItem(row, 3, QTableWidgetItem(f"{value + 1:02d}"))
        self._update_state()

    def _series_values(self) -> dict[str, int]:
        values = {}
        for i in range(self.series.rowCount()):
            spin = self.series.cellWidget(i, 2)
            if isinstance(spin, QSpinBox):
                values[str(spin.property("kind"))] = spin.value()
        return values

    # loading and saving ---------------------------------------------------------------------------------
    def load(self) -> None:
        self.saved = operations.read(self, self.ctx.db, council_settings.load, {})
        self._loading = True  # the values read are not an edit: the preview is not asked for by them
        try:
            self.fields.set_values(self.saved)
        finally:
            self._loading = False
        self._load_series()
        self.preview.refresh()
        self._update_state()

    def dirty(self) -> bool:
        current = self.fields.values()
        normalized, _ = settings_service.validate(current)
        settings_dirty = any(self.saved.get(k, "") != v for k, v in normalized.items())
        return settings_dirty or self._series_values() != self.saved_series

    def _changed(self) -> None:
        if not self._loading:
            self.preview.follow_edit()
        self._update_state()

    def _update_state(self) -> None:
        _, issues = settings_service.validate(self.fields.values())
        errors = [i for i in issues if i.is_error]
        if errors:
            self.state.setText("Lỗi: " + errors[0].text())
            self.state.setStyleSheet(f"color: {colours.TEXT_ERROR_SETTINGS};")
        elif self.dirty():
            self.state.setText("Có thay đổi chưa lưu.")
            self.state.setStyleSheet(f"color: {colours.TEXT_WARNING_SETTINGS};")
        else:
            self.state.setText("Đã lưu." if not issues else "Đã lưu. Lưu ý: " + issues[0].text())
            self.state.setStyleSheet("")
        self.save_button.setEnabled(not errors)

    def save(self) -> bool:
        values = self.fields.values()
        year = self.series_year.value()
        series = self._series_values()
        op = Op(
            self,
            "Sửa cài đặt Hội đồng",
            lambda db: council_settings.store(db, values, year, series),
            ctx=self.ctx,
            area="settings",
            undo=lambda db, change: council_settings.put(db, change.before),
            redo=lambda db: council_settings.store(db, values, year, series),
        ).start()
        if op.ok:
            self.load()
        return op.ok

    def run_wizard(self) -> None:
        self.ctx.firstRunRequested.emit()  # the main window runs the wizard (modal) before emit returns
        self.load()

    def show_print_preview(self) -> None:
        from ...services import settings_preview  # reportlab: read when a preview is asked for
        from ..dialogs.pdf_preview import PdfPreviewDialog

        pdf = settings_preview.preview_pdf(self.fields.values(), date=dt.date.today())
        PdfPreviewDialog(pdf, "Tiêu đề và chữ ký văn bản", "xem-truoc-tieu-de.pdf", self).exec()

    def _browse_backup(self) -> None:
        folder = file_dialogs.existing_directory(self, "Chọn thư mục sao lưu")
        if folder is not None:
            editor = self.fields.editor("backup_dir")
            editor.setText(str(folder))  # type: ignore[attr-defined]
