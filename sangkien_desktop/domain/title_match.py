"""Titles that name the same initiative: "Số hóa hồ sơ một cửa (bổ sung)" and "Số hóa hồ sơ một cửa."
differ only by a suffix in brackets and punctuation. Reconciliation pairs such a dossier with such a
registration as a probable match for the secretary to confirm (never silently).
"""

from __future__ import annotations

import re

from .text import fold_key

__all__ = ["core_title", "same_core_title"]

_TRAILING_GROUP = re.compile(r"\s*[\(\[][^()\[\]]*[\)\]]\s*[.;:,!?…]*\s*$")


def core_title(title: str | None) -> str:
    """The title without trailing bracketed remarks ("(bổ sung)", "[sửa đổi]", "(lần 2)"), without
    punctuation, accents and case: the part that names the initiative."""
    text = (title or "").strip()
    while True:
        shorter = _TRAILING_GROUP.sub("", text)
        if shorter == text or not shorter.strip():
            break
        text = shorter
    return fold_key(text)


def same_core_title(a: str | None, b: str | None) -> bool:
    """True when two titles differ only by a trailing remark in brackets, punctuation, accents or case."""
    core = core_title(a)
    return bool(core) and core == core_title(b)
