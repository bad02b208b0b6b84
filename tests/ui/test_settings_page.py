from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.models import Dossier, Registration, Unit
from sangkien_desktop.services import rounds, settings
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs.unit_dialogs import (
    ImportReviewDialog,
    MergeDialog,
    UnitDialog,
    UnitTypeDialog,
)
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import settings_units
from sangkien_desktop.ui.pages.settings_page import SettingsPage
from tests.helpers.qt import type_text


@pytest.fixture
def page(window: MainWindow) -> SettingsPage:
    window.show_page("settings")
    p = window.page("settings")
    assert isinstance(p, SettingsPage)
    return p


def test_council_tab_edits_previews_saves_and_undoes(
    qtbot: QtBot, window: MainWindow, page: SettingsPage, demo_db: Database
) -> None:
    tab = page.council
    assert tab.fields.value("place_name") == "Tam Điệp"
    assert not tab.preview.pdf  # drawn once asked for (reportlab and its fonts are read then)
    tab.preview.ask_button.click()
    assert tab.preview.pdf.startswith(b"%PDF") and not tab.preview.ask_button.isVisible()
    old_pixmap = tab.preview.image.pixmap().cacheKey()
    editor = tab.fields.editor("place_name")
    editor.selectAll()  # type: ignore[attr-defined]
    type_text(editor, "Yên Sơn")
    assert tab.dirty() and "chưa lưu" in tab.state.text()
    qtbot.waitUntil(lambda: tab.preview.image.pixmap().cacheKey() != old_pixmap, timeout=3000)
    assert b"Y\xc3\xaan S\xc6\xa1n" in tab.preview.pdf or tab.preview.pdf.startswith(b"%PDF")
    tab.fields.editor("suffix_decision").setText("QĐ HĐSK")  # type: ignore[attr-defined]
    assert not tab.save_button.isEnabled() and "Lỗi" in tab.state.text()
    tab.fields.editor("suffix_decision").setText("/QĐ-HĐSK")  # type: ignore[attr-defined]
    assert tab.save()
    with demo_db.reading() as s:
        assert settings.load(s)["place_name"] == "Yên Sơn"
    assert not tab.dirty() and tab.state.text().startswith("Đã lưu")
    window.ctx.undo_stack.undo()
    with demo_db.reading() as s:
        assert settings.load(s)["place_name"] == "Tam Điệp"


def test_council_tab_number_series(page: SettingsPage, demo_db: Database) -> None:
    tab = page.council
    tab.series_year.setValue(2026)
    spin = tab.series.cellWidget(0, 2)
    spin.setValue(14)  # type: ignore[attr-defined]
    assert tab.series.item(0, 3).text() == "15"
    assert tab.save()
    from sangkien_desktop.services import numbering

    with demo_db.reading() as s:
        assert numbering.peek_next(s, 2026, "QD") == 15


def _fill(dialog_type: type, fill) -> object:  # type: ignore[no-untyped-def]
    def run(dialog: object) -> bool:
        assert isinstance(dialog, dialog_type)
        fill(dialog)
        return True

    return run


def test_units_tab_add_edit_merge(
    page: SettingsPage, demo_db: Database, monkeypatch: pytest.MonkeyPatch, window: MainWindow
) -> None:
    page.show_tab("units")
    tab = page.units
    before = tab.model.rowCount()
    assert tab.type_table.rowCount() == 8 and tab.type_table.item(4, 1).text() == "15/09"

    def new_unit(d: UnitDialog) -> None:
        d.name.setText("Xã Vạn Phúc")
        d.short.setText("VP")
        d.type.setCurrentIndex(d.type.findData(tab.types[3].id))
        d.aliases.setPlainText("UBND xã Vạn Phúc cũ\n")

    monkeypatch.setattr(settings_units, "exec_dialog", _fill(UnitDialog, new_unit))
    tab.add_unit()
    assert tab.model.rowCount() == before + 1
    tab.filter.setText("van phuc")
    assert tab.view.model().rowCount() == 1
    tab.view.selectRow(0)

    def rename(d: UnitDialog) -> None:
        d.name.setText("Phường Vạn Phúc")

    monkeypatch.setattr(settings_units, "exec_dialog", _fill(UnitDialog, rename))
    tab.edit_unit()
    with demo_db.reading() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "Phường Vạn Phúc"))
        assert unit is not None and {a.alias for a in unit.aliases} == {"UBND xã Vạn Phúc cũ", "Xã Vạn Phúc"}
    window.ctx.undo_stack.undo()  # back to "Xã Vạn Phúc"
    with demo_db.reading() as s:
        assert s.scalar(select(Unit).where(Unit.name == "Xã Vạn Phúc")) is not None

    # merge two demo units that both have dossiers
    with demo_db.reading() as s:
        counts = dict(s.execute(select(Dossier.unit_id, func.count()).group_by(Dossier.unit_id)).all())
        keep_id, drop_id = sorted(counts, key=lambda u: -counts[u])[:2]
        regs = s.scalar(
            select(func.count(Registration.id)).where(Registration.unit_id.in_([keep_id, drop_id]))
        )

    def pick(d: MergeDialog) -> None:
        d.keep.setCurrentIndex(d.keep.findData(keep_id))
        d.drop.setCurrentIndex(d.drop.findData(drop_id))
        assert "sẽ chuyển sang" in d.info.text()

    shown: list[str] = []
    monkeypatch.setattr(messages, "show_info", lambda _p, text, *a: shown.append(text))
    monkeypatch.setattr(settings_units, "exec_dialog", _fill(MergeDialog, pick))
    tab.merge_units()
    assert shown and shown[0].startswith("Đã gộp")
    with demo_db.reading() as s:
        assert s.get(Unit, drop_id) is None
        assert s.scalar(select(func.count(Dossier.id)).where(Dossier.unit_id == keep_id)) == (
            counts[keep_id] + counts[drop_id]
        )
        assert s.scalar(select(func.count(Registration.id)).where(Registration.unit_id == keep_id)) == regs


def test_units_tab_import_and_types(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(db)  # an empty database
    qtbot.addWidget(window)
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    page.show_tab("units")
    tab = page.units
    assert tab.type_table.rowCount() == 8  # default types created on first use
    wb = openpyxl.Workbook()
    wb.active.append(["Tên đơn vị", "Tên viết tắt", "Tên khác"])
    wb.active.append(["Trường THCS Vạn Phúc", "THCS VP", "Trường Trung học cơ sở Vạn Phúc"])
    wb.active.append(["Phòng Văn hóa - Xã hội", "", ""])
    path = tmp_path / "dv.xlsx"
    wb.save(path)
    seen: list[str] = []

    def review(d: ImportReviewDialog) -> None:
        seen.append(d.findChild(QLabel, "import_summary").text())

    monkeypatch.setattr(messages, "show_info", lambda *a, **k: None)
    monkeypatch.setattr(settings_units, "exec_dialog", _fill(ImportReviewDialog, review))
    assert tab.import_file(path)
    assert "2 đơn vị mới" in seen[0]
    assert tab.model.rowCount() == 2
    assert {r.type_name for r in tab.model.records()} == {"Trường THCS", "Phòng, ban chuyên môn"}

    def new_type(d: UnitTypeDialog) -> None:
        d.name.setText("Trường THPT")
        d.deadline.setText("30/9")

    monkeypatch.setattr(settings_units, "exec_dialog", _fill(UnitTypeDialog, new_type))
    tab.add_type()
    assert tab.type_table.rowCount() == 9 and tab.type_table.item(8, 1).text() == "30/09"


def test_units_tab_bad_import_shows_error(
    page: SettingsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.show_tab("units")
    bad = tmp_path / "x.xlsx"
    bad.write_text("không phải Excel")
    errors: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, e, *a: errors.append(str(e)))
    assert not page.units.import_file(bad)
    assert errors and "x.xlsx" in errors[0]


def test_rounds_tab_edit_rules_and_status(
    qtbot: QtBot, page: SettingsPage, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.show_tab("rounds")
    tab = page.rounds
    assert tab.list.count() == 2
    with demo_db.reading() as s:
        r1 = rounds.find_round(s, "2026/1").id
    tab.load(r1)
    assert "Đang chấm điểm" in tab.status_label.text()
    assert "Xếp loại" in tab.allowed_label.text()
    # a grade condition and a new band threshold
    tab.bands.item(0, 2).setText("82,5")
    tab.bands.item(0, 5).setText("TC1 ≥ 25")
    tab.receive_until.setText("20/11/2026")
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    assert tab.save()
    with demo_db.reading() as s:
        setup = rounds.setup_of(rounds.find_round(s, "2026/1"))
        assert setup.rules.bands[0].min_mean == Decimal("82.5")
        assert setup.rules.bands[0].conditions == ((0, Decimal("25")),)
        assert str(setup.receive_until) == "2026-11-20"
    # unreadable cells are named
    tab.bands.item(1, 3).setText("mười")
    errors: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, e, *a: errors.append(str(e)))
    assert not tab.save()
    assert "Mức xếp loại dòng 2" in errors[0]
    tab.load(r1)
    # finalize: editors lock; reopening needs a reason
    button = tab.findChild(QPushButton, "to_finalized")
    assert button is not None
    button.click()  # the archive is written on a worker thread
    qtbot.waitUntil(lambda: "Đã chốt kết quả" in tab.status_label.text(), timeout=120_000)
    assert not tab.save_button.isEnabled() and not tab.tabs.widget(0).isEnabled()
    assert "Đã chốt kết quả" in window.round_status.text() or window.ctx.round_id != r1
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: None)
    reopen = tab.findChild(QPushButton, "to_scoring")
    assert reopen is not None
    reopen.click()  # cancelled: no reason
    with demo_db.reading() as s:
        assert rounds.find_round(s, "2026/1").status is RoundStatus.FINALIZED
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Sửa điểm nhập sai")
    tab.findChild(QPushButton, "to_scoring").click()
    with demo_db.reading() as s:
        assert rounds.find_round(s, "2026/1").status is RoundStatus.SCORING
    window.ctx.undo_stack.undo()  # undo the reopening
    with demo_db.reading() as s:
        assert rounds.find_round(s, "2026/1").status is RoundStatus.FINALIZED


def test_rounds_tab_new_round_without_copy_and_delete(
    page: SettingsPage, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sangkien_desktop.ui.dialogs.new_round_dialog import NewRoundDialog

    page.show_tab("rounds")

    def plain(d: NewRoundDialog) -> None:
        d.year.setValue(2027)
        d.number.setValue(1)
        d.source.setCurrentIndex(0)
        assert not d.members.isEnabled()

    monkeypatch.setattr(settings_units, "exec_dialog", _fill(NewRoundDialog, plain))
    new_id = page.rounds.new_round()
    assert new_id is not None and window.round_combo.count() == 3
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.rounds.delete_round()
    assert window.round_combo.count() == 2


def test_status_bar_shows_round_status(window: MainWindow) -> None:
    assert window.round_status.text().endswith("Đang nhận hồ sơ")  # demo round 2 still takes dossiers
    assert "Được làm" in window.round_status.toolTip()
    tip = window.round_combo.itemData(0, 3)  # ToolTipRole
    assert "Không được làm" in tip


def test_help_shows_the_guide(qtbot: QtBot, window: MainWindow) -> None:
    from sangkien_desktop.ui.dialogs.help_dialog import HelpDialog, guide_path

    assert guide_path().is_file()
    window.show_guide()
    dialog = next(w for w in window.findChildren(HelpDialog))
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "Hướng dẫn sử dụng" in text and "Cài đặt" in text
    dialog.close()
    dialog.deleteLater()  # its browser must not keep the focus for the next test's window
    qtbot.waitUntil(lambda: not window.findChildren(HelpDialog))
