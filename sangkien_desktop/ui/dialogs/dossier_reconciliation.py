"""The reconciliation of a round on screen (three tabs), with a PDF preview and an Excel export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.errors import SangKienError
from ...services import reconciliation
from ...services.reconciliation import (
    PriorMatch,
    ProbableMatch,
    Reconciliation,
    RegisteredNoDossier,
    UnregisteredDossier,
)
from .. import messages
from ..screen_fit import fit as fit_to_screen
from ..widgets.record_model import CENTER, Column, RecordTableModel, RecordTableView

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
PROBABLE_COLUMNS: list[Column[ProbableMatch]] = [
    Column("Mã hồ sơ", lambda p: p.code, align=CENTER, width=90),
    Column("Tên sáng kiến trong hồ sơ", lambda p: p.title, width=330),
    Column("Đơn vị", lambda p: p.unit_name, width=160),
    Column("Mã ĐK", lambda p: p.registration_id, align=CENTER, width=60),
    Column("Tên sáng kiến đã đăng ký", lambda p: p.registration_title, width=330),
    Column("Đơn vị đăng ký", lambda p: p.registration_unit, width=160),
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
        fit_to_screen(self, 1150, 640)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("reconciliation_tabs")
        self.views: list[RecordTableView] = []
        self.models: list[RecordTableModel[object]] = []
        self.link_button = QPushButton("Xác nhận là cùng một sáng kiến")
        self.link_button.setObjectName("link_registration_button")
        self.link_button.setToolTip("Gắn hồ sơ đang chọn với đăng ký ghi bên cạnh (ghi vào nhật ký)")
        self.link_button.clicked.connect(self.link_selected)
        for columns in (MISSING_COLUMNS, UNREGISTERED_COLUMNS, PRIOR_COLUMNS, PROBABLE_COLUMNS):
            model: RecordTableModel[object] = RecordTableModel(columns)  # type: ignore[arg-type]
            view = RecordTableView(model)
            view.setWordWrap(True)
            self.models.append(model)
            self.views.append(view)
            page: QWidget = view
            if columns is PROBABLE_COLUMNS:
                page = QWidget()
                box = QVBoxLayout(page)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(view, 1)
                box.addWidget(self.link_button, 0, Qt.AlignmentFlag.AlignLeft)
            self.tabs.addTab(page, "")
        self._fill()

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

    def _fill(self) -> None:
        d = self.data
        lists = (
            (
                f"Đã đăng ký, chưa nộp hồ sơ ({len(d.registered_without_dossier)})",
                d.registered_without_dossier,
            ),
            (
                f"Đã nộp, chưa đăng ký ({len(d.dossiers_without_registration)})",
                d.dossiers_without_registration,
            ),
            (
                f"Trùng với sáng kiến đã công nhận năm trước ({len(d.already_recognized)})",
                d.already_recognized,
            ),
            (f"Có thể là cùng một sáng kiến — cần xác nhận ({len(d.probable_matches)})", d.probable_matches),
        )
        for i, (title, records) in enumerate(lists):
            self.models[i].set_records(list(records))
            self.views[i].sortByColumn(0, Qt.SortOrder.AscendingOrder)
            self.tabs.setTabText(i, title)
        self.link_button.setEnabled(bool(d.probable_matches))

    def link_selected(self) -> None:
        """The secretary confirms the chosen pair: the dossier gets the registration."""
        match = self.views[3].current_record()
        if not isinstance(match, ProbableMatch):
            messages.show_info(self, "Hãy chọn một dòng trong danh sách cần xác nhận.")
            return
        if not messages.confirm(
            self,
            f"Hồ sơ {match.code} «{match.title}» là sáng kiến đã đăng ký «{match.registration_title}» "
            f"({match.registration_unit})?",
        ):
            return
        with messages.reporting_errors(self):
            text = reconciliation.link(self.db, match.dossier_id, match.registration_id)
            self.data = reconciliation.reconcile(self.db, self.round_id)
            self._fill()
            messages.show_info(self, text)

    def preview(self) -> None:
        from ...services import reconciliation_report

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pdf = reconciliation_report.report_pdf(reconciliation_report.load_report(self.db, self.round_id))
        except SangKienError as exc:
            QApplication.restoreOverrideCursor()
            messages.show_error(self, exc)
            return
        QApplication.restoreOverrideCursor()
        from .pdf_preview import preview_pdf  # Qt's PDF and printing libraries: read when used

        preview_pdf(
            self,
            pdf,
            f"Đối chiếu — {self.data.round_label}",
            _file_name("doi-chieu", self.data.round_label, "pdf"),
        )

    def export_xlsx(self) -> None:
        from ...services import reconciliation_report

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
