"""Score entry by keyboard alone (pytest-qt, offscreen)."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Score
from sangkien_desktop.services import grading as grading_service
from sangkien_desktop.services import scoring as scoring_service
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.score_grid import Mode
from sangkien_desktop.ui.pages.scoring_page import ScoringPage
from tests.helpers.grading import build_round

D = Decimal


def key(
    widget: QWidget, k: Qt.Key, text: str = "", mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, k, mods, text))


def type_into_focus(page: ScoringPage, text: str) -> None:
    """Type like a person: each key goes to whatever has the keyboard focus (the grid, then its editor)."""
    for ch in text:
        target = QApplication.focusWidget() or page.grid
        k = Qt.Key(ord(ch)) if ch.isdigit() else (Qt.Key.Key_Comma if ch == "," else Qt.Key.Key_Period)
        key(target, k, ch)


def enter(page: ScoringPage) -> None:
    key(QApplication.focusWidget() or page.grid, Qt.Key.Key_Return, "\r")
    QApplication.processEvents()  # the delegate commits on a queued call, as in a running event loop


def open_scoring(qtbot: QtBot, db: Database) -> tuple[MainWindow, ScoringPage]:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    win.show_page("scoring")
    page = win.current_page()
    assert isinstance(page, ScoringPage)
    qtbot.waitUntil(lambda: not page.loading and page.matrix is not None, timeout=30000)
    win.activateWindow()
    page.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.grid)
    return win, page


@pytest.fixture
def scoring(qtbot: QtBot, db: Database) -> tuple[MainWindow, ScoringPage]:
    build_round(db, dossiers=40, members=7)
    return open_scoring(qtbot, db)


def test_seven_members_forty_dossiers_by_keyboard_alone(qtbot: QtBot, db: Database) -> None:
    """Every sheet of a 7-member × 40-dossier round typed with the keyboard only. The rubric here is the
    total on 100 (councils that record totals); the next test types the four-criterion sheet."""
    b = build_round(db, dossiers=40, members=7)
    with db.session() as s:
        scoring_service.save_rubric(s, b.round_id, [scoring_service.CriterionInput("Tổng điểm", D(100))])
    _win, page = open_scoring(qtbot, db)
    assert page.model.mode is Mode.SHEET
    expected: dict[tuple[int, int], Decimal] = {}
    for m in range(7):
        assert page.member_combo.currentIndex() == m
        assert page.grid.currentIndex() == page.grid.first_editable()
        for d in range(40):
            if (m, d) == (3, 5):  # a slip of the finger: refused on the spot, then corrected
                type_into_focus(page, "101")
                enter(page)
                assert "Không nhận" in page.message.text()
                assert page.grid.currentIndex().row() == d
            points = f"{50 + (d * 7 + m * 3) % 50},{(d + m) % 10}" if d % 3 else str(60 + (d + m) % 40)
            type_into_focus(page, points)
            enter(page)
            expected[(m, d)] = D(points.replace(",", "."))
        key(page.grid, Qt.Key.Key_PageDown, "", Qt.KeyboardModifier.ControlModifier)  # next member's sheet
    with db.reading() as s:
        assert s.scalar(select(func.count(Score.id))) == 7 * 40
    matrix = scoring_service.get_matrix(db, b.round_id)
    for (m, d), total in expected.items():
        assert matrix.total(matrix.dossiers[d].id, matrix.members[m].id) == total
    assert "280/280" in page.progress_label.text()
    result = grading_service.grade_round(db, b.round_id)
    assert result.counts()["THIEU"] == 0 and len(result.rows) == 40


def test_four_criterion_sheet_by_keyboard(scoring: tuple[MainWindow, ScoringPage], db: Database) -> None:
    win, page = scoring
    for d in range(10):
        for p in (str(10 + d), "20", "25,5", "9"):
            type_into_focus(page, p)
            enter(page)
    assert page.grid.currentIndex().row() == 10 and page.grid.currentIndex().column() == 2
    matrix = scoring_service.get_matrix(db, win.ctx.round_id)
    member = matrix.members[0].id
    assert [matrix.total(matrix.dossiers[d].id, member) for d in range(11)] == [
        D(10 + d) + D("54.5") for d in range(10)
    ] + [None]
    assert "10/40 hồ sơ đủ điểm" in page.progress_label.text()


def test_out_of_range_value_is_refused_on_the_spot(
    scoring: tuple[MainWindow, ScoringPage], db: Database
) -> None:
    win, page = scoring
    start = page.grid.currentIndex()
    type_into_focus(page, "31")  # Tính mới has a maximum of 30
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and "background: #f8d7da" in editor.styleSheet()
    enter(page)
    assert "Không nhận" in page.message.text() and "tối đa là 30 (đã nhập 31)" in page.message.text()
    assert page.grid.currentIndex() == start  # the cursor did not move on
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "31" and editor.selectedText() == "31"
    with db.reading() as s:
        assert s.scalar(select(func.count(Score.id))) == 0
    type_into_focus(page, "30")  # retyping replaces the selected refused text
    enter(page)
    assert page.grid.currentIndex().column() == start.column() + 1
    with db.reading() as s:
        assert s.scalar(select(Score.points)) == D(30)
    assert "Đã lưu" in page.message.text()
    # Ctrl+Z takes the score back
    win.ctx.undo_stack.undo()
    with db.reading() as s:
        assert s.scalar(select(func.count(Score.id))) == 0


def test_matrix_mode_moves_down_and_missing_filter(
    scoring: tuple[MainWindow, ScoringPage], db: Database
) -> None:
    _win, page = scoring
    page.mode_combo.setCurrentIndex(page.mode_combo.findData(Mode.MATRIX))
    page.grid.setFocus()
    first = page.grid.currentIndex()
    type_into_focus(page, "20")
    enter(page)
    now = page.grid.currentIndex()
    assert (now.row(), now.column()) == (first.row() + 1, first.column())
    page.missing_only.setChecked(True)
    assert not any(page.grid.isRowHidden(r) for r in range(40))  # every dossier still misses something
    page.mode_combo.setCurrentIndex(page.mode_combo.findData(Mode.TOTALS))
    assert page.model.flags(page.model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable == Qt.ItemFlag(0)


def test_undo_and_redo_of_a_cell_reload_the_grid(qtbot: QtBot, db: Database) -> None:
    b = build_round(db, dossiers=3, members=2)
    win, page = open_scoring(qtbot, db)
    type_into_focus(page, "12")
    enter(page)
    first = page.model.index(0, page.grid.first_editable().column())
    assert page.model.data(first) == "12"
    win.ctx.undo_stack.undo()  # one transaction; the page reads the grid again (on a worker)
    qtbot.waitUntil(lambda: not page.loading and page.model.data(page.model.index(0, first.column())) == "")
    win.ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: not page.loading and page.model.data(page.model.index(0, first.column())) == "12")
    matrix = scoring_service.get_matrix(db, b.round_id)
    assert matrix.values[(b.dossiers[0], b.members[0], b.criteria[0])] == D(12)


def test_a_long_refusal_wraps_instead_of_being_cut(qtbot: QtBot, db: Database) -> None:
    build_round(db, dossiers=3, members=2)
    win, page = open_scoring(qtbot, db)
    win.resize(1280, 760)
    page._refused(page.model.index(0, 2), "x " * 200)
    QApplication.processEvents()
    label = page.message
    assert label.wordWrap()
    assert label.width() >= page.grid.width() - 2  # the whole width, not squeezed beside the buttons
    two_lines = label.fontMetrics().height() * 2
    assert label.height() >= two_lines


def test_showing_the_page_and_picking_a_round_do_not_block(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scoring grid of the demo is read on a worker: the event loop never stops for 0.3 s."""
    from tests.helpers.heartbeat import Heartbeat

    # as the app's main() does: a worker thread hands the interpreter back to the window after 1 ms
    monkeypatch.setattr(sys, "getswitchinterval", sys.getswitchinterval)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.001)

    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    doing = [""]
    heart = Heartbeat(
        blame=lambda: (
            doing[0]
            + (" (reading on a worker)" if getattr(win.pages.get("scoring"), "loading", False) else "")
        )
    )
    try:
        for index in range(win.round_combo.count()):
            doing[0] = f"round {index}"
            win.round_combo.setCurrentIndex(index)
            doing[0] = f"scoring page, round {index}"
            win.show_page("scoring")
            page = win.page("scoring")
            assert isinstance(page, ScoringPage)
            qtbot.waitUntil(lambda p=page: not p.loading and p.matrix is not None, timeout=30000)
            doing[0] = f"council page, round {index}"
            win.show_page("council")
            council = win.page("council")
            council.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
            QApplication.processEvents()
            doing[0] = ""
    finally:
        heart.stop()
        sys.setswitchinterval(switch)
    assert not heart.stalls, heart.stalls
