"""Matching unit names as units write them: "UBND xã Vạn Phúc", "Xã Vạn Phúc", "THCS Bắc Sơn",
"Trường Trung học cơ sở Bắc Sơn" … and guessing a unit's type from its name.

``canonical_key`` folds a name (accents, case, punctuation), expands the usual abbreviations and drops
words that do not tell units apart ("Trường", "UBND" before xã/phường). Two names with the same canonical key
are very likely the same unit; the units catalog uses it as a last resort when neither the name, an alias
nor the short name matches, and only when exactly one unit has that key.
"""

from __future__ import annotations

from .text import fold_words

# Abbreviations found in units' tables, as folded words → folded expansion.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "thcs": "trung hoc co so",
    "thpt": "trung hoc pho thong",
    "th": "tieu hoc",
    "mn": "mam non",
    "mg": "mau giao",
    "tdp": "to dan pho",
    "tt": "trung tam",
    "mttq": "mat tran to quoc",
    "lhpn": "lien hiep phu nu",
    "ccb": "cuu chien binh",
    "tncs": "thanh nien cong san",
    "hcm": "ho chi minh",
    "bch": "ban chi huy",
    "qs": "quan su",
    "vp": "van phong",
    "htx": "hop tac xa",
    "ptdtbt": "pho thong dan toc ban tru",
    "tx": "thi xa",
    "tp": "thanh pho",
}

_LOCALITY = ("xa", "phuong", "thi tran", "dac khu")


def expanded_words(name: str | None) -> list[str]:
    words: list[str] = []
    for word in fold_words(name):
        words += ABBREVIATIONS.get(word, word).split(" ")
    return words


def canonical_key(name: str | None) -> str:
    """A loose key: "UBND xã Vạn Phúc" and "Xã Vạn Phúc" → "xa van phuc"; "Trường THCS Bắc Sơn" and
    "Trung học cơ sở Bắc Sơn" → "trung hoc co so bac son"."""
    text = " ".join(expanded_words(name))
    if text.startswith("uy ban nhan dan "):
        rest = text[len("uy ban nhan dan ") :]
        if rest.startswith(_LOCALITY):
            text = rest
    if text.startswith("truong "):
        text = text[len("truong ") :]
    return text


# (unit type code, canonical-key prefixes) in the order they are tried.
_TYPE_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mam_non", ("mam non", "mau giao", "nha tre")),
    ("tieu_hoc", ("tieu hoc",)),
    ("thcs", ("trung hoc co so", "pho thong dan toc ban tru")),
    ("xa_phuong", ("xa ", "phuong ", "thi tran ", "dac khu ", "to dan pho", "thon ", "khu pho")),
    ("phong_ban", ("phong ", "van phong", "ban chi huy", "cong an", "thanh tra", "trung tam phuc vu")),
    ("su_nghiep", ("tram y te", "trung tam", "ban quan ly")),
    (
        "doan_the",
        (
            "hoi ",
            "doan thanh nien",
            "uy ban mat tran",
            "mat tran to quoc",
            "cong doan",
            "hoi lien hiep phu nu",
        ),
    ),
)


def guess_type_code(name: str | None) -> str | None:
    """The default unit type whose name pattern matches (None when nothing fits)."""
    key = canonical_key(name) + " "
    for code, prefixes in _TYPE_PREFIXES:
        if key.startswith(prefixes):
            return code
    return None
