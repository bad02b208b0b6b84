"""CLI commands for sao lưu, khôi phục, kiểm tra, chốt đợt (backup, restore, check) — issue 7."""

from __future__ import annotations

from .common import Registry


def register(reg: Registry) -> None:
    """Not built yet (issue 7)."""
