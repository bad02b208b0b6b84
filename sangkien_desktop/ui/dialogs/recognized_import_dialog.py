"""Cài đặt → Dữ liệu các năm trước → Nhập danh sách…: the preview of an earlier year's decision list before
anything is written — every row with its fields and problems, the authors found among the people already known
and the new ones — then the import itself (every row or none)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.errors import ValidationError
from ...domain.money import format_money
from ...domain.text import one_line
from ...domain.vndate import parse_date
from ...services import recognized_actions
from ...services.importers.recognized import (
    ImportedList,
    PersonMatch,
    PreviewRow,
    RecognizedOptions,
    RecognizedPreview,
    RecognizedResult,
    import_undoable,
    preview_file,
)
from ..context import AppContext
from ..widgets.record_model import (
    CENTER,
    ERROR_BACKGROUND,
    OK_BACKGROUND,
    RIGHT,
    WARN_BACKGROUND,
    Column,
    RecordTableModel,
    RecordTableView,
)
from .import_preview import ImportPreviewDialog, html


def _background(row: PreviewRow):  # type: ignore[no-untyped-def]
    if row.has_errors:
        return ERROR_BACKGROUND
    return WARN_BACKGROUND if row.issues else OK_BACKGROUND


def _problems(row: PreviewRow) -> str:
    return "\n".join(("✗ " if i.is_error else "⚠ ") + i.message for i in row.issues)


ROW_COLUMNS: list[Column[PreviewRow]] = [
    Column("Dòng", lambda r: r.place, align=CENTER, width=80),
    Column("Tên sáng kiến", lambda r: one_line(r.title), width=300, background=_background),
    Column(
        "Tác giả",
        lambda r: ", ".join(a.name for a in r.authors),
        width=190,
        tooltip=lambda r: (
            "\n".join(
                f"{a.name}{', ' + a.job_title if a.job_title else ''} — {a.unit_name}"
                + (" (người mới)" if a.new_person else f" (đã có, mã {a.person_id})")
                for a in r.authors
            )
            or None
        ),
    ),
    Column("Đơn vị", lambda r: r.unit_name + (" (mới)" if r.new_unit else ""), width=180),
    Column("Xếp loại", lambda r: r.grade_label, width=80),
    Column("Điểm", lambda r: r.points, align=RIGHT, width=55),
    Column("Số tiền", lambda r: format_money(r.amount) if r.amount else "", align=RIGHT, width=85),
    Column(
        "Số GCN",
        lambda r: ", ".join(dict.fromkeys(a.certificate.text for a in r.authors if a.certificate.text)),
        width=110,
    ),
    Column(
        "Vấn đề",
        lambda r: one_line(_problems(r).replace("\n", " · ")),
        width=320,
        tooltip=lambda r: _problems(r) or None,
        background=_background,
    ),
]

PEOPLE_COLUMNS: list[Column[PersonMatch]] = [
    Column("Tác giả", lambda p: p.name, width=170),
    Column("Đơn vị", lambda p: p.unit_name, width=190),
    Column(
        "Khớp với", lambda p: f"người đã có (mã {p.person_id})" if p.person_id else "người mới", width=150
    ),
    Column("Ở dòng", lambda p: ", ".join(p.lines), width=120),
]


class RecognizedImportDialog(ImportPreviewDialog[RecognizedPreview]):
    """Open with a file and a year; ``exec()`` accepted means the list was imported (``result``)."""

    def __init__(
        self,
        db: Database,
        path: Path,
        year: int,
        parent: QWidget | None = None,
        ctx: AppContext | None = None,
    ) -> None:
        super().__init__(db, path, parent, ctx)
        self.result: RecognizedResult | None = None
        self.setWindowTitle(f"Nhập danh sách sáng kiến được công nhận — {self.path.name}")
        self.resize(1200, 760)
        self._build(year)
        self._connect_signals()
        self.refresh()

    def _build(self, year: int) -> None:
        self.file_label = QLabel(f"Tệp: <b>{self.path.name}</b>")
        self.year = QSpinBox()
        self.year.setObjectName("recognized_year")
        self.year.setRange(1990, 2100)
        self.year.setValue(year)
        self.decision_no = QLineEdit()
        self.decision_no.setObjectName("decision_no")
        self.decision_no.setPlaceholderText("đọc ở tiêu đề danh sách")
        self.decision_date = QLineEdit()
        self.decision_date.setObjectName("decision_date")
        self.decision_date.setPlaceholderText("ngày/tháng/năm (đọc ở tiêu đề)")
        self.decision_date.setMinimumWidth(190)
        self.replace = QCheckBox("&Thay thế lần nhập trước của cùng danh sách/quyết định")
        self.replace.setObjectName("replace")
        self.create_units = QCheckBox("Thêm &đơn vị chưa có trong danh mục")
        options = QGridLayout()
        for col, text, widget in (
            (0, "Nă&m của danh sách:", self.year),
            (2, "Số &quyết định:", self.decision_no),
            (4, "Ngà&y quyết định:", self.decision_date),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            options.addWidget(label, 0, col)
            options.addWidget(widget, 0, col + 1)
        options.addWidget(self.replace, 1, 0, 1, 3)
        options.addWidget(self.create_units, 1, 3, 1, 3)
        options.setColumnStretch(3, 1)

        self.model: RecordTableModel[PreviewRow] = RecordTableModel(ROW_COLUMNS)
        self.view = RecordTableView(self.model, filterable=False)
        self.view.setObjectName("recognized_rows")
        self.people_model: RecordTableModel[PersonMatch] = RecordTableModel(PEOPLE_COLUMNS)
        self.people_view = RecordTableView(self.people_model, filterable=False)
        self.people_view.setObjectName("recognized_people")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.setContentsMargins(0, 0, 0, 0)
        self.people_label = QLabel()
        people_layout.addWidget(self.people_label)
        people_layout.addWidget(self.people_view)
        split.addWidget(people)
        split.setSizes([330, 230])
        self.file_issues = QLabel()
        self.file_issues.setObjectName("file_issues")
        self.file_issues.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("recognized_summary")
        self.summary.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("&Nhập", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("do_import")
        self.buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.file_issues)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        self.year.valueChanged.connect(lambda _=0: self.refresh())
        self.replace.toggled.connect(lambda _=False: self.refresh())
        self.create_units.toggled.connect(lambda _=False: self.refresh())
        self.decision_no.editingFinished.connect(self.refresh)
        self.decision_date.editingFinished.connect(self.refresh)

    # options ----------------------------------------------------------------------------------------
    def options(self) -> RecognizedOptions:
        """The options as chosen. Raises ValidationError for a date that is no date."""
        options, problem = self.read_options()
        if options is None:
            raise ValidationError(problem)
        return options

    def read_options(self) -> tuple[RecognizedOptions | None, str]:
        """The options shown, or None and what is wrong with them."""
        text = self.decision_date.text().strip()
        try:
            day = parse_date(text) if text else None
        except ValueError as exc:
            return None, f"Ngày quyết định: {exc}"
        return RecognizedOptions(
            year=self.year.value(),
            decision_no=self.decision_no.text().strip() or None,
            decision_date=day,
            replace=self.replace.isChecked(),
            create_units=self.create_units.isChecked(),
        ), ""

    # preview ----------------------------------------------------------------------------------------
    reading_text = "<i>Đang đọc và kiểm tra danh sách…</i>"
    preview_title = "Xem trước danh sách"

    def read_preview(self, db: Database, options: RecognizedOptions) -> RecognizedPreview:
        return preview_file(db, self.path, options)

    def show_failure(self, error: BaseException | str) -> None:
        self.preview = None
        self.model.set_records([])
        self.people_model.set_records([])
        self.file_issues.setText("")
        self.summary.setText(f"✗ {_html(str(error))}")
        self.import_button.setEnabled(False)

    def show_preview(self, p: RecognizedPreview) -> None:
        self.model.set_records(p.rows)
        people = p.people()
        self.people_model.set_records(people)
        new = sum(1 for x in people if x.person_id is None)
        self.people_label.setText(
            f"Tác giả: <b>{len(people) - new}</b> người đã có trong dữ liệu (khớp họ tên và đơn vị), "
            f"<b>{new}</b> người mới sẽ được thêm."
        )
        decision = (
            f"Quyết định số <b>{_html(p.decision_no)}</b>" if p.decision_no else "chưa có số quyết định"
        )
        if p.decision_date:
            decision += f" ngày {p.decision_date:%d/%m/%Y}"
        self.file_label.setText(
            f"Tệp: <b>{_html(p.file_name)}</b> — {_html(p.table_name)}, tiêu đề cột ở dòng "
            f"{p.header.header_row + 1} — {decision}"
        )
        lines = [f"ℹ {_html(note)}" for note in p.notes]
        lines += [f"{'✗' if i.is_error else '⚠'} {_html(i.text())}" for i in p.file_issues]
        self.file_issues.setText("<br>".join(lines))
        verdict = (
            (
                "<b>Chưa nhập được</b>: sửa các dòng đỏ trong tệp (hoặc đơn vị trong danh mục) rồi xem lại."
                if p.counts()["rows_with_errors"]
                else "<b>Chưa nhập được</b>: xem lỗi của tệp ghi ở trên (chọn lại năm hoặc sửa tệp)."
            )
            if not p.ok
            else "<b>Có thể nhập</b>: mọi dòng được ghi cùng lúc; dữ liệu được đánh dấu là dữ liệu nhập."
        )
        self.summary.setText(f"{_html(p.summary())}<br>{verdict}")
        self.import_button.setText(f"&Nhập {len(p.rows)} sáng kiến")
        self.import_button.setEnabled(p.ok)

    # import -----------------------------------------------------------------------------------------
    def do_import(self) -> None:
        if self.busy() or self.preview is None or not self.preview.ok:
            return
        options, _problem = self.read_options()
        if options is None:
            return
        path = self.path
        self.start_import(
            f"Nhập danh sách năm {options.year}",
            lambda db, _progress: import_undoable(db, path, options),
            area="recognized",
            undo=recognized_actions.take_back,  # exact: the lists it replaced come back too
            on_done=self._imported,
        )

    def _imported(self, imported: ImportedList) -> None:
        self.result = imported.result
        self.accept()


_html = html
