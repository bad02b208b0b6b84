"""Cài đặt → Đơn vị and Đợt, and the first-run wizard, act through ``ui/operations.Op`` and services only: no
session and no ``SangKienError`` in their code, one undo entry per action that restores exactly, the units
table fits a 1366×768 laptop, a finalized round cannot be deleted, and no action stalls the event loop."""

from __future__ import annotations

import gc
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services import rounds
from sangkien_desktop.ui import messages, operations
from sangkien_desktop.ui.dialogs.unit_dialogs import UnitDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import settings_units
from sangkien_desktop.ui.pages.settings_page import SettingsPage
from tests.helpers.heartbeat import Heartbeat
from tests.helpers.qt import type_text

UI = Path(__file__).resolve().parents[2] / "sangkien_desktop" / "ui"
FILES = [
    UI / "pages" / "settings_units.py",
    UI / "pages" / "settings_rounds.py",
    UI / "dialogs" / "first_run_wizard.py",
    UI / "dialogs" / "unit_dialogs.py",
    UI / "dialogs" / "new_round_dialog.py",
]


@pytest.fixture
def page(window: MainWindow) -> SettingsPage:
    window.resize(1366, 728)
    window.show()
    window.show_page("settings")
    p = window.page("settings")
    assert isinstance(p, SettingsPage)
    return p


def unit_rows(db: Database) -> list[tuple[object, ...]]:
    with db.reading() as s:
        return [
            tuple(r)
            for t in ("units", "unit_aliases", "unit_types")
            for r in s.execute(text(f"SELECT * FROM {t} ORDER BY id"))
        ]


def test_these_files_open_no_session_and_catch_no_error() -> None:
    pattern = re.compile(r"\.session\(\)|\.reading\(\)|SangKienError|push_undo")
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in FILES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)


def test_unit_actions_go_through_op_and_undo_exactly(
    qtbot: QtBot, page: SettingsPage, demo_db: Database, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.show_tab("units")
    tab = page.units
    start = unit_rows(demo_db)
    stack = window.ctx.undo_stack

    def new_unit(d: object) -> bool:
        assert isinstance(d, UnitDialog)
        type_text(d.name, "Trường THCS Vạn Phúc")
        assert d.type.currentText().startswith("Trường THCS")  # guessed from the name as it is typed
        return True

    monkeypatch.setattr(settings_units, "exec_dialog", new_unit)
    tab.add_unit()
    assert operations.started[-1] == "Thêm đơn vị Trường THCS Vạn Phúc"
    row = next(r for r in tab.model.records() if r.name == "Trường THCS Vạn Phúc")
    assert row.type_name == "Trường THCS"
    added = unit_rows(demo_db)
    stack.undo()
    assert unit_rows(demo_db) == start
    stack.redo()
    assert unit_rows(demo_db) == added

    tab.filter.setText("THCS Van Phuc")
    tab.view.selectRow(0)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    tab.delete_unit()  # a unit nobody uses: deleted, and undoable now
    assert operations.started[-1] == "Xóa đơn vị Trường THCS Vạn Phúc"
    assert unit_rows(demo_db) == start
    stack.undo()
    assert unit_rows(demo_db) == added
    stack.redo()
    assert unit_rows(demo_db) == start
    assert stack.count() == 2


def test_units_table_fits_a_laptop(page: SettingsPage) -> None:
    page.show_tab("units")
    view = page.units.view
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(header.count()):
        title = str(view.model().headerData(column, header.orientation()))
        assert header.sectionSize(column) >= metrics.horizontalAdvance(title), title
    assert header.sectionSize(settings_units.ALIASES_COLUMN) >= 150  # "Tên khác" has room for its text
    used = sum(header.sectionSize(c) for c in range(header.count()))
    assert used <= view.viewport().width() + 1  # nothing pushed out of sight
    assert view.horizontalScrollBar().maximum() == 0


def test_delete_round_disabled_on_a_finalized_round(
    qtbot: QtBot, page: SettingsPage, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.show_tab("rounds")
    tab = page.rounds
    scoring = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.SCORING)
    tab.load(scoring.id)
    assert tab.delete_button.isEnabled()
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.001)  # as the app's main() does: a worker hands the interpreter back at once
    gc.freeze()  # as the app's warm-up does: what is read so far is not walked by every collection
    heart = Heartbeat(threshold=0.3)
    button = tab.findChild(QPushButton, "to_finalized")
    assert button is not None
    button.click()  # the archive is written on a worker thread: the window keeps breathing
    qtbot.waitUntil(lambda: "Đã chốt kết quả" in tab.status_label.text(), timeout=120_000)
    heart.stop()
    gc.unfreeze()
    sys.setswitchinterval(switch)
    assert not heart.stalls, heart.stalls
    assert not tab.delete_button.isEnabled() and "chốt" in tab.delete_button.toolTip()
    tab.delete_round()  # even through a shortcut: nothing happens
    assert any(r.id == scoring.id for r in rounds.list_rounds(demo_db))


def test_settings_tabs_do_not_stall(qtbot: QtBot, page: SettingsPage, demo_db: Database) -> None:
    gc.freeze()  # as the app's warm-up does: what is read so far is not walked by every collection
    heart = Heartbeat(threshold=0.3)
    for name in ("units", "rounds", "units", "rounds"):
        page.show_tab(name)
        qtbot.wait(30)
    for info in rounds.list_rounds(demo_db):
        page.rounds.load(info.id)
        qtbot.wait(30)
    heart.stop()
    gc.unfreeze()
    assert not heart.stalls, heart.stalls


def test_new_round_and_its_deletion_undo_and_redo(
    page: SettingsPage, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.show_tab("rounds")
    monkeypatch.setattr(settings_units, "exec_dialog", lambda d: True)  # as suggested: copy the last round
    new_id = page.rounds.new_round()
    assert new_id is not None and window.round_combo.count() == 3
    stack = window.ctx.undo_stack
    stack.undo()
    assert window.round_combo.count() == 2
    page.rounds.load(rounds.list_rounds(demo_db)[0].id)  # the list shows another round meanwhile
    stack.redo()
    assert window.round_combo.count() == 3 and any(r.id == new_id for r in rounds.list_rounds(demo_db))
    assert page.rounds.current_id == new_id  # the redone round is the one shown
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.rounds.delete_round()
    assert window.round_combo.count() == 2
    stack.undo()  # the deleted round comes back with its setup
    assert window.round_combo.count() == 3
