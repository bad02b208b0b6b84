"""Qt's own words in Vietnamese (resources/i18n/qt_vi.ts, compiled by pyside6-lrelease or read as it is), and the
GUI's command line in Vietnamese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTextEdit,
)
from pytestqt.qtbot import QtBot

from sangkien_desktop.ui import app as gui_app
from sangkien_desktop.ui import translation
from sangkien_desktop.ui.pages import PAGE_SPECS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vietnamese() -> Iterator[QTranslator]:
    translator = translation.load()
    assert translator is not None
    QApplication.installTranslator(translator)
    yield translator
    QApplication.removeTranslator(translator)


def test_ts_compiles_with_lrelease_to_the_same_words(tmp_path: Path) -> None:
    from scripts.build_translations import build, lrelease

    messages = translation.read_ts(translation.ts_file())
    assert len(messages) > 200 and all(messages.values())
    if lrelease() is None:
        pytest.skip("pyside6-lrelease missing")
    (qm,) = build(out=tmp_path)
    compiled = QTranslator()
    assert compiled.load(str(qm))
    for (context, source), text in messages.items():
        assert compiled.translate(context, source) == text, (context, source)


def test_buttons_menus_and_dialogs_speak_vietnamese(qtbot: QtBot, vietnamese: QTranslator) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Question, "t", "Xóa?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    )
    qtbot.addWidget(box)
    assert [b.text() for b in box.buttons()] == ["&Có", "&Không"]
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Close
    )
    qtbot.addWidget(buttons)
    assert {b.text() for b in buttons.buttons()} == {"Đồng ý", "Hủy", "Đóng"}

    for widget in (QLineEdit(), QTextEdit()):
        qtbot.addWidget(widget)
        menu = widget.createStandardContextMenu()
        texts = {a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()}
        assert {"&Hoàn tác", "&Sao chép", "&Dán", "Chọn tất cả"} <= texts, texts

    files = QFileDialog(None, "Chọn tệp")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(files)
    labels = {label.text() for label in files.findChildren(QLabel)}
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:"} <= labels, labels

    preview = QPrintPreviewDialog(QPrinter())
    qtbot.addWidget(preview)
    actions = {a.text() for a in preview.findChildren(QAction)}
    assert {"In", "Trang sau", "Phóng to", "Khổ dọc"} <= actions, actions
    assert QCoreApplication.translate("QPrintDialog", "Print") == "In"


def test_pyinstaller_spec_bundles_the_translation() -> None:
    spec = (ROOT / "build" / "pyinstaller.spec").read_text(encoding="utf-8")
    assert '"resources" / "i18n"' in spec and "build_translations()" in spec


def test_gui_help_is_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    text = gui_app.build_parser().format_help()
    assert text.startswith("Cách dùng: sangkien-desktop")
    assert not re.search(r"\b(usage|options|show|help message|exit)\b", text), text
    with pytest.raises(SystemExit) as exited:
        gui_app.build_parser().parse_args(["--page", "khong-co"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "không có trang 'khong-co'" in err and "Traceback" not in err
    assert all(spec.key in err for spec in PAGE_SPECS)
    assert gui_app.build_parser().parse_args(["--page", "results"]).page == "results"
