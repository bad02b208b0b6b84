"""Measure text once: glyph widths cached by font, text wrapped into lines for a width.

The table engine (:mod:`.table`) wraps every cell here, once, and draws the lines it gets back. A word's
width is looked up in a per-font cache (a 5,000-row table repeats the same Vietnamese syllables tens of
thousands of times), and a line's end is found by bisecting the running sum of the words' widths, so
wrapping a cell costs a few C-level passes over its words rather than Python work per word.

Text is NFC; "\\n" is a line break; runs of spaces are kept (the blanks of forms to be filled by hand); a
word wider than the line is broken between letters (what reportlab's Paragraph does too).

Lines are plain tuples (they are made by the hundred thousand): a :data:`Line` is ``(width, fragments)``
and a :data:`Fragment` is ``(text, font, width, underline)``, widths in points.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal
from itertools import accumulate

from reportlab.pdfbase import pdfmetrics

from sangkien_desktop.domain.text import nfc

from .fonts import font_name, register_fonts
from .styles import Run

__all__ = [
    "Content",
    "Fragment",
    "Line",
    "cell_runs",
    "clean_text",
    "plain_text",
    "word_width",
    "wrap_runs",
    "wrap_text",
]

Fragment = tuple[str, str, float, bool]  # text, font, width, underline
Line = tuple[float, tuple[Fragment, ...]]  # width, fragments left to right
Content = str | int | Decimal | Run | Sequence[str | Run] | None

_MAX_CACHED = 300_000  # words per font; the cache starts again past it (a bound, never reached in practice)
_widths: dict[str, dict[str, float]] = {}


def _cache(font: str) -> dict[str, float]:
    cache = _widths.get(font)
    if cache is None or len(cache) > _MAX_CACHED:
        register_fonts()
        cache = _widths[font] = {}
    return cache


def word_width(word: str, font: str, size: float) -> float:
    """Width in points of ``word`` in ``font`` at ``size`` (cached per font at 1 pt)."""
    cache = _cache(font)
    w = cache.get(word)
    if w is None:
        w = cache[word] = pdfmetrics.stringWidth(word, font, 1.0)
    return w * size


def cell_runs(value: Content, *, bold: bool = False) -> list[Run]:
    """The runs of a cell's content: text (NFC, "\\r\\n" → "\\n", tabs → spaces) with its emphasis.
    ``bold`` makes every run bold (header cells, totals)."""
    if value is None:
        return []
    if type(value) is str:  # the common case, kept short
        text = clean_text(value)
        return [Run(text, bold=bold)] if text else []
    items = [value] if isinstance(value, str | int | Decimal | Run) else list(value)
    out: list[Run] = []
    for item in items:
        run = item if isinstance(item, Run) else Run(str(item))
        text = clean_text(run.text)
        if text:
            out.append(Run(text, bold=run.bold or bold, italic=run.italic, underline=run.underline))
    return out


def clean_text(text: str) -> str:
    """NFC, "\r\n" and "\r" → "\n", tabs and no-break spaces → spaces."""
    text = nfc(text)
    if "\r" in text or "\t" in text or "\xa0" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\xa0", " ")
    return text


def plain_text(value: Content) -> str:
    """The text of a cell without its emphasis."""
    return "".join(r.text for r in cell_runs(value))


def _break_word(word: str, font: str, limit: float) -> list[str]:
    """Cut a word wider than ``limit`` (in 1-pt units) into pieces that fit (at least one letter each)."""
    pieces: list[str] = []
    start, used = 0, 0.0
    for i, ch in enumerate(word):
        w = word_width(ch, font, 1.0)
        if i > start and used + w > limit:
            pieces.append(word[start:i])
            start, used = i, 0.0
        used += w
    pieces.append(word[start:])
    return pieces


def _widths_of(words: list[str], font: str, cache: dict[str, float]) -> list[float]:
    widths = list(map(cache.get, words))
    if None in widths:
        for i, w in enumerate(widths):
            if w is None:
                widths[i] = cache[words[i]] = pdfmetrics.stringWidth(words[i], font, 1.0)
    return widths  # type: ignore[return-value]


def _split_long_words(words: list[str], widths: list[float], font: str, limit: float) -> None:
    """Replace, in place, each word wider than the line by the pieces that fit."""
    i = 0
    while i < len(words):
        if widths[i] > limit and len(words[i]) > 1:
            pieces = _break_word(words[i], font, limit)
            words[i : i + 1] = pieces
            widths[i : i + 1] = [word_width(p, font, 1.0) for p in pieces]
            i += len(pieces)
        else:
            i += 1


def wrap_text(text: str, font: str, size: float, width: float, *, underline: bool = False) -> list[Line]:
    """Lines of plain ``text`` in one font, each at most ``width`` points wide (a letter wider than the
    width still gets a line of its own)."""
    cache = _cache(font)
    limit = width / size  # widths are cached at 1 pt
    space = word_width(" ", font, 1.0)
    lines: list[Line] = []
    for hard in text.split("\n"):
        words = hard.split(" ")
        widths = _widths_of(words, font, cache)
        if sum(widths) + space * (len(words) - 1) <= limit:  # the usual short cell: one line
            w = (sum(widths) + space * (len(words) - 1)) * size
            lines.append((w, ((hard, font, w, underline),)))
            continue
        if max(widths) > limit:
            _split_long_words(words, widths, font, limit)
        # ends[k]: where word k ends, counting one space after every word before it
        ends = list(accumulate(w + space for w in widths))
        i, n, before = 0, len(words), 0.0
        while i < n:
            j = max(bisect_right(ends, before + limit + space, i), i + 1)  # words i … j-1
            w = (ends[j - 1] - before - space) * size
            lines.append((w, ((" ".join(words[i:j]), font, w, underline),)))
            before, i = ends[j - 1], j
    return lines


def _run_font(run: Run) -> str:
    return font_name(bold=run.bold, italic=run.italic)


def wrap_runs(runs: Sequence[Run], size: float, width: float) -> list[Line]:
    """Lines of text made of emphasised runs (``Run("Điều 1.", bold=True)`` then plain text), each at most
    ``width`` points wide. Leading and trailing blanks of the whole text are dropped."""
    if len(runs) == 1:
        r = runs[0]
        text = r.text.strip()
        return wrap_text(text, _run_font(r), size, width, underline=r.underline) if text else []
    key = (tuple(runs), size, width)
    lines = _wrapped.get(key)
    if lines is None:
        stripped = _strip(runs)
        lines = _wrap_mixed(stripped, size, width) if stripped else []
        if len(_wrapped) > _MAX_WRAPPED:
            _wrapped.clear()
        _wrapped[key] = lines
    return list(lines)


_MAX_WRAPPED = 20_000
_wrapped: dict[tuple[tuple[Run, ...], float, float], list[Line]] = {}
"""Mixed-emphasis cells already wrapped: the same cell comes back in every member's score sheet."""


def _strip(runs: Sequence[Run]) -> list[Run]:
    out = [r for r in runs if r.text]
    while out and not out[0].text.strip():
        out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    if out:
        out[0] = _with(out[0], out[0].text.lstrip())
        out[-1] = _with(out[-1], out[-1].text.rstrip())
    return out


def _with(run: Run, text: str) -> Run:
    return Run(text, bold=run.bold, italic=run.italic, underline=run.underline)


# A word of mixed emphasis is a list of (text, font, underline) pieces.
_Piece = tuple[str, str, bool]


def _hard_lines(runs: Sequence[Run]) -> list[list[list[_Piece]]]:
    """Hard lines → words → pieces. A word continues across runs when no space separates them."""
    lines: list[list[list[_Piece]]] = [[[]]]
    for run in runs:
        font = _run_font(run)
        for li, segment in enumerate(run.text.split("\n")):
            if li:
                lines.append([[]])
            for wi, part in enumerate(segment.split(" ")):
                if wi:
                    lines[-1].append([])
                if part:
                    lines[-1][-1].append((part, font, run.underline))
    return lines


def _wrap_mixed(runs: Sequence[Run], size: float, width: float) -> list[Line]:
    """The general case (a few cells: bold labels, totals): a word at a time."""
    out: list[Line] = []
    spaces: dict[str, float] = {}  # the width of a space in each font
    regular = font_name()
    for words in _hard_lines(runs):
        style = words[0][0][1:] if words and words[0] else None
        if style is not None and all(len(word) == 1 and word[0][1:] == style for word in words):
            out += _wrap_one_style([word[0][0] for word in words], style[0], style[1], size, width)
            continue
        line: list[list[_Piece]] = []
        used = 0.0
        for word in words:
            if len(word) == 1:  # one piece: the usual word
                w = word_width(word[0][0], word[0][1], size)
            else:
                w = sum(word_width(t, f, size) for t, f, _u in word)
            font = word[0][1] if word else regular
            space = spaces.get(font)
            if space is None:
                space = spaces[font] = word_width(" ", font, size)
            if line and used + space + w <= width:
                line.append(word)
                used += space + w
                continue
            if line:
                out.append(_mixed_line(line, size))
            if w > width and len(word) == 1 and len(word[0][0]) > 1:
                text, font, ul = word[0]
                *full, last = _break_word(text, font, width / size)
                out += [_mixed_line([[(piece, font, ul)]], size) for piece in full]
                word = [(last, font, ul)]
                w = word_width(last, font, size)
            line, used = [word], w
        out.append(_mixed_line(line, size))
    return out


def _wrap_one_style(words: list[str], font: str, underline: bool, size: float, width: float) -> list[Line]:
    """A hard line of one style (no empty word) wrapped as :func:`_wrap_mixed` does, with the same sums
    (so the same breaks and widths), without its pieces."""
    cache = _cache(font)
    space = word_width(" ", font, size)
    out: list[Line] = []
    line: list[str] = []
    used = 0.0
    for word in words:
        w = cache.get(word)
        if w is None:
            w = cache[word] = pdfmetrics.stringWidth(word, font, 1.0)
        w *= size
        if line and used + space + w <= width:
            line.append(word)
            used += space + w
            continue
        if line:
            out.append(_one_style_line(" ".join(line), font, underline, size))
        if w > width and len(word) > 1:
            *full, word = _break_word(word, font, width / size)
            out += [_one_style_line(piece, font, underline, size) for piece in full]
            w = word_width(word, font, size)
        line, used = [word], w
    out.append(_one_style_line(" ".join(line), font, underline, size))
    return out


def _one_style_line(text: str, font: str, underline: bool, size: float) -> Line:
    w = word_width(text, font, size)
    return (w, ((text, font, w, underline),))


def _mixed_line(words: list[list[_Piece]], size: float) -> Line:
    """Join words with single spaces (in the font of the text before them) and merge equal fonts."""
    style = words[0][0][1:] if words and words[0] else None
    if style is not None and all(word and all(p[1:] == style for p in word) for word in words):
        text = " ".join("".join(p[0] for p in word) for word in words)  # the usual line: one style
        w = word_width(text, style[0], size)
        return (w, ((text, style[0], w, style[1]),))
    merged: list[_Piece] = []
    for i, word in enumerate(words):
        pieces = list(word)
        if i:
            _t, font, ul = merged[-1] if merged else ("", font_name(), False)
            pieces.insert(0, (" ", font, ul))
        for text, font, ul in pieces:
            if merged and merged[-1][1:] == (font, ul):
                merged[-1] = (merged[-1][0] + text, font, ul)
            else:
                merged.append((text, font, ul))
    frags = tuple((t, f, word_width(t, f, size), u) for t, f, u in merged if t)
    return (sum(f[2] for f in frags), frags)
