"""In ấn & Xuất: pick a document, set its options, preview exactly the PDF that will be printed, print it or
save it (PDF, Word, Excel); import members' score workbooks; number and batch-print certificates; the
year-end figures with charts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.errors import SangKienError, ValidationError
from ...domain.money import format_money
from ...domain.vndate import dmy, parse_date
from ...services import documents_view, numbering
from ...services.documents import catalog, certificate_layout, certificate_register
from ...services.documents.round_data import RoundData
from ...services.importers.readers import SPREADSHEET_FILTER
from ...services.rounds import RoundInfo
from .. import messages, operations, unexpected_errors
from ..context import AppContext
from ..operations import Op
from ..widgets.bar_chart import PALETTE, BarChart, Series
from ..workers import Cancelled, Job, Progress
from .base import Page

if TYPE_CHECKING:  # the renderers (reportlab, openpyxl, python-docx) are imported when a document is made
    from ...services.documents import score_import, year_report

FILTERS = {
    "pdf": "Tệp PDF (*.pdf)",
    "xlsx": "Bảng tính Excel (*.xlsx)",
    "docx": "Văn bản Word (*.docx)",
}
DATE_LABELS = {
    "minutes": "Ngày họp (ngày biên bản):",
    "submission": "Ngày tờ trình:",
    "decision": "Ngày quyết định:",
    "certificates": "Ngày ký giấy chứng nhận:",
}
FORMAT_LABELS = {"pdf": "PDF (in, ký)", "xlsx": "Excel (.xlsx)", "docx": "Word (.docx, sửa được)"}


class DocumentsPage(Page):
    key = "documents"
    title = "In ấn & Xuất"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: RoundData | None = None
        self.job: Job | None = None
        self.last_result: catalog.DocResult | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("documents_tabs")
        self.tabs.addTab(self._build_documents_tab(), "Văn bản và tệp xuất")
        self.tabs.addTab(self._build_year_tab(), "Số liệu tổng kết năm")
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        layout.addWidget(self.tabs, 1)

    # building -----------------------------------------------------------------------------------------
    def _build_documents_tab(self) -> QWidget:
        """The In ấn tab: the catalog's documents on the left, the chosen one's options and actions right."""
        tab = QWidget()
        splitter = QSplitter()
        splitter.addWidget(self._build_document_list())
        right = QWidget()
        box = QVBoxLayout(right)
        self._build_document_heading(box)
        self.form = self._build_document_form()
        box.addLayout(self.form)
        self._build_document_actions(box)
        box.addStretch(1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 700])
        outer = QVBoxLayout(tab)
        outer.addWidget(splitter)
        QShortcut(QKeySequence.StandardKey.Print, tab, self.preview)
        QShortcut(QKeySequence("Ctrl+Shift+S"), tab, self.save)
        self.doc_list.setCurrentRow(0)
        return tab

    def _build_document_list(self) -> QListWidget:
        self.doc_list = QListWidget()
        self.doc_list.setObjectName("document_list")
        self.doc_list.setSpacing(3)
        for spec in catalog.CATALOG:
            item = QListWidgetItem(spec.name)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(spec.description)
            self.doc_list.addItem(item)
        self.doc_list.currentRowChanged.connect(lambda _r: self._doc_changed())
        self.doc_list.itemActivated.connect(lambda _i: self.preview())
        return self.doc_list

    def _build_document_heading(self, box: QVBoxLayout) -> None:
        self.doc_title = QLabel()
        self.doc_title.setObjectName("document_title")
        font = self.doc_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.doc_title.setFont(font)
        self.doc_desc = QLabel()
        self.doc_desc.setWordWrap(True)
        box.addWidget(self.doc_title)
        box.addWidget(self.doc_desc)

    def _build_document_form(self) -> QFormLayout:
        """The options a document may ask for; ``_show_row`` shows the ones the chosen document uses."""
        form = QFormLayout()
        self.scope_label = QLabel()
        self.scope_label.setObjectName("scope_label")
        form.addRow("Đợt:", self.scope_label)
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year_combo")
        form.addRow("Năm:", self.year_combo)
        self.only_round = QCheckBox("Chỉ đợt đang chọn")
        self.only_round.setObjectName("only_round")
        form.addRow("", self.only_round)
        self.member_combo = QComboBox()
        self.member_combo.setObjectName("member_combo")
        form.addRow("Thành viên:", self.member_combo)
        self.dossier_combo = QComboBox()
        self.dossier_combo.setObjectName("dossier_combo")
        form.addRow("Sáng kiến:", self.dossier_combo)
        preprinted_row = QHBoxLayout()
        self.preprinted = QCheckBox("In lên phôi in sẵn (chỉ in nội dung)")
        self.preprinted.setObjectName("preprinted")
        self.offsets_button = QPushButton("Căn chỉnh phôi…")
        self.offsets_button.setObjectName("offsets_button")
        self.offsets_button.clicked.connect(self.edit_offsets)
        preprinted_row.addWidget(self.preprinted)
        preprinted_row.addWidget(self.offsets_button)
        preprinted_row.addStretch(1)
        self.preprinted_widget = QWidget()
        self.preprinted_widget.setLayout(preprinted_row)
        preprinted_row.setContentsMargins(0, 0, 0, 0)
        form.addRow("Phôi:", self.preprinted_widget)
        self.recipient = QLineEdit()
        self.recipient.setObjectName("recipient")
        self.recipient.setPlaceholderText("để trống: Chủ tịch UBND … theo cài đặt")
        form.addRow("Kính gửi:", self.recipient)
        form.addRow("Số văn bản:", self._build_number_row())
        form.addRow("Ngày văn bản:", self._build_date_row())
        self.salutation = QCheckBox("In «Ông/Bà» trước tên tác giả chưa ghi giới tính")
        self.salutation.setObjectName("unknown_salutation")
        self.salutation.setToolTip(
            "Mặc định chỉ in «Ông»/«Bà» khi hồ sơ đã ghi giới tính của tác giả; tác giả chưa ghi giới tính "
            "được in tên không kèm danh xưng."
        )
        form.addRow("Danh xưng:", self.salutation)
        self.from_year = QSpinBox()
        self.from_year.setObjectName("from_year")
        self.from_year.setRange(1990, 2100)
        self.from_year.setSpecialValueText("(mọi năm)")
        form.addRow("Từ năm:", self.from_year)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("format_combo")
        form.addRow("Dạng tệp khi lưu:", self.format_combo)
        self._rows = {
            "round": self.scope_label,
            "year": self.year_combo,
            "only_round": self.only_round,
            "member": self.member_combo,
            "dossier": self.dossier_combo,
            "preprinted": self.preprinted_widget,
            "recipient": self.recipient,
            "number": self.number_widget,
            "date": self.date_widget,
            "salutation": self.salutation,
            "from_year": self.from_year,
        }
        return form

    def _build_number_row(self) -> QWidget:
        number_row = QHBoxLayout()
        number_row.setContentsMargins(0, 0, 0, 0)
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("number_edit")
        self.number_edit.setMaximumWidth(160)
        self.number_edit.setPlaceholderText("để trống")
        self.number_edit.setToolTip(
            "Số in ở dòng «Số: …/…» (gõ 1 hoặc 01/BB-HĐSK); để trống để văn thư ghi tay. Số của biên bản, "
            "tờ trình, quyết định được ghi vào đợt: mọi bản in sau (PDF, Word, Excel, lưu trữ) dùng số này."
        )
        self.issue_button = QPushButton("Cấp số tiếp theo")
        self.issue_button.setObjectName("issue_number_button")
        self.issue_button.setToolTip(
            "Lấy số tiếp theo trong năm của loại văn bản này và ghi vào đợt (số đã cấp không dùng lại)"
        )
        self.issue_button.clicked.connect(self.issue_number)
        number_row.addWidget(self.number_edit)
        number_row.addWidget(self.issue_button)
        number_row.addStretch(1)
        self.number_widget = QWidget()
        self.number_widget.setLayout(number_row)
        return self.number_widget

    def _build_date_row(self) -> QWidget:
        date_row = QHBoxLayout()
        date_row.setContentsMargins(0, 0, 0, 0)
        self.date_edit = QLineEdit()
        self.date_edit.setObjectName("document_date")
        self.date_edit.setMaximumWidth(160)
        self.date_edit.setPlaceholderText("ngày/tháng/năm")
        self.date_edit.setToolTip("Để trống: dòng ngày tháng để trống để ghi tay khi ký")
        self.save_numbers_button = QPushButton("Ghi số, ngày vào đợt")
        self.save_numbers_button.setObjectName("save_numbers_button")
        self.save_numbers_button.setToolTip("Lưu số và ngày của văn bản vào đợt (ghi vào nhật ký)")
        self.save_numbers_button.clicked.connect(self.save_numbers)
        date_row.addWidget(self.date_edit)
        date_row.addWidget(self.save_numbers_button)
        date_row.addStretch(1)
        self.date_widget = QWidget()
        self.date_widget.setLayout(date_row)
        return self.date_widget

    def _build_document_actions(self, box: QVBoxLayout) -> None:
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("&Xem trước và in…")
        self.preview_button.setObjectName("preview_button")
        self.preview_button.setToolTip("Xem đúng bản PDF sẽ in, rồi in hoặc lưu (Ctrl+P)")
        self.preview_button.clicked.connect(self.preview)
        self.save_button = QPushButton("&Lưu tệp…")
        self.save_button.setObjectName("save_button")
        self.save_button.setToolTip("Lưu ra tệp theo dạng đã chọn (Ctrl+Shift+S)")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        box.addLayout(buttons)

        extra = QHBoxLayout()
        self.import_button = QPushButton("&Nhập phiếu chấm Excel…")
        self.import_button.setObjectName("import_scores_button")
        self.import_button.setToolTip(
            "Nhập điểm từ phiếu chấm Excel thành viên đã điền (kiểm tra trước khi ghi)"
        )
        self.import_button.clicked.connect(self.import_scores)
        self.allocate_button = QPushButton("&Cấp số vào sổ…")
        self.allocate_button.setObjectName("allocate_button")
        self.allocate_button.clicked.connect(self.allocate)
        extra.addWidget(self.import_button)
        extra.addWidget(self.allocate_button)
        extra.addStretch(1)
        box.addLayout(extra)

        self.readiness = QLabel()
        self.readiness.setObjectName("readiness")
        self.readiness.setWordWrap(True)
        box.addWidget(self.readiness)
        self.status = QLabel()
        self.status.setObjectName("document_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.status)

    def _build_year_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        self.report_year = QComboBox()
        self.report_year.setObjectName("report_year")
        self.report_year.currentIndexChanged.connect(lambda _i: self.refresh_year())
        top.addWidget(self.report_year)
        self.report_export = QPushButton("Xuất E&xcel…")
        self.report_export.setObjectName("report_export")
        self.report_export.clicked.connect(lambda: self._year_export("xlsx"))
        self.report_pdf = QPushButton("Xem trước P&DF…")
        self.report_pdf.setObjectName("report_pdf")
        self.report_pdf.clicked.connect(lambda: self._year_export("pdf"))
        top.addWidget(self.report_export)
        top.addWidget(self.report_pdf)
        top.addStretch(1)
        layout.addLayout(top)
        self.report_summary = QLabel()
        self.report_summary.setObjectName("report_summary")
        self.report_summary.setWordWrap(True)
        layout.addWidget(self.report_summary)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        self.chart_rounds = BarChart("Theo đợt")
        self.chart_grades = BarChart("Theo xếp loại")
        self.chart_types = BarChart("Theo loại đơn vị")
        self.chart_fields = BarChart("Theo lĩnh vực")
        for i, chart in enumerate(
            (self.chart_rounds, self.chart_grades, self.chart_types, self.chart_fields)
        ):
            chart.setObjectName(f"chart_{i}")
            grid.addWidget(chart, i // 2, i % 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)
        return tab

    # state ----------------------------------------------------------------------------------------------
    @property
    def spec(self) -> catalog.DocumentSpec:
        item = self.doc_list.currentItem()
        return catalog.get(item.data(Qt.ItemDataRole.UserRole) if item else catalog.CATALOG[0].key)

    def select_document(self, key: str) -> None:
        for row in range(self.doc_list.count()):
            if self.doc_list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.doc_list.setCurrentRow(row)
                return
        raise KeyError(key)

    def _show_row(self, name: str, visible: bool) -> None:
        widget = self._rows[name]
        self.form.setRowVisible(widget, visible)

    def _doc_changed(self) -> None:
        spec = self.spec
        self.doc_title.setText(spec.name)
        self.doc_desc.setText(spec.description)
        self._show_row("round", spec.scope == catalog.ROUND)
        self._show_row("year", spec.scope == catalog.YEAR)
        self._show_row("only_round", spec.key == "dost")
        self._show_row("member", "member" in spec.options)
        self._show_row("dossier", "dossier" in spec.options)
        self._show_row("preprinted", "preprinted" in spec.options)
        self._show_row("recipient", "recipient" in spec.options)
        self._show_row("number", "number" in spec.options)
        self._show_row("date", "date" in spec.options)
        self._show_row("salutation", "salutation" in spec.options)
        self.save_numbers_button.setVisible(spec.scope == catalog.ROUND)
        label = self.form.labelForField(self.date_widget)
        if isinstance(label, QLabel):
            label.setText(DATE_LABELS.get(spec.key, "Ngày văn bản:"))
        self._fill_numbers()
        self._show_row("from_year", spec.key == "person-history")
        self.format_combo.clear()
        for fmt in spec.formats:
            self.format_combo.addItem(FORMAT_LABELS[fmt], fmt)
        self.preview_button.setEnabled("pdf" in spec.formats)
        self.preview_button.setToolTip(
            "Xem đúng bản PDF sẽ in, rồi in hoặc lưu (Ctrl+P)"
            if "pdf" in spec.formats
            else "Văn bản này chỉ xuất Excel: dùng «Lưu tệp…»"
        )
        self.import_button.setVisible(spec.key == "score-sheets")
        self.allocate_button.setVisible(spec.key == "certificates")
        self.status.clear()
        self._update_allocate()
        self._update_readiness()

    def on_round_changed(self, info: RoundInfo | None) -> None:
        self.refresh()

    def refresh(self) -> None:
        info = self.ctx.round
        self.scope_label.setText(info.label if info else "(chưa có đợt nào)")
        self.data = None
        if info is not None:
            self.data, years = operations.read(
                self, self.ctx.db, lambda db: documents_view.round_and_years(db, info.id), (None, [])
            )
        else:
            years = operations.read(self, self.ctx.db, documents_view.years, [])
        self._fill_years(self.year_combo, years, info.year if info else None)
        self._fill_members()
        self._fill_dossiers()
        self._fill_numbers()
        self._update_allocate()
        self._update_readiness()
        if self.tabs.currentIndex() == 1:
            self._fill_years(self.report_year, years, info.year if info else None)
            self.refresh_year()

    @staticmethod
    def _fill_years(combo: QComboBox, years: list[int], preferred: int | None) -> None:
        current = combo.currentData() or preferred
        combo.blockSignals(True)
        combo.clear()
        for y in years:
            combo.addItem(str(y), y)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def _fill_members(self) -> None:
        self.member_combo.clear()
        self.member_combo.addItem("Tất cả thành viên (mỗi người một phiếu)", None)
        if self.data is not None:
            for m in self.data.active_members:
                self.member_combo.addItem(f"{m.sheet_code} — {m.name} ({m.role_label})", m.id)

    def _fill_dossiers(self) -> None:
        self.dossier_combo.clear()
        self.dossier_combo.addItem("Tất cả sáng kiến được công nhận của đợt", None)
        if self.data is not None:
            for d in self.data.recognized():
                title = d.title if len(d.title) <= 70 else d.title[:69] + "…"
                self.dossier_combo.addItem(f"{d.code} — {title} ({d.author_names})", d.id)

    def _stored_numbers(self) -> tuple[str, dt.date | None]:
        """The number and date the round holds for the chosen document ("", None when none)."""
        data, key = self.data, self.spec.key
        if data is None:
            return "", None
        if key == "certificates":
            return "", data.certificate_date
        doc = numbering.ROUND_DOCUMENTS.get(key)
        if doc is None:
            return "", None
        return getattr(data, doc.number_attr), getattr(data, doc.date_attr)

    def _fill_numbers(self) -> None:
        number, day = self._stored_numbers()
        self.number_edit.setText(number)
        self.date_edit.setText(dmy(day) if day else "")
        self.salutation.setChecked(False)

    def _typed_date(self) -> dt.date | None:
        return self._parse_date(self.date_edit.text())

    def _parse_date(self, text: str) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            raise ValidationError(f"{DATE_LABELS.get(self.spec.key, 'Ngày văn bản:')[:-1]}: {exc}") from exc

    def save_numbers(self) -> None:
        """Store the number and date typed for the chosen round document on the round."""
        spec, data = self.spec, self.data
        if data is None or spec.scope != catalog.ROUND:
            return
        number, date_text, round_id = self.number_edit.text().strip(), self.date_edit.text(), data.id
        if spec.key == "certificates":
            old: dict[str, object] = {"certificate_date": data.certificate_date}
        else:
            doc = numbering.ROUND_DOCUMENTS[spec.key]
            old = {
                doc.number_attr: getattr(data, doc.number_attr),
                doc.date_attr: getattr(data, doc.date_attr),
            }

        def run(db: Database) -> dict[str, object]:
            day = self._parse_date(date_text)
            if spec.key == "certificates":
                return numbering.update_round(db, round_id, {"certificate_date": day})
            doc = numbering.ROUND_DOCUMENTS[spec.key]
            return numbering.update_round(db, round_id, {doc.number_attr: number, doc.date_attr: day})

        def done(new: dict[str, object]) -> None:
            self.status.setText(
                "Đã ghi vào đợt: " + ", ".join(numbering.FIELD_LABELS[k] for k in new) + "."
                if new
                else "Số và ngày không đổi."
            )

        Op(
            self,
            "Ghi số và ngày văn bản vào đợt",
            run,
            ctx=self.ctx,
            area="rounds",
            undo=lambda db, _new: numbering.update_round(db, round_id, old),
            on_done=done,
        ).start()

    def _update_allocate(self) -> None:
        if self.data is None or self.spec.key != "certificates":
            return
        the_plan = certificate_register.plan(self.data, self.data.certificates)
        n = len(the_plan.to_number)
        self.allocate_button.setEnabled(not the_plan.empty and not self.data.finalized)
        if self.data.finalized:
            self.allocate_button.setToolTip("Đợt đã chốt kết quả: không cấp thêm số.")
        elif n:
            self.allocate_button.setToolTip(f"{n} tác giả chưa có số vào sổ.")
        else:
            self.allocate_button.setToolTip("Mọi tác giả đã có số vào sổ.")

    def _update_readiness(self) -> None:
        """What the chosen round document will contain, and what is still missing."""
        data = self.data
        spec = self.spec
        if spec.scope != catalog.ROUND or data is None:
            self.readiness.clear()
            return
        notes: list[str] = []
        considered = data.considered()
        notes.append(f"{len(considered)} hồ sơ đưa ra xét, {len(data.active_members)} thành viên Hội đồng.")
        if not data.graded:
            notes.append(
                "⚠ Đợt chưa áp dụng xếp loại: chưa có kết quả công nhận, điểm bình quân là tạm tính."
            )
        else:
            notes.append(f"{len(data.recognized())} sáng kiến được công nhận.")
        if spec.key in ("decision", "certificates"):
            if data.decision_no and data.decision_date:
                from ...services.documents.decision import decision_citation

                notes.append(decision_citation(data) + ".")
            else:
                notes.append("⚠ Chưa có số/ngày quyết định: để trống để ghi tay.")
        if spec.key == "certificates":
            from ...services.documents.certificates import without_gender

            unknown = without_gender(data)
            if unknown:
                notes.append(f"⚠ {len(unknown)} tác giả chưa ghi giới tính: in tên không kèm «Ông»/«Bà».")
        if spec.key == "certificates" and data.graded:
            missing = len(certificate_register.plan(data, data.certificates).to_number)
            if missing:
                notes.append(f"⚠ {missing} tác giả chưa có số vào sổ.")
        self.readiness.setText(" ".join(notes))

    def request(self) -> catalog.DocRequest:
        info = self.ctx.round
        spec = self.spec
        year: int | None = None
        round_id = info.id if info else None
        if spec.scope == catalog.YEAR:
            year = self.year_combo.currentData()
            only_round = spec.key == "dost" and self.only_round.isChecked() and info is not None
            round_id = round_id if only_round else None
            if only_round:
                year = None
        return catalog.DocRequest(
            round_id=round_id,
            year=year,
            member_id=self.member_combo.currentData() if "member" in spec.options else None,
            dossier_id=self.dossier_combo.currentData() if "dossier" in spec.options else None,
            preprinted=self.preprinted.isChecked() and "preprinted" in spec.options,
            recipient=self.recipient.text().strip() if "recipient" in spec.options else "",
            year_from=self.from_year.value() if self.from_year.value() > self.from_year.minimum() else None,
            number=self.number_edit.text().strip() if "number" in spec.options else "",
            date=self._typed_date() if "date" in spec.options else None,
            unknown_salutation=self.salutation.isChecked() and "salutation" in spec.options,
        )

    def _label(self) -> str:
        spec = self.spec
        if spec.scope == catalog.ROUND and self.ctx.round:
            return self.ctx.round.label
        if spec.scope == catalog.YEAR:
            if spec.key == "dost" and self.only_round.isChecked() and self.ctx.round:
                return self.ctx.round.label
            return f"năm {self.year_combo.currentData() or ''}"
        return ""

    # actions --------------------------------------------------------------------------------------------
    def _produce(
        self,
        fmt: str,
        on_done: Callable[[catalog.DocResult], None],
        request: catalog.DocRequest | None = None,
        path: Path | None = None,
    ) -> Job | None:
        """Produce the chosen document on a worker thread (and write it to ``path`` when given)."""
        spec = self.spec
        if spec.scope == catalog.ROUND and self.ctx.round is None:
            messages.show_error(self, "Chưa có đợt nào: hãy tạo đợt trước.")
            return None
        req = request or self.request()
        key = spec.key

        def work(db: Database, progress: Progress) -> catalog.DocResult:
            def report(done: int, total: int, text: str) -> None:
                progress.report(done, total, text)
                progress.check()

            if path is not None:
                return documents_view.produce_file(db, key, req, fmt, path, report)
            return catalog.produce(db, key, req, fmt, report)

        self.status.setText(f"Đang tạo {spec.name}…")
        op = Op(self, f"Đang tạo {spec.name}", work, ctx=self.ctx, on_done=on_done, on_error=self._failed)
        self.job = op.in_background().start().job
        return self.job

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.status.setText("Đã hủy.")
            return
        self.status.setText("Không tạo được văn bản.")
        # shown as Op shows it (its own dialog is replaced by this on_error)
        if isinstance(error, SangKienError) or not unexpected_errors.show(error):
            messages.show_error(self, error)

    def _certificate_request(self) -> catalog.DocRequest | None:
        """Ask before numbering new certificates; None when the user cancels."""
        req = self.request()
        if self.spec.key != "certificates" or self.data is None or self.data.finalized:
            return req
        the_plan = certificate_register.plan(self.data, self.data.certificates)
        if not the_plan.to_number and not the_plan.to_void:
            return req
        year = self.data.year
        first = operations.read(
            self, self.ctx.db, lambda db: documents_view.next_certificate_number(db, year)
        )
        if first is None:
            return None
        text = (
            f"{len(the_plan.to_number)} tác giả chưa có số vào sổ giấy chứng nhận. Cấp số ngay (từ số "
            f"{first:03d}/{self.data.year}; số đã cấp không bao giờ dùng lại)?\n\nChọn «No» để in với số vào "
            "sổ để trống."
        )
        allocate = messages.confirm(self, text)
        return dataclasses.replace(req, allocate=allocate)

    def _report(self, result: catalog.DocResult) -> None:
        self.last_result = result
        self.status.setText("\n".join(result.messages) or "Đã tạo xong.")
        if any("cấp" in m for m in result.messages):
            self.ctx.notify("certificates")
            self.refresh()

    def preview(self) -> None:
        spec = self.spec
        if "pdf" not in spec.formats:
            messages.show_info(self, f"«{spec.name}» chỉ xuất Excel: hãy dùng «Lưu tệp…».")
            return
        req = self._certificate_request()
        if req is None:
            return

        def done(result: catalog.DocResult) -> None:
            self._report(result)
            from ..dialogs import pdf_preview  # Qt's PDF and printing libraries: read when used

            pdf_preview.preview_pdf(self, result.data, spec.name, spec.suggested_name(self._label(), "pdf"))

        self._produce("pdf", done, req)

    def save(self) -> None:
        spec = self.spec
        fmt = self.format_combo.currentData() or spec.formats[0]
        path = messages.ask_save_path(
            self, f"Lưu {spec.name}", spec.suggested_name(self._label(), fmt), FILTERS[fmt]
        )
        if path is None:
            return
        if path.suffix.lower() != "." + fmt:
            path = path.with_suffix("." + fmt)
        req = self._certificate_request()
        if req is None:
            return

        def done(result: catalog.DocResult) -> None:
            self._report(result)
            self.status.setText("\n".join([*result.messages, f"Đã lưu {path}"]))

        self._produce(fmt, done, req, path)

    def allocate(self) -> None:
        if self.data is None:
            return
        the_plan = certificate_register.plan(self.data, self.data.certificates)
        if the_plan.empty:
            messages.show_info(self, "Mọi tác giả của sáng kiến được công nhận đã có số vào sổ.")
            return
        if not messages.confirm(
            self,
            f"Cấp số vào sổ cho {len(the_plan.to_number)} tác giả"
            + (
                f" và hủy {len(the_plan.to_void)} giấy của hồ sơ không còn được công nhận"
                if the_plan.to_void
                else ""
            )
            + "? Số đã cấp không bao giờ được dùng lại.",
        ):
            return
        round_id = self.data.id
        # not undoable: a number once given is never used again (the register keeps it, voided if need be)
        Op(
            self,
            "Cấp số vào sổ giấy chứng nhận",
            lambda db: certificate_register.allocate_round(db, round_id),
            ctx=self.ctx,
            area="certificates",
            on_done=lambda report: self.status.setText(report.summary()),
        ).start()

    def import_scores(self) -> None:
        from ...services.documents import score_import

        path = messages.ask_open_path(self, "Chọn tệp phiếu chấm Excel", SPREADSHEET_FILTER)
        if path is None:
            return
        file = Path(path)
        Op(
            self,
            "Kiểm tra phiếu chấm",
            lambda db: score_import.import_scores(db, file, dry_run=True),
            ctx=self.ctx,
            on_done=lambda check: self._confirm_import(file, check),
        ).in_background().start()

    def _confirm_import(self, file: Path, check: score_import.ImportReport) -> None:
        question = (
            "\n\nThành viên đã xác nhận điểm từng tiêu chí là đúng? Ghi điểm vào cơ sở dữ liệu?"
            if check.total_mismatches
            else "\n\nGhi điểm vào cơ sở dữ liệu?"
        )
        if not messages.confirm(
            self, check.summary().replace("Kiểm tra xong (chưa ghi gì)", "Tệp hợp lệ") + question
        ):
            return
        from ...services.documents import score_import

        confirm_totals = bool(check.total_mismatches)
        title = f"Nhập phiếu chấm {file.name}"
        last: dict[str, score_import.ImportReport] = {}

        def run(db: Database) -> score_import.ImportReport:
            return score_import.import_scores(db, file, confirm_totals=confirm_totals)

        def undo(db: Database, report: score_import.ImportReport) -> None:
            if report.written and report.before is not None:
                score_import.restore_scores(db, report.before, f"Hoàn tác nhập phiếu chấm {report.file}")

        def redo(db: Database) -> score_import.ImportReport:
            # the cells as the import left them, not the file read again (it may have changed since)
            report = last["report"]
            if report.written and report.after is not None:
                score_import.restore_scores(db, report.after, f"Làm lại nhập phiếu chấm {report.file}")
            return report

        def done(report: score_import.ImportReport) -> None:
            last["report"] = report
            self.status.setText(report.summary())

        Op(
            self, title, run, ctx=self.ctx, area="scores", undo=undo, redo=redo, on_done=done
        ).in_background().start()

    def issue_number(self) -> None:
        spec = self.spec
        info = self.ctx.round
        year = self.year_combo.currentData() if spec.scope == catalog.YEAR else (info.year if info else None)
        if year is None:
            return
        what = spec.name.lower() + (" (số được ghi vào đợt)" if spec.scope == catalog.ROUND else "")
        if not messages.confirm(
            self, f"Cấp số tiếp theo của năm {year} cho {what}? Số đã cấp không dùng lại."
        ):
            return
        key = spec.key
        round_id = info.id if info and spec.scope == catalog.ROUND else None

        def done(result: tuple[str, str]) -> None:
            number, message = result
            self.number_edit.setText(number)
            self.status.setText(message)

        # not undoable: a number once given is never used again
        Op(
            self,
            f"Cấp số {spec.name.lower()}",
            lambda db: catalog.issue_number(db, key, year, round_id),
            ctx=self.ctx,
            area="rounds" if spec.scope == catalog.ROUND else "settings",
            on_done=done,
        ).start()

    def edit_offsets(self) -> None:
        from ..dialogs.certificate_offsets import CertificateOffsetsDialog  # draws with reportlab

        dialog = CertificateOffsetsDialog(self.ctx.db, self)
        if dialog.exec() != CertificateOffsetsDialog.DialogCode.Accepted:
            return
        self.save_offsets(dialog.offsets())

    def save_offsets(self, offsets: certificate_layout.Offsets) -> None:
        Op(
            self,
            "Sửa độ lệch in phôi",
            lambda db: documents_view.save_certificate_offsets(db, offsets),
            ctx=self.ctx,
            area="settings",
            undo=lambda db, old: documents_view.save_certificate_offsets(db, old),
            on_done=lambda _old: self.status.setText("Đã lưu độ lệch in phôi giấy chứng nhận."),
        ).start()

    # year-end figures -----------------------------------------------------------------------------------
    def refresh_year(self) -> None:
        year = self.report_year.currentData()
        if year is None:
            self.report_summary.setText("Chưa có đợt nào.")
            for chart in (self.chart_rounds, self.chart_grades, self.chart_types, self.chart_fields):
                chart.set_data([], [])
            return
        fig = operations.read(self, self.ctx.db, lambda db: documents_view.year_figures(db, year))
        if fig is None:
            return
        t = fig.total
        rate = f"{t.rate:.1f}".replace(".", ",")
        self.report_summary.setText(
            f"<b>Năm {fig.year}</b>: nhận {t.received} hồ sơ, {t.valid} hợp lệ, <b>{t.recognized} được công "
            f"nhận</b> ({rate}% hồ sơ hợp lệ đã xét); tiền thưởng {format_money(t.reward)} đồng."
            + (f"<br><i>{fig.ungraded_note()}</i>" if fig.ungraded else "")
        )

        def three(rows: list[year_report.CountRow]) -> list[Series]:
            return [
                Series("Nhận", PALETTE[0], [r.received for r in rows]),
                Series("Hợp lệ", PALETTE[1], [r.valid for r in rows]),
                Series("Công nhận", PALETTE[2], [r.recognized for r in rows]),
            ]

        self.chart_rounds.set_data([r.label for r in fig.rounds], three(fig.rounds))
        self.chart_grades.set_data(
            [g.label for g in fig.grades],
            [
                Series("Sáng kiến", PALETTE[2], [g.initiatives for g in fig.grades]),
                Series("Lượt tác giả", PALETTE[4], [g.authors for g in fig.grades]),
            ],
        )
        self.chart_types.set_data([r.label for r in fig.unit_types], three(fig.unit_types))
        self.chart_fields.set_data([r.label for r in fig.fields], three(fig.fields))

    def _year_export(self, fmt: str) -> None:
        year = self.report_year.currentData()
        if year is None:
            return
        self.select_document("year-report")
        index = self.year_combo.findData(year)
        if index >= 0:
            self.year_combo.setCurrentIndex(index)
        if fmt == "pdf":
            self.preview()
        else:
            fmt_index = self.format_combo.findData("xlsx")
            self.format_combo.setCurrentIndex(fmt_index)
            self.save()
