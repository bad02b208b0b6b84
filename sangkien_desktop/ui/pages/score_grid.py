"""The score entry grid: a table model over a round's ``ScoreMatrix`` and a view made for typing paper
sheets — type a number, Enter moves on; a value outside 0..max is refused on the spot and the cell stays
open with the typed text selected.

Modes:
- ``SHEET``: one member's sheet — rows are the dossiers assigned to the member, columns the criteria (then
  the total). Enter moves right, then to the next row.
- ``MATRIX``: dossiers × members for one criterion. Enter moves down, then to the next member.
- ``TOTALS``: dossiers × members totals, read only, with the spread of each dossier.

In both grid modes the spread column comes right after the title and the member columns are headed
"1. Nhung" (number and given name; the full name is the header's tooltip), so a seven-member council fits a
1280-pixel screen with the spread always in sight.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ...domain.scoring import format_points, read_points
from ...services.scoring import CriterionRow, DossierRef, MemberRef, ScoreMatrix
from .. import colours

Index = QModelIndex | QPersistentModelIndex

MISSING_BACKGROUND = QColor(colours.BACKGROUND_WARNING)  # assigned but not typed yet
ERROR_BACKGROUND = QColor(colours.BACKGROUND_ERROR)  # double entry mismatch
FLAG_BACKGROUND = QColor(colours.BACKGROUND_FLAG)  # spread above the limit
NOT_ASSIGNED_BACKGROUND = QColor(colours.BACKGROUND_MUTED)
FIXED_COLUMNS = 2  # Mã hồ sơ, Tên sáng kiến
HEADER_LINE_CHARS = 18  # criterion names are wrapped in the header so score columns stay narrow


class Mode(Enum):
    SHEET = "sheet"
    MATRIX = "matrix"
    TOTALS = "totals"


@dataclass(frozen=True)
class CellKey:
    dossier_id: int
    member_id: int
    criterion_id: int


# writer(dossier_id, member_id, criterion_id, value or None, check) → None when saved, else why it was refused
Writer = Callable[[int, int, int, Decimal | None, bool], str | None]


class ScoreGridModel(QAbstractTableModel):
    refused = Signal(QModelIndex, str)
    written = Signal(object, object, object)  # CellKey, old value, new value

    def __init__(self, writer: Writer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._writer = writer
        self.matrix: ScoreMatrix | None = None
        self.mode = Mode.SHEET
        self.member: MemberRef | None = None
        self.criterion: CriterionRow | None = None
        self.check = False
        self.rows: list[DossierRef] = []
        # sheet: CriterionRow…, "total"; matrix and totals: "spread", MemberRef…
        self.columns: list[Any] = []
        self._pending: dict[tuple[int, int], str] = {}
        self.last_refusal: str | None = None

    # loading ----------------------------------------------------------------------------------------
    def load(
        self,
        matrix: ScoreMatrix,
        mode: Mode,
        member_id: int | None = None,
        criterion_id: int | None = None,
        check: bool = False,
    ) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self.mode = mode
        self.check = check and matrix.double_entry
        self.member = next((m for m in matrix.members if m.id == member_id), None)
        self.criterion = next((c for c in matrix.criteria if c.id == criterion_id), None)
        if mode is Mode.SHEET:
            self.rows = matrix.dossiers_of(self.member.id) if self.member else []
            self.columns = [*matrix.criteria, "total"]
        else:
            self.rows = list(matrix.dossiers)
            self.columns = ["spread", *matrix.members]
        self._pending.clear()
        self.endResetModel()

    # geometry ---------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self.columns)

    def summary_column(self) -> int:
        """The column of the row's total (sheet) or spread (grids), or -1 when nothing is loaded."""
        for i, column in enumerate(self.columns):
            if column in ("total", "spread"):
                return FIXED_COLUMNS + i
        return -1

    def cell_key(self, index: Index) -> CellKey | None:
        """The score a cell edits (None for fixed, total and not-assigned cells)."""
        if not index.isValid() or self.matrix is None or index.column() < FIXED_COLUMNS:
            return None
        column = self.columns[index.column() - FIXED_COLUMNS]
        dossier = self.rows[index.row()]
        if self.mode is Mode.SHEET and isinstance(column, CriterionRow) and self.member is not None:
            return CellKey(dossier.id, self.member.id, column.id)
        if (
            self.mode is Mode.MATRIX
            and isinstance(column, MemberRef)
            and self.criterion is not None
            and (dossier.id, column.id) in self.matrix.assigned
        ):
            return CellKey(dossier.id, column.id, self.criterion.id)
        return None

    def criterion_of(self, key: CellKey) -> CriterionRow:
        assert self.matrix is not None
        return next(c for c in self.matrix.criteria if c.id == key.criterion_id)

    def value(self, key: CellKey, check: bool | None = None) -> Decimal | None:
        assert self.matrix is not None
        store = self.matrix.checks if (self.check if check is None else check) else self.matrix.values
        return store.get((key.dossier_id, key.member_id, key.criterion_id))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.cell_key(index) is not None:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    # display ----------------------------------------------------------------------------------------
    def _mismatch(self, key: CellKey) -> bool:
        assert self.matrix is not None
        if not self.matrix.double_entry:
            return False
        first = self.value(key, False)
        second = self.value(key, True)
        return first is not None and second is not None and first != second

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.matrix is None:
            return None
        dossier = self.rows[index.row()]
        col = index.column()
        if col == 0:
            return dossier.code if role == Qt.ItemDataRole.DisplayRole else None
        if col == 1:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return dossier.title
            return None
        column = self.columns[col - FIXED_COLUMNS]
        key = self.cell_key(index)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if key is not None:
            value = self.value(key)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return "" if value is None else format_points(value, None)
            if role == Qt.ItemDataRole.BackgroundRole:
                if self._mismatch(key):
                    return ERROR_BACKGROUND
                if value is None:
                    return MISSING_BACKGROUND
                return None
            if role == Qt.ItemDataRole.ToolTipRole:
                crit = self.criterion_of(key)
                tip = f"{crit.name}: từ 0 đến {format_points(crit.max_points, None)} điểm"
                if self.matrix.double_entry:
                    first = self.value(key, False)
                    second = self.value(key, True)
                    tip += (
                        f"\nLần 1: {'' if first is None else format_points(first, None)}"
                        f" — lần 2: {'chưa nhập' if second is None else format_points(second, None)}"
                    )
                return tip
            return None
        # read-only cells: totals, spread, not assigned, totals mode
        if self.mode is Mode.SHEET and column == "total":
            assert self.member is not None
            total = self.matrix.total(dossier.id, self.member.id)
            if role == Qt.ItemDataRole.DisplayRole:
                return "" if total is None else format_points(total, None)
            if role == Qt.ItemDataRole.FontRole:
                return None
            return None
        if column == "spread":
            spread = self.matrix.spread(dossier.id)
            flagged = self.matrix.spread_flagged(dossier.id)
            if role == Qt.ItemDataRole.DisplayRole:
                return format_points(spread, None) + (" ⚠" if flagged else "")
            if role == Qt.ItemDataRole.BackgroundRole and flagged:
                return FLAG_BACKGROUND
            if role == Qt.ItemDataRole.ToolTipRole and flagged:
                return (
                    f"Tổng điểm các thành viên lệch nhau {format_points(spread, None)} điểm "
                    f"(quá {format_points(self.matrix.spread_limit, None)}): nên xem lại phiếu"
                )
            return None
        if isinstance(column, MemberRef):
            assigned = (dossier.id, column.id) in self.matrix.assigned
            if not assigned:
                if role == Qt.ItemDataRole.BackgroundRole:
                    return NOT_ASSIGNED_BACKGROUND
                if role == Qt.ItemDataRole.ToolTipRole:
                    return f"{column.name} không được phân công chấm hồ sơ này"
                return None
            total = self.matrix.total(dossier.id, column.id)
            if role == Qt.ItemDataRole.DisplayRole:
                return "" if total is None else format_points(total, None)
            if role == Qt.ItemDataRole.BackgroundRole:
                if total is None:
                    return MISSING_BACKGROUND
                if self.matrix.mismatched(dossier.id, column.id):
                    return ERROR_BACKGROUND
            return None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        if section == 0:
            return "Mã hồ sơ" if role == Qt.ItemDataRole.DisplayRole else None
        if section == 1:
            return "Tên sáng kiến" if role == Qt.ItemDataRole.DisplayRole else None
        column = self.columns[section - FIXED_COLUMNS]
        if isinstance(column, CriterionRow):
            if role == Qt.ItemDataRole.DisplayRole:
                name = "\n".join(textwrap.wrap(column.name, HEADER_LINE_CHARS)) or column.name
                return f"{name}\n(tối đa {format_points(column.max_points, None)})"
            if role == Qt.ItemDataRole.ToolTipRole:
                tip = f"{column.name} (tối đa {format_points(column.max_points, None)} điểm)"
                return f"{tip}\n{column.description}" if column.description else tip
        elif isinstance(column, MemberRef):
            if role == Qt.ItemDataRole.DisplayRole:
                return short_member_label(column)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{column.number}. {column.name} ({column.role_label})"
        elif column == "total":
            return "Tổng" if role == Qt.ItemDataRole.DisplayRole else None
        elif column == "spread":
            if role == Qt.ItemDataRole.DisplayRole:
                return "Lệch tổng"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Chênh lệch giữa tổng điểm cao nhất và thấp nhất của các thành viên"
        return None

    # editing ----------------------------------------------------------------------------------------
    def clear_pending(self) -> None:
        self._pending.clear()

    def pending_text(self, index: Index) -> str | None:
        return self._pending.pop((index.row(), index.column()), None)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key = self.cell_key(index)
        if key is None or role != Qt.ItemDataRole.EditRole:
            return False
        crit = self.criterion_of(key)
        text = "" if value is None else str(value)
        try:
            new = read_points(text, crit.max_points, crit.name)
        except ValueError as exc:
            return self._refuse(index, text, str(exc))
        old = self.value(key)
        if new == old or (new is None and old is None):
            self.last_refusal = None
            return True
        refusal = self._writer(key.dossier_id, key.member_id, key.criterion_id, new, self.check)
        if refusal is not None:
            return self._refuse(index, text, refusal)
        self.apply_value(key, new, self.check)
        self.last_refusal = None
        self.written.emit(key, old, new)
        return True

    def _refuse(self, index: Index, text: str, message: str) -> bool:
        self._pending[(index.row(), index.column())] = text
        self.last_refusal = message
        self.refused.emit(QModelIndex(index), message)
        return False

    def apply_value(self, key: CellKey, value: Decimal | None, check: bool) -> None:
        """Put a stored value into the in-memory matrix and repaint its row."""
        assert self.matrix is not None
        store = self.matrix.checks if check else self.matrix.values
        k = (key.dossier_id, key.member_id, key.criterion_id)
        if value is None:
            store.pop(k, None)
            if not check:
                self.matrix.checks.pop(k, None)
        else:
            store[k] = value
        # repaint the cell and the row's total/spread cell only (not the whole row: typing stays fast)
        summary = self.summary_column()
        for row, d in enumerate(self.rows):
            if d.id != key.dossier_id:
                continue
            for col in range(FIXED_COLUMNS, self.columnCount()):
                if col != summary and self.cell_key(self.index(row, col)) == key:
                    self.dataChanged.emit(self.index(row, col), self.index(row, col))
            if summary >= 0:
                self.dataChanged.emit(self.index(row, summary), self.index(row, summary))

    def row_missing(self, row: int) -> bool:
        """True when the row still has an empty editable cell (for the "only missing" filter)."""
        for col in range(FIXED_COLUMNS, self.columnCount()):
            key = self.cell_key(self.index(row, col))
            if key is not None and self.value(key) is None:
                return True
        return False


def short_member_label(member: MemberRef) -> str:
    """A compact column title for a member: "3. Việt" (number and given name)."""
    words = member.name.split()
    return f"{member.number}. {words[-1]}" if words else str(member.number)


class ScoreDelegate(QStyledItemDelegate):
    """A right-aligned line editor that turns red while the typed value is not a valid score."""

    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("score_editor")
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        key = self._model.cell_key(index)
        if key is not None:
            maximum = self._model.criterion_of(key).max_points
            crit_name = self._model.criterion_of(key).name

            def validate(text: str) -> None:
                try:
                    read_points(text, maximum, crit_name)
                except ValueError as exc:
                    editor.setStyleSheet(
                        f"background: {colours.BACKGROUND_ERROR}; color: {colours.TEXT_ERROR_DARK};"
                    )
                    editor.setToolTip(str(exc))
                else:
                    editor.setStyleSheet("")
                    editor.setToolTip("")

            editor.textChanged.connect(validate)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        pending = self._model.pending_text(index)
        if pending is not None:
            editor.setText(pending)
            editor.selectAll()
            return
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class ScoreGridView(QTableView):
    """Enter commits and moves on (right in a sheet, down in the matrix); a refused value keeps the cell
    open. Delete clears a score."""

    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = model
        self.setModel(model)
        self.setItemDelegate(ScoreDelegate(model, self))
        self.setObjectName("score_grid")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setHighlightSections(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        header.setDefaultSectionSize(110)
        header.setStretchLastSection(False)

    # navigation -------------------------------------------------------------------------------------
    def _order(self) -> list[tuple[int, int]]:
        rows = [r for r in range(self.grid.rowCount()) if not self.isRowHidden(r)]
        cols = list(range(FIXED_COLUMNS, self.grid.columnCount()))
        if self.grid.mode is Mode.MATRIX:
            return [(r, c) for c in cols for r in rows]
        return [(r, c) for r in rows for c in cols]

    def editable_cells(self) -> list[QModelIndex]:
        out = []
        for r, c in self._order():
            index = self.grid.index(r, c)
            if self.grid.cell_key(index) is not None:
                out.append(index)
        return out

    def first_editable(self) -> QModelIndex:
        cells = self.editable_cells()
        return cells[0] if cells else QModelIndex()

    def next_editable(self, index: QModelIndex) -> QModelIndex:
        order = self._order()
        try:
            start = order.index((index.row(), index.column())) + 1
        except ValueError:
            start = 0
        for r, c in order[start:]:
            candidate = self.grid.index(r, c)
            if self.grid.cell_key(candidate) is not None:
                return candidate
        return QModelIndex()

    def go_to(self, index: QModelIndex) -> None:
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        index = self.currentIndex()
        moving = hint in (
            QAbstractItemDelegate.EndEditHint.SubmitModelCache,
            QAbstractItemDelegate.EndEditHint.EditNextItem,
        )
        refused = self.grid.last_refusal is not None
        self.grid.last_refusal = None
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if refused and moving:
            self.edit(index)  # keep the cell open with the refused text selected
            return
        self.grid.clear_pending()
        if moving:
            following = self.next_editable(index)
            if following.isValid():
                self.go_to(following)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                following = self.next_editable(self.currentIndex())
                self.go_to(following)
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.grid.cell_key(self.currentIndex()):
                self.grid.setData(self.currentIndex(), "", Qt.ItemDataRole.EditRole)
                return
        super().keyPressEvent(event)
