"""CLI commands for tiếp nhận hồ sơ (dossiers list, receipt book, reconciliation) — issue 4."""

from __future__ import annotations

from .common import Registry


def register(reg: Registry) -> None:
    """Not built yet (issue 4)."""
