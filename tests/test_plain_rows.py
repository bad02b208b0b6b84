"""int_rows: plain driver tuples for big integer-keyed reads, inside the session's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.plain_rows import int_rows
from sangkien_desktop.models import Dossier, Unit


def test_rows_match_sqlalchemy_and_see_the_open_transaction(demo_db: Database) -> None:
    query = select(Dossier.round_id, func.count()).group_by(Dossier.round_id).order_by(Dossier.round_id)
    with demo_db.session() as session:
        session.add(Unit(name="Đơn vị chưa ghi"))
        session.flush()
        conn = session.connection()
        assert int_rows(conn, query) == [tuple(r) for r in conn.execute(query).all()]
        in_list = select(Dossier.id).where(Dossier.round_id.in_([1, 2]), Dossier.receipt_no > 0)
        assert sorted(int_rows(conn, in_list)) == sorted(tuple(r) for r in conn.execute(in_list).all())
        units = int_rows(conn, select(func.count()).select_from(Unit))
        assert units == [(session.scalar(select(func.count()).select_from(Unit)),)]
        session.rollback()


def test_non_integer_parameters_are_refused(demo_db: Database) -> None:
    with demo_db.reading() as session:
        conn = session.connection()
        with pytest.raises(TypeError, match="not an int"):
            int_rows(conn, select(Unit.id).where(Unit.name == "x'; DROP TABLE units; --"))
        with pytest.raises(TypeError, match="not an int"):
            int_rows(conn, select(Unit.id).where(Unit.id.in_([1, "2"])))
