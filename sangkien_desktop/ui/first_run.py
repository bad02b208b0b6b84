"""What happens when the app opens an empty database (issue 9 turns this into the first-run wizard)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .main_window import MainWindow


def run_first_run(window: MainWindow) -> None:
    """Called once, right after the main window is shown on an empty database."""
    window.offer_demo()
