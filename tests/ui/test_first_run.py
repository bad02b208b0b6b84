"""Acceptance of issue 9: on an empty database the wizard is completed with the keyboard, a round is created
by copying the previous one, and the next document rendered carries the new issuing body and place name."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.models import Round, UnitType
from sangkien_desktop.services import intake, letterhead, receipts, rounds, settings, units
from sangkien_desktop.services.pdf import build_pdf, header_block
from sangkien_desktop.ui import first_run, messages
from sangkien_desktop.ui.dialogs import first_run_wizard
from sangkien_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from sangkien_desktop.ui.dialogs.new_round_dialog import NewRoundDialog
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import settings_units
from tests.helpers.qt import type_text

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing")


def pdf_words(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def key(qtbot: QtBot, k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), k, mod)


def replace_text(qtbot: QtBot, text: str) -> None:
    """Select what the focused field holds and type over it."""
    key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(focused(), text)


def drive_wizard_by_keyboard(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert focused() is wizard.button(wizard.WizardButton.NextButton)
    key(qtbot, Qt.Key.Key_Return)  # "Thiết lập Hội đồng của tôi": Tiếp
    assert wizard.currentId() == first_run_wizard.PAGE_COUNCIL
    assert focused().objectName() == "setting_issuing_parent"
    type_text(focused(), "Ủy ban nhân dân xã Vạn Phúc")
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_issuing_body"  # keeps "HỘI ĐỒNG SÁNG KIẾN"
    key(qtbot, Qt.Key.Key_Tab)
    replace_text(qtbot, "Hội đồng Sáng kiến xã Vạn Phúc")
    key(qtbot, Qt.Key.Key_Tab)  # council level: keep "Cấp xã/phường"
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_place_name"
    next_button = wizard.button(wizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # the place name is required
    type_text(focused(), "Vạn Phúc")
    assert next_button.isEnabled()
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == first_run_wizard.PAGE_SIGNERS
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_chair_name"
    type_text(focused(), "Nguyễn Văn An")
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_secretary_name"
    type_text(focused(), "Trần Thị Bình")
    key(qtbot, Qt.Key.Key_Return)
    # who issues the recognition decision, and who signs it (a deputy signing KT.)
    assert wizard.currentId() == first_run_wizard.PAGE_ISSUER
    assert focused().objectName() == "setting_decision_issuer"
    for _ in range(4):
        key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_head_signs"
    key(qtbot, Qt.Key.Key_Down)  # "Cấp phó ký thay (KT.)"
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_deputy_name"
    type_text(focused(), "Phạm Thị Dung")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == first_run_wizard.PAGE_DOCUMENTS
    assert focused().objectName() == "setting_legal_bases"
    key(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(focused(), "\nCăn cứ Kế hoạch số 12/KH-UBND ngày 10/3/2026 của UBND xã Vạn Phúc")
    key(qtbot, Qt.Key.Key_Tab)  # number mode
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "setting_suffix_decision"
    replace_text(qtbot, "/QĐ-HĐSK")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == first_run_wizard.PAGE_ROUND
    assert focused().objectName() == "create_round"
    key(qtbot, Qt.Key.Key_Tab)
    assert focused().objectName() == "round_year"
    key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "2026")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == first_run_wizard.PAGE_FINISH
    qtbot.keyClick(wizard.button(wizard.WizardButton.FinishButton), Qt.Key.Key_Return)


@needs_pdftotext
def test_first_run_by_keyboard_then_copy_round_then_document(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_run_wizard, "today", lambda: dt.date(2026, 3, 1))
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.round_combo.count() == 0

    def run(wizard: FirstRunWizard) -> int:
        drive_wizard_by_keyboard(qtbot, wizard)
        return int(wizard.result())

    monkeypatch.setattr(FirstRunWizard, "exec", run)
    assert first_run.run_first_run(window) == "setup"

    with db.reading() as s:
        values = settings.load(s)
        assert values["issuing_parent"] == "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC"
        assert values["place_name"] == "Vạn Phúc"
        assert values["chair_name"] == "Nguyễn Văn An" and values["secretary_name"] == "Trần Thị Bình"
        assert values["decision_issuer"] == "body" and values["head_signs"] == "deputy"
        assert values["deputy_name"] == "Phạm Thị Dung"
        assert values["suffix_decision"] == "QĐ-HĐSK"
        assert values["legal_bases"].endswith("của UBND xã Vạn Phúc")
        assert s.scalar(select(func.count(UnitType.id))) == 8
        first = rounds.find_round(s, "2026/1")
        assert first.status is RoundStatus.OPEN
        first_id = first.id
    assert window.round_combo.count() == 1 and window.ctx.round is not None

    # a second round, copied from the first one in one action (Cài đặt → Đợt → Tạo đợt mới…)
    page = window.page("settings")
    window.show_page("settings")
    page.show_tab("rounds")  # type: ignore[attr-defined]

    def fill(dialog: object) -> bool:
        assert isinstance(dialog, NewRoundDialog)
        assert (dialog.year.value(), dialog.number.value()) == (2026, 2)
        assert dialog.source.currentData() == first_id  # last round suggested as the source
        return True

    monkeypatch.setattr(settings_units, "exec_dialog", fill)
    new_id = page.rounds.new_round()  # type: ignore[attr-defined]
    assert new_id is not None
    with db.reading() as s:
        second = s.get(Round, new_id)
        assert second is not None and second.label == "Đợt 2 năm 2026"
        assert rounds.setup_of(second).rubric == rounds.setup_of(rounds.find_round(s, "2026/1")).rubric
    assert window.round_combo.count() == 2

    # the next document rendered carries the new issuing body and place name
    page.show_tab("council")  # type: ignore[attr-defined]
    page.council.preview.show_preview()  # type: ignore[attr-defined]  (drawn once asked for)
    text = pdf_words(page.council.preview.pdf, tmp_path)  # type: ignore[attr-defined]
    assert "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC" in text
    assert "HỘI ĐỒNG SÁNG KIẾN" in text
    assert "Vạn Phúc, ngày" in text
    assert "Nguyễn Văn An" in text and "12/KH-UBND" in text
    # … and so does a real document of the year: the receipt of the first dossier of the copied round
    with db.session() as s:
        unit = units.create_unit(s, "Trường THCS Vạn Phúc")
        unit_id = unit.id
    saved = intake.receive(
        db,
        intake.DossierInput(
            round_id=new_id,
            unit_id=unit_id,
            title="Ứng dụng mã QR tra cứu hồ sơ",
            received_on=dt.date(2026, 9, 8),
            authors=[intake.AuthorInput("Lê Thị Hoa", contribution=Decimal(100), unit_id=unit_id)],
        ),
    )
    text = pdf_words(receipts.receipt_pdf(db, saved.dossier_id), tmp_path)
    assert "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC" in text and "HỘI ĐỒNG SÁNG KIẾN" in text
    assert "Vạn Phúc, ngày 08 tháng 9 năm 2026" in text and "/BN-HĐSK" in text
    with db.reading() as s:
        until = rounds.find_round(s, "2026/2").receive_until
        info = letterhead.header_info(s, "suffix_decision", number=4, date=until, year=2026)
    text = pdf_words(build_pdf([header_block(info)], title="Quyết định"), tmp_path)
    assert "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC" in text and "Số: 04/QĐ-HĐSK" in text and "Vạn Phúc, ngày" in text


def test_wizard_demo_choice(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()

    def run(wizard: FirstRunWizard) -> int:
        wizard.show()
        wizard.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        key(qtbot, Qt.Key.Key_Tab)  # Tiếp → Để sau
        key(qtbot, Qt.Key.Key_Tab)
        assert focused().objectName() == "choice_demo"
        key(qtbot, Qt.Key.Key_Space)  # "Dùng dữ liệu mẫu"
        return int(wizard.result())

    monkeypatch.setattr(FirstRunWizard, "exec", run)
    with qtbot.waitSignal(window.demoRequested):  # the demo opens in a window and file of its own
        assert first_run.run_first_run(window) == "demo"
    assert window.round_combo.count() == 0  # this database stays empty


def test_wizard_from_settings_on_a_used_database(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = FirstRunWizard(demo_db)
    qtbot.addWidget(wizard)
    intro = wizard.page(first_run_wizard.PAGE_INTRO)
    assert not intro.demo_button.isEnabled()  # type: ignore[attr-defined]
    assert wizard.fields.value("place_name") == "Tam Điệp"  # current values are loaded
    assert not wizard.round_page.create.isChecked()  # rounds exist already
    wizard.fields.editor("place_name").setText("Tam Điệp mới")  # type: ignore[attr-defined]
    wizard.accept()
    assert wizard.choice == "setup"
    with demo_db.reading() as s:
        assert settings.load(s)["place_name"] == "Tam Điệp mới"
        assert s.scalar(select(func.count(Round.id))) == 2


def test_wizard_errors_keep_it_open(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, e, *a: shown.append(str(e)))
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.fields.editor("suffix_decision").setText("QĐ HĐSK")  # type: ignore[attr-defined]
    wizard.accept()
    assert wizard.choice == "" and shown and "Ký hiệu quyết định" in shown[0]
    with db.reading() as s:
        assert not settings.is_configured(s)


@pytest.mark.parametrize(
    ("today", "year", "deadline"),
    [
        (dt.date(2026, 12, 6), None, dt.date(2027, 4, 10)),  # issue 18: 06/12 must not give 10/04 gone by
        (dt.date(2026, 12, 6), 2026, dt.date(2026, 12, 31)),
        (dt.date(2026, 12, 31), 2026, dt.date(2027, 1, 30)),
        (dt.date(2026, 5, 2), None, dt.date(2026, 10, 10)),
        (dt.date(2026, 5, 2), 2027, dt.date(2027, 4, 10)),
    ],
)
def test_first_round_deadline_is_ahead(today: dt.date, year: int | None, deadline: dt.date) -> None:
    assert first_run_wizard.first_round_deadline(today, year) == deadline


def test_wizard_round_dates_are_in_the_future(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_run_wizard, "today", lambda: dt.date(2026, 12, 6))
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    page = wizard.round_page
    assert page.year.value() == 2027 and page.until.date().toPython() == dt.date(2027, 4, 10)
    page.year.setValue(2026)  # this year: the last day of the year, still ahead
    assert page.until.date().toPython() == dt.date(2026, 12, 31)
    assert page.year.minimum() == 2026 and page.until.minimumDate().toPython() == dt.date(2026, 12, 7)
    page.year.setValue(2028)
    assert page.until.date().toPython() == dt.date(2028, 4, 10)
    wizard.accept()
    with db.reading() as s:
        assert rounds.find_round(s, "2028/1").receive_until == dt.date(2028, 4, 10)


def test_wizard_asks_who_issues_and_signs_the_decision(qtbot: QtBot, db: Database) -> None:
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    page = wizard.page(first_run_wizard.PAGE_ISSUER)
    for key_name in ("decision_issuer", "head_signs", "deputy_title", "deputy_name", "head_name"):
        assert page.isAncestorOf(wizard.fields.editor(key_name)), key_name
    assert not wizard.fields.editor("deputy_name").isEnabled()  # the head signs himself by default
    signs = wizard.fields.editor("head_signs")
    signs.setCurrentIndex(signs.findData("deputy"))  # type: ignore[attr-defined]
    assert wizard.fields.editor("deputy_name").isEnabled()
    wizard.fields.editor("decision_issuer").setCurrentIndex(1)  # type: ignore[attr-defined]
    wizard.accept()
    with db.reading() as s:
        assert settings.load(s)["decision_issuer"] == "council"
