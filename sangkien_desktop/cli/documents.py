"""CLI commands for văn bản in và xuất Excel (export DOC, import scores) — issue 6."""

from __future__ import annotations

from .common import Registry


def register(reg: Registry) -> None:
    """Not built yet (issue 6)."""
