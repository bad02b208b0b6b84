"""CLI commands for Hội đồng, chấm điểm, xếp loại (grade, grade-sheet) — issue 5."""

from __future__ import annotations

from .common import Registry


def register(reg: Registry) -> None:
    """Not built yet (issue 5)."""
