"""``clean`` and ``one_line`` skip their regular expressions when a line has nothing to collapse: the same
text comes out as with the expressions applied every time."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sangkien_desktop.domain.text import clean, nfc, one_line, strip_unsafe

_SPACES = re.compile(r"\s+")
_INLINE_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")

# Vietnamese letters, every kind of blank and line break, unsafe characters, anything else now and then
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aăâđêôơưÁÀẢÃẠấầẩẫậéèẻẽẹ Đd09.,-")),
        st.sampled_from(
            list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2007\u2028\u2029\u202f\u205f\u3000")
        ),
        st.sampled_from(list("\x00\x07\u200b\u200e\u202e\ufeff\u00ad")),
        st.characters(),
    ),
    max_size=40,
)


def _clean_by_regex(text: str) -> str:
    lines = [_INLINE_SPACES.sub(" ", line).strip() for line in strip_unsafe(nfc(text)).split("\n")]
    return "\n".join(lines).strip()


def _one_line_by_regex(text: str) -> str:
    return _SPACES.sub(" ", strip_unsafe(nfc(text))).strip()


@settings(max_examples=500, deadline=None)
@given(texts)
def test_clean_is_the_regex_clean(text: str) -> None:
    assert clean(text) == _clean_by_regex(text)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_one_line_is_the_regex_one_line(text: str) -> None:
    assert one_line(text) == _one_line_by_regex(text)


def test_every_whitespace_character_is_collapsed_alike() -> None:
    for code in range(0x110000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f"a{ch}{ch}b"
        assert one_line(text) == _one_line_by_regex(text), hex(code)
        assert clean(text) == _clean_by_regex(text), hex(code)
