"""The three legal clocks: 1 year from first application to receipt, 3 months from acceptance to the
decision, the round's deadline."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import clocks as c
from sangkien_desktop.domain.clocks import ClockFilter, ClockKind, ClockLevel

D = dt.date


def test_first_application_within_one_year() -> None:
    clock = c.first_application_clock(D(2025, 4, 10), D(2026, 4, 10))
    assert clock.level is ClockLevel.OK and clock.due == D(2026, 4, 10) and clock.days_left == 0


def test_first_application_more_than_one_year_is_a_warning() -> None:
    clock = c.first_application_clock(D(2025, 1, 5), D(2026, 4, 10))
    assert clock.level is ClockLevel.WARNING
    assert clock.due == D(2026, 1, 5)
    assert clock.days_left == -95
    assert "muộn 95 ngày" in clock.text and "05/01/2025" in clock.text


def test_first_application_leap_day() -> None:
    assert c.first_application_clock(D(2024, 2, 29), D(2025, 2, 28)).level is ClockLevel.OK
    assert c.first_application_clock(D(2024, 2, 29), D(2025, 3, 1)).level is ClockLevel.WARNING


def test_first_application_unknown() -> None:
    assert c.first_application_clock(None, D(2026, 4, 1)).level is ClockLevel.INFO


def test_decision_clock_counts_down() -> None:
    accepted = D(2026, 1, 31)
    assert c.decision_clock(accepted, D(2026, 2, 1)).due == D(2026, 4, 30)
    assert c.decision_clock(accepted, D(2026, 2, 1)).level is ClockLevel.OK
    soon = c.decision_clock(accepted, D(2026, 4, 20))
    assert soon.level is ClockLevel.WARNING and soon.days_left == 10 and "còn 10 ngày" in soon.text
    late = c.decision_clock(accepted, D(2026, 5, 2))
    assert late.level is ClockLevel.OVERDUE and late.days_left == -2 and "đã quá 2 ngày" in late.text
    assert c.decision_clock(None, D(2026, 5, 2)).level is ClockLevel.INFO


def test_decision_clock_after_decision() -> None:
    assert c.decision_clock(D(2026, 1, 10), D(2026, 9, 1), decided_on=D(2026, 4, 1)).level is ClockLevel.OK
    late = c.decision_clock(D(2026, 1, 10), D(2026, 9, 1), decided_on=D(2026, 4, 20))
    assert late.level is ClockLevel.WARNING and "sau hạn 3 tháng" in late.text


def test_decision_clock_starts_at_end_of_first_application_when_later() -> None:
    clock = c.decision_clock(D(2026, 1, 10), D(2026, 2, 1), first_application_end=D(2026, 3, 1))
    assert clock.due == D(2026, 6, 1)


def test_round_deadline() -> None:
    assert c.round_deadline_clock(D(2026, 4, 10), D(2026, 4, 10)).level is ClockLevel.OK
    late = c.round_deadline_clock(D(2026, 4, 10), D(2026, 4, 12))
    assert late.level is ClockLevel.WARNING and "2 ngày" in late.text
    assert c.round_deadline_clock(None, D(2026, 4, 12)).level is ClockLevel.INFO


def test_round_intake_clock() -> None:
    assert c.round_intake_clock(D(2026, 4, 10), D(2026, 3, 1)).level is ClockLevel.OK
    assert c.round_intake_clock(D(2026, 4, 10), D(2026, 4, 1)).level is ClockLevel.WARNING
    assert c.round_intake_clock(D(2026, 4, 10), D(2026, 4, 10)).text == "Hôm nay là hạn cuối nộp hồ sơ."
    assert c.round_intake_clock(D(2026, 4, 10), D(2026, 4, 11)).level is ClockLevel.OVERDUE


def test_filters() -> None:
    clocks = c.dossier_clocks(
        received_on=D(2026, 4, 12),
        first_applied_on=D(2025, 1, 1),
        accepted_on=D(2026, 4, 15),
        receive_until=D(2026, 4, 10),
        today=D(2026, 5, 1),
    )
    assert [k.kind for k in clocks] == [
        ClockKind.FIRST_APPLICATION,
        ClockKind.DECISION,
        ClockKind.ROUND_DEADLINE,
    ]
    assert c.matches_filter(clocks, ClockFilter.ANY)
    assert c.matches_filter(clocks, ClockFilter.ATTENTION)
    assert c.matches_filter(clocks, ClockFilter.LATE_APPLICATION)
    assert c.matches_filter(clocks, ClockFilter.AFTER_DEADLINE)
    assert not c.matches_filter(clocks, ClockFilter.DECISION_DUE)
    assert not c.matches_filter(clocks, ClockFilter.DECISION_OVERDUE)
    for f in ClockFilter:
        assert f.label


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(0, 800))
def test_first_application_warning_iff_after_anniversary(first: dt.date, days: int) -> None:
    received = first + dt.timedelta(days=days)
    clock = c.first_application_clock(first, received)
    assert clock.due is not None
    assert (clock.level is ClockLevel.WARNING) == (received > clock.due)
    assert 365 <= (clock.due - first).days <= 366


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(-100, 200))
def test_decision_due_is_three_months_on(accepted: dt.date, offset: int) -> None:
    now = accepted + dt.timedelta(days=offset)
    clock = c.decision_clock(accepted, now)
    assert clock.due is not None and 89 <= (clock.due - accepted).days <= 92
    assert clock.days_left == (clock.due - now).days
    assert (clock.level is ClockLevel.OVERDUE) == (now > clock.due)


def test_closed_dossier_has_no_decision_clock() -> None:
    clocks = c.dossier_clocks(
        received_on=D(2026, 1, 2),
        first_applied_on=D(2025, 6, 1),
        accepted_on=D(2026, 1, 5),
        receive_until=D(2026, 4, 10),
        today=D(2026, 11, 1),
        closed="Hồ sơ đã rút",
    )
    assert clocks[1].level is ClockLevel.INFO and clocks[1].text == "Hồ sơ đã rút: không tính hạn 3 tháng."
    assert not c.matches_filter(clocks, ClockFilter.DECISION_OVERDUE)
