"""Scores: reading a typed number, checking it against a criterion's 0..max, members' totals, the exact mean
rounded half up, the spread of members' totals and double-entry mismatches.

Everything is Decimal. The mean is rounded on the *exact* quotient (a ``Fraction``), never through a float
or Python's ``round`` (which rounds half to even): a mean of 79.995 is 80.00.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .enums import DossierStatus
from .errors import Issue, ValidationError

# Dossiers the council scores: checked and found valid (Hợp lệ) or complete (Đủ). Not scored: just received
# (not checked yet), incomplete (waiting for a supplement), invalid, withdrawn.
SCORABLE_STATUSES: tuple[DossierStatus, ...] = (DossierStatus.VALID, DossierStatus.COMPLETE)

MAX_SCORE_DECIMALS = 2  # the scores column keeps two decimals
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def round_half_up(value: Fraction | Decimal | int, decimals: int = 2) -> Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero, computed exactly.

    >>> round_half_up(Fraction(79995, 1000))
    Decimal('80.00')
    """
    numerator, denominator = value.as_integer_ratio()
    return _round_ratio(numerator, denominator, decimals)


def divide_half_up(total: Decimal, count: int, decimals: int = 2) -> Decimal:
    """``total / count`` rounded half up to ``decimals`` places, exactly (integers only, no Fraction):
    the mean of ``count`` values summing to ``total``."""
    numerator, denominator = total.as_integer_ratio()
    return _round_ratio(numerator, denominator * count, decimals)


def _round_ratio(numerator: int, denominator: int, decimals: int) -> Decimal:
    if decimals < 0:
        raise ValueError("decimals must be ≥ 0")
    if denominator <= 0:
        raise ValueError("denominator must be > 0")
    scaled = abs(numerator) * 10**decimals
    # floor(x + 1/2) on the magnitude, in integers: (2n + d) // 2d
    rounded = (2 * scaled + denominator) // (2 * denominator)
    if numerator < 0:
        rounded = -rounded
    return Decimal(rounded).scaleb(-decimals)


def exact_mean(values: Sequence[Decimal]) -> Fraction:
    """The exact mean of ``values`` (at least one)."""
    if not values:
        raise ValueError("mean of no values")
    return Fraction(sum(values, Decimal(0))) / len(values)


def mean_half_up(values: Sequence[Decimal], decimals: int = 2) -> Decimal:
    """Mean of ``values`` rounded half up to ``decimals`` places on the exact quotient."""
    if not values:
        raise ValueError("mean of no values")
    return divide_half_up(sum(values, Decimal(0)), len(values), decimals)


def quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def format_points(value: Decimal | Fraction | int, decimals: int | None = 2) -> str:
    """Vietnamese number with a decimal comma: ``84,50``. ``decimals=None`` drops trailing zeros (``72,5``,
    ``80``) — for thresholds and maxima."""
    if isinstance(value, Fraction):
        value = round_half_up(value, 4 if decimals is None else decimals)
    value = Decimal(value)
    if decimals is None:
        text = format(value.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = format(value.quantize(quantum(decimals)), "f")
    if text in {"-0", "-0.0"}:
        text = "0"
    return text.replace(".", ",")


def parse_points(text: object) -> Decimal | None:
    """A typed score: "25", "8,5", "8.5", " 7 " → Decimal; blank → None.

    Raises ``ValueError`` with a Vietnamese message for anything else ("abc", "8,5,1", "1e3").
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError("Điểm phải là một số.")
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(str(text))  # what Excel showed, not the binary expansion
    else:
        raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
        if raw == "":
            return None
        if not _NUMBER.match(raw):
            raise ValueError(f"“{str(text).strip()}” không phải là số điểm (ví dụ: 25 hoặc 8,5).")
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
            raise ValueError(f"“{raw}” không phải là số điểm.") from exc
    if not value.is_finite():
        raise ValueError("Điểm phải là một số hữu hạn.")
    return value


def check_points(value: Decimal, max_points: Decimal, criterion: str = "") -> Decimal:
    """Refuse a score outside 0..max or with more than two decimals. Returns the value, normalised to the
    column's two decimals. The message names the criterion and its maximum."""
    where = f" cho tiêu chí “{criterion}”" if criterion else ""
    if value < 0:
        raise ValueError(f"Điểm{where} không được âm (đã nhập {format_points(value, None)}).")
    if value > max_points:
        raise ValueError(
            f"Điểm{where} tối đa là {format_points(max_points, None)} (đã nhập {format_points(value, None)})."
        )
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_SCORE_DECIMALS:
        raise ValueError(f"Điểm{where} chỉ được có tối đa {MAX_SCORE_DECIMALS} chữ số thập phân.")
    return value.quantize(quantum(MAX_SCORE_DECIMALS))


def read_points(text: object, max_points: Decimal, criterion: str = "") -> Decimal | None:
    """``parse_points`` then ``check_points``; blank stays None."""
    value = parse_points(text)
    if value is None:
        return None
    return check_points(value, max_points, criterion)


@dataclass(frozen=True)
class CriterionRule:
    """What a score sheet needs to know about a criterion."""

    key: int | str
    name: str
    max_points: Decimal
    min_points: Decimal | None = None


def rubric_issues(criteria: Sequence[CriterionRule], expected_total: Decimal | None = None) -> list[Issue]:
    """Problems of a rubric: empty, blank or duplicate names, a maximum ≤ 0, a minimum outside 0..max.
    A total other than ``expected_total`` is a warning (some councils use 20 or 90 points)."""
    issues: list[Issue] = []
    if not criteria:
        issues.append(Issue("Bộ tiêu chí chưa có tiêu chí nào."))
    seen: set[str] = set()
    for i, c in enumerate(criteria, start=1):
        where = f"Tiêu chí {i}"
        name = c.name.strip()
        if not name:
            issues.append(Issue("chưa có tên", where))
        elif name.casefold() in seen:
            issues.append(Issue(f"tên “{name}” bị trùng", where))
        seen.add(name.casefold())
        if c.max_points <= 0:
            issues.append(
                Issue(f"điểm tối đa phải lớn hơn 0 (đang là {format_points(c.max_points, None)})", where)
            )
        if c.min_points is not None and not (0 <= c.min_points <= c.max_points):
            issues.append(
                Issue(
                    f"điểm tối thiểu {format_points(c.min_points, None)} phải nằm trong 0..{format_points(c.max_points, None)}",
                    where,
                )
            )
    total = sum((c.max_points for c in criteria), Decimal(0))
    if criteria and expected_total is not None and total != expected_total:
        issues.append(
            Issue(
                f"Tổng điểm tối đa của các tiêu chí là {format_points(total, None)}, "
                f"không phải {format_points(expected_total, None)}.",
                severity="warning",
            )
        )
    return issues


def check_rubric(criteria: Sequence[CriterionRule]) -> None:
    errors = [i for i in rubric_issues(criteria) if i.is_error]
    if errors:
        raise ValidationError(errors, "Bộ tiêu chí chấm điểm chưa hợp lệ")


def sheet_total(
    points: Mapping[int | str, Decimal | None], criteria: Sequence[CriterionRule]
) -> Decimal | None:
    """A member's total for one dossier: the sum over every criterion, or None while any is missing."""
    total = Decimal(0)
    for c in criteria:
        value = points.get(c.key)
        if value is None:
            return None
        total += value
    return total


def missing_criteria(
    points: Mapping[int | str, Decimal | None], criteria: Sequence[CriterionRule]
) -> list[str]:
    return [c.name for c in criteria if points.get(c.key) is None]


def spread(totals: Iterable[Decimal]) -> Decimal:
    """Highest minus lowest total (0 for fewer than two)."""
    values = list(totals)
    if len(values) < 2:
        return Decimal(0)
    return max(values) - min(values)


def spread_exceeds(totals: Iterable[Decimal], limit: Decimal | None) -> bool:
    """True when members' totals for one dossier differ by more than ``limit`` points (None: never)."""
    if limit is None:
        return False
    return spread(totals) > limit


@dataclass(frozen=True)
class Mismatch:
    """A score typed differently the second time (double entry)."""

    key: object
    first: Decimal | None
    second: Decimal | None

    @property
    def unchecked(self) -> bool:
        return self.first is not None and self.second is None


def double_entry_mismatches(
    first: Mapping[object, Decimal | None], second: Mapping[object, Decimal | None]
) -> list[Mismatch]:
    """Cells whose two typings differ (a value against a blank counts). Numbers are compared by value, so
    "8.5" and "8.50" match. Keys present in neither mapping are ignored; order follows ``first`` then the
    extra keys of ``second``."""
    out: list[Mismatch] = []
    keys = list(first) + [k for k in second if k not in first]
    for key in keys:
        a = first.get(key)
        b = second.get(key)
        if a is None and b is None:
            continue
        if a is None or b is None or a != b:
            out.append(Mismatch(key, a, b))
    return out
