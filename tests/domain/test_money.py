"""Money in figures and in words ("bằng chữ"), checked by hand and by parsing the words back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain.money import (
    format_decimal_vn,
    format_money,
    money_in_words,
    money_phrase,
    number_in_words,
)

# Hand-checked against the accounting convention (domain.md §6).
HAND_CHECKED = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (44, "bốn mươi tư"),
    (55, "năm mươi lăm"),
    (90, "chín mươi"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1100, "một nghìn một trăm"),
    (10000, "mười nghìn"),
    (15000, "mười lăm nghìn"),
    (21000, "hai mươi mốt nghìn"),
    (100000, "một trăm nghìn"),
    (500000, "năm trăm nghìn"),
    (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
    (1010000, "một triệu không trăm mười nghìn"),
    (2000000, "hai triệu"),
    (2050000, "hai triệu không trăm năm mươi nghìn"),
    (2500000, "hai triệu năm trăm nghìn"),
    (15500000, "mười lăm triệu năm trăm nghìn"),
    (100000000, "một trăm triệu"),
    (1000000000, "một tỷ"),
    (1035000000, "một tỷ không trăm ba mươi lăm triệu"),
    (1000010000, "một tỷ không trăm mười nghìn"),
    (1000000000000, "một nghìn tỷ"),
    (
        1234567891234,
        "một nghìn hai trăm ba mươi tư tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi mốt nghìn hai trăm ba mươi tư",
    ),
    (10**18, "một tỷ tỷ"),
    (-5, "âm năm"),
]


@pytest.mark.parametrize(("n", "words"), HAND_CHECKED)
def test_number_in_words_hand_checked(n: int, words: str) -> None:
    assert number_in_words(n) == words


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (2_000_000, "Hai triệu đồng"),
        (1_010_000, "Một triệu không trăm mười nghìn đồng"),
        (1005, "Một nghìn không trăm linh năm đồng"),
        (2_050_000, "Hai triệu không trăm năm mươi nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (0, "Không đồng"),
        (500_000, "Năm trăm nghìn đồng"),
    ],
)
def test_money_in_words(n: int, expected: str) -> None:
    assert money_in_words(n) == expected


def test_options_for_zero_ten_and_four() -> None:
    assert number_in_words(105, zero_ten="lẻ") == "một trăm lẻ năm"
    assert number_in_words(24, four="bốn") == "hai mươi bốn"
    assert number_in_words(14, four="tư") == "mười bốn"  # tư only after tens >= 2
    assert number_in_words(4, four="tư") == "bốn"
    assert number_in_words(104, four="tư") == "một trăm linh bốn"
    assert (
        money_in_words(1_024_000, zero_ten="lẻ", four="bốn") == "Một triệu không trăm hai mươi bốn nghìn đồng"
    )
    with pytest.raises(ValueError):
        number_in_words(5, zero_ten="le")
    with pytest.raises(ValueError):
        number_in_words(5, four="4")


def test_money_phrase() -> None:
    assert money_phrase(2_000_000) == "2.000.000 đồng (Hai triệu đồng)"
    assert money_phrase(1_000_000) == "1.000.000 đồng (Một triệu đồng)"
    assert money_phrase(105, zero_ten="lẻ") == "105 đồng (Một trăm lẻ năm đồng)"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1000, "1.000"),
        (2_000_000, "2.000.000"),
        (-1500, "-1.500"),
        (10**12, "1.000.000.000.000"),
    ],
)
def test_format_money(n: int, text: str) -> None:
    assert format_money(n) == text


@pytest.mark.parametrize("bad", [1.5, Decimal("2"), "2000", True])
def test_format_money_wants_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_money(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.5, "21", None, False])
def test_words_want_int(bad: object) -> None:
    with pytest.raises(TypeError):
        number_in_words(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("85.5"), 2, "85,50"),
        (Decimal("85.505"), 2, "85,51"),  # half up, not half even
        (Decimal("85.525"), 2, "85,53"),
        (Decimal("1234.565"), 2, "1.234,57"),
        (Decimal("-1234567.891"), 0, "-1.234.568"),
        (Decimal("-0.001"), 2, "0,00"),
        (Decimal("4.5"), 1, "4,5"),
        (Decimal("0.3"), 1, "0,3"),
        (80, 2, "80,00"),
        (Decimal("1E+3"), 2, "1.000,00"),
    ],
)
def test_format_decimal_vn(value: Decimal | int, places: int, text: str) -> None:
    assert format_decimal_vn(value, places) == text


def test_format_decimal_vn_refuses_float_and_bad_places() -> None:
    with pytest.raises(TypeError):
        format_decimal_vn(85.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_decimal_vn(Decimal(1), -1)
    with pytest.raises(ValueError):
        format_decimal_vn(Decimal("NaN"))


# --- a reverse parser, written independently of the converter -----------------------------------

_DIGIT = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5}
_DIGIT |= {"sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def parse_words(text: str) -> int:
    """Words → integer. "tỷ" multiplies everything read so far; "nghìn"/"triệu" close a group."""
    words = text.split(" ")
    sign = 1
    if words[0] == "âm":
        sign, words = -1, words[1:]
    total = 0  # value of the groups closed since the last "tỷ", plus what "tỷ" multiplied
    group = 0  # current group below 1000
    digit: int | None = None
    for w in words:
        if w in _DIGIT:
            assert digit is None, f"two digits in a row in {text!r}"
            digit = _DIGIT[w]
        elif w == "trăm":
            assert digit is not None
            group += digit * 100
            digit = None
        elif w == "mươi":
            assert digit is not None and digit >= 2
            group += digit * 10
            digit = None
        elif w == "mười":
            assert digit is None
            group += 10
        elif w in ("linh", "lẻ"):
            assert group % 100 == 0 and digit is None
        elif w in ("nghìn", "triệu"):
            group += digit or 0
            digit = None
            total += group * (1000 if w == "nghìn" else 1_000_000)
            group = 0
        elif w == "tỷ":
            group += digit or 0
            digit = None
            total = (total + group) * 1_000_000_000
            group = 0
        else:
            raise AssertionError(f"unknown word {w!r} in {text!r}")
    return sign * (total + group + (digit or 0))


@pytest.mark.parametrize(("n", "words"), HAND_CHECKED)
def test_reverse_parser_agrees_with_table(n: int, words: str) -> None:
    assert parse_words(words) == n


options = st.sampled_from([("linh", "tư"), ("lẻ", "bốn"), ("linh", "bốn"), ("lẻ", "tư")])


@given(st.integers(min_value=-(10**21), max_value=10**21), options)
def test_words_parse_back(n: int, opt: tuple[str, str]) -> None:
    zero_ten, four = opt
    text = number_in_words(n, zero_ten=zero_ten, four=four)
    assert parse_words(text) == n
    assert "  " not in text and text == text.strip()
    if n != 0:
        assert not text.startswith("không")
        assert not text.startswith(("linh", "lẻ"))
    other = "lẻ" if zero_ten == "linh" else "linh"
    assert other not in text.split()


@given(st.integers(min_value=0, max_value=10**15))
def test_money_words_shape(n: int) -> None:
    text = money_in_words(n)
    assert text.endswith(" đồng")
    assert text[0].isupper() and text[1:] == text[1:].lower()
    assert "  " not in text
    assert parse_words(text[0].lower() + text[1 : -len(" đồng")]) == n


@given(st.integers(min_value=20, max_value=99))
def test_unit_rules_after_tens(n: int) -> None:
    words = number_in_words(n).split()
    units = n % 10
    last = words[-1]
    expected = {0: "mươi", 1: "mốt", 4: "tư", 5: "lăm"}.get(units)
    if expected:
        assert last == expected


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_format_money_round_trip(n: int) -> None:
    text = format_money(n)
    assert int(text.replace(".", "")) == n
    groups = text.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
