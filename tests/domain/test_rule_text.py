from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import rule_text as rt


def test_points() -> None:
    assert rt.parse_points("72,5") == Decimal("72.5")
    assert rt.parse_points(" 80 ") == Decimal("80")
    assert rt.parse_points("", allow_empty=True) is None
    for bad in ("", "abc", "-1", "1,234", "72,555", "NaN"):
        with pytest.raises(ValueError):
            rt.parse_points(bad)


def test_amounts_and_quotas() -> None:
    assert rt.parse_amount("2.000.000") == 2_000_000
    assert rt.parse_amount("500 000 đồng") == 500_000
    assert rt.parse_amount("") == 0
    with pytest.raises(ValueError):
        rt.parse_amount("hai triệu")
    assert rt.parse_quota("") is None and rt.parse_quota("5") == 5
    with pytest.raises(ValueError):
        rt.parse_quota("năm")
    assert rt.format_amount(2_000_000) == "2.000.000"


def test_conditions() -> None:
    assert rt.parse_conditions("TC1 ≥ 25; tc3>=20,5", 4) == ((0, Decimal("25")), (2, Decimal("20.5")))
    assert rt.parse_conditions("  ", 4) == ()
    with pytest.raises(ValueError, match="TC5"):
        rt.parse_conditions("TC5 ≥ 1", 4)
    with pytest.raises(ValueError, match="không đọc được"):
        rt.parse_conditions("Tính mới lớn hơn 25", 4)
    with pytest.raises(ValueError, match="hai điều kiện"):
        rt.parse_conditions("TC1 ≥ 2; TC1 ≥ 3", 4)


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.decimals(min_value=0, max_value=100, places=2)),
        unique_by=lambda c: c[0],
        max_size=6,
    )
)
def test_conditions_round_trip(conds: list[tuple[int, Decimal]]) -> None:
    text = rt.format_conditions(tuple(conds))
    assert rt.parse_conditions(text, 6) == tuple(conds)


@given(st.decimals(min_value=0, max_value=1000, places=2))
def test_points_round_trip(value: Decimal) -> None:
    assert rt.parse_points(rt.format_points(value)) == value
