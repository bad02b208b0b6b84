"""The Kết quả page."""

from __future__ import annotations

from .base import PlaceholderPage


class ResultsPage(PlaceholderPage):
    key = "results"
    title = "Kết quả"
    message = "Xếp loại và danh sách kết quả chưa có trong phiên bản này."
