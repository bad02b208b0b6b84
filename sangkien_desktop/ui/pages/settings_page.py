"""The Cài đặt page."""

from __future__ import annotations

from .base import PlaceholderPage


class SettingsPage(PlaceholderPage):
    key = "settings"
    title = "Cài đặt"
    message = "Cài đặt Hội đồng, danh mục đơn vị và các đợt chưa có trong giao diện của phiên bản này. Dùng dòng lệnh: sangkien rounds list."
