"""Đăng ký, Hồ sơ and Tra cứu after the move to ui/operations.Op (issue 21) and the walkthrough's small
things (issue 18): a multi-row delete and its undo are one transaction each way and restore exactly, Bộ phận
keeps its separators and is not an author's Chức danh, Tra cứu shows Mã hồ sơ, Ctrl+P on Hồ sơ works from
the navigation list, completers ignore accents, the form does not talk of "cột"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_rules as rules
from sangkien_desktop.models import Dossier, Registration
from sangkien_desktop.models.dossier import dossier_code
from sangkien_desktop.services import intake
from sangkien_desktop.services import registrations as service
from sangkien_desktop.services.registrations import RegistrationData
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.dialogs.dossier_dialog import DossierDialog
from sangkien_desktop.ui.dialogs.registration_dialog import RegistrationDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import dossiers_page
from sangkien_desktop.ui.pages.dossiers_page import DossiersPage
from sangkien_desktop.ui.pages.registration_page import RegistrationPage
from sangkien_desktop.ui.pages.search_page import SearchPage
from tests.helpers.qt import type_text


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    said: list[str] = []
    monkeypatch.setattr(messages, "show_info", lambda _p, text, *a, **k: said.append(str(text)))
    monkeypatch.setattr(messages, "show_error", lambda _p, err, *a, **k: said.append("LỖI: " + str(err)))
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    yield said


def _count_transactions(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = Database.session

    def counting(self: Database) -> AbstractContextManager[object]:
        if self is db:
            calls.append(1)
        return original(self)

    monkeypatch.setattr(Database, "session", counting)
    return calls


def test_multi_row_delete_and_its_undo_are_one_transaction_each(
    qtbot: QtBot, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_page("registrations")
    page = window.page("registrations")
    assert isinstance(page, RegistrationPage)
    qtbot.waitUntil(lambda: page.dup_job is None or page.dup_job.done, timeout=20_000)
    before = service.list_registrations(demo_db, 2026)
    free = [r for r in before if not r.dossiers][:3]
    assert len(free) == 3
    selection = page.view.selectionModel()
    selection.clear()
    for r in free:
        assert page.select_registration(r.id)
    monkeypatch.setattr(page.view, "selected_records", lambda: list(free))
    transactions = _count_transactions(demo_db, monkeypatch)
    page.delete()
    assert len(transactions) == 1
    assert len(service.list_registrations(demo_db, 2026)) == len(before) - 3
    transactions.clear()
    window.undo_action.trigger()
    assert len(transactions) == 1, "the undo puts every row back in one transaction"
    assert service.list_registrations(demo_db, 2026) == before  # same ids, same values
    transactions.clear()
    window.redo_action.trigger()
    assert len(transactions) == 1
    assert {r.id for r in free}.isdisjoint(r.id for r in service.list_registrations(demo_db, 2026))


def test_department_keeps_separators_and_is_not_a_job_title(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    unit = service.list_units(demo_db)[0]
    reg_id, _ = service.create(
        demo_db,
        RegistrationData(
            year=2026,
            unit_id=unit.id,
            title="Sổ tay điện tử theo dõi học sinh bán trú",
            authors_text="Lê Thị Mai",
            department="Tổ Toán\nTổ Tin",
        ),
    )
    with demo_db.reading() as s:
        (author,) = s.get(Registration, reg_id).authors  # type: ignore[union-attr]
        assert author.department == "Tổ Toán; Tổ Tin"  # one author, the whole cell with its separator
    (filled,) = intake.registration_authors(demo_db, reg_id)
    assert filled.job_title == ""  # Chức danh is not the Bộ phận
    window.show_page("registrations")
    page = window.page("registrations")
    assert isinstance(page, RegistrationPage)
    page.refresh()
    assert page.select_registration(reg_id)
    column = [c.title for c in page.model.columns].index("Bộ phận công tác")
    row = page.view.currentIndex().row()
    assert page.view.model().index(row, column).data() == "Tổ Toán; Tổ Tin"
    assert "Bộ phận: Tổ Toán; Tổ Tin" in page.detail.text()


def test_search_shows_the_dossier_code_of_a_registration(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    with demo_db.reading() as s:
        d = s.scalars(select(Dossier).where(Dossier.registration_id.is_not(None))).first()
        assert d is not None
        reg = s.get(Registration, d.registration_id)
        assert reg is not None
        title, reg_id, code = reg.title, reg.id, dossier_code(d.year, d.receipt_no)
    window.show_page("search")
    page = window.page("search")
    assert isinstance(page, SearchPage)
    page.query.setText(" ".join(title.split()[:6]))
    page.run_search()
    hit = next(
        page.model.record(r)
        for r in range(page.model.rowCount())
        if page.model.record(r).kind == "registration" and page.model.record(r).ref_id == reg_id
    )
    assert code in hit.code.split(", ")


def test_ctrl_p_on_dossiers_works_from_the_navigation_list(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(dossiers_page, "preview_pdf", lambda _p, _pdf, _title, name: seen.append(name))
    window.show_page("dossiers")
    page = window.page("dossiers")
    assert isinstance(page, DossiersPage) and page.current() is not None
    window.activateWindow()
    window.nav.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.nav)
    QTest.keyClick(window.nav, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    assert seen == [f"giay-bien-nhan-{page.current().code}.pdf"]  # type: ignore[union-attr]


def test_completers_ignore_accents(qtbot: QtBot, demo_db: Database) -> None:
    units = service.list_units(demo_db)
    dialog = RegistrationDialog(demo_db, units, year=2026)
    qtbot.addWidget(dialog)
    completer = dialog.unit.completer()
    completer.setCompletionPrefix("le hong phong")
    names = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert names == ["Trường THCS Lê Hồng Phong"]
    # the dossier form's Lĩnh vực
    dossier = DossierDialog(demo_db, _open_round(demo_db))
    qtbot.addWidget(dossier)
    field = dossier.field_combo.completer()
    field.setCompletionPrefix("giao duc")
    assert field.completionCount() >= 1
    assert field.completionModel().index(0, 0).data() == "Giáo dục và đào tạo"


def _open_round(db: Database) -> int:
    from sangkien_desktop.services import rounds

    return rounds.list_rounds(db)[0].id


def test_form_messages_do_not_say_column(qtbot: QtBot, demo_db: Database) -> None:
    units = service.list_units(demo_db)
    dialog = RegistrationDialog(demo_db, units, year=2026)
    qtbot.addWidget(dialog)
    dialog.unit.setCurrentIndex(0)
    dialog.title.setPlainText("Đổi mới " * (rules.MAX_TITLE_CHARS // 8 + 2))
    type_text(dialog.authors, "Lê Văn An")
    issues = dialog.check()
    assert any("dài bất thường" in i.message for i in issues)
    assert not any("cột" in i.text() for i in issues), [i.text() for i in issues]
