"""Reading and writing the council's settings (keys declared in ``domain.settings_schema``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.errors import ValidationError
from ..domain.settings_schema import SPECS, defaults
from ..domain.text import clean
from ..models import Setting
from . import audit


def load(session: Session) -> dict[str, str]:
    """Every known setting (stored value or default) plus any extra stored keys."""
    values = defaults()
    for row in session.scalars(select(Setting)):
        values[row.key] = row.value
    return values


def get_all(db: Database) -> dict[str, str]:
    with db.reading() as session:
        return load(session)


def put(session: Session, values: dict[str, str]) -> dict[str, str]:
    """Store several settings in the caller's transaction, logging each change. Returns the changed keys."""
    changed: dict[str, str] = {}
    current = load(session)
    for key, raw in values.items():
        spec = SPECS.get(key)
        if spec is None:
            raise ValidationError(f"Không có mục cài đặt '{key}'. Các mục: {', '.join(sorted(SPECS))}")
        value = clean(raw)
        if spec.choices and value not in {c for c, _ in spec.choices}:
            allowed = ", ".join(c for c, _ in spec.choices)
            raise ValidationError(f"Cài đặt '{spec.label}' chỉ nhận một trong các giá trị: {allowed}")
        if current.get(key) == value and session.get(Setting, key) is not None:
            continue
        row = session.get(Setting, key)
        old = row.value if row is not None else None
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        audit.record(
            session, "update", "setting", key, f"Sửa cài đặt: {spec.label}", {key: old}, {key: value}
        )
        changed[key] = value
    session.flush()
    return changed


def set_many(db: Database, values: dict[str, str]) -> dict[str, str]:
    with db.session() as session:
        return put(session, values)
