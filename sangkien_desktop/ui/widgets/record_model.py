"""A generic table model over a list of records (dataclasses or any objects), with lazy row exposure,
a sort role, and a filter proxy that matches accent-insensitively.

Usage::

    columns = [
        Column("Số", lambda d: d.receipt_no, align=RIGHT),
        Column("Tên sáng kiến", lambda d: d.title, width=420),
    ]
    model = RecordTableModel(columns)
    model.set_records(rows)
    view = make_table_view(model, filterable=True)   # view.proxy.set_text("doi moi")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ...domain.text import fold
from .. import colours
from ..workers import user_typed

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
WARN_BACKGROUND = QColor(colours.BACKGROUND_WARNING)
ERROR_BACKGROUND = QColor(colours.BACKGROUND_ERROR)
OK_BACKGROUND = QColor(colours.BACKGROUND_OK)


def display_text(value: Any) -> str:
    """How values show in a cell: dates dd/mm/yyyy, Decimals with a comma, booleans as ✓."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".") if abs(value) >= 10_000 else str(value)
    return str(value)


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    value: Callable[[T], Any]
    align: Qt.AlignmentFlag | None = None
    width: int | None = None
    tooltip: Callable[[T], str | None] | None = None
    sort_key: Callable[[T], Any] | None = None
    background: Callable[[T], QColor | None] | None = None
    header_tooltip: str = ""


PREPARE_DELAY_MS = 300  # a list's filter text is prepared this long after it is shown


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Read-only rows; rows are exposed to the view in batches (``fetchMore``) so huge lists open at once.

    Filtering and sorting expose every row first (the filter proxy does it), so they always cover the
    whole list. The folded text of a row, which the filter matches, is computed once and kept until the
    row changes (``dataChanged``)."""

    def __init__(
        self, columns: Sequence[Column[T]], parent: QWidget | None = None, batch: int = 1000
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._records: list[T] = []
        self._haystacks: list[str | None] = []
        self._shown = 0
        self._batch = batch
        self._next_haystack = 0
        self._prepare = QTimer(self)  # fills the haystacks while the GUI is idle, before anyone filters
        self._prepare.setInterval(0)
        self._prepare.timeout.connect(self._prepare_some)
        self.dataChanged.connect(self._forget_haystacks)

    # data -------------------------------------------------------------------------------------------
    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._haystacks = [None] * len(self._records)
        self._shown = min(len(self._records), self._batch)
        self.endResetModel()
        self._next_haystack = 0
        if len(self._records) > 200:
            # the first chunk once the secretary pauses (not in the middle of typing), then while idle
            self._prepare.start(PREPARE_DELAY_MS)

    def _prepare_some(self) -> None:
        self._prepare.setInterval(0)
        end = min(len(self._records), self._next_haystack + 200)
        for row in range(self._next_haystack, end):
            if self._haystacks[row] is None:
                self.haystack(row)
        self._next_haystack = end
        if end >= len(self._records):
            self._prepare.stop()

    def haystack(self, row: int) -> str:
        """The folded text of every column of a row (what the filter looks in)."""
        text = self._haystacks[row]
        if text is None:
            record = self._records[row]
            text = fold(" ".join(display_text(c.value(record)) for c in self.columns))
            self._haystacks[row] = text
        return text

    def _forget_haystacks(self, top_left: QModelIndex, bottom_right: QModelIndex, _roles: Any = None) -> None:
        first = max(0, top_left.row())
        for row in range(first, min(len(self._haystacks), bottom_right.row() + 1)):
            self._haystacks[row] = None
        if first < self._next_haystack:
            self._next_haystack = first
            self._prepare.start()

    def records(self) -> list[T]:
        return list(self._records)

    def record(self, row: int) -> T:
        return self._records[row]

    def replace_record(self, row: int, record: T) -> None:
        self._records[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def update_records(self, records: Sequence[T]) -> None:
        """Replace every record by a new version of it (same rows, same order): views keep their
        selection and scroll position; one ``dataChanged`` for the whole table."""
        if len(records) != len(self._records):
            raise ValueError("update_records needs as many records as the model has")
        if not records:
            return
        self._records = list(records)
        self.dataChanged.emit(self.index(0, 0), self.index(len(records) - 1, len(self.columns) - 1))

    def show_all(self) -> None:
        """Expose every row (before sorting or exporting what the view shows)."""
        if self._shown < len(self._records):
            self.beginInsertRows(QModelIndex(), self._shown, len(self._records) - 1)
            self._shown = len(self._records)
            self.endInsertRows()

    # Qt interface -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._records)

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        end = min(len(self._records), self._shown + self._batch)
        if end > self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, end - 1)
            self._shown = end
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._records[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column.value(record))
        if role == SORT_ROLE:
            if column.sort_key is not None:
                return column.sort_key(record)
            value = column.value(record)
            if isinstance(value, Decimal):
                return float(value)
            if isinstance(value, dt.date):
                return value.toordinal()
            return value if isinstance(value, int | float) else fold(display_text(value))
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align is not None:
                return int(column.align)
            value = column.value(record)
            return int(
                RIGHT if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else LEFT
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip is not None:
                return column.tooltip(record)
            text = display_text(column.value(record))
            return text if len(text) > 40 else None
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            return column.background(record)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.columns[section].header_tooltip or None
        elif role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None


class RecordFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; filters rows whose folded text contains every folded word typed
    ("doi moi" matches "Đổi mới"), plus an optional predicate on the record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []
        self._predicate: Callable[[Any], bool] | None = None
        self._accepted: list[bool] | None = None  # every source row's answer, computed in one pass

    def setSourceModel(self, model: Any) -> None:
        old = self.sourceModel()
        if old is not None:
            for signal in (old.modelReset, old.rowsInserted, old.rowsRemoved, old.dataChanged):
                signal.disconnect(self._forget)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self._forget)
        super().setSourceModel(model)

    def _forget(self, *_args: Any) -> None:
        self._accepted = None

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt ≥ 6.10 deprecates invalidateFilter() for begin/endFilterChange().
        self._accepted = None
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def _show_all(self) -> None:
        model = self.sourceModel()
        if isinstance(model, RecordTableModel):
            model.show_all()

    def set_text(self, text: str) -> None:
        user_typed()
        words = fold(text).split()
        if words == self._words:
            return
        if words:
            self._show_all()

        def change() -> None:
            self._words = words

        self._refilter(change)

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        if predicate is None and self._predicate is None:
            return
        if predicate is not None:
            self._show_all()

        def change() -> None:
            self._predicate = predicate

        self._refilter(change)

    @property
    def filtering(self) -> bool:
        return bool(self._words) or self._predicate is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0:
            self._show_all()  # sorting only the rows exposed so far would be wrong
        super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        # Qt asks row by row: answer from the list computed in one pass (this is called 50,000 times)
        accepted = self._accepted
        if accepted is not None and source_row < len(accepted):
            return accepted[source_row]
        if not self._words and self._predicate is None:
            return True
        model = self.sourceModel()
        if not isinstance(model, RecordTableModel):
            return True
        accepted = self._accepted = self._answers(model)
        return accepted[source_row] if source_row < len(accepted) else True

    def _answers(self, model: RecordTableModel[Any]) -> list[bool]:
        """Whether each row the model exposes passes the filter (one Python pass, not one per Qt call)."""
        rows = range(model.rowCount())
        keep = [True] * len(rows)
        if self._predicate is not None:
            predicate = self._predicate
            keep = [bool(predicate(model.record(r))) for r in rows]
        if self._words:
            words = self._words
            keep = [k and all(w in model.haystack(r) for w in words) for r, k in zip(rows, keep, strict=True)]
        return keep

    def record(self, proxy_row: int) -> Any:
        return self.data(self.index(proxy_row, 0), RECORD_ROLE)


class RecordTableView(QTableView):
    """A table with the app's defaults: whole-row selection, sorting, alternate colours, Enter = activate."""

    def __init__(
        self, model: RecordTableModel[Any], parent: QWidget | None = None, filterable: bool = True
    ) -> None:
        super().__init__(parent)
        self.source = model
        self.proxy: RecordFilterProxy | None = None
        if filterable:
            self.proxy = RecordFilterProxy(self)
            self.proxy.setSourceModel(model)
            self.setModel(self.proxy)
        else:
            self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(filterable)
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(model.columns):
            if column.width:
                self.setColumnWidth(i, column.width)

    def current_record(self) -> Any:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.model().data(index.siblingAtColumn(0), RECORD_ROLE)

    def selected_records(self) -> list[Any]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.model().data(self.model().index(r, 0), RECORD_ROLE) for r in rows]
