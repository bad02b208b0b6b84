"""Big read-only queries fetched straight from the driver.

A 2,000-dossier round has some 20,000 (dossier, member) pairs; SQLAlchemy wraps every fetched row in a
``Row`` object, which costs more than the query itself. ``int_rows`` runs a query whose parameters are
all integers with the integers written into the SQL (safe: they are ``int``, checked) on the session's own
DBAPI connection, so it sees the same transaction, and returns the driver's plain tuples.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Select


def int_rows(conn: Connection, query: Select) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as plain tuples; every bound parameter must be an ``int``."""
    for name, value in query.compile(dialect=conn.dialect).params.items():
        values = value if isinstance(value, list | tuple) else [value]
        if not all(type(v) is int for v in values):
            raise TypeError(f"int_rows: parameter {name} is not an int: {value!r}")
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()
