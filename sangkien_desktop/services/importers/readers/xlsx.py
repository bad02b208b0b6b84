"""Excel 2007+ (.xlsx/.xlsm): streamed straight from the package's XML with defusedxml (worksheets through
expat's callbacks under defusedxml's guards, ``_SheetParser``, without an element tree), so every part is
bounded as it is read (rows × columns, characters per cell and per file, number of styles) and the facts the
importers need come with the values: merged ranges, hidden rows and columns, and the font of every text cell
(from its style, or from the runs of a rich-text string).

The file has passed ``safe_files.check_file`` (size, zip structure, no DTD) before anything here reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
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


@functools.lru_cache(maxsize=4096)
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

        def row_ended(attrs: dict[str, str], found: list[_Cell]) -> None:
            nonlocal row_at, cells, max_col, max_row
            try:
                row_at = int(attrs.get("r") or row_at + 2) - 1
            except ValueError:
                row_at += 1
            if attrs.get("hidden", "0") in ("1", "true"):
                grid.hidden_rows.add(row_at)
            values: dict[int, Any] = {}
            col_at = -1
            for cell_attrs, raw, inline in found:
                ref = cell_attrs.get("r")
                at = _cell_ref(ref) if ref else (row_at, col_at + 1)
                if at is None:
                    continue
                r, c = at
                col_at = c
                if c >= max_columns:
                    continue
                value = self._value(cell_attrs, raw, inline, r, c, grid)
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

        def other_ended(name: str, attrs: dict[str, str]) -> None:
            if name.endswith("}col"):
                if attrs.get("hidden", "0") in ("1", "true"):
                    try:
                        first, last = int(attrs.get("min", "1")) - 1, int(attrs.get("max", "1")) - 1
                    except ValueError:
                        return
                    hidden_cols.update(range(max(first, 0), min(last, max_columns - 1) + 1))
            elif name.endswith("}mergeCell"):
                self._merge(grid, attrs.get("ref", ""))

        stream = self._open(part)
        if stream is not None:
            with stream:
                _SheetParser(self.name, part, self.limits.max_elements, row_ended, other_ended).parse(stream)
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

    def _value(
        self, attrs: dict[str, str], raw: str | None, inline: list[str], r: int, c: int, grid: Grid
    ) -> Any:
        """A cell's value from its attributes, its last ``v`` (``raw``) and the ``t`` texts of its inline string."""
        kind = attrs.get("t", "n")
        try:
            style = int(attrs.get("s", "0"))
        except ValueError:
            style = 0
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


# (attributes, text of its last ``v``, texts of the ``t`` elements of its inline string) of one cell
_Cell = tuple[dict[str, str], "str | None", list[str]]


class _SheetParser:
    """A worksheet part through expat's callbacks, without building elements (a 1,000-row sheet has ~30,000):
    each row's cells are handed over when the row ends, ``col`` and ``mergeCell`` when they end. Read as
    ``defusedxml`` reads (a DTD, entity declarations and external references refused, expat's errors raised as
    ``ParseError``), every element counted against ``max_elements``. A cell is a child of a ``row``; its value is
    the text of its last ``v`` child and of every ``t`` inside its ``is`` children, each ``t``'s text being
    what comes before its first child element (as ``ElementTree``'s ``text``)."""

    def __init__(
        self,
        file_name: str,
        part: str,
        max_elements: int,
        row_ended: Callable[[dict[str, str], list[_Cell]], None],
        other_ended: Callable[[str, dict[str, str]], None],
    ) -> None:
        self.file_name, self.part, self.max_elements = file_name, part, max_elements
        self.row_ended, self.other_ended = row_ended, other_ended
        self.count = 0
        self.depth = 0
        self.row_depth = -1  # the open row's depth, -1 outside rows
        self.row_attrs: dict[str, str] = {}
        self.cells: list[_Cell] = []
        self.cell_depth = -1
        self.cell_attrs: dict[str, str] = {}
        self.raw: str | None = None
        self.inline: list[str] = []
        self.is_depth = -1  # an ``is`` child of the open cell
        # elements whose text is being read: [depth, parts, "v" or the index in ``inline``, closed to text]
        self.texts: list[list[Any]] = []
        self.others: list[tuple[int, str, dict[str, str]]] = []  # non-row elements open (col, mergeCell …)

    def parse(self, stream: IO[bytes]) -> None:
        parser = expat.ParserCreate(None, "}")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _forbid_dtd
        parser.EntityDeclHandler = _forbid_entity
        parser.UnparsedEntityDeclHandler = _forbid_unparsed_entity
        parser.ExternalEntityRefHandler = _forbid_external
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        try:
            parser.ParseFile(stream)
        except expat.ExpatError as exc:
            error = ParseError(str(exc))  # as ElementTree raises it
            error.code = exc.code
            error.position = exc.lineno, exc.offset
            raise error from None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        depth = self.depth
        if self.texts and not self.texts[-1][3]:
            self.texts[-1][3] = True  # a child element: the text read so far is all of it
        local = name[name.rfind("}") + 1 :]
        if self.row_depth < 0:
            if name == "row" or name.endswith("}row"):
                self.row_depth, self.row_attrs, self.cells = depth, attrs, []
            else:
                self.others.append((depth, name, attrs))
            return
        if depth == self.row_depth + 1:
            self.cell_depth, self.cell_attrs, self.raw, self.inline = depth, attrs, None, []
        elif depth == self.cell_depth + 1 and self.cell_depth >= 0:
            if local == "v":
                self.texts.append([depth, [], "v", False])
            elif local == "is":
                self.is_depth = depth
        if local == "t" and self.is_depth >= 0 and depth > self.is_depth:
            self.inline.append("")
            self.texts.append([depth, [], len(self.inline) - 1, False])

    def data(self, text: str) -> None:
        if self.texts:
            last = self.texts[-1]
            if last[0] == self.depth and not last[3]:
                last[1].append(text)

    def end(self, name: str) -> None:
        self.count += 1
        if self.count > self.max_elements:
            raise FileRejected(
                f"Tệp {self.file_name}: phần {self.part} có quá nhiều thành phần (tối đa "
                f"{safe_files.number(self.max_elements)}), không mở."
            )
        depth = self.depth
        self.depth -= 1
        if self.texts and self.texts[-1][0] == depth:
            _, parts, slot, _ = self.texts.pop()
            if slot == "v":
                self.raw = "".join(parts) if parts else None
            else:
                self.inline[slot] = "".join(parts)
        if depth == self.is_depth:
            self.is_depth = -1
        if depth == self.cell_depth:
            self.cells.append((self.cell_attrs, self.raw, self.inline))
            self.cell_depth = -1
        elif depth == self.row_depth:
            self.row_depth = -1
            self.row_ended(self.row_attrs, self.cells)
            self.cells = []
        elif self.others and self.others[-1][0] == depth:
            _, other, attrs = self.others.pop()
            self.other_ended(other, attrs)


def _forbid_dtd(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(
    name: str,
    is_parameter_entity: bool,
    value: str | None,
    base: str | None,
    sysid: str | None,
    pubid: str | None,
    notation_name: str | None,
) -> None:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _forbid_unparsed_entity(
    name: str, base: str | None, sysid: str | None, pubid: str | None, notation_name: str | None
) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


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
