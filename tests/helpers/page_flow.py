"""Page flow as a reader sees it: every printed page carries at least one line of body text.

A page that holds only furniture — the NĐ 30 header, a title or heading, a repeated table head, a group
title, a total row, a signature block, "Nơi nhận:" and its list, a page number — is a page a chairman
would send back. :func:`furniture_of` collects that furniture from a document's blocks (the same blocks
render the PDF and the Word file); :func:`pages_without_body` reads each page of a PDF with pdftotext and
returns those with nothing else.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from sangkien_desktop.domain.text import nfc, upper_vn
from sangkien_desktop.services.docspec import MOTTO, NATIONAL_TITLE, header_grid
from sangkien_desktop.services.documents.blocks import (
    Block,
    Closing,
    Header,
    Signatures,
    TableBlock,
    Text,
    Title,
)
from sangkien_desktop.services.pdf import Run, Signer


def _words(text: str) -> list[str]:
    return nfc(text).replace("\u00a0", " ").split()


def _text(content: object) -> str:
    if isinstance(content, Run):
        return content.text
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable):
        return "".join(_text(c) for c in content)
    return ""


def _signer_lines(signer: Signer) -> list[str]:
    lines = [upper_vn(x) for x in (signer.authority, signer.title) if x]
    return [*lines, signer.name, signer.note]


def furniture_of(blocks: Sequence[Block]) -> list[str]:
    """The texts of a document that are not body text (see the module doc)."""
    out: list[str] = [NATIONAL_TITLE, MOTTO, "Nơi nhận:"]
    for b in blocks:
        if isinstance(b, Header):
            out += [*b.info.parent_lines, *b.info.issuing_lines, b.info.number_text, b.info.date_text]
        elif isinstance(b, Title):
            out += [upper_vn(b.doc_type), b.subject or ""]
        elif isinstance(b, Text) and b.style in ("heading", "subtitle"):
            out.append(_text(b.content))
        elif isinstance(b, TableBlock):
            grid = header_grid(b.columns)
            out += [t for row in grid.rows for t in row]
            out += [_text(b.rows[i][0]) for i in b.group_rows]
            last = b.rows[-1] if b.rows else ()
            if last and any(_text(c).startswith("Tổng") for c in last):
                out += [_text(c) for c in last]
        elif isinstance(b, Closing):
            out += _signer_lines(b.signer)
            out += [f"- {r}" for r in b.recipients] + list(b.recipients)
        elif isinstance(b, Signatures):
            out += _signer_lines(b.left) + _signer_lines(b.right)
    return [t for t in out if t and t.strip()]


def _is_furniture(line: str, furniture: list[list[str]]) -> bool:
    words = _words(line)
    if not words or all(re.fullmatch(r"[\d.,;:/()-]+", w) for w in words):
        return True  # page numbers, a money total on its own line
    n = len(words)
    for f in furniture:
        for i in range(len(f) - n + 1):
            if f[i : i + n] == words:
                return True
    return False


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pages_without_body(pdf: Path, furniture: Sequence[str]) -> list[tuple[int, str]]:
    """(page number, its text) of every page whose lines are all furniture."""
    pieces = [_words(f.rstrip(";.")) for f in furniture] + [_words(f) for f in furniture]
    bad = []
    for n, text in enumerate(page_texts(pdf), start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        if all(_is_furniture(line.rstrip(";."), pieces) or _is_furniture(line, pieces) for line in lines):
            bad.append((n, " / ".join(line.strip() for line in lines)))
    return bad
