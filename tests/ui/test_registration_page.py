"""The Đăng ký and Tra cứu pages, the registration form and the import preview, driven offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.services import registrations as service
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs.registration_dialog import RegistrationDialog
from sangkien_desktop.ui.dialogs.registration_import_dialog import RegistrationImportDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.registration_page import RegistrationPage
from sangkien_desktop.ui.pages.search_page import SearchPage
from tests.helpers.qt import press, type_text
from tests.helpers.registration_files import SAMPLE_ROWS, write_xlsx

SHOTS = Path("/tmp/sangkien_ui_shots")


@pytest.fixture(autouse=True)
def quiet_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(messages, "show_info", lambda _p, text, *a, **k: said.append(str(text)))
    monkeypatch.setattr(messages, "show_error", lambda _p, err, *a, **k: said.append("LỖI: " + str(err)))
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    return said


def open_page(qtbot: QtBot, window: MainWindow) -> RegistrationPage:
    window.show_page("registrations")
    page = window.page("registrations")
    assert isinstance(page, RegistrationPage)
    wait_jobs(qtbot, page)
    return page


def wait_jobs(qtbot: QtBot, page: RegistrationPage) -> None:
    qtbot.waitUntil(lambda: page.dup_job is None or page.dup_job.done, timeout=20_000)
    qtbot.waitUntil(lambda: page.export_job is None or page.export_job.done, timeout=20_000)


def settle(qtbot: QtBot, dialog: RegistrationImportDialog) -> None:
    """Wait for the import dialog's preview or import (worker threads)."""
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30_000)


def shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_grid_filters_and_duplicates(qtbot: QtBot, window: MainWindow) -> None:
    page = open_page(qtbot, window)
    assert page.selected_year() == 2026
    assert page.model.rowCount() == 75
    assert "75 đăng ký năm 2026" in page.status.text()
    assert page.matches, "the duplicate check ran"
    assert page.current() is not None and page.detail.text()
    shot(window, "registration_page.png")

    type_text(page.text_filter, "doi moi")
    shown = page.view.model().rowCount()
    assert 0 < shown < 75
    assert "đang hiện" in page.status.text()
    page.text_filter.clear()

    index = page.unit_filter.findText("Trường THCS Bắc Sơn")
    page.unit_filter.setCurrentIndex(index)
    page.unit_filter.activated.emit(index)
    wait_jobs(qtbot, page)
    assert page.rows and all(r.unit_name == "Trường THCS Bắc Sơn" for r in page.rows)
    page.unit_filter.setCurrentIndex(0)
    page.unit_filter.activated.emit(0)

    page.only_duplicates.setChecked(True)
    wait_jobs(qtbot, page)
    flagged = page.view.model().rowCount()
    assert 0 < flagged < 75
    record = page.view.proxy.record(0)  # type: ignore[union-attr]
    assert page.matches[record.id]
    page.only_duplicates.setChecked(False)


def test_add_edit_delete_with_undo(qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    page = open_page(qtbot, window)

    def fill(dialog: RegistrationDialog) -> bool:
        dialog.unit.setCurrentIndex(dialog.unit.findText("Trường Tiểu học Nam Sơn"))
        type_text(dialog.title, "Đổi mới tiết chào cờ đầu tuần bằng sân khấu hóa")
        type_text(dialog.authors, "Vũ Thị Hạnh, Lê Minh Đức")
        type_text(dialog.department, "Tổ 4; Tổ 5")
        dialog.check()
        assert not any(i.is_error for i in dialog.issues), dialog.issues
        shot(dialog, "registration_dialog.png")
        dialog.try_accept()
        return dialog.result() == RegistrationDialog.DialogCode.Accepted

    page.open_dialog = fill  # type: ignore[method-assign]
    page.add()
    wait_jobs(qtbot, page)
    added = [
        r for r in service.list_registrations(demo_db, 2026) if r.title.startswith("Đổi mới tiết chào cờ")
    ]
    assert len(added) == 1 and added[0].department == "Tổ 4\nTổ 5"
    assert page.current() is not None and page.current().id == added[0].id
    window.undo_action.trigger()
    assert not [
        r for r in service.list_registrations(demo_db, 2026) if r.title.startswith("Đổi mới tiết chào")
    ]
    window.redo_action.trigger()
    wait_jobs(qtbot, page)
    (again,) = [
        r for r in service.list_registrations(demo_db, 2026) if r.title.startswith("Đổi mới tiết chào")
    ]

    assert page.select_registration(again.id)

    def change(dialog: RegistrationDialog) -> bool:
        dialog.scope.setPlainText("Toàn trường")
        dialog.try_accept()
        return True

    page.open_dialog = change  # type: ignore[method-assign]
    press(page.view, Qt.Key.Key_F2)
    wait_jobs(qtbot, page)
    assert service.get_registration(demo_db, again.id).scope == "Toàn trường"
    window.undo_action.trigger()
    assert service.get_registration(demo_db, again.id).scope == ""

    wait_jobs(qtbot, page)
    assert page.select_registration(again.id)
    press(page.view, Qt.Key.Key_Delete)
    wait_jobs(qtbot, page)
    assert again.id not in [r.id for r in service.list_registrations(demo_db, 2026)]
    window.undo_action.trigger()
    assert service.get_registration(demo_db, again.id).title.startswith("Đổi mới tiết chào cờ")


def test_dialog_blocks_errors_and_shows_duplicates(qtbot: QtBot, demo_db: Database) -> None:
    units = service.list_units(demo_db)
    dialog = RegistrationDialog(demo_db, units, year=2027)
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert not save.isEnabled()
    assert "Chọn đơn vị" in dialog.issues_label.text()
    dialog.unit.setCurrentIndex(dialog.unit.findText("Phòng Kinh tế, Hạ tầng và Đô thị"))
    type_text(dialog.title, "Ứng dụng mã QR trong tra cứu thủ tục hành chính và tình trạng hồ sơ")
    type_text(dialog.authors, "A Lê, B Lê, C Lê")
    dialog.check()
    assert not save.isEnabled()
    assert "tối đa 2" in dialog.issues_label.text()
    dialog.authors.setText("Lê Văn An")
    dialog.check()
    assert save.isEnabled()
    assert (
        "Giống sáng kiến đã có" in dialog.duplicates_label.text() and "2026" in dialog.duplicates_label.text()
    )
    assert dialog.matches and dialog.matches[0].year == 2026
    # a unit typed that is not in the list is offered for creation when saving
    dialog.unit.setEditText("Trường Tiểu học Sao Mai")
    dialog.check()
    assert save.isEnabled() and "chưa có trong danh mục" in dialog.issues_label.text()
    dialog.try_accept()
    assert dialog.result() == RegistrationDialog.DialogCode.Accepted
    assert service.find_unit(demo_db, "Trường Tiểu học Sao Mai").id == dialog.data().unit_id


def test_import_with_preview_and_undo(
    qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path, quiet_messages: list[str]
) -> None:
    page = open_page(qtbot, window)
    path = write_xlsx(tmp_path / "bac-son.xlsx", year=2026)

    def accept(dialog: RegistrationImportDialog) -> bool:
        settle(qtbot, dialog)
        assert dialog.preview is not None and dialog.preview.ok
        assert dialog.import_button.isEnabled() and "Nhập 3 đăng ký" in dialog.import_button.text()
        assert dialog.field_combos[form.TITLE].currentData() == 3
        shot(dialog, "registration_import_dialog.png")
        dialog.do_import()
        settle(qtbot, dialog)
        return dialog.result is not None

    page.open_import_dialog = accept  # type: ignore[method-assign]
    before = len(service.list_registrations(demo_db, 2026))
    page.import_file(path)
    wait_jobs(qtbot, page)
    assert len(service.list_registrations(demo_db, 2026)) == before + 3
    assert any("Đã nhập 3 đăng ký năm 2026" in s for s in quiet_messages)
    window.undo_action.trigger()
    assert len(service.list_registrations(demo_db, 2026)) == before
    window.redo_action.trigger()
    assert len(service.list_registrations(demo_db, 2026)) == before + 3


def test_import_dialog_refuses_broken_file_and_remaps(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    rows = [dict(r) for r in SAMPLE_ROWS]
    rows[1][form.TITLE] = ""
    path = write_xlsx(tmp_path / "broken.xlsx", rows, year=2026)
    dialog = RegistrationImportDialog(demo_db, path, 2026, service.list_units(demo_db))
    qtbot.addWidget(dialog)
    assert dialog.busy() and not dialog.import_button.isEnabled()  # read on a worker thread
    settle(qtbot, dialog)
    assert dialog.preview is not None and not dialog.preview.ok
    assert not dialog.import_button.isEnabled()
    assert "Chưa nhập được" in dialog.summary.text()
    column = [c.title for c in dialog.model.columns].index("Vấn đề")
    problems = [dialog.model.data(dialog.model.index(r, column)) for r in range(dialog.model.rowCount())]
    assert "Thiếu tên sáng kiến" in problems[1]
    shot(dialog, "registration_import_broken.png")
    # the secretary says the title is in the "Tồn tại" column: every row has a title again
    combo = dialog.field_combos[form.TITLE]
    combo.setCurrentIndex(combo.findData(2))
    combo.activated.emit(combo.currentIndex())
    settle(qtbot, dialog)
    assert dialog.preview is not None
    assert dialog.preview.header.columns[form.TITLE] == 2
    assert not any("Thiếu tên" in i.message for i in dialog.preview.errors)


def test_not_duplicate_mark_and_undo(
    qtbot: QtBot, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, window)
    flagged = next(r for r in page.rows if page.matches.get(r.id))
    assert page.select_registration(flagged.id)
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Khác đơn vị, khác đối tượng")
    page.toggle_not_duplicate()
    wait_jobs(qtbot, page)
    assert service.get_registration(demo_db, flagged.id).not_duplicate
    assert page.select_registration(flagged.id)
    assert "Đã xác nhận không trùng" in page.detail.text()
    window.undo_action.trigger()
    assert not service.get_registration(demo_db, flagged.id).not_duplicate


def test_pdf_preview_and_excel(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    quiet_messages: list[str],
) -> None:
    page = open_page(qtbot, window)
    shown: list[tuple[bytes, str, str]] = []
    page.open_pdf_preview = lambda pdf, title, name: shown.append((pdf, title, name))  # type: ignore[method-assign]
    index = page.unit_filter.findText("Trường THCS Bắc Sơn")
    page.unit_filter.setCurrentIndex(index)
    page.unit_filter.activated.emit(index)
    page.preview_pdf()
    wait_jobs(qtbot, page)
    ((pdf, title, name),) = shown
    assert pdf.startswith(b"%PDF") and title == "Tổng hợp đăng ký năm 2026"
    assert name == "tong-hop-dang-ky-2026-truong-thcs-bac-son.pdf"
    target = tmp_path / "bang.xlsx"
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: target)
    page.export_xlsx()
    wait_jobs(qtbot, page)
    assert target.read_bytes().startswith(b"PK")
    assert any("Đã lưu bảng tổng hợp" in s for s in quiet_messages)


def test_search_page_as_you_type(qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    window.show_page("search")
    page = window.page("search")
    assert isinstance(page, SearchPage)
    type_text(page.query, "doi moi")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    titles = [page.model.record(r).title for r in range(page.model.rowCount())]
    assert any(t.startswith("Đổi mới") for t in titles)
    assert "kết quả" in page.status.text()
    shot(window, "search_page.png")
    qtbot.waitUntil(lambda: page.year.findData(2026) >= 0, timeout=10_000)  # read on a worker thread
    year_index = page.year.findData(2026)
    page.year.setCurrentIndex(year_index)
    assert all(page.model.record(r).year == 2026 for r in range(page.model.rowCount()))

    hit = page.model.record(0)
    row = service.get_registration(demo_db, hit.ref_id)

    def change(dialog: RegistrationDialog) -> bool:
        dialog.effect.setPlainText("Hiệu quả rõ rệt")
        dialog.try_accept()
        return True

    page.open_dialog = change  # type: ignore[method-assign]
    page.view.setCurrentIndex(page.view.model().index(0, 0))
    page.open_current()
    assert service.get_registration(demo_db, row.id).effect == "Hiệu quả rõ rệt"
    window.undo_action.trigger()
    assert service.get_registration(demo_db, row.id).effect == row.effect

    page.query.clear()
    type_text(page.query, "khongcogi xyz")
    page.run_search()
    assert page.model.rowCount() == 0 and "Không tìm thấy" in page.status.text()


def test_import_dialog_offers_new_units(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    rows = [dict(r, **{form.APPLIED_UNIT: ""}) for r in SAMPLE_ROWS]  # the letterhead names the unit
    path = write_xlsx(tmp_path / "moi.xlsx", rows, year=2026, unit_line="ĐƠN VỊ: Trường Mầm non Sao Sáng")
    dialog = RegistrationImportDialog(demo_db, path, 2026, service.list_units(demo_db))
    qtbot.addWidget(dialog)
    settle(qtbot, dialog)
    assert not dialog.import_button.isEnabled()
    assert "Thêm đơn vị chưa có" in dialog.summary.text()
    dialog.create_units.setChecked(True)
    settle(qtbot, dialog)
    assert dialog.import_button.isEnabled()
    dialog.do_import()
    settle(qtbot, dialog)
    assert dialog.result is not None and dialog.result.units_created == ["Trường Mầm non Sao Sáng"]
