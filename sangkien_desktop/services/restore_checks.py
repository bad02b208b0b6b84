"""What a backup must be before it may replace the data: restore trusts nothing (issue 17 §3).

``schema_problems``: the backup's schema is compared with the schema its own revision has — tables,
columns (type, NOT NULL, default, primary key), foreign keys, indexes (unique, columns), triggers and views
(their SQL) — nothing extra, nothing missing. The expected schema is built by migrating an empty temporary
database to that revision, and cached (in memory and in ``schema-cache/`` of the user data folder, keyed by
the revision and the migrations' text), so a foreign trigger, a dropped table or a fake file holding only
``alembic_version`` and ``audit_log`` are all refused with their reasons.

``content_problems`` runs on the restored copy (upgraded to the current schema) before the live data is
touched: ``integrity_check``, ``foreign_key_check``, the audit log's chain, its head and the replay of the
audited rows (``audit_replay``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import text

from .. import paths
from ..db.engine import make_engine, sqlite_url
from ..db.migrate import MIGRATIONS_DIR, upgrade_database
from . import audit, audit_replay
from .output import WriteError, write_text_document

log = logging.getLogger(__name__)

Schema = dict[str, dict[str, Any]]  # kind ("tables", "indexes", "triggers", "views") → name → description
_MEMO: dict[str, Schema] = {}
_SPACES = re.compile(r"\s+")
MAX_REASONS = 12


def _sql(text_: str | None) -> str:
    return _SPACES.sub(" ", (text_ or "").strip()).replace("( ", "(").replace(" )", ")")


def read_schema(conn: sqlite3.Connection) -> Schema:
    """The schema of a SQLite database, in a form two databases can be compared by."""
    schema: Schema = {"tables": {}, "indexes": {}, "triggers": {}, "views": {}}
    objects = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    for kind, name, table, sql in objects:
        if kind == "table":
            columns = [
                [c[1], str(c[2]).upper(), int(c[3]), c[4], int(c[5])]
                for c in conn.execute(f'PRAGMA table_info("{name}")')
            ]
            fks = sorted(
                [f[2], f[3], f[4], str(f[6]).upper()]
                for f in conn.execute(f'PRAGMA foreign_key_list("{name}")')
            )
            uniques = sorted(
                [list(_index_columns(conn, ix[1])), ix[3]]
                for ix in conn.execute(f'PRAGMA index_list("{name}")')
                if ix[3] in ("u", "pk")
            )
            schema["tables"][name] = {"columns": columns, "foreign_keys": fks, "unique": uniques}
        elif kind == "index":
            if sql is None:
                continue  # an automatic index: part of its table's description
            unique = "UNIQUE" in sql.upper().split("INDEX")[0]
            schema["indexes"][name] = {
                "table": table,
                "unique": unique,
                "columns": _index_columns(conn, name),
            }
        elif kind == "trigger":
            schema["triggers"][name] = {"table": table, "sql": _sql(sql)}
        elif kind == "view":
            schema["views"][name] = {"sql": _sql(sql)}
    return schema


def _index_columns(conn: sqlite3.Connection, index: str) -> list[str]:
    return [str(r[2]) for r in conn.execute(f'PRAGMA index_info("{index}")')]


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_file(revision: str) -> Path:
    safe = re.sub(r"[^\w.-]", "_", revision)
    return paths.data_dir() / "schema-cache" / f"{safe}-{_migrations_digest()}.json"


def expected_schema(revision: str) -> Schema:
    """The schema a database of the app has at ``revision`` (an empty database migrated to it; cached)."""
    if revision in _MEMO:
        return _MEMO[revision]
    cache = _cache_file(revision)
    try:
        schema = json.loads(cache.read_text(encoding="utf-8"))
        _MEMO[revision] = schema
        return schema
    except (OSError, ValueError):
        pass
    with tempfile.TemporaryDirectory(prefix="sangkien-luoc-do-") as folder:
        path = Path(folder) / "empty.db"
        engine = make_engine(sqlite_url(path))
        try:
            upgrade_database(engine, None, target=revision)
        finally:
            engine.dispose()
        conn = sqlite3.connect(path)
        try:
            schema = read_schema(conn)
        finally:
            conn.close()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_text_document(cache, json.dumps(schema, ensure_ascii=False))
    except (OSError, WriteError) as exc:  # a read-only data folder: the memo is enough
        log.warning("Could not cache the schema of %s: %s", revision, exc)
    _MEMO[revision] = schema
    return schema


_KIND_LABELS = {"tables": "bảng", "indexes": "chỉ mục", "triggers": "trigger", "views": "view"}


def compare_schemas(expected: Schema, actual: Schema) -> list[str]:
    """Every difference, in Vietnamese ([] = the same schema)."""
    reasons: list[str] = []
    for kind, label in _KIND_LABELS.items():
        want, have = expected.get(kind, {}), actual.get(kind, {})
        missing = sorted(set(want) - set(have))
        if missing:
            reasons.append(f"thiếu {label} " + ", ".join(f"«{n}»" for n in missing))
        for name in sorted(set(have) - set(want)):
            reasons.append(f"có {label} lạ «{name}» không thuộc phần mềm")
        for name in sorted(set(want) & set(have)):
            if want[name] != have[name]:
                reasons.append(_difference(kind, label, name, want[name], have[name]))
    return reasons


def _difference(kind: str, label: str, name: str, want: dict[str, Any], have: dict[str, Any]) -> str:
    if kind != "tables":
        return f"{label} «{name}» khác với của phần mềm (đã bị sửa)"
    want_cols = {c[0]: c for c in want["columns"]}
    have_cols = {c[0]: c for c in have["columns"]}
    parts = [f"thiếu cột {c}" for c in want_cols if c not in have_cols]
    parts += [f"cột lạ {c}" for c in have_cols if c not in want_cols]
    parts += [
        f"cột {c} khác kiểu hoặc ràng buộc"
        for c in want_cols
        if c in have_cols and want_cols[c] != have_cols[c]
    ]
    if want["foreign_keys"] != have["foreign_keys"]:
        parts.append("khóa ngoại khác")
    if want["unique"] != have["unique"]:
        parts.append("ràng buộc không trùng khác")
    if not parts and [c[0] for c in want["columns"]] != [c[0] for c in have["columns"]]:
        parts.append("thứ tự cột khác")
    return f"bảng «{name}»: " + ", ".join(parts or ["khác với của phần mềm"])


def schema_problems(path: Path, revision: str) -> list[str]:
    """The differences between the schema of the database file ``path`` and the one of ``revision``."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        actual = read_schema(conn)
    finally:
        conn.close()
    return compare_schemas(expected_schema(revision), actual)


def content_problems(path: Path) -> list[str]:
    """What is wrong inside the (upgraded) copy: damaged pages, broken references, a broken or cut audit
    log, audited rows that differ from their last recorded values."""
    problems: list[str] = []
    conn = sqlite3.connect(path)
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
        if rows != ["ok"]:
            problems += [f"tệp hỏng: {r}" for r in rows[:5]]
            return problems  # nothing else can be trusted
        fks = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fks:
            table, rowid, parent, _ = fks[0]
            problems.append(
                f"{len(fks)} dòng tham chiếu tới dòng không tồn tại (ví dụ bảng {table}, dòng {rowid} → {parent})"
            )
    finally:
        conn.close()
    engine = make_engine(sqlite_url(path))
    try:
        from sqlalchemy.orm import Session

        with engine.connect() as connection, Session(bind=connection) as session:
            chain = audit.verify_chain(session)
            problems += [f"nhật ký: {p.message}" for p in chain[:5]]
            if len(chain) > 5:
                problems.append(f"nhật ký: … và {len(chain) - 5} dòng hỏng khác")
            problems += [f"nhật ký: {m}" for m in audit_replay.settings_head_problems(connection)]
            differences = list(audit_replay.row_differences(connection, 5))
            for found in differences:
                if isinstance(found, int):
                    problems.append(f"dữ liệu: … và {found} chỗ khác không khớp nhật ký")
                else:
                    problems.append(f"dữ liệu không khớp nhật ký: {found.message}")
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    return problems


def describe(reasons: list[str]) -> str:
    shown = reasons[:MAX_REASONS]
    more = f"\n  - … và {len(reasons) - MAX_REASONS} điều khác" if len(reasons) > MAX_REASONS else ""
    return "\n".join(f"  - {r}" for r in shown) + more
