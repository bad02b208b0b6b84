"""Excel 2007+ (.xlsx/.xlsm): streamed straight from the package's XML with defusedxml, so every part is
bounded as it is read (rows × columns, characters per cell and per file, number of styles) and the facts the
importers need come with the values: merged ranges, hidden rows and columns, and the font of every text cell
(from its style, or from the runs of a rich-text string).

The file has passed ``safe_files.check_file`` (size, zip structure, no DTD) before anything here reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from defusedxml import ElementTree as SafeET

from ... import safe_files
from ...safe_files import FileRejected, Limits
from ..grid import Grid, Source, column_letter

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57})
_DATE_CODE = re.compile(r"(?<![\\_])[dmyhs]", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _cell_ref(ref: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref or "")
    if not m:
        return None
    return int(m.group(2)) - 1, _column_index(m.group(1))


def _is_date_format(code: str) -> bool:
    stripped = re.sub(r'"[^"]*"|\[[^\]]*\]', "", code)
    return bool(_DATE_CODE.search(stripped)) and "General" not in code


def _from_serial(value: float, date1904: bool) -> dt.date | dt.datetime:
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = base + dt.timedelta(days=value)
    return moment.date() if moment.time() == dt.time(0, 0) else moment


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
        self.archive = archive
        self.name = name
        self.limits = limits
        self.budget = safe_files.TextBudget(limits, name)
        self.fonts: list[str] = []
        self.xf_font: list[str] = []
        self.xf_date: list[bool] = []
        self.strings: list[tuple[str, str]] = []  # (text, font of its runs or "")
        self.date1904 = False

    # parts ----------------------------------------------------------------------------------------------------
    def _open(self, member: str) -> IO[bytes] | None:
        try:
            return self.archive.open(member)
        except KeyError:
            return None

    def _events(self, member: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Any]]:
        stream = self._open(member)
        if stream is None:
            return
        count = 0
        with stream:
            for event, elem in SafeET.iterparse(stream, events=events, forbid_dtd=True):
                count += 1
                if count > self.limits.max_elements:
                    raise FileRejected(
                        f"Tệp {self.name}: phần {member} có quá nhiều thành phần (tối đa "
                        f"{safe_files.number(self.limits.max_elements)}), không mở."
                    )
                yield event, elem

    # workbook -------------------------------------------------------------------------------------------------
    def sheets(self) -> list[tuple[str, str, bool]]:
        """(name, part path, hidden) of every worksheet, in the workbook's order."""
        targets: dict[str, str] = {}
        for _event, elem in self._events("xl/_rels/workbook.xml.rels"):
            if _local(elem.tag) == "Relationship":
                target = elem.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[elem.get("Id", "")] = path
        found: list[tuple[str, str, bool]] = []
        workbook = self._open("xl/workbook.xml")
        if workbook is None:
            raise FileRejected(f"Tệp {self.name} không phải bảng tính Excel hợp lệ (thiếu xl/workbook.xml).")
        workbook.close()
        for _event, elem in self._events("xl/workbook.xml"):
            tag = _local(elem.tag)
            if tag == "workbookPr":
                self.date1904 = elem.get("date1904", "0") in ("1", "true")
            elif tag == "sheet":
                part = targets.get(elem.get(f"{_REL_NS}id", ""), "")
                if part:
                    found.append((elem.get("name", "?"), part, elem.get("state", "visible") != "visible"))
                if len(found) > safe_files.MAX_SHEETS:
                    raise FileRejected(
                        f"Tệp {self.name} có quá nhiều trang tính (tối đa {safe_files.MAX_SHEETS})."
                    )
        if not found:
            raise FileRejected(f"Tệp {self.name} không có trang tính nào.")
        return found

    def styles(self) -> None:
        formats: dict[int, str] = {}
        in_fonts = in_xfs = False
        font_name = ""
        for event, elem in self._events("xl/styles.xml", ("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "fonts":
                    in_fonts = True
                elif tag == "cellXfs":
                    in_xfs = True
                elif tag == "font" and in_fonts:
                    font_name = ""
                continue
            if tag == "numFmt":
                with contextlib.suppress(ValueError):
                    formats[int(elem.get("numFmtId", "0"))] = elem.get("formatCode", "")[:200]
            elif tag == "name" and in_fonts:
                font_name = elem.get("val", "")[:100]
            elif tag == "font" and in_fonts:
                self.fonts.append(font_name)
            elif tag == "fonts":
                in_fonts = False
            elif tag == "xf" and in_xfs:
                try:
                    font_id, fmt_id = int(elem.get("fontId", "0")), int(elem.get("numFmtId", "0"))
                except ValueError:
                    font_id = fmt_id = 0
                self.xf_font.append(self.fonts[font_id] if 0 <= font_id < len(self.fonts) else "")
                self.xf_date.append(fmt_id in _DATE_FORMAT_IDS or _is_date_format(formats.get(fmt_id, "")))
            elif tag == "cellXfs":
                in_xfs = False
            if not in_fonts or tag in ("font", "fonts"):
                elem.clear()
            if len(self.fonts) > self.limits.max_styles or len(self.xf_font) > self.limits.max_styles:
                raise FileRejected(
                    f"Tệp {self.name} có quá nhiều kiểu định dạng (tối đa {safe_files.number(self.limits.max_styles)}), không mở."
                )

    def shared_strings(self) -> None:
        parts: list[str] = []
        run_font = ""
        string_font = ""
        depth_rph = 0
        for event, elem in self._events("xl/sharedStrings.xml", ("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "rPh":
                    depth_rph += 1
                elif tag == "si":
                    parts, string_font = [], ""
                elif tag == "r":
                    run_font = ""
                continue
            if tag == "rPh":
                depth_rph -= 1
            elif tag == "rFont" and not depth_rph:
                run_font = elem.get("val", "")[:100]
            elif tag == "t" and not depth_rph:
                text = elem.text or ""
                parts.append(text)
                if text.strip() and run_font and not string_font:
                    string_font = run_font
            elif tag == "si":
                text = "".join(parts)
                self.strings.append(
                    (self.budget.take(text, f"chuỗi số {len(self.strings) + 1}"), string_font)
                )
                elem.clear()
                if len(self.strings) > self.limits.max_strings:
                    raise FileRejected(f"Tệp {self.name} có quá nhiều chuỗi chữ, không mở.")

    # one sheet ------------------------------------------------------------------------------------------------
    def sheet(self, title: str, part: str) -> Grid:
        """One worksheet, read row by row (each row's cells handled when the row ends, then freed)."""
        grid = Grid(name=f"trang tính '{title}'", title=title, rows=[])
        rows: dict[int, dict[int, Any]] = {}
        max_row = max_col = -1
        hidden_cols: set[int] = set()
        cells = 0
        row_at = -1  # rows and cells without an "r" follow the one before
        max_rows, max_columns = self.limits.max_rows, self.limits.max_columns
        for _event, elem in self._events(part):
            tag = elem.tag
            if tag.endswith("}row") or tag == "row":
                try:
                    row_at = int(elem.get("r") or row_at + 2) - 1
                except ValueError:
                    row_at += 1
                if elem.get("hidden", "0") in ("1", "true"):
                    grid.hidden_rows.add(row_at)
                values: dict[int, Any] = {}
                col_at = -1
                for cell in elem:
                    ref = cell.get("r")
                    at = _cell_ref(ref) if ref else (row_at, col_at + 1)
                    if at is None:
                        continue
                    r, c = at
                    col_at = c
                    if c >= max_columns:
                        continue
                    value = self._value(cell, r, c, grid)
                    if value is None:
                        continue
                    if r >= max_rows:
                        raise FileRejected(
                            f"Bảng «{title}» trong tệp {self.name} có quá nhiều dòng (tối đa "
                            f"{safe_files.number(max_rows)} dòng)."
                        )
                    if r == row_at:
                        values[c] = value
                    else:
                        rows.setdefault(r, {})[c] = value
                    max_col = max(max_col, c)
                    max_row = max(max_row, r)
                cells += len(values)
                if cells > self.limits.max_cells:
                    raise FileRejected(f"Bảng «{title}» trong tệp {self.name} có quá nhiều ô, không đọc.")
                if values:
                    rows.setdefault(row_at, {}).update(values)
                elem.clear()
            elif tag.endswith("}col"):
                if elem.get("hidden", "0") in ("1", "true"):
                    try:
                        first, last = int(elem.get("min", "1")) - 1, int(elem.get("max", "1")) - 1
                    except ValueError:
                        continue
                    hidden_cols.update(range(max(first, 0), min(last, max_columns - 1) + 1))
            elif tag.endswith("}mergeCell"):
                self._merge(grid, elem.get("ref", ""))
        width = max_col + 1
        grid.rows = [[None] * width for _ in range(max_row + 1)]
        for r, found in rows.items():
            row = grid.rows[r]
            for c, value in found.items():
                row[c] = value
        grid.hidden_cols = {c for c in hidden_cols if c < width}
        grid.hidden_rows = {r for r in grid.hidden_rows if r <= max_row}
        grid.default_font = self.xf_font[0] if self.xf_font else ""
        grid.fonts = {k: v for k, v in grid.fonts.items() if v != grid.default_font}
        return grid

    def _merge(self, grid: Grid, ref: str) -> None:
        first, _, last = ref.partition(":")
        a, b = _cell_ref(first), _cell_ref(last or first)
        if a is None or b is None or len(grid.merges) > self.limits.max_cells:
            return
        r0, c0 = a
        r1, c1 = b
        if r1 >= r0 and c1 >= c0 and r0 < self.limits.max_rows and c0 < self.limits.max_columns:
            grid.merges.append(
                (r0, c0, min(r1, self.limits.max_rows - 1), min(c1, self.limits.max_columns - 1))
            )

    def _value(self, elem: Any, r: int, c: int, grid: Grid) -> Any:
        kind = elem.get("t", "n")
        try:
            style = int(elem.get("s", "0"))
        except ValueError:
            style = 0
        raw = None
        inline: list[str] = []
        for child in elem:
            tag = _local(child.tag)
            if tag == "v":
                raw = child.text
            elif tag == "is":
                inline += [t.text or "" for t in child.iter() if _local(t.tag) == "t"]
        font = self.xf_font[style] if 0 <= style < len(self.xf_font) else ""
        if kind == "s":
            try:
                text, run_font = self.strings[int(raw or "")]
            except (ValueError, IndexError):
                return None
            font = run_font or font
        elif kind == "inlineStr":
            text = self.budget.take("".join(inline), f"ô {column_letter(c)}{r + 1}")
        elif kind in ("str", "e"):
            if raw is None:
                return None
            text = self.budget.take(raw, f"ô {column_letter(c)}{r + 1}")
            if kind == "e":
                return None
        elif kind == "b":
            return raw == "1"
        elif kind == "d":
            try:
                return dt.datetime.fromisoformat(raw or "")
            except ValueError:
                return None
        else:
            if raw is None or raw == "":
                return None
            try:
                number = float(raw)
            except ValueError:
                return None
            if 0 <= style < len(self.xf_date) and self.xf_date[style] and 0 <= number < 2_958_466:
                return _from_serial(number, self.date1904)
            if number.is_integer() and abs(number) < 1e15:
                return int(number)
            return number
        if not text:
            return None
        if font:
            grid.fonts[(r, c)] = font
        return text


def read_xlsx(path: Path, limits: Limits | None = None, display_name: str | None = None) -> Source:
    """Every worksheet of an .xlsx/.xlsm as a ``Grid`` (hidden sheets are skipped)."""
    path = safe_files.check_file(Path(path), (".xlsx", ".xlsm", Path(path).suffix.lower()))
    name = display_name or path.name
    limits = limits or safe_files.LIMITS
    try:
        with zipfile.ZipFile(path) as archive:
            reader = _Reader(archive, name, limits)
            sheets = reader.sheets()
            reader.styles()
            reader.shared_strings()
            grids = [reader.sheet(title, part) for title, part, hidden in sheets if not hidden]
    except FileRejected:
        raise
    except safe_files.PARSE_ERRORS as exc:
        raise FileRejected(
            f"Tệp {name} không đọc được như một bảng tính Excel ({safe_files.reason(exc)})."
        ) from exc
    if not grids:
        raise FileRejected(f"Tệp {name} không có trang tính nào đang hiện.")
    return Source(name, "xlsx", grids)
