"""CLI commands for cài đặt, danh mục đơn vị, tạo đợt (settings, units, rounds create) — issue 9."""

from __future__ import annotations

from .common import Registry


def register(reg: Registry) -> None:
    """Not built yet (issue 9)."""
