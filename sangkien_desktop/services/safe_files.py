"""Opening files that come from outside (units' Excel and Word tables, members' score workbooks) safely.

Every importer goes through here: size caps, zip-bomb checks, XML parsed with defusedxml, and any malformed
file turned into a ``SangKienError`` with a Vietnamese message naming the file. Nothing here writes anything.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

from ..domain.errors import SangKienError

MAX_FILE_BYTES = 25 * 1024 * 1024  # 25 MB on disk
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # 200 MB once unpacked
MAX_RATIO = 200  # an entry unpacking to more than 200× its packed size is suspicious
MAX_ROWS = 20_000
MAX_COLUMNS = 200

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class FileRejected(SangKienError):
    """The file cannot be read: wrong kind, damaged, too large, or unsafe."""


def check_file(path: Path, kinds: tuple[str, ...] = (".xlsx", ".docx")) -> Path:
    """Existence, extension, size and zip-structure checks before a parser touches the file."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise FileRejected(f"Không tìm thấy tệp {path}.")
    if path.suffix.lower() not in kinds:
        raise FileRejected(
            f"Tệp {name}: chỉ nhận tệp {', '.join(kinds)} (tệp .xls/.doc cũ hãy lưu lại dạng mới)."
        )
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(f"Tệp {name} trống (0 byte).")
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            f"Tệp {name} quá lớn ({size // (1024 * 1024)} MB; tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if (
                    info.compress_size
                    and info.file_size / info.compress_size > MAX_RATIO
                    and info.file_size > 10_000_000
                ):
                    raise FileRejected(f"Tệp {name} có cấu trúc bất thường (nén quá mức), không mở.")
            if total > MAX_UNZIPPED_BYTES:
                raise FileRejected(f"Tệp {name} quá lớn khi giải nén, không mở.")
            bad = archive.testzip()
            if bad is not None:
                raise FileRejected(f"Tệp {name} bị hỏng (phần {bad} không đọc được).")
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"Tệp {name} không phải tệp Office hợp lệ hoặc đã bị hỏng.") from exc
    except OSError as exc:
        raise FileRejected(f"Không đọc được tệp {name}: {exc}.") from exc
    return path


def load_workbook(path: Path) -> Any:
    """Open an .xlsx for reading values (formulas' cached values, never formulas). openpyxl parses its XML
    with defusedxml when it is installed (it is a dependency)."""
    import openpyxl

    path = check_file(Path(path), (".xlsx", ".xlsm"))
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise FileRejected(f"Tệp {path.name} không đọc được như một bảng tính Excel: {exc}") from exc


def sheet_rows(ws: Any, name: str = "") -> list[list[Any]]:
    """All rows of a worksheet as lists of values, capped at MAX_ROWS × MAX_COLUMNS."""
    rows: list[list[Any]] = []
    for row in ws.iter_rows(values_only=True):
        if len(rows) >= MAX_ROWS:
            raise FileRejected(f"Bảng {name or ws.title} có quá nhiều dòng (tối đa {MAX_ROWS}).")
        values = list(row[:MAX_COLUMNS])
        rows.append(values)
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    return rows


@dataclass(frozen=True)
class DocxTable:
    """A Word table as rows of cell texts; a horizontally merged cell repeats its text across its span,
    a vertically merged continuation cell holds ""."""

    rows: list[list[str]]


def _docx_root(path: Path) -> Any:
    path = check_file(Path(path), (".docx",))
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml")
    except KeyError as exc:
        raise FileRejected(
            f"Tệp {path.name} không phải văn bản Word hợp lệ (thiếu word/document.xml)."
        ) from exc
    try:
        return SafeET.fromstring(xml)
    except Exception as exc:  # ParseError and defusedxml's forbidden-construct errors
        raise FileRejected(f"Tệp {path.name}: nội dung văn bản bị hỏng hoặc không an toàn ({exc}).") from exc


def _paragraph_text(p: Any) -> str:
    texts = []
    for node in p.iter():
        if node.tag == f"{W_NS}t" and node.text:
            texts.append(node.text)
        elif node.tag in (f"{W_NS}br", f"{W_NS}cr"):
            texts.append("\n")
        elif node.tag == f"{W_NS}tab":
            texts.append(" ")
    return "".join(texts)


def _docx_table(tbl: Any, name: str) -> DocxTable:
    rows: list[list[str]] = []
    for tr in tbl.findall(f"{W_NS}tr"):
        cells: list[str] = []
        for tc in tr.findall(f"{W_NS}tc"):
            text = "\n".join(_paragraph_text(p) for p in tc.iter(f"{W_NS}p")).strip()
            props = tc.find(f"{W_NS}tcPr")
            span = 1
            continued = False
            if props is not None:
                grid = props.find(f"{W_NS}gridSpan")
                if grid is not None:
                    try:
                        span = max(1, min(MAX_COLUMNS, int(grid.get(f"{W_NS}val", "1"))))
                    except ValueError:
                        span = 1
                vmerge = props.find(f"{W_NS}vMerge")
                if vmerge is not None and vmerge.get(f"{W_NS}val", "continue") == "continue":
                    continued = True
            cells.extend([("" if continued else text)] * span)
        rows.append(cells[:MAX_COLUMNS])
        if len(rows) > MAX_ROWS:
            raise FileRejected(f"Bảng trong {name} có quá nhiều dòng (tối đa {MAX_ROWS}).")
    return DocxTable(rows)


def read_docx_tables(path: Path) -> list[DocxTable]:
    """Every table of a .docx (the body's, in order), read with defusedxml. Paragraphs in a cell are
    joined by line breaks."""
    root = _docx_root(path)
    return [_docx_table(tbl, Path(path).name) for tbl in root.iter(f"{W_NS}tbl")]


def read_docx_body(path: Path) -> list[str | DocxTable]:
    """The top-level blocks of a .docx body in order: a paragraph's text (str) or a table (``DocxTable``).
    Lets an importer read the lines above a table (title, unit name) as well as the table."""
    root = _docx_root(path)
    body = root.find(f"{W_NS}body")
    blocks: list[str | DocxTable] = []
    if body is None:
        return blocks
    for child in body:
        if child.tag == f"{W_NS}p":
            blocks.append(_paragraph_text(child))
        elif child.tag == f"{W_NS}tbl":
            blocks.append(_docx_table(child, Path(path).name))
    return blocks
