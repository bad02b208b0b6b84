"""Where each field of a certificate goes on an A4 landscape page, and the per-field offsets used when
printing onto pre-printed blanks (phôi giấy chứng nhận).

Boxes are in millimetres from the top-left corner of the page. The same boxes serve the plain-paper
certificate and the pre-printed blanks: on a blank only the values are printed, each moved by its own
offset (dx to the right, dy downwards) and by the offset of the whole page. Offsets are stored in the
council's settings table under ``cert_offset.<field>`` ("dx;dy" in mm) and every change is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from ...db.database import Database
from ...domain.errors import ValidationError
from ...models import Setting
from .. import audit
from .. import settings as settings_service

__all__ = [
    "FIELDS",
    "MAX_OFFSET_MM",
    "PAGE_H",
    "PAGE_W",
    "FieldBox",
    "Offsets",
    "box_for",
    "load_offsets",
    "offsets_from_settings",
    "parse_pair",
    "save_offsets",
]

PAGE_W = 297.0
PAGE_H = 210.0
MAX_OFFSET_MM = 40.0
SETTING_PREFIX = "cert_offset."
PAGE_KEY = "page"


@dataclass(frozen=True)
class FieldBox:
    """A field's box (mm, top-left origin), its font sizes (largest first, shrunk down to ``min_size``)
    and its alignment."""

    key: str
    label: str  # Vietnamese, shown on the calibration page and in the offsets dialog
    x: float
    y: float
    w: float
    h: float
    size: float
    min_size: float
    bold: bool = False
    italic: bool = False
    align: str = "center"  # "center" | "left"
    one_line_first: bool = False  # shrink to the minimum on one line before wrapping (names)
    valign: str = "center"  # "center" | "top"


FIELDS: tuple[FieldBox, ...] = (
    FieldBox("name", "Họ và tên", 30, 61, 237, 13, 28, 13, bold=True, one_line_first=True),
    FieldBox("unit", "Đơn vị công tác", 38, 75.5, 221, 8, 15, 10, one_line_first=True),
    FieldBox("title", "Tên sáng kiến", 30, 91, 237, 23.5, 18, 10, bold=True),
    FieldBox("co_authors", "Đồng tác giả", 38, 115, 221, 7.5, 13, 9, italic=True),
    FieldBox("field", "Lĩnh vực, xếp loại", 38, 122.5, 221, 7, 13, 10),
    FieldBox("decision", "Quyết định công nhận", 30, 129.5, 237, 8, 13, 9),
    FieldBox("register", "Số vào sổ", 22, 172, 90, 7, 13, 10, align="left"),
    FieldBox("date", "Địa danh, ngày tháng năm", 150, 138, 125, 7, 13.5, 10, italic=True),
    # the signer's title from the top of its box, and ≥ 30 mm of room to sign and seal above the name
    FieldBox("signer", "Chức vụ người ký", 150, 145, 125, 14, 13.5, 10, bold=True, valign="top"),
    FieldBox("signer_name", "Họ tên người ký", 150, 190, 125, 6.5, 14, 10, bold=True),
)

FIELD_KEYS = tuple(f.key for f in FIELDS)


@dataclass(frozen=True)
class Offsets:
    """Offsets in mm: ``page`` moves everything; ``fields[key]`` moves one field (added to ``page``)."""

    page: tuple[float, float] = (0.0, 0.0)
    fields: Mapping[str, tuple[float, float]] | None = None

    def of(self, key: str) -> tuple[float, float]:
        own = (self.fields or {}).get(key, (0.0, 0.0))
        return (self.page[0] + own[0], self.page[1] + own[1])

    def with_field(self, key: str, dx: float, dy: float) -> Offsets:
        fields = dict(self.fields or {})
        fields[key] = (dx, dy)
        return replace(self, fields=fields)


def box_for(key: str) -> FieldBox:
    for f in FIELDS:
        if f.key == key:
            return f
    raise KeyError(key)


def parse_pair(value: str, where: str) -> tuple[float, float]:
    parts = [p.strip().replace(",", ".") for p in value.split(";")]
    if len(parts) != 2:
        raise ValidationError(f"Độ lệch «{value}» của {where} phải có dạng dx;dy (mm), ví dụ 1,5;-2")
    try:
        dx, dy = (float(Decimal(p or "0")) for p in parts)
    except InvalidOperation as exc:
        raise ValidationError(f"Độ lệch «{value}» của {where} không phải là số.") from exc
    return dx, dy


def offsets_from_settings(settings: Mapping[str, str]) -> Offsets:
    """Offsets stored in the settings, for every field (missing or damaged values count as 0)."""
    fields: dict[str, tuple[float, float]] = dict.fromkeys(FIELD_KEYS, (0.0, 0.0))
    page = (0.0, 0.0)
    for key, value in settings.items():
        if not key.startswith(SETTING_PREFIX) or not value:
            continue
        name = key[len(SETTING_PREFIX) :]
        try:
            pair = parse_pair(value, name)
        except ValidationError:
            continue
        if name == PAGE_KEY:
            page = pair
        elif name in FIELD_KEYS:
            fields[name] = pair
    return Offsets(page, fields)


def load_offsets(db: Database) -> Offsets:
    with db.reading() as session:
        return offsets_from_settings(settings_service.load(session))


def _fmt(v: float) -> str:
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def save_offsets(session: Session, offsets: Offsets) -> int:
    """Store the offsets in the caller's transaction; returns how many values changed (each is logged)."""
    values = {PAGE_KEY: offsets.page, **dict(offsets.fields or {})}
    changed = 0
    for name, (dx, dy) in values.items():
        if name != PAGE_KEY and name not in FIELD_KEYS:
            raise ValidationError(f"Không có trường «{name}» trên giấy chứng nhận.")
        for v in (dx, dy):
            if abs(v) > MAX_OFFSET_MM:
                raise ValidationError(
                    f"Độ lệch {_fmt(v)} mm của «{name}» quá lớn (tối đa ±{_fmt(MAX_OFFSET_MM)} mm)."
                )
        key = SETTING_PREFIX + name
        text = f"{_fmt(dx)};{_fmt(dy)}"
        row = session.get(Setting, key)
        old = row.value if row is not None else None
        if old == text or (old is None and text == "0;0"):
            continue
        if row is None:
            session.add(Setting(key=key, value=text))
        else:
            row.value = text
        label = "cả trang" if name == PAGE_KEY else box_for(name).label
        audit.record(
            session,
            "update",
            "setting",
            key,
            f"Sửa độ lệch in phôi giấy chứng nhận: {label}",
            {key: old},
            {key: text},
        )
        changed += 1
    session.flush()
    return changed
