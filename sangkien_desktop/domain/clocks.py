"""The three legal clocks of a dossier, as pure functions over dates.

1. **First application → receipt** (Điều lệ Sáng kiến, NĐ 13/2012, Điều 5 k2): a solution already applied
   must be submitted within 01 year of its first (or trial) application. Later is shown as a warning.
2. **Acceptance → council's decision** (Điều lệ, Điều 7 k1): the review ends within 03 months of accepting
   the dossier (or of the end of the first application, if that comes later). A due date, counted down.
3. **The round's deadline** (hạn nộp hồ sơ của đợt): a dossier received after it is flagged.

Each clock is a :class:`Clock` with a level (OK, INFO, WARNING, OVERDUE), its due date, the days left and
one Vietnamese sentence to show beside the dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .vndate import add_months, dmy

__all__ = [
    "APPLICATION_LIMIT_MONTHS",
    "DECISION_MONTHS",
    "DUE_SOON_DAYS",
    "Clock",
    "ClockFilter",
    "ClockKind",
    "ClockLevel",
    "decision_clock",
    "dossier_clocks",
    "first_application_clock",
    "matches_filter",
    "round_deadline_clock",
    "round_intake_clock",
]

APPLICATION_LIMIT_MONTHS = 12
DECISION_MONTHS = 3
DUE_SOON_DAYS = 14


class ClockLevel(StrEnum):
    OK = "ok"
    INFO = "info"  # not started / not applicable yet
    WARNING = "warning"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"ok": "Trong hạn", "info": "Chưa tính", "warning": "Cảnh báo", "overdue": "Quá hạn"}[
            self.value
        ]

    @property
    def needs_attention(self) -> bool:
        return self in (ClockLevel.WARNING, ClockLevel.OVERDUE)


class ClockKind(StrEnum):
    FIRST_APPLICATION = "first_application"
    DECISION = "decision"
    ROUND_DEADLINE = "round_deadline"

    @property
    def label(self) -> str:
        return {
            "first_application": "1 năm từ ngày áp dụng lần đầu",
            "decision": "3 tháng từ ngày chấp nhận hồ sơ",
            "round_deadline": "Hạn nộp của đợt",
        }[self.value]


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    level: ClockLevel
    due: dt.date | None
    days_left: int | None  # days from today (or from the event) to the due date; negative = late
    text: str

    @property
    def needs_attention(self) -> bool:
        return self.level.needs_attention


def _days(n: int) -> str:
    return f"{n} ngày"


def first_application_clock(first_applied_on: dt.date | None, received_on: dt.date) -> Clock:
    """More than 1 year between first application and receipt: a warning."""
    kind = ClockKind.FIRST_APPLICATION
    if first_applied_on is None:
        return Clock(kind, ClockLevel.INFO, None, None, "Chưa ghi ngày áp dụng lần đầu.")
    due = add_months(first_applied_on, APPLICATION_LIMIT_MONTHS)
    left = (due - received_on).days
    if received_on > due:
        return Clock(
            kind,
            ClockLevel.WARNING,
            due,
            left,
            f"Nộp sau hơn 1 năm kể từ ngày áp dụng lần đầu ({dmy(first_applied_on)}): hạn nộp là "
            f"{dmy(due)}, hồ sơ nhận ngày {dmy(received_on)}, muộn {_days(-left)}.",
        )
    return Clock(
        kind,
        ClockLevel.OK,
        due,
        left,
        f"Nộp trong 1 năm kể từ ngày áp dụng lần đầu ({dmy(first_applied_on)}; hạn {dmy(due)}).",
    )


def decision_clock(
    accepted_on: dt.date | None,
    today: dt.date,
    *,
    decided_on: dt.date | None = None,
    first_application_end: dt.date | None = None,
) -> Clock:
    """The council decides within 3 months of accepting the dossier (or of the end of the first
    application when that is later). Due within ``DUE_SOON_DAYS`` days: a warning; past: overdue. Once
    ``decided_on`` is known, the clock says whether the decision came in time."""
    kind = ClockKind.DECISION
    if accepted_on is None:
        return Clock(kind, ClockLevel.INFO, None, None, "Chưa chấp nhận hồ sơ: chưa tính hạn 3 tháng.")
    start = max(accepted_on, first_application_end) if first_application_end else accepted_on
    due = add_months(start, DECISION_MONTHS)
    if decided_on is not None:
        left = (due - decided_on).days
        if decided_on > due:
            return Clock(
                kind,
                ClockLevel.WARNING,
                due,
                left,
                f"Quyết định ngày {dmy(decided_on)}, sau hạn 3 tháng ({dmy(due)}) {_days(-left)}.",
            )
        return Clock(
            kind, ClockLevel.OK, due, left, f"Đã quyết định ngày {dmy(decided_on)} (hạn {dmy(due)})."
        )
    left = (due - today).days
    if left < 0:
        return Clock(
            kind,
            ClockLevel.OVERDUE,
            due,
            left,
            f"Quá hạn 3 tháng để Hội đồng quyết định: hạn {dmy(due)}, đã quá {_days(-left)}.",
        )
    if left <= DUE_SOON_DAYS:
        return Clock(
            kind,
            ClockLevel.WARNING,
            due,
            left,
            f"Sắp hết hạn 3 tháng để Hội đồng quyết định: hạn {dmy(due)}, còn {_days(left)}.",
        )
    return Clock(
        kind, ClockLevel.OK, due, left, f"Hội đồng quyết định trước ngày {dmy(due)} (còn {_days(left)})."
    )


def round_deadline_clock(receive_until: dt.date | None, received_on: dt.date) -> Clock:
    """A dossier received after the round's deadline is flagged."""
    kind = ClockKind.ROUND_DEADLINE
    if receive_until is None:
        return Clock(kind, ClockLevel.INFO, None, None, "Đợt chưa có hạn nộp hồ sơ.")
    left = (receive_until - received_on).days
    if left < 0:
        return Clock(
            kind,
            ClockLevel.WARNING,
            receive_until,
            left,
            f"Nhận sau hạn nộp của đợt ({dmy(receive_until)}) {_days(-left)}.",
        )
    return Clock(
        kind, ClockLevel.OK, receive_until, left, f"Nhận trong hạn nộp của đợt ({dmy(receive_until)})."
    )


def round_intake_clock(receive_until: dt.date | None, today: dt.date) -> Clock:
    """The round's deadline seen from today (for the page heading): days left to receive dossiers."""
    kind = ClockKind.ROUND_DEADLINE
    if receive_until is None:
        return Clock(kind, ClockLevel.INFO, None, None, "Đợt chưa có hạn nộp hồ sơ.")
    left = (receive_until - today).days
    if left < 0:
        return Clock(
            kind, ClockLevel.OVERDUE, receive_until, left, f"Đã hết hạn nộp hồ sơ ({dmy(receive_until)})."
        )
    if left == 0:
        return Clock(kind, ClockLevel.WARNING, receive_until, 0, "Hôm nay là hạn cuối nộp hồ sơ.")
    level = ClockLevel.WARNING if left <= DUE_SOON_DAYS else ClockLevel.OK
    return Clock(
        kind, level, receive_until, left, f"Hạn nộp hồ sơ: {dmy(receive_until)} (còn {_days(left)})."
    )


def dossier_clocks(
    *,
    received_on: dt.date,
    first_applied_on: dt.date | None,
    accepted_on: dt.date | None,
    receive_until: dt.date | None,
    today: dt.date,
    decided_on: dt.date | None = None,
    closed: str | None = None,
) -> tuple[Clock, Clock, Clock]:
    """The three clocks of one dossier, in a fixed order: first application, decision, round deadline.

    ``closed`` (e.g. "Hồ sơ đã rút") stops the decision clock: no decision is due on such a dossier."""
    decision = (
        Clock(ClockKind.DECISION, ClockLevel.INFO, None, None, f"{closed}: không tính hạn 3 tháng.")
        if closed
        else decision_clock(accepted_on, today, decided_on=decided_on)
    )
    return (
        first_application_clock(first_applied_on, received_on),
        decision,
        round_deadline_clock(receive_until, received_on),
    )


class ClockFilter(StrEnum):
    """Choices of the legal-clock filter of the dossier list."""

    ANY = "any"
    ATTENTION = "attention"  # any clock needs attention
    LATE_APPLICATION = "late_application"  # more than 1 year since first application
    DECISION_DUE = "decision_due"  # 3-month clock due soon or overdue
    DECISION_OVERDUE = "decision_overdue"
    AFTER_DEADLINE = "after_deadline"  # received after the round's deadline

    @property
    def label(self) -> str:
        return {
            "any": "Mọi hồ sơ",
            "attention": "Có cảnh báo thời hạn",
            "late_application": "Nộp quá 1 năm từ ngày áp dụng lần đầu",
            "decision_due": "Sắp đến hoặc quá hạn 3 tháng",
            "decision_overdue": "Quá hạn 3 tháng",
            "after_deadline": "Nhận sau hạn nộp của đợt",
        }[self.value]


def matches_filter(clocks: tuple[Clock, ...], choice: ClockFilter) -> bool:
    by_kind = {c.kind: c for c in clocks}
    if choice is ClockFilter.ANY:
        return True
    if choice is ClockFilter.ATTENTION:
        return any(c.needs_attention for c in clocks)
    if choice is ClockFilter.LATE_APPLICATION:
        c = by_kind.get(ClockKind.FIRST_APPLICATION)
        return c is not None and c.needs_attention
    if choice is ClockFilter.DECISION_DUE:
        c = by_kind.get(ClockKind.DECISION)
        return c is not None and c.needs_attention
    if choice is ClockFilter.DECISION_OVERDUE:
        c = by_kind.get(ClockKind.DECISION)
        return c is not None and c.level is ClockLevel.OVERDUE
    c = by_kind.get(ClockKind.ROUND_DEADLINE)
    return c is not None and c.needs_attention
