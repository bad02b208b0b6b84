"""Opening files that come from outside (units' Excel and Word tables, members' score workbooks) safely.

Every importer goes through here. Before a parser touches a file it is checked: kind (an old .xls/.doc, a
password-protected Office file or a web page saved as .xls are named as such), size on disk, size once
unpacked (per part and in total), compression ratio (zip bombs), encrypted or damaged zip entries, and every
XML part's prolog is read with defusedxml so a DTD (the root of entity-expansion "XML bombs" and external
entities) is refused. Worksheets are read with their claimed dimensions ignored (a sheet claiming
A1:XFD1048576 is read as the cells it really has) and capped at ``MAX_ROWS`` × ``MAX_COLUMNS``; Word tables
are parsed with defusedxml. Any failure — whatever the parser raises — becomes a ``FileRejected`` with a
Vietnamese message naming the file. Nothing here writes anything.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from ..domain.errors import SangKienError

MAX_FILE_BYTES = 25 * 1024 * 1024  # 25 MB on disk
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # 200 MB once unpacked
MAX_PART_BYTES = 60 * 1024 * 1024  # one XML part parsed whole (document.xml, styles …)
MAX_RATIO = 200  # an entry unpacking to more than 200× its packed size is suspicious
MAX_ENTRIES = 5_000
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_SHEETS = 100
MAX_STYLES_BYTES = 20 * 1024 * 1024  # styles.xml: real workbooks hold well under 5 MB
# styles / shared strings counted as a stream before openpyxl parses them whole: openpyxl builds every cell
# format as objects (143,000 formats took it 19 s and 500 MB); real workbooks hold a few thousand
MAX_SCANNED_ELEMENTS = {"xl/styles.xml": 60_000, "xl/sharedStrings.xml": 1_500_000}
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_BODY_BYTES = 40 * 1024 * 1024  # a Word/ODF body: a 1,000-row registration table takes about 10 MB
MAX_TEXT_CHARS = 30_000_000  # all the text of one file


@dataclass(frozen=True)
class Limits:
    """The caps every reader applies while it reads (refusing with a sentence beyond them)."""

    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = 2_000_000
    max_cell_chars: int = MAX_CELL_CHARS
    max_text_chars: int = MAX_TEXT_CHARS
    max_strings: int = 1_000_000
    max_styles: int = 70_000  # fonts or cell formats (Excel allows about 64,000)
    max_elements: int = 10_000_000  # XML elements in one part
    max_paragraphs: int = 50_000  # Word/ODT paragraphs outside tables (a thousand pages)


LIMITS = Limits()


def number(n: int) -> str:
    """12345 → "12.345" (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


class TextBudget:
    """The characters a reader has read from one file, against ``Limits`` (per cell or paragraph, and in all)."""

    def __init__(self, limits: Limits, file_name: str) -> None:
        self.limits = limits
        self.file_name = file_name
        self.chars = 0

    def take(self, text: str, where: str) -> str:
        if len(text) > self.limits.max_cell_chars:
            raise FileRejected(
                f"Tệp {self.file_name}: {where} có {number(len(text))} ký tự (tối đa "
                f"{number(self.limits.max_cell_chars)} ký tự một ô), không đọc."
            )
        self.chars += len(text)
        if self.chars > self.limits.max_text_chars:
            raise FileRejected(
                f"Tệp {self.file_name} có quá nhiều chữ (hơn {number(self.limits.max_text_chars)} ký tự), không đọc."
            )
        return text


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls/.doc, and password-protected .xlsx/.docx
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

# What a broken file can make the parsers raise (zipfile, zlib, expat/lxml, defusedxml, openpyxl's own
# ValueErrors and KeyErrors on missing parts, dates out of range …). Everything but programming errors.
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    UnicodeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError is a SyntaxError
    DefusedXmlException,
    AssertionError,
    LookupError,
    ArithmeticError,
    RecursionError,
)


class FileRejected(SangKienError):
    """The file cannot be read: wrong kind, damaged, too large, or unsafe."""


def _sniff(path: Path, name: str) -> None:
    """Name a file that is not a zip package for what it is."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise FileRejected(f"Không đọc được tệp {name}: {exc.strerror or exc}.") from exc
    if head.startswith(ZIP_SIGNATURES):
        return
    if head.startswith(OLE_SIGNATURE):
        raise FileRejected(
            f"Tệp {name} là tệp Office kiểu cũ (.xls/.doc) hoặc đã đặt mật khẩu. Hãy mở bằng Excel/Word, "
            "bỏ mật khẩu nếu có, rồi lưu lại dạng .xlsx/.docx."
        )
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
        raise FileRejected(
            f"Tệp {name} thực ra là một trang web/tệp văn bản được đổi đuôi, không phải tệp Office. "
            "Hãy mở bằng Excel/Word rồi lưu lại dạng .xlsx/.docx."
        )
    raise FileRejected(f"Tệp {name} không phải tệp Office hợp lệ hoặc đã bị hỏng.")


def _check_xml_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Parse the part up to its root element with defusedxml: a DTD (entity bombs, external entities) is
    refused; Office files never carry one."""
    try:
        with archive.open(info) as stream:
            for _event, _elem in SafeET.iterparse(stream, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException as exc:
        raise FileRejected(
            f"Tệp {name} có nội dung không an toàn (phần {info.filename} chứa khai báo DTD/thực thể), không mở."
        ) from exc
    except PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {name} bị hỏng (phần {info.filename} không đọc được).") from exc


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Count the elements of a large styles or shared-strings part as a stream before a parser builds it
    whole in memory (a 61 MB styles.xml took openpyxl 52 s and 2.7 GB)."""
    count = 0
    cap = MAX_SCANNED_ELEMENTS.get(info.filename, 300_000)
    try:
        with archive.open(info) as stream:
            for _event, elem in SafeET.iterparse(stream, events=("end",), forbid_dtd=True):
                count += 1
                if count > cap:
                    raise FileRejected(
                        f"Tệp {name}: phần {info.filename} có quá nhiều kiểu định dạng hoặc chuỗi, không mở. "
                        "Hãy mở bằng Excel, chép bảng sang một tệp mới rồi gửi lại."
                    )
                elem.clear()
    except FileRejected:
        raise
    except PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {name} bị hỏng (phần {info.filename} không đọc được).") from exc


def check_size(path: Path, name: str | None = None) -> int:
    """The file exists, is not empty and not larger than ``MAX_FILE_BYTES``; returns its size."""
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise FileRejected(f"Không tìm thấy tệp {path}.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRejected(f"Không đọc được tệp {name}: {exc.strerror or exc}.") from exc
    if size == 0:
        raise FileRejected(f"Tệp {name} trống (0 byte).")
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            f"Tệp {name} quá lớn ({size // (1024 * 1024)} MB; tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB)."
        )
    return size


def check_file(path: Path, kinds: tuple[str, ...] = (".xlsx", ".docx")) -> Path:
    """Existence, extension, size, zip-structure and XML-prolog checks before a parser touches the file."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise FileRejected(f"Không tìm thấy tệp {path}.")
    if path.suffix.lower() not in kinds:
        raise FileRejected(
            f"Tệp {name}: chỉ nhận tệp {', '.join(kinds)} (tệp .xls/.doc cũ hãy lưu lại dạng mới)."
        )
    check_size(path, name)
    _sniff(path, name)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise FileRejected(f"Tệp {name} có cấu trúc bất thường (quá nhiều phần), không mở.")
            total = 0
            for info in infos:
                if info.flag_bits & 0x1:
                    raise FileRejected(f"Tệp {name} đã được đặt mật khẩu; hãy bỏ mật khẩu rồi lưu lại.")
                total += info.file_size
                ratio = info.file_size / info.compress_size if info.compress_size else info.file_size
                if ratio > MAX_RATIO and info.file_size > 10_000_000:
                    raise FileRejected(f"Tệp {name} có cấu trúc bất thường (nén quá mức), không mở.")
                is_sheet = info.filename.startswith("xl/worksheets/")  # streamed, never parsed whole
                if not is_sheet and info.file_size > MAX_PART_BYTES:
                    raise FileRejected(f"Tệp {name}: phần {info.filename} quá lớn, không mở.")
                if info.filename in ("word/document.xml", "content.xml") and info.file_size > MAX_BODY_BYTES:
                    raise FileRejected(
                        f"Tệp {name}: nội dung văn bản quá lớn ({info.file_size // (1024 * 1024)} MB khi giải nén; "
                        f"tối đa {MAX_BODY_BYTES // (1024 * 1024)} MB), không mở. Hãy chép riêng bảng sang một tệp mới."
                    )
                if info.filename.endswith("styles.xml") and info.file_size > MAX_STYLES_BYTES:
                    raise FileRejected(
                        f"Tệp {name}: phần định dạng ({info.filename}) quá lớn "
                        f"({info.file_size // (1024 * 1024)} MB; tối đa {MAX_STYLES_BYTES // (1024 * 1024)} MB), "
                        "không mở. Hãy chép bảng sang một tệp mới rồi gửi lại."
                    )
            if total > MAX_UNZIPPED_BYTES:
                raise FileRejected(f"Tệp {name} quá lớn khi giải nén, không mở.")
            bad = archive.testzip()
            if bad is not None:
                raise FileRejected(f"Tệp {name} bị hỏng (phần {bad} không đọc được).")
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > 0:
                    _check_xml_prolog(archive, info, name)
                if info.filename in ("xl/styles.xml", "xl/sharedStrings.xml") and info.file_size > 1_000_000:
                    _scan_part(archive, info, name)
    except FileRejected:
        raise
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"Tệp {name} không phải tệp Office hợp lệ hoặc đã bị hỏng.") from exc
    except PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {name} bị hỏng, không đọc được ({type(exc).__name__}).") from exc
    return path


# Excel -----------------------------------------------------------------------------------------------------------
def load_workbook(path: Path) -> Any:
    """Open an .xlsx for reading values (formulas' cached values, never formulas). Prefer
    :func:`open_workbook` (closes the file) or :func:`read_sheets`; a workbook from here must be closed with
    ``wb.close()`` (Windows keeps an open file locked)."""
    import openpyxl

    path = check_file(Path(path), (".xlsx", ".xlsm"))
    try:
        # read into memory (at most MAX_FILE_BYTES): the user's file is never kept open or locked, even
        # when openpyxl fails half-way through opening it
        content = io.BytesIO(path.read_bytes())
        wb = openpyxl.load_workbook(content, read_only=True, data_only=True, keep_links=False)
        wb.sangkien_file_name = path.name
    except PARSE_ERRORS as exc:  # openpyxl raises many kinds on damaged files
        raise FileRejected(
            f"Tệp {path.name} không đọc được như một bảng tính Excel ({_reason(exc)})."
        ) from exc
    try:
        sheets = wb.worksheets
        if not sheets:
            raise FileRejected(f"Tệp {path.name} không có trang tính nào.")
        if len(sheets) > MAX_SHEETS:
            raise FileRejected(f"Tệp {path.name} có quá nhiều trang tính (tối đa {MAX_SHEETS}).")
        for ws in sheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # never trust the claimed size (A1:XFD1048576 …)
    except BaseException:
        wb.close()
        raise
    return wb


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """``with open_workbook(p) as wb:`` — :func:`load_workbook` that always closes the file."""
    wb = load_workbook(path)
    try:
        yield wb
    finally:
        wb.close()


def reason(exc: BaseException) -> str:
    """A short technical reason for a parser's exception, to put in brackets after a message."""
    return _reason(exc)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def _file_name(ws: Any) -> str:
    return str(getattr(getattr(ws, "parent", None), "sangkien_file_name", "") or "")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def sheet_rows(ws: Any, name: str = "") -> list[list[Any]]:
    """All rows of a worksheet as lists of values, every row as wide as the widest row that has data,
    trailing blank rows dropped. Capped at MAX_ROWS × MAX_COLUMNS; a damaged sheet raises FileRejected."""
    title = name or getattr(ws, "title", "") or "?"
    file_name = _file_name(ws)
    where = f"Bảng «{title}»" + (f" trong tệp {file_name}" if file_name else "")
    rows: list[list[Any]] = []
    pending_blank = 0
    width = 0
    try:
        for row in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            # fast path for empty rows (openpyxl yields one shared tuple for every missing row)
            if not row or row.count(None) == len(row):
                pending_blank += 1
                if pending_blank > 1_100_000:  # more rows than any sheet can hold
                    raise FileRejected(f"{where} bị hỏng (số dòng bất thường).")
                continue
            values = list(row[:MAX_COLUMNS])
            while values and _blank(values[-1]):
                values.pop()
            if not values:
                pending_blank += 1
                continue
            if len(rows) + pending_blank + 1 > MAX_ROWS:
                raise FileRejected(f"{where} có quá nhiều dòng (tối đa {MAX_ROWS:,} dòng).".replace(",", "."))
            rows.extend([] for _ in range(pending_blank))
            pending_blank = 0
            rows.append(values)
            width = max(width, len(values))
    except FileRejected:
        raise
    except PARSE_ERRORS as exc:
        raise FileRejected(f"{where} bị hỏng, không đọc được ({_reason(exc)}).") from exc
    for values in rows:
        values.extend([None] * (width - len(values)))
    return rows


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Any]]


def read_sheets(path: Path) -> list[Sheet]:
    """Every worksheet of an .xlsx, read whole and closed (see :func:`sheet_rows`)."""
    with open_workbook(path) as wb:
        return [Sheet(ws.title, sheet_rows(ws)) for ws in wb.worksheets]


# Word ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocxTable:
    """A Word table as rows of cell texts; a horizontally merged cell repeats its text across its span,
    a vertically merged continuation cell holds ""."""

    rows: list[list[str]]


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


def _docx_root(path: Path) -> Any:
    """The parsed word/document.xml (defusedxml, DTDs forbidden) after ``check_file``."""
    path = check_file(Path(path), (".docx",))
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml")
    except KeyError as exc:
        raise FileRejected(
            f"Tệp {path.name} không phải văn bản Word hợp lệ (thiếu word/document.xml)."
        ) from exc
    except PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {path.name} bị hỏng, không đọc được ({_reason(exc)}).") from exc
    try:
        return SafeET.fromstring(xml, forbid_dtd=True)
    except PARSE_ERRORS as exc:  # ParseError and defusedxml's forbidden-construct errors
        raise FileRejected(f"Tệp {path.name}: nội dung văn bản bị hỏng hoặc không an toàn ({exc}).") from exc


def _docx_table(tbl: Any, name: str) -> DocxTable:
    rows: list[list[str]] = []
    for tr in tbl.findall(f"{W_NS}tr"):
        cells: list[str] = []
        for tc in tr.findall(f"{W_NS}tc"):
            if len(cells) >= MAX_COLUMNS:
                break
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
            cells.extend([("" if continued else text)] * min(span, MAX_COLUMNS - len(cells)))
        rows.append(cells)
        if len(rows) > MAX_ROWS:
            raise FileRejected(f"Bảng trong {name} có quá nhiều dòng (tối đa {MAX_ROWS}).")
    return DocxTable(rows)


def read_docx_tables(path: Path) -> list[DocxTable]:
    """Every table of a .docx (the body's, in order), read with defusedxml. Paragraphs in a cell are
    joined by line breaks."""
    root = _docx_root(path)
    name = Path(path).name
    try:
        return [_docx_table(tbl, name) for tbl in root.iter(f"{W_NS}tbl")]
    except FileRejected:
        raise
    except PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {name}: nội dung văn bản bị hỏng ({_reason(exc)}).") from exc


def read_docx_body(path: Path) -> list[str | DocxTable]:
    """The top-level blocks of a .docx body in order: a paragraph's text (str) or a table (``DocxTable``).
    Lets an importer read the lines above a table (title, unit name) as well as the table."""
    root = _docx_root(path)
    name = Path(path).name
    blocks: list[str | DocxTable] = []
    try:
        body = root.find(f"{W_NS}body")
        if body is None:
            return blocks
        for child in body:
            if child.tag == f"{W_NS}p":
                blocks.append(_paragraph_text(child))
            elif child.tag == f"{W_NS}tbl":
                blocks.append(_docx_table(child, name))
    except FileRejected:
        raise
    except PARSE_ERRORS as exc:
        raise FileRejected(f"Tệp {name}: nội dung văn bản bị hỏng ({_reason(exc)}).") from exc
    return blocks
