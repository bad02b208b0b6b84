"""Write many lines of text and rules straight into a page's content stream.

reportlab's text objects encode every character of every line through Python (the TrueType subset
look-up, then escaping) and format each number separately; a 5,000-row table draws some 175,000 lines.
Here a document keeps, per font, the code reportlab gave each character (asked once per new character
through ``splitString``, so subsets and embedding are reportlab's own) as ``str.translate`` tables: a line
is encoded and escaped in one C-level pass per subset it uses. A page's text and rules go into the stream
as two literals.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .measure import Fragment

__all__ = ["PageText", "segment_ops", "stroke_segments"]


def _escaped(code: int) -> str:
    """A byte inside a PDF string literal: printable ASCII as is, "(", ")" and "\\" escaped, others octal."""
    if code in b"()\\":
        return "\\" + chr(code)
    return chr(code) if 32 <= code < 127 else f"\\{code:03o}"


class _FontCodes:
    """The codes of one font's characters in one PDF document, by subset, as translate tables."""

    def __init__(self, font: str) -> None:
        self.face = pdfmetrics.getFont(font)
        self.tables: list[dict[int, str]] = [{}]
        self.subset: dict[str, int] = {}
        self.high = re.compile("(?!)")  # characters of subsets 1…: none yet
        self.seen: dict[str, list[tuple[int, str]]] = {}  # texts already shown (unit names, "Cán bộ")

    def learn(self, text: str, doc: object) -> None:
        new = set(text).difference(self.subset)
        if not new:
            return
        for ch in sorted(new):
            ((subset, data),) = self.face.splitString(ch, doc)
            while len(self.tables) <= subset:
                self.tables.append({})
            self.tables[subset][ord(ch)] = _escaped(data[0])
            self.subset[ch] = subset
        high = "".join(re.escape(ch) for ch, s in self.subset.items() if s)
        self.high = re.compile(f"([{high}]+)") if high else re.compile("(?!)")

    def shown(self, text: str, doc: object) -> list[tuple[int, str]]:
        """(subset, "(escaped string) Tj") runs that show ``text`` in document ``doc``."""
        found = self.seen.get(text)
        if found is None:
            found = [(subset, f"({escaped}) Tj") for subset, escaped in self._runs(text, doc)]
            if len(self.seen) > 50_000:
                self.seen.clear()
            self.seen[text] = found
        return found

    def _runs(self, text: str, doc: object) -> list[tuple[int, str]]:
        self.learn(text, doc)
        if not self.high.search(text):
            return [(0, text.translate(self.tables[0]))]
        out: list[tuple[int, str]] = []
        for n, part in enumerate(self.high.split(text)):
            if not part:
                continue
            if n % 2 == 0:
                out.append((0, part.translate(self.tables[0])))
                continue
            start = 0
            for i in range(1, len(part) + 1):  # a run of characters from subsets 1…, usually one subset
                if i == len(part) or self.subset[part[i]] != self.subset[part[start]]:
                    subset = self.subset[part[start]]
                    out.append((subset, part[start:i].translate(self.tables[subset])))
                    start = i
        return out


_documents: weakref.WeakKeyDictionary[object, dict[str, _FontCodes]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _codes_of(doc: object) -> dict[str, _FontCodes]:
    """The character codes of each font in one PDF document (kept as long as the document lives)."""
    with _lock:
        found = _documents.get(doc)
        if found is None:
            found = _documents[doc] = {}
        return found


class PageTextPart(NamedTuple):
    """Text written once (:meth:`PageText.since`) to be written again (:meth:`PageText.repeat`)."""

    doc: object
    before: tuple[str, int, float] | None  # the font it was written from
    after: tuple[str, int, float] | None  # the font it leaves set
    ops: list[str]
    underlines: list[tuple[float, float, float, float]]


class PageText:
    """The text of one page of a table: :meth:`add` each line, then :meth:`emit` once."""

    def __init__(self, canv: Canvas) -> None:
        self.canv = canv
        self.doc = canv._doc  # reportlab keys a font's subsets by the document
        self.codes = _codes_of(self.doc)
        self.ops: list[str] = []
        self.current: tuple[str, int, float] | None = None
        self.names: dict[tuple[str, int], str] = {}
        self.underlines: list[tuple[float, float, float, float]] = []
        self.fill: tuple[float, float, float] = (0.0, 0.0, 0.0)  # the text colour ("0 g" at the start)

    def _font(self, font: str, subset: int, size: float) -> None:
        if self.current == (font, subset, size):
            return
        name = self.names.get((font, subset))
        if name is None:
            name = self.names[(font, subset)] = pdfmetrics.getFont(font).getSubsetInternalName(
                subset, self.doc
            )
        self.ops.append(f"{name} {size:.2f} Tf")
        self.current = (font, subset, size)

    def add(self, x: float, y: float, fragments: Iterable[Fragment], size: float) -> None:
        """One line whose baseline starts at (x, y)."""
        ops = self.ops
        first = True
        for text, font, width, underline in fragments:
            if text:
                if first:
                    ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
                    first = False
                self._show(text, font, size)
                if underline:
                    self.underlines.append((x, y - size * 0.12, x + width, y - size * 0.12))
            x += width

    def add_runs(
        self, x: float, y: float, runs: Iterable[tuple[str, str, tuple[float, float, float]]], size: float
    ) -> None:
        """One line of coloured runs ``(text, font, (r, g, b))`` whose baseline starts at (x, y); each run
        follows the one before it."""
        ops = self.ops
        first = True
        for text, font, rgb in runs:
            if not text:
                continue
            if first:
                ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
                first = False
            if rgb != self.fill:
                ops.append(f"{rgb[0]:.3f} {rgb[1]:.3f} {rgb[2]:.3f} rg")
                self.fill = rgb
            self._show(text, font, size)

    def _show(self, text: str, font: str, size: float) -> None:
        """``text`` in ``font`` at ``size`` from where the text cursor is, one Tj per font subset."""
        codes = self.codes.get(font)
        if codes is None:
            codes = self.codes[font] = _FontCodes(font)
        ops = self.ops
        for subset, shown in codes.shown(text, self.doc):
            if self.current != (font, subset, size):
                self._font(font, subset, size)
            ops.append(shown)

    def state(self) -> tuple[tuple[str, int, float] | None, int, int]:
        """Where the text is: its font, and how many operators and underlines it has (for :meth:`since`)."""
        return self.current, len(self.ops), len(self.underlines)

    def since(self, state: tuple[tuple[str, int, float] | None, int, int]) -> PageTextPart:
        """What was written since ``state``, to be written again by :meth:`repeat` on another page of the
        same document (the same text at the same place: a table's header)."""
        before, ops, underlines = state
        return PageTextPart(self.doc, before, self.current, self.ops[ops:], self.underlines[underlines:])

    def repeat(self, part: PageTextPart) -> bool:
        """Write ``part`` again (False, writing nothing, when it was not written in this document from
        the font this text is in now)."""
        if part.doc is not self.doc or part.before != self.current:
            return False
        self.ops += part.ops
        self.underlines += part.underlines
        self.current = part.after
        return True

    def emit(self) -> None:
        if self.ops:
            self.canv.addLiteral("q BT 0 g\n" + "\n".join(self.ops) + "\nET Q")
        if self.underlines:
            stroke_segments(self.canv, self.underlines, 0.5)


def segment_ops(segments: Iterable[tuple[float, float, float, float]]) -> list[str]:
    """The path of straight lines (x1, y1, x2, y2), one "m … l" each."""
    return [f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l" for x1, y1, x2, y2 in segments]


def stroke_segments(
    canv: Canvas,
    segments: Iterable[tuple[float, float, float, float]],
    width: float,
    *,
    drawn: Sequence[str] = (),
) -> None:
    """Stroke straight black lines (x1, y1, x2, y2) of ``width`` points as one path, after the lines
    ``drawn`` already as :func:`segment_ops` (one path: where lines meet, they are painted once)."""
    parts = [*drawn, *segment_ops(segments)]
    if parts:
        canv.addLiteral(f"q 0 G {width:.2f} w 2 J\n" + "\n".join(parts) + "\nS Q")
