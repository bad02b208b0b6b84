"""Page flow of every PDF document: what must stay on the page of what (issue 15 §2).

:func:`arrange` runs on a document's story in :func:`.document.build_pdf`, so every document follows the
same rules without repeating them:

- The title or heading just above a table (up to two short paragraphs) stays with its first rows: it
  becomes the table's ``lead``.
- What follows a table up to the end of its part (notes, a summary line, the signature, "Nơi nhận") stays
  with its last rows: it becomes the table's ``tail``, and the last two data rows go over to a new page
  with it rather than leaving the signature alone (when it takes at most three quarters of a page).
- A heading (the bold title styles, or a short bold paragraph) is never the last line of a page: it goes
  to the next page when fewer than three lines of what follows would fit under it.
- A closing block (signature, "Nơi nhận") at the end of a part stays with the last paragraph before it.

A part ends at a page break or a change of page template (an attached list on landscape pages).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.platypus import (
    ActionFlowable,
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
)

from .fonts import BOLD, BOLD_ITALIC
from .table import RuledTable

__all__ = ["HEADING_STYLES", "arrange"]

HEADING_STYLES = frozenset({"DocType", "Subject", "SectionHeading"})
LEAD_PARAGRAPHS = 2
LEAD_SHARE = 0.25  # of the page's text height, at most, for a table's lead
TAIL_SHARE = 0.75  # of the page's text height, at most, for a table's tail
HEADING_FOLLOW_LINES = 3  # lines of what follows a heading that must fit under it
_SHORT = 120  # characters: a bold paragraph this short is a heading

Size = tuple[float, float]


def _is_barrier(f: Flowable) -> bool:
    return isinstance(f, PageBreak | ActionFlowable) or type(f).__name__ == "_RestartNumbering"


def _is_spacer(f: Flowable) -> bool:
    return isinstance(f, Spacer) and not isinstance(f, CondPageBreak)


def _is_heading(f: Flowable) -> bool:
    if not isinstance(f, Paragraph):
        return False
    style = f.style
    if style.name in HEADING_STYLES:
        return True
    return style.fontName in (BOLD, BOLD_ITALIC) and len(f.getPlainText()) <= _SHORT


def _height(flowables: Sequence[Flowable], size: Size) -> float:
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):
            total += _height(f._content, size)
            continue
        _w, h = f.wrap(*size)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _frame_sizes(story: Sequence[Flowable], first: str, sizes: Mapping[str, Size]) -> list[Size]:
    """The text area each flowable lands in, following the page template changes."""
    out: list[Size] = []
    current, pending = sizes[first], None
    for f in story:
        if isinstance(f, NextPageTemplate):
            pending = f.action[1]
        elif isinstance(f, PageBreak) and pending is not None and pending in sizes:
            current, pending = sizes[pending], None
        out.append(current)
    return out


def _take_lead(out: list[Flowable], size: Size) -> list[Flowable]:
    """Take the paragraphs just above a table (and the spaces between them) off the end of ``out``."""
    k, paragraphs = len(out), 0
    while k > 0 and paragraphs < LEAD_PARAGRAPHS:
        prev = out[k - 1]
        if isinstance(prev, Paragraph):
            paragraphs += 1
        elif not _is_spacer(prev):
            break
        k -= 1
    while k < len(out) and _is_spacer(out[k]):
        k += 1  # the space above the first paragraph stays where it is
    lead = out[k:]
    while lead and _height(lead, size) > LEAD_SHARE * size[1]:
        lead = lead[1:]
    del out[len(out) - len(lead) :]
    return lead


def _tail_end(story: Sequence[Flowable], start: int) -> int:
    """Where the flowables after a table stop being its tail: a page break, a template change, or the
    next table (and the paragraphs just above it, its lead)."""
    j = start
    while j < len(story) and not _is_barrier(story[j]) and not isinstance(story[j], RuledTable):
        j += 1
    if j < len(story) and isinstance(story[j], RuledTable):
        while j > start and (isinstance(story[j - 1], Paragraph) or _is_spacer(story[j - 1])):
            j -= 1
    return j


def _tables(story: list[Flowable], sizes: list[Size]) -> tuple[list[Flowable], list[Size]]:
    out: list[Flowable] = []
    out_sizes: list[Size] = []
    i = 0
    while i < len(story):
        f, size = story[i], sizes[i]
        if isinstance(f, RuledTable):
            lead = _take_lead(out, size)
            del out_sizes[len(out) :]
            j = _tail_end(story, i + 1)
            tail = story[i + 1 : j]
            if not tail or _height(tail, size) > TAIL_SHARE * size[1]:
                tail, j = [], i + 1
            f = f.with_lead_and_tail(lead, tail)
            i = j
        else:
            i += 1
        out.append(f)
        out_sizes.append(size)
    return out, out_sizes


def _keep_closings(story: list[Flowable]) -> list[Flowable]:
    """Keep the closing block at the end of each part with the paragraph before it."""
    out = list(story)
    ends = [i for i, f in enumerate(out) if _is_barrier(f)] + [len(out)]
    for end in reversed(ends):
        last = end - 1
        while last > 0 and isinstance(out[last], Spacer):
            last -= 1
        closing = out[last] if last > 0 else None
        if (
            closing is None
            or isinstance(closing, Paragraph | RuledTable | KeepTogether)
            or _is_barrier(closing)
        ):
            continue
        first = last
        while first > 0 and isinstance(out[first - 1], Spacer):
            first -= 1
        if first > 0 and isinstance(out[first - 1], Paragraph):
            out[first - 1 : last + 1] = [KeepTogether(out[first - 1 : last + 1])]
    return out


def _keep_headings(story: list[Flowable], sizes: list[Size]) -> list[Flowable]:
    """Before each heading, a conditional page break that asks for room for the heading and the first
    lines of what follows it."""
    out: list[Flowable] = []
    n = len(story)
    i = 0
    while i < n:
        if not _is_heading(story[i]):
            out.append(story[i])
            i += 1
            continue
        j = i
        while j < n and (_is_heading(story[j]) or _is_spacer(story[j])):
            j += 1
        if j < n and not _is_barrier(story[j]):
            need = _height(story[i:j], sizes[i]) + _first_lines(story[j], sizes[i])
            out.append(CondPageBreak(need))
        out.extend(story[i:j])
        i = j
    return out


def _first_lines(f: Flowable, size: Size) -> float:
    """The height of what must follow a heading on its page: three lines of a paragraph, the whole of
    anything else (a table keeps its own first rows with its lead)."""
    _w, h = f.wrap(*size)
    if isinstance(f, Paragraph):
        return min(h, HEADING_FOLLOW_LINES * f.style.leading) + f.getSpaceBefore()
    return min(h, size[1] / 3)


def arrange(story: Sequence[Flowable], first: str, sizes: Mapping[str, Size]) -> list[Flowable]:
    """``story`` with the page-flow rules applied. ``first`` names the first page template ("portrait"
    or "landscape") and ``sizes`` gives each template's text area (width, height)."""
    flowables = list(story)
    tabled, table_sizes = _tables(flowables, _frame_sizes(flowables, first, sizes))
    return _keep_closings(_keep_headings(tabled, table_sizes))
