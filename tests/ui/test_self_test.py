from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from sangkien_desktop.ui.app import self_test


def test_gui_self_test_passes(qapp: QApplication, capsys: pytest.CaptureFixture[str]) -> None:
    assert self_test(qapp) == 0
    out = capsys.readouterr().out
    assert "PDF đọc lại đúng chữ tiếng Việt" in out
    assert "mọi thứ đều tốt" in out
