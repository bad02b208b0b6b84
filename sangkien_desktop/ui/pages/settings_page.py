"""The Cài đặt page: Hội đồng (settings with the live NĐ 30 header preview), Đơn vị (units catalog), Đợt
(rounds, their rules and status), Dữ liệu các năm trước (earlier years' decision lists imported), Dữ liệu
(where the data is; the move to a shared server)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ...services.rounds import RoundInfo
from ..context import AppContext
from .base import Page
from .settings_council import CouncilTab
from .settings_data import DataTab
from .settings_history import HistoryTab
from .settings_rounds import RoundsTab
from .settings_units import UnitsTab


class SettingsPage(Page):
    key = "settings"
    title = "Cài đặt"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.council = CouncilTab(ctx)
        self.units = UnitsTab(ctx)
        self.rounds = RoundsTab(ctx)
        self.history = HistoryTab(ctx)
        self.data = DataTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        self.tabs.addTab(self.council, "Hội đồng")
        self.tabs.addTab(self.units, "Đơn vị")
        self.tabs.addTab(self.rounds, "Đợt")
        self.tabs.addTab(self.history, "Dữ liệu các năm trước")
        self.tabs.addTab(self.data, "Dữ liệu")
        self.tabs.currentChanged.connect(lambda _=0: self.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        layout.addWidget(self.tabs, 1)
        self._loaded: set[int] = set()

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentWidget(
            {
                "council": self.council,
                "units": self.units,
                "rounds": self.rounds,
                "history": self.history,
                "data": self.data,
            }[name]
        )

    def refresh(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.council:
            if not self.council.dirty() or id(current) not in self._loaded:
                self.council.load()
        elif current is self.units:
            self.units.load()
        elif current is self.rounds:
            self.rounds.load()
        elif current is self.history:
            self.history.load()
        self._loaded.add(id(current))

    def on_round_changed(self, info: RoundInfo | None) -> None:
        if self.isVisible() and self.tabs.currentWidget() is self.rounds and info is not None:
            self.rounds.load(info.id)
