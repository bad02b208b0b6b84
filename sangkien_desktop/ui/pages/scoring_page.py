"""The Chấm điểm page."""

from __future__ import annotations

from .base import PlaceholderPage


class ScoringPage(PlaceholderPage):
    key = "scoring"
    title = "Chấm điểm"
    message = "Nhập phiếu chấm điểm chưa có trong phiên bản này."
