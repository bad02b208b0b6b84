"""Vietnamese text helpers: normalisation, accent folding for search and matching, and sort keys.

``fold`` is the one place that turns text into its accent-free, lower-case form. FTS5's
``remove_diacritics 2`` does not fold đ/Đ (it is a letter, not d + a mark), so we fold it here and index
and query the folded text only.
"""

from __future__ import annotations

import re
import unicodedata

_INLINE_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Vietnamese alphabet order for sorting (base letters; tones sort after the base letter).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}  # huyền hỏi ngã sắc nặng


# Characters nobody types on purpose and that break files or hide text: C0 controls except tab and line
# feed (carriage returns become line feeds), DEL and the C1 controls, bidi embeddings/overrides/isolates and
# marks, zero-width characters, the soft hyphen, byte-order marks, lone surrogates and the two non-characters
# XML forbids. They are removed at every entry (``strip_unsafe``), so no form, .docx or .xlsx meets them.
_UNSAFE_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")


def strip_unsafe(text: str) -> str:
    """``text`` without control, bidi-override and zero-width characters (tab and line feed kept; a carriage
    return, alone or before a line feed, becomes one line feed). Pure and cheap when there is nothing to do."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub("", text)


def has_unsafe(text: str) -> bool:
    return "\r" in text or _UNSAFE.search(text) is not None


def nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC (precomposed), or "" for None. Store and render only NFC."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text))


def _inline_spaces(line: str) -> str:
    """Runs of blanks collapsed to one space. Most lines have none but single spaces: they are tested with
    plain substring searches (the regular expression scans Vietnamese text ~20 times slower)."""
    if "  " in line or "\t" in line or "\u00a0" in line or "\u2007" in line or "\u202f" in line:
        return _INLINE_SPACES.sub(" ", line)
    return line


def clean(text: str | None) -> str:
    """NFC without unsafe characters, trimmed, runs of blanks on each line collapsed to one space; line
    breaks kept."""
    text = strip_unsafe(nfc(text))
    if "\n" not in text:
        return _inline_spaces(text).strip()
    return "\n".join([_inline_spaces(line).strip() for line in text.split("\n")]).strip()


def one_line(text: str | None) -> str:
    """NFC without unsafe characters, every run of whitespace (line breaks included) collapsed to one space."""
    return " ".join(strip_unsafe(nfc(text)).split())  # str.split's whitespace is the regex's \s


def _strip_marks_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).replace("đ", "d").replace("Đ", "D")


# After NFD, Vietnamese text is ASCII plus combining diacritics; anything else takes the full path.
_NOT_ASCII_OR_MARK = re.compile(
    "[^\x00-\x7f" + "".join(chr(c) for c in range(0x0300, 0x0370) if unicodedata.combining(chr(c))) + "]"
)
# bytes.translate table for folded ASCII: letters and digits kept, everything else a space.
_WORD_BYTES = bytes(b if 48 <= b <= 57 or 97 <= b <= 122 else 32 for b in range(256))


def strip_marks(text: str) -> str:
    """Remove every combining mark and map đ/Đ to d/D; case is kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    if _NOT_ASCII_OR_MARK.search(decomposed) is None:  # the fast path: drop the marks in C
        return decomposed.encode("ascii", "ignore").decode("ascii")
    return _strip_marks_slow(text)


def fold(text: str | None) -> str:
    """Accent- and case-insensitive form: "Đổi  mới\\nsáng tạo" → "doi moi sang tao"."""
    return " ".join(strip_marks(nfc(text)).casefold().split())


def fold_words(text: str | None) -> list[str]:
    """Folded text split into words of letters and digits (punctuation dropped)."""
    folded = fold(text)
    if folded.isascii():
        return folded.encode("ascii").translate(_WORD_BYTES).decode("ascii").split()
    return [w for w in _NON_WORD.split(folded) if w]


def fold_key(text: str | None) -> str:
    """Folded words joined by single spaces: a key for matching titles and names loosely."""
    return " ".join(fold_words(text))


def upper_vn(text: str | None) -> str:
    """Upper case that keeps NFC (Python's upper is correct for Vietnamese; this keeps it normalised)."""
    return nfc(nfc(text).upper())


def _letter_key(ch: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", ch.lower())
    base = decomposed[0]
    marks = decomposed[1:]
    tone = 1
    shape = ""
    for m in marks:
        if m in _TONES:
            tone = _TONES[m]
        else:
            shape += m
    letter = unicodedata.normalize("NFC", base + shape)
    if letter in _ORDER:
        return (_ORDER[letter] + 1, tone)
    if letter.isdigit():
        return (0, ord(letter))
    return (100 + ord(letter), tone)


def sort_key(text: str | None) -> tuple[tuple[int, int], ...]:
    """Sort key following the Vietnamese alphabet (a ă â b c d đ e ê …), tones after the base letter."""
    return tuple(_letter_key(ch) for ch in one_line(text) if not ch.isspace())


def name_sort_key(full_name: str | None) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Sort Vietnamese personal names the way lists are sorted in offices: by given name, then the rest."""
    words = one_line(full_name).split(" ")
    return (sort_key(words[-1]), sort_key(" ".join(words[:-1])))


def split_names(text: str | None) -> list[str]:
    """Split an author cell ("Nguyễn Văn A, Trần Thị B; Lê C\\nPhạm D") into names.

    Separators: comma, semicolon, line break, " và ", " - " at the start of a line (bullets), "+".
    Titles in brackets are kept with the name they follow.
    """
    raw = nfc(text)
    raw = re.sub(r"(?im)^\s*[-–•+*]\s*", "\n", raw)
    raw = re.sub(r"\s+(và|va)\s+", "\n", raw, flags=re.IGNORECASE)
    parts = re.split(r"[,;\n]+", raw)
    names = []
    for part in parts:
        p = re.sub(r"^\s*\d+[.)]\s*", "", part)  # "1. Nguyễn Văn A"
        p = one_line(p).strip(" .")
        if p:
            names.append(p)
    return names
