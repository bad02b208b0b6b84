"""Migration 0010 (issue 15): the numbers and dates of a round's documents get columns; a decision number
stored as bare digits is spelled as printed with the ký hiệu in force; downgrade drops the columns only."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import MetaData, insert, inspect, select
from sqlalchemy.engine import URL

from sangkien_desktop.db.engine import make_engine
from sangkien_desktop.db.migrate import alembic_config, upgrade_database
from tests.db.test_migrations import _value_for

NEW = {"minutes_no", "submission_no", "submission_date", "certificate_date"}


def _round_row(table: Any, i: int, decision_no: str) -> dict[str, Any]:
    row = {c.name: _value_for(table, c, i, {"years": [2026]}) for c in table.columns if not c.primary_key}
    row.update(year=2026, number=i, decision_no=decision_no, status="open", field="general")
    return row


def test_upgrade_spells_decision_numbers_and_downgrade_keeps_rows(empty_url: URL) -> None:
    engine = make_engine(empty_url)
    try:
        upgrade_database(engine, target="0009")
        meta = MetaData()
        meta.reflect(engine)
        rounds = meta.tables["rounds"]
        with engine.begin() as conn:
            conn.execute(insert(meta.tables["years"]).values(year=2026, note=""))
            conn.execute(insert(meta.tables["settings"]).values(key="suffix_decision", value="QĐ-X"))
            for i, number in enumerate(("3", "15/QĐ-HĐSK", ""), start=1):
                conn.execute(insert(rounds).values(**_round_row(rounds, i, number)))
        upgrade_database(engine, target="0010")
        columns = {c["name"] for c in inspect(engine).get_columns("rounds")}
        assert columns >= NEW
        with engine.connect() as conn:
            stored = [r[0] for r in conn.execute(select(rounds.c.decision_no).order_by(rounds.c.number))]
        assert stored == ["03/QĐ-X", "15/QĐ-HĐSK", ""]
        command.downgrade(alembic_config(engine), "0009")
        engine.dispose()
        columns = {c["name"] for c in inspect(engine).get_columns("rounds")}
        assert not columns & NEW
        with engine.connect() as conn:
            assert conn.execute(select(rounds.c.number).order_by(rounds.c.number)).scalars().all() == [
                1,
                2,
                3,
            ]
    finally:
        engine.dispose()
