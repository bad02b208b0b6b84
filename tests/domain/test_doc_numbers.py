"""Document numbers spelled once for every output, titles that name the same initiative, genders,
agency names spelled out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain.agency import body_in_sentence, spelled_out
from sangkien_desktop.domain.doc_numbers import number_of, spell, suffix_of
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.domain.intake_rules import parse_gender
from sangkien_desktop.domain.title_match import core_title, same_core_title


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", "01/QĐ-UBND"),
        ("01", "01/QĐ-UBND"),
        (7, "07/QĐ-UBND"),
        ("15", "15/QĐ-UBND"),
        ("1/qđ-ubnd", "01/QĐ-UBND"),  # the settings' spelling of the same ký hiệu
        ("15/QĐ-HĐSK", "15/QĐ-HĐSK"),  # another ký hiệu typed on purpose is kept
        ("Số: 3/QĐ-UBND", "03/QĐ-UBND"),
        (" 12 / QĐ-UBND ", "12/QĐ-UBND"),
        ("", ""),
        (None, ""),
    ],
)
def test_spell(typed: object, expected: str) -> None:
    assert spell(typed, "QĐ-UBND") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["abc", "0", "-1", "1/QĐ UBND", "100000", "1/"])
def test_spell_refuses_what_is_not_a_number(typed: str) -> None:
    if typed == "1/":
        assert spell(typed, "QĐ-UBND") == "01/QĐ-UBND"  # an empty ký hiệu takes the settings'
        return
    with pytest.raises(ValidationError, match="Số quyết định"):
        spell(typed, "QĐ-UBND", where="Số quyết định")


@given(st.integers(min_value=1, max_value=99_999))
def test_spelled_numbers_read_back(n: int) -> None:
    text = spell(str(n), "BB-HĐSK")
    assert number_of(text) == n and suffix_of(text) == "BB-HĐSK"
    assert spell(text, "BB-HĐSK") == text  # spelling is idempotent: every output prints the same


def test_core_titles() -> None:
    base = "Số hóa hồ sơ một cửa tại phường"
    for variant in (
        "Số hóa hồ sơ một cửa tại phường (bổ sung)",
        "Số hóa hồ sơ một cửa tại phường.",
        "SỐ HÓA HỒ SƠ MỘT CỬA, TẠI PHƯỜNG",
        "Số hóa hồ sơ một cửa tại phường [sửa đổi] (lần 2).",
        "So hoa ho so mot cua tai phuong",
    ):
        assert same_core_title(base, variant), variant
    assert not same_core_title(base, "Số hóa hồ sơ một cửa tại xã")
    assert not same_core_title(base, "Số hóa (bổ sung) hồ sơ một cửa tại phường x")
    assert core_title("(bổ sung)") == "bo sung"  # a title that is only a remark stays itself
    assert not same_core_title("", "")


@pytest.mark.parametrize(
    ("typed", "gender"),
    [("Nam", "Nam"), ("nam", "Nam"), ("NỮ", "Nữ"), ("nu", "Nữ"), ("Bà", "Nữ"), ("ông", "Nam"), ("", "")],
)
def test_parse_gender(typed: str, gender: str) -> None:
    assert parse_gender(typed) == gender


def test_parse_gender_refuses_guesses() -> None:
    with pytest.raises(ValueError, match="Nam hoặc Nữ"):
        parse_gender("Ông/Bà")


def test_agency_names() -> None:
    assert spelled_out("UBND PHƯỜNG TAM ĐIỆP") == "ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP"
    assert spelled_out("ubnd xã vạn phúc\nhội đồng") == "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC\nHỘI ĐỒNG"
    assert body_in_sentence("ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP") == "Ủy ban nhân dân phường Tam Điệp"
