"""Tổng quan: real counts from the database and the selected round's progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import DossierStatus, RoundStatus
from ...services import settings as settings_service
from ...services import stats as stats_service
from ..context import AppContext
from .base import Page

CARDS = (
    ("units", "Đơn vị"),
    ("registrations", "Đăng ký"),
    ("dossiers", "Hồ sơ"),
    ("members", "Thành viên Hội đồng"),
    ("scores", "Điểm đã nhập"),
    ("rounds", "Đợt"),
)


class _Card(QFrame):
    def __init__(self, key: str, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(150)
        layout = QVBoxLayout(self)
        self.value = QLabel("–")
        self.value.setObjectName(f"count_{key}")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label = QLabel(caption)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.value)
        layout.addWidget(label)


class OverviewPage(Page):
    key = "overview"
    title = "Tổng quan"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        self.council_label = QLabel()
        self.council_label.setObjectName("council_name")
        layout.addWidget(self.council_label)

        grid = QGridLayout()
        self.cards: dict[str, _Card] = {}
        for i, (key, caption) in enumerate(CARDS):
            card = _Card(key, caption)
            self.cards[key] = card
            grid.addWidget(card, i // 3, i % 3)
        layout.addLayout(grid)

        self.round_box = QGroupBox("Đợt đang chọn")
        box = QVBoxLayout(self.round_box)
        self.round_label = QLabel()
        self.round_label.setObjectName("round_summary")
        self.round_label.setWordWrap(True)
        box.addWidget(self.round_label)
        self.progress = QProgressBar()
        self.progress.setObjectName("scoring_progress")
        self.progress.setFormat("Phiếu chấm đã nhập: %v/%m")
        box.addWidget(self.progress)
        layout.addWidget(self.round_box)
        layout.addStretch(1)

    def refresh(self) -> None:
        settings = settings_service.get_all(self.ctx.db)
        self.council_label.setText(
            f"{settings.get('council_name', '')} — {settings.get('issuing_parent', '')}".strip(" —")
        )
        counts = stats_service.get_stats(self.ctx.db).as_dict()
        for key, card in self.cards.items():
            card.value.setText(f"{counts[key]:,}".replace(",", "."))
        info = self.ctx.round
        if info is None:
            self.round_label.setText(
                "Chưa có đợt nào. Hãy tạo đợt trong trang Cài đặt (hoặc dùng dữ liệu mẫu)."
            )
            self.progress.setFormat("Chưa có đợt")
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            return
        summary = stats_service.round_summary(self.ctx.db, info.id)
        parts = [f"{DossierStatus(k).label}: {v}" for k, v in summary.by_status.items() if v]
        self.round_label.setText(
            f"<b>{summary.label}</b> — {RoundStatus(summary.status).label}<br>"
            f"{summary.dossiers} hồ sơ ({'; '.join(parts) or 'chưa có hồ sơ'}); "
            f"{summary.members} thành viên Hội đồng; {summary.assignments} lượt phân công chấm."
        )
        if summary.assignments:
            self.progress.setFormat("Phiếu chấm đã nhập: %v/%m")
            self.progress.setRange(0, summary.assignments)
            self.progress.setValue(summary.scored_assignments)
        else:  # not "0/1": nothing is assigned yet
            self.progress.setFormat("Chưa phân công chấm")
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
