"""Vietnamese text typed in the legacy 8-bit encodings TCVN3 (ABC, fonts .VnTime…) and VNI-Windows (fonts
VNI-Times…), and how to tell it from Unicode.

Files made with those fonts hold Windows-1252 characters: "Mét sè biÖn ph¸p" is TCVN3 for "Một số biện
pháp", "Moät soá bieän phaùp" is VNI for the same. Both tables are complete and written here, in both
directions (a property test round-trips every Vietnamese letter). TCVN3 (TCVN 5712:1993, VN3) has codes for
the lower-case letters and seven capitals (Ă Â Ê Ô Ơ Ư Đ); other capitals are typed as lower-case codes in a
capitals font (.VnTimeH, .VnArialH …), so ``from_tcvn3(text, capitals=True)`` upper-cases.

``decide`` reads one cell: by the font named in the file when there is one, else by the text itself (which
reading gives only Vietnamese letters and valid Vietnamese syllables). A cell both readings fit ("Mét" is a
word in Unicode and "Một" in TCVN3) is ``AMBIGUOUS``; the importer decides it from the cells around it or
refuses it naming the cell. Pure functions, standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UNICODE = "unicode"
TCVN3 = "tcvn3"
VNI = "vni"
AMBIGUOUS = "ambiguous"  # more than one reading is clean: the context decides
UNDECIDED = "undecided"  # no reading is clean: cannot be stored

LABELS = {TCVN3: "TCVN3", VNI: "VNI"}

# ---------------------------------------------------------------------------------------------------------------
# Windows-1252: the characters a legacy-font file holds, and the byte each one stands for.
_CP1252_HIGH = bytes(range(0x80, 0x100)).decode("cp1252", errors="replace")
CHAR_TO_BYTE: dict[str, int] = {ch: 0x80 + i for i, ch in enumerate(_CP1252_HIGH) if ch != "\ufffd"}
for _b in range(0x80, 0xA0):  # bytes cp1252 leaves undefined come through as C1 controls
    CHAR_TO_BYTE.setdefault(chr(_b), _b)
BYTE_TO_CHAR: dict[int, str] = {b: ch for ch, b in CHAR_TO_BYTE.items() if ch == chr(b) or ord(ch) > 0xFF}
for _ch, _b in CHAR_TO_BYTE.items():
    BYTE_TO_CHAR.setdefault(_b, _ch)

# ---------------------------------------------------------------------------------------------------------------
# TCVN3 (ABC, VN3): byte → Unicode letter.
TCVN3_TABLE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
_TCVN3_DECODE: dict[str, str] = {BYTE_TO_CHAR[b]: letter for b, letter in TCVN3_TABLE.items()}
_TCVN3_ENCODE: dict[str, str] = {letter: BYTE_TO_CHAR[b] for b, letter in TCVN3_TABLE.items()}

# ---------------------------------------------------------------------------------------------------------------
# VNI-Windows: a base letter followed by a mark character ("aù" = á), or one character (ô = ơ, ñ = đ).
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
_VNI_TONE_MARKS = ("", "ù", "ø", "û", "õ", "ï")  # the same order
_VNI_HAT_MARKS = ("â", "á", "à", "å", "ã", "ä")  # â ấ ầ ẩ ẫ ậ (also ê ô)
_VNI_BREVE_MARKS = ("ê", "é", "è", "ú", "ü", "ë")  # ă ắ ằ ẳ ẵ ặ


def _vni_pairs() -> dict[str, str]:
    """Unicode letter (lower and upper) → VNI text."""
    table: dict[str, str] = {}

    def add(
        unicode_base: str, vni_base: str, marks: tuple[str, ...], tones: tuple[str, ...] = _TONES
    ) -> None:
        for tone, mark in zip(tones, marks, strict=True):
            lower = unicodedata.normalize("NFC", unicode_base + tone)
            table[lower] = vni_base + mark
            table[lower.upper()] = vni_base.upper() + mark.upper()

    for vowel in "aeouy":
        add(vowel, vowel, _VNI_TONE_MARKS)
    add("â", "a", _VNI_HAT_MARKS)
    add("ê", "e", _VNI_HAT_MARKS)
    add("ô", "o", _VNI_HAT_MARKS)
    add("ă", "a", _VNI_BREVE_MARKS)
    add("ơ", "ô", _VNI_TONE_MARKS)  # ơ is the single character ô, then the tone mark
    add("ư", "ö", _VNI_TONE_MARKS)
    # i and ỵ are single characters
    for letter, code in zip(("i", "í", "ì", "ỉ", "ĩ", "ị"), ("i", "í", "ì", "æ", "ó", "ò"), strict=True):
        table[letter] = code
        table[letter.upper()] = code.upper()
    table["ỵ"], table["Ỵ"] = "î", "Î"
    table["đ"], table["Đ"] = "ñ", "Ñ"
    return {k: v for k, v in table.items() if k != v}


_VNI_ENCODE: dict[str, str] = _vni_pairs()
_VNI_DECODE: dict[str, str] = {v: k for k, v in _VNI_ENCODE.items()}
_VNI_PATTERN = re.compile("|".join(sorted((re.escape(k) for k in _VNI_DECODE), key=len, reverse=True)))

# ---------------------------------------------------------------------------------------------------------------
# The Vietnamese alphabet.
_BASES = "aăâeêioôơuưy"
LOWER_VOWELS = tuple(unicodedata.normalize("NFC", b + t) for b in _BASES for t in _TONES)
VIETNAMESE_LOWER = "".join(LOWER_VOWELS) + "bcdđghklmnpqrstvx" + "fjwz"
VIETNAMESE_LETTERS = VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper()
_VIET_ONLY = re.compile(
    "["
    + "".join(sorted({ch for ch in VIETNAMESE_LETTERS if ord(ch) > 0xFF and ch not in CHAR_TO_BYTE}))
    + "]"
)


def to_tcvn3(text: str, capitals: bool = False) -> str:
    """Unicode → the characters a TCVN3 font shows as ``text``. ``capitals``: for a capitals font
    (.VnTimeH), where every letter is typed as its lower-case code. A capital with a tone (or any letter TCVN3
    has no code for) raises ValueError unless ``capitals``."""
    source = unicodedata.normalize("NFC", text)
    if capitals:
        source = source.lower()
    out = []
    for ch in source:
        if ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        elif ord(ch) < 0x80:
            out.append(ch)
        else:
            raise ValueError(
                f"TCVN3 has no code for {ch!r}" + ("" if capitals else " outside a capitals font")
            )
    return "".join(out)


def from_tcvn3(text: str, capitals: bool = False) -> str:
    """TCVN3 text (as Windows-1252 characters) → Unicode NFC; ``capitals`` for a capitals font."""
    decoded = "".join(_TCVN3_DECODE.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFC", decoded.upper() if capitals else decoded)


def to_vni(text: str) -> str:
    """Unicode → VNI-Windows text (as Windows-1252 characters)."""
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def from_vni(text: str) -> str:
    """VNI-Windows text → Unicode NFC."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group(0)], text))


def font_encoding(font: str | None) -> tuple[str | None, bool]:
    """(TCVN3/VNI/None, capitals font?) from a font name: ".VnTime", ".VnTimeH", "VnArial" (TCVN3);
    "VNI-Times", "VNI-Helve" (VNI)."""
    name = (font or "").strip()
    low = name.lower()
    if low.startswith((".vn", "vn")) and not low.startswith("vni"):
        return TCVN3, name.endswith("H") or low.endswith(("h bold", "h italic"))
    if low.startswith(("vni-", "vni ", "vni_")):
        return VNI, False
    return None, False


# ---------------------------------------------------------------------------------------------------------------
# Is a reading Vietnamese? Valid syllables: an initial consonant and a rhyme from the language's list.
_INITIALS = "ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx]"
_RHYMES_TEXT = (
    "a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây "
    "e ec em en eng eo ep et ê êch êm ên ênh êp êt êu "
    "i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu "
    "o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet oi oc om on ong "
    "ooc oong op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt "
    "u ua uân uâng uât uây uc uê uêch uênh ui um un ung uôc uôi uôm uôn uông uôt up ut uy uya uych uyên uyêt "
    "uynh uyt uyu uơ ư ưa ưc ưi ưm ưn ưng ươc ươi ươm ươn ương ươp ươt ươu ưt ưu y yêm yên yêng yêt yêu"
)
_RHYMES = _RHYMES_TEXT.split(" ")
_SYLLABLE = re.compile(f"^(?:{_INITIALS})?(?:{'|'.join(sorted(_RHYMES, key=len, reverse=True))})$")
_TONE_OF = {unicodedata.normalize("NFC", b + t): (b, t) for b in _BASES for t in _TONES}
_WORD = re.compile(r"[^\W\d_]+")
_ALLOWED_SYMBOLS = frozenset("“”‘’–—…•°€№")
_LETTER_SET = frozenset(VIETNAMESE_LETTERS)


def is_syllable(word: str) -> bool:
    """A Vietnamese syllable (any case), at most one tone mark."""
    base = []
    tones = 0
    for ch in word.lower():
        if ch in _TONE_OF:
            b, t = _TONE_OF[ch]
            tones += bool(t)
            base.append(b)
        else:
            base.append(ch)
    return tones <= 1 and _SYLLABLE.match("".join(base)) is not None


def badness(text: str) -> int:
    """How un-Vietnamese a reading is: characters that are no Vietnamese letter or usual symbol, and
    words with Vietnamese letters that are no Vietnamese syllable. 0 = reads as plain Vietnamese."""
    bad = 0
    for ch in text:
        if ord(ch) >= 0x80 and ch not in _LETTER_SET and ch not in _ALLOWED_SYMBOLS and not ch.isspace():
            bad += 1
    for word in _WORD.findall(text):
        if not word.isascii() and all(ch in _LETTER_SET for ch in word) and not is_syllable(word):
            bad += 1
    return bad


# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reading:
    """What one cell reads as: its encoding (or AMBIGUOUS/UNDECIDED) and the Unicode text."""

    encoding: str
    text: str
    candidates: tuple[str, ...] = ()  # the encodings that read cleanly (AMBIGUOUS)


def _legacy_readings(text: str, capitals: bool) -> dict[str, str]:
    readings: dict[str, str] = {}
    if all(ord(ch) < 0x100 or ch in CHAR_TO_BYTE for ch in text):
        readings[TCVN3] = from_tcvn3(text, capitals)
        readings[VNI] = from_vni(text)
    return readings


def needs_checking(text: str) -> bool:
    """False for text that can only be Unicode (or plain ASCII): the fast path for most cells."""
    return not text.isascii() and _VIET_ONLY.search(text) is None


def decide(text: str, font: str | None = None) -> Reading:
    """How to read one cell's text. ``font`` is the cell's font name as the file gives it."""
    text = unicodedata.normalize("NFC", text)
    if not needs_checking(text):
        return Reading(UNICODE, text)
    hinted, capitals = font_encoding(font)
    readings = _legacy_readings(text, capitals)
    if not readings:
        return Reading(UNICODE, text)
    scores = {UNICODE: badness(text)} | {enc: badness(t) for enc, t in readings.items()}
    readings[UNICODE] = text
    if hinted is not None:
        if scores[hinted] == 0:
            return Reading(hinted, readings[hinted])
        if scores[UNICODE] == 0:
            return Reading(UNICODE, text)  # a font left over after the text was converted
    clean = [
        enc for enc in (UNICODE, TCVN3, VNI) if scores[enc] == 0 and (enc == UNICODE or readings[enc] != text)
    ]
    if len(clean) == 1:
        return Reading(clean[0], readings[clean[0]])
    if len(clean) > 1:
        return Reading(AMBIGUOUS, text, tuple(clean))
    best = min(scores.values())
    winners = [enc for enc, s in scores.items() if s == best]
    if UNICODE in winners:
        return Reading(UNICODE, text)  # no legacy reading is better: not legacy text (a foreign name …)
    if len(winners) == 1:
        return Reading(winners[0], readings[winners[0]])
    return Reading(UNDECIDED, text, tuple(winners))


def looks_legacy(text: str) -> bool:
    """True when ``text`` reads better as TCVN3 or VNI than as Unicode: it must not be stored as is."""
    return decide(text).encoding in (TCVN3, VNI)


def convert(text: str, encoding: str, font: str | None = None) -> str:
    """``text`` read in ``encoding`` (UNICODE leaves it as is)."""
    if encoding == TCVN3:
        return from_tcvn3(text, font_encoding(font)[1])
    if encoding == VNI:
        return from_vni(text)
    return unicodedata.normalize("NFC", text)
