r"""The values of every audited row, written into the audit log so that ``check`` can replay it.

Audited tables (``AUDITED``): scores, grade results, votes, certificates, dossiers, their authorships, people,
settings, rounds and the round's rules and council. Whichever service changes them, every ORM session
remembers which of their rows it touched (inserted, updated, deleted — also rows deleted by a database
cascade and rows hit by a bulk ``update()``/``delete()``), and when the transaction commits the rows' values
*as committed* are read back and stored in the ``row_values`` of the transaction's last audit entry (a new
entry when the transaction wrote none). The entry's hash covers them (``audit`` hash version 3), and the
chain's head (id and hash) is kept in the setting ``audit_head``.

``check`` replays the log in id order: the last recorded value of each row must be the table's value, a row
never recorded is reported, a row recorded as deleted must be gone. A change made outside the app (sqlite3,
psql, a bulk statement in a script) is named that way.

Stored form (``row_values``): JSON naming each table's columns, its rows as lines of tab-separated canonical
values after the row's key (a line holding only the key: the row was deleted)::

    {"scores": {"c": ["dossier_id", "member_id", "criterion_id", "points", "check_points"],
                "l": "1234\t17\t3\t2\t26\t\\N\n1240"}}

Lines rather than JSON values per row: a ten-year database records 700,000 rows, and one long string is read
back many times faster than millions of small JSON values. Values are canonical so both databases give the
same text: NULL as ``\N``, numbers as the shortest decimal ("26", "25.5"), dates "YYYY-MM-DD", times
"YYYY-MM-DD HH:MM:SS", booleans 0/1, text with backslash, tab and line breaks escaped, text longer than
``LONG_TEXT`` as "sha256:<16 hex>". Timestamps kept for bookkeeping (created_at, updated_at …) and derived
search keys are left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    Table,
    bindparam,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, object_session
from sqlalchemy.sql.dml import Delete, Update

from ..models import Base, Setting

# table → what the messages call one of its rows
AUDITED: dict[str, str] = {
    "scores": "điểm",
    "grade_results": "xếp loại",
    "votes": "biểu quyết",
    "certificates": "giấy chứng nhận",
    "dossiers": "hồ sơ",
    "authorships": "tác giả",
    "people": "người",
    "settings": "cài đặt",
    "rounds": "đợt",
    "tie_decisions": "quyết định thứ tự khi bằng điểm",
    "criteria": "tiêu chí",
    "council_members": "thành viên Hội đồng",
    "grade_rule_sets": "quy tắc xếp loại",
    "grade_bands": "mức xếp loại",
    "grade_conditions": "điều kiện xếp loại",
}
EXCLUDED_COLUMNS = frozenset(
    {
        "created_at",
        "updated_at",
        "entered_at",
        "computed_at",
        "decided_at",
        "title_key",
        "name_key",
        "search_key",
    }
)
HEAD_KEY = "audit_head"  # the setting holding "<id> <hash>" of the newest audit entry
UNRECORDED_SETTINGS = frozenset({HEAD_KEY})
LONG_TEXT = 64
DIGEST_PREFIX = "sha256:"
NULL = "\\N"
_TOUCHED = "sk_audit_rows"  # session.info key: {table: set of primary keys}
_CHUNK = 500


# canonical values -----------------------------------------------------------------------------------------
def unescape(field: str) -> str | None:
    """A canonical field back as text (None for NULL), for messages."""
    if field == NULL:
        return None
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        ch = field[i]
        if ch == "\\" and i + 1 < len(field):
            out.append({"t": "\t", "n": "\n", "r": "\r"}.get(field[i + 1], field[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _kind(column: Any) -> str:
    type_ = column.type
    if isinstance(type_, Boolean):
        return "bool"
    if isinstance(type_, DateTime):
        return "datetime"
    if isinstance(type_, Date):
        return "date"
    impl = getattr(type_, "impl", type_)
    if isinstance(impl, Numeric) or isinstance(type_, Numeric):
        return "num"
    if isinstance(type_, Integer):
        return "int"
    return "text"


@dataclass(frozen=True)
class TableSpec:
    table: Table
    key: str  # the primary key column
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    key_is_int: bool

    @property
    def name(self) -> str:
        return self.table.name

    def restricted(self, existing: Iterable[str]) -> TableSpec:
        """The same table limited to the columns a database has (an older schema, during a migration)."""
        have = set(existing)
        keep = [i for i, c in enumerate(self.columns) if c in have]
        return TableSpec(
            self.table,
            self.key,
            tuple(self.columns[i] for i in keep),
            tuple(self.kinds[i] for i in keep),
            self.key_is_int,
        )


def _make_spec(table: Table) -> TableSpec:
    (pk,) = table.primary_key.columns
    columns = [c for c in table.columns if c.name not in EXCLUDED_COLUMNS and c is not pk]
    return TableSpec(
        table,
        pk.name,
        tuple(c.name for c in columns),
        tuple(_kind(c) for c in columns),
        _kind(pk) == "int",
    )


SPECS: dict[str, TableSpec] = {name: _make_spec(Base.metadata.tables[name]) for name in AUDITED}


def _field_sql(column: str, kind: str, dialect: str) -> str:
    """The SQL giving one column's canonical field (see the module docstring), per database."""
    c = f'"{column}"'
    sqlite = dialect == "sqlite"
    if sqlite and kind in ("int", "bool", "num"):
        # SQLite turns an integer into its digits and a real into the shortest text ("25.5") when it is
        # concatenated; a NUMERIC column keeps a whole number as an integer ("26", like PostgreSQL's trim_scale)
        return f"ifnull({c}, '\\N')"
    if kind == "int":
        value = f"CAST({c} AS TEXT)"
    elif kind == "bool":
        value = f"CAST({c} AS TEXT)" if sqlite else f"CASE WHEN {c} THEN '1' ELSE '0' END"
    elif kind == "num":
        value = (
            f"CASE WHEN {c} IS NOT NULL THEN printf('%.15g', {c}) END"
            if sqlite
            else f"CASE WHEN {c} = 0 THEN '0' ELSE trim_scale({c})::text END"
        )
    elif kind == "date":
        value = f"substr({c}, 1, 10)" if sqlite else f"to_char({c}, 'YYYY-MM-DD')"
    elif kind == "datetime":
        value = (
            f"substr(replace({c}, 'T', ' '), 1, 19)" if sqlite else f"to_char({c}, 'YYYY-MM-DD HH24:MI:SS')"
        )
    else:
        ch = "char" if sqlite else "chr"
        escaped = (
            f"replace(replace(replace(replace({c}, '\\', '\\\\'), {ch}(9), '\\t'), {ch}(10), '\\n'), "
            f"{ch}(13), '\\r')"
        )
        digest = (
            f"sk_digest({c})"
            if sqlite
            else f"'{DIGEST_PREFIX}' || left(encode(sha256(convert_to({c}, 'UTF8')), 'hex'), 16)"
        )
        value = (
            f"CASE WHEN length({c}) > {LONG_TEXT} OR substr({c}, 1, {len(DIGEST_PREFIX)}) = '{DIGEST_PREFIX}' "
            f"THEN {digest} ELSE {escaped} END"
        )
    return f"COALESCE({value}, '\\N')"


def _select_sql(conn: Connection, spec: TableSpec, where: str = "") -> str:
    """SELECT key, canonical line: the whole line is built by the database (700,000 rows in a ten-year
    database: Python would spend seconds joining their values)."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.connection.dbapi_connection.create_function(  # type: ignore[union-attr]
            "sk_digest", 1, _digest, deterministic=True
        )
    fields_sql = " || '\t' || ".join(
        _field_sql(c, k, dialect) for c, k in zip(spec.columns, spec.kinds, strict=True)
    )
    fields_sql = fields_sql or "''"
    return f'SELECT "{spec.key}", {fields_sql} FROM "{spec.name}"{where}'


def _digest(value: Any) -> str | None:
    if value is None:
        return None
    return DIGEST_PREFIX + hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:16]


def iter_table(conn: Connection, spec: TableSpec, batch: int = 20_000) -> Iterator[tuple[str, str]]:
    """(key, canonical line of values) of every row of an audited table, read through the driver's own
    cursor (a ten-year database has 636,000 scores)."""
    skip = UNRECORDED_SETTINGS if spec.name == "settings" else frozenset()
    sql = _select_sql(conn, spec)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            for key, line in rows:
                key = str(key)
                if key not in skip:
                    yield key, line
    finally:
        cursor.close()


def read_rows(conn: Connection, spec: TableSpec, keys: Iterable[Any]) -> dict[str, str | None]:
    """The canonical lines of the given rows; None for the rows that no longer exist."""
    wanted = sorted({str(k) for k in keys})
    found: dict[str, str | None] = dict.fromkeys(wanted)
    query = text(_select_sql(conn, spec, f' WHERE "{spec.key}" IN :keys')).bindparams(
        bindparam("keys", expanding=True)
    )
    for start in range(0, len(wanted), _CHUNK):
        chunk: list[Any] = wanted[start : start + _CHUNK]
        if spec.key_is_int:
            chunk = [int(k) for k in chunk]
        for key, line in conn.execute(query, {"keys": chunk}):
            found[str(key)] = line
    return found


# table → (columns, {key: canonical line, or None for a deleted row})
States = dict[str, tuple[tuple[str, ...], dict[str, str | None]]]


def encode(states: Mapping[str, tuple[Iterable[str], Mapping[str, str | None]]]) -> str:
    """The ``row_values`` text of an audit entry ("" when nothing was touched)."""
    payload = {
        table: {
            "c": list(columns),
            "l": "\n".join(k if v is None else f"{k}\t{v}" for k, v in sorted(rows.items())),
        }
        for table, (columns, rows) in sorted(states.items())
        if rows
    }
    if not payload:
        return ""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decode_blocks(stored: str) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """(table, columns, block of lines) for each table of an entry's ``row_values`` (an altered, unreadable
    entry gives nothing: the chain check names it)."""
    if not stored:
        return
    try:
        payload = json.loads(stored)
    except ValueError:
        return
    if not isinstance(payload, dict):
        return
    for table, part in payload.items():
        if table in SPECS and isinstance(part, dict) and isinstance(part.get("l"), str):
            yield table, tuple(part.get("c") or ()), part["l"]


def decode(stored: str) -> Iterator[tuple[str, tuple[str, ...], dict[str, str | None]]]:
    """(table, columns, {key: line or None}) for each table of an entry's ``row_values``."""
    for table, columns, block in decode_blocks(stored):
        rows: dict[str, str | None] = {}
        for line in block.split("\n"):
            key, tab, rest = line.partition("\t")
            rows[key] = rest if tab else None
        yield table, columns, rows


def fields(line: str) -> list[str]:
    return line.split("\t")


def snapshot(
    conn: Connection, chunk: int = 20_000
) -> Iterator[tuple[str, tuple[str, ...], dict[str, str | None]]]:
    """Every row of the audited tables, ``chunk`` rows at a time (for the first entries of a database that had
    no row values yet), limited to the columns the database has (a migration runs on an older schema)."""
    inspector = inspect(conn)
    for name in AUDITED:
        spec = SPECS[name].restricted(c["name"] for c in inspector.get_columns(name))
        rows: dict[str, str | None] = {}
        for key, values in iter_table(conn, spec):
            rows[key] = values
            if len(rows) >= chunk:
                yield name, spec.columns, rows
                rows = {}
        if rows:
            yield name, spec.columns, rows


# which rows a session touched -----------------------------------------------------------------------------
def touched(session: Session) -> dict[str, set[Any]]:
    return session.info.setdefault(_TOUCHED, {})


def touch(session: Session, table: str, keys: Iterable[Any]) -> None:
    """Record that these rows of ``table`` may have changed in the session's transaction."""
    if table in AUDITED:
        found = touched(session).setdefault(table, set())
        if table == "settings":
            found.update(k for k in keys if k not in UNRECORDED_SETTINGS)
        else:
            found.update(keys)


def pending_states(session: Session) -> States:
    """The committed-to-be values of every row the session touched (call after the last flush)."""
    found = session.info.get(_TOUCHED)
    if not found:
        return {}
    conn = session.connection()
    return {
        table: (SPECS[table].columns, read_rows(conn, SPECS[table], keys))
        for table, keys in found.items()
        if keys
    }


def forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def _cascade_children() -> dict[str, list[tuple[str, str, str]]]:
    """parent table → [(child table, child's key, child's column)] for foreign keys that cascade or set null,
    keeping only the paths that lead to an audited table."""
    children: dict[str, list[tuple[str, str, str]]] = {}
    for table in Base.metadata.sorted_tables:
        if len(table.primary_key.columns) != 1:
            continue
        (pk,) = table.primary_key.columns
        for fk in table.foreign_keys:
            if (fk.ondelete or "").upper() in ("CASCADE", "SET NULL"):
                children.setdefault(fk.column.table.name, []).append((table.name, pk.name, fk.parent.name))

    def leads_to_audited(name: str, seen: frozenset[str]) -> bool:
        if name in AUDITED:
            return True
        return any(
            leads_to_audited(child, seen | {name})
            for child, _, _ in children.get(name, [])
            if child not in seen
        )

    return {
        parent: [c for c in found if leads_to_audited(c[0], frozenset({parent}))]
        for parent, found in children.items()
        if any(leads_to_audited(c[0], frozenset({parent})) for c in found)
    }


CASCADES = _cascade_children()


def _touch_cascade(session: Session, conn: Connection, table: str, keys: list[Any], depth: int = 0) -> None:
    if depth > 8 or not keys:
        return
    for child, child_key, column in CASCADES.get(table, []):
        query = text(f'SELECT "{child_key}" FROM "{child}" WHERE "{column}" IN :keys').bindparams(
            bindparam("keys", expanding=True)
        )
        found: list[Any] = []
        for start in range(0, len(keys), _CHUNK):
            found += [r[0] for r in conn.execute(query, {"keys": keys[start : start + _CHUNK]})]
        touch(session, child, found)
        _touch_cascade(session, conn, child, found, depth + 1)


# ORM events -----------------------------------------------------------------------------------------------
def _primary_key(target: Any) -> Any:
    return target.key if isinstance(target, Setting) else target.id


def _after_write(_mapper: Mapper[Any], _conn: Connection, target: Any) -> None:
    session = object_session(target)
    if session is not None:
        touch(session, target.__table__.name, [_primary_key(target)])


def _before_delete(_mapper: Mapper[Any], conn: Connection, target: Any) -> None:
    session = object_session(target)
    if session is not None:
        name = target.__table__.name
        touch(session, name, [_primary_key(target)])
        if name in CASCADES:
            _touch_cascade(session, conn, name, [_primary_key(target)])


def _bulk_statement(state: ORMExecuteState) -> None:
    """A bulk ``update()``/``delete()`` through the session: note the rows it is about to hit."""
    statement = state.statement
    if not isinstance(statement, Update | Delete):
        return
    table = statement.table
    name = getattr(table, "name", "")
    deleting = isinstance(statement, Delete)
    if name not in AUDITED and not (deleting and name in CASCADES):
        return
    (pk,) = cast(Table, table).primary_key.columns
    params = state.parameters
    if isinstance(params, list):  # ORM bulk update/delete by primary key
        keys = [p.get(pk.name) for p in params if isinstance(p, dict) and p.get(pk.name) is not None]
    else:
        query = select(pk)
        if statement.whereclause is not None:
            query = query.where(statement.whereclause)
        keys = list(state.session.execute(query, params or {}).scalars())
    touch(state.session, name, keys)
    if deleting:
        _touch_cascade(state.session, state.session.connection(), name, keys)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        forget(session)


_installed = False


def install() -> None:
    """Listen on the audited mappers and on every session (idempotent)."""
    global _installed
    if _installed:
        return
    for mapper in Base.registry.mappers:
        name = cast(Table, mapper.local_table).name
        if name in AUDITED:
            for kind in ("after_insert", "after_update", "after_delete"):
                event.listen(mapper, kind, _after_write)
        if name in AUDITED or name in CASCADES:
            event.listen(mapper, "before_delete", _before_delete)
    event.listen(Session, "do_orm_execute", _bulk_statement)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    _installed = True


def describe_value(field: str | None) -> str:
    """A canonical field as the messages show it."""
    if field is None or field == NULL:
        return "(trống)"
    if field.startswith(DIGEST_PREFIX):
        return f"(nội dung dài, mã {field[len(DIGEST_PREFIX) :][:8]})"
    return unescape(field) or "(trống)"
