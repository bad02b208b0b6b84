"""The Hội đồng page: the round's council (members, roles, units, expertise), the council settings of the
round (quorum, members per dossier, score spread, double entry) and the assignment grid dossiers × members
with conflicts of interest and the automatic assignment (previewed, then applied at once)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.conflicts import ConflictKind
from ...domain.defaults import SOLUTION_FIELDS
from ...domain.enums import MemberRole
from ...domain.errors import ValidationError
from ...services import assignment as assignment_service
from ...services import council as council_service
from ...services import council_actions, council_queries
from ...services.assignment import AutoPlan, Grid
from ...services.council import CouncilSettings, MemberInput, MemberRow, Roster
from ...services.council_changes import Change
from ...services.rounds import RoundInfo
from .. import colours, messages
from ..context import AppContext
from ..operations import Op, read
from ..screen_fit import fit as fit_to_screen
from ..widgets.record_model import CENTER, ERROR_BACKGROUND, Column, RecordTableModel, RecordTableView
from .base import Page

Index = QModelIndex | QPersistentModelIndex
CONFLICT_BACKGROUND = QColor(colours.BACKGROUND_ERROR)
OVERRIDE_BACKGROUND = QColor(colours.BACKGROUND_FLAG)
ASSIGNED_BACKGROUND = QColor(colours.BACKGROUND_OK)
TITLE_PADDING = 12  # on each side of a header's text


def vn_buttons(which: QDialogButtonBox.StandardButton) -> QDialogButtonBox:
    """A dialog button box with Vietnamese captions (Qt's own are English without a translator)."""
    box = QDialogButtonBox(which)
    captions = {
        QDialogButtonBox.StandardButton.Ok: "Đồng ý",
        QDialogButtonBox.StandardButton.Cancel: "Hủy",
        QDialogButtonBox.StandardButton.Close: "Đóng",
    }
    for button, caption in captions.items():
        if box.button(button) is not None:
            box.button(button).setText(caption)
    return box


class CouncilPage(Page):
    key = "council"
    title = "Hội đồng"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.roster_tab = RosterTab(ctx, self)
        self.assignment_tab = AssignmentTab(ctx, self)
        self.tabs.addTab(self.roster_tab, "&Thành phần Hội đồng")
        self.tabs.addTab(self.assignment_tab, "Phân công c&hấm")
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def on_round_changed(self, info: RoundInfo | None) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self.tabs.currentWidget() is self.roster_tab:
            self.roster_tab.refresh()
        else:
            self.assignment_tab.refresh()


# ---------------------------------------------------------------------------------------------- roster
class RosterTab(QWidget):
    STRETCH_COLUMNS = (3, 4, 5)  # Đơn vị, Chức vụ, Lĩnh vực chuyên môn

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.roster: Roster | None = None
        layout = QVBoxLayout(self)
        columns: list[Column[MemberRow]] = [
            Column("TT", lambda m: m.number, align=CENTER),
            Column("Họ và tên", lambda m: m.name),
            Column("Vai trò", lambda m: m.role.label),
            Column("Đơn vị", lambda m: m.unit_name, tooltip=lambda m: m.unit_name or None),
            Column("Chức vụ", lambda m: m.job_title, tooltip=lambda m: m.job_title or None),
            Column("Lĩnh vực chuyên môn", lambda m: m.expertise, tooltip=lambda m: m.expertise or None),
            Column(
                "Tham gia",
                lambda m: "Có" if m.active else "Tạm vắng",
                align=CENTER,
                background=lambda m: None if m.active else ERROR_BACKGROUND,
                header_tooltip="Có: đang tham gia chấm; Tạm vắng: không phân công, không tính vào số dự họp",
            ),
            Column(
                "Phân công",
                lambda m: m.assignments,
                header_tooltip="Số hồ sơ được phân công chấm trong đợt",
            ),
            Column(
                "Điểm đã nhập",
                lambda m: m.scores,
                header_tooltip="Số điểm thành phần (ô điểm) đã nhập của thành viên trong đợt",
            ),
        ]
        self.model: RecordTableModel[MemberRow] = RecordTableModel(columns)
        self.table = RecordTableView(self.model, filterable=False)
        self.table.setObjectName("roster_table")
        # every column in sight at 1280 pixels: short columns fit their contents, the unit, job title and
        # expertise share the rest (cut texts show whole in their tooltip)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for col in range(len(columns)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for col in self.STRETCH_COLUMNS:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(0, 40)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        layout.addWidget(self.table, 1)
        self.issues = QLabel()
        self.issues.setObjectName("roster_issues")
        self.issues.setStyleSheet(f"color: {colours.TEXT_ERROR_DARK}; font-weight: bold;")
        self.issues.setWordWrap(True)
        layout.addWidget(self.issues)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Thêm thành viên…")
        self.edit_button = QPushButton("&Sửa…")
        self.remove_button = QPushButton("&Xóa")
        self.up_button = QPushButton("Lên")
        self.down_button = QPushButton("Xuống")
        self.copy_button = QPushButton("&Chép từ đợt khác…")
        for b in (self.add_button, self.edit_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.remove_button.clicked.connect(self.remove_member)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.copy_button.clicked.connect(self.copy_from_round)

        group = QGroupBox("Cài đặt họp và chấm điểm của đợt")
        form = QFormLayout(group)
        self.quorum = QSpinBox()
        self.quorum.setObjectName("quorum")
        self.quorum.setRange(0, 99)
        self.quorum.setSpecialValueText("Quá nửa số thành viên")
        self.k_spin = QSpinBox()
        self.k_spin.setObjectName("members_per_dossier")
        self.k_spin.setRange(0, 99)
        self.k_spin.setSpecialValueText("Mọi thành viên không vướng xung đột")
        self.spread = QDoubleSpinBox()
        self.spread.setObjectName("spread_limit")
        self.spread.setRange(0, 1000)
        self.spread.setDecimals(2)
        self.spread.setSuffix(" điểm")
        self.spread.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        for spin in (self.quorum, self.k_spin, self.spread):
            spin.setMaximumWidth(360)
        self.double_entry = QCheckBox("Nhập mỗi phiếu hai lần để kiểm tra (ô khác nhau tô đỏ)")
        self.double_entry.setObjectName("double_entry")
        approval = QHBoxLayout()
        self.approval_num = QSpinBox()
        self.approval_num.setRange(1, 99)
        self.approval_den = QSpinBox()
        self.approval_den.setRange(1, 99)
        approval.addWidget(self.approval_num)
        approval.addWidget(QLabel("/"))
        approval.addWidget(self.approval_den)
        approval.addWidget(QLabel("tổng số thành viên"))
        approval.addStretch(1)
        form.addRow("Số thành viên tối thiểu dự họp:", self.quorum)
        form.addRow("Số thành viên chấm mỗi hồ sơ:", self.k_spin)
        form.addRow("Cảnh báo khi điểm các thành viên lệch quá:", self.spread)
        form.addRow("", self.double_entry)
        form.addRow("Công nhận khi số tán thành đạt:", approval)
        self.votes_required = QCheckBox(
            "Mọi hồ sơ được công nhận phải có kết quả biểu quyết trước khi in quyết định, chốt đợt"
        )
        self.votes_required.setObjectName("votes_required")
        form.addRow("", self.votes_required)
        self.save_settings_button = QPushButton("Lưu &cài đặt")
        self.save_settings_button.setObjectName("save_council_settings")
        self.save_settings_button.clicked.connect(self.save_settings)
        form.addRow("", self.save_settings_button)
        layout.addWidget(group)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Insert:
            self.add_member()
        elif event.key() == Qt.Key.Key_Delete and self.table.hasFocus():
            self.remove_member()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.edit_member()
        else:
            super().keyPressEvent(event)

    def refresh(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None:
            self.model.set_records([])
            self.issues.setText("Chưa có đợt nào.")
            return
        current = self.table.current_record()
        self.roster = read(self, self.ctx.db, lambda db: council_service.get_roster(db, round_id))
        if self.roster is None:
            return
        self.model.set_records(self.roster.members)
        if current is not None:
            for row, m in enumerate(self.roster.members):
                if m.id == current.id:
                    self.table.selectRow(row)
        text = "\n".join(("" if i.is_error else "Lưu ý: ") + i.text() for i in self.roster.issues)
        self.issues.setText(text)
        self.issues.setVisible(bool(text))
        r = self.roster
        self.quorum.setValue(r.quorum or 0)
        self.k_spin.setValue(r.members_per_dossier or 0)
        self.spread.setValue(float(r.score_spread_limit))
        self.double_entry.setChecked(r.double_entry)
        self.approval_num.setValue(r.approval_numerator)
        self.approval_den.setValue(r.approval_denominator)
        self.votes_required.setChecked(r.votes_required)
        self.quorum.setToolTip(f"Để 0: quá nửa, tức {r.quorum_needed} người với {len(r.active)} thành viên")

    def _units(self) -> list[tuple[int, str]]:
        return read(self, self.ctx.db, council_queries.unit_choices, [])

    def _op(self, title: str, run: Any, on_done: Any = None) -> Op:
        """An undoable council action (``run`` returns a ``Change``; its undo is one service call)."""
        return Op(
            self,
            title,
            run,
            ctx=self.ctx,
            area="council",
            undo=council_actions.undo,
            on_done=on_done,
        ).start()

    def add_member(self) -> None:
        if self.ctx.round_id is None:
            return
        dialog = MemberDialog(self._units(), None, self)
        round_id = self.ctx.round_id
        while dialog.exec() == QDialog.DialogCode.Accepted:
            value = dialog.value()
            op = self._op(
                f"thêm thành viên {value.full_name}",
                functools.partial(council_actions.add_member, round_id=round_id, data=value),
            )
            if op.ok:
                return

    def edit_member(self) -> None:
        member = self.table.current_record()
        if member is None:
            return
        dialog = MemberDialog(self._units(), member, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            value = dialog.value()
            op = self._op(
                f"sửa thành viên {member.name}",
                functools.partial(council_actions.update_member, member_id=member.id, data=value),
            )
            if op.ok:
                return

    def remove_member(self) -> None:
        member = self.table.current_record()
        if member is None:
            return
        text = f"Xóa {member.name} khỏi Hội đồng của đợt này?"
        if member.scores:
            text += (
                f"\n\nThành viên này đã có {member.scores} điểm thành phần; xóa sẽ xóa luôn số điểm đó. "
                "Nếu chỉ tạm vắng, hãy sửa và bỏ chọn “Đang tham gia”."
            )
        if not messages.confirm(self, text, destructive=True):
            return
        self._op(
            f"xóa thành viên {member.name}",
            lambda db: council_actions.remove_member(db, member.id, drop_scores=True),
        )

    def move(self, step: int) -> None:
        member = self.table.current_record()
        if member is None:
            return

        def reselect(_change: Change) -> None:
            for row in range(self.model.rowCount()):
                if self.model.record(row).id == member.id:
                    self.table.selectRow(row)

        self._op(
            f"đổi thứ tự {member.name}",
            lambda db: council_actions.move_member(db, member.id, step),
            reselect,
        )

    def copy_from_round(self) -> None:
        if self.ctx.round_id is None:
            return
        others = [r for r in self.ctx.rounds if r.id != self.ctx.round_id]
        if not others:
            messages.show_info(self, "Chưa có đợt nào khác để chép.")
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("Chép thành phần Hội đồng")
        lay = QVBoxLayout(dialog)
        lay.addWidget(QLabel("Chép các thành viên của đợt:"))
        combo = QComboBox()
        for r in others:
            combo.addItem(r.label, r.id)
        lay.addWidget(combo)
        buttons = vn_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        lay.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        source, target = combo.currentData(), self.ctx.round_id
        self._op(
            "chép thành phần Hội đồng",
            lambda db: council_actions.copy_roster(db, source, target),
            lambda change: messages.show_info(self, f"Đã chép {change.result} thành viên."),
        )

    def settings_value(self) -> CouncilSettings:
        return CouncilSettings(
            quorum=self.quorum.value() or None,
            members_per_dossier=self.k_spin.value() or None,
            score_spread_limit=Decimal(str(round(self.spread.value(), 2))),
            double_entry=self.double_entry.isChecked(),
            approval_numerator=self.approval_num.value(),
            approval_denominator=self.approval_den.value(),
            votes_required=self.votes_required.isChecked(),
        )

    def save_settings(self) -> None:
        if self.ctx.round_id is None:
            return
        round_id = self.ctx.round_id
        value = self.settings_value()
        self._op("sửa cài đặt chấm điểm", lambda db: council_actions.save_settings(db, round_id, value))


class MemberDialog(QDialog):
    """Add or edit a council member."""

    def __init__(
        self, units: list[tuple[int, str]], member: MemberRow | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sửa thành viên Hội đồng" if member else "Thêm thành viên Hội đồng")
        fit_to_screen(self, 640, 320)
        form = QFormLayout(self)
        self.name = QLineEdit(member.name if member else "")
        self.name.setObjectName("member_name")
        self.role = QComboBox()
        self.role.setObjectName("member_role")
        for role in MemberRole:
            self.role.addItem(role.label, role)
        self.role.setCurrentIndex(self.role.findData(member.role if member else MemberRole.MEMBER))
        self.unit = QComboBox()
        self.unit.setObjectName("member_unit")
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit.addItem("— Không thuộc đơn vị nào trong danh sách —", None)
        for uid, name in units:
            self.unit.addItem(name, uid)
        self.unit.setCurrentIndex(max(0, self.unit.findData(member.unit_id)) if member else 0)
        self.job = QLineEdit(member.job_title if member else "")
        self.expertise = QLineEdit(member.expertise if member else "")
        self.expertise.setObjectName("member_expertise")
        self.expertise.setPlaceholderText("Các lĩnh vực, cách nhau bằng dấu chấm phẩy (;)")
        pick = QComboBox()
        pick.addItem("Thêm lĩnh vực…", None)
        for f in SOLUTION_FIELDS:
            pick.addItem(f, f)

        def add_field(index: int) -> None:
            value = pick.itemData(index)
            if value:
                current = [p.strip() for p in self.expertise.text().split(";") if p.strip()]
                if value not in current:
                    current.append(value)
                self.expertise.setText("; ".join(current))
                pick.setCurrentIndex(0)

        pick.currentIndexChanged.connect(add_field)
        self.active = QCheckBox("Đang tham gia (bỏ chọn khi tạm vắng)")
        self.active.setChecked(member.active if member else True)
        form.addRow("&Họ và tên:", self.name)
        form.addRow("&Vai trò:", self.role)
        form.addRow("Đơn &vị công tác:", self.unit)
        form.addRow("&Chức vụ:", self.job)
        form.addRow("&Lĩnh vực chuyên môn:", self.expertise)
        form.addRow("", pick)
        form.addRow("", self.active)
        note = QLabel(
            "Thành viên không chấm hồ sơ của đơn vị mình hoặc hồ sơ mình là tác giả (phần mềm tự đánh dấu)."
        )
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {colours.TEXT_MUTED};")
        form.addRow(note)
        buttons = vn_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _unit_id(self) -> int | None:
        text = self.unit.currentText().strip()
        index = self.unit.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.unit.itemData(index)
        return self.unit.currentData()

    def _accept(self) -> None:
        if not self.name.text().strip():
            messages.show_error(self, ValidationError("Chưa nhập họ và tên thành viên."))
            self.name.setFocus()
            return
        self.accept()

    def value(self) -> MemberInput:
        return MemberInput(
            full_name=self.name.text(),
            role=MemberRole(self.role.currentData()),
            unit_id=self._unit_id(),
            job_title=self.job.text(),
            expertise=self.expertise.text(),
            active=self.active.isChecked(),
        )


# ---------------------------------------------------------------------------------------------- assignment
class AssignmentModel(QAbstractTableModel):
    FIXED = ("Mã hồ sơ", "Tên sáng kiến", "Đơn vị", "Lĩnh vực")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: Grid | None = None

    def load(self, grid: Grid | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.dossiers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.grid is None:
            return 0
        return len(self.FIXED) + len(self.grid.members) + 1

    def member_at(self, column: int) -> Any:
        assert self.grid is not None
        i = column - len(self.FIXED)
        return self.grid.members[i] if 0 <= i < len(self.grid.members) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        d = self.grid.dossiers[index.row()]
        col = index.column()
        fixed = (d.code, d.title, d.unit_name, d.field)
        if col < len(self.FIXED):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return fixed[col]
            return None
        member = self.member_at(col)
        if member is None:  # the count column
            count = self.grid.assigned_count(d.id)
            if role == Qt.ItemDataRole.DisplayRole:
                return str(count)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(CENTER)
            if role == Qt.ItemDataRole.BackgroundRole and self.grid.k and count < self.grid.k:
                return CONFLICT_BACKGROUND
            return None
        cell = self.grid.cell(d.id, member.id)
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.assigned:
                return "✓ ⚠" if cell.conflict else "✓"
            return "⚠" if cell.conflict else ("✗" if cell.removed else "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER)
        if role == Qt.ItemDataRole.BackgroundRole:
            if cell.assigned and cell.conflict:
                return OVERRIDE_BACKGROUND
            if cell.conflict:
                return CONFLICT_BACKGROUND
            if cell.assigned:
                return ASSIGNED_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{member.name} — {d.code}"]
            lines.append("Được phân công chấm" if cell.assigned else "Chưa phân công")
            if cell.conflict:
                lines.append("Xung đột lợi ích: " + cell.conflict)
            if cell.override:
                lines.append("Lý do vẫn phân công: " + cell.override)
            if cell.removed:
                lines.append("Đã bỏ phân công bằng tay: phân công tự động không thêm lại")
            if cell.scores:
                lines.append(f"Đã nhập {cell.scores} điểm thành phần")
            return "\n".join(lines)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        if self.grid is None:
            return None
        if section < len(self.FIXED):
            return self.FIXED[section] if role == Qt.ItemDataRole.DisplayRole else None
        member = self.member_at(section)
        if member is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return "Số người\nchấm"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Số thành viên được phân công chấm hồ sơ"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{member.number}. {member.name.split()[-1]}\n{self.grid.load(member.id)} hồ sơ"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{member.name} — {member.role_label}\n{member.unit_name}\nLĩnh vực: {member.expertise or '—'}"
                f"\nĐược phân công chấm {self.grid.load(member.id)} hồ sơ"
            )
        return None


class AssignmentView(QTableView):
    """Space, Enter or a double click toggles the assignment of the current cell."""

    def __init__(self, tab: AssignmentTab) -> None:
        super().__init__(tab)
        self.tab = tab

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.tab.toggle(self.currentIndex())
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.tab.fit_title()


class AssignmentTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        legend = QLabel(
            "✓ được phân công · ⚠ xung đột lợi ích (cùng đơn vị, là tác giả hoặc ghi tay) · ✗ đã bỏ bằng tay (phân "
            "công tự động không thêm lại) · Dấu cách, Enter hoặc nhấn đúp để bật/tắt. Chỉ hồ sơ Hợp lệ hoặc Đủ mới "
            "được đưa vào chấm."
        )
        legend.setWordWrap(True)
        legend.setStyleSheet(f"color: {colours.TEXT_MUTED};")
        layout.addWidget(legend)
        self.model = AssignmentModel(self)
        self.view = AssignmentView(self)
        self.view.setObjectName("assignment_grid")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setHighlightSections(False)
        self.view.horizontalHeader().sectionResized.connect(
            lambda col, _old, _new: self.fit_title() if col != 1 else None
        )
        self.view.doubleClicked.connect(self.toggle)
        layout.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setObjectName("assignment_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.auto_button = QPushButton("Phân công &tự động…")
        self.auto_button.setObjectName("auto_assign")
        self.clear_button = QPushButton("&Xóa phân công chưa có điểm")
        self.conflict_button = QPushButton("Xung đột &lợi ích…")
        self.conflict_button.setObjectName("record_conflict")
        self.conflict_button.setToolTip(
            "Ghi tay xung đột lợi ích của ô đang chọn (người thân của tác giả, lý do khác)"
        )
        row.addWidget(self.auto_button)
        row.addWidget(self.clear_button)
        row.addWidget(self.conflict_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.auto_button.clicked.connect(self.auto_assign)
        self.clear_button.clicked.connect(self.clear_unscored)
        self.conflict_button.clicked.connect(lambda: self.record_conflict())

    def refresh(self) -> None:
        current = self.view.currentIndex()
        keep = (current.row(), current.column()) if current.isValid() else None
        grid = None
        round_id = self.ctx.round_id
        if round_id is not None:
            grid = read(self, self.ctx.db, lambda db: assignment_service.get_grid(db, round_id))
        self.model.load(grid)
        # every member column and the count in sight: the title takes what is left (whole in its tooltip)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(2, 150)
        self.view.setColumnWidth(3, 110)
        for col in range(len(AssignmentModel.FIXED), self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.fit_title()
        if keep is not None and keep[0] < self.model.rowCount() and keep[1] < self.model.columnCount():
            self.view.setCurrentIndex(self.model.index(*keep))
        elif self.model.rowCount() and self.model.columnCount() > len(AssignmentModel.FIXED):
            self.view.setCurrentIndex(self.model.index(0, len(AssignmentModel.FIXED)))
        if grid is None:
            self.summary.setText("")
            return
        if not grid.dossiers:
            self.summary.setText("Đợt này chưa có hồ sơ Hợp lệ hoặc Đủ để phân công.")
            return
        loads = " · ".join(f"{m.number}. {m.name}: {grid.load(m.id)}" for m in grid.members)
        conflicts = sum(1 for c in grid.cells.values() if c.conflict)
        each = (
            f"{grid.k} thành viên mỗi hồ sơ"
            if grid.k
            else "mọi thành viên không vướng xung đột chấm mỗi hồ sơ"
        )
        self.summary.setText(
            f"{len(grid.dossiers)} hồ sơ · cài đặt: {each} · {conflicts} cặp vướng xung đột\nSố hồ sơ mỗi thành viên chấm: {loads}"
        )

    def fit_title(self) -> None:
        """The title column takes the width left by the others, but never less than its header's text (a
        squeezed "Tên sáng kiến" was cut at both ends): on a narrow window the grid scrolls instead."""
        if self.model.columnCount() < 2:
            return
        header = self.view.horizontalHeader()
        need = header.fontMetrics().horizontalAdvance(AssignmentModel.FIXED[1]) + 2 * TITLE_PADDING
        others = sum(self.view.columnWidth(c) for c in range(self.model.columnCount()) if c != 1)
        space = self.view.viewport().width() - others
        self.view.setColumnWidth(1, max(need, space))

    def toggle(self, index: QModelIndex) -> None:
        grid = self.model.grid
        if grid is None or not index.isValid() or self.ctx.round_id is None:
            return
        member = self.model.member_at(index.column())
        if member is None:
            return
        dossier = grid.dossiers[index.row()]
        cell = grid.cell(dossier.id, member.id)
        round_id = self.ctx.round_id
        reason = ""
        drop = False
        if not cell.assigned and cell.conflict:
            answer = messages.ask_text(
                self,
                f"{cell.conflict}.\nMuốn vẫn phân công, hãy ghi lý do (được ghi vào nhật ký):",
                "Vướng xung đột lợi ích",
            )
            if not answer:
                return
            reason = answer
        if cell.assigned and cell.scores:
            if not messages.confirm(
                self,
                f"{member.name} đã nhập {cell.scores} điểm cho hồ sơ {dossier.code}. Bỏ phân công sẽ xóa số điểm "
                "này. Tiếp tục?",
                destructive=True,
            ):
                return
            drop = True
        target = not cell.assigned
        self._op(
            ("phân công " if target else "bỏ phân công ") + f"{member.name} – {dossier.code}",
            lambda db: council_actions.set_assignment(
                db, round_id, dossier.id, member.id, target, override_reason=reason, drop_scores=drop
            ),
        )

    def _op(self, title: str, run: Any, on_done: Any = None) -> Op:
        return Op(
            self,
            title,
            run,
            ctx=self.ctx,
            area="assignments",
            undo=council_actions.undo,
            on_done=on_done,
        ).start()

    def auto_assign(self) -> None:
        if self.ctx.round_id is None:
            return
        dialog = AutoAssignDialog(self.ctx, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.plan is None:
            return
        plan = dialog.plan
        self._op(
            f"phân công tự động ({len(plan.pairs)} lượt)", lambda db: council_actions.apply_plan(db, plan)
        )

    def clear_unscored(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None:
            return
        if not messages.confirm(
            self, "Xóa mọi phân công chưa có điểm của đợt này (để phân công lại)?", destructive=True
        ):
            return
        self._op(
            "xóa phân công chưa có điểm",
            lambda db: council_actions.clear_unscored(db, round_id),
            lambda change: messages.show_info(self, f"Đã xóa {change.result} phân công chưa có điểm."),
        )

    def record_conflict(self) -> None:
        """Record (or drop) by hand a conflict of interest for the current cell: a relative of an author or
        another reason. The automatic assignment then leaves the pair alone."""
        grid = self.model.grid
        index = self.view.currentIndex()
        round_id = self.ctx.round_id
        member = self.model.member_at(index.column()) if grid is not None and index.isValid() else None
        if grid is None or member is None or round_id is None:
            messages.show_info(self, "Hãy chọn một ô của bảng (hồ sơ × thành viên) trước.")
            return
        dossier = grid.dossiers[index.row()]
        cell = grid.cell(dossier.id, member.id)
        dialog = ConflictDialog(member.name, dossier.code, cell.manual, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, reason = dialog.value()
        if kind is None:
            self._op(
                f"bỏ xung đột lợi ích {member.name} – {dossier.code}",
                lambda db: council_actions.remove_conflict(db, round_id, dossier.id, member.id),
            )
            return
        self._op(
            f"ghi xung đột lợi ích {member.name} – {dossier.code}",
            lambda db: council_actions.record_conflict(db, round_id, dossier.id, member.id, kind, reason),
        )


class ConflictDialog(QDialog):
    """Record a conflict of interest the software cannot see: a relative of an author, or another reason."""

    def __init__(self, member: str, code: str, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Xung đột lợi ích ghi tay")
        fit_to_screen(self, 560, 220)
        form = QFormLayout(self)
        label = QLabel(f"{member} — hồ sơ {code}")
        label.setWordWrap(True)
        form.addRow(label)
        self.kind = QComboBox()
        self.kind.setObjectName("conflict_kind")
        self.kind.addItem("Là người thân của tác giả", ConflictKind.RELATIVE)
        self.kind.addItem("Lý do khác", ConflictKind.OTHER)
        if current:
            self.kind.addItem("Không còn xung đột (bỏ ghi tay)", None)
            self.kind.setCurrentIndex(max(0, self.kind.findData(ConflictKind(current))))
        self.reason = QLineEdit()
        self.reason.setObjectName("conflict_reason")
        self.reason.setPlaceholderText("Ví dụ: con rể của tác giả; bắt buộc với “Lý do khác”")
        form.addRow("&Loại:", self.kind)
        form.addRow("Lý &do:", self.reason)
        note = QLabel("Phân công tự động sẽ không phân công cặp này; phân công bằng tay cần ghi lý do.")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {colours.TEXT_MUTED};")
        form.addRow(note)
        buttons = vn_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> tuple[ConflictKind | None, str]:
        data = self.kind.currentData()  # Qt hands the enum back as its text
        return (ConflictKind(data) if data else None), self.reason.text()


class AutoAssignDialog(QDialog):
    """Preview of the automatic assignment: k, the loads per member, dossiers short of members, and every
    pair that will be added. Nothing is written until the caller applies ``plan``.

    The members' table is as high as its rows (up to ``LOAD_ROWS``; more scroll), the list of pairs takes
    the rest of the height."""

    LOAD_ROWS = 12

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: AutoPlan | None = None
        self.setWindowTitle("Phân công tự động — xem trước")
        fit_to_screen(self, 780, 620)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Số thành viên chấm mỗi hồ sơ:"))
        self.k_spin = QSpinBox()
        self.k_spin.setObjectName("auto_k")
        self.k_spin.setRange(0, 99)
        self.k_spin.setSpecialValueText("Tất cả (trừ người vướng xung đột)")
        row.addWidget(self.k_spin)
        row.addStretch(1)
        layout.addLayout(row)
        self.replace_box = QCheckBox(
            "Phân công lại từ đầu (bỏ các phân công chưa có điểm, giữ phân công đã có điểm)"
        )
        self.replace_box.setObjectName("auto_replace")
        layout.addWidget(self.replace_box)
        self.summary = QLabel()
        self.summary.setObjectName("auto_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.loads = QTableWidget(0, 2)
        self.loads.setObjectName("auto_loads")
        self.loads.setHorizontalHeaderLabels(["Thành viên", "Số hồ sơ sau khi phân công"])
        loads_header = self.loads.horizontalHeader()
        loads_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        loads_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        loads_header.setHighlightSections(False)
        self.loads.verticalHeader().setVisible(False)
        self.loads.verticalHeader().setDefaultSectionSize(24)
        self.loads.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.loads.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.loads.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.loads)
        self.shortfalls = QListWidget()
        self.shortfalls.setObjectName("auto_shortfalls")
        self.shortfalls.setMaximumHeight(90)
        layout.addWidget(self.shortfalls)
        self.pairs = QListWidget()
        self.pairs.setObjectName("auto_pairs")
        self.pairs_label = QLabel("Các lượt chấm sẽ thêm:")
        layout.addWidget(self.pairs_label)
        layout.addWidget(self.pairs, 1)
        self.buttons = vn_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Áp &dụng")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        settings = read(self, ctx.db, lambda db: council_queries.settings(db, ctx.round_id or 0))
        self.k_spin.setValue((settings.members_per_dossier if settings else None) or 0)
        self.k_spin.valueChanged.connect(self.preview)
        self.replace_box.toggled.connect(self.preview)
        self.preview()

    def preview(self) -> None:
        k = self.k_spin.value() or None
        round_id, replace = self.ctx.round_id or 0, self.replace_box.isChecked()
        Op(
            self,
            "xem trước phân công tự động",
            lambda db: council_queries.preview_auto(db, round_id, k, replace_unscored=replace),
            db=self.ctx.db,
            on_done=self._show_plan,
            on_error=self._refused,
        ).start()

    def _refused(self, error: BaseException) -> None:
        """The plan cannot be made (no active member, k below 1): said in the summary, Áp dụng disabled."""
        self.plan = None
        self.summary.setText(str(error))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _show_plan(self, plan: AutoPlan) -> None:
        self.plan = plan
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(plan.pairs or plan.removed))
        self.summary.setText(self.summary_text(plan, self.replace_box.isChecked()))
        self.loads.setRowCount(0)
        for member_id, n in plan.loads.items():
            r = self.loads.rowCount()
            self.loads.insertRow(r)
            self.loads.setItem(r, 0, QTableWidgetItem(plan.member_names[member_id]))
            item = QTableWidgetItem(str(n))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.loads.setItem(r, 1, item)
        self.shortfalls.clear()
        for s in plan.shortfalls:
            self.shortfalls.addItem("⚠ " + s)
        self.shortfalls.setVisible(bool(plan.shortfalls))
        self.pairs.clear()
        for p in plan.pairs:
            self.pairs.addItem(
                f"{p.code} ← {p.member_name}" + (" (đúng lĩnh vực)" if p.expertise_match else "")
            )
        if not plan.pairs:
            self.pairs.addItem("(không thêm lượt chấm nào)")
        self.pairs_label.setText(f"Các lượt chấm sẽ thêm ({len(plan.pairs)}):")
        self._fit_loads()

    def _fit_loads(self) -> None:
        """Make the members' table exactly as high as its rows (up to LOAD_ROWS rows)."""
        rows = min(self.loads.rowCount(), self.LOAD_ROWS)
        height = self.loads.horizontalHeader().sizeHint().height() + 2 * self.loads.frameWidth()
        height += sum(self.loads.rowHeight(r) for r in range(rows)) if rows else 24
        self.loads.setFixedHeight(height)

    @staticmethod
    def summary_text(plan: AutoPlan, replace: bool) -> str:
        """What applying the plan does, in words that follow the “Phân công lại từ đầu” box."""
        removed = f", bỏ {plan.removed} phân công chưa có điểm" if plan.removed else ""
        adds = (
            f"Sẽ thêm {len(plan.pairs)} lượt chấm ({plan.matched} lượt đúng lĩnh vực chuyên môn)"
            if plan.pairs
            else "Không thêm lượt chấm nào"
        )
        text = (
            f"{adds}; giữ nguyên {plan.existing} phân công{removed}. Không phân công người vướng xung đột "
            "lợi ích."
        )
        if plan.pairs:
            return text
        if plan.shortfalls:
            return text + "\nKhông thêm được ai: xem các hồ sơ còn thiếu người chấm bên dưới."
        if replace:
            if plan.removed:
                return text
            return text + (
                "\nKhông có gì để chia lại: mọi phân công hiện có đều đã có điểm (được giữ nguyên) và mỗi hồ sơ "
                "đã đủ người chấm."
            )
        return (
            text
            + "\nKhông có gì để thêm: mỗi hồ sơ đã đủ người chấm (chọn “Phân công lại từ đầu” để chia lại)."
        )
