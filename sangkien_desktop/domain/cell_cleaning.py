"""Characters a cell must not keep: zero-width characters, bidi controls, and control characters other than
tab and line break. They come with text pasted from web forms and chat programs; invisible, they make two
equal names differ and break documents."""

from __future__ import annotations

import re

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
SOFT_HYPHEN = "\u00ad"  # also TCVN3's "ư": removed only once the cell's encoding is decided
BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = re.compile(f"[{ZERO_WIDTH}{BIDI}{SOFT_HYPHEN}]")
_INVISIBLE_KEEP_SOFT = re.compile(f"[{ZERO_WIDTH}{BIDI}]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_invisible(text: str, keep_soft_hyphen: bool = False) -> str:
    """Text without zero-width characters and bidi controls (and soft hyphens, unless kept)."""
    return (_INVISIBLE_KEEP_SOFT if keep_soft_hyphen else _INVISIBLE).sub("", text)


def strip_controls(text: str) -> str:
    """Text without control characters (tab, line feed and carriage return kept)."""
    return _CONTROLS.sub("", text)


def has_hidden_characters(text: str) -> bool:
    return _INVISIBLE.search(text) is not None or _CONTROLS.search(text) is not None
