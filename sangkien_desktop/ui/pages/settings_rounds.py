"""Cài đặt → Đợt: the rounds of each year, their deadlines, checklist, rubric and grade rules, and their
status (open → scoring → finalized) with what each status allows."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain import round_lifecycle
from ...domain.defaults import BandSpec, ChecklistSpec, CriterionSpec
from ...domain.enums import RoundField, RoundStatus, TiePolicy
from ...domain.errors import Issue, ValidationError
from ...domain.round_lifecycle import RoundAction
from ...domain.rule_text import (
    criterion_code,
    format_amount,
    format_conditions,
    format_points,
    parse_amount,
    parse_conditions,
    parse_points,
    parse_quota,
)
from ...domain.vndate import dmy, parse_date
from ...services import rounds as rounds_service
from ...services import rounds_actions
from ...services.rounds import RoundInfo, RoundSetup
from ...services.rounds_actions import REDO_REASON, NewRound, RoundChange
from .. import colours, messages, operations
from ..context import AppContext
from ..dialogs.new_round_dialog import NewRoundDialog
from ..operations import Op
from ..workers import Progress
from . import settings_units
from .settings_units import reversible

VN_LOCALE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)

STATUS_COLOURS = {
    RoundStatus.OPEN: colours.ROUND_OPEN,
    RoundStatus.SCORING: colours.ROUND_SCORING,
    RoundStatus.FINALIZED: colours.TEXT_MUTED,
}


def status_html(status: RoundStatus) -> str:
    return f"<b style='color:{STATUS_COLOURS[status]}'>{status.label}</b>"


class _Grid(QTableWidget):
    """An editable grid with add / remove / move buttons; Enter moves to the next cell."""

    def __init__(self, headers: list[str], name: str) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.setEditTriggers(
            QTableWidget.EditTrigger.AnyKeyPressed
            | QTableWidget.EditTrigger.DoubleClicked
            | QTableWidget.EditTrigger.EditKeyPressed
        )
        self.readonly_columns: set[int] = set()
        self.code_column: bool = False  # column 0 holds TC1, TC2 … renumbered when rows move

    def text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return item.text().strip() if item else ""

    def checked(self, row: int, col: int) -> bool:
        item = self.item(row, col)
        return bool(item and item.checkState() == Qt.CheckState.Checked)

    def set_row(self, row: int, values: list[str | bool]) -> None:
        for col, value in enumerate(values):
            item = QTableWidgetItem()
            if isinstance(value, bool):
                item.setFlags(
                    Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                )
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            else:
                item.setText(value)
                if col in self.readonly_columns:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.setItem(row, col, item)

    def add_row(self, values: list[str | bool]) -> None:
        self.insertRow(self.rowCount())
        self.set_row(self.rowCount() - 1, values)
        self.setCurrentCell(self.rowCount() - 1, 1 if 0 in self.readonly_columns else 0)

    def remove_current(self) -> None:
        row = self.currentRow()
        if row >= 0:
            self.removeRow(row)
        self._renumber()

    def _renumber(self) -> None:
        if self.code_column:
            for row in range(self.rowCount()):
                item = self.item(row, 0)
                if item is not None:
                    item.setText(criterion_code(row))

    def move_current(self, step: int) -> None:
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.rowCount():
            return
        for col in range(self.columnCount()):
            a, b = self.takeItem(row, col), self.takeItem(target, col)
            self.setItem(row, col, b)
            self.setItem(target, col, a)
        self._renumber()
        self.setCurrentCell(target, self.currentColumn())

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            row, col = self.currentRow(), self.currentColumn()
            if col + 1 < self.columnCount():
                self.setCurrentCell(row, col + 1)
            elif row + 1 < self.rowCount():
                self.setCurrentCell(row + 1, 0)
            return
        super().keyPressEvent(event)

    def with_buttons(self, on_change: object = None) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self, 1)
        bar = QHBoxLayout()
        for text, slot in (
            ("Thêm dòng", lambda: self.add_row(self.blank_row())),
            ("Xóa dòng", self.remove_current),
            ("Lên", lambda: self.move_current(-1)),
            ("Xuống", lambda: self.move_current(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.button_bar = bar
        return host

    def blank_row(self) -> list[str | bool]:
        return [""] * self.columnCount()


class _DateEdit(QLineEdit):
    """A date typed as dd/mm/yyyy; empty means not set."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setPlaceholderText("ngày/tháng/năm")
        self.setMaximumWidth(140)

    def set_date(self, value: dt.date | None) -> None:
        self.setText(dmy(value) if value else "")

    def date(self, where: str, issues: list[Issue]) -> dt.date | None:
        if not self.text().strip():
            return None
        try:
            return parse_date(self.text())
        except ValueError as exc:
            issues.append(Issue(str(exc), where=where))
            return None


class RoundsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.infos: list[RoundInfo] = []
        self.current_id: int | None = None
        self.setup: RoundSetup | None = None
        self.status = RoundStatus.OPEN

        # list of rounds
        self.list = QListWidget()
        self.list.setObjectName("rounds_list")
        self.list.currentRowChanged.connect(self._picked)
        self.new_button = QPushButton("&Tạo đợt mới…")
        self.new_button.setObjectName("new_round")
        self.new_button.setToolTip("Tạo đợt mới, thường là sao chép mọi thiết lập từ đợt năm trước (Ctrl+N)")
        self.new_button.clicked.connect(self.new_round)
        self.delete_button = QPushButton("&Xóa đợt")
        self.delete_button.clicked.connect(self.delete_round)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("Các đợt xét:"))
        ll.addWidget(self.list, 1)
        ll.addWidget(self.new_button)
        ll.addWidget(self.delete_button)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_round,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip

        # status
        self.status_label = QLabel()
        self.status_label.setObjectName("round_status")
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.allowed_label = QLabel()
        self.allowed_label.setObjectName("round_allowed")
        self.allowed_label.setWordWrap(True)
        self.allowed_label.setTextFormat(Qt.TextFormat.RichText)
        self.transition_bar = QHBoxLayout()
        status_box = QGroupBox("Trạng thái của đợt")
        sl = QVBoxLayout(status_box)
        sl.addWidget(self.status_label)
        sl.addWidget(self.allowed_label)
        sl.addLayout(self.transition_bar)

        # editors
        self.tabs = QTabWidget()
        self.tabs.setObjectName("round_tabs")
        self.tabs.addTab(self._general_tab(), "Thông tin chung")
        self.checklist = _Grid(["Giấy tờ", "Số bản", "Bắt buộc"], "checklist_grid")
        self.checklist.blank_row = lambda: ["", "", True]  # type: ignore[method-assign]
        self.checklist.setColumnWidth(0, 420)
        self.tabs.addTab(self.checklist.with_buttons(), "Giấy tờ trong hồ sơ")
        self.rubric = _Grid(["Mã", "Tiêu chí", "Điểm tối đa", "Điểm tối thiểu", "Mô tả"], "rubric_grid")
        self.rubric.readonly_columns = {0}
        self.rubric.code_column = True
        self.rubric.blank_row = lambda: [criterion_code(self.rubric.rowCount()), "", "", "", ""]  # type: ignore[method-assign]
        self.rubric.setColumnWidth(0, 50)
        self.rubric.setColumnWidth(1, 300)
        self.rubric_total = QLabel()
        self.rubric_total.setObjectName("rubric_total")
        rubric_host = self.rubric.with_buttons()
        self.rubric.button_bar.addWidget(self.rubric_total)
        self.rubric.itemChanged.connect(lambda _=None: self._update_total())
        self.tabs.addTab(rubric_host, "Tiêu chí chấm")
        self.tabs.addTab(self._rules_tab(), "Quy tắc xếp loại")

        self.save_button = QPushButton("&Lưu thiết lập đợt")
        self.save_button.setObjectName("save_round")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("&Bỏ thay đổi")
        self.revert_button.clicked.connect(self._show_current)
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        bar = QHBoxLayout()
        bar.addWidget(self.save_button)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.locked_note, 1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(status_box)
        rl.addWidget(self.tabs, 1)
        rl.addLayout(bar)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([260, 940])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # building -------------------------------------------------------------------------------------------
    def _general_tab(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.name = QLineEdit()
        self.name.setObjectName("round_name")
        self.field = QComboBox()
        for f in RoundField:
            self.field.addItem(f.label, f.value)
        self.receive_from = _DateEdit("receive_from")
        self.receive_until = _DateEdit("receive_until")
        self.meeting_on = _DateEdit("meeting_on")
        self.decision_no = QLineEdit()
        self.decision_no.setPlaceholderText("15/QĐ-HĐSK")
        self.decision_date = _DateEdit("decision_date")
        self.co_authors = QSpinBox()
        self.co_authors.setRange(0, 50)
        self.co_authors.setSpecialValueText("không giới hạn")
        self.copies = QSpinBox()
        self.copies.setRange(1, 100)
        self.per_dossier = QSpinBox()
        self.per_dossier.setRange(0, 50)
        self.per_dossier.setSpecialValueText("mọi thành viên")
        self.spread = QDoubleSpinBox()
        self.spread.setRange(0, 100)
        self.spread.setDecimals(2)
        self.spread.setLocale(VN_LOCALE)  # 20,00 as on the Hội đồng page, not 20.00
        self.spread.setSuffix(" điểm")
        self.double_entry = QCheckBox("Nhập điểm hai lần để soát lỗi gõ")
        self.quorum = QSpinBox()
        self.quorum.setRange(0, 100)
        self.quorum.setSpecialValueText("quá nửa số thành viên")
        self.approval_a = QSpinBox()
        self.approval_a.setRange(1, 100)
        self.approval_b = QSpinBox()
        self.approval_b.setRange(1, 100)
        approval = QHBoxLayout()
        approval.addWidget(self.approval_a)
        approval.addWidget(QLabel("/"))
        approval.addWidget(self.approval_b)
        approval.addWidget(QLabel("số thành viên tán thành"))
        approval.addStretch(1)
        self.note = QLineEdit()
        for spin in (self.co_authors, self.copies, self.per_dossier, self.spread, self.quorum):
            spin.setMaximumWidth(220)
        dates = QHBoxLayout()
        dates.addWidget(self.receive_from)
        dates.addWidget(QLabel("đến hạn"))
        dates.addWidget(self.receive_until)
        dates.addStretch(1)
        decision = QHBoxLayout()
        decision.addWidget(self.decision_no)
        decision.addWidget(QLabel("ngày"))
        decision.addWidget(self.decision_date)
        decision.addStretch(1)
        form.addRow("&Tên đợt:", self.name)
        form.addRow("&Lĩnh vực:", self.field)
        form.addRow("Nhận hồ sơ từ ngày:", dates)
        form.addRow("Ngày họp Hội đồng:", self.meeting_on)
        form.addRow("Quyết định công nhận số:", decision)
        form.addRow("Số đồng tác giả tối đa cùng đơn vị:", self.co_authors)
        form.addRow("Số bản Đơn yêu cầu công nhận:", self.copies)
        form.addRow("Số thành viên chấm mỗi hồ sơ:", self.per_dossier)
        form.addRow("Độ lệch điểm cần xem lại:", self.spread)
        form.addRow("", self.double_entry)
        form.addRow("Số thành viên có mặt tối thiểu:", self.quorum)
        form.addRow("Tỷ lệ biểu quyết công nhận:", approval)
        form.addRow("&Ghi chú:", self.note)
        return w

    def _rules_tab(self) -> QWidget:
        w = QWidget()
        self.rules_name = QLineEdit()
        self.rules_name.setObjectName("rules_name")
        self.rules_from = _DateEdit("rules_from")
        self.rules_from.setToolTip(
            "Ngày bộ quy tắc này bắt đầu áp dụng. Khi sửa quy tắc, ngày tự đổi sang hôm nay nếu bạn không ghi "
            "ngày khác; kết quả các đợt trước vẫn giữ quy tắc của đợt đó."
        )
        self.decimals = QSpinBox()
        self.decimals.setRange(0, 4)
        self.certificate = QLineEdit()
        self.certificate.setObjectName("certificate_threshold")
        self.certificate.setMaximumWidth(100)
        self.tie_policy = QComboBox()
        self.tie_policy.addItem("Đánh dấu để Hội đồng quyết định", TiePolicy.COUNCIL.value)
        self.tie_policy.addItem(
            "Phân định theo điểm một tiêu chí, rồi Hội đồng quyết định", TiePolicy.CRITERION.value
        )
        self.tie_criterion = QComboBox()
        self.tie_policy.currentIndexChanged.connect(
            lambda _=0: self.tie_criterion.setEnabled(
                self.tie_policy.currentData() == TiePolicy.CRITERION.value
            )
        )
        form = QFormLayout()
        form.addRow("&Tên bộ quy tắc:", self.rules_name)
        form.addRow("Áp &dụng từ ngày:", self.rules_from)
        form.addRow("Số chữ số thập phân của điểm bình quân:", self.decimals)
        form.addRow("Điểm tối thiểu để được &công nhận:", self.certificate)
        form.addRow("Khi &bằng điểm ở ranh giới số suất:", self.tie_policy)
        form.addRow("Tiêu chí phân định:", self.tie_criterion)
        self.decimals.setMaximumWidth(80)
        self.bands = _Grid(["Mã", "Tên mức", "Điểm từ", "Số suất", "Tiền thưởng (đồng)", "Điều kiện theo tiêu chí"],
                           "bands_grid")  # fmt: skip
        self.bands.setColumnWidth(1, 110)
        self.bands.setColumnWidth(4, 150)
        self.bands.setToolTip(
            "Xếp từ mức cao xuống thấp. Số suất để trống: không giới hạn. Điều kiện ghi dạng TC1 ≥ 25 "
            "(TC1 là tiêu chí thứ nhất ở bảng Tiêu chí chấm), nhiều điều kiện cách nhau bằng dấu chấm phẩy."
        )
        note = QLabel(
            "Hồ sơ xếp theo điểm bình quân từ cao xuống; đủ điểm mức trên nhưng hết suất thì xuống mức dưới. "
            "Hồ sơ dưới các mức nhưng đạt điểm công nhận được cấp giấy chứng nhận, không có tiền thưởng."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(w)
        layout.addLayout(form)
        layout.addWidget(QLabel("Các mức xếp loại (từ cao xuống thấp):"))
        layout.addWidget(self.bands.with_buttons(), 1)
        layout.addWidget(note)
        return w

    # loading --------------------------------------------------------------------------------------------
    def load(self, select_id: int | None = None) -> None:
        self.infos = operations.read(self, self.ctx.db, rounds_service.list_rounds, [])
        keep = select_id or self.current_id or self.ctx.round_id
        self.list.blockSignals(True)
        self.list.clear()
        for info in self.infos:
            item = QListWidgetItem(f"{info.label}\n{info.status.label} · {info.dossiers} hồ sơ")
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(round_lifecycle.info(info.status).explanation())
            self.list.addItem(item)
        row = next((i for i, r in enumerate(self.infos) if r.id == keep), 0 if self.infos else -1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._picked(row)

    def _picked(self, row: int) -> None:
        self.current_id = self.infos[row].id if 0 <= row < len(self.infos) else None
        self._show_current()

    def _show_current(self) -> None:
        has = self.current_id is not None
        self.tabs.setEnabled(has)
        finalized = has and any(
            i.id == self.current_id and i.status is RoundStatus.FINALIZED for i in self.infos
        )
        self.delete_button.setEnabled(has and not finalized)
        self.delete_button.setToolTip("Đợt đã chốt không xóa được." if finalized else "")
        if not has:
            self.setup = None
            self.status_label.setText("Chưa có đợt nào. Bấm “Tạo đợt mới…”.")
            self.allowed_label.setText("")
            self._set_transitions(None)
            self.save_button.setEnabled(False)
            return
        round_id = self.current_id
        assert round_id is not None
        detail = operations.read(self, self.ctx.db, lambda db: rounds_actions.round_detail(db, round_id))
        if detail is None:
            return
        self.setup, self.status, label = detail.setup, detail.status, detail.label
        self._fill(self.setup)
        info = round_lifecycle.info(self.status)
        self.status_label.setText(f"{label}: {status_html(self.status)}")
        forbidden = "; ".join(a.label for a in info.forbidden) or "—"
        self.allowed_label.setText(
            f"<b>Được:</b> {'; '.join(a.label for a in info.allowed)}.<br><b>Không được:</b> {forbidden}."
        )
        self._set_transitions(self.status)
        editable = round_lifecycle.allows(self.status, RoundAction.EDIT_RULES)
        for i in range(self.tabs.count()):
            self.tabs.widget(i).setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.revert_button.setEnabled(editable)
        self.locked_note.setText(
            "" if editable else "Đợt đã chốt kết quả: thiết lập chỉ xem được. Muốn sửa, hãy mở lại đợt."
        )

    def _set_transitions(self, status: RoundStatus | None) -> None:
        while self.transition_bar.count():
            item = self.transition_bar.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if status is None:
            return
        for target in round_lifecycle.info(status).next_statuses:
            button = QPushButton(round_lifecycle.TRANSITION_LABELS[(status, target)])
            button.setObjectName(f"to_{target.value}")
            button.setToolTip(round_lifecycle.info(target).explanation())
            button.clicked.connect(lambda _=False, t=target: self.change_status(t))
            self.transition_bar.addWidget(button)
        self.transition_bar.addStretch(1)

    def _fill(self, s: RoundSetup) -> None:
        self.name.setText(s.name)
        self.field.setCurrentIndex(max(0, self.field.findData(s.field.value)))
        self.receive_from.set_date(s.receive_from)
        self.receive_until.set_date(s.receive_until)
        self.meeting_on.set_date(s.meeting_on)
        self.decision_no.setText(s.decision_no)
        self.decision_date.set_date(s.decision_date)
        self.co_authors.setValue(s.co_author_limit)
        self.copies.setValue(s.copies_required)
        self.per_dossier.setValue(s.members_per_dossier or 0)
        self.spread.setValue(float(s.score_spread_limit))
        self.double_entry.setChecked(s.double_entry)
        self.quorum.setValue(s.quorum or 0)
        self.approval_a.setValue(s.approval_numerator)
        self.approval_b.setValue(s.approval_denominator)
        self.note.setText(s.note)
        self.checklist.setRowCount(0)
        for item in s.checklist:
            self.checklist.add_row([item.name, str(item.copies_required or ""), item.required])
        self.rubric.blockSignals(True)
        self.rubric.setRowCount(0)
        for i, c in enumerate(s.rubric):
            self.rubric.add_row(
                [
                    criterion_code(i),
                    c.name,
                    format_points(c.max_points),
                    format_points(c.min_points),
                    c.description,
                ]
            )
        self.rubric.blockSignals(False)
        self._update_total()
        self.rules_name.setText(s.rules.name)
        self.rules_from.set_date(s.rules_effective_from)
        self.decimals.setValue(s.rules.decimals)
        self.certificate.setText(format_points(s.rules.certificate_threshold))
        self.tie_policy.setCurrentIndex(max(0, self.tie_policy.findData(str(s.rules.tie_policy))))
        self.tie_criterion.clear()
        for i, c in enumerate(s.rubric):
            self.tie_criterion.addItem(f"{criterion_code(i)} {c.name}", i)
        if s.tie_break_position is not None:
            self.tie_criterion.setCurrentIndex(s.tie_break_position)
        self.tie_criterion.setEnabled(self.tie_policy.currentData() == TiePolicy.CRITERION.value)
        self.bands.setRowCount(0)
        for b in s.rules.bands:
            quota = "" if b.quota is None else str(b.quota)
            self.bands.add_row(
                [
                    b.code,
                    b.label,
                    format_points(b.min_mean),
                    quota,
                    format_amount(b.amount),
                    format_conditions(b.conditions),
                ]
            )

    def _update_total(self) -> None:
        total = Decimal(0)
        for row in range(self.rubric.rowCount()):
            with contextlib.suppress(ValueError):
                total += parse_points(self.rubric.text(row, 2), allow_empty=True) or 0
        self.rubric_total.setText(f"Tổng điểm tối đa: {format_points(total)}")

    # reading the editors --------------------------------------------------------------------------------
    def read_setup(self) -> RoundSetup:
        """The setup in the editors; ``ValidationError`` names every cell that cannot be read."""
        assert self.setup is not None
        issues: list[Issue] = []
        checklist = []
        for row in range(self.checklist.rowCount()):
            name = self.checklist.text(row, 0)
            copies_text = self.checklist.text(row, 1)
            if not name and not copies_text:
                continue
            copies = None
            if copies_text:
                if copies_text.isdigit():
                    copies = int(copies_text)
                else:
                    issues.append(
                        Issue(f"'{copies_text}' không phải là số bản", where=f"Giấy tờ dòng {row + 1}")
                    )
            checklist.append(
                ChecklistSpec(name, copies_required=copies, required=self.checklist.checked(row, 2))
            )
        rubric = []
        for row in range(self.rubric.rowCount()):
            name = self.rubric.text(row, 1)
            where = f"Tiêu chí dòng {row + 1}"
            if not name and not self.rubric.text(row, 2):
                continue
            try:
                max_points = parse_points(self.rubric.text(row, 2))
                min_points = parse_points(self.rubric.text(row, 3), allow_empty=True)
            except ValueError as exc:
                issues.append(Issue(str(exc), where=where))
                continue
            assert max_points is not None
            rubric.append(CriterionSpec(name, max_points, min_points, self.rubric.text(row, 4)))
        bands = []
        for row in range(self.bands.rowCount()):
            code = self.bands.text(row, 0)
            where = f"Mức xếp loại dòng {row + 1}"
            if not code and not self.bands.text(row, 2):
                continue
            try:
                min_mean = parse_points(self.bands.text(row, 2))
                quota = parse_quota(self.bands.text(row, 3))
                amount = parse_amount(self.bands.text(row, 4))
                conditions = parse_conditions(self.bands.text(row, 5), len(rubric))
            except ValueError as exc:
                issues.append(Issue(str(exc), where=where))
                continue
            assert min_mean is not None
            bands.append(BandSpec(code, self.bands.text(row, 1), min_mean, quota, amount, conditions))
        try:
            certificate = parse_points(self.certificate.text()) or Decimal(0)
        except ValueError as exc:
            issues.append(Issue(str(exc), where="Điểm tối thiểu để được công nhận"))
            certificate = self.setup.rules.certificate_threshold
        dates = {
            "receive_from": self.receive_from.date("Ngày bắt đầu nhận hồ sơ", issues),
            "receive_until": self.receive_until.date("Hạn nộp hồ sơ", issues),
            "meeting_on": self.meeting_on.date("Ngày họp Hội đồng", issues),
            "decision_date": self.decision_date.date("Ngày quyết định", issues),
        }
        effective = self.rules_from.date("Ngày áp dụng quy tắc", issues)
        if issues:
            raise ValidationError(issues, title="Có ô chưa đọc được")
        tie_policy = str(self.tie_policy.currentData())
        rules = replace(
            self.setup.rules,
            name=self.rules_name.text().strip(),
            bands=tuple(bands),
            certificate_threshold=certificate,
            decimals=self.decimals.value(),
            tie_policy=tie_policy,
        )
        tie_position = self.tie_criterion.currentData() if tie_policy == TiePolicy.CRITERION.value else None
        return replace(
            self.setup,
            name=self.name.text().strip(),
            field=RoundField(self.field.currentData()),
            decision_no=self.decision_no.text().strip(),
            co_author_limit=self.co_authors.value(),
            copies_required=self.copies.value(),
            members_per_dossier=self.per_dossier.value() or None,
            score_spread_limit=Decimal(str(round(self.spread.value(), 2))).quantize(Decimal("0.01")),
            double_entry=self.double_entry.isChecked(),
            quorum=self.quorum.value() or None,
            approval_numerator=self.approval_a.value(),
            approval_denominator=self.approval_b.value(),
            note=self.note.text().strip(),
            checklist=tuple(checklist),
            rubric=tuple(rubric),
            rules=rules,
            rules_effective_from=effective,
            tie_break_position=tie_position,
            **dates,
        )

    @staticmethod
    def _move(
        db: Database, progress: Progress | None, round_id: int, target: RoundStatus, reason: str
    ) -> RoundChange:
        """The status change commits first, so nothing after it can be cancelled (the archive is reported)."""
        if progress is not None:
            progress.point_of_no_return()
        report = progress.report if progress is not None else None
        return rounds_actions.change_status(db, round_id, target, reason, report)

    # actions --------------------------------------------------------------------------------------------
    def _change(self, title: str, run: Callable[[Database], RoundChange], **kwargs: Any) -> Op:
        """A round action: undo puts back the round's state before, redo its state after (one transaction
        each way); the list then shows the round (after a redo too: a round created again is selected)."""
        return reversible(self, self.ctx, title, run, rounds_actions.put, area="rounds",
                          on_done=self._show_changed, after_redo=self._show_changed, **kwargs)  # fmt: skip

    def _show_changed(self, change: RoundChange) -> None:
        self.load(change.round_id)

    def save(self) -> bool:
        if self.current_id is None or self.setup is None:
            return False
        round_id = self.current_id
        new = operations.read(self, self.ctx.db, lambda _db: self.read_setup())
        if new is None:
            return False
        issues = rounds_actions.setup_issues(new)
        warnings = [i for i in issues if not i.is_error]
        if warnings and not [i for i in issues if i.is_error]:
            text = "\n".join("• " + w.text() for w in warnings)
            if not messages.confirm(self, f"Lưu ý:\n{text}\n\nVẫn lưu?"):
                return False
        op = self._change("Sửa thiết lập đợt", lambda db: rounds_actions.save_setup(db, round_id, new))
        return op.start().ok

    def new_round(self) -> int | None:
        suggestion = operations.read(self, self.ctx.db, rounds_actions.suggest_new_round)
        if suggestion is None:
            return None
        dialog = NewRoundDialog(
            suggestion.rounds, suggestion.year, suggestion.number, suggestion.source_id, self
        )
        if not settings_units.exec_dialog(dialog):
            return None
        request = NewRound(
            dialog.year.value(),
            dialog.number.value(),
            RoundField(dialog.field.currentData()),
            name=dialog.name.text().strip(),
            source_id=dialog.source.currentData(),
            copy_members=dialog.members.isChecked() and dialog.source.currentData() is not None,
        )
        op = self._change("Tạo đợt mới", lambda db: rounds_actions.create_round(db, request)).start()
        return op.result.round_id if op.ok else None

    def delete_round(self) -> None:
        if self.current_id is None:
            return
        info = next(r for r in self.infos if r.id == self.current_id)
        if info.status is RoundStatus.FINALIZED:  # the button is disabled; a shortcut must not get round it
            return
        if not messages.confirm(self, f"Xóa {info.label}? Chỉ xóa được đợt chưa có hồ sơ.", destructive=True):
            return

        def deleted(_change: RoundChange) -> None:
            self.current_id = None
            self.load()
            bar = getattr(self.window(), "statusBar", None)
            if callable(bar):
                bar().showMessage(f"Đã xóa {info.label} (Ctrl+Z để lấy lại).", 10_000)

        reversible(self, self.ctx, f"Xóa {info.label}", lambda db: rounds_actions.delete_round(db, info.id),
                   rounds_actions.put, area="rounds", on_done=deleted).start()  # fmt: skip

    def change_status(self, target: RoundStatus) -> bool:
        """Move the round to ``target`` after the secretary confirms (reopening asks a reason). Finalizing
        writes the archive folder on a worker thread with progress; the result arrives in ``on_done``."""
        if self.current_id is None:
            return False
        round_id, current = self.current_id, self.status
        question = operations.read(
            self, self.ctx.db, lambda db: rounds_actions.status_question(db, round_id, target)
        )
        if question is None:
            return False
        label = question.label
        text = f"{label}: {current.label} → {target.label}.\n\n{round_lifecycle.info(target).explanation()}"
        if question.warnings:
            text += "\n\nLưu ý:\n" + "\n".join("• " + w for w in question.warnings)
        reason = ""
        if round_lifecycle.needs_reason(current, target):
            answer = messages.ask_text(self, text + "\n\nLý do mở lại (được ghi vào nhật ký):", "Mở lại đợt")
            if not answer:
                return False
            reason = answer
        elif not messages.confirm(self, text + "\n\nTiếp tục?", "Đổi trạng thái đợt"):
            return False

        def done(change: RoundChange) -> None:
            self.load(round_id)
            if change.archive_error:
                messages.show_error(self, change.archive_error)
            elif change.archive_folder is not None:  # not a dialog: the change itself was already confirmed
                bar = getattr(self.window(), "statusBar", None)
                if callable(bar):
                    bar().showMessage(f"Đã chốt {label}. Hồ sơ lưu trữ: {change.archive_folder}", 10_000)

        # finalizing is not taken back by Ctrl+Z (as on Sao lưu & Nhật ký): "Mở lại" with a reason is the way
        finalizing = target is RoundStatus.FINALIZED
        op = Op(
            self,
            f"Đổi trạng thái {label}",
            lambda db, progress: self._move(db, progress, round_id, target, reason),
            ctx=self.ctx,
            area="rounds",
            undo=None if finalizing else (lambda db, change: rounds_actions.put(db, change.before)),
            redo=None
            if finalizing
            else (lambda db: rounds_actions.change_status(db, round_id, target, reason or REDO_REASON)),
            on_done=done,
        )
        if target is RoundStatus.FINALIZED:  # the archive workbooks take seconds: a worker thread
            op.in_background()
        op.start()
        return op.ok or not op.done
