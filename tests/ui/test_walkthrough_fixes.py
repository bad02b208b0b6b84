"""Smaller things found in the walkthroughs (issue 18)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from sangkien_desktop.ui.dialogs.first_run_wizard import first_round_deadline
from sangkien_desktop.ui.widgets.folding_completer import FoldingCompleter
from tests.helpers.qt import type_text


def test_first_round_deadline_is_never_in_the_past() -> None:
    assert first_round_deadline(dt.date(2026, 1, 15)) == dt.date(2026, 4, 10)
    assert first_round_deadline(dt.date(2026, 4, 10)) == dt.date(2026, 10, 10)
    assert first_round_deadline(dt.date(2026, 12, 6)) == dt.date(2027, 4, 10)
    for day in range(0, 366, 7):
        today = dt.date(2026, 1, 1) + dt.timedelta(days=day)
        assert first_round_deadline(today) > today


def test_completer_ignores_accents(qtbot: QtBot) -> None:
    combo = QComboBox()
    combo.setEditable(True)
    names = ["Trường THCS Nguyễn Du", "Trường Tiểu học Đồng Tâm", "Phòng Văn hóa"]
    combo.addItems(names)
    completer = FoldingCompleter(names, combo)
    combo.setCompleter(completer)
    qtbot.addWidget(combo)
    combo.show()
    combo.setFocus()
    line = combo.lineEdit()
    assert isinstance(line, QLineEdit)
    line.clear()
    type_text(line, "nguyen du")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "Trường THCS Nguyễn Du"
    completer.setCompletionPrefix("DONG")
    assert completer.currentCompletion() == "Trường Tiểu học Đồng Tâm"
    completer.setCompletionPrefix("văn hoá")  # the other tone placement
    assert completer.currentCompletion() == "Phòng Văn hóa"
    QApplication.processEvents()
    assert Qt.MatchFlag.MatchContains == completer.filterMode()
