"""TCVN3 and VNI-Windows tables, both directions, and how a cell's encoding is decided."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import legacy_encoding as le

LOWER_LETTERS = le.VIETNAMESE_LOWER
UPPER_LETTERS = LOWER_LETTERS.upper()
ASCII_EXTRA = "0123456789 .,;:-()/"
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"


def test_alphabet_is_complete() -> None:
    assert len(le.LOWER_VOWELS) == 72  # 12 vowels × 6 tones
    assert len(set(LOWER_LETTERS)) == 72 + 17 + 4
    assert all(unicodedata.is_normalized("NFC", ch) for ch in LOWER_LETTERS)


@pytest.mark.parametrize("letter", list(LOWER_LETTERS + UPPER_LETTERS))
def test_every_letter_round_trips(letter: str) -> None:
    assert le.from_vni(le.to_vni(letter)) == letter
    if letter.islower() or letter in TCVN3_CAPITALS or letter.isascii():
        assert le.from_tcvn3(le.to_tcvn3(letter)) == letter
    else:
        with pytest.raises(ValueError):
            le.to_tcvn3(letter)
    assert le.from_tcvn3(le.to_tcvn3(letter, capitals=True), capitals=True) == letter.upper()


@given(st.text(alphabet=LOWER_LETTERS + UPPER_LETTERS + ASCII_EXTRA, max_size=60))
def test_vni_round_trip_property(text: str) -> None:
    encoded = le.to_vni(text)
    assert all(ord(ch) < 0x100 for ch in encoded)
    assert le.from_vni(encoded) == text


@given(st.text(alphabet=LOWER_LETTERS + TCVN3_CAPITALS + ASCII_EXTRA, max_size=60))
def test_tcvn3_round_trip_property_lower(text: str) -> None:
    encoded = le.to_tcvn3(text)
    assert all(ord(ch) < 0x100 or ch in le.CHAR_TO_BYTE for ch in encoded)
    assert le.from_tcvn3(encoded) == text


@given(st.text(alphabet=UPPER_LETTERS + ASCII_EXTRA, max_size=60))
def test_tcvn3_round_trip_property_capitals_font(text: str) -> None:
    assert le.from_tcvn3(le.to_tcvn3(text, capitals=True), capitals=True) == text


def test_tables_cover_distinct_codes() -> None:
    assert len(le.TCVN3_TABLE) == len(set(le.TCVN3_TABLE.values())) == 67 + 7
    vni_codes = [le.to_vni(ch) for ch in LOWER_LETTERS + UPPER_LETTERS]
    assert len(set(vni_codes)) == len(LOWER_LETTERS + UPPER_LETTERS)


@pytest.mark.parametrize(
    ("raw", "encoding", "text"),
    [
        ("Mét sè biÖn ph¸p gióp trÎ", le.TCVN3, "Một số biện pháp giúp trẻ"),
        ("Moät soá bieän phaùp giuùp treû", le.VNI, "Một số biện pháp giúp trẻ"),
        ("Tr\xadêng THCS B¾c S¬n", le.TCVN3, "Trường THCS Bắc Sơn"),
        ("TOÅNG HÔÏP ÑAÊNG KYÙ", le.VNI, "TỔNG HỢP ĐĂNG KÝ"),
        ("Tªn s¸ng kiÕn", le.TCVN3, "Tên sáng kiến"),
        ("Một số biện pháp", le.UNICODE, "Một số biện pháp"),
        ("Trường THCS", le.UNICODE, "Trường THCS"),
        ("TT", le.UNICODE, "TT"),
        ("Müller", le.UNICODE, "Müller"),
    ],
)
def test_decide_by_text(raw: str, encoding: str, text: str) -> None:
    reading = le.decide(raw)
    assert (reading.encoding, reading.text) == (encoding, text)


def test_short_words_are_ambiguous_until_the_font_says() -> None:
    assert le.decide("Mét").encoding == le.AMBIGUOUS
    assert le.decide("Mét", ".VnTime") == le.Reading(le.TCVN3, "Một")
    assert le.decide("Toán").encoding == le.AMBIGUOUS
    assert le.decide("Toán", "VNI-Times") == le.Reading(le.VNI, "Tốn")
    assert le.decide("Toán", "Times New Roman").encoding == le.AMBIGUOUS


def test_capitals_font_upper_cases() -> None:
    assert le.decide("tæng hîp", ".VnTimeH").text == "TỔNG HỢP"
    assert le.font_encoding(".VnArialH") == (le.TCVN3, True)
    assert le.font_encoding(".VnTime") == (le.TCVN3, False)
    assert le.font_encoding("VNI-Helve") == (le.VNI, False)
    assert le.font_encoding("Times New Roman") == (None, False)


def test_unicode_text_in_a_legacy_font_stays_unicode() -> None:
    assert le.decide("Nguyễn Văn An", ".VnTime").encoding == le.UNICODE
    assert le.decide("Hoa", ".VnTime").text == "Hoa"


def test_looks_legacy() -> None:
    assert le.looks_legacy("Mét sè biÖn ph¸p")
    assert le.looks_legacy("Moät soá bieän")
    assert not le.looks_legacy("Một số biện pháp")
    assert not le.looks_legacy("Café")


@pytest.mark.parametrize(
    "word", ["nghiêng", "quyết", "khuya", "giữ", "gì", "rượu", "thuở", "xoong", "Trường"]
)
def test_syllables(word: str) -> None:
    assert le.is_syllable(word)


@pytest.mark.parametrize("word", ["biÖn", "Moät", "ph¸p", "ngưoi", "áà"])
def test_not_syllables(word: str) -> None:
    assert not le.is_syllable(word)
