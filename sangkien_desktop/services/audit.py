"""The audit log writer: every change to scores, grades, assignments, dossier status and settings is
recorded here with who (the OS user), when, old and new values. Entries are chained by SHA-256 so a later
edit of the log is detectable (``verify_chain``)."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEntry
from ..models.base import now


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service account, odd environment)
        return "?"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def to_json(values: Mapping[str, Any] | None) -> str:
    if not values:
        return ""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=_default)


def entry_hash(entry: AuditEntry) -> str:
    payload = "\x1f".join(
        [
            entry.at.isoformat(sep=" ") if entry.at else "",
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
    last = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    entry = AuditEntry(
        at=now(),
        user=current_user(),
        action=action,
        entity=entity,
        entity_id="" if entity_id is None else str(entity_id),
        summary=summary,
        old_values=to_json(old),
        new_values=to_json(new),
        prev_hash=last or "",
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def verify_chain(session: Session) -> list[ChainProblem]:
    """Check every entry's hash and its link to the previous one; return the broken entries."""
    problems: list[ChainProblem] = []
    previous = ""
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != previous:
            problems.append(ChainProblem(entry.id, f"Nhật ký dòng {entry.id}: mất liên kết với dòng trước"))
        if entry.hash != entry_hash(entry):
            problems.append(
                ChainProblem(entry.id, f"Nhật ký dòng {entry.id}: nội dung đã bị sửa sau khi ghi")
            )
        previous = entry.hash
    return problems
