"""The units catalog: unit types with their registration deadlines, units with short names and aliases,
matching a name as units write it, importing a unit list from Excel, and merging two units.

Every function takes the caller's ``Session`` (one transaction per user action) and records an audit entry
for each change. ``UnitMatcher`` is what importers use to turn a written unit name into a unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from rapidfuzz import fuzz, process
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from ..domain import column_matching as cm
from ..domain.defaults import DEFAULT_UNIT_TYPES
from ..domain.enums import RoundStatus
from ..domain.errors import Issue, NotFoundError, RoundLockedError, ValidationError
from ..domain.text import clean, fold, fold_key, one_line, sort_key
from ..domain.unit_names import canonical_key, guess_type_code
from ..models import Base, Dossier, ImportMapping, Person, Registration, Round, Unit, UnitAlias, UnitType
from . import audit

# --- unit types ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitTypeRow:
    id: int
    code: str
    name: str
    deadline_month: int | None
    deadline_day: int | None
    position: int
    units: int

    @property
    def deadline_text(self) -> str:
        if self.deadline_month and self.deadline_day:
            return f"{self.deadline_day:02d}/{self.deadline_month:02d}"
        return ""

    def deadline(self, year: int) -> dt.date | None:
        """The registration deadline of this type in ``year``."""
        return _deadline(year, self.deadline_month, self.deadline_day)


def _deadline(year: int, month: int | None, day: int | None) -> dt.date | None:
    if not (month and day):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, 28)


def ensure_default_types(session: Session) -> int:
    """Create the default unit types when there are none. Returns how many were created."""
    if session.scalar(select(func.count(UnitType.id))):
        return 0
    for i, spec in enumerate(DEFAULT_UNIT_TYPES):
        session.add(
            UnitType(
                code=spec.code,
                name=spec.name,
                deadline_month=spec.deadline_month,
                deadline_day=spec.deadline_day,
                position=i,
            )
        )
    session.flush()
    audit.record(session, "create", "unit_type", "", f"Tạo {len(DEFAULT_UNIT_TYPES)} loại đơn vị mặc định")
    return len(DEFAULT_UNIT_TYPES)


def list_types(session: Session) -> list[UnitTypeRow]:
    counts = dict(
        session.execute(select(Unit.unit_type_id, func.count(Unit.id)).group_by(Unit.unit_type_id)).all()
    )
    return [
        UnitTypeRow(t.id, t.code, t.name, t.deadline_month, t.deadline_day, t.position, counts.get(t.id, 0))
        for t in session.scalars(select(UnitType).order_by(UnitType.position, UnitType.id))
    ]


def _check_deadline(month: int | None, day: int | None) -> None:
    if (month is None) != (day is None):
        raise ValidationError("Hạn đăng ký phải có cả ngày và tháng (hoặc bỏ trống cả hai).")
    if month is not None and day is not None:
        if not 1 <= month <= 12:
            raise ValidationError(f"Tháng {month} không hợp lệ (1 đến 12).")
        try:
            dt.date(2024, month, day)  # 2024: a leap year, so 29/02 is accepted
        except ValueError as exc:
            raise ValidationError(f"Ngày {day}/{month} không có trong năm.") from exc


def parse_deadline(text: str) -> tuple[int | None, int | None]:
    """ "31/3", "31/03", "15-9" → (month, day); "" → (None, None)."""
    text = one_line(text)
    if not text:
        return None, None
    for sep in ("/", "-", "."):
        if sep in text:
            day_text, _, month_text = text.partition(sep)
            if day_text.strip().isdigit() and month_text.strip().isdigit():
                month, day = int(month_text), int(day_text)
                _check_deadline(month, day)
                return month, day
    raise ValidationError(f"Hạn '{text}' không đọc được; ghi dạng ngày/tháng, ví dụ 31/3.")


def save_type(
    session: Session,
    type_id: int | None,
    *,
    name: str,
    code: str = "",
    deadline_month: int | None = None,
    deadline_day: int | None = None,
) -> UnitType:
    """Create (``type_id`` None) or update a unit type."""
    name = one_line(name)
    if not name:
        raise ValidationError("Loại đơn vị phải có tên.")
    _check_deadline(deadline_month, deadline_day)
    others = list(session.scalars(select(UnitType).where(UnitType.id != (type_id or -1))))
    if any(fold(t.name) == fold(name) for t in others):
        raise ValidationError(f"Đã có loại đơn vị '{name}'.")
    if type_id is None:
        code = one_line(code) or _new_code(name, {t.code for t in others})
        if any(t.code == code for t in others):
            raise ValidationError(f"Đã có loại đơn vị mã '{code}'.")
        position = max((t.position for t in others), default=-1) + 1
        row = UnitType(
            code=code,
            name=name,
            deadline_month=deadline_month,
            deadline_day=deadline_day,
            position=position,
        )
        session.add(row)
        session.flush()
        audit.record(session, "create", "unit_type", row.id, f"Thêm loại đơn vị {name}", new={"name": name})
        return row
    existing = session.get(UnitType, type_id)
    if existing is None:
        raise NotFoundError(f"Không tìm thấy loại đơn vị có mã {type_id}.")
    old = {"name": existing.name, "deadline": _deadline_str(existing.deadline_month, existing.deadline_day)}
    existing.name, existing.deadline_month, existing.deadline_day = name, deadline_month, deadline_day
    new = {"name": name, "deadline": _deadline_str(deadline_month, deadline_day)}
    if old != new:
        session.flush()
        audit.record(session, "update", "unit_type", existing.id, f"Sửa loại đơn vị {name}", old, new)
    return existing


def _deadline_str(month: int | None, day: int | None) -> str:
    return f"{day:02d}/{month:02d}" if month and day else ""


def _new_code(name: str, taken: set[str]) -> str:
    base = "_".join(fold_key(name).split(" ")[:3]) or "loai"
    code, n = base[:30], 2
    while code in taken:
        code, n = f"{base[:26]}_{n}", n + 1
    return code


def delete_type(session: Session, type_id: int) -> None:
    row = session.get(UnitType, type_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy loại đơn vị có mã {type_id}.")
    used = session.scalar(select(func.count(Unit.id)).where(Unit.unit_type_id == type_id)) or 0
    if used:
        raise ValidationError(
            f"Loại '{row.name}' đang có {used} đơn vị; hãy chuyển các đơn vị sang loại khác trước khi xóa."
        )
    name = row.name
    session.delete(row)
    session.flush()
    audit.record(session, "delete", "unit_type", type_id, f"Xóa loại đơn vị {name}")


def find_type(session: Session, text: str) -> UnitType | None:
    """A unit type by code or by (accent-insensitive) name, or by a pattern of its usual name."""
    key = fold_key(text)
    if not key:
        return None
    types = list(session.scalars(select(UnitType)))
    for t in types:
        if t.code == one_line(text) or fold_key(t.name) == key or fold_key(t.code) == key:
            return t
    for t in types:  # "Trường Mầm non" for "Trường Mầm non", "THCS" for "Trường THCS"
        if canonical_key(t.name) == canonical_key(text):
            return t
    guessed = guess_type_code(text)
    return next((t for t in types if t.code == guessed), None) if guessed else None


# --- units -----------------------------------------------------------------------------------------------

UNCHANGED = -1  # "leave the unit type as it is" for update_unit


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    short_name: str
    type_id: int | None
    type_name: str
    aliases: tuple[str, ...]
    active: bool
    note: str
    registrations: int = 0
    dossiers: int = 0
    people: int = 0

    @property
    def used(self) -> bool:
        return bool(self.registrations or self.dossiers or self.people)


def _counts(session: Session, column: Any) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


def list_units(session: Session, *, include_inactive: bool = True) -> list[UnitRow]:
    """Units sorted by type then Vietnamese alphabetical order, with their usage counts."""
    regs = _counts(session, Registration.unit_id)
    dossiers = _counts(session, Dossier.unit_id)
    people = _counts(session, Person.unit_id)
    types = {t.id: t for t in session.scalars(select(UnitType))}
    aliases: dict[int, list[str]] = {}
    for alias in session.scalars(select(UnitAlias).order_by(UnitAlias.id)):
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    query = select(Unit)
    if not include_inactive:
        query = query.where(Unit.active.is_(True))
    rows = []
    for u in session.scalars(query):
        t = types.get(u.unit_type_id) if u.unit_type_id else None
        rows.append(
            UnitRow(
                u.id,
                u.name,
                u.short_name,
                u.unit_type_id,
                t.name if t else "",
                tuple(aliases.get(u.id, [])),
                u.active,
                u.note,
                regs.get(u.id, 0),
                dossiers.get(u.id, 0),
                people.get(u.id, 0),
            )
        )
    order = {t.id: (t.position, t.id) for t in types.values()}
    rows.sort(key=lambda r: (order.get(r.type_id, (10**6, 0)) if r.type_id else (10**6, 0), sort_key(r.name)))
    return rows


def get_unit(session: Session, ref: int | str) -> Unit:
    """A unit by id or by any of its names (name, alias, short name)."""
    text = str(ref).strip()
    unit: Unit | None = session.get(Unit, int(text)) if text.isdigit() else None
    if unit is None:
        unit = UnitMatcher(session).match(text)
    if unit is None:
        raise NotFoundError(f"Không tìm thấy đơn vị '{text}'. Xem danh sách bằng lệnh: sangkien units list")
    return unit


def _key_owner(session: Session, key: str, exclude_unit: int | None = None) -> Unit | None:
    """The unit whose name or alias folds to ``key`` (another than ``exclude_unit``)."""
    if not key:
        return None
    unit = session.scalar(select(Unit).where(Unit.name_key == key, Unit.id != (exclude_unit or -1)))
    if unit is not None:
        return unit
    alias = session.scalar(select(UnitAlias).where(UnitAlias.alias_key == key))
    if alias is not None and alias.unit_id != exclude_unit:
        return alias.unit
    return None


def _check_name(session: Session, name: str, unit_id: int | None) -> str:
    name = one_line(name)
    if not name:
        raise ValidationError("Đơn vị phải có tên.")
    if len(name) > 255:
        raise ValidationError(f"Tên đơn vị quá dài ({len(name)} ký tự; tối đa 255).")
    owner = _key_owner(session, fold_key(name), unit_id)
    if owner is not None:
        raise ValidationError(
            f"Tên '{name}' trùng với đơn vị '{owner.name}' (tên hoặc tên khác của đơn vị đó). "
            "Nếu là cùng một đơn vị, hãy dùng chức năng Gộp đơn vị."
        )
    return name


def create_unit(
    session: Session,
    name: str,
    *,
    short_name: str = "",
    unit_type_id: int | None = None,
    aliases: Iterable[str] = (),
    note: str = "",
) -> Unit:
    name = _check_name(session, name, None)
    unit = Unit(name=name, short_name=one_line(short_name)[:100], unit_type_id=unit_type_id, note=note)
    session.add(unit)
    session.flush()
    _add_aliases(session, unit, aliases)
    audit.record(
        session,
        "create",
        "unit",
        unit.id,
        f"Thêm đơn vị {name}",
        new={"name": name, "short_name": unit.short_name, "aliases": [a.alias for a in unit.aliases]},
    )
    return unit


def update_unit(
    session: Session,
    unit_id: int,
    *,
    name: str | None = None,
    short_name: str | None = None,
    unit_type_id: int | None = UNCHANGED,
    active: bool | None = None,
    note: str | None = None,
    aliases: Sequence[str] | None = None,
) -> Unit:
    """Change a unit; arguments left at their default are not touched (``unit_type_id=None`` clears the
    type, ``UNCHANGED`` keeps it)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(f"Không tìm thấy đơn vị có mã {unit_id}.")
    old = _unit_values(unit)
    previous = unit.name
    renamed = name is not None and one_line(name) != unit.name
    if renamed:
        assert name is not None
        unit.name = _check_name(session, name, unit.id)
        # the old name keeps matching on import
        if fold_key(previous) != unit.name_key:
            _add_aliases(session, unit, [previous], quiet=True)
    if short_name is not None:
        unit.short_name = one_line(short_name)[:100]
    if unit_type_id != UNCHANGED:
        unit.unit_type_id = unit_type_id
    if active is not None:
        unit.active = active
    if note is not None:
        unit.note = note
    if aliases is not None:
        keep = [*aliases, previous] if renamed else list(aliases)
        wanted = {fold_key(a): one_line(a) for a in keep if fold_key(a) and fold_key(a) != unit.name_key}
        for alias in list(unit.aliases):
            if alias.alias_key not in wanted:
                unit.aliases.remove(alias)
        session.flush()
        _add_aliases(session, unit, wanted.values())
    session.flush()
    new = _unit_values(unit)
    if new != old:
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        audit.record(
            session,
            "update",
            "unit",
            unit.id,
            f"Sửa đơn vị {unit.name}",
            {k: old[k] for k in changed},
            changed,
        )
    return unit


def _unit_values(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "unit_type_id": unit.unit_type_id,
        "active": unit.active,
        "note": unit.note,
        "aliases": sorted(a.alias for a in unit.aliases),
    }


def _add_aliases(session: Session, unit: Unit, aliases: Iterable[str], *, quiet: bool = False) -> list[str]:
    """Add aliases (skipping ones the unit already answers to). Raises when another unit owns one, unless
    ``quiet`` (then it is skipped)."""
    added = []
    have = {a.alias_key for a in unit.aliases} | {unit.name_key}
    for raw in aliases:
        text = one_line(raw)
        key = fold_key(text)
        if not key or key in have:
            continue
        owner = _key_owner(session, key, unit.id)
        if owner is not None:
            if quiet:
                continue
            raise ValidationError(f"Tên khác '{text}' đã là tên của đơn vị '{owner.name}'.")
        unit.aliases.append(UnitAlias(alias=text))
        have.add(key)
        added.append(text)
    session.flush()
    return added


def add_alias(session: Session, unit_id: int, alias: str) -> bool:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(f"Không tìm thấy đơn vị có mã {unit_id}.")
    added = _add_aliases(session, unit, [alias])
    if added:
        audit.record(session, "update", "unit", unit.id, f"Thêm tên khác '{added[0]}' cho {unit.name}")
    return bool(added)


def delete_unit(session: Session, unit_id: int) -> None:
    """Delete a unit nobody refers to (a unit created by mistake); otherwise suggest merging."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(f"Không tìm thấy đơn vị có mã {unit_id}.")
    refs = _references(session, unit.id)
    used = {name: n for name, n in refs.items() if n and name not in {"unit_aliases", "import_mappings"}}
    if used:
        detail = ", ".join(f"{n} {_TABLE_LABELS.get(name, name)}" for name, n in used.items())
        raise ValidationError(
            f"Đơn vị '{unit.name}' đang có {detail} nên không xóa được. "
            "Nếu đây là bản trùng của một đơn vị khác, hãy dùng Gộp đơn vị.",
            title="Không xóa được đơn vị",
        )
    old = _unit_values(unit)
    session.execute(delete(ImportMapping).where(ImportMapping.unit_id == unit.id))
    session.delete(unit)
    session.flush()
    audit.record(session, "delete", "unit", unit_id, f"Xóa đơn vị {old['name']}", old=old)


# --- matching --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    unit_id: int
    how: str  # "name", "alias", "short_name", "similar"


class UnitMatcher:
    """Turns unit names as units write them into units. Built once per import (one query per table).

    Order: exact name, alias, short name (all accent- and case-insensitive), then the canonical key
    ("UBND xã Vạn Phúc" = "Xã Vạn Phúc") when exactly one unit has it.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, int] = {}
        self.by_alias: dict[str, int] = {}
        self.by_short: dict[str, set[int]] = {}
        self.by_canonical: dict[str, set[int]] = {}
        self.names: dict[int, str] = {}
        self.merged_into: dict[int, int] = {}
        for unit_id, name, name_key, short, merged_into in session.execute(
            select(Unit.id, Unit.name, Unit.name_key, Unit.short_name, Unit.merged_into_id)
        ):
            self._add(unit_id, name, name_key, short)
            if merged_into is not None:
                self.merged_into[unit_id] = merged_into
        for unit_id, alias, alias_key in session.execute(
            select(UnitAlias.unit_id, UnitAlias.alias, UnitAlias.alias_key)
        ):
            self.by_alias[alias_key] = unit_id
            self.by_canonical.setdefault(canonical_key(alias), set()).add(unit_id)

    def _add(self, unit_id: int, name: str, name_key: str, short: str) -> None:
        self.names[unit_id] = name
        self.by_name[name_key or fold_key(name)] = unit_id
        if short:
            self.by_short.setdefault(fold_key(short), set()).add(unit_id)
        self.by_canonical.setdefault(canonical_key(name), set()).add(unit_id)

    def add_unit(self, unit: Unit) -> None:
        """Make a unit created during the import matchable."""
        self._add(unit.id, unit.name, unit.name_key, unit.short_name)
        for alias in unit.aliases:
            self.by_alias[alias.alias_key] = unit.id

    def find(self, text: str | None) -> Match | None:
        key = fold_key(text)
        if not key:
            return None
        found: Match | None = None
        if key in self.by_name:
            found = Match(self.by_name[key], "name")
        elif key in self.by_alias:
            found = Match(self.by_alias[key], "alias")
        else:
            shorts = self.by_short.get(key, set())
            similar = self.by_canonical.get(canonical_key(text), set())
            if len(shorts) == 1:
                found = Match(next(iter(shorts)), "short_name")
            elif len(similar) == 1:
                found = Match(next(iter(similar)), "similar")
        if found is None:
            return None
        successor = self.successor(found.unit_id)
        return found if successor == found.unit_id else Match(successor, "merged")

    def successor(self, unit_id: int) -> int:
        """The unit that ``unit_id`` was merged into (following chains), or ``unit_id`` itself."""
        seen = {unit_id}
        while (target := self.merged_into.get(unit_id)) is not None and target not in seen:
            seen.add(target)
            unit_id = target
        return unit_id

    def suggest(self, text: str | None, limit: int = 3) -> list[str]:
        """Names of units that look like ``text`` (for "Có phải …?" in messages)."""
        if not self.names:
            return []
        choices = {i: canonical_key(n) for i, n in self.names.items() if i not in self.merged_into}
        found = process.extract(
            canonical_key(text), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=75
        )
        return [self.names[i] for _, _, i in found]

    def match(self, text: str | None) -> Unit | None:
        found = self.find(text)
        return self.session.get(Unit, found.unit_id) if found else None


def find_unit(session: Session, text: str | None) -> Unit | None:
    """The unit a written name refers to (see ``UnitMatcher``), or None."""
    return UnitMatcher(session).match(text)


# --- merging ---------------------------------------------------------------------------------------------

_TABLE_LABELS = {
    "registrations": "đăng ký",
    "dossiers": "hồ sơ",
    "people": "người",
    "unit_aliases": "tên khác",
    "import_mappings": "mẫu nhập",
    "units": "đơn vị đã gộp",
}


def _unit_foreign_keys() -> list[tuple[Any, Any]]:
    """Every (table, column) holding a units.id, found from the models (so tables added later are covered)."""
    units = Base.metadata.tables["units"]
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table is units and fk.column.name == "id":
                    found.append((table, column))
    return found


def _references(session: Session, unit_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, column in _unit_foreign_keys():
        n = session.scalar(select(func.count()).select_from(table).where(column == unit_id)) or 0
        counts[table.name] = counts.get(table.name, 0) + n
    return counts


@dataclass(frozen=True)
class MergeReport:
    kept_id: int
    kept_name: str
    merged_name: str
    moved: dict[str, int] = field(default_factory=dict)  # table → rows moved

    def text(self) -> str:
        parts = [f"{n} {_TABLE_LABELS.get(t, t)}" for t, n in self.moved.items() if n]
        moved = ", ".join(parts) if parts else "không có dữ liệu"
        return f"Đã gộp '{self.merged_name}' vào '{self.kept_name}': chuyển {moved}."


def _finalized_rounds_of(session: Session, unit_id: int) -> list[Round]:
    """The finalized rounds holding a dossier of this unit."""
    has_dossier = select(Dossier.id).where(Dossier.round_id == Round.id, Dossier.unit_id == unit_id).exists()
    query = select(Round).where(Round.status == RoundStatus.FINALIZED, has_dossier)
    return list(session.scalars(query.order_by(Round.year, Round.number)))


def finalized_rounds_holding(session: Session, unit_id: int) -> list[str]:
    """The labels of the finalized rounds with a dossier of this unit (merging it then needs a reason)."""
    return [r.label for r in _finalized_rounds_of(session, unit_id)]


def _reopen_for_merge(session: Session, drop: Unit, keep: Unit, reason: str) -> list[tuple[Round, Any]]:
    """A unit with dossiers in finalized rounds is merged only with a reason: each such round is reopened
    (logged with the reason), and finalized again once the dossiers moved (``_refinalize``)."""
    locked = _finalized_rounds_of(session, drop.id)
    if not locked:
        return []
    from .finalize import MIN_REASON_LENGTH, reopen_in  # here: finalize imports every document producer

    labels = ", ".join(r.label for r in locked)
    reason = clean(reason or "")
    if len(reason) < MIN_REASON_LENGTH:
        raise RoundLockedError(
            f"Đơn vị «{drop.name}» có hồ sơ trong đợt đã chốt kết quả ({labels}): gộp đơn vị sẽ đổi đơn vị của "
            f"các hồ sơ đó. Hãy ghi lý do (ít nhất {MIN_REASON_LENGTH} ký tự; dòng lệnh: --reason …): các đợt "
            "này được mở lại, hồ sơ được chuyển rồi đợt được chốt lại, tất cả ghi vào nhật ký."
        )
    reopened = []
    for rnd in locked:
        reopened.append((rnd, rnd.finalized_at))
        reopen_in(session, rnd, f"Gộp đơn vị «{drop.name}» vào «{keep.name}»: {reason}")
    return reopened


def _refinalize(session: Session, reopened: list[tuple[Round, Any]], drop_name: str) -> None:
    for rnd, finalized_at in reopened:
        rnd.status = RoundStatus.FINALIZED
        rnd.finalized_at = finalized_at
        session.flush()
        audit.record(
            session,
            "finalize",
            "round",
            rnd.id,
            f"Chốt lại {rnd.label} sau khi gộp đơn vị «{drop_name}» (thời điểm chốt giữ như cũ)",
            old={"status": RoundStatus.SCORING},
            new={"status": RoundStatus.FINALIZED, "finalized_at": finalized_at},
        )


def merge_units(session: Session, keep_id: int, drop_id: int, reason: str = "") -> MergeReport:
    """Merge unit ``drop_id`` into ``keep_id`` in the caller's transaction: every registration, dossier,
    person, alias and import mapping (and any other row holding the unit) moves to the kept unit; the merged
    unit's name and short name become aliases of the kept one; the merged unit is deleted. Audited.

    When the merged unit has dossiers in finalized rounds, ``reason`` is required: those rounds are reopened
    with it, the dossiers moved and the rounds finalized again, in this one transaction."""
    if keep_id == drop_id:
        raise ValidationError("Hãy chọn hai đơn vị khác nhau để gộp.")
    keep = session.get(Unit, keep_id)
    drop = session.get(Unit, drop_id)
    if keep is None or drop is None:
        raise NotFoundError(f"Không tìm thấy đơn vị có mã {keep_id if keep is None else drop_id}.")
    reopened = _reopen_for_merge(session, drop, keep, reason)
    old = _unit_values(drop)
    drop_name, drop_short, drop_note = drop.name, drop.short_name, drop.note

    # import mappings: when both units remember one for the same kind, keep the more recent
    keep_maps = {
        m.kind: m for m in session.scalars(select(ImportMapping).where(ImportMapping.unit_id == keep.id))
    }
    for mapping in list(session.scalars(select(ImportMapping).where(ImportMapping.unit_id == drop.id))):
        other = keep_maps.get(mapping.kind)
        if other is not None:
            if (mapping.updated_at or dt.datetime.min) > (other.updated_at or dt.datetime.min):
                session.delete(other)
            else:
                session.delete(mapping)
    session.flush()

    moved: dict[str, int] = {}
    for table, column in _unit_foreign_keys():
        result = cast(
            CursorResult[Any],
            session.execute(update(table).where(column == drop.id).values({column.name: keep.id})),
        )
        moved[table.name] = moved.get(table.name, 0) + (result.rowcount or 0)
    session.expire_all()
    keep = session.get(Unit, keep_id)
    drop = session.get(Unit, drop_id)
    assert keep is not None and drop is not None
    if not keep.short_name and drop_short:
        keep.short_name = drop_short
    if drop_note and drop_note not in keep.note:
        keep.note = (keep.note + "\n" + drop_note).strip()
    session.delete(drop)
    session.flush()
    _add_aliases(session, keep, [drop_name, drop_short] if drop_short else [drop_name], quiet=True)
    _refinalize(session, reopened, drop_name)
    report = MergeReport(keep.id, keep.name, drop_name, {k: v for k, v in moved.items() if v})
    audit.record(
        session,
        "merge",
        "unit",
        keep.id,
        report.text(),
        old={"merged_unit_id": drop_id, **old},
        new={"kept_unit_id": keep.id, "moved": report.moved},
    )
    return report


# --- import from Excel -----------------------------------------------------------------------------------

# Folded header texts → field: the column matcher's phrase table for unit lists.
_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("ten don vi", "don vi", "ten co quan", "co quan don vi", "ten"),
    "short_name": ("ten viet tat", "viet tat", "ten ngan", "ten goi tat"),
    "type": ("loai don vi", "loai", "nhom", "khoi", "nhom don vi", "loai hinh"),
    "aliases": ("ten khac", "ten goi khac", "cac ten khac", "ten cu", "bi danh"),
    "note": ("ghi chu",),
}
UNIT_LIST = cm.HeaderSpec(_HEADERS, tuple(_HEADERS), "name", min_strong=1, min_own=1)


@dataclass
class ImportRow:
    row: int  # 1-based row in the sheet
    name: str
    short_name: str = ""
    type_text: str = ""
    type_id: int | None = None
    type_guessed: bool = False
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    unit_id: int | None = None  # matched existing unit
    how: str = ""  # how it matched
    action: str = "create"  # create / update / same / skip


@dataclass
class ImportPlan:
    file: str
    sheet: str
    rows: list[ImportRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    def summary(self) -> str:
        return (
            f"{self.file}: {self.created} đơn vị mới, {self.updated} đơn vị cập nhật, "
            f"{self.unchanged} đơn vị đã có, {len(self.errors)} lỗi, "
            f"{len(self.issues) - len(self.errors)} cảnh báo."
        )


def _split_aliases(value: str) -> list[str]:
    parts = []
    for chunk in value.replace(";", "\n").replace("|", "\n").split("\n"):
        text = one_line(chunk)
        if text:
            parts.append(text)
    return parts


def _cell(row: Sequence[Any], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return one_line(str(value))


def read_unit_list(path: Path | str) -> tuple[str, str, list[list[Any]], int, dict[str, int]]:
    """(file name, sheet, rows, header row, field → column) of a unit list, through the shared readers
    (.xlsx, .xls, .ods, .csv; TCVN3/VNI names converted) and the column matcher with the units' phrases."""
    from .importers.normalise import normalise
    from .importers.readers import read_file

    path = Path(path)
    source = read_file(path, documents=False)
    normalise(source)
    for grid in source.grids:
        found = cm.find_header(grid.rows, max_scan=15, spec=UNIT_LIST, hidden=grid.hidden_cols)
        if found is not None:
            return source.file_name, grid.title or grid.name, grid.rows, found.header_row, dict(found.columns)
    raise ValidationError(
        Issue(
            "không tìm thấy dòng tiêu đề có cột 'Tên đơn vị' (hoặc 'Đơn vị') trong 15 dòng đầu của các "
            "trang tính",
            where=f"Tệp {path.name}",
        ),
        title="Không nhập được danh sách đơn vị",
    )


def plan_import(session: Session, path: Path | str) -> ImportPlan:
    """Read a unit list (.xlsx, .xls, .ods or .csv) and work out what importing it would do; nothing is
    written.

    The sheet needs a header row with a "Tên đơn vị" column (also "Đơn vị"); optional columns:
    "Tên viết tắt", "Loại đơn vị", "Tên khác" (several separated by ";" or line breaks), "Ghi chú".
    """
    return plan_rows(session, *read_unit_list(path))


def plan_rows(
    session: Session,
    file_name: str,
    sheet: str,
    rows: list[list[Any]],
    header_index: int,
    header: dict[str, int],
) -> ImportPlan:
    """What importing the rows of a unit list (as ``read_unit_list`` gives them) would do; nothing is written."""
    plan = ImportPlan(file_name, sheet)
    matcher = UnitMatcher(session)
    types = list(session.scalars(select(UnitType)))
    seen: dict[str, int] = {}
    alias_owner: dict[str, str] = {}
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = _cell(row, header.get("name"))
        others = [_cell(row, header.get(f)) for f in ("short_name", "type", "aliases", "note")]
        if not name:
            if any(others):
                plan.issues.append(
                    Issue("thiếu tên đơn vị", where=f"Dòng {offset}", row=offset, column="name")
                )
            continue
        if fold_key(name) in {"tong cong", "tong", "cong"}:
            continue
        item = ImportRow(
            offset,
            name,
            short_name=others[0],
            type_text=others[1],
            aliases=_split_aliases(others[2]),
            note=others[3],
        )
        where = f"Dòng {offset} ({name})"
        key = fold_key(name)
        if key in seen:
            plan.issues.append(
                Issue(f"trùng với dòng {seen[key]}, bỏ qua", where=where, severity="warning", row=offset)
            )
            item.action = "skip"
            plan.rows.append(item)
            continue
        seen[key] = offset
        if len(name) > 255:
            plan.issues.append(Issue("tên quá dài (tối đa 255 ký tự)", where=where, row=offset))
            continue
        if item.type_text:
            t = _match_type(types, item.type_text)
            if t is None:
                names = "; ".join(t.name for t in types) or "(chưa có loại đơn vị nào)"
                plan.issues.append(
                    Issue(
                        f"loại đơn vị '{item.type_text}' không có trong danh mục ({names})",
                        where=where,
                        row=offset,
                        column="type",
                    )
                )
            else:
                item.type_id = t.id
        found = matcher.find(name)
        if found is None:
            for alias in item.aliases:
                found = matcher.find(alias)
                if found:
                    break
        if found is not None:
            item.unit_id, item.how = found.unit_id, found.how
            unit = session.get(Unit, found.unit_id)
            assert unit is not None
            have = {a.alias_key for a in unit.aliases} | {unit.name_key}
            new_aliases = [a for a in [name, *item.aliases] if fold_key(a) not in have]
            changes = (
                bool(new_aliases)
                or (item.short_name and item.short_name != unit.short_name)
                or (item.type_id is not None and item.type_id != unit.unit_type_id)
            )
            item.aliases = new_aliases
            item.action = "update" if changes else "same"
        else:
            if item.type_id is None and not item.type_text:
                code = guess_type_code(name)
                t = next((t for t in types if t.code == code), None) if code else None
                if t is not None:
                    item.type_id, item.type_guessed = t.id, True
        for alias in item.aliases:
            akey = fold_key(alias)
            owner = matcher.find(alias) if akey != key else None
            if owner is not None and owner.how in ("name", "alias") and owner.unit_id != item.unit_id:
                unit = session.get(Unit, owner.unit_id)
                plan.issues.append(
                    Issue(
                        f"tên khác '{alias}' đã là tên của đơn vị '{unit.name if unit else owner.unit_id}'",
                        where=where,
                        row=offset,
                        column="aliases",
                    )
                )
            elif akey in alias_owner and alias_owner[akey] != key:
                plan.issues.append(
                    Issue(f"tên khác '{alias}' đã dùng ở một dòng khác", where=where, row=offset)
                )
            alias_owner[akey] = key
        plan.rows.append(item)
    plan.created = sum(1 for r in plan.rows if r.action == "create")
    plan.updated = sum(1 for r in plan.rows if r.action == "update")
    plan.unchanged = sum(1 for r in plan.rows if r.action == "same")
    if not plan.rows and not plan.issues:
        plan.issues.append(Issue("không có đơn vị nào dưới dòng tiêu đề", where=f"Trang tính {sheet}"))
    return plan


def _match_type(types: Sequence[UnitType], text: str) -> UnitType | None:
    key = fold_key(text)
    for t in types:
        if t.code == one_line(text) or fold_key(t.name) == key:
            return t
    for t in types:
        if canonical_key(t.name) == canonical_key(text):
            return t
    code = guess_type_code(text)
    if code is None and key:
        code = {"phong ban": "phong_ban", "xa phuong": "xa_phuong", "khac": "khac"}.get(key)
    return next((t for t in types if t.code == code), None) if code else None


def apply_import(session: Session, plan: ImportPlan) -> ImportPlan:
    """Write a plan made by ``plan_import`` (refused as a whole when it has errors)."""
    if plan.errors:
        raise ValidationError(plan.errors, title=f"Không nhập được {plan.file}")
    for item in plan.rows:
        if item.action == "create":
            unit = create_unit(
                session,
                item.name,
                short_name=item.short_name,
                unit_type_id=item.type_id,
                aliases=item.aliases,
                note=item.note,
            )
            item.unit_id = unit.id
        elif item.action == "update" and item.unit_id is not None:
            known = session.get(Unit, item.unit_id)
            assert known is not None
            _add_aliases(session, known, item.aliases, quiet=True)
            if item.short_name:
                known.short_name = item.short_name[:100]
            if item.type_id is not None:
                known.unit_type_id = item.type_id
            session.flush()
    audit.record(session, "import", "unit", "", f"Nhập danh sách đơn vị từ {plan.file}: {plan.summary()}")
    return plan


def import_units(session: Session, path: Path | str, *, dry_run: bool = False) -> ImportPlan:
    """Import a unit list (.xlsx) in the caller's transaction; ``dry_run`` only plans."""
    ensure_default_types(session)
    plan = plan_import(session, path)
    if not dry_run:
        apply_import(session, plan)
    return plan
