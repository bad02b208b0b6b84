"""Reads for the Hội đồng and Chấm điểm pages: each takes the ``Database`` and opens its own read
transaction (the pages open none)."""

from __future__ import annotations

from ..db.database import Database
from . import assignment, council
from .assignment import AutoPlan
from .council import CouncilSettings


def unit_choices(db: Database) -> list[tuple[int, str]]:
    """Active units (id, name) in name order, for the roster form."""
    with db.reading() as session:
        return council.unit_choices(session)


def settings(db: Database, round_id: int) -> CouncilSettings:
    with db.reading() as session:
        return council.settings_of(session, round_id)


def preview_auto(db: Database, round_id: int, k: int | None, *, replace_unscored: bool = False) -> AutoPlan:
    """The automatic assignment with ``k`` members per dossier (None: every member), not written."""
    with db.reading() as session:
        return assignment.preview_auto(
            session, round_id, k, use_round_setting=False, replace_unscored=replace_unscored
        )
