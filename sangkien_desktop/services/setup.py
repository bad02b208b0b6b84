"""The first-run setup (the wizard): what it starts from, and saving everything it asked in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..db.database import Database
from . import demo, rounds, settings, units


@dataclass(frozen=True)
class WizardStart:
    values: dict[str, str]  # current settings (defaults where none is stored)
    configured: bool  # the council's identity was saved before
    has_rounds: bool
    empty: bool  # nothing at all in the database (the demo may be offered)


def wizard_start(db: Database) -> WizardStart:
    empty = demo.database_is_empty(db)
    with db.reading() as session:
        return WizardStart(
            settings.load(session),
            settings.is_configured(session),
            bool(rounds.round_infos(session)),
            empty,
        )


def first_round_deadline(today: dt.date, year: int | None = None) -> dt.date:
    """The first round's default deadline, always after ``today``: 10/04 or 10/10 of ``year`` (this year when
    not given), whichever is still ahead; 31/12 when both passed. Without a year, a council set up after 10/10
    gets 10/04 of next year."""
    if year is None:
        for month in (4, 10):
            if (candidate := dt.date(today.year, month, 10)) > today:
                return candidate
        return dt.date(today.year + 1, 4, 10)
    for candidate in (dt.date(year, 4, 10), dt.date(year, 10, 10), dt.date(year, 12, 31)):
        if candidate > today:
            return candidate
    return today + dt.timedelta(days=30)


@dataclass(frozen=True)
class FirstRound:
    year: int
    receive_until: dt.date


def save_first_run(db: Database, values: dict[str, str], first_round: FirstRound | None) -> int | None:
    """Store the council's settings, the default unit types and (when asked) the first round, in one
    transaction. Returns the round's id."""
    with db.session() as session:
        settings.put(session, values)
        units.ensure_default_types(session)
        if first_round is None:
            return None
        number = rounds.next_free_number(session, first_round.year)
        rnd = rounds.create_round(session, first_round.year, number, receive_until=first_round.receive_until)
        return rnd.id
