"""Cài đặt → Dữ liệu: the network-folder notice (also in the status bar) and the move to a server."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from sangkien_desktop.db import network
from sangkien_desktop.db.database import NETWORK_NOTICE, Database, moved_note
from sangkien_desktop.services import demo
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.settings_data import DataTab


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    return window


def _data_tab(window: MainWindow) -> DataTab:
    page = window.page("settings")
    window.show_page("settings")
    page.show_tab("data")  # type: ignore[attr-defined]
    return page.data  # type: ignore[attr-defined,no-any-return]


def test_local_file(qtbot: QtBot, demo_db: Database) -> None:
    tab = _data_tab(_window(qtbot, demo_db))
    assert not tab.notice.isVisible()
    assert tab.move_button.isEnabled() == demo_db.is_sqlite


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fakes /proc/mounts")
def test_network_file_shows_the_notice(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "so-lieu"
    folder.mkdir()
    (tmp_path / "mounts").write_text(f"/dev/vda / ext4 rw 0 0\n//may-chu/so-lieu {folder} cifs rw 0 0\n")
    monkeypatch.setattr(network, "MOUNTS_FILE", tmp_path / "mounts")
    db = Database.open(folder / "sangkien.db")
    try:
        window = _window(qtbot, db)
        label = window.db_label
        assert "chỉ một máy dùng được một lúc" in label.text() and NETWORK_NOTICE in label.toolTip()
        tab = _data_tab(window)
        assert tab.notice.isVisible() and NETWORK_NOTICE in tab.notice.text()
        assert "move-to" in tab.notice.text()
        window.close()
    finally:
        db.dispose()


def test_bad_address_is_explained(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if not demo_db.is_sqlite:
        pytest.skip("SQLite only")
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _parent, error, *a, **k: shown.append(str(error)))
    tab = _data_tab(_window(qtbot, demo_db))
    tab.url_edit.setText("mysql://thuky@may-chu/sangkien")
    tab.move_button.click()
    assert shown and "Chỉ chuyển được lên máy chủ PostgreSQL" in shown[0]


def test_move_from_the_settings_page(
    qtbot: QtBot, server_url: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.open(tmp_path / "sangkien.db")
    demo.create_demo(db, dossiers=4)
    told: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(messages, "show_info", lambda _parent, text, *a, **k: told.append(text))
    try:
        window = _window(qtbot, db)
        tab = _data_tab(window)
        target = server_url.render_as_string(hide_password=False)
        tab.url_edit.setText(target)
        tab.move_button.click()
        qtbot.waitUntil(lambda: bool(told), timeout=60_000)
        assert f"SANGKIEN_DB_URL={target}" in told[0] and "Phần mềm sẽ đóng" in told[0]
        assert f"SANGKIEN_DB_URL={target}" in tab.result.toPlainText()
        assert not window.isVisible()
    finally:
        db.dispose()
    path = tmp_path / "sangkien.db"
    assert moved_note(path).is_file() and not path.stat().st_mode & stat.S_IWUSR
