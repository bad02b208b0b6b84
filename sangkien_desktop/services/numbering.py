"""Document number series and the numbers given to a round's documents.

Series: numbers per year and kind of document (NĐ 30: an issuer keeps its own series, starting again at 01
each year). Kinds are the keys of ``domain.settings_schema.SERIES_SUFFIX_KEYS`` ("QD" quyết định, "TTR" tờ
trình, "BB" biên bản, "BN" giấy biên nhận, "TB" thông báo, "BC" báo cáo); other kinds are accepted too. The
decision series prints with the ký hiệu of whoever issues the decision (``series_suffix_key``).

Round documents (:data:`ROUND_DOCUMENTS`: minutes, tờ trình, decision) keep their number and date on the
round (``Round.minutes_no`` …), spelled as printed ("01/BB-HĐSK"): :func:`allocate_for_round_in` takes the
next number of the series once (a round that has one keeps it), :func:`update_round_in` stores what the
secretary types (checked: a number is used once in its yearly series, and the series moves past it), and
every output prints what is stored. The certificates' date is stored the same way (``certificate_date``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain import doc_numbers
from ..domain.enums import RoundStatus
from ..domain.errors import NotFoundError, RoundLockedError, ValidationError
from ..domain.settings_schema import SERIES_LABELS, SERIES_SUFFIX_KEYS, SPECS, series_suffix_key
from ..models import Certificate, Dossier, NumberSeries, Round
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
            suffix_for(values, kind),
            stored.get(kind, 0),
        )
        for kind in kinds
    ]


def number_for_document(session: Session, year: int, kind: str, what: str = "") -> int | None:
    """The number to print on a new document: allocated when ``number_mode`` is "auto", else None."""
    if settings_service.load(session).get("number_mode") == "auto":
        return allocate(session, year, kind, what)
    return None


def spelled(values: Mapping[str, str], kind: str, stored: str | None) -> str:
    """A stored number as printed: "1" (stored before numbers were spelled on storing) → "01/QĐ-…";
    text that is not a number is printed as it is."""
    text = (stored or "").strip()
    try:
        return doc_numbers.spell(text, suffix_for(values, kind))
    except ValidationError:
        return text


def suffix_for(values: Mapping[str, str], kind: str) -> str:
    """The ký hiệu a series prints with ("QĐ-UBND" for decisions the body issues)."""
    key = series_suffix_key(values, kind)
    return values.get(key, SPECS[key].default if key in SPECS else "") if key else ""


# --- numbers of a round's documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class RoundDocument:
    key: str  # catalog key of the document
    kind: str  # its series
    number_attr: str  # where its number is stored on ``Round``
    date_attr: str  # where its date is stored
    label: str  # Vietnamese, inside a sentence


ROUND_DOCUMENTS: dict[str, RoundDocument] = {
    "minutes": RoundDocument("minutes", "BB", "minutes_no", "meeting_on", "biên bản họp Hội đồng"),
    "submission": RoundDocument("submission", "TTR", "submission_no", "submission_date", "tờ trình"),
    "decision": RoundDocument("decision", "QD", "decision_no", "decision_date", "quyết định công nhận"),
}

FIELD_LABELS: dict[str, str] = {
    "minutes_no": "số biên bản",
    "meeting_on": "ngày họp (ngày biên bản)",
    "submission_no": "số tờ trình",
    "submission_date": "ngày tờ trình",
    "decision_no": "số quyết định",
    "decision_date": "ngày quyết định",
    "certificate_date": "ngày ký giấy chứng nhận",
}
"""Every number and date of a round's documents, as ``update_round_in`` takes them."""

_NUMBER_FIELDS = {d.number_attr: d for d in ROUND_DOCUMENTS.values()}


@dataclass(frozen=True)
class RoundNumbers:
    """What a round's documents print as their numbers and dates ("" / None: left blank to fill in)."""

    round_id: int
    label: str
    minutes_no: str
    meeting_on: dt.date | None
    submission_no: str
    submission_date: dt.date | None
    decision_no: str
    decision_date: dt.date | None
    certificate_date: dt.date | None

    def as_dict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key in FIELD_LABELS:
            value = getattr(self, key)
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out


def numbers_of(rnd: Round) -> RoundNumbers:
    return RoundNumbers(
        rnd.id,
        rnd.label,
        **cast(
            dict[str, Any],
            {key: getattr(rnd, key) or ("" if key.endswith("_no") else None) for key in FIELD_LABELS},
        ),
    )


def _series_year(rnd: Round, doc: RoundDocument, date: dt.date | None = None) -> int:
    """The year whose series a round document's number belongs to: the year of its date, else the round's."""
    day = date if date is not None else getattr(rnd, doc.date_attr)
    return day.year if day is not None else rnd.year


def _writable(rnd: Round, what: str) -> None:
    if rnd.status is RoundStatus.FINALIZED:
        raise RoundLockedError(
            f"{rnd.label} đã chốt kết quả nên không sửa được {what}. "
            "Muốn sửa, hãy mở lại đợt (phải ghi lý do; việc mở lại được ghi vào nhật ký)."
        )


def _check_unused(session: Session, rnd: Round, doc: RoundDocument, ref: str, year: int) -> None:
    """A number is used once in its yearly series: no other round's document of the kind may carry it."""
    number, suffix = doc_numbers.number_of(ref), doc_numbers.suffix_of(ref).upper()
    others = session.scalars(select(Round).where(Round.id != rnd.id, getattr(Round, doc.number_attr) != ""))
    for other in others:
        theirs = getattr(other, doc.number_attr)
        if (
            doc_numbers.number_of(theirs) == number
            and doc_numbers.suffix_of(theirs).upper() == suffix
            and _series_year(other, doc) == year
        ):
            raise ValidationError(
                f"Số {ref} đã là số {doc.label} của {other.label}: mỗi số chỉ dùng một lần trong năm {year}."
            )


def _move_series_past(
    session: Session, values: Mapping[str, str], doc: RoundDocument, ref: str, year: int
) -> None:
    """A number typed by hand is taken in its series: the next allocated number comes after it."""
    number = doc_numbers.number_of(ref)
    if number is None or doc_numbers.suffix_of(ref).upper() != suffix_for(values, doc.kind).upper():
        return
    row = _row(session, year, doc.kind, lock=True)
    if row is None:
        session.add(NumberSeries(year=year, kind=doc.kind, last_number=number))
    elif row.last_number < number:
        row.last_number = number
    session.flush()


def _set_certificate_date_in(session: Session, rnd: Round, day: dt.date | None) -> None:
    """The certificates of the round are dated the day they are signed (their register rows too)."""
    certs = session.scalars(
        select(Certificate).join(Dossier).where(Dossier.round_id == rnd.id, Certificate.voided_at.is_(None))
    )
    for cert in certs:
        cert.issued_on = day


def update_round_in(session: Session, rnd: Round, changes: Mapping[str, object]) -> dict[str, object]:
    """Store numbers and dates of the round's documents (keys of :data:`FIELD_LABELS`; numbers as typed,
    "" to clear; dates as ``date`` or None). Numbers are spelled as printed and checked; one audit entry.
    Returns what changed (new values)."""
    unknown = [k for k in changes if k not in FIELD_LABELS]
    if unknown:
        raise ValidationError(f"Không có mục số/ngày văn bản: {', '.join(unknown)}.")
    values = settings_service.load(session)
    new: dict[str, object] = {}
    for key, value in changes.items():
        current: object = getattr(rnd, key)
        if key in _NUMBER_FIELDS:
            doc = _NUMBER_FIELDS[key]
            value = doc_numbers.spell(
                str(value or ""), suffix_for(values, doc.kind), where=FIELD_LABELS[key].capitalize()
            )
            current = spelled(values, doc.kind, getattr(rnd, key))
        elif value is not None and not isinstance(value, dt.date):
            raise ValidationError(f"{FIELD_LABELS[key].capitalize()}: «{value}» không phải là ngày.")
        if value != current:
            new[key] = value
    if not new:
        return {}
    _writable(rnd, ", ".join(FIELD_LABELS[k] for k in new))
    old = {k: getattr(rnd, k) for k in new}
    for key, value in new.items():
        setattr(rnd, key, value)
    for doc in ROUND_DOCUMENTS.values():
        if doc.number_attr in new or doc.date_attr in new:
            ref = getattr(rnd, doc.number_attr)
            if ref:
                year = _series_year(rnd, doc)
                _check_unused(session, rnd, doc, ref, year)
                _move_series_past(session, values, doc, ref, year)
    if "certificate_date" in new:
        _set_certificate_date_in(session, rnd, rnd.certificate_date)
    session.flush()
    audit.record(
        session,
        "update",
        "round",
        rnd.id,
        f"Ghi số, ngày văn bản của {rnd.label}: " + ", ".join(FIELD_LABELS[k] for k in new),
        old,
        new,
    )
    return new


def update_round(db: Database, round_id: int, changes: Mapping[str, object]) -> dict[str, object]:
    """:func:`update_round_in` in its own transaction."""
    with db.session() as session:
        rnd = session.get(Round, round_id)
        if rnd is None:
            raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
        return update_round_in(session, rnd, changes)


def allocate_for_round_in(session: Session, rnd: Round, key: str) -> tuple[str, str]:
    """The round document's number: the stored one, or the next of its yearly series, stored on the
    round at once (audited). Returns (number as printed, message for the secretary)."""
    doc = ROUND_DOCUMENTS[key]
    values = settings_service.load(session)
    current = spelled(values, doc.kind, getattr(rnd, doc.number_attr))
    if current:
        return current, f"{rnd.label} đã có số {doc.label} {current}: không cấp số mới."
    _writable(rnd, f"số {doc.label}")
    year = _series_year(rnd, doc)
    number = allocate(session, year, doc.kind, f"{doc.label} {rnd.label}")
    ref = doc_numbers.spell(number, suffix_for(values, doc.kind))
    _check_unused(session, rnd, doc, ref, year)
    setattr(rnd, doc.number_attr, ref)
    session.flush()
    audit.record(
        session,
        "update",
        "round",
        rnd.id,
        f"Ghi số {doc.label} {ref} vào {rnd.label}",
        {doc.number_attr: ""},
        {doc.number_attr: ref},
    )
    return ref, f"Đã cấp số {ref} cho {doc.label} {rnd.label} (năm {year})."
