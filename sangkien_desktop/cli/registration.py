"""CLI commands for đăng ký (import/export registrations, search) — issue 3."""

from __future__ import annotations

from .common import Registry


def register(reg: Registry) -> None:
    """Not built yet (issue 3)."""
