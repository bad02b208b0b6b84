"""One reader per format, each returning a ``Source`` of ``Grid``s. ``read_file`` looks at what a file really
is (its first bytes, not only its name) and picks the reader; old formats go through LibreOffice."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from ... import safe_files
from ...safe_files import FileRejected, Limits
from ..grid import Source
from .convert import converted
from .csv_reader import read_csv
from .docx import read_docx
from .odf import read_odf
from .xls import read_xls
from .xlsx import read_xlsx

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
DOCUMENTS = (".docx", ".doc", ".odt", ".rtf")
SUPPORTED = SPREADSHEETS + DOCUMENTS + (".htm", ".html")
OPEN_FILTER = (
    "Bảng tính hoặc văn bản (*.xlsx *.xlsm *.xls *.ods *.csv *.docx *.doc *.odt *.rtf *.htm *.html);;"
    "Excel (*.xlsx *.xlsm *.xls);;Word (*.docx *.doc *.rtf);;OpenDocument (*.ods *.odt);;CSV (*.csv);;"
    "Tất cả các tệp (*)"
)
SPREADSHEET_FILTER = (
    "Bảng tính (*.xlsx *.xlsm *.xls *.ods *.csv);;Excel (*.xlsx *.xlsm *.xls);;OpenDocument (*.ods);;"
    "CSV (*.csv);;Tất cả các tệp (*)"
)
FORMATS_TEXT = ".xlsx, .xlsm, .xls, .ods, .csv, .docx, .doc, .odt, .rtf"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(path: Path) -> str:
    """What the file is: xlsx, docx, ods, odt, xls, doc, encrypted, rtf, html, xml2003, csv or unknown."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(safe_files.ZIP_SIGNATURES):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist()[: safe_files.MAX_ENTRIES])
                mime = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return "unknown"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        if b"opendocument.spreadsheet" in mime:
            return "ods"
        if b"opendocument.text" in mime:
            return "odt"
        return "unknown"
    if head.startswith(_OLE):
        data = path.read_bytes()
        if _utf16("EncryptedPackage") in data:
            return "encrypted"
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        return "unknown"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"{\\rtf"):
        return "rtf"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower() and text.startswith(b"<?xml"):
        return "xml2003"
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<html" in text[:1024]:
        return "html"
    if path.suffix.lower() in (".csv", ".txt", ".tsv", "") and b"\x00" not in head:
        return "csv"
    return "unknown"


Reader = Callable[..., Source]
_NATIVE: dict[str, Reader] = {
    "xlsx": read_xlsx,
    "docx": read_docx,
    "ods": read_odf,
    "odt": read_odf,
    "xls": read_xls,
    "csv": read_csv,
}
_CONVERTED = {"doc": "docx", "rtf": "docx", "html": "xlsx", "xml2003": "xlsx"}
_LABEL = {"doc": "Word 97-2003 (.doc)", "rtf": "RTF", "html": "trang web (HTML)", "xml2003": "Excel 2003 XML"}


def read_file(path: Path, limits: Limits | None = None, *, documents: bool = True) -> Source:
    """Read any supported file. ``documents=False`` for importers that only take spreadsheets."""
    path = Path(path)
    name = path.name
    safe_files.check_size(path, name)
    kind = sniff(path)
    if kind == "encrypted":
        raise FileRejected(
            f"Tệp {name} đã được đặt mật khẩu; hãy mở bằng Excel/Word, bỏ mật khẩu rồi lưu lại."
        )
    if kind == "unknown":
        if path.suffix.lower() in SUPPORTED:
            raise FileRejected(f"Tệp {name} không phải tệp Office hợp lệ hoặc đã bị hỏng.")
        raise FileRejected(f"Tệp {name}: chỉ nhận tệp {FORMATS_TEXT}.")
    if not documents and kind in ("docx", "odt", "doc", "rtf"):
        raise FileRejected(f"Tệp {name} là văn bản; ở đây cần một bảng tính ({', '.join(SPREADSHEETS)}).")
    if kind in _NATIVE:
        source = _NATIVE[kind](path, limits, display_name=name)
        if path.suffix.lower() not in SUPPORTED or (kind == "xlsx" and path.suffix.lower() == ".xls"):
            source.notes.append(
                f"Tệp có đuôi {path.suffix or '(không có)'} nhưng thực ra là tệp .{kind}: đã đọc theo .{kind}."
            )
        return source
    target = _CONVERTED[kind]
    with converted(path, target, name) as produced:
        source = _NATIVE[target](produced, limits, display_name=name)
    source.notes.insert(0, f"Tệp {_LABEL[kind]} đã được LibreOffice chuyển sang .{target} để đọc.")
    return source
