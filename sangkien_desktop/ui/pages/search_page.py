"""The Tra cứu page."""

from __future__ import annotations

from .base import PlaceholderPage


class SearchPage(PlaceholderPage):
    key = "search"
    title = "Tra cứu"
    message = "Tra cứu sáng kiến qua các năm chưa có trong phiên bản này."
