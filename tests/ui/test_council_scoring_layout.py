"""What a secretary sees on the Hội đồng and Chấm điểm pages at 1280×800 and 1366×768 (demo database):
every column that matters in sight, the progress line whole, the right hints for the view."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services.assignment import AutoPlan
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.council_page import AutoAssignDialog, CouncilPage
from sangkien_desktop.ui.pages.score_grid import FIXED_COLUMNS, Mode
from sangkien_desktop.ui.pages.scoring_page import ScoringPage

SIZES = [(1280, 800), (1366, 768)]
REPLACE_HINT = "chọn “Phân công lại từ đầu”"


@pytest.fixture(params=SIZES, ids=["1280x800", "1366x768"])
def demo_window(request: pytest.FixtureRequest, qtbot: QtBot, demo_db: Database) -> Iterator[MainWindow]:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.resize(*request.param)
    win.show()
    yield win
    win.close()


def round_ids(win: MainWindow) -> tuple[int, int]:
    """(the demo round being scored: every score typed; the newest round: scores missing)."""
    infos = win.ctx.reload_rounds()
    scored = next(r.id for r in infos if r.status is RoundStatus.SCORING)
    latest = next(r.id for r in infos if r.id != scored)
    return scored, latest


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def assert_all_columns_visible(view: QTableView) -> None:
    header = view.horizontalHeader()
    width = view.viewport().width()
    for col in range(header.count()):
        right = header.sectionViewportPosition(col) + header.sectionSize(col)
        title = view.model().headerData(col, Qt.Orientation.Horizontal)
        assert right <= width + 1, f"cột {col} ({title!r}) ra ngoài màn hình: {right} > {width}"
        assert header.sectionSize(col) >= 30, f"cột {col} ({title!r}) quá hẹp"


def open_scoring(win: MainWindow, round_id: int) -> ScoringPage:
    win.reload_rounds(select_id=round_id)
    win.show_page("scoring")
    page = win.page("scoring")
    assert isinstance(page, ScoringPage)
    wait_loaded(page)
    settle()
    return page


def wait_loaded(page: ScoringPage) -> None:
    """The score matrix is read on a worker thread: wait until the grid is filled."""
    deadline = time.monotonic() + 60
    while (page.loading or page.matrix is None) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    assert not page.loading and page.matrix is not None


def test_scoring_grids_show_every_member_and_the_spread(demo_window: MainWindow) -> None:
    scored, _latest = round_ids(demo_window)
    page = open_scoring(demo_window, scored)
    assert page.matrix is not None and len(page.matrix.members) == 7
    for mode in (Mode.MATRIX, Mode.TOTALS):
        page.mode_combo.setCurrentIndex(page.mode_combo.findData(mode))
        settle()
        assert_all_columns_visible(page.grid)
        # the spread right after the title; members headed "1. Nhung" with the full name as tooltip
        assert page.model.headerData(FIXED_COLUMNS, Qt.Orientation.Horizontal) == "Lệch tổng"
        first = page.matrix.members[0]
        head = page.model.headerData(FIXED_COLUMNS + 1, Qt.Orientation.Horizontal)
        assert head == f"{first.number}. {first.name.split()[-1]}"
        tip = page.model.headerData(FIXED_COLUMNS + 1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert first.name in tip
        assert page.grid.columnWidth(1) >= 250  # titles readable
        assert page.model.summary_column() == FIXED_COLUMNS


def test_sheet_title_column_is_wide_with_full_title_tooltip(demo_window: MainWindow) -> None:
    scored, _latest = round_ids(demo_window)
    page = open_scoring(demo_window, scored)
    assert page.model.mode is Mode.SHEET
    settle()
    assert_all_columns_visible(page.grid)
    assert page.grid.columnWidth(1) >= 300
    assert page.grid.horizontalHeader().sectionResizeMode(1) is QHeaderView.ResizeMode.Stretch
    index = page.model.index(0, 1)
    assert page.model.data(index, Qt.ItemDataRole.ToolTipRole) == page.model.rows[0].title
    assert page.model.headerData(page.model.summary_column(), Qt.Orientation.Horizontal) == "Tổng"


def test_progress_line_has_its_own_row_and_shows_what_is_missing(demo_window: MainWindow) -> None:
    _scored, latest = round_ids(demo_window)
    page = open_scoring(demo_window, latest)
    for mode in (Mode.SHEET, Mode.TOTALS):
        page.mode_combo.setCurrentIndex(page.mode_combo.findData(mode))
        settle()
        label = page.progress_label
        text = label.text()
        assert "phiếu thiếu" in text and label.toolTip() == text
        # not beside the buttons: as wide as the grid, and the whole text fits in its (wrapped) lines
        assert label.width() >= page.grid.width() - 2
        assert label.geometry().top() > page.missing_button.geometry().bottom()
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
        needed = label.fontMetrics().boundingRect(
            QRect(0, 0, label.contentsRect().width(), 10_000), flags, text
        )
        assert needed.height() <= label.contentsRect().height()


def test_typing_hint_hidden_in_the_read_only_totals(demo_window: MainWindow) -> None:
    scored, _latest = round_ids(demo_window)
    page = open_scoring(demo_window, scored)
    assert page.hint.isVisible() and not page.totals_note.isVisible()
    page.mode_combo.setCurrentIndex(page.mode_combo.findData(Mode.TOTALS))
    assert not page.hint.isVisible()
    assert page.totals_note.isVisible() and "chỉ xem" in page.totals_note.text().lower()
    page.mode_combo.setCurrentIndex(page.mode_combo.findData(Mode.MATRIX))
    assert page.hint.isVisible() and not page.totals_note.isVisible()


def test_roster_shows_every_column(demo_window: MainWindow) -> None:
    scored, _latest = round_ids(demo_window)
    demo_window.reload_rounds(select_id=scored)
    demo_window.show_page("council")
    page = demo_window.page("council")
    assert isinstance(page, CouncilPage)
    page.tabs.setCurrentWidget(page.roster_tab)
    settle()
    table = page.roster_tab.table
    assert table.model().rowCount() == 7
    assert_all_columns_visible(table)
    titles = [
        table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(table.model().columnCount())
    ]
    assert titles[-3:] == ["Tham gia", "Phân công", "Điểm đã nhập"]
    for col in (1, 3, 4, 5):  # name, unit, job title, expertise: wide enough to read
        assert table.columnWidth(col) >= 100
    unit = table.model().index(0, 3)
    assert table.model().data(unit, Qt.ItemDataRole.ToolTipRole) == table.model().data(unit)


def test_assignment_grid_shows_every_member_and_the_count(demo_window: MainWindow) -> None:
    scored, _latest = round_ids(demo_window)
    demo_window.reload_rounds(select_id=scored)
    demo_window.show_page("council")
    page = demo_window.page("council")
    assert isinstance(page, CouncilPage)
    page.tabs.setCurrentWidget(page.assignment_tab)
    settle()
    view = page.assignment_tab.view
    assert_all_columns_visible(view)
    assert view.columnWidth(1) >= 150


def test_auto_assign_message_follows_the_replace_box(qtbot: QtBot, demo_db: Database) -> None:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    scored, latest = round_ids(win)
    win.reload_rounds(select_id=scored)  # every dossier fully assigned and scored
    dialog = AutoAssignDialog(win.ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.k_spin.setValue(5)
    dialog.replace_box.setChecked(False)
    assert REPLACE_HINT in dialog.summary.text()
    dialog.replace_box.setChecked(True)
    assert REPLACE_HINT not in dialog.summary.text()
    assert "Không có gì để chia lại" in dialog.summary.text()
    dialog.replace_box.setChecked(False)
    assert REPLACE_HINT in dialog.summary.text()
    # every member's row in sight, without scrolling
    settle()
    rows = dialog.loads.rowCount()
    assert rows == 7
    assert dialog.loads.verticalScrollBar().maximum() == 0
    last = dialog.loads.visualRect(dialog.loads.model().index(rows - 1, 0))
    assert last.bottom() <= dialog.loads.viewport().height()
    # the pairs list gets the room that is left
    win.reload_rounds(select_id=latest)
    again = AutoAssignDialog(win.ctx, win)
    qtbot.addWidget(again)
    again.show()
    again.k_spin.setValue(5)
    again.replace_box.setChecked(True)
    settle()
    assert again.plan is not None and again.plan.pairs
    assert REPLACE_HINT not in again.summary.text()
    assert again.pairs.height() >= 150
    assert again.loads.verticalScrollBar().maximum() == 0


def test_summary_text_for_each_case() -> None:
    def plan(pairs: int = 0, removed: int = 0, shortfalls: tuple[str, ...] = ()) -> AutoPlan:
        return AutoPlan(
            round_id=1,
            k=3,
            pairs=[object()] * pairs,  # type: ignore[list-item]
            shortfalls=list(shortfalls),
            loads={},
            member_names={},
            existing=10,
            removed=removed,
        )

    assert REPLACE_HINT in AutoAssignDialog.summary_text(plan(), replace=False)
    assert REPLACE_HINT not in AutoAssignDialog.summary_text(plan(), replace=True)
    assert "bỏ 4 phân công" in AutoAssignDialog.summary_text(plan(removed=4), replace=True)
    short = AutoAssignDialog.summary_text(plan(shortfalls=("HS-1 thiếu 1 người",)), replace=False)
    assert "thiếu người chấm" in short and REPLACE_HINT not in short
