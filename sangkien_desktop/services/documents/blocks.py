"""A document as a list of plain blocks, rendered to PDF (``services.pdf``) and to Word (:mod:`.docx_writer`).

Minutes, tờ trình and quyết định are written once as blocks; :func:`render_pdf` and :func:`render_docx`
lay them out, so the editable .docx and the PDF always say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.text.paragraph import Paragraph as WordParagraph
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ..docspec import Column, HeaderInfo, header_grid
from ..pdf import (
    Run,
    Signer,
    basis_lines,
    build_pdf,
    cell_styles,
    closing_block,
    data_table,
    frame_width,
    get_styles,
    header_block,
    para,
    restart_page_numbers,
    scale_widths,
    switch_orientation,
    title_block,
    two_signatures,
)
from .docx_writer import Content, DocxBuilder, keep_with_next

__all__ = [
    "Basis",
    "Block",
    "Closing",
    "Gap",
    "Header",
    "NewSection",
    "Signatures",
    "TableBlock",
    "Text",
    "Title",
    "render_docx",
    "render_pdf",
]


@dataclass(frozen=True)
class Header:
    info: HeaderInfo


@dataclass(frozen=True)
class Title:
    doc_type: str
    subject: str | None = None


@dataclass(frozen=True)
class Text:
    """A paragraph. ``style``: "body" (justified, indented), "left", "center", "heading" (bold centred,
    like "QUYẾT ĐỊNH:"), "subtitle" (italic centred), "note" (small italic)."""

    content: Content
    style: str = "body"


@dataclass(frozen=True)
class Basis:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    """A ruled table. ``group_rows`` are body row indexes whose first cell spans the whole row (bold)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Content, ...], ...]
    font_size: float = 12
    group_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Closing:
    signer: Signer
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signatures:
    left: Signer
    right: Signer


@dataclass(frozen=True)
class NewSection:
    """A new page (portrait or landscape) numbered on its own: an attached list."""

    landscape: bool


@dataclass(frozen=True)
class Gap:
    points: float = 6


Block = Header | Title | Text | Basis | TableBlock | Closing | Signatures | NewSection | Gap


@dataclass
class _PdfState:
    landscape: bool
    story: list[Flowable] = field(default_factory=list)


def _pdf_style(name: str) -> ParagraphStyle:
    st = get_styles()
    return {
        "body": st.body,
        "left": st.body_left,
        "center": st.body_center,
        "heading": st.doc_type,
        "subtitle": st.subtitle,
        "note": st.note,
    }[name]


def _pdf_table(block: TableBlock, landscape: bool) -> Flowable:
    grid = header_grid(block.columns)
    cs = cell_styles(block.font_size)
    rows: list[list[Any]] = []
    spans = list(grid.spans)
    for i, values in enumerate(block.rows):
        if i in block.group_rows:
            rows.append([para(values[0], cs.bold), *[""] * (len(block.columns) - 1)])
            r = grid.height + i
            spans.append((0, r, len(block.columns) - 1, r))
            continue
        cells: list[Any] = []
        for c, value in enumerate(values):
            col = block.columns[c]
            style = cs.right if col.numeric else cs.center if col.center else cs.left
            cells.append(para(value, style) if value else "")
        rows.append(cells)
    widths = scale_widths([c.width for c in block.columns], frame_width(landscape))
    return data_table(grid, rows, widths, spans=spans, font_size=block.font_size)


def _keep_with_previous(story: list[Flowable], block: Flowable) -> None:
    """Put a signature block on the same page as the paragraph before it (never alone on a page)."""
    tail: list[Flowable] = []
    while story and isinstance(story[-1], Spacer):
        tail.insert(0, story.pop())
    if story and isinstance(story[-1], Paragraph):
        tail.insert(0, story.pop())
    story.append(KeepTogether([*tail, block]))


def render_pdf(blocks: Sequence[Block], *, title: str, landscape: bool = False) -> bytes:
    state = _PdfState(landscape)
    story = state.story
    for b in blocks:
        if isinstance(b, Header):
            story.append(header_block(b.info))
        elif isinstance(b, Title):
            story.extend(title_block(b.doc_type, b.subject))
        elif isinstance(b, Text):
            story.append(para(b.content, _pdf_style(b.style)))
        elif isinstance(b, Basis):
            story.extend(basis_lines(b.lines))
        elif isinstance(b, TableBlock):
            story.append(_pdf_table(b, state.landscape))
            story.append(Spacer(1, 6))
        elif isinstance(b, Closing):
            _keep_with_previous(story, closing_block(b.signer, list(b.recipients)))
        elif isinstance(b, Signatures):
            _keep_with_previous(story, two_signatures(b.left, b.right))
        elif isinstance(b, NewSection):
            story.extend(switch_orientation(b.landscape))
            story.append(restart_page_numbers())
            state.landscape = b.landscape
        elif isinstance(b, Gap):
            story.append(Spacer(1, b.points))
    return build_pdf(story, title=title, landscape=landscape)


def _next_blocks(blocks: Sequence[Block]) -> list[Block | None]:
    """For each block, the next block that is not a gap (None at the end)."""
    out: list[Block | None] = [None] * len(blocks)
    following: Block | None = None
    for i in range(len(blocks) - 1, -1, -1):
        out[i] = following
        if not isinstance(blocks[i], Gap):
            following = blocks[i]
    return out


def _keeps_with_next(block: Block, following: Block | None) -> bool:
    """Headings stay with what follows; so do the line that introduces a table, the last paragraph
    before a signature (the last article of a decision) and the căn cứ before "QUYẾT ĐỊNH:"."""
    if following is None or isinstance(following, NewSection):
        return False
    if isinstance(block, Title | Gap) or (isinstance(block, Text) and block.style in ("heading", "subtitle")):
        return True
    return isinstance(block, Text | Basis) and isinstance(following, TableBlock | Closing | Signatures)


def _docx_table(doc: DocxBuilder, b: TableBlock) -> None:
    spans = [(i, 0, len(b.columns) - 1) for i in b.group_rows]
    rows = [(r[0], *[""] * (len(b.columns) - 1)) if i in b.group_rows else r for i, r in enumerate(b.rows)]
    keep = set(b.group_rows)  # a group title with its first row
    if len(rows) >= 3 and _is_total(rows[-1]):
        keep |= {len(rows) - 3, len(rows) - 2}  # a total row with at least two rows above it
    doc.table(
        b.columns, rows, font_size=b.font_size, bold_rows=b.group_rows, spans=spans, keep_rows=sorted(keep)
    )


def _is_total(row: Sequence[Content]) -> bool:
    text = " ".join(r.text if isinstance(r, Run) else str(r) for r in row if isinstance(r, Run | str))
    return text.strip().startswith("Tổng")


def render_docx(blocks: Sequence[Block], *, title: str, landscape: bool = False) -> bytes:
    doc = DocxBuilder(landscape=landscape, title=title)
    for b, following in zip(blocks, _next_blocks(blocks), strict=True):
        keep = _keeps_with_next(b, following)
        written: list[WordParagraph] = []
        if isinstance(b, Header):
            doc.header_block(b.info)
        elif isinstance(b, Title):
            written = doc.title(b.doc_type, b.subject)
        elif isinstance(b, Text):
            written = [_docx_text(doc, b)]
        elif isinstance(b, Basis):
            written = doc.basis(b.lines)
        elif isinstance(b, TableBlock):
            _docx_table(doc, b)
        elif isinstance(b, Closing):
            doc.closing(b.signer, b.recipients)
        elif isinstance(b, Signatures):
            doc.two_signatures(b.left, b.right)
        elif isinstance(b, NewSection):
            doc.new_section(landscape=b.landscape)
        elif isinstance(b, Gap):
            written = [doc.center("", size=max(1, b.points / 2))]
        if keep:
            keep_with_next(written)
    return doc.to_bytes()


def _docx_text(doc: DocxBuilder, b: Text) -> WordParagraph:
    if b.style == "body":
        return doc.para(b.content)
    if b.style == "left":
        return doc.para(b.content, align="left", indent_mm=0, after=3)
    if b.style == "center":
        return doc.center(b.content, after=3)
    if b.style == "heading":
        return doc.center(b.content, bold=True, before=12, after=6)
    if b.style == "subtitle":
        return doc.center(b.content, italic=True)
    return doc.para(b.content, align="left", size=12, italic=True, indent_mm=0, after=3)


def runs(*parts: str | Run) -> tuple[str | Run, ...]:
    """Shorthand for a paragraph's content made of plain text and emphasised runs."""
    return parts
