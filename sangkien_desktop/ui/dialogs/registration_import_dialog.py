"""Preview of a unit's registration file before anything is written: which column is which field (the
secretary can change it), every row with its problems, and the import itself (all rows or none)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain import registration_form as form
from ...domain.text import one_line
from ...services import registrations_actions as actions
from ...services.registration_import import (
    ImportOptions,
    ImportPreview,
    ImportRefused,
    ImportResult,
    PreviewRow,
    preview_file,
)
from ...services.registrations import UnitRef
from ...services.registrations_actions import ImportDone
from .. import colours, messages
from ..context import AppContext
from ..screen_fit import fit as fit_to_screen
from ..widgets.record_model import (
    CENTER,
    ERROR_BACKGROUND,
    OK_BACKGROUND,
    WARN_BACKGROUND,
    Column,
    RecordTableModel,
    RecordTableView,
)
from .import_preview import ImportPreviewDialog, html

ACTIONS = {"new": "Thêm mới", "update": "Cập nhật", "section": "Nhóm"}


def _background(row: PreviewRow) -> QColor | None:
    if row.kind == "section":
        return None
    if row.has_errors:
        return ERROR_BACKGROUND
    if row.issues:
        return WARN_BACKGROUND
    return OK_BACKGROUND


def _problems(row: PreviewRow) -> str:
    return "\n".join(("✗ " if i.is_error else "⚠ ") + i.message for i in row.issues)


ROW_COLUMNS: list[Column[PreviewRow]] = [
    Column("Dòng", lambda r: r.line, align=CENTER, width=50),
    Column(
        "Thao tác",
        lambda r: "✗ Lỗi" if r.has_errors else ACTIONS.get(r.action, r.action),
        width=80,
        background=_background,
    ),
    Column("TT", lambda r: r.get(form.SEQ), align=CENTER, width=40),
    Column("Đơn vị", lambda r: r.unit_name, width=180),
    Column("Tên sáng kiến", lambda r: one_line(r.get(form.TITLE)), width=300, background=_background),
    Column(
        "Tác giả",
        lambda r: one_line(r.get(form.AUTHORS)),
        width=170,
        tooltip=lambda r: (
            f"Gộp tác giả ở các dòng {', '.join(map(str, r.continued))}" if r.continued else None
        ),
    ),
    Column(
        "Bảng mã",
        lambda r: ("đã chuyển từ " + ", ".join(r.converted)) if r.converted else "",
        width=120,
    ),
    Column(
        "Vấn đề",
        lambda r: one_line(_problems(r).replace("\n", " · ")),
        width=360,
        tooltip=lambda r: _problems(r) or None,
        background=_background,
    ),
]


class RegistrationImportDialog(ImportPreviewDialog[ImportPreview]):
    """Open with a file and a year; ``exec()`` accepted means the file was imported (``result``), and
    ``before`` holds the registrations it changed or deleted, as they were (the undo entry, pushed on
    ``ctx``'s stack when given, puts them back). The preview and the import run on a worker thread: the
    window stays responsive while a large file is read (``busy()`` says whether a preview is under way)."""

    def __init__(
        self,
        db: Database,
        path: Path,
        year: int,
        units: list[UnitRef],
        parent: QWidget | None = None,
        ctx: AppContext | None = None,
    ) -> None:
        super().__init__(db, path, parent, ctx)
        self.units = units
        self.result: ImportResult | None = None
        self.imported: ImportDone | None = None
        self.columns: dict[str, int | None] = {}
        self.setWindowTitle(f"Nhập bảng đăng ký — {self.path.name}")
        fit_to_screen(self, 1150, 720)
        self._build(year)
        self._connect_signals()
        self.refresh()

    def _build(self, year: int) -> None:
        units = self.units

        self.file_label = QLabel(f"Tệp: <b>{self.path.name}</b>")
        self.unit = QComboBox()
        self.unit.setObjectName("import_unit")
        self.unit.addItem("Tự nhận biết (dòng 'ĐƠN VỊ: …' hoặc cột Đơn vị)", None)
        for u in units:
            self.unit.addItem(u.name, u.id)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.received = QDateEdit(QDate.currentDate())
        self.received.setDisplayFormat("dd/MM/yyyy")
        self.received.setCalendarPopup(True)
        self.create_units = QCheckBox("Thêm &đơn vị chưa có trong danh mục")
        self.replace = QCheckBox("&Thay thế đăng ký cũ của đơn vị (bảng đã sửa lại)")
        self.include_hidden = QCheckBox("Nhập cả dòng ẩ&n trong tệp")
        self.include_hidden.setObjectName("include_hidden")
        self.table = QComboBox()
        self.table.setObjectName("import_table")
        self.table.setMinimumContentsLength(26)  # "trang tính 'Đăng ký 2026'" in full
        self.table.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

        options = QGridLayout()
        for row, col, text, widget in (
            (0, 0, "Đơn &vị của tệp:", self.unit),
            (0, 2, "Nă&m:", self.year),
            (0, 4, "Ngày nhận &bảng:", self.received),
            (1, 4, "Bả&ng:", self.table),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            options.addWidget(label, row, col)
            options.addWidget(widget, row, col + 1)
        options.addWidget(self.create_units, 1, 0, 1, 2)
        options.addWidget(self.replace, 1, 2, 1, 2)
        options.addWidget(self.include_hidden, 2, 0, 1, 2)
        options.setColumnStretch(1, 1)

        self.mapping_box = QGroupBox("Cột trong tệp ứng với từng mục của mẫu (đổi nếu phần mềm đoán sai)")
        self.mapping = QGridLayout(self.mapping_box)
        self.field_combos: dict[str, QComboBox] = {}
        for n, col in enumerate(form.COLUMNS):
            combo = QComboBox()
            combo.setObjectName(f"map_{col.field}")
            combo.setMinimumWidth(160)
            self.field_combos[col.field] = combo
            self.mapping.addWidget(QLabel(col.short + ":"), n // 3, (n % 3) * 2)
            self.mapping.addWidget(combo, n // 3, (n % 3) * 2 + 1)
            combo.activated.connect(lambda _i, f=col.field: self._mapping_changed(f))

        self.model: RecordTableModel[PreviewRow] = RecordTableModel(ROW_COLUMNS)
        self.view = RecordTableView(self.model, filterable=False)
        self.view.setObjectName("import_rows")
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.file_issues = QLabel()
        self.file_issues.setObjectName("file_issues")
        self.file_issues.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("&Nhập", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("do_import")
        self.buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.file_issues)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        for signal in (
            self.unit.currentIndexChanged,
            self.year.valueChanged,
            self.received.dateChanged,
            self.create_units.toggled,
            self.replace.toggled,
            self.include_hidden.toggled,
        ):
            signal.connect(self.refresh)
        self.table.activated.connect(self.refresh)

    # options ----------------------------------------------------------------------------------------
    def options(self) -> ImportOptions:
        qd = self.received.date()
        table = self.table.currentData() if self.table.count() > 1 else None
        return ImportOptions(
            year=self.year.value(),
            unit_id=self.unit.currentData(),
            create_units=self.create_units.isChecked(),
            replace=self.replace.isChecked(),
            received_on=dt.date(qd.year(), qd.month(), qd.day()),
            columns=dict(self.columns) or None,
            table=table,
            include_hidden=self.include_hidden.isChecked(),
        )

    def read_options(self) -> tuple[ImportOptions, str]:
        return self.options(), ""

    def _mapping_changed(self, field: str) -> None:
        combo = self.field_combos[field]
        self.columns[field] = combo.currentData()
        self.refresh()

    # preview ----------------------------------------------------------------------------------------
    def read_preview(self, db: Database, options: ImportOptions) -> ImportPreview:
        return preview_file(db, self.path, options)

    def show_failure(self, error: BaseException | str) -> None:
        self.model.set_records([])
        self.summary.setText(f"<span style='color:{colours.TEXT_ERROR}'>{_html(str(error))}</span>")
        self.file_issues.setText("")
        self.import_button.setEnabled(False)

    def show_preview(self, p: ImportPreview) -> None:
        self._fill_tables(p)
        self._fill_mapping(p)
        self.model.set_records(p.rows)
        self.file_label.setText(
            f"Tệp: <b>{_html(p.file_name)}</b> — {_html(p.table_name)}, tiêu đề cột ở dòng "
            f"{p.header.header_row + 1}" + (f" — đơn vị: <b>{_html(p.file_unit)}</b>" if p.file_unit else "")
        )
        lines = [f"<span style='color:{colours.TEXT_INFO}'>ℹ {_html(note)}</span>" for note in p.notes]
        lines += [
            f"<span style='color:{'{colours.TEXT_ERROR}' if i.is_error else '{colours.TEXT_WARNING}'}'>"
            f"{'✗' if i.is_error else '⚠'} {_html(i.text())}</span>"
            for i in p.file_issues
        ]
        self.file_issues.setText("<br>".join(lines))
        color = colours.TEXT_ERROR if not p.ok else colours.TEXT_OK
        verdict = (
            (
                "Chưa nhập được: sửa các dòng đỏ trong tệp (hoặc chọn lại cột, đơn vị) rồi xem lại."
                if p.counts()["rows_with_errors"]
                else "Chưa nhập được: xem lỗi của tệp ghi ở trên (chọn lại năm, đơn vị, cột hoặc sửa tệp)."
            )
            if not p.ok
            else "Có thể nhập: mọi dòng được ghi cùng lúc."
        )
        if not p.ok and any("chưa có trong danh mục" in e.message for e in p.errors):
            verdict += " Đơn vị chưa có: chọn 'Đơn vị của tệp' hoặc đánh dấu 'Thêm đơn vị chưa có…'."
        self.summary.setText(f"{_html(p.summary())}<br><b style='color:{color}'>{verdict}</b>")
        n = len(p.data_rows)
        self.import_button.setText(f"&Nhập {n} đăng ký")
        self.import_button.setEnabled(p.ok)

    def _fill_tables(self, p: ImportPreview) -> None:
        self.table.blockSignals(True)
        current = self.table.currentData()
        self.table.clear()
        for i, name in enumerate(p.tables):
            self.table.addItem(name, i)
        index = self.table.findText(p.table_name) if current is None else self.table.findData(current)
        self.table.setCurrentIndex(max(index, 0))
        self.table.setEnabled(len(p.tables) > 1)
        self.table.blockSignals(False)

    def _fill_mapping(self, p: ImportPreview) -> None:
        for field, combo in self.field_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("(không có)", None)
            for c in p.columns:
                title = one_line(c.title) or "(không tiêu đề)"
                combo.addItem(f"{c.letter} — {title[:40]}", c.index)
            index = p.header.columns.get(field)
            combo.setCurrentIndex(combo.findData(index) if index is not None else 0)
            combo.setToolTip(one_line(p.header.title_of(field)))
            combo.blockSignals(False)

    # import -----------------------------------------------------------------------------------------
    def do_import(self) -> None:
        if self.busy() or self.preview is None or not self.preview.ok:
            return
        options = self.options()
        p = self.preview
        if p.to_delete and not messages.confirm(
            self,
            f"Tệp mới không còn {len(p.to_delete)} đăng ký cũ của đơn vị; chúng sẽ bị xóa:\n"
            + "\n".join(f"- {t}" for _, t in p.to_delete[:10])
            + "\n\nTiếp tục?",
            destructive=True,
        ):
            return
        path = self.path
        self.start_import(
            f"Nhập tệp {path.name}",
            lambda db, progress: actions.import_file(
                db, path, options, progress.step if progress is not None else None
            ),
            area="registrations",
            undo=actions.take_back,  # exact: the rows it changed back with their ids (redo too)
            on_done=self._imported,
        )

    def _imported(self, done: ImportDone) -> None:
        self.imported = done
        self.result = done.result
        self.accept()

    def refresh_after_import_error(self, error: BaseException) -> bool:
        return isinstance(error, ImportRefused)  # the unit's registrations changed meanwhile


_html = html
