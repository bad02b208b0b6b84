"""A database that cannot be opened at start-up can be restored from a backup on the spot."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import SangKienError
from sangkien_desktop.services import backup, stats
from sangkien_desktop.services.demo import create_demo
from sangkien_desktop.ui import recovery


def test_damaged_file_is_restored_from_a_chosen_backup(qtbot: QtBot, tmp_path: Path) -> None:
    live = tmp_path / "sangkien.db"
    database = Database.open(live)
    create_demo(database, dossiers=12)
    good = backup.make_backup(database, dest=tmp_path / "backups" / "tot.db").file.path
    database.dispose()
    live.write_bytes(b"hong" * 1000)
    with pytest.raises(SangKienError) as caught:
        Database.open(live)
    assert recovery.can_recover(live)
    asked: list[str] = []
    picks = iter([None, tmp_path / "khong-co.db", good])

    def choose(text: str) -> bool:
        asked.append(text)
        return True

    opened = recovery.recover(live, caught.value, choose=choose, pick=lambda folder: next(picks))
    assert opened is not None
    try:
        assert stats.get_stats(opened).dossiers == 12
    finally:
        opened.dispose()
    assert "Khôi phục" in asked[0] or "bản sao lưu" in asked[0]
    assert any("Không khôi phục được từ khong-co.db" in t for t in asked)
    assert list((tmp_path / "backups").glob("*-tep-hong.db"))


def test_quitting_leaves_the_file_alone(tmp_path: Path) -> None:
    live = tmp_path / "sangkien.db"
    live.write_bytes(b"hong" * 1000)
    assert recovery.recover(live, SangKienError("hỏng"), choose=lambda t: False, pick=lambda f: None) is None
    assert live.read_bytes() == b"hong" * 1000
    assert not recovery.can_recover(tmp_path / "khong-co.db")
