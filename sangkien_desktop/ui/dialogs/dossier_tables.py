"""The two grids of the intake dialog: authors (with their contribution, totalled as you type) and the
paper checklist. Both are driven by the keyboard: typing starts editing, Enter and Tab move to the next
cell, Enter after the last author's last cell adds a row, Tab after it leaves the grid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...domain import intake_rules as rules
from ...domain.text import fold_key, one_line
from ...domain.vndate import dmy
from ...services.intake import AuthorInput, ChecklistInput, PersonHit
from .. import colours
from .dossier_widgets import SearchEdit

PERSON_ROLE = Qt.ItemDataRole.UserRole + 10
NAME_KEY_ROLE = Qt.ItemDataRole.UserRole + 11
UNIT_ROLE = Qt.ItemDataRole.UserRole + 12

Index = QModelIndex | QPersistentModelIndex


class _GridDelegate(QStyledItemDelegate):
    """Enter and Tab commit the cell and move to the next one; the table decides what "next" is."""

    def __init__(self, table: _KeyboardTable) -> None:
        super().__init__(table)
        self.table = table

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(editor, QWidget)
        ):
            key = event.key()
            if (
                isinstance(editor, SearchEdit)
                and editor.popup_visible()
                and key
                in (
                    Qt.Key.Key_Return,
                    Qt.Key.Key_Enter,
                )
            ):
                return False
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.table.advance(leave=key == Qt.Key.Key_Tab, add_row=key != Qt.Key.Key_Tab)
                return True
            if key == Qt.Key.Key_Backtab:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.table.retreat()
                return True
        return super().eventFilter(editor, event)


class _KeyboardTable(QTableWidget):
    """A grid where Enter/Tab move to the next editable cell (row by row)."""

    grows = False  # Enter after the last cell adds a row

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.verticalHeader().setDefaultSectionSize(26)

    def editable_columns(self) -> list[int]:
        return list(range(self.columnCount()))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self.currentIndex().isValid() and self.rowCount():
            self.setCurrentCell(0, self.editable_columns()[0])

    def advance(self, *, leave: bool = False, add_row: bool = False) -> None:
        row, col = self.currentRow(), self.currentColumn()
        cols = self.editable_columns()
        later = [c for c in cols if c > col]
        if later:
            self.setCurrentCell(row, later[0])
            return
        if row + 1 < self.rowCount():
            self.setCurrentCell(row + 1, cols[0])
            return
        if add_row and self.grows and not self.row_is_blank(row):
            self.add_row()
            self.setCurrentCell(row + 1, cols[0])
            return
        if leave:
            self.focusNextChild()

    def retreat(self) -> None:
        row, col = self.currentRow(), self.currentColumn()
        cols = self.editable_columns()
        earlier = [c for c in cols if c < col]
        if earlier:
            self.setCurrentCell(row, earlier[-1])
        elif row > 0:
            self.setCurrentCell(row - 1, cols[-1])
        else:
            self.focusPreviousChild()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.advance(add_row=True)
            return
        if key == Qt.Key.Key_Tab and not event.modifiers():
            self.advance(leave=True)
            return
        if key == Qt.Key.Key_Backtab:
            self.retreat()
            return
        super().keyPressEvent(event)

    def add_row(self) -> int:
        row = self.rowCount()
        self.insertRow(row)
        return row

    def row_is_blank(self, row: int) -> bool:
        for c in range(self.columnCount()):
            item = self.item(row, c)
            if item is not None and item.text().strip():
                return False
        return True

    def text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return one_line(item.text()) if item is not None else ""


# ------------------------------------------------------------------------------------------------------
# authors
# ------------------------------------------------------------------------------------------------------

NAME, BIRTH, GENDER, WORKPLACE, JOB, QUALIFICATION, SHARE = range(7)
AUTHOR_HEADERS = (
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Nơi công tác",
    "Chức danh",
    "Trình độ chuyên môn",
    "Tỷ lệ (%)",
)
AUTHOR_COLUMNS = {"name": NAME, "birth_date": BIRTH, "gender": GENDER, "contribution": SHARE}
"""Columns of the issues the intake rules name (``Issue.column``)."""


class _AuthorDelegate(_GridDelegate):
    def __init__(self, table: AuthorsTable, search_people: Callable[[str], Sequence[PersonHit]]) -> None:
        super().__init__(table)
        self.authors = table
        self.search_people = search_people

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() != NAME:
            editor = QLineEdit(parent)
            if index.column() == BIRTH:
                editor.setPlaceholderText("ngày/tháng/năm")
            if index.column() == GENDER:
                editor.setPlaceholderText("Nam/Nữ")
                editor.setToolTip("Nam hoặc Nữ: giấy chứng nhận in «Ông»/«Bà» theo giới tính đã ghi")
            return editor
        row = index.row()

        def search(text: str) -> list[tuple[str, PersonHit]]:
            return [(_person_label(p), p) for p in self.search_people(text)]

        editor = SearchEdit(search, parent, min_chars=3, text_of=lambda p: p.full_name)
        editor.picked.connect(lambda hit, row=row: self.authors.fill_person(row, hit))
        return editor


def _person_label(p: PersonHit) -> str:
    parts = [p.full_name]
    if p.birth_date:
        parts.append(f"sinh {dmy(p.birth_date)}")
    if p.job_title:
        parts.append(p.job_title)
    if p.unit_name or p.workplace:
        parts.append(p.unit_name or p.workplace)
    return " — ".join(parts)


class AuthorsTable(_KeyboardTable):
    """Authors of the đơn. ``totalChanged(text, ok)`` reports the contribution total as it is typed."""

    totalChanged = Signal(str, bool)
    grows = True

    def __init__(
        self, search_people: Callable[[str], Sequence[PersonHit]], parent: QWidget | None = None
    ) -> None:
        super().__init__(1, len(AUTHOR_HEADERS), parent)
        self.setObjectName("authors_table")
        self.setHorizontalHeaderLabels(list(AUTHOR_HEADERS))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WORKPLACE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col, width in zip(range(7), (200, 95, 70, 190, 130, 160, 75), strict=True):
            self.setColumnWidth(col, width)
        self.setItemDelegate(_AuthorDelegate(self, search_people))
        self.itemChanged.connect(self._changed)

    def _changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME:
            # a typed-over name no longer points at the person picked before
            key = item.data(NAME_KEY_ROLE)
            if key is not None and key != fold_key(item.text()):
                item.setData(PERSON_ROLE, None)
                item.setData(NAME_KEY_ROLE, None)
        self.update_total()  # a name typed in makes the row an author, not only a share

    def fill_person(self, row: int, hit: PersonHit) -> None:
        """The user picked a known person for this row: take their details."""
        self.blockSignals(True)
        try:
            name = self._item(row, NAME)
            name.setText(hit.full_name)
            name.setData(PERSON_ROLE, hit.id)
            name.setData(NAME_KEY_ROLE, fold_key(hit.full_name))
            name.setData(UNIT_ROLE, hit.unit_id)
            values = {
                BIRTH: dmy(hit.birth_date) if hit.birth_date else "",
                GENDER: hit.gender,
                WORKPLACE: hit.workplace or hit.unit_name,
                JOB: hit.job_title,
                QUALIFICATION: hit.qualification,
            }
            for col, value in values.items():
                if value and not self.text(row, col):
                    self._item(row, col).setText(value)
        finally:
            self.blockSignals(False)
        self.update_total()

    def _item(self, row: int, col: int) -> QTableWidgetItem:
        item = self.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            self.setItem(row, col, item)
        return item

    def set_authors(self, authors: Sequence[AuthorInput]) -> None:
        self.blockSignals(True)
        try:
            self.setRowCount(max(1, len(authors)))
            self.clearContents()
            for row, a in enumerate(authors):
                name = self._item(row, NAME)
                name.setText(a.full_name)
                name.setData(PERSON_ROLE, a.person_id)
                name.setData(NAME_KEY_ROLE, fold_key(a.full_name) if a.person_id else None)
                name.setData(UNIT_ROLE, a.unit_id)
                self._item(row, BIRTH).setText(dmy(a.birth_date) if a.birth_date else "")
                self._item(row, GENDER).setText(a.gender)
                self._item(row, WORKPLACE).setText(a.workplace)
                self._item(row, JOB).setText(a.job_title)
                self._item(row, QUALIFICATION).setText(a.qualification)
                share = a.contribution
                if isinstance(share, Decimal):
                    share = rules.format_percent(share).rstrip("%")
                self._item(row, SHARE).setText("" if share is None else str(share))
        finally:
            self.blockSignals(False)
        self.update_total()

    def has_names(self) -> bool:
        return any(self.text(r, NAME) for r in range(self.rowCount()))

    def remove_current_row(self) -> None:
        row = self.currentRow()
        if row < 0:
            return
        if self.rowCount() == 1:
            self.set_authors([])
        else:
            self.removeRow(row)
        self.update_total()

    def shares(self) -> list[Decimal | None]:
        out: list[Decimal | None] = []
        for row in range(self.rowCount()):
            if self.row_is_blank(row):
                continue
            text = self.text(row, SHARE)
            try:
                out.append(rules.parse_contribution(text) if text else None)
            except ValueError:
                out.append(None)
        return out

    def update_total(self) -> None:
        shares = self.shares()
        if not shares:
            self.totalChanged.emit("Chưa có tác giả.", True)
            return
        if len(shares) == 1 and shares[0] is None:
            self.totalChanged.emit("Một tác giả: tỷ lệ đóng góp 100%.", True)
            return
        total = sum((s for s in shares if s is not None), Decimal(0))
        blanks = sum(1 for s in shares if s is None)
        ok = blanks == 0 and total == rules.CONTRIBUTION_TOTAL
        text = f"Tổng tỷ lệ đóng góp: {rules.format_percent(total)}"
        if blanks:
            text += f" ({blanks} tác giả chưa ghi tỷ lệ)"
        text += " ✓" if ok else " — phải bằng đúng 100%"
        self.totalChanged.emit(text, ok)

    def authors(self) -> list[AuthorInput]:
        """The rows as typed (dates parsed; raises ValueError naming the row for a bad date)."""
        from ...domain.vndate import parse_date

        out = []
        for row in range(self.rowCount()):
            if self.row_is_blank(row):
                continue
            birth_text = self.text(row, BIRTH)
            try:
                birth = parse_date(birth_text) if birth_text else None
            except ValueError as exc:
                raise ValueError(f"Tác giả thứ {row + 1}, ngày sinh: {exc}") from exc
            name_item = self.item(row, NAME)
            person_id = name_item.data(PERSON_ROLE) if name_item is not None else None
            unit_id = name_item.data(UNIT_ROLE) if name_item is not None else None
            share = self.text(row, SHARE)
            out.append(
                AuthorInput(
                    full_name=self.text(row, NAME),
                    birth_date=birth,
                    workplace=self.text(row, WORKPLACE),
                    job_title=self.text(row, JOB),
                    qualification=self.text(row, QUALIFICATION),
                    contribution=share or None,
                    unit_id=unit_id,
                    person_id=person_id,
                    gender=self.text(row, GENDER),
                )
            )
        return out


# ------------------------------------------------------------------------------------------------------
# checklist
# ------------------------------------------------------------------------------------------------------

RECEIVED, ITEM, COPIES, REQUIRED = range(4)
CHECKLIST_HEADERS = ("Đã nhận", "Thành phần hồ sơ", "Số bản", "Số bản yêu cầu")
MISSING_BACKGROUND = QColor(colours.BACKGROUND_WARNING)


class ChecklistTable(_KeyboardTable):
    """The paper items. Space toggles "Đã nhận"; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(CHECKLIST_HEADERS), parent)
        self.setObjectName("checklist_table")
        self.setHorizontalHeaderLabels(list(CHECKLIST_HEADERS))
        header = self.horizontalHeader()
        header.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        for col, width in ((RECEIVED, 70), (COPIES, 70), (REQUIRED, 110)):
            self.setColumnWidth(col, width)
        self.setItemDelegate(_GridDelegate(self))
        self._required: list[bool] = []
        self.itemChanged.connect(self._changed)

    def editable_columns(self) -> list[int]:
        return [RECEIVED, COPIES]

    def set_items(self, items: Sequence[ChecklistInput]) -> None:
        self.blockSignals(True)
        try:
            self.setRowCount(len(items))
            self._required = [c.required for c in items]
            for row, c in enumerate(items):
                check = QTableWidgetItem()
                check.setFlags(
                    Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                )
                check.setCheckState(Qt.CheckState.Checked if c.received else Qt.CheckState.Unchecked)
                self.setItem(row, RECEIVED, check)
                name = QTableWidgetItem(c.name + ("" if c.required else " (không bắt buộc)"))
                name.setData(Qt.ItemDataRole.UserRole, c.name)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.setItem(row, ITEM, name)
                self.setItem(row, COPIES, QTableWidgetItem("" if c.copies is None else str(c.copies)))
                required = QTableWidgetItem("" if c.copies_required is None else str(c.copies_required))
                required.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                required.setData(Qt.ItemDataRole.UserRole, c.copies_required)
                self.setItem(row, REQUIRED, required)
        finally:
            self.blockSignals(False)
        self._paint()
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            row = self.currentRow()
            if row >= 0:
                self.toggle(row)
            return
        super().keyPressEvent(event)

    def toggle(self, row: int) -> None:
        item = self.item(row, RECEIVED)
        if item is None:
            return
        received = item.checkState() != Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Checked if received else Qt.CheckState.Unchecked)

    def _changed(self, item: QTableWidgetItem) -> None:
        if item.column() == RECEIVED:
            row = item.row()
            copies = self.item(row, COPIES)
            required = self.item(row, REQUIRED)
            need = required.data(Qt.ItemDataRole.UserRole) if required is not None else None
            self.blockSignals(True)
            if copies is not None:
                if item.checkState() == Qt.CheckState.Checked and not copies.text().strip() and need:
                    copies.setText(str(need))
                elif item.checkState() != Qt.CheckState.Checked:
                    copies.setText("")
            self.blockSignals(False)
        self._paint()
        self.changed.emit()

    def _paint(self) -> None:
        missing_rows = {i for i, c in enumerate(self.facts()) if rules.missing_items([c])}
        for row in range(self.rowCount()):
            for col in range(self.columnCount()):
                item = self.item(row, col)
                if item is not None:
                    item.setBackground(MISSING_BACKGROUND if row in missing_rows else QColor(0, 0, 0, 0))

    def items(self) -> list[ChecklistInput]:
        out = []
        for row in range(self.rowCount()):
            check = self.item(row, RECEIVED)
            name = self.item(row, ITEM)
            copies_text = self.text(row, COPIES)
            required = self.item(row, REQUIRED)
            try:
                copies = int(copies_text) if copies_text else None
            except ValueError as exc:
                raise ValueError(
                    f"Thành phần hồ sơ thứ {row + 1}: số bản «{copies_text}» không phải số."
                ) from exc
            out.append(
                ChecklistInput(
                    name=str(name.data(Qt.ItemDataRole.UserRole)) if name is not None else "",
                    received=check is not None and check.checkState() == Qt.CheckState.Checked,
                    copies=copies,
                    copies_required=required.data(Qt.ItemDataRole.UserRole) if required is not None else None,
                    required=self._required[row] if row < len(self._required) else True,
                )
            )
        return out

    def facts(self) -> list[rules.ChecklistFacts]:
        out = []
        for c in self._safe_items():
            out.append(rules.ChecklistFacts(c.name, c.required, c.received, c.copies, c.copies_required))
        return out

    def _safe_items(self) -> list[ChecklistInput]:
        try:
            return self.items()
        except ValueError:
            return []

    def missing(self) -> list[str]:
        return rules.missing_items(self.facts())
