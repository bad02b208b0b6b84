"""Word 2007+ (.docx): the body streamed from word/document.xml with defusedxml (each paragraph and table
row freed once read, so a 59 MB body never becomes a 1 GB tree), every table a ``Grid``.

Facts kept: a horizontally merged cell repeats its text across its span and a vertically merged
continuation cell is "" (both recorded in ``Grid.merges``); the font of each cell's text (run, character style,
paragraph style, then the document default, from word/styles.xml); the paragraphs above and below each table.
Tracked changes left in the file are read as accepted (inserted text kept, deleted and moved-away text and
deleted rows dropped) and the source says so.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

from ... import safe_files
from ...safe_files import FileRejected, Limits
from ..grid import Grid, Source

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REVISIONS = {f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo", f"{W}cellIns", f"{W}cellDel"}
_DROPPED = {f"{W}del", f"{W}moveFrom"}  # subtrees whose text is not in the accepted document


def _val(elem: Any) -> str:
    return elem.get(f"{W}val", "")


def style_fonts(archive: zipfile.ZipFile) -> tuple[dict[str, str], str, str]:
    """({style id: font}, default paragraph style id, document default font) from word/styles.xml."""
    try:
        stream = archive.open("word/styles.xml")
    except KeyError:
        return {}, "", ""
    own: dict[str, str] = {}
    based: dict[str, str] = {}
    default_style = ""
    default_font = ""
    current = ""
    with stream:
        for event, elem in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag
            if event == "start":
                if tag == f"{W}style":
                    current = elem.get(f"{W}styleId", "")
                    if elem.get(f"{W}default") in ("1", "true") and elem.get(f"{W}type") == "paragraph":
                        default_style = current
                elif tag == f"{W}docDefaults":
                    current = "\0defaults"
                continue
            if tag == f"{W}rFonts":
                font = elem.get(f"{W}ascii") or elem.get(f"{W}hAnsi") or ""
                if font and current == "\0defaults":
                    default_font = font
                elif font and current:
                    own.setdefault(current, font)
            elif tag == f"{W}basedOn" and current:
                based[current] = _val(elem)
            elif tag in (f"{W}style", f"{W}docDefaults"):
                current = ""
                elem.clear()
    fonts: dict[str, str] = {}
    for style in set(own) | set(based):
        seen, name = set(), style
        while name and name not in own and name not in seen:
            seen.add(name)
            name = based.get(name, "")
        if name in own:
            fonts[style] = own[name]
    return fonts, default_style, default_font


@dataclass
class _Table:
    rows: list[list[str]] = field(default_factory=list)
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    open_vmerge: dict[int, int] = field(default_factory=dict)  # column → first row of an open vertical merge
    row: list[str] = field(default_factory=list)
    row_deleted: bool = False
    cell_lines: list[str] = field(default_factory=list)
    cell_font: str = ""
    span: int = 1
    vmerge: str | None = None  # None, "restart" or "continue"


class _BodyReader:
    def __init__(self, name: str, limits: Limits, styles: tuple[dict[str, str], str, str]) -> None:
        self.name = name
        self.limits = limits
        self.style_font, self.default_style, self.default_font = styles
        self.blocks: list[str | Grid] = []
        self.revisions = 0
        self.budget = safe_files.TextBudget(limits, name)
        self.paragraphs = 0

    def read(self, stream: Any) -> None:
        tables: list[_Table] = []
        parts: list[str] = []
        dropped = 0
        run_font = ""
        run_style = ""
        para_style = ""
        in_rpr = False
        count = 0
        for event, elem in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
            count += 1
            if count > self.limits.max_elements:
                raise FileRejected(f"Tệp {self.name}: nội dung văn bản có quá nhiều thành phần, không mở.")
            tag = elem.tag
            if event == "start":
                if tag in _DROPPED:
                    dropped += 1
                if tag in _REVISIONS:
                    self.revisions += 1
                elif tag == f"{W}p":
                    parts, para_style = [], ""
                elif tag == f"{W}r":
                    run_font = run_style = ""
                elif tag == f"{W}rPr":
                    in_rpr = True
                elif tag == f"{W}tbl":
                    tables.append(_Table())
                elif tag == f"{W}tr" and tables:
                    tables[-1].row, tables[-1].row_deleted = [], False
                elif tag == f"{W}tc" and tables:
                    t = tables[-1]
                    t.cell_lines, t.cell_font, t.span, t.vmerge = [], "", 1, None
                continue
            # end events
            if tag in _DROPPED:
                dropped -= 1
            elif tag == f"{W}t":
                if not dropped and elem.text:
                    parts.append(elem.text)
                    if elem.text.strip() and tables and not tables[-1].cell_font:
                        tables[-1].cell_font = (
                            run_font
                            or self.style_font.get(run_style, "")
                            or self.style_font.get(para_style or self.default_style, "")
                            or self.default_font
                        )
            elif tag in (f"{W}br", f"{W}cr"):
                if not dropped:
                    parts.append("\n")
            elif tag == f"{W}tab":
                if not dropped and not in_rpr:
                    parts.append(" ")
            elif tag == f"{W}softHyphen":  # U+00AD, also TCVN3's "ư": normalisation decides
                if not dropped:
                    parts.append("\u00ad")
            elif tag == f"{W}noBreakHyphen":
                if not dropped:
                    parts.append("-")
            elif tag == f"{W}rFonts":
                font = elem.get(f"{W}ascii") or elem.get(f"{W}hAnsi") or ""
                if in_rpr:
                    run_font = run_font or font
            elif tag == f"{W}rStyle":
                run_style = _val(elem)
            elif tag == f"{W}pStyle":
                para_style = _val(elem)
            elif tag == f"{W}rPr":
                in_rpr = False
            elif tag == f"{W}p":
                text = "".join(parts)
                self.budget.take(text, "một đoạn văn")
                if tables:
                    tables[-1].cell_lines.append(text)
                else:
                    self.paragraphs += 1
                    if self.paragraphs > self.limits.max_paragraphs:
                        raise FileRejected(f"Tệp {self.name} có quá nhiều đoạn văn, không đọc.")
                    self.blocks.append(text)
                elem.clear()
            elif tables:
                self._table_end(tables, tag, elem)

    def _table_end(self, tables: list[_Table], tag: str, elem: Any) -> None:
        t = tables[-1]
        if tag == f"{W}gridSpan":
            try:
                t.span = max(1, min(self.limits.max_columns, int(_val(elem) or "1")))
            except ValueError:
                t.span = 1
        elif tag == f"{W}vMerge":
            t.vmerge = _val(elem) or "continue"
        elif tag == f"{W}trPr":
            t.row_deleted = elem.find(f"{W}del") is not None
        elif tag == f"{W}tc":
            self._cell_end(t)
            elem.clear()
        elif tag == f"{W}tr":
            if not t.row_deleted:
                t.rows.append(t.row)
                if len(t.rows) > self.limits.max_rows:
                    raise FileRejected(
                        f"Bảng trong {self.name} có quá nhiều dòng (tối đa {safe_files.number(self.limits.max_rows)})."
                    )
            elem.clear()
        elif tag == f"{W}tbl":
            tables.pop()
            if tables:  # a table inside a cell: its text belongs to that cell
                inner = "\n".join(" | ".join(c for c in dict.fromkeys(row) if c) for row in t.rows)
                tables[-1].cell_lines.append(inner)
            else:
                self._close_table(t)
            elem.clear()

    def _cell_end(self, t: _Table) -> None:
        r = len(t.rows)
        c = len(t.row)
        if c >= self.limits.max_columns:
            return
        span = min(t.span, self.limits.max_columns - c)
        text = "\n".join(t.cell_lines).strip()
        if t.vmerge == "continue":
            text = ""
        elif c in t.open_vmerge:
            self._end_vmerge(t, c, r - 1)
        if t.vmerge == "restart":
            t.open_vmerge[c] = r
        t.row.extend([text] * span)
        if span > 1:
            t.merges.append((r, c, r, c + span - 1))
        if text and t.cell_font:
            for j in range(c, c + span):
                t.fonts[(r, j)] = t.cell_font

    def _end_vmerge(self, t: _Table, c: int, last: int) -> None:
        first = t.open_vmerge.pop(c)
        if last > first:
            t.merges.append((first, c, last, c))

    def _close_table(self, t: _Table) -> None:
        for c in list(t.open_vmerge):
            self._end_vmerge(t, c, len(t.rows) - 1)
        width = max((len(r) for r in t.rows), default=0)
        for row in t.rows:
            row.extend([""] * (width - len(row)))
        number = sum(1 for b in self.blocks if isinstance(b, Grid)) + 1
        grid = Grid(name=f"bảng {number}", title="", rows=list(t.rows), spreadsheet=False)
        grid.merges = t.merges
        grid.fonts = t.fonts
        self.blocks.append(grid)


def read_docx(path: Path, limits: Limits | None = None, display_name: str | None = None) -> Source:
    """Every table of a .docx body (in order) as a ``Grid``, with the paragraphs around it."""
    path = safe_files.check_file(Path(path), (".docx", Path(path).suffix.lower()))
    name = display_name or path.name
    limits = limits or safe_files.LIMITS
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                stream = archive.open("word/document.xml")
            except KeyError as exc:
                raise FileRejected(
                    f"Tệp {name} không phải văn bản Word hợp lệ (thiếu word/document.xml)."
                ) from exc
            reader = _BodyReader(name, limits, style_fonts(archive))
            with stream:
                reader.read(stream)
    except FileRejected:
        raise
    except safe_files.PARSE_ERRORS as exc:
        raise FileRejected(
            f"Tệp {name}: nội dung văn bản bị hỏng hoặc không an toàn ({safe_files.reason(exc)})."
        ) from exc
    return source_from_blocks(name, "docx", reader.blocks, reader.revisions)


def source_from_blocks(name: str, kind: str, blocks: list[str | Grid], revisions: int = 0) -> Source:
    """A ``Source`` from a document's blocks in order: each table gets the paragraphs before it (after the
    previous table) and after it (up to the next table)."""
    grids: list[Grid] = []
    lines: list[str] = []
    pending: list[str] = []
    for block in blocks:
        if isinstance(block, Grid):
            block.lines_before = list(pending)
            if grids:
                grids[-1].lines_after = list(pending)
            grids.append(block)
            pending = []
        else:
            lines.append(block)
            if block.strip():
                pending.append(block)
    if grids:
        grids[-1].lines_after = list(pending)
    notes = []
    if revisions:
        notes.append(
            f"Tệp còn {revisions} chỗ sửa chưa chấp nhận (Track Changes): đã đọc nội dung như khi chấp nhận tất cả."
        )
    return Source(name, kind, grids, notes=notes, lines=lines)
