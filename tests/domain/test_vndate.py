"""Vietnamese dates per NĐ 30: leading zeros, blank date lines, parsing, month arithmetic."""

from __future__ import annotations

import ast
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import vndate
from sangkien_desktop.domain.vndate import add_months, date_line, dmy, long_date, parse_date, short_date


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (date(2023, 2, 28), "ngày 28 tháng 02 năm 2023"),
        (date(2024, 7, 26), "ngày 26 tháng 7 năm 2024"),
        (date(2023, 3, 12), "ngày 12 tháng 3 năm 2023"),
        (date(2025, 12, 1), "ngày 01 tháng 12 năm 2025"),
        (date(2025, 10, 9), "ngày 09 tháng 10 năm 2025"),
    ],
)
def test_long_date_uses_nd30_leading_zeros(d: date, expected: str) -> None:
    assert long_date(d) == expected


def test_date_line_with_place() -> None:
    assert date_line("Tam Điệp", date(2025, 1, 5)) == "Tam Điệp, ngày 05 tháng 01 năm 2025"
    assert date_line("Thanh Trì", date(2024, 7, 26)) == "Thanh Trì, ngày 26 tháng 7 năm 2024"


def test_date_line_blank_for_dating_by_hand() -> None:
    assert date_line("Tam Điệp", None, year=2026) == "Tam Điệp, ngày      tháng      năm 2026"


def test_date_line_blank_without_year_leaves_year_blank() -> None:
    assert date_line("Tam Điệp", None) == "Tam Điệp, ngày      tháng      năm       "


def test_date_line_without_place_is_capitalised() -> None:
    assert date_line("", date(2025, 1, 5)) == "Ngày 05 tháng 01 năm 2025"
    assert date_line("   ", None, year=2026) == "Ngày      tháng      năm 2026"


def test_date_line_ignores_year_when_date_given() -> None:
    assert date_line("Hà Nội", date(2020, 1, 5), year=1999) == "Hà Nội, ngày 05 tháng 01 năm 2020"


@pytest.mark.parametrize(
    ("d", "short", "table"),
    [
        (date(2024, 7, 26), "26/7/2024", "26/07/2024"),
        (date(2025, 1, 5), "05/01/2025", "05/01/2025"),
        (date(2020, 3, 5), "05/3/2020", "05/03/2020"),
        (date(2012, 3, 2), "02/3/2012", "02/03/2012"),
        (date(2023, 2, 28), "28/02/2023", "28/02/2023"),
        (date(2023, 12, 31), "31/12/2023", "31/12/2023"),
    ],
)
def test_short_date_and_dmy(d: date, short: str, table: str) -> None:
    assert short_date(d) == short
    assert dmy(d) == table


@pytest.mark.parametrize(
    "text",
    [
        "26/7/2024",
        "26/07/2024",
        "26-07-2024",
        "26-7-2024",
        "26.7.2024",
        "2024-07-26",
        "2024-7-26",
        " 26 / 7 / 2024 ",
    ],
)
def test_parse_date_accepts_common_forms(text: str) -> None:
    assert parse_date(text) == date(2024, 7, 26)


def test_parse_date_day_comes_first() -> None:
    assert parse_date("05/01/2025") == date(2025, 1, 5)
    assert parse_date("1/2/2025") == date(2025, 2, 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31/02/2024", "không tồn tại"),
        ("29/02/2023", "không tồn tại"),
        ("00/01/2024", "không tồn tại"),
        ("12/13/2024", "tháng phải từ 1 đến 12"),
        ("26/7/24", "Không đọc được ngày"),
        ("26/7-2024", "Không đọc được ngày"),
        ("hôm qua", "Không đọc được ngày"),
        ("", "Không đọc được ngày"),
        ("2024/07", "Không đọc được ngày"),
        ("07/26/2024", "tháng phải từ 1 đến 12"),
    ],
)
def test_parse_date_refuses_with_vietnamese_message(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_date(text)


def test_parse_date_leap_day() -> None:
    assert parse_date("29/02/2024") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 10, 10), 3, date(2026, 1, 10)),
        (date(2025, 5, 31), 0, date(2025, 5, 31)),
        (date(2025, 5, 31), 12, date(2026, 5, 31)),
        (date(2025, 5, 31), -25, date(2023, 4, 30)),
    ],
)
def test_add_months_clamps_to_month_end(d: date, n: int, expected: date) -> None:
    assert add_months(d, n) == expected


def test_add_months_out_of_range() -> None:
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)


dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31))


@given(dates)
def test_short_forms_parse_back(d: date) -> None:
    assert parse_date(short_date(d)) == d
    assert parse_date(dmy(d)) == d
    assert parse_date(d.isoformat()) == d


@given(dates, st.integers(min_value=-120, max_value=120))
def test_add_months_properties(d: date, n: int) -> None:
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    assert r.day <= d.day
    if r.day < d.day:  # clamped: the result is the last day of its month
        assert (r + timedelta(days=1)).month != r.month


@given(dates)
def test_long_date_zero_rule(d: date) -> None:
    parts = long_date(d).split()
    assert parts[0] == "ngày" and parts[2] == "tháng" and parts[4] == "năm"
    assert len(parts[1]) == 2
    assert parts[3] == (f"{d.month:02d}" if d.month <= 2 else str(d.month))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", ["vndate", "money"])
def test_domain_modules_import_only_stdlib(module: str) -> None:
    path = Path(vndate.__file__).with_name(f"{module}.py")
    for name in _imported_modules(path):
        assert name in sys.stdlib_module_names or name == "__future__", f"{module}.py imports {name}"
