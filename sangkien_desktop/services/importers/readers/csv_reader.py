"""CSV, as online forms export it: UTF-8 with or without a BOM, else Windows-1258 (Vietnamese Windows),
else Windows-1252 (which is how a file typed in TCVN3/VNI fonts reads; the normalisation stage converts it).
The delimiter (comma, semicolon or tab) is guessed from the first lines."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from ....domain import legacy_encoding
from ... import safe_files
from ...safe_files import FileRejected, Limits
from ..grid import Grid, Source


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a text file's bytes."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    readings: list[tuple[int, str, str]] = []
    for codec, label in (("cp1258", "Windows-1258"), ("cp1252", "Windows-1252")):
        try:
            text = unicodedata.normalize("NFC", data.decode(codec))
        except UnicodeDecodeError:
            continue
        sample = text[:20_000]
        score = legacy_encoding.badness(sample)
        if codec == "cp1252":  # a legacy font file: judge it by its best legacy reading
            score = min(
                score,
                *(legacy_encoding.badness(legacy_encoding.convert(sample, e)) for e in ("tcvn3", "vni")),
            )
        readings.append((score, label, text))
    if not readings:
        return data.decode("latin-1"), "Latin-1"
    score, label, text = min(readings, key=lambda x: x[0])
    return text, label


def read_csv(path: Path, limits: Limits | None = None, display_name: str | None = None) -> Source:
    path = Path(path)
    name = display_name or path.name
    limits = limits or safe_files.LIMITS
    safe_files.check_size(path, name)
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(f"Tệp {name} không phải tệp CSV (văn bản) hợp lệ.")
    text, encoding = decode_text(data)
    if len(text) > limits.max_text_chars:
        raise FileRejected(f"Tệp {name} có quá nhiều chữ, không đọc.")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(limits.max_cell_chars + 1)
    rows: list[list[object]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), dialect):
            if len(rows) >= limits.max_rows:
                raise FileRejected(
                    f"Tệp {name} có quá nhiều dòng (tối đa {safe_files.number(limits.max_rows)} dòng)."
                )
            rows.append([cell.strip() or None for cell in record[: limits.max_columns]])
    except csv.Error as exc:
        raise FileRejected(f"Tệp {name}: ô quá dài hoặc tệp CSV bị hỏng ({safe_files.reason(exc)}).") from exc
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    grid = Grid(name=f"tệp {name}", title=Path(name).stem, rows=rows)
    notes = [] if encoding == "UTF-8" else [f"Tệp CSV đọc theo bảng mã {encoding}."]
    return Source(name, "csv", [grid], notes=notes)
