"""The finalized-round lock as database triggers, for SQLite and PostgreSQL (created by migration 0013).

Every writer meets them — the app, a bulk ``update()``/``delete()``, raw SQL typed into ``sqlite3`` or ``psql``:

- rows of a finalized round's dossiers (scores, votes, grade results, certificates, assignments, tie
  decisions, authorships) and of the round itself (criteria, council members, grade rules, bands,
  conditions) cannot be inserted, changed or deleted;
- a finalized round's dossiers cannot be added, deleted, or have a *locked column* changed (title, unit,
  status …); other columns (notes, the deliverer's phone …) stay editable;
- an author's name cannot change while they author a dossier of a finalized round;
- a finalized round cannot be deleted, nor have a locked column changed (decision number and date, rules …);
- a round leaves ``finalized`` only when the newest entry of the audit log is a ``reopen`` of that round with
  a non-empty reason — so the reopen is written, with its reason, in the same transaction as the status
  change (``services.finalize.reopen_round``). Every child trigger only looks at the round's status, so
  "status → scoring, edit, status → finalized" in one transaction still needs that logged reopen.

A refused statement fails with a message starting ``SK_ROUND_LOCKED:<table>`` (or ``SK_ROUND_REOPEN:rounds``);
``services.round_lock`` turns it into a Vietnamese ``RoundLockedError``.

The locked columns are listed, not "all but": other areas add columns to these tables. To lock a new column,
write a migration that calls ``drop_triggers`` then ``create_triggers`` with the longer list (the lists used by
0013 are frozen in that migration, so an old revision always builds the same schema).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

LOCKED_MARK = "SK_ROUND_LOCKED"
REOPEN_MARK = "SK_ROUND_REOPEN"
PREFIX = "sk_lock_"  # every trigger (and PostgreSQL function) created here starts with it

# how a child table reaches its round: (the column holding the parent's id, the parent kind)
CHILD_TABLES: dict[str, tuple[str, str]] = {
    "scores": ("dossier_id", "dossier"),
    "votes": ("dossier_id", "dossier"),
    "grade_results": ("dossier_id", "dossier"),
    "certificates": ("dossier_id", "dossier"),
    "assignments": ("dossier_id", "dossier"),
    "tie_decisions": ("dossier_id", "dossier"),
    "authorships": ("dossier_id", "dossier"),
    "criteria": ("round_id", "round"),
    "council_members": ("round_id", "round"),
    "grade_rule_sets": ("round_id", "round"),
    "grade_bands": ("rule_set_id", "rule_set"),
    "grade_conditions": ("band_id", "band"),
}

# SQL giving the finalized rounds reached from a parent id (``{ids}`` = a comma-separated id list)
_ROUND_OF = {
    "round": "SELECT r.id FROM rounds r WHERE r.id IN ({ids}) AND r.status = 'finalized'",
    "dossier": (
        "SELECT r.id FROM dossiers d JOIN rounds r ON r.id = d.round_id "
        "WHERE d.id IN ({ids}) AND r.status = 'finalized'"
    ),
    "rule_set": (
        "SELECT r.id FROM grade_rule_sets s JOIN rounds r ON r.id = s.round_id "
        "WHERE s.id IN ({ids}) AND r.status = 'finalized'"
    ),
    "band": (
        "SELECT r.id FROM grade_bands b JOIN grade_rule_sets s ON s.id = b.rule_set_id "
        "JOIN rounds r ON r.id = s.round_id WHERE b.id IN ({ids}) AND r.status = 'finalized'"
    ),
}
_AUTHOR_IN_FINALIZED = (
    "SELECT 1 FROM authorships a JOIN dossiers d ON d.id = a.dossier_id JOIN rounds r ON r.id = d.round_id "
    "WHERE a.person_id = {person} AND r.status = 'finalized'"
)


@dataclass(frozen=True)
class LockedColumns:
    """The columns a finalized round keeps as signed."""

    rounds: Sequence[str]
    dossiers: Sequence[str]
    people: Sequence[str]


# The columns locked by 0013 (kept here for the flush hook's friendly message; the migration has its own copy).
CURRENT = LockedColumns(
    rounds=(
        "year",
        "number",
        "field",
        "status",
        "meeting_on",
        "decision_no",
        "decision_date",
        "finalized_at",
        "co_author_limit",
        "members_per_dossier",
        "score_spread_limit",
        "double_entry",
        "quorum",
        "approval_numerator",
        "approval_denominator",
    ),
    dossiers=(
        "year",
        "round_id",
        "receipt_no",
        "received_on",
        "unit_id",
        "title",
        "kind",
        "field",
        "first_applied_on",
        "accepted_on",
        "investor",
        "summary",
        "status",
    ),
    people=("full_name",),
)


def _changed(columns: Sequence[str], dialect: str) -> str:
    if dialect == "sqlite":
        return " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
    return " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns)


def _reopen_logged(dialect: str) -> str:
    """True when the newest audit entry reopens the round OLD.id with a non-empty reason."""
    if dialect == "sqlite":
        reason = "CASE WHEN json_valid(a.new_values) THEN json_extract(a.new_values, '$.reason') END"
        entity_id = "CAST(OLD.id AS TEXT)"
    else:
        reason = "sk_lock_reason(a.new_values)"
        entity_id = "OLD.id::text"
    return (
        "EXISTS (SELECT 1 FROM audit_log a WHERE a.id = (SELECT MAX(id) FROM audit_log) "
        f"AND a.action = 'reopen' AND a.entity = 'round' AND a.entity_id = {entity_id} "
        f"AND TRIM(COALESCE({reason}, '')) <> '')"
    )


@dataclass(frozen=True)
class _Rule:
    """One refusal: on ``table``, for ``event`` (INSERT/UPDATE/DELETE), when ``condition`` holds."""

    name: str
    table: str
    event: str
    condition: str
    mark: str
    columns: Sequence[str] = ()  # UPDATE OF these columns only


def _child_rules(tables: dict[str, tuple[str, str]]) -> list[_Rule]:
    rules: list[_Rule] = []
    for table, (column, kind) in tables.items():
        for event, ids in (
            ("INSERT", f"NEW.{column}"),
            ("UPDATE", f"OLD.{column}, NEW.{column}"),
            ("DELETE", f"OLD.{column}"),
        ):
            condition = f"EXISTS ({_ROUND_OF[kind].format(ids=ids)})"
            rules.append(_Rule(f"{table}_{event.lower()}", table, event, condition, f"{LOCKED_MARK}:{table}"))
    return rules


def _rules(locked: LockedColumns, dialect: str) -> list[_Rule]:
    rules = _child_rules(CHILD_TABLES)
    in_round = _ROUND_OF["round"]
    rules += [
        _Rule(
            "dossiers_insert",
            "dossiers",
            "INSERT",
            f"EXISTS ({in_round.format(ids='NEW.round_id')})",
            f"{LOCKED_MARK}:dossiers",
        ),
        _Rule(
            "dossiers_update",
            "dossiers",
            "UPDATE",
            f"({_changed(locked.dossiers, dialect)}) "
            f"AND EXISTS ({in_round.format(ids='OLD.round_id, NEW.round_id')})",
            f"{LOCKED_MARK}:dossiers",
            locked.dossiers,
        ),
        _Rule(
            "dossiers_delete",
            "dossiers",
            "DELETE",
            f"EXISTS ({in_round.format(ids='OLD.round_id')})",
            f"{LOCKED_MARK}:dossiers",
        ),
        _Rule(
            "people_update",
            "people",
            "UPDATE",
            f"({_changed(locked.people, dialect)}) AND EXISTS ({_AUTHOR_IN_FINALIZED.format(person='OLD.id')})",
            f"{LOCKED_MARK}:people",
            locked.people,
        ),
        _Rule(
            "rounds_update",
            "rounds",
            "UPDATE",
            f"OLD.status = 'finalized' AND NEW.status = 'finalized' AND ({_changed(locked.rounds, dialect)})",
            f"{LOCKED_MARK}:rounds",
            locked.rounds,
        ),
        _Rule(
            "rounds_reopen",
            "rounds",
            "UPDATE",
            f"OLD.status = 'finalized' AND NEW.status <> 'finalized' AND NOT {_reopen_logged(dialect)}",
            f"{REOPEN_MARK}:rounds",
            ("status",),
        ),
        _Rule("rounds_delete", "rounds", "DELETE", "OLD.status = 'finalized'", f"{LOCKED_MARK}:rounds"),
    ]
    return rules


def _of_columns(rule: _Rule) -> str:
    return " OF " + ", ".join(f'"{c}"' for c in rule.columns) if rule.columns else ""


def _sqlite_statements(locked: LockedColumns) -> list[str]:
    return _sqlite_rule_statements(_rules(locked, "sqlite"))


def _sqlite_rule_statements(rules: list[_Rule]) -> list[str]:
    return [
        f"CREATE TRIGGER {PREFIX}{r.name} BEFORE {r.event}{_of_columns(r)} ON {r.table} "
        f"FOR EACH ROW WHEN {r.condition} "
        f"BEGIN SELECT RAISE(ABORT, '{r.mark}'); END"
        for r in rules
    ]


_PG_REASON_FUNCTION = """
CREATE FUNCTION sk_lock_reason(v text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (v::json ->> 'reason');
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$
"""


def _pg_statements(locked: LockedColumns) -> list[str]:
    return [_PG_REASON_FUNCTION.strip(), *_pg_rule_statements(_rules(locked, "postgresql"))]


def _pg_rule_statements(rules: list[_Rule]) -> list[str]:
    statements: list[str] = []
    for r in rules:
        result = "OLD" if r.event == "DELETE" else "NEW"
        statements.append(
            f"CREATE FUNCTION {PREFIX}{r.name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    IF {r.condition} THEN\n        RAISE EXCEPTION '{r.mark}';\n    END IF;\n"
            f"    RETURN {result};\nEND $$"
        )
        statements.append(
            f"CREATE TRIGGER {PREFIX}{r.name} BEFORE {r.event}{_of_columns(r)} ON {r.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PREFIX}{r.name}()"
        )
    return statements


def create_triggers(conn: Connection, locked: LockedColumns) -> None:
    """Create every lock trigger (and, on PostgreSQL, its function)."""
    dialect = conn.dialect.name
    statements = _sqlite_statements(locked) if dialect == "sqlite" else _pg_statements(locked)
    for statement in statements:
        conn.exec_driver_sql(statement)


def create_child_triggers(conn: Connection, tables: dict[str, tuple[str, str]]) -> None:
    """Lock the rows of tables added after 0013 with their round (``{table: (parent id column, parent kind)}``,
    as in ``CHILD_TABLES``); a later migration calls it for its own new tables."""
    rules = _child_rules(tables)
    sqlite = conn.dialect.name == "sqlite"
    for statement in _sqlite_rule_statements(rules) if sqlite else _pg_rule_statements(rules):
        conn.exec_driver_sql(statement)


def drop_child_triggers(conn: Connection, tables: dict[str, tuple[str, str]]) -> None:
    sqlite = conn.dialect.name == "sqlite"
    for r in _child_rules(tables):
        if sqlite:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{PREFIX}{r.name}"')
        else:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{PREFIX}{r.name}" ON "{r.table}"')
            conn.exec_driver_sql(f'DROP FUNCTION IF EXISTS "{PREFIX}{r.name}"() CASCADE')


def trigger_names(conn: Connection) -> list[str]:
    """The lock triggers present in the database."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 8) = 'sk_lock_'")
        )
    else:
        rows = conn.execute(
            text(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers "
                "WHERE substr(trigger_name, 1, 8) = 'sk_lock_'"
            )
        )
    return sorted(str(r[0]) for r in rows)


def drop_triggers(conn: Connection) -> None:
    """Drop every lock trigger (and its PostgreSQL functions)."""
    if conn.dialect.name == "sqlite":
        for name in trigger_names(conn):
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        return
    for table, name in conn.execute(
        text(
            "SELECT DISTINCT event_object_table, trigger_name FROM information_schema.triggers "
            "WHERE substr(trigger_name, 1, 8) = 'sk_lock_'"
        )
    ).all():
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
    for (name,) in conn.execute(
        text(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND substr(p.proname, 1, 8) = 'sk_lock_'"
        )
    ).all():
        conn.exec_driver_sql(f'DROP FUNCTION IF EXISTS "{name}" CASCADE')


@contextlib.contextmanager
def suspended(conn: Connection) -> Iterator[None]:
    """Inside the caller's transaction, set the lock triggers aside while whole tables are copied in (a backup
    snapshot, a restore into a server): rows of finalized rounds arrive after their round. SQLite: dropped
    and re-created from their own SQL; PostgreSQL: disabled and enabled again."""
    if conn.dialect.name == "sqlite":
        saved = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 8) = 'sk_lock_'"
            )
        ).all()
        for name, _sql in saved:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        yield
        for _name, sql in saved:
            conn.exec_driver_sql(sql)
        return
    tables = [
        str(r[0])
        for r in conn.execute(
            text(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE substr(trigger_name, 1, 8) = 'sk_lock_'"
            )
        )
    ]
    for table in tables:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    yield
    for table in tables:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
