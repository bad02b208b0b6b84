"""The Sao lưu & Nhật ký page."""

from __future__ import annotations

from .base import PlaceholderPage


class SafetyPage(PlaceholderPage):
    key = "safety"
    title = "Sao lưu & Nhật ký"
    message = "Sao lưu, khôi phục và nhật ký thay đổi chưa có trong giao diện của phiên bản này. Cơ sở dữ liệu được tự sao lưu trước mỗi lần nâng cấp."
