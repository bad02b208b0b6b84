"""The Hồ sơ page and the intake dialog, driven with the keyboard (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import DossierStatus
from sangkien_desktop.models import Dossier, Registration
from sangkien_desktop.services import intake
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs.dossier_dialog import DossierDialog
from sangkien_desktop.ui.dialogs.dossier_status import DossierStatusDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import dossiers_page
from sangkien_desktop.ui.pages.dossiers_page import DossiersPage
from tests.helpers.qt import press, type_text

TODAY = dt.date(2026, 11, 23)
K = Qt.Key


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "today", lambda: TODAY)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, *a, **k: shown.append(str(err)))
    return shown


@pytest.fixture
def page(window: MainWindow) -> Iterator[DossiersPage]:
    window.show_page("dossiers")
    window.round_combo.setCurrentIndex(0)  # Đợt 2 năm 2026
    page = window.page("dossiers")
    assert isinstance(page, DossiersPage)
    yield page


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def keys(text: str) -> None:
    """Type into whatever has the focus, as a person would."""
    for ch in text:
        type_text(focused(), ch)


def key(k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    press(focused(), k, modifiers)


def open_dialog(qtbot: QtBot, db: Database, round_id: int) -> DossierDialog:
    dialog = DossierDialog(db, round_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.receipt_no)
    return dialog


def round2(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(Dossier.round_id).where(Dossier.receipt_no == 41)) or 0


def free_registration(db: Database) -> tuple[int, str]:
    with db.reading() as s:
        linked = select(Dossier.registration_id).where(Dossier.registration_id.is_not(None))
        reg = s.scalars(
            select(Registration).where(Registration.id.not_in(linked)).order_by(Registration.id)
        ).first()
        assert reg is not None
        return reg.id, reg.title


def test_keyboard_intake_saves_dossier_with_all_authors(
    qtbot: QtBot, demo_db: Database, errors: list[str]
) -> None:
    dialog = open_dialog(qtbot, demo_db, round2(demo_db))
    assert dialog.receipt_no.value() == 61 and "HS26-061" in dialog.code_label.text()
    key(K.Key_Return)  # keep the number
    assert focused() is dialog.received_on
    key(K.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys("20/11")  # the year is the round's
    key(K.Key_Return)
    assert focused() is dialog.registration
    key(K.Key_Tab)  # not registered: allowed, flagged
    assert focused() is dialog.unit
    keys("phong van hoa")  # accents not needed
    qtbot.waitUntil(dialog.unit.popup_visible)
    popup = dialog.unit.completer_.popup()
    press(popup, K.Key_Down)  # the keyboard goes to the open list
    press(popup, K.Key_Return)
    assert dialog.unit.text() == "Phòng Văn hóa - Xã hội"
    assert not dialog.unit.popup_visible()
    assert focused() is dialog.title_edit  # a pick moves on by itself
    keys("Số hóa sổ theo dõi hộ nghèo, hộ cận nghèo")
    key(K.Key_Return)
    assert focused() is dialog.kind
    key(K.Key_Down)
    key(K.Key_Down)  # Giải pháp quản lý
    key(K.Key_Return)
    assert focused() is dialog.field_combo
    key(K.Key_Return)
    assert focused() is dialog.first_applied
    keys("01/3/2026")
    key(K.Key_Return)
    assert focused() is dialog.delivered_by
    keys("Lê Thị Hoa")
    key(K.Key_Return)
    keys("0912345678")
    key(K.Key_Return)
    assert focused() is dialog.authors
    assert (dialog.authors.currentRow(), dialog.authors.currentColumn()) == (0, 0)
    for cells in (
        [
            "Lê Thị Hoa",
            "12/05/1988",
            "Nữ",
            "Phòng Văn hóa - Xã hội",
            "Chuyên viên",
            "Cử nhân Xã hội học",
            "60",
        ],
        ["Trần Văn Bình", "02/01/1979", "nam", "Trạm Y tế phường Tam Điệp", "Y sĩ", "Cao đẳng Y", "40"],
    ):
        for text in cells:
            keys(text)  # typing opens the cell's editor
            key(K.Key_Return)  # commit and move on (a new row after the last cell)
    assert dialog.total_label.text() == "Tổng tỷ lệ đóng góp: 100% ✓"
    assert dialog.authors.rowCount() == 3  # the empty third row is ignored
    assert dialog.status_preview.text().startswith("Khi lưu: «Đủ»")
    # untick "Minh chứng hiệu quả áp dụng" with the space bar
    dialog.checklist.setFocus()
    dialog.checklist.setCurrentCell(3, 0)
    key(K.Key_Space)
    assert "Minh chứng hiệu quả áp dụng" in dialog.status_preview.text()
    key(K.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save
    assert errors == []
    assert dialog.result is not None and dialog.result.code == "HS26-061"

    d = intake.get_dossier(demo_db, "HS26-061")
    assert d.title == "Số hóa sổ theo dõi hộ nghèo, hộ cận nghèo"
    assert d.unit_name == "Phòng Văn hóa - Xã hội" and d.received_on == dt.date(2026, 11, 20)
    assert d.kind is not None and d.kind.value == "quan_ly"
    assert d.first_applied_on == dt.date(2026, 3, 1)
    assert d.delivered_by == "Lê Thị Hoa" and d.delivered_phone == "0912345678"
    assert not d.registered
    assert [
        (a.full_name, a.birth_date, a.workplace, a.job_title, a.qualification, a.contribution)
        for a in d.authors
    ] == [
        (
            "Lê Thị Hoa",
            dt.date(1988, 5, 12),
            "Phòng Văn hóa - Xã hội",
            "Chuyên viên",
            "Cử nhân Xã hội học",
            Decimal("60.00"),
        ),
        (
            "Trần Văn Bình",
            dt.date(1979, 1, 2),
            "Trạm Y tế phường Tam Điệp",
            "Y sĩ",
            "Cao đẳng Y",
            Decimal("40.00"),
        ),
    ]
    assert [a.gender for a in d.authors] == ["Nữ", "Nam"]  # "nam" typed, spelled as stored
    assert d.status is DossierStatus.INCOMPLETE and d.missing == ["Minh chứng hiệu quả áp dụng"]


def test_dialog_refuses_90_percent_and_keeps_the_form(
    qtbot: QtBot, demo_db: Database, errors: list[str]
) -> None:
    dialog = open_dialog(qtbot, demo_db, round2(demo_db))
    reg_id, title = free_registration(demo_db)
    dialog.registration.setFocus()
    keys(" ".join(title.split()[:4]))
    qtbot.waitUntil(dialog.registration.popup_visible)
    hits = dialog.registration.results()
    dialog.registration.choose(next(i for i, h in enumerate(hits) if h.id == reg_id))
    assert dialog.registration_id == reg_id
    assert focused() is dialog.kind  # unit, title and authors came from the registration
    assert dialog.title_edit.text() == title and dialog.unit_id is not None
    assert "Đã gắn" in dialog.reg_flag.text()
    rows = dialog.authors.rowCount()
    assert dialog.authors.has_names()
    dialog.authors.set_authors(
        [
            intake.AuthorInput("Vũ Văn An", dt.date(1980, 1, 1), contribution="50"),
            intake.AuthorInput("Đỗ Thị Bé", dt.date(1985, 2, 2), contribution="40"),
        ]
    )
    assert "90% — phải bằng đúng 100%" in dialog.total_label.text()
    before = _count(demo_db)
    assert dialog.save() is False
    assert len(errors) == 1 and "phải bằng đúng 100% (đang là 90%)" in errors[0]
    assert dialog.isVisible() and _count(demo_db) == before
    assert rows >= 1


def test_dialog_refuses_duplicate_receipt_number(qtbot: QtBot, demo_db: Database, errors: list[str]) -> None:
    dialog = open_dialog(qtbot, demo_db, round2(demo_db))
    dialog.receipt_no.setValue(7)
    dialog.unit.setFocus()
    keys("Trạm Y tế")
    qtbot.waitUntil(dialog.unit.popup_visible)
    dialog.unit.choose(0)
    dialog.title_edit.setText("Sổ tiêm chủng điện tử")
    dialog.authors.set_authors([intake.AuthorInput("Hoàng Thị Mai", dt.date(1990, 3, 3))])
    before = _count(demo_db)
    assert dialog.save() is False
    assert "số 7 của năm 2026 đã dùng cho hồ sơ HS26-007" in errors[0]
    assert focused() is dialog.receipt_no
    assert _count(demo_db) == before


def _count(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(Dossier.id))) or 0


def _accept_later(qtbot: QtBot, cls: type[QDialog], act: object) -> None:
    """When a dialog of ``cls`` opens (modal), run ``act(dialog)`` on it."""

    def poll() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, cls) and w.isVisible():
                act(w)  # type: ignore[operator]
                return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_page_lists_filters_and_undoes(
    qtbot: QtBot, window: MainWindow, page: DossiersPage, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert page.model.rowCount() == 20
    assert "20/20 hồ sơ" in page.count_label.text()
    page.status_filter.setCurrentIndex(page.status_filter.findData(DossierStatus.INCOMPLETE.value))
    assert page.model.rowCount() == 2
    page.status_filter.setCurrentIndex(0)
    page.unregistered_only.setChecked(True)
    assert all(not r.registered for r in page.model.records()) and page.model.rowCount() == 3
    page.unregistered_only.setChecked(False)
    page.search.setText("hs26-045")
    assert [r.code for r in page.model.records()] == ["HS26-045"]
    assert "HS26-045" in page.detail_view.toPlainText()
    assert "Minh chứng hiệu quả áp dụng" in page.detail_view.toPlainText()

    # change the status through the dialog, then undo it with Ctrl+Z
    def act(dialog: DossierStatusDialog) -> None:
        dialog.choose(DossierStatus.VALID)
        dialog.save()

    _accept_later(qtbot, DossierStatusDialog, act)
    page.change_status()
    assert intake.get_dossier(demo_db, "HS26-045").status is DossierStatus.VALID
    window.undo_action.trigger()
    assert intake.get_dossier(demo_db, "HS26-045").status is DossierStatus.INCOMPLETE
    window.redo_action.trigger()
    assert intake.get_dossier(demo_db, "HS26-045").status is DossierStatus.VALID


def test_page_clock_filter(page: DossiersPage, window: MainWindow) -> None:
    window.round_combo.setCurrentIndex(1)  # Đợt 1: no council decision yet, past 3 months
    page.clock_filter.setCurrentIndex(page.clock_filter.findData("decision_overdue"))
    rows = page.model.records()
    assert rows and all(r.accepted_on is not None for r in rows)
    page.clock_filter.setCurrentIndex(page.clock_filter.findData("late_application"))
    assert all(
        r.first_applied_on is not None and (r.received_on - r.first_applied_on).days > 365
        for r in page.model.records()
    )


def test_new_dossier_from_page_is_undoable(
    qtbot: QtBot, window: MainWindow, page: DossiersPage, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def act(dialog: DossierDialog) -> None:
        dialog.unit_id = intake.get_dossier(demo_db, "HS26-041").unit_id
        dialog.unit.setText("x")
        dialog.title_edit.setText("Đổi mới tiếp công dân")
        dialog.authors.set_authors([intake.AuthorInput("Hoàng Thị Mai", dt.date(1990, 3, 3))])
        dialog.save()

    _accept_later(qtbot, DossierDialog, act)
    before = _count(demo_db)
    page.new_dossier()
    assert _count(demo_db) == before + 1
    assert page.current() is not None and page.current().code == "HS26-061"  # type: ignore[union-attr]
    assert "Đã lưu hồ sơ HS26-061" in page.message.text()
    window.undo_action.trigger()
    assert _count(demo_db) == before
    window.redo_action.trigger()
    assert _count(demo_db) == before + 1


def test_receipt_preview_from_page(qtbot: QtBot, page: DossiersPage, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, str, str]] = []
    monkeypatch.setattr(
        dossiers_page, "preview_pdf", lambda parent, pdf, title, name: seen.append((pdf, title, name))
    )
    page.search.setText("HS26-045")
    page.print_receipt()  # built on a worker thread with a progress dialog
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=30_000)
    assert seen and seen[0][0].startswith(b"%PDF") and seen[0][2] == "giay-bien-nhan-HS26-045.pdf"
    page.preview_book()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=30_000)
    assert seen[1][1] == "Sổ tiếp nhận — Đợt 2 năm 2026"


def test_delete_asks_and_undoes(
    page: DossiersPage,
    window: MainWindow,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
) -> None:
    result = intake.receive(
        demo_db,
        intake.DossierInput(
            round_id=window.ctx.round_id or 0,
            unit_id=intake.get_dossier(demo_db, "HS26-041").unit_id,
            title="Nhập nhầm",
            received_on=TODAY,
            authors=[intake.AuthorInput("Hoàng Thị Mai", dt.date(1990, 3, 3))],
        ),
    )
    page.refresh()
    page.search.setText(result.code)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: False)
    page.delete_current()
    assert intake.get_dossier(demo_db, result.code)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.delete_current()
    assert "Đã xóa hồ sơ" in page.message.text()
    window.undo_action.trigger()
    assert intake.get_dossier(demo_db, result.code).title == "Nhập nhầm"
    page.search.setText("HS26-041")
    page.delete_current()  # scored: refused
    assert errors and "đã có điểm chấm" in errors[-1]


def test_status_dialog_asks_for_what_each_status_needs(
    qtbot: QtBot, page: DossiersPage, demo_db: Database, errors: list[str]
) -> None:
    assert not page.grab().isNull()
    status = DossierStatusDialog(demo_db, intake.get_dossier(demo_db, "HS26-045"), today=TODAY)
    qtbot.addWidget(status)
    status.choose(DossierStatus.INCOMPLETE)
    assert status.note.text() == "Còn thiếu: Minh chứng hiệu quả áp dụng"
    assert status.date.text() == "06/10/2026"  # the date already asked
    status.choose(DossierStatus.INVALID)
    assert not status.date.isEnabled()
    status.note.clear()
    status.save()
    assert errors and "ghi lý do hồ sơ không hợp lệ" in errors[0]
    assert intake.get_dossier(demo_db, "HS26-045").status is DossierStatus.INCOMPLETE
    type_text(status.note, "Trùng sáng kiến đã công nhận năm 2024")
    status.save()
    assert status.result is not None and status.result.status is DossierStatus.INVALID
    assert intake.get_dossier(demo_db, "HS26-045").status_note == "Trùng sáng kiến đã công nhận năm 2024"
