"""Money and decimal numbers as Vietnamese documents write them. Standard library only.

- Figures: "." groups thousands and "," is the decimal mark: "2.000.000", "85,50".
- Words ("bằng chữ"), accounting style, which keeps "không trăm" inside a number:
  1.005 → "một nghìn không trăm linh năm", 2.050.000 → "hai triệu không trăm năm mươi nghìn".
  Unit rules: 1 after a tens digit ≥ 2 is "mốt" (21 "hai mươi mốt", but 11 "mười một"); 5 after any tens
  digit is "lăm" (15 "mười lăm"); 4 after a tens digit ≥ 2 is "tư" or "bốn" (a setting, ``four``); a zero
  tens digit before a unit is "linh" or "lẻ" (a setting, ``zero_ten``). Scale words: nghìn, triệu, tỷ;
  above a tỷ the words repeat ("một nghìn tỷ", "một tỷ tỷ").

We do not use num2words: it drops "không trăm" and reads 1.010 as "một nghìn lẻ mười".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "format_decimal_vn",
    "format_money",
    "money_in_words",
    "money_phrase",
    "number_in_words",
]

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 1_000_000_000
_SCALES = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))
ZERO_TEN_CHOICES = ("linh", "lẻ")
FOUR_CHOICES = ("tư", "bốn")


def _group_thousands(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def format_money(n: int) -> str:
    """Whole amount with "." between thousands: 2000000 → "2.000.000", -1500 → "-1.500"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"format_money expects an int, got {type(n).__name__}")
    sign = "-" if n < 0 else ""
    return sign + _group_thousands(str(abs(n)), ".")


def format_decimal_vn(value: Decimal | int, places: int = 2) -> str:
    """Decimal with "," as decimal mark and "." between thousands, rounded half up.

    ``format_decimal_vn(Decimal("85.5"))`` → "85,50"; ``(Decimal("1234.565"), 2)`` → "1.234,57";
    ``places=0`` gives no decimal part. Floats are refused: convert them with ``Decimal(str(x))`` first.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"format_decimal_vn expects Decimal or int, got {type(value).__name__}")
    if places < 0:
        raise ValueError("places must be >= 0")
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError("format_decimal_vn needs a finite number")
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):f}"
    whole, _, frac = text.partition(".")
    out = sign + _group_thousands(whole, ".")
    if places:
        out += "," + frac
    return out


def _check_options(zero_ten: str, four: str) -> None:
    if zero_ten not in ZERO_TEN_CHOICES:
        raise ValueError(f"zero_ten must be one of {ZERO_TEN_CHOICES}, got {zero_ten!r}")
    if four not in FOUR_CHOICES:
        raise ValueError(f"four must be one of {FOUR_CHOICES}, got {four!r}")


def _three_digits(n: int, full: bool, zero_ten: str, four: str) -> list[str]:
    """Words for 1 ≤ n ≤ 999. ``full`` reads a zero hundreds digit ("không trăm") and "linh" before a
    lone unit, as a group inside a larger number does; the leading group of a number is not full."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append(zero_ten)
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 4 and tens >= 2:
            words.append(four)
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def _below_billion(n: int, leading: bool, zero_ten: str, four: str) -> list[str]:
    """Words for 1 ≤ n < 10^9; ``leading`` is True when nothing is read before it."""
    words: list[str] = []
    for scale, name in _SCALES:
        group, n = divmod(n, scale)
        if group:
            words += _three_digits(group, full=not leading, zero_ten=zero_ten, four=four)
            if name:
                words.append(name)
            leading = False
    return words


def _words(n: int, leading: bool, zero_ten: str, four: str) -> list[str]:
    billions, rest = divmod(n, _BILLION)
    words: list[str] = []
    if billions:
        words += _words(billions, leading, zero_ten, four)
        words.append("tỷ")
        leading = False
    if rest:
        words += _below_billion(rest, leading, zero_ten, four)
    return words


def number_in_words(n: int, zero_ten: str = "linh", four: str = "tư") -> str:
    """Lower-case words for an integer: 21 → "hai mươi mốt", 105 → "một trăm linh năm",
    1010000 → "một triệu không trăm mười nghìn", 0 → "không", -5 → "âm năm"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_in_words expects an int, got {type(n).__name__}")
    _check_options(zero_ten, four)
    if n == 0:
        return "không"
    prefix = ["âm"] if n < 0 else []
    return " ".join(prefix + _words(abs(n), True, zero_ten, four))


def money_in_words(n: int, zero_ten: str = "linh", four: str = "tư") -> str:
    """Amount in words, capitalised, ending "đồng": 2000000 → "Hai triệu đồng", 0 → "Không đồng"."""
    text = number_in_words(n, zero_ten=zero_ten, four=four) + " đồng"
    return text[0].upper() + text[1:]


def money_phrase(n: int, zero_ten: str = "linh", four: str = "tư") -> str:
    """Figures then words, as in decisions: "2.000.000 đồng (Hai triệu đồng)"."""
    return f"{format_money(n)} đồng ({money_in_words(n, zero_ten=zero_ten, four=four)})"
