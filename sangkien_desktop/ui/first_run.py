"""What happens when the app opens an empty database: the first-run wizard (issue 9)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QStatusBar, QWidget

from .context import AppContext


class FirstRunWindow(Protocol):
    """What the first-run flow needs of the window it runs over (the main window, which imports this
    module: this module never imports the main window)."""

    ctx: AppContext
    demoRequested: SignalInstance

    def statusBar(self) -> QStatusBar: ...

    def reload_rounds(self, select_id: int | None = None) -> None: ...


def run_first_run(window: FirstRunWindow) -> str:
    """Called once, right after the main window is shown on an empty database (and from Cài đặt).

    Returns "demo" (the demo asked for), "setup" (council set up) or "" (postponed)."""
    from .dialogs.first_run_wizard import FirstRunWizard

    wizard = FirstRunWizard(window.ctx.db, window if isinstance(window, QWidget) else None)
    if not wizard.exec():
        window.statusBar().showMessage(
            "Chưa thiết lập Hội đồng. Mở lại trình hướng dẫn ở trang Cài đặt khi cần.", 8000
        )
        return ""
    if wizard.choice == "demo":
        window.demoRequested.emit()  # a window of its own on demo.db: this database stays empty
        return "demo"
    window.reload_rounds(wizard.saved_round_id)
    window.ctx.notify("all")
    window.statusBar().showMessage("Đã lưu cài đặt Hội đồng.", 5000)
    return "setup"
