"""Reading and writing the council's settings (keys declared in ``domain.settings_schema``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.errors import Issue, ValidationError
from ..domain.settings_schema import SETTINGS, SPECS, check, defaults, normalize
from ..models import Setting
from . import audit


@dataclass(frozen=True)
class SettingRow:
    """One setting as shown by ``sangkien settings show`` and the Cài đặt page."""

    key: str
    label: str
    group: str
    value: str
    default: str
    stored: bool  # False: the default is in use

    @property
    def choice_label(self) -> str:
        spec = SPECS.get(self.key)
        if spec and spec.choices:
            return dict(spec.choices).get(self.value, self.value)
        return self.value


def load(session: Session) -> dict[str, str]:
    """Every known setting (stored value or default) plus any extra stored keys."""
    values = defaults()
    for row in session.scalars(select(Setting)):
        values[row.key] = row.value
    return values


def get_all(db: Database) -> dict[str, str]:
    with db.reading() as session:
        return load(session)


def rows(session: Session) -> list[SettingRow]:
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    return [
        SettingRow(s.key, s.label, s.group, stored.get(s.key, s.default), s.default, s.key in stored)
        for s in SETTINGS
    ]


def validate(values: dict[str, str]) -> tuple[dict[str, str], list[Issue]]:
    """Normalize the values and collect their problems (unknown keys are errors)."""
    normalized: dict[str, str] = {}
    issues: list[Issue] = []
    for key, raw in values.items():
        if key not in SPECS:
            issues.append(Issue(f"Không có mục cài đặt '{key}'. Các mục: {', '.join(sorted(SPECS))}"))
            continue
        value = normalize(key, raw or "")
        normalized[key] = value
        issues += check(key, value)
    return normalized, issues


def put(session: Session, values: dict[str, str]) -> dict[str, str]:
    """Store several settings in the caller's transaction, logging each change. Returns the changed keys.

    Values are normalized first (capitals where the form prints capitals, ký hiệu without "/"); any error
    refuses the whole batch, warnings do not.
    """
    normalized, issues = validate(values)
    errors = [i for i in issues if i.is_error]
    if errors:
        raise ValidationError(errors, title="Cài đặt không hợp lệ")
    changed: dict[str, str] = {}
    for key, value in normalized.items():
        spec = SPECS[key]
        row = session.get(Setting, key)
        old = row.value if row is not None else None
        if row is not None and row.value == value:
            continue
        if row is None:
            if value == spec.default and not values.get(key):
                continue  # an untouched empty default: nothing to store
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


def is_configured(session: Session) -> bool:
    """True once the council's identity was saved (by the wizard, the Cài đặt page or the demo)."""
    return session.get(Setting, "issuing_body") is not None or session.get(Setting, "place_name") is not None
