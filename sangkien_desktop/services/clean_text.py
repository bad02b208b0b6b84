"""Clean text at the one door every value passes: the ORM attribute.

Every text column of every mapped table (the audit log excepted: its entries are hashed as written) gets an
attribute listener that runs ``domain.text.strip_unsafe`` on the value as it is set — a GUI field, a CLI
option, a JSON/TOML file, a setting, an importer, all the same — before the models' own validators see it.
So a control character (U+0000–U+001F but tab and line feed), a bidi override or a zero-width character never
reaches the database, a .docx or an .xlsx, and two unit names differing only by such characters are one name.

Bulk statements with literal values (``insert()``/``update()`` executed with parameters) do not pass an
attribute; the app's writers use the ORM for text, and migration 0013 cleaned what was stored before.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import String, Table, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ColumnProperty

from ..domain.text import has_unsafe, strip_unsafe
from ..models import AuditEntry, Base

_EXCLUDED_TABLES = frozenset({AuditEntry.__tablename__})
_installed = False


def _clean(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return strip_unsafe(value) if isinstance(value, str) else value


def text_attributes() -> list[Any]:
    """Every mapped attribute holding a text column (String, Text, and the enum columns stored as text)."""
    found = []
    for mapper in Base.registry.mappers:
        if cast(Table, mapper.local_table).name in _EXCLUDED_TABLES:
            continue
        for prop in mapper.column_attrs:
            if isinstance(prop, ColumnProperty) and any(isinstance(c.type, String) for c in prop.columns):
                found.append(getattr(mapper.class_, prop.key))
    return found


def install() -> None:
    """Listen on every text attribute, first in line (idempotent)."""
    global _installed
    if _installed:
        return
    for attribute in text_attributes():
        event.listen(attribute, "set", _clean, retval=True)
    _installed = True


def clean_stored_text(conn: Connection) -> int:
    """Remove unsafe characters from every text already stored (migration 0013; plain SQL on ``conn``, the
    columns the database has). A row whose cleaned value would break a unique constraint (two unit names
    differing only by an invisible character) is left as it is. Returns the number of rows changed."""
    inspector = inspect(conn)
    existing = set(inspector.get_table_names())  # a later revision's tables are not there yet
    changed = 0
    for table in Base.metadata.sorted_tables:
        if (
            table.name in _EXCLUDED_TABLES
            or table.name not in existing
            or len(table.primary_key.columns) != 1
        ):
            continue
        (pk,) = table.primary_key.columns
        have = {c["name"] for c in inspector.get_columns(table.name)}
        columns = [
            c.name for c in table.columns if isinstance(c.type, String) and c.name in have and c is not pk
        ]
        if not columns:
            continue
        quoted = ", ".join(f'"{c}"' for c in columns)
        dirty = [
            (row[0], dict(zip(columns, row[1:], strict=True)))
            for row in conn.execute(text(f'SELECT "{pk.name}", {quoted} FROM "{table.name}"'))
            if any(isinstance(v, str) and has_unsafe(v) for v in row[1:])
        ]
        for key, values in dirty:
            cleaned = {c: strip_unsafe(v) for c, v in values.items() if isinstance(v, str) and has_unsafe(v)}
            sets = ", ".join(f'"{c}" = :{c}' for c in cleaned)
            try:
                with conn.begin_nested():
                    conn.execute(
                        text(f'UPDATE "{table.name}" SET {sets} WHERE "{pk.name}" = :_key'),
                        {**cleaned, "_key": key},
                    )
                changed += 1
            except IntegrityError:
                continue
    return changed
