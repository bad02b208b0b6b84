"""Editors for council settings (``domain.settings_schema``), shared by the first-run wizard and the Cài đặt
page: one widget per key with its label, example and help, and a signal when any value changes."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ...domain.settings_schema import SPECS, SettingSpec


class SettingFields(QObject):
    """Creates editors for some settings keys and reads/writes their values.

    ``add_rows(form, keys)`` puts "label: editor" rows into a ``QFormLayout`` (in the given order, which is
    also the Tab order); ``values()`` returns {key: text}; ``changed`` fires on every edit.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}

    def editor(self, key: str) -> QWidget:
        if key not in self.editors:
            self.editors[key] = self._make(SPECS[key])
        return self.editors[key]

    def _make(self, spec: SettingSpec) -> QWidget:
        widget: QWidget
        if spec.choices:
            combo = QComboBox()
            for value, label in spec.choices:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(lambda _=0: self.changed.emit())
            widget = combo
        elif spec.multiline:
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)  # Tab moves on, as in every other field
            text.setPlaceholderText(spec.placeholder)
            text.setMinimumHeight(110)
            text.textChanged.connect(self.changed.emit)
            widget = text
        else:
            line = QLineEdit()
            line.setPlaceholderText(spec.placeholder)
            line.textChanged.connect(lambda _="": self.changed.emit())
            widget = line
        widget.setObjectName(f"setting_{spec.key}")
        tip = spec.help or spec.label
        if spec.placeholder and not spec.choices:
            tip += f"\nVí dụ: {spec.placeholder}"
        widget.setToolTip(tip)
        return widget

    def add_rows(self, form: QFormLayout, keys: Iterable[str], *, with_help: bool = False) -> None:
        for key in keys:
            spec = SPECS[key]
            editor = self.editor(key)
            label = QLabel(spec.label + ":")
            label.setBuddy(editor)
            form.addRow(label, editor)
            if with_help and spec.help:
                note = QLabel(spec.help)
                note.setWordWrap(True)
                note.setStyleSheet("color: palette(mid);")
                form.addRow("", note)

    def set_values(self, values: dict[str, str]) -> None:
        for key, widget in self.editors.items():
            value = values.get(key, SPECS[key].default)
            widget.blockSignals(True)
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(value)
            widget.blockSignals(False)
        self.changed.emit()

    def value(self, key: str) -> str:
        widget = self.editors[key]
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def values(self) -> dict[str, str]:
        return {key: self.value(key) for key in self.editors}
