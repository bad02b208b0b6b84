"""Cài đặt → Hội đồng as one action: the council's settings and the year's document number series saved in one
transaction, with the exact inverse (the values before) for undo."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..db.database import Database
from . import numbering
from . import settings as settings_service
from .numbering import SeriesRow


@dataclass(frozen=True)
class CouncilSettingsState:
    """Setting values and the last numbers of some series of one year (only what a save changed)."""

    year: int
    settings: dict[str, str] = field(default_factory=dict)
    series: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CouncilSettingsChange:
    before: CouncilSettingsState
    after: CouncilSettingsState

    @property
    def changed(self) -> bool:
        return bool(self.after.settings or self.after.series)


def load(db: Database) -> dict[str, str]:
    return settings_service.get_all(db)


def series(db: Database, year: int) -> list[SeriesRow]:
    with db.reading() as session:
        return numbering.series(session, year)


def store(
    db: Database, values: dict[str, str], year: int, last_numbers: dict[str, int]
) -> CouncilSettingsChange:
    """Store the settings and the series' last numbers (refused as a whole on any error); returns what
    changed, before and after."""
    with db.session() as session:
        old_settings = settings_service.load(session)
        old_series = {row.kind: row.last_number for row in numbering.series(session, year)}
        changed = settings_service.put(session, values)
        moved = {kind: last for kind, last in last_numbers.items() if old_series.get(kind, 0) != last}
        for kind, last in moved.items():
            numbering.set_last(session, year, kind, last)
    before = CouncilSettingsState(
        year, {k: old_settings.get(k, "") for k in changed}, {k: old_series.get(k, 0) for k in moved}
    )
    return CouncilSettingsChange(before, CouncilSettingsState(year, dict(changed), moved))


def put(db: Database, state: CouncilSettingsState) -> None:
    """Put back a state (undo: ``change.before``; redo: ``change.after``) in one transaction."""
    with db.session() as session:
        if state.settings:
            settings_service.put(session, state.settings)
        for kind, last in state.series.items():
            numbering.set_last(session, state.year, kind, last)
