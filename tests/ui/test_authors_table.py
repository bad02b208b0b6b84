"""The intake form's authors table tells the contribution total as the rows are typed."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidgetItem
from pytestqt.qtbot import QtBot

from sangkien_desktop.ui.dialogs.dossier_tables import NAME, SHARE, AuthorsTable


def test_a_name_typed_in_counts_as_an_author_at_once(qtbot: QtBot) -> None:
    table = AuthorsTable(lambda _text: [])
    qtbot.addWidget(table)
    said: list[str] = []
    table.totalChanged.connect(lambda text, _ok: said.append(text))
    table.setItem(0, NAME, QTableWidgetItem("Nguyễn Văn Test"))
    assert said[-1] == "Một tác giả: tỷ lệ đóng góp 100%."  # not "Chưa có tác giả." until the share
    table.setItem(0, SHARE, QTableWidgetItem("100"))
    assert said[-1].startswith("Tổng tỷ lệ đóng góp: 100")
