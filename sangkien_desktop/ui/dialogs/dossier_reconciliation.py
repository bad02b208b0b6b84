"""The reconciliation of a round on screen (three tabs), with a PDF preview and an Excel export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.errors import SangKienError
from ...services import reconciliation, reconciliation_report
from ...services.reconciliation import PriorMatch, Reconciliation, RegisteredNoDossier, UnregisteredDossier
from .. import messages
from ..widgets.record_model import CENTER, Column, RecordTableModel, RecordTableView
from .pdf_preview import preview_pdf

MISSING_COLUMNS: list[Column[RegisteredNoDossier]] = [
    Column("Đơn vị", lambda m: m.unit_name, width=220),
    Column("Tên sáng kiến đăng ký", lambda m: m.title, width=420),
    Column("Tác giả", lambda m: m.authors_text, width=220),
    Column("Ngày đăng ký", lambda m: m.registered_on, align=CENTER, width=100),
]
UNREGISTERED_COLUMNS: list[Column[UnregisteredDossier]] = [
    Column("Mã hồ sơ", lambda u: u.code, align=CENTER, width=90),
    Column("Ngày nhận", lambda u: u.received_on, align=CENTER, width=95),
    Column("Đơn vị", lambda u: u.unit_name, width=200),
    Column("Tên sáng kiến", lambda u: u.title, width=380),
    Column("Tác giả", lambda u: u.authors_text, width=200),
    Column("Tình trạng", lambda u: u.status.label, width=120),
]
PRIOR_COLUMNS: list[Column[PriorMatch]] = [
    Column("Mã hồ sơ", lambda m: m.code, align=CENTER, width=90),
    Column("Tên sáng kiến", lambda m: m.title, width=300),
    Column("Trùng", lambda m: m.reason, width=220),
    Column("Sáng kiến đã công nhận", lambda m: m.earlier_title, width=300),
    Column("Năm", lambda m: m.earlier_year, align=CENTER, width=60),
    Column("Mã cũ", lambda m: m.earlier_code, align=CENTER, width=90),
    Column("Xếp loại", lambda m: m.earlier_grade, align=CENTER, width=70),
]


class ReconciliationDialog(QDialog):
    def __init__(self, db: Database, round_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.round_id = round_id
        self.data: Reconciliation = reconciliation.reconcile(db, round_id)
        self.setObjectName("reconciliation_dialog")
        self.setWindowTitle(f"Đối chiếu hồ sơ với đăng ký — {self.data.round_label}")
        self.resize(1150, 640)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("reconciliation_tabs")
        self.views: list[RecordTableView] = []
        for title, columns, records in (
            (
                f"Đã đăng ký, chưa nộp hồ sơ ({len(self.data.registered_without_dossier)})",
                MISSING_COLUMNS,
                self.data.registered_without_dossier,
            ),
            (
                f"Đã nộp, chưa đăng ký ({len(self.data.dossiers_without_registration)})",
                UNREGISTERED_COLUMNS,
                self.data.dossiers_without_registration,
            ),
            (
                f"Trùng với sáng kiến đã công nhận năm trước ({len(self.data.already_recognized)})",
                PRIOR_COLUMNS,
                self.data.already_recognized,
            ),
        ):
            model: RecordTableModel[object] = RecordTableModel(columns)  # type: ignore[arg-type]
            model.set_records(list(records))
            view = RecordTableView(model)
            view.setWordWrap(True)
            view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
            self.views.append(view)
            self.tabs.addTab(view, title)

        note = QLabel(
            "Danh sách 1 tính cả hồ sơ nộp ở các đợt khác cùng năm. Danh sách 3 so với các sáng kiến được xếp "
            "loại A, B, C hoặc được công nhận (CN) ở những năm trước, kể cả danh sách các năm trước đã nhập "
            "(dữ liệu nhập): trùng người (cùng họ tên và ngày sinh), trùng tên hoặc tên gần giống."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        pdf = buttons.addButton("Xem trước và &in PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        xlsx = buttons.addButton("Xuất &Excel…", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
        pdf.clicked.connect(self.preview)
        xlsx.clicked.connect(self.export_xlsx)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def preview(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pdf = reconciliation_report.report_pdf(reconciliation_report.load_report(self.db, self.round_id))
        except SangKienError as exc:
            QApplication.restoreOverrideCursor()
            messages.show_error(self, exc)
            return
        QApplication.restoreOverrideCursor()
        preview_pdf(
            self,
            pdf,
            f"Đối chiếu — {self.data.round_label}",
            _file_name("doi-chieu", self.data.round_label, "pdf"),
        )

    def export_xlsx(self) -> None:
        path = messages.ask_save_path(
            self,
            "Xuất báo cáo đối chiếu",
            _file_name("doi-chieu", self.data.round_label, "xlsx"),
            "Tệp Excel (*.xlsx)",
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        with messages.reporting_errors(self):
            try:
                reconciliation_report.write_report(self.db, self.round_id, path)
            except OSError as exc:
                messages.show_error(self, f"Không ghi được tệp {path}: {exc}")
                return
            messages.show_info(self, f"Đã ghi báo cáo đối chiếu: {path}")


def _file_name(prefix: str, round_label: str, ext: str) -> str:
    from ...domain.text import fold_key

    return f"{prefix}-{fold_key(round_label).replace(' ', '-')}.{ext}"
