"""The audit log: every change to scores, grades, assignments, dossier status, settings (and other user edits)
is recorded with who (the OS user), when, old and new values, in the same transaction as the change.

Entries are chained by SHA-256: each entry's hash covers its own content and the previous entry's hash, so a
later edit, insertion or deletion inside the log is found by ``verify_chain`` (``sangkien check``).

What exactly is hashed (``hash_version`` 3): the UTF-8 bytes of the canonical JSON object
``{"v": 3, "id", "at", "user", "action", "entity", "entity_id", "summary", "old", "new", "rows", "prev"}`` —
keys sorted, no whitespace, non-ASCII kept as is — where ``at`` is ISO 8601 with a space separator and
``old`` / ``new`` / ``rows`` are the stored JSON strings (``rows`` = ``row_values``, the values of the audited
rows the transaction touched: ``services.audit_rows``). The row id is included, so renumbering rows is
detected too. Version 2 is the same without ``rows``; entries written before version 2 (``hash_version``
NULL) are verified with the original formula.

The head of the chain (the newest entry's id and hash) is also kept in the setting ``audit_head`` and in each
finalized round's archive, so a log emptied or cut at its end is named by ``check``.

Limits: the chain has no secret key, so someone who rewrites the whole log from the edited row on *and* the
head in the settings is not detected by the chain alone; the finalized rounds' archives (with their SHA-256
lists) and backups are the second line.

Concurrent writers (two copies of the app on one database): the new row is inserted first — on SQLite this
takes the database's single write lock — and only then is the previous entry read and the hash computed, so
two transactions can never both chain onto the same entry. PostgreSQL takes a transaction-scoped advisory lock
for the same effect (ids then follow commit order).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Select, event, func, or_, select, text
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..db.database import Database
from ..models import AuditEntry, Setting
from ..models.base import now
from . import audit_rows

HASH_VERSION = 3
KNOWN_VERSIONS = (None, 2, 3)
_LAST_ENTRY = "sk_audit_last"  # session.info key: the newest entry this transaction wrote
_PG_CHAIN_LOCK = 7_302_011_907  # pg_advisory_xact_lock key of the audit chain ("sk audit")

ENTITY_LABELS: dict[str, str] = {
    "setting": "Cài đặt",
    "round": "Đợt",
    "unit": "Đơn vị",
    "unit_type": "Loại đơn vị",
    "person": "Người",
    "registration": "Đăng ký",
    "dossier": "Hồ sơ",
    "member": "Thành viên Hội đồng",
    "assignment": "Phân công chấm",
    "score": "Điểm",
    "vote": "Biểu quyết",
    "grade": "Xếp loại",
    "grade_rules": "Quy tắc xếp loại",
    "criterion": "Tiêu chí",
    "certificate": "Giấy chứng nhận",
    "recognized": "Sáng kiến đã công nhận (dữ liệu nhập)",
    "recognized_import": "Dữ liệu các năm trước",
    "document": "Văn bản",
    "database": "Cơ sở dữ liệu",
}
ACTION_LABELS: dict[str, str] = {
    "create": "Thêm",
    "update": "Sửa",
    "delete": "Xóa",
    "import": "Nhập từ tệp",
    "status": "Đổi trạng thái",
    "grade": "Xếp loại",
    "finalize": "Chốt đợt",
    "reopen": "Mở lại đợt",
    "archive": "Lưu trữ",
    "restore": "Khôi phục",
    "backup": "Sao lưu",
    "record": "Ghi nhận dữ liệu",
    "merge": "Gộp",
}


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def current_user() -> str:
    """The OS login name (what the log records as "who")."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (service account, odd environment)
        return "?"


# canonical JSON ------------------------------------------------------------------------------------------
def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted((_default(v) if not isinstance(v, str | int) else v for v in value), key=str)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def canonical_json(value: Any) -> str:
    """One text for one value: keys sorted, no whitespace, non-ASCII as is, Decimal/date/enum as text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def to_json(values: Mapping[str, Any] | None) -> str:
    """Old/new values as stored in the log ("" when there are none)."""
    if not values:
        return ""
    return canonical_json(dict(values))


def from_json(stored: str) -> dict[str, Any]:
    """The stored old/new values back as a dict ({} when empty or not a JSON object)."""
    if not stored:
        return {}
    try:
        value = json.loads(stored)
    except ValueError:
        return {"?": stored}
    return value if isinstance(value, dict) else {"?": value}


# hashing -------------------------------------------------------------------------------------------------
def _at_text(at: dt.datetime | None) -> str:
    return at.isoformat(sep=" ") if at else ""


def _legacy_hash(entry: AuditEntry) -> str:
    payload = "\x1f".join(
        [
            _at_text(entry.at),
            entry.user or "",
            entry.action or "",
            entry.entity or "",
            entry.entity_id or "",
            entry.summary or "",
            entry.old_values or "",
            entry.new_values or "",
            entry.prev_hash or "",
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hashed_payload(entry: AuditEntry) -> str:
    """The exact text whose SHA-256 is the entry's hash (versions 2 and 3)."""
    version = entry.hash_version or HASH_VERSION
    payload: dict[str, Any] = {
        "v": version,
        "id": entry.id,
        "at": _at_text(entry.at),
        "user": entry.user or "",
        "action": entry.action or "",
        "entity": entry.entity or "",
        "entity_id": entry.entity_id or "",
        "summary": entry.summary or "",
        "old": entry.old_values or "",
        "new": entry.new_values or "",
        "prev": entry.prev_hash or "",
    }
    if version >= 3:
        payload["rows"] = entry.row_values or ""
    return canonical_json(payload)


def entry_hash(entry: AuditEntry) -> str:
    """The hash the entry should carry, by the formula of its ``hash_version``."""
    if entry.hash_version is None:
        return _legacy_hash(entry)
    if entry.hash_version not in KNOWN_VERSIONS:
        return ""  # unknown formula: never matches
    return hashlib.sha256(hashed_payload(entry).encode("utf-8")).hexdigest()


# writing -------------------------------------------------------------------------------------------------
def _head(session: Session, before_id: int | None = None) -> str:
    query = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return session.execute(query).scalar() or ""


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: object = "",
    summary: str = "",
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add one log entry in the caller's transaction (it commits or rolls back with the change)."""
    entry = AuditEntry(
        at=now(),
        user=current_user(),
        action=action,
        entity=entity,
        entity_id="" if entity_id is None else str(entity_id),
        summary=summary,
        old_values=to_json(old),
        new_values=to_json(new),
        row_values="",
        prev_hash="",
        hash="",
        hash_version=HASH_VERSION,
    )
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            # the chain lock first, then the id: ids follow commit order and the row is written once
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
            entry.id = session.execute(
                text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")
            ).scalar_one()
            session.flush()  # the caller's pending changes, before the head is read
            entry.prev_hash = _head(session)
            entry.hash = entry_hash(entry)
            session.add(entry)
        else:
            session.add(entry)
            session.flush()  # SQLite: the row exists (and the write lock is ours) before the head is read
            entry.prev_hash = _head(session, entry.id)
            entry.hash = entry_hash(entry)
        _store_head(session, entry)
        session.flush()
    session.info[_LAST_ENTRY] = entry
    return entry


def _store_head(session: Session, entry: AuditEntry) -> None:
    """Keep the chain's head in the settings, where cutting the log's end cannot hide it."""
    value = f"{entry.id} {entry.hash}"
    row = session.get(Setting, audit_rows.HEAD_KEY)
    if row is None:
        session.add(Setting(key=audit_rows.HEAD_KEY, value=value))
    else:
        row.value = value


def stored_head(session: Session) -> tuple[int, str] | None:
    """(id, hash) of the head kept in the settings, or None when there is none (or it is unreadable)."""
    row = session.get(Setting, audit_rows.HEAD_KEY)
    return parse_head(row.value if row is not None else "")


def parse_head(value: str) -> tuple[int, str] | None:
    parts = (value or "").split()
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1]


def _before_commit(session: Session) -> None:
    """Store the values of the audited rows this transaction touched in its last entry (see audit_rows)."""
    session.flush()  # the pending changes first: the mapper events note the rows they touch
    if not audit_rows.touched(session):
        return
    states = audit_rows.pending_states(session)
    if not states:
        return
    entry = session.info.get(_LAST_ENTRY)
    if entry is None or entry not in session:
        n = sum(len(rows) for _columns, rows in states.values())
        what = ", ".join(audit_rows.AUDITED[t] for t in states)
        entry = record(session, "record", "database", "", f"Ghi nhận giá trị {n} dòng dữ liệu ({what})")
    with session.no_autoflush:
        entry.row_values = audit_rows.encode(states)
        entry.hash_version = HASH_VERSION
        entry.hash = entry_hash(entry)
        _store_head(session, entry)
    session.flush()
    audit_rows.forget(session)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_LAST_ENTRY, None)


# the columns of audit_log as of hash version 3 (used without the ORM: migrations, generators)
_LOG_V3 = sa_table(
    "audit_log",
    *(
        sa_column(name)
        for name in (
            "id",
            "at",
            "user",
            "action",
            "entity",
            "entity_id",
            "summary",
            "old_values",
            "new_values",
            "row_values",
            "prev_hash",
            "hash",
            "hash_version",
        )
    ),
)
_SETTINGS = sa_table("settings", sa_column("key"), sa_column("value"))


def append_entry(
    conn: Connection, action: str, entity: str, summary: str, row_values: str = ""
) -> AuditEntry:
    """Append one version-3 entry with plain SQL on ``conn`` (no ORM session: a migration, a generator)
    and move the head in the settings. Returns the entry as written (transient)."""
    values: dict[str, Any] = {
        "at": now(),
        "user": current_user(),
        "action": action,
        "entity": entity,
        "entity_id": "",
        "summary": summary,
        "old_values": "",
        "new_values": "",
        "row_values": row_values,
        "prev_hash": "",
        "hash": "",
        "hash_version": 3,
    }
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
        values["id"] = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")
        ).scalar_one()
    else:
        values["id"] = (conn.execute(text("SELECT MAX(id) FROM audit_log")).scalar() or 0) + 1
    values["prev_hash"] = (
        conn.execute(text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")).scalar() or ""
    )
    entry = AuditEntry(**values)
    entry.hash = values["hash"] = entry_hash(entry)
    conn.execute(_LOG_V3.insert().values(**values))
    head = f"{entry.id} {entry.hash}"
    updated = conn.execute(
        _SETTINGS.update().where(_SETTINGS.c.key == audit_rows.HEAD_KEY).values(value=head)
    ).rowcount
    if not updated:
        conn.execute(_SETTINGS.insert().values(key=audit_rows.HEAD_KEY, value=head))
    return entry


def append_snapshot(conn: Connection, summary: str, chunk: int = 20_000) -> list[AuditEntry]:
    """Record the current values of every audited row (``append_entry``), ``chunk`` rows per entry so no
    entry is too big to read back; [] when the tables are empty."""
    entries: list[AuditEntry] = []
    for table, columns, rows in audit_rows.snapshot(conn, chunk):
        label = audit_rows.AUDITED[table]
        text_ = audit_rows.encode({table: (columns, rows)})
        entries.append(
            append_entry(conn, "record", "database", f"{summary} ({label}, {len(rows)} dòng)", text_)
        )
    return entries


_installed = False


def install() -> None:
    """Attach the row-values hook to every ORM session (idempotent)."""
    global _installed
    if not _installed:
        audit_rows.install()
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
        _installed = True


# verifying -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def _describe(entry: AuditEntry) -> str:
    at = entry.at.strftime("%d/%m/%Y %H:%M") if entry.at else "?"
    summary = (entry.summary or "").strip()
    if len(summary) > 60:
        summary = summary[:57] + "…"
    return f"Nhật ký dòng {entry.id} ({at}, {entry.user or '?'}: {summary or entry.action})"


def iter_chain_problems(session: Session, batch: int = 2000) -> Iterator[ChainProblem]:
    """Walk the log in id order, a batch at a time (rows are read as plain values, not kept in the
    session), yielding each broken entry."""
    table = AuditEntry.__table__
    previous: AuditEntry | None = None
    previous_hash = ""
    last_id = 0
    while True:
        rows = session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            entry = AuditEntry(**row._mapping)  # transient: never added to the session
            if entry.prev_hash != previous_hash:
                before = f"dòng {previous.id}" if previous is not None else "đầu nhật ký"
                yield ChainProblem(
                    entry.id,
                    f"{_describe(entry)}: mất liên kết với {before} — có dòng đã bị xóa, chèn thêm "
                    "hoặc sửa rồi tính lại mã băm",
                )
            if entry.hash_version not in KNOWN_VERSIONS:
                yield ChainProblem(
                    entry.id, f"{_describe(entry)}: phiên bản mã băm lạ ({entry.hash_version})"
                )
            elif entry.hash != entry_hash(entry):
                yield ChainProblem(entry.id, f"{_describe(entry)}: nội dung đã bị sửa sau khi ghi")
            previous = entry
            previous_hash = entry.hash or ""
            last_id = entry.id


def verify_chain(session: Session) -> list[ChainProblem]:
    """Check every entry's hash and its link to the previous one; return the broken entries."""
    return list(iter_chain_problems(session))


# browsing ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditFilter:
    """What the log page and ``sangkien audit list`` filter on (None = any)."""

    entity: str | None = None
    entity_id: str | None = None
    user: str | None = None
    action: str | None = None
    since: dt.date | None = None  # from this day (inclusive)
    until: dt.date | None = None  # to this day (inclusive)
    text: str | None = None  # words in the summary or values


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    user: str
    action: str
    entity: str
    entity_id: str
    summary: str
    old: dict[str, Any]
    new: dict[str, Any]

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def entity_label(self) -> str:
        return entity_label(self.entity)

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for every field in either side, in a stable order."""
        keys = list(dict.fromkeys([*self.old, *self.new]))
        return [(k, self.old.get(k), self.new.get(k)) for k in keys]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(sep=" "),
            "user": self.user,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "summary": self.summary,
            "old": self.old,
            "new": self.new,
        }


def _filtered(query: Select[Any], flt: AuditFilter) -> Select[Any]:
    if flt.entity:
        query = query.where(AuditEntry.entity == flt.entity)
    if flt.entity_id:
        query = query.where(AuditEntry.entity_id == flt.entity_id)
    if flt.user:
        query = query.where(AuditEntry.user == flt.user)
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(flt.since, dt.time()))
    if flt.until:
        query = query.where(AuditEntry.at < dt.datetime.combine(flt.until + dt.timedelta(days=1), dt.time()))
    if flt.text and flt.text.strip():
        pattern = f"%{flt.text.strip()}%"
        query = query.where(
            or_(
                AuditEntry.summary.ilike(pattern),
                AuditEntry.old_values.ilike(pattern),
                AuditEntry.new_values.ilike(pattern),
                AuditEntry.entity_id == flt.text.strip(),
            )
        )
    return query


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=entry.at,
        user=entry.user,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        summary=entry.summary,
        old=from_json(entry.old_values),
        new=from_json(entry.new_values),
    )


def query_entries(
    session: Session, flt: AuditFilter | None = None, *, limit: int = 500, offset: int = 0
) -> list[AuditRow]:
    """Entries matching ``flt``, newest first."""
    query = _filtered(select(AuditEntry), flt or AuditFilter())
    query = query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return [_row(e) for e in session.scalars(query)]


def list_entries(
    db: Database, flt: AuditFilter | None = None, *, limit: int = 500, offset: int = 0
) -> list[AuditRow]:
    with db.reading() as session:
        return query_entries(session, flt, limit=limit, offset=offset)


def count_entries(db: Database, flt: AuditFilter | None = None) -> int:
    with db.reading() as session:
        query = _filtered(select(func.count(AuditEntry.id)), flt or AuditFilter())
        return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class AuditFacets:
    users: list[str]
    entities: list[str]
    actions: list[str]
    first: dt.datetime | None
    last: dt.datetime | None
    total: int


def facets(db: Database) -> AuditFacets:
    """The values the log page offers in its filter boxes."""
    with db.reading() as session:
        users = sorted(session.scalars(select(AuditEntry.user).distinct()).all())
        entities = sorted(session.scalars(select(AuditEntry.entity).distinct()).all(), key=entity_label)
        actions = sorted(session.scalars(select(AuditEntry.action).distinct()).all(), key=action_label)
        first, last, total = session.execute(
            select(func.min(AuditEntry.at), func.max(AuditEntry.at), func.count(AuditEntry.id))
        ).one()
    return AuditFacets(users, entities, actions, first, last, int(total or 0))
