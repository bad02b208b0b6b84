from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import stats
from sangkien_desktop.ui.main_window import MainWindow
from tests.helpers.qt import type_text

NAV_TITLES = [
    "Tổng quan",
    "Đăng ký",
    "Hồ sơ",
    "Hội đồng",
    "Chấm điểm",
    "Kết quả",
    "In ấn & Xuất",
    "Tra cứu",
    "Cài đặt",
]


def test_navigation_lists_every_page_in_vietnamese(window: MainWindow) -> None:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[: len(NAV_TITLES)] == NAV_TITLES


def test_clicking_navigation_switches_pages(qtbot: QtBot, window: MainWindow) -> None:
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        rect = window.nav.visualItemRect(item)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.stack.currentIndex() == row
        assert window.current_page().title == item.text()


def test_keyboard_shortcuts_switch_pages(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().key == "dossiers"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().key == "overview"


def test_overview_shows_real_counts(window: MainWindow, demo_db: Database) -> None:
    counts = stats.get_stats(demo_db).as_dict()
    page = window.page("overview")
    for key in ("units", "registrations", "dossiers", "members", "scores"):
        label = page.findChild(QLabel, f"count_{key}")
        assert label is not None
        assert label.text() == f"{counts[key]:,}".replace(",", ".")
    summary = page.findChild(QLabel, "round_summary")
    assert summary is not None and "Đợt" in summary.text()


def test_round_selector_and_status_bar(window: MainWindow, demo_db: Database) -> None:
    combo = window.round_combo
    assert combo.count() == 2
    assert "Đợt 2 năm 2026" in combo.itemText(0)
    combo.setCurrentIndex(1)
    assert window.ctx.round is not None and window.ctx.round.number == 1
    assert demo_db.description in window.db_label.text()


def test_round_choice_is_remembered(qtbot: QtBot, demo_db: Database) -> None:
    first = MainWindow(demo_db)
    qtbot.addWidget(first)
    first.round_combo.setCurrentIndex(1)
    chosen = first.ctx.round_id
    second = MainWindow(demo_db)
    qtbot.addWidget(second)
    assert second.ctx.round_id == chosen


def test_unbuilt_pages_say_so(window: MainWindow) -> None:
    for page in window.pages.values():
        message = page.findChild(QLabel, "placeholder_message")
        if message is not None:
            assert "chưa có" in message.text()


def test_demo_menu_asks_for_the_demo_window_and_leaves_the_database_empty(qtbot: QtBot, db: Database) -> None:
    win = MainWindow(db)
    qtbot.addWidget(win)
    assert win.round_combo.count() == 0
    with qtbot.waitSignal(win.demoRequested):
        win.findChild(QAction, "action_demo").trigger()
    assert stats.get_stats(db).dossiers == 0
    assert not win.demo_banner.isVisibleTo(win) and "DỮ LIỆU MẪU" not in win.windowTitle()


def test_vietnamese_typing_helper(qtbot: QtBot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    type_text(edit, "Đổi mới sáng tạo ở phường Tam Điệp")
    assert edit.text() == "Đổi mới sáng tạo ở phường Tam Điệp"
