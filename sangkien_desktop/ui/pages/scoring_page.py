"""The Chấm điểm page: typing the members' paper score sheets in, and the round's rubric.

Entry is made for the keyboard: pick a member (Ctrl+PgDown / Ctrl+PgUp), type a number, Enter moves on. A
value outside the criterion's 0..max is refused on the spot. Every score is saved at once (one transaction,
audited) and can be undone with Ctrl+Z.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import RoundStatus
from ...domain.errors import ValidationError
from ...domain.scoring import format_points, parse_points
from ...services import council_changes
from ...services import scoring as scoring_service
from ...services.rounds import RoundInfo
from ...services.scoring import CriterionInput, ScoreMatrix
from .. import colours, messages
from ..context import AppContext
from ..operations import Op, read
from ..screen_fit import fit as fit_to_screen
from .base import Page
from .council_page import vn_buttons
from .score_grid import FIXED_COLUMNS, CellKey, Mode, ScoreGridModel, ScoreGridView

HINT = (
    "Gõ điểm rồi Enter để sang ô tiếp theo · Delete: xóa điểm · Ctrl+PgDown / Ctrl+PgUp: thành viên "
    "(hoặc tiêu chí) tiếp theo / trước · Ctrl+Z: hoàn tác"
)
TOTALS_NOTE = (
    "Bảng chỉ xem (muốn sửa điểm, chọn cách nhập khác) · ô vàng: phiếu còn thiếu điểm · ô xám: không được "
    "phân công · ⚠: điểm lệch quá mức"
)


class ScoringPage(Page):
    key = "scoring"
    title = "Chấm điểm"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.matrix: ScoreMatrix | None = None
        self._loading = False  # the selectors are being filled: their signals do not reload the grid
        self.loading = False  # the matrix is being read on a worker thread
        self._load_serial = 0
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        self.banner = QLabel()
        self.banner.setObjectName("scoring_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"color: {colours.TEXT_ERROR_DARK};")
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # entry tab ------------------------------------------------------------------------------------
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Cách nhập:"))
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("mode_combo")
        self.mode_combo.addItem("Phiếu của từng thành viên", Mode.SHEET)
        self.mode_combo.addItem("Bảng hồ sơ × thành viên (từng tiêu chí)", Mode.MATRIX)
        self.mode_combo.addItem("Tổng điểm hồ sơ × thành viên (chỉ xem)", Mode.TOTALS)
        controls.addWidget(self.mode_combo)
        self.member_label = QLabel("&Thành viên:")
        controls.addWidget(self.member_label)
        self.member_combo = QComboBox()
        self.member_combo.setObjectName("member_combo")
        self.member_combo.setMinimumWidth(240)
        self.member_label.setBuddy(self.member_combo)
        controls.addWidget(self.member_combo)
        self.criterion_label = QLabel("Tiêu &chí:")
        controls.addWidget(self.criterion_label)
        self.criterion_combo = QComboBox()
        self.criterion_combo.setObjectName("criterion_combo")
        self.criterion_combo.setMinimumWidth(240)
        self.criterion_label.setBuddy(self.criterion_combo)
        controls.addWidget(self.criterion_combo)
        self.check_box = QCheckBox("Nhập lần &2 (kiểm tra)")
        self.check_box.setObjectName("check_box")
        self.check_box.setToolTip("Gõ lại phiếu lần thứ hai; ô khác với lần 1 tô đỏ")
        self.missing_only = QCheckBox("Chỉ hiện hồ sơ còn &thiếu điểm")
        self.missing_only.setObjectName("missing_only")
        controls.addStretch(1)
        entry_layout.addLayout(controls)
        # the two switches on a row of their own: with long member and criterion names the first row alone
        # fills a 1366-pixel laptop screen
        switches = QHBoxLayout()
        switches.addWidget(self.check_box)
        switches.addWidget(self.missing_only)
        switches.addStretch(1)
        entry_layout.addLayout(switches)
        self.hint = QLabel(HINT)
        self.hint.setObjectName("typing_hint")
        self.totals_note = QLabel(TOTALS_NOTE)
        self.totals_note.setObjectName("totals_note")
        for note in (self.hint, self.totals_note):
            note.setStyleSheet(f"color: {colours.TEXT_MUTED};")
            note.setWordWrap(True)
            entry_layout.addWidget(note)
        self.totals_note.hide()

        self.model = ScoreGridModel(self._write, self)
        self.grid = ScoreGridView(self.model)
        entry_layout.addWidget(self.grid, 1)
        # fixed-height labels: a new text repaints the label only, not the whole page. Under the grid: the
        # "Đã lưu" message beside the buttons, then the progress line on a row of its own at the bottom, two
        # lines high (it wraps rather than hide its end behind the buttons)
        line = self.fontMetrics().height()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("score_progress")
        self.progress_label.setWordWrap(True)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.progress_label.setFixedHeight(2 * line + 6)
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # the "Đã lưu" / "Không nhận" line has the whole width and two lines: a long refusal wraps, not cut
        self.message = QLabel()
        self.message.setObjectName("score_message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message.setFixedHeight(2 * line + 6)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        entry_layout.addWidget(self.message)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.missing_button = QPushButton("Danh sách &thiếu điểm…")
        self.spread_button = QPushButton("Hồ sơ &lệch điểm…")
        self.mismatch_button = QPushButton("Nhập hai lần &chưa khớp…")
        for b in (self.missing_button, self.spread_button, self.mismatch_button):
            bottom.addWidget(b)
        entry_layout.addLayout(bottom)
        entry_layout.addWidget(self.progress_label)
        self.tabs.addTab(entry, "&Nhập điểm")

        self.rubric = RubricEditor(ctx, self)
        self.tabs.addTab(self.rubric, "&Bộ tiêu chí chấm")

        self.mode_combo.currentIndexChanged.connect(self._reload_view)
        self.member_combo.currentIndexChanged.connect(self._reload_view)
        self.criterion_combo.currentIndexChanged.connect(self._reload_view)
        self.check_box.toggled.connect(self._reload_view)
        self.missing_only.toggled.connect(self._apply_filter)
        self.model.refused.connect(self._refused)
        self.model.written.connect(self._written)
        self.missing_button.clicked.connect(self.show_missing)
        self.spread_button.clicked.connect(self.show_spread)
        self.mismatch_button.clicked.connect(self.show_mismatches)
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.step_selector(step))

    # loading ----------------------------------------------------------------------------------------
    def on_round_changed(self, info: RoundInfo | None) -> None:
        # the rubric first: its small read must not queue behind the grid's read on the worker
        self.rubric.refresh()
        self.refresh()

    def refresh(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None:
            self._load_serial += 1
            self.loading = False
            self.matrix = None
            self.model.beginResetModel()
            self.model.rows = []
            self.model.columns = []
            self.model.endResetModel()
            self.progress_label.setText("Chưa có đợt nào.")
            return
        keep = self.grid.currentIndex()
        keep_pos = (keep.row(), keep.column()) if keep.isValid() else None
        self._load_serial += 1
        serial = self._load_serial
        self.loading = True
        # a few hundred milliseconds on a real round: read on a worker, the window stays responsive
        Op(
            self,
            "tải bảng điểm",
            lambda db: scoring_service.get_matrix(db, round_id),
            ctx=self.ctx,
            on_done=lambda matrix: self._loaded(serial, matrix, keep_pos),
            on_error=lambda error: self._load_failed(serial, error),
        ).in_background(progress_dialog=False).start()

    def _load_failed(self, serial: int, error: BaseException) -> None:
        if serial != self._load_serial:
            return
        self.loading = False
        messages.show_error(self, error)

    def _loaded(self, serial: int, matrix: ScoreMatrix, keep_pos: tuple[int, int] | None) -> None:
        if serial != self._load_serial:  # an older load finishing after a newer one started
            return
        self.loading = False
        self.matrix = matrix
        self._loading = True
        try:
            self._fill_combo(
                self.member_combo, [(f"{m.number}. {m.name}", m.id) for m in self.matrix.members]
            )
            self._fill_combo(
                self.criterion_combo,
                [
                    (f"{c.name} (tối đa {format_points(c.max_points, None)})", c.id)
                    for c in self.matrix.criteria
                ],
            )
            self.check_box.setEnabled(self.matrix.double_entry)
            if not self.matrix.double_entry:
                self.check_box.setChecked(False)
        finally:
            self._loading = False
        self._reload_view(keep=keep_pos)
        locked = self.ctx.round is not None and self.ctx.round.status is RoundStatus.FINALIZED
        self.banner.setVisible(locked or not self.matrix.criteria or not self.matrix.members)
        if locked:
            self.banner.setText("Đợt này đã chốt kết quả: điểm chỉ xem, không sửa được.")
        elif not self.matrix.criteria:
            self.banner.setText("Đợt này chưa có bộ tiêu chí chấm: hãy thêm ở thẻ “Bộ tiêu chí chấm”.")
        elif not self.matrix.members:
            self.banner.setText("Hội đồng của đợt này chưa có thành viên: hãy thêm ở trang Hội đồng.")

    @staticmethod
    def _fill_combo(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index) if items else -1)
        combo.blockSignals(False)

    def _reload_view(self, *_: Any, keep: tuple[int, int] | None = None) -> None:
        if self._loading or self.matrix is None:
            return
        mode: Mode = self.mode_combo.currentData()
        self.member_label.setVisible(mode is Mode.SHEET)
        self.member_combo.setVisible(mode is Mode.SHEET)
        self.criterion_label.setVisible(mode is Mode.MATRIX)
        self.criterion_combo.setVisible(mode is Mode.MATRIX)
        self.hint.setVisible(mode is not Mode.TOTALS)  # nothing to type in the read-only totals
        self.totals_note.setVisible(mode is Mode.TOTALS)
        self.model.load(
            self.matrix,
            mode,
            member_id=self.member_combo.currentData(),
            criterion_id=self.criterion_combo.currentData(),
            check=self.check_box.isChecked(),
        )
        self._fit_columns()
        self._apply_filter()
        target = QModelIndex()
        if keep is not None and keep[0] < self.model.rowCount() and keep[1] < self.model.columnCount():
            target = self.model.index(*keep)
        if not target.isValid() or self.grid.isRowHidden(target.row()):
            target = self.grid.first_editable()
        if target.isValid():
            self.grid.go_to(target)
        self._update_progress()

    def _fit_columns(self) -> None:
        """Narrow score columns sized to their (wrapped) titles; the title column takes the rest."""
        header = self.grid.horizontalHeader()
        head = header.fontMetrics()
        cells = self.grid.fontMetrics()
        pad = 18

        def title_width(col: int) -> int:
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal) or "")
            return max((head.horizontalAdvance(line) for line in title.splitlines()), default=0) + pad

        codes = [cells.horizontalAdvance(d.code) + pad for d in self.model.rows[:500]]
        self.grid.setColumnWidth(0, max([title_width(0), *codes]))
        for col in range(FIXED_COLUMNS, self.model.columnCount()):
            self.grid.setColumnWidth(col, max(56, min(200, title_width(col))))
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _apply_filter(self, *_: Any) -> None:
        only = self.missing_only.isChecked()
        for row in range(self.model.rowCount()):
            self.grid.setRowHidden(row, only and not self.model.row_missing(row))

    def _update_progress(self) -> None:
        if self.matrix is None:
            return
        p = scoring_service.progress(self.matrix)
        text = f"Đã nhập {p.entered}/{p.cells} ô điểm ({p.percent}%), {p.complete}/{p.sheets} phiếu đủ điểm"
        missing = p.sheets - p.complete
        if missing:
            text += f" · còn {missing} phiếu thiếu"
        if p.spread_flags:
            text += f" · {p.spread_flags} hồ sơ lệch điểm quá {format_points(self.matrix.spread_limit, None)}"
        if self.matrix.double_entry:
            text += f" · {p.mismatches} ô nhập hai lần chưa khớp"
        if self.model.mode is Mode.SHEET and self.model.member is not None:
            mine = self.matrix.dossiers_of(self.model.member.id)
            done = sum(1 for d in mine if self.matrix.total(d.id, self.model.member.id) is not None)
            text = f"Phiếu {self.model.member.name}: {done}/{len(mine)} hồ sơ đủ điểm — " + text
        self.progress_label.setText(text)
        self.progress_label.setToolTip(text)

    def step_selector(self, step: int) -> None:
        combo = self.member_combo if self.model.mode is Mode.SHEET else self.criterion_combo
        if combo.count() == 0:
            return
        combo.setCurrentIndex((combo.currentIndex() + step) % combo.count())
        self.grid.setFocus()

    # writing ----------------------------------------------------------------------------------------
    def _write(
        self, dossier_id: int, member_id: int, criterion_id: int, value: Decimal | None, check: bool
    ) -> str | None:
        """Save one cell (one transaction, one undo entry); returns why it was refused, or None."""
        round_id = self.ctx.round_id
        if round_id is None or self.matrix is None:
            return "Chưa chọn đợt."
        code = next(d.code for d in self.matrix.dossiers if d.id == dossier_id)
        member = next(m.name for m in self.matrix.members if m.id == member_id)
        crit = next(c.name for c in self.matrix.criteria if c.id == criterion_id)
        refusal: list[str] = []
        Op(
            self,
            f"nhập điểm {code} – {member} – {crit}",
            lambda db: scoring_service.change_score(
                db, round_id, member_id, dossier_id, criterion_id, value, check=check
            ),
            ctx=self.ctx,
            undo=council_changes.undo,  # no area: typing on does not reload the grid; Ctrl+Z/Ctrl+Y do
            on_error=lambda error: refusal.append(str(error)),
        ).start()
        return refusal[0] if refusal else None

    def _written(self, key: CellKey, old: Decimal | None, new: Decimal | None) -> None:
        self.message.setStyleSheet(f"color: {colours.TEXT_OK_DARK};")
        assert self.matrix is not None
        code = next(d.code for d in self.matrix.dossiers if d.id == key.dossier_id)
        member = next(m.name for m in self.matrix.members if m.id == key.member_id)
        crit = self.model.criterion_of(key).name
        shown = "(trống)" if new is None else format_points(new, None)
        self.message.setText(f"Đã lưu: {code}, {member}, {crit}: {shown}")
        self.message.setToolTip(self.message.text())
        self._update_progress()

    def _refused(self, index: QModelIndex, message: str) -> None:
        self.message.setStyleSheet(f"color: {colours.TEXT_ERROR_DARK}; font-weight: bold;")
        code = self.model.rows[index.row()].code if index.isValid() else ""
        self.message.setText(f"Không nhận: {code} — {message}")
        self.message.setToolTip(self.message.text())

    # lists ------------------------------------------------------------------------------------------
    def _list_dialog(self, title: str, items: list[tuple[str, Any]], empty: str) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(title)
        fit_to_screen(dialog, 720, 420)
        lay = QVBoxLayout(dialog)
        lst = QListWidget()
        lst.setObjectName("issue_list")
        for text, data in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, data)
            lst.addItem(item)
        if not items:
            lst.addItem(empty)
        lay.addWidget(QLabel("Nhấn đúp (hoặc Enter) để tới phiếu đó."))
        lay.addWidget(lst)
        buttons = vn_buttons(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        lay.addWidget(buttons)

        def jump(item: QListWidgetItem) -> None:
            data = item.data(Qt.ItemDataRole.UserRole)
            if data:
                dialog.accept()
                self.go_to_sheet(*data)

        lst.itemActivated.connect(jump)
        dialog.exec()

    def go_to_sheet(self, member_id: int, dossier_id: int) -> None:
        """Show the member's sheet with the cursor on the dossier's first empty cell."""
        self.missing_only.setChecked(False)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(Mode.SHEET))
        self.member_combo.setCurrentIndex(self.member_combo.findData(member_id))
        for row, d in enumerate(self.model.rows):
            if d.id == dossier_id:
                cells = [
                    self.model.index(row, c)
                    for c in range(FIXED_COLUMNS, self.model.columnCount())
                    if self.model.cell_key(self.model.index(row, c)) is not None
                ]
                empty = [i for i in cells if i.data() in ("", None)]
                target = (empty or cells or [self.model.index(row, 0)])[0]
                self.grid.go_to(target)
        self.grid.setFocus()

    def show_missing(self) -> None:
        if self.matrix is None:
            return
        items = [(i.text, (i.member_id, i.dossier_id)) for i in scoring_service.missing_items(self.matrix)]
        self._list_dialog("Phiếu còn thiếu điểm", items, "Không còn phiếu nào thiếu điểm.")

    def show_spread(self) -> None:
        if self.matrix is None:
            return
        items = [(i.text, None) for i in scoring_service.spread_items(self.matrix)]
        limit = format_points(self.matrix.spread_limit, None)
        self._list_dialog(
            f"Hồ sơ có điểm các thành viên lệch quá {limit} điểm", items, "Không hồ sơ nào lệch điểm quá mức."
        )

    def show_mismatches(self) -> None:
        if self.matrix is None:
            return
        if not self.matrix.double_entry:
            messages.show_info(
                self, "Đợt này không bật nhập điểm hai lần (bật ở trang Hội đồng, phần Cài đặt chấm)."
            )
            return
        items = [(i.text, (i.member_id, i.dossier_id)) for i in scoring_service.mismatch_items(self.matrix)]
        self._list_dialog("Điểm nhập hai lần chưa khớp", items, "Điểm nhập hai lần đã khớp hết.")


class RubricEditor(QWidget):
    """The round's criteria: name, maximum, optional minimum, description. Saved in one step; once scores
    exist only names, minima and descriptions may change."""

    HEADERS = ("Tiêu chí", "Điểm tối đa", "Điểm tối thiểu\n(để được công nhận)", "Mô tả, hướng dẫn chấm")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ids: list[int | None] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Thư ký sửa bộ tiêu chí trước khi Hội đồng chấm. Khi đã có điểm, chỉ sửa được tên, điểm tối thiểu "
            "và mô tả."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("rubric_table")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 300)
        self.table.setColumnWidth(1, 100)
        self.table.setColumnWidth(2, 140)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self._update_total)
        layout.addWidget(self.table, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("rubric_total")
        layout.addWidget(self.total_label)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Thêm tiêu chí")
        self.remove_button = QPushButton("&Xóa tiêu chí")
        self.up_button = QPushButton("Lên")
        self.down_button = QPushButton("Xuống")
        self.revert_button = QPushButton("&Hoàn lại")
        self.save_button = QPushButton("&Lưu bộ tiêu chí")
        self.save_button.setObjectName("save_rubric")
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.revert_button.clicked.connect(self.refresh)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        round_id = self.ctx.round_id
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self._ids = []
        if round_id is not None:
            for c in read(self, self.ctx.db, lambda db: scoring_service.get_rubric(db, round_id), []):
                self._append(c.name, c.max_points, c.min_points, c.description, c.id)
        self.table.blockSignals(False)
        self._update_total()

    def _append(
        self, name: str, maximum: Decimal | None, minimum: Decimal | None, description: str, cid: int | None
    ) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        values = [
            name,
            "" if maximum is None else format_points(maximum, None),
            "" if minimum is None else format_points(minimum, None),
            description,
        ]
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            if c in (1, 2):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, c, item)
        self._ids.append(cid)

    def add_row(self) -> None:
        self._append("", None, None, "", None)
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            self._ids.pop(r)
            self._update_total()

    def move_row(self, step: int) -> None:
        r = self.table.currentRow()
        t = r + step
        if r < 0 or not 0 <= t < self.table.rowCount():
            return
        self.table.blockSignals(True)
        for c in range(self.table.columnCount()):
            a = self.table.takeItem(r, c)
            b = self.table.takeItem(t, c)
            self.table.setItem(r, c, b)
            self.table.setItem(t, c, a)
        self._ids[r], self._ids[t] = self._ids[t], self._ids[r]
        self.table.blockSignals(False)
        self.table.setCurrentCell(t, self.table.currentColumn())

    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item is not None else ""

    def inputs(self) -> list[CriterionInput]:
        """The table as service input; raises ValidationError naming the row of a bad number."""
        rows = []
        issues = []
        for r in range(self.table.rowCount()):
            try:
                maximum = parse_points(self._text(r, 1))
                minimum = parse_points(self._text(r, 2))
            except ValueError as exc:
                issues.append(f"Dòng {r + 1}: {exc}")
                continue
            if maximum is None:
                issues.append(f"Dòng {r + 1}: chưa có điểm tối đa")
                continue
            rows.append(CriterionInput(self._text(r, 0), maximum, minimum, self._text(r, 3), self._ids[r]))
        if issues:
            raise ValidationError("\n".join(issues), "Bộ tiêu chí chưa hợp lệ")
        return rows

    def _update_total(self, *_: Any) -> None:
        total = Decimal(0)
        for r in range(self.table.rowCount()):
            try:
                total += parse_points(self._text(r, 1)) or 0
            except ValueError:
                continue
        text = f"Tổng điểm tối đa: {format_points(total, None)}"
        if total != 100 and self.table.rowCount():
            text += " (khác 100 — kiểm tra lại nếu Hội đồng chấm thang 100)"
        self.total_label.setText(text)

    def save(self) -> bool:
        round_id = self.ctx.round_id
        if round_id is None:
            return False
        rows: list[list[CriterionInput]] = []  # read from the table once: Ctrl+Y saves the same rubric again

        def run(db: Any) -> council_changes.Change:
            if not rows:
                rows.append(self.inputs())  # a bad number raises ValidationError: Op shows it
            return scoring_service.change_rubric(db, round_id, rows[0])

        op = Op(
            self,
            "sửa bộ tiêu chí chấm",
            run,
            ctx=self.ctx,
            area="rubric",
            undo=council_changes.undo,
            on_done=lambda _change: self.refresh(),
        ).start()
        return op.ok
