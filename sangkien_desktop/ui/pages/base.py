"""Base class of the pages in the main window, and the placeholder for pages not built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...services.rounds import RoundInfo
from ..context import AppContext


class Page(QWidget):
    """A page of the main window. Subclasses set ``key`` and ``title`` and build their widgets.

    ``on_round_changed`` is called when the user picks another round, ``refresh`` when the page is shown or
    data changed elsewhere.
    """

    key = ""
    title = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.key}")
        self.stale_round = False  # the round changed while the page was hidden: caught up when shown
        ctx.roundChanged.connect(self._round_changed)

    def _round_changed(self, info: RoundInfo | None) -> None:
        """Only the page in view reloads at once; a hidden page waits until it is shown (picking another
        round must not make every page built so far query the database)."""
        if self.isVisible():
            self.on_round_changed(info)
        else:
            self.stale_round = True

    def on_round_changed(self, info: RoundInfo | None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows from the database."""

    def heading(self, text: str | None = None) -> QLabel:
        label = QLabel(text or self.title)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        label.setFont(font)
        return label


class PlaceholderPage(Page):
    """A page whose feature is not built yet: it says so plainly and names the way around it."""

    message = "Chức năng này chưa có trong phiên bản này."

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        note = QLabel(self.message)
        note.setObjectName("placeholder_message")
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(note)
        layout.addStretch(1)
