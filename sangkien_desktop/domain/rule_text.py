"""Reading and writing the small texts of round rules as a secretary types them in a grid: points with a
decimal comma ("72,5"), amounts with dot thousands ("2.000.000"), and grade conditions on criteria
("TC1 ≥ 25; TC3 ≥ 20", TCn being the n-th criterion of the rubric)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CONDITION = re.compile(r"^\s*(?:TC|tc|Tc)?\s*(\d+)\s*(?:≥|>=|=>)\s*([0-9]+(?:[.,][0-9]+)?)\s*$")


def criterion_code(position: int) -> str:
    """ "TC1" for the first criterion (position 0)."""
    return f"TC{position + 1}"


def parse_points(text: str, *, allow_empty: bool = False) -> Decimal | None:
    """ "72,5" or "72.5" → Decimal("72.5"); "" → None when ``allow_empty``. Raises ValueError (Vietnamese)."""
    raw = text.strip().replace(" ", "")
    if not raw:
        if allow_empty:
            return None
        raise ValueError("chưa có điểm")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"'{text.strip()}' không phải là số điểm") from None
    if not value.is_finite():
        raise ValueError(f"'{text.strip()}' không phải là số điểm")
    if value < 0:
        raise ValueError("điểm không được âm")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"'{text.strip()}' có quá 2 chữ số thập phân")
    return value


def parse_amount(text: str) -> int:
    """ "2.000.000", "2 000 000", "2000000" → 2000000; "" → 0. Raises ValueError (Vietnamese)."""
    raw = re.sub(r"đồng|[.\s,đ]", "", text.strip().lower())
    if not raw:
        return 0
    if not raw.isdigit():
        raise ValueError(f"'{text.strip()}' không phải là số tiền (ví dụ 2.000.000)")
    return int(raw)


def parse_quota(text: str) -> int | None:
    """ "5" → 5; "" or "không giới hạn" → None."""
    raw = text.strip().lower()
    if not raw or raw in {"-", "—", "không giới hạn", "khong gioi han"}:
        return None
    if not raw.isdigit():
        raise ValueError(f"'{text.strip()}' không phải là số suất (để trống nếu không giới hạn)")
    return int(raw)


def parse_conditions(text: str, criteria: int) -> tuple[tuple[int, Decimal], ...]:
    """ "TC1 ≥ 25; TC3 >= 20" → ((0, 25), (2, 20)). ``criteria`` is the number of criteria."""
    result: list[tuple[int, Decimal]] = []
    for part in re.split(r"[;\n]+", text):
        if not part.strip():
            continue
        m = _CONDITION.match(part)
        if not m:
            raise ValueError(f"điều kiện '{part.strip()}' không đọc được; ghi dạng TC1 ≥ 25")
        number = int(m.group(1))
        if not 1 <= number <= criteria:
            raise ValueError(f"không có tiêu chí TC{number} (thang điểm có {criteria} tiêu chí)")
        points = parse_points(m.group(2))
        assert points is not None
        if any(p == number - 1 for p, _ in result):
            raise ValueError(f"TC{number} có hai điều kiện")
        result.append((number - 1, points))
    return tuple(result)


def format_points(value: Decimal | None) -> str:
    """Decimal("72.50") → "72,5"; Decimal("80.00") → "80"; None → ""."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_amount(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def format_conditions(conditions: tuple[tuple[int, Decimal], ...]) -> str:
    return "; ".join(f"{criterion_code(p)} ≥ {format_points(v)}" for p, v in conditions)
