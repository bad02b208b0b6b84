"""Document numbers as printed (NĐ 30: "Số: 01/QĐ-UBND"): one spelling for every output.

A number is stored on its round exactly as it is printed ("01/BB-HĐSK"), so the PDF, the Word file, the
Sở workbook and the archive all say the same thing. :func:`spell` turns what a secretary types ("1",
"01", "1/qđ-ubnd", "01/QĐ-UBND") into that form; :func:`number_of` reads the number back for the yearly
series (a number is never reused in its series).
"""

from __future__ import annotations

import re

from .errors import ValidationError
from .text import nfc, one_line, upper_vn

__all__ = ["MAX_NUMBER", "number_of", "spell", "suffix_of"]

MAX_NUMBER = 99_999
_SUFFIX = re.compile(r"^[0-9A-Za-zÀ-ỹĐđ]+(?:[-.&][0-9A-Za-zÀ-ỹĐđ]+)*$")


def _split(text: str) -> tuple[str, str]:
    number, sep, suffix = text.partition("/")
    return number.strip(), suffix.strip() if sep else ""


def spell(raw: str | int | None, suffix: str, *, where: str = "Số văn bản") -> str:
    """The number as printed: "1" → "01/QĐ-UBND" (``suffix`` when none is typed), "15/QĐ-HĐSK" kept,
    "" → "". Numbers below 10 take a leading 0 (NĐ 30). Raises ``ValidationError`` naming ``where``
    for text that is not a number ("Số: abc")."""
    text = one_line(nfc("" if raw is None else str(raw)))
    text = text.removeprefix("Số:").removeprefix("số:").strip()
    if not text:
        return ""
    number, own = _split(text)
    if not number.isdigit() or not 0 < int(number) <= MAX_NUMBER:
        raise ValidationError(
            f"{where}: «{raw}» không phải là số văn bản (viết số, ví dụ 1 hoặc 01/{suffix or 'QĐ-UBND'})."
        )
    default = nfc(suffix).strip().lstrip("/")
    if not own or upper_vn(own) == upper_vn(default):
        own = default  # "1/qđ-ubnd" is written as the settings spell the ký hiệu

    if own and not _SUFFIX.match(own):
        raise ValidationError(
            f'{where}: ký hiệu «{own}» chỉ gồm chữ và số nối bằng dấu "-" (ví dụ {suffix or "QĐ-UBND"}).'
        )
    n = f"{int(number):02d}"
    return f"{n}/{own}" if own else n


def number_of(spelled: str) -> int | None:
    """The number of a spelled reference ("07/QĐ-UBND" → 7); None when there is none."""
    number, _ = _split(nfc(spelled or "").strip())
    return int(number) if number.isdigit() else None


def suffix_of(spelled: str) -> str:
    """The ký hiệu of a spelled reference ("07/QĐ-UBND" → "QĐ-UBND")."""
    return _split(nfc(spelled or "").strip())[1]
