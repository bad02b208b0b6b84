"""The Đăng ký page."""

from __future__ import annotations

from .base import PlaceholderPage


class RegistrationPage(PlaceholderPage):
    key = "registrations"
    title = "Đăng ký"
    message = "Đăng ký sáng kiến của các đơn vị (nhập bảng TỔNG HỢP ĐĂNG KÝ, kiểm tra, in bảng tổng hợp) chưa có trong phiên bản này."
