"""Test data for the documents: both demo rounds graded through the real grading service, and round 1
given decision 15/QĐ-HĐSK of 05/6/2026."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.models import Round
from sangkien_desktop.services import grading


def grade_demo(db: Database) -> None:
    """Grade both demo rounds (round 2, still taking dossiers in the demo, is moved to scoring first)."""
    with db.session() as session:
        rounds = session.scalars(select(Round).order_by(Round.year, Round.number)).all()
        for i, rnd in enumerate(rounds):
            rnd.status = RoundStatus.SCORING
            session.flush()
            grading.apply(session, rnd.id)
            if i == 0:
                rnd.decision_no, rnd.decision_date = "15", dt.date(2026, 6, 5)
        session.flush()
