"""The In ấn & Xuất page."""

from __future__ import annotations

from .base import PlaceholderPage


class DocumentsPage(PlaceholderPage):
    key = "documents"
    title = "In ấn & Xuất"
    message = "In văn bản (phiếu chấm, biên bản, quyết định, giấy chứng nhận) và xuất Excel chưa có trong phiên bản này."
