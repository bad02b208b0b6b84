"""Small input widgets of the intake dialog: a date field typed as dd/mm/yyyy, a search field whose
popup lists what a service finds (accents and case ignored), and Enter-moves-on for forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QCompleter, QLineEdit, QWidget

from ...domain.vndate import dmy, parse_date
from .. import colours

_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*$")
_ERROR_STYLE = f"QLineEdit {{ background: {colours.BACKGROUND_ERROR}; }}"


class DateEdit(QLineEdit):
    """An optional date typed as "26/7/2024" (or "26/7": the year is ``default_year``).

    ``date()`` returns the date or None when empty and raises ValueError (Vietnamese message) when the
    text is not a date. The text is tidied to dd/mm/yyyy when the field is left; a bad date turns red.
    """

    def __init__(self, parent: QWidget | None = None, *, default_year: int | None = None) -> None:
        super().__init__(parent)
        self.default_year = default_year
        self.setPlaceholderText("ngày/tháng/năm")
        self.setMaxLength(20)
        self.editingFinished.connect(self._tidy)
        self.textEdited.connect(lambda _t: self.setStyleSheet(""))

    def _expand(self, text: str) -> str:
        m = _DAY_MONTH.match(text)
        if m and self.default_year:
            return f"{m.group(1)}/{m.group(2)}/{self.default_year}"
        return text

    def date(self) -> dt.date | None:
        text = self.text().strip()
        if not text:
            return None
        return parse_date(self._expand(text))

    def set_date(self, value: dt.date | None) -> None:
        self.setText(dmy(value) if value else "")
        self.setStyleSheet("")

    def _tidy(self) -> None:
        try:
            value = self.date()
        except ValueError as exc:
            self.setStyleSheet(_ERROR_STYLE)
            self.setToolTip(str(exc))
            return
        self.setToolTip("")
        if value is not None:
            self.setText(dmy(value))


class SearchEdit(QLineEdit):
    """A line edit whose completer lists what ``search(text)`` returns as (label, payload) pairs.

    The service does the matching (accent-insensitive), so the popup shows its results unfiltered.
    ``picked(payload)`` is emitted when one is chosen (Enter or click); the text becomes its label,
    or ``text_of(payload)`` when given.
    """

    picked = Signal(object)

    def __init__(
        self,
        search: Callable[[str], Sequence[tuple[str, Any]]],
        parent: QWidget | None = None,
        *,
        min_chars: int = 1,
        text_of: Callable[[Any], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._min_chars = min_chars
        self._text_of = text_of
        self._payloads: list[Any] = []
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setMaxVisibleItems(12)
        self.completer_.setWidget(self)
        self.completer_.activated[QModelIndex].connect(self._activated)
        self.textEdited.connect(self.refresh)

    def refresh(self, text: str | None = None) -> None:
        text = self.text() if text is None else text
        if len(text.strip()) < self._min_chars:
            self._payloads = []
            self._model.setStringList([])
            self.completer_.popup().hide()
            return
        results = list(self._search(text))
        self._payloads = [p for _, p in results]
        self._model.setStringList([label for label, _ in results])
        if results:
            self.completer_.complete()
        else:
            self.completer_.popup().hide()

    def popup_visible(self) -> bool:
        return self.completer_.popup().isVisible()

    def choose(self, row: int) -> None:
        """Pick result ``row`` (what Enter on the popup does)."""
        self._pick(row)

    def results(self) -> list[Any]:
        return list(self._payloads)

    def _activated(self, index: QModelIndex) -> None:
        self._pick(index.row())

    def _pick(self, row: int) -> None:
        if not 0 <= row < len(self._payloads):
            return
        payload = self._payloads[row]
        label = self._model.stringList()[row]
        self.completer_.popup().hide()
        self.setText(self._text_of(payload) if self._text_of else label)
        self.picked.emit(payload)


class EnterMovesOn(QObject):
    """Event filter: Enter/Return in a line edit, combo box or spin box moves to the next field, as in
    the paper-form programs offices are used to. Ctrl+Enter is left alone (it saves the dialog)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if isinstance(watched, SearchEdit) and watched.popup_visible():
            return False
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return False
        if isinstance(watched, QLineEdit | QComboBox | QAbstractSpinBox):
            widget = watched
            if isinstance(widget, QWidget):
                widget.focusNextChild()
                return True
        return False


def install_enter_moves_on(root: QWidget, widgets: Sequence[QWidget]) -> EnterMovesOn:
    handler = EnterMovesOn(root)
    for w in widgets:
        w.installEventFilter(handler)
        if isinstance(w, QComboBox) and w.lineEdit() is not None:
            w.lineEdit().installEventFilter(handler)
    return handler
