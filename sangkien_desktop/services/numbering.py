"""Document number series: the council's own numbers per year and kind of document (NĐ 30: a council that
issues documents in its own name keeps its own series, starting again at 01 each year).

Kinds are the keys of ``domain.settings_schema.SERIES_SUFFIX_KEYS`` ("QD" quyết định, "TTR" tờ trình, "BB"
biên bản, "BN" giấy biên nhận, "TB" thông báo, "BC" báo cáo); other kinds are accepted too.
``number_for_document`` is what a renderer calls: it allocates the next number when the council chose
automatic numbering, and returns None (print "Số:    /…" for the văn thư to fill in) otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import ValidationError
from ..domain.settings_schema import SERIES_LABELS, SERIES_SUFFIX_KEYS
from ..models import NumberSeries
from . import audit
from . import settings as settings_service


@dataclass(frozen=True)
class SeriesRow:
    year: int
    kind: str
    label: str
    suffix: str
    last_number: int

    @property
    def next_number(self) -> int:
        return self.last_number + 1


def _check(year: int, kind: str) -> str:
    kind = kind.strip().upper()
    if not kind or len(kind) > 20:
        raise ValidationError(f"Loại sổ số văn bản '{kind}' không hợp lệ.")
    if not 1900 < year < 3000:
        raise ValidationError(f"Năm {year} không hợp lệ.")
    return kind


def _row(session: Session, year: int, kind: str, *, lock: bool = False) -> NumberSeries | None:
    query = select(NumberSeries).where(NumberSeries.year == year, NumberSeries.kind == kind)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def peek_next(session: Session, year: int, kind: str) -> int:
    """The number the next document of this kind and year would get (nothing is allocated)."""
    kind = _check(year, kind)
    row = _row(session, year, kind)
    return (row.last_number if row else 0) + 1


def allocate(session: Session, year: int, kind: str, what: str = "") -> int:
    """Take the next number of the series (in the caller's transaction, audited)."""
    kind = _check(year, kind)
    row = _row(session, year, kind, lock=True)
    if row is None:
        row = NumberSeries(year=year, kind=kind, last_number=0)
        session.add(row)
    row.last_number = (row.last_number or 0) + 1
    session.flush()
    label = SERIES_LABELS.get(kind, kind)
    audit.record(
        session,
        "allocate",
        "number_series",
        f"{year}/{kind}",
        f"Cấp số {row.last_number:02d} ({label} năm {year})" + (f": {what}" if what else ""),
        new={"number": row.last_number},
    )
    return row.last_number


def set_last(session: Session, year: int, kind: str, last_number: int) -> None:
    """Set the last number used (e.g. documents issued on paper before the software was used)."""
    kind = _check(year, kind)
    if not 0 <= last_number < 100_000:
        raise ValidationError(f"Số cuối đã dùng phải từ 0 đến 99999 (đang là {last_number}).")
    row = _row(session, year, kind, lock=True)
    old = row.last_number if row else 0
    if old == last_number:
        return
    if row is None:
        row = NumberSeries(year=year, kind=kind, last_number=last_number)
        session.add(row)
    row.last_number = last_number
    session.flush()
    audit.record(
        session,
        "update",
        "number_series",
        f"{year}/{kind}",
        f"Đặt số cuối đã dùng của {SERIES_LABELS.get(kind, kind).lower()} năm {year}: {last_number:02d}",
        {"last_number": old},
        {"last_number": last_number},
    )


def series(session: Session, year: int) -> list[SeriesRow]:
    """Every known kind for ``year`` (and any other kind stored), with its suffix and last number."""
    values = settings_service.load(session)
    stored = {
        r.kind: r.last_number for r in session.scalars(select(NumberSeries).where(NumberSeries.year == year))
    }
    kinds = list(SERIES_SUFFIX_KEYS) + sorted(k for k in stored if k not in SERIES_SUFFIX_KEYS)
    return [
        SeriesRow(
            year,
            kind,
            SERIES_LABELS.get(kind, kind),
            values.get(SERIES_SUFFIX_KEYS.get(kind, ""), ""),
            stored.get(kind, 0),
        )
        for kind in kinds
    ]


def number_for_document(session: Session, year: int, kind: str, what: str = "") -> int | None:
    """The number to print on a new document: allocated when ``number_mode`` is "auto", else None."""
    if settings_service.load(session).get("number_mode") == "auto":
        return allocate(session, year, kind, what)
    return None
