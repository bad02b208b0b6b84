"""What happens when the app opens an empty database: the first-run wizard (issue 9)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .main_window import MainWindow


def run_first_run(window: MainWindow) -> str:
    """Called once, right after the main window is shown on an empty database (and from Cài đặt).

    Returns "demo" (the demo asked for), "setup" (council set up) or "" (postponed)."""
    from .dialogs.first_run_wizard import FirstRunWizard

    wizard = FirstRunWizard(window.ctx.db, window)
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
