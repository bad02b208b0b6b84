"""Names of agencies as printed: in capitals in a header, as written inside a sentence, spelled out.

"UBND PHƯỜNG TAM ĐIỆP" heads a council's documents; a decision the body itself issues carries its full
name "ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP" (:func:`spelled_out`), and a sentence cites it as "Ủy ban nhân dân
phường Tam Điệp" (:func:`body_in_sentence`).
"""

from __future__ import annotations

import re

from .text import nfc, one_line, upper_vn

__all__ = ["body_in_sentence", "spelled_out"]

_SPELLED = {"UBND": "ỦY BAN NHÂN DÂN", "HĐND": "HỘI ĐỒNG NHÂN DÂN", "TP.": "THÀNH PHỐ"}


def spelled_out(text: str) -> str:
    """An agency name in capitals with its abbreviations written in full ("UBND PHƯỜNG X" →
    "ỦY BAN NHÂN DÂN PHƯỜNG X"); line breaks are kept."""
    lines = []
    for line in upper_vn(text).replace("\r\n", "\n").split("\n"):
        words = [_SPELLED.get(w, w) for w in re.split(r"[ \t]+", line.strip()) if w]
        lines.append(" ".join(words))
    return "\n".join(line for line in lines if line)


_ABBREVIATIONS = {"UBND", "HĐND", "MTTQ", "HĐSK", "KH&CN", "GD&ĐT", "TP", "TP.", "TW", "BCH", "QS", "CA"}
_LEVELS = (
    ("THÀNH", "PHỐ"),
    ("THỊ", "XÃ"),
    ("THỊ", "TRẤN"),
    ("ĐẶC", "KHU"),
    ("PHƯỜNG",),
    ("XÃ",),
    ("TỈNH",),
    ("HUYỆN",),
    ("QUẬN",),
)


def body_in_sentence(text: str) -> str:
    """An agency name printed in capitals, as written inside a sentence:
    "UBND PHƯỜNG TAM ĐIỆP" → "UBND phường Tam Điệp", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" →
    "Ủy ban nhân dân thành phố Hà Nội". Abbreviations stay in capitals; words after the administrative
    level word are a place name (each word capitalised); the other words are lower case."""
    words = one_line(text).split(" ")
    if not words or words == [""]:
        return ""
    out: list[str] = []
    place = False
    i = 0
    while i < len(words):
        word = words[i]
        level = next((lv for lv in _LEVELS if [w.upper() for w in words[i : i + len(lv)]] == list(lv)), None)
        if level is not None and not place:
            out.extend(w.lower() for w in words[i : i + len(level)])
            i += len(level)
            place = True
            continue
        if word.upper() in _ABBREVIATIONS:
            out.append(word.upper())
        elif place:
            out.append(word[:1].upper() + word[1:].lower())
        else:
            out.append(word.lower())
        i += 1
    first = out[0]
    if first and first not in _ABBREVIATIONS:
        out[0] = first[:1].upper() + first[1:]
    return nfc(" ".join(out))
