"""Smaller things found in the walkthroughs (issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QProgressBar
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services import finalize, rounds
from sangkien_desktop.ui.dialogs.first_run_wizard import first_round_deadline
from sangkien_desktop.ui.main_window import MainWindow
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


def test_status_line_after_undo_and_overview_of_a_round_without_assignments(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dossiers")
    page = window.page("dossiers")
    page.message.setText("Đã xóa hồ sơ HS26-041. Bấm Ctrl+Z để hoàn tác.")  # type: ignore[attr-defined]
    done: list[str] = []
    window.ctx.push_undo(
        "Xóa hồ sơ HS26-041", lambda: done.append("undo"), lambda: done.append("redo"), "dossiers"
    )
    window.undo_action.trigger()
    assert done == ["undo"]
    assert window.statusBar().currentMessage() == "Đã hoàn tác: Xóa hồ sơ HS26-041"
    assert page.message.text() == "Đã hoàn tác: Xóa hồ sơ HS26-041"  # type: ignore[attr-defined]
    window.redo_action.trigger()
    assert window.statusBar().currentMessage() == "Đã làm lại: Xóa hồ sơ HS26-041"

    open_round = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.OPEN)
    window.round_combo.setCurrentIndex(window.round_combo.findData(open_round.id))
    window.show_page("overview")
    bar = window.page("overview").findChild(QProgressBar, "scoring_progress")
    assert bar is not None and "0/1" not in bar.text()


def test_finalized_round_cannot_be_deleted(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    scored = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.SCORING)
    finalize.finalize_round(demo_db, scored.id, archive=False)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    settings = window.page("settings")
    settings.show_tab("rounds")  # type: ignore[attr-defined]
    tab = settings.rounds  # type: ignore[attr-defined]
    for row, info in enumerate(tab.infos):
        tab.list.setCurrentRow(row)
        assert tab.delete_button.isEnabled() == (info.status is not RoundStatus.FINALIZED), info.label


def test_form_messages_name_fields_not_columns() -> None:
    from sangkien_desktop.domain import registration_rules

    assert registration_rules.where(None, "title") == "ô Tên sáng kiến"
    assert registration_rules.where(9, "title", "1") == "Dòng 9 (TT 1), cột Tên sáng kiến"
