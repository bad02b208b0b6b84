"""Normalisation, the stage between reading and table finding: every text cell (and every line around the
tables) decided Unicode, TCVN3 or VNI — by its font, by its own text, and when a short cell fits more than one
reading by the cells around it — converted to Unicode NFC, and cleaned of invisible and control characters.

A cell no rule can decide is left as it is and listed in ``Grid.undecided``: the row builder refuses a row that
uses it, naming the cell, so text that still looks legacy-encoded is never stored.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ...domain import legacy_encoding as le
from ...domain.cell_cleaning import strip_controls, strip_invisible
from .grid import Grid, Source

LEGACY = (le.TCVN3, le.VNI)


@dataclass
class Normalised:
    """What normalisation did to a source: cells converted per encoding, and cells it could not decide."""

    converted: Counter[str] = field(default_factory=Counter)  # encoding → cells converted
    undecided: int = 0

    def notes(self) -> list[str]:
        found = []
        for encoding in LEGACY:
            n = self.converted.get(encoding, 0)
            if n:
                found.append(
                    f"{n} ô đã chuyển từ {le.LABELS[encoding]} sang Unicode (đã chuyển từ {le.LABELS[encoding]})."
                )
        if self.undecided:
            found.append(
                f"{self.undecided} ô không xác định được bảng mã (Unicode, TCVN3 hay VNI): dòng dùng các ô đó bị từ chối."
            )
        return found


def _finish(text: str) -> str:
    return unicodedata.normalize("NFC", strip_controls(strip_invisible(text)))


def _pick(candidates: tuple[str, ...], evidence: Counter[str]) -> str | None:
    """The one candidate the evidence supports, if exactly one does."""
    supported = [c for c in candidates if evidence.get(c)]
    return supported[0] if len(supported) == 1 else None


def normalise_grid(grid: Grid, file_evidence: Counter[str], report: Normalised) -> None:
    readings: dict[tuple[int, int], le.Reading] = {}
    rows: dict[int, Counter[str]] = defaultdict(Counter)
    cols: dict[int, Counter[str]] = defaultdict(Counter)
    evidence: Counter[str] = Counter()
    for r, c, value in list(grid.text_cells()):
        text = strip_invisible(value, keep_soft_hyphen=True)
        if not le.needs_checking(text):
            grid.rows[r][c] = _finish(text)
            if not text.isascii():
                rows[r][le.UNICODE] += 1
                cols[c][le.UNICODE] += 1
                evidence[le.UNICODE] += 1
            continue
        reading = le.decide(text, grid.font(r, c))
        readings[(r, c)] = reading
        if reading.encoding not in (le.AMBIGUOUS, le.UNDECIDED):
            rows[r][reading.encoding] += 1
            cols[c][reading.encoding] += 1
            evidence[reading.encoding] += 1
    file_evidence.update(evidence)
    for (r, c), reading in readings.items():
        encoding = reading.encoding
        if encoding in (le.AMBIGUOUS, le.UNDECIDED):
            candidates = reading.candidates or (le.UNICODE, *LEGACY)
            encoding = (
                _pick(candidates, rows[r])
                or _pick(candidates, cols[c])
                or _pick(candidates, evidence)
                or (le.UNICODE if le.UNICODE in candidates and not any(evidence[e] for e in LEGACY) else None)
                or le.UNDECIDED
            )
        if encoding == le.UNDECIDED:
            grid.undecided.add((r, c))
            report.undecided += 1
            continue
        if encoding == reading.encoding:
            text = reading.text
        else:
            text = le.convert(
                strip_invisible(grid.rows[r][c], keep_soft_hyphen=True), encoding, grid.font(r, c)
            )
        grid.rows[r][c] = _finish(text)
        if encoding in LEGACY:
            grid.converted[(r, c)] = encoding
            report.converted[encoding] += 1


def normalise_lines(lines: list[str], evidence: Counter[str], report: Normalised) -> list[str]:
    """Paragraphs around the tables (no font known): decided by their own text, else by the file."""
    out = []
    for line in lines:
        text = strip_invisible(line, keep_soft_hyphen=True)
        if le.needs_checking(text):
            reading = le.decide(text)
            encoding = reading.encoding
            if encoding in (le.AMBIGUOUS, le.UNDECIDED):
                encoding = _pick(reading.candidates or (le.UNICODE, *LEGACY), evidence) or le.UNICODE
            if encoding in LEGACY:
                text = le.convert(text, encoding)
                report.converted[encoding] += 1
        out.append(_finish(text))
    return out


def normalise(source: Source) -> Normalised:
    """Convert and clean every text of ``source`` in place; returns what was done."""
    report = Normalised()
    evidence: Counter[str] = Counter()
    for grid in source.grids:
        normalise_grid(grid, evidence, report)
    for grid in source.grids:
        grid.lines_before = normalise_lines(grid.lines_before, evidence, report)
        grid.lines_after = normalise_lines(grid.lines_after, evidence, report)
    source.lines = normalise_lines(source.lines, evidence, report)
    source.notes.extend(report.notes())
    return report
