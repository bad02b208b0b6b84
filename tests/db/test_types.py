"""Decimal columns round-trip exactly on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundField
from sangkien_desktop.models import Criterion
from sangkien_desktop.services.rounds import create_round


@pytest.mark.parametrize("value", ["79.99", "0.01", "100.00", "7.5", "33.33", "1234.56"])
def test_exact_decimal_round_trip(db: Database, value: str) -> None:
    with db.session() as session:
        rnd = create_round(session, 2026, 1, field=RoundField.GENERAL)
        crit = Criterion(round_id=rnd.id, position=9, name="Thử", max_points=Decimal(value))
        session.add(crit)
        session.flush()
        crit_id = crit.id
    with db.reading() as session:
        loaded = session.get(Criterion, crit_id)
        assert loaded is not None
        assert loaded.max_points == Decimal(value)
        assert str(loaded.max_points) == str(Decimal(value).quantize(Decimal("0.01")))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False))
def test_exact_decimal_property(db: Database, value: Decimal) -> None:
    with db.session() as session:
        rnd = session.query(Criterion).first()
        if rnd is None:
            r = create_round(session, 2026, 1)
            round_id = r.id
        else:
            round_id = rnd.round_id
        crit = Criterion(round_id=round_id, position=1, name="p", max_points=value)
        session.add(crit)
        session.flush()
        crit_id = crit.id
    with db.reading() as session:
        loaded = session.get(Criterion, crit_id)
        assert loaded is not None and loaded.max_points == value
