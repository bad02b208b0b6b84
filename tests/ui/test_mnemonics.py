"""Alt+letter never means two things in the main window: no button, tab, group or labelled field of a page
shares its mnemonic with a menu (Alt+T opened Tệp instead of pressing Thêm). Menu texts with "&" show it,
and Sao lưu has a Ctrl shortcut."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import PAGE_SPECS


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _page_mnemonics(page: QWidget) -> dict[str, str]:
    texts = [b.text() for b in page.findChildren(QAbstractButton)]
    texts += [label.text() for label in page.findChildren(QLabel) if label.buddy() is not None]
    texts += [g.title() for g in page.findChildren(QGroupBox)]
    for tabs in page.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    return {letter: text for text in texts if (letter := mnemonic(text))}


def test_no_button_shares_a_menus_alt_letter(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    menus = {mnemonic(a.text()): a.text() for a in window.menuBar().actions()}
    assert None not in menus and len(menus) == len(window.menuBar().actions())
    clashes = []
    for spec in PAGE_SPECS:
        for letter, text in _page_mnemonics(window.pages[spec.key]).items():
            if letter in menus:
                clashes.append(f"{spec.title}: {text!r} and menu {menus[letter]!r} (Alt+{letter.upper()})")
    assert not clashes, "\n".join(clashes)


def test_menu_ampersand_and_backup_shortcut(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    texts = [a.text() for a in window.findChildren(QAction)]
    assert "In ấn && Xuất" in texts  # shown as "In ấn & Xuất"
    backup = window.findChild(QAction, "action_backup")
    assert backup is not None and backup.shortcut() == QKeySequence("Ctrl+B")
    shortcuts = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), shortcuts  # no window shortcut twice
