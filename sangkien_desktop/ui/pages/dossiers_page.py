"""The Hồ sơ page."""

from __future__ import annotations

from .base import PlaceholderPage


class DossiersPage(PlaceholderPage):
    key = "dossiers"
    title = "Hồ sơ"
    message = (
        "Tiếp nhận hồ sơ (sổ tiếp nhận, giấy biên nhận, đối chiếu với đăng ký) chưa có trong phiên bản này."
    )
