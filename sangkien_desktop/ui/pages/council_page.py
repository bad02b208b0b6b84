"""The Hội đồng page."""

from __future__ import annotations

from .base import PlaceholderPage


class CouncilPage(PlaceholderPage):
    key = "council"
    title = "Hội đồng"
    message = "Thành phần Hội đồng và phân công chấm chưa có trong phiên bản này."
