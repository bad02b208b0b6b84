"""Cài đặt → Dữ liệu các năm trước: choose a decision list, see the preview (rows, matched and new people,
refusals), import it, undo it, correct and delete what was imported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import (
    Person,
    RecognizedAuthor,
    RecognizedImport,
    RecognizedInitiative,
    Unit,
    UnitAlias,
)
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs.recognized_import_dialog import RecognizedImportDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import settings_history
from sangkien_desktop.ui.pages.settings_history import InitiativeDialog
from sangkien_desktop.ui.pages.settings_page import SettingsPage
from tests.helpers import decision_lists as dl
from tests.helpers.ui_walk import wait_until


def settle(dialog: RecognizedImportDialog) -> None:
    """Wait for the dialog's preview or import (worker threads)."""
    assert wait_until(lambda: not dialog.busy(), 30)


def _fill(kind: type, fill: Callable[[Any], None]) -> Callable[[QDialog], bool]:
    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, kind)
        if isinstance(dialog, RecognizedImportDialog):
            settle(dialog)
        fill(dialog)
        if isinstance(dialog, RecognizedImportDialog):
            settle(dialog)
        return dialog.result is not None if isinstance(dialog, RecognizedImportDialog) else True

    return run


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> SettingsPage:
    with db.session() as s:
        units = {name: Unit(name=name) for name in dl.UNITS}
        s.add_all(units.values())
        s.flush()
        s.add(UnitAlias(unit_id=units[dl.VAN_PHUC].id, alias=dl.VAN_PHUC_ALIAS))
        s.add(Person(full_name=dl.EXISTING_PERSON[0], unit_id=units[dl.BAC_SON].id))
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show_page("settings")
    p = window.page("settings")
    assert isinstance(p, SettingsPage)
    p.show_tab("history")
    return p


def _count(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(RecognizedInitiative.id))) or 0


def _rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the earlier years' tables and of the people, ids included."""
    found = {}
    with db.reading() as s:
        for table in (RecognizedImport, RecognizedInitiative, RecognizedAuthor, Person):
            columns = [c for c in table.__table__.columns if c.name not in ("created_at", "updated_at")]
            found[table.__tablename__] = sorted(tuple(r) for r in s.execute(select(*columns)))
    return found


def test_import_preview_edit_delete_and_undo(
    page: SettingsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = page.history
    path = dl.write_docx(tmp_path / "qd-45.docx", layout=dl.Layout(split_at=3))
    seen: dict[str, str] = {}

    def review(d: RecognizedImportDialog) -> None:
        assert d.year.value() == 2025  # no list yet: last year by default
        d.year.setValue(dl.YEAR)
        settle(d)
        seen["summary"] = d.findChild(QLabel, "recognized_summary").text()
        seen["people"] = d.people_label.text()
        assert d.model.rowCount() == 6 and d.people_model.rowCount() == 8
        assert d.import_button.isEnabled()
        d.do_import()

    monkeypatch.setattr(messages, "show_info", lambda *a, **k: None)
    monkeypatch.setattr(settings_history, "exec_dialog", _fill(RecognizedImportDialog, review))
    tab.import_list(path)
    assert "6 sáng kiến được công nhận năm 2023 (QĐ 45/QĐ-UBND)" in seen["summary"]
    assert "<b>1</b> người đã có" in seen["people"] and "<b>7</b> người mới" in seen["people"]
    assert _count(db) == 6 and tab.imports.rowCount() == 1 and tab.rows.rowCount() == 6
    assert tab.imports.records()[0].decision_text == "QĐ 45/QĐ-UBND ngày 20/12/2023"

    # Ctrl+Z takes the import back, Ctrl+Y imports it again
    page.ctx.undo_stack.undo()
    assert _count(db) == 0
    page.ctx.undo_stack.redo()
    assert _count(db) == 6

    tab.load()
    tab.rows_view.selectRow(0)
    record = tab.rows_view.current_record()

    def correct(d: InitiativeDialog) -> None:
        d.edits["title"].setText("Tên đã sửa lại")
        d.edits["points"].setText("")

    monkeypatch.setattr(settings_history, "exec_dialog", _fill(InitiativeDialog, correct))
    tab.edit_initiative()
    edited = next(r for r in tab.rows.records() if r.id == record.id)
    assert (edited.title, edited.points) == ("Tên đã sửa lại", None)
    page.ctx.undo_stack.undo()  # one call puts the title and the points back
    tab.load()
    back = next(r for r in tab.rows.records() if r.id == record.id)
    assert (back.title, back.points) == (record.title, record.points)
    page.ctx.undo_stack.redo()
    tab.load()

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    tab.rows_view.selectRow(0)
    deleted = tab.rows_view.current_record()
    tab.delete_initiative()
    assert _count(db) == 5
    # Ctrl+Z brings the initiative back with its id, Ctrl+Y deletes it again
    page.ctx.undo_stack.undo()
    tab.load()
    assert _count(db) == 6 and deleted.id in {r.id for r in tab.rows.records()}
    page.ctx.undo_stack.redo()
    assert _count(db) == 5
    before = _rows(db)
    tab.load()
    tab.delete_import()
    assert _count(db) == 0 and tab.imports.rowCount() == 0
    page.ctx.undo_stack.undo()  # the whole list back, the same rows and ids, its people too
    assert _rows(db) == before
    tab.load()
    assert tab.imports.rowCount() == 1 and tab.rows.rowCount() == 5
    page.ctx.undo_stack.redo()
    assert _count(db) == 0


def test_a_refused_list_cannot_be_imported(
    page: SettingsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = (
        dl.Row(
            "Sáng kiến của đơn vị lạ",
            (dl.Author("Lê Văn Mới", "", "Phòng Nội vụ", ""),),
            "Loại A",
            None,
            None,
        ),
    )
    path = dl.write_xlsx(tmp_path / "la.xlsx", rows)
    seen: dict[str, Any] = {}

    def review(d: RecognizedImportDialog) -> None:
        d.year.setValue(dl.YEAR)
        settle(d)
        seen["ok"] = d.import_button.isEnabled()
        seen["problems"] = d.model.data(d.model.index(0, len(d.model.columns) - 1))

    monkeypatch.setattr(settings_history, "exec_dialog", _fill(RecognizedImportDialog, review))
    page.history.import_list(path)
    assert seen["ok"] is False
    assert "đơn vị 'Phòng Nội vụ' chưa có trong danh mục đơn vị" in seen["problems"]
    assert _count(db) == 0
