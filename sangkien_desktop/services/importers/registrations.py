"""Importing the registration tables units send (TỔNG HỢP ĐĂNG KÝ, seed 000), in the importers' shape:

- ``read(path)``: the file through its format's reader (.xlsx, .xls, .ods, .csv, .docx, .odt; .doc/.rtf/HTML
  through LibreOffice), then normalisation (TCVN3/VNI converted, invisible characters removed);
- ``analyse(session, source, options)``: table finding (header, continued tables, the year's sheet), row
  building (merged author rows, signature and total rows, hidden rows) and every rule checked, as an
  ``ImportPreview`` — nothing written;
- ``apply(session, preview, options)``: every row written in the caller's transaction, or none.

``preview_file`` and ``import_file`` run those steps with a ``Database``. The column mapping that worked is
remembered per unit (``ImportMapping``) for that unit's file next year.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...db.database import Database
from ...domain import column_matching as cm
from ...domain import legacy_encoding as le
from ...domain import registration_form as form
from ...domain import registration_rules as rules
from ...domain.author_cells import canonical_authors
from ...domain.errors import Issue, NotFoundError, ValidationError
from ...domain.text import clean, fold_key, one_line
from ...gc_pause import paused_gc
from ...models import AuditEntry, Dossier, ImportMapping, Person, Registration, RegistrationAuthor, Unit
from ...models.registration import registration_search_key
from .. import audit
from ..duplicates import DEFAULT_THRESHOLD, DuplicateIndex, DuplicateMatch, normalise
from ..registrations import (
    DeletedRegistration,
    PersonLinker,
    RegistrationData,
    TitleBook,
    UnitRef,
    UnitResolver,
    apply_data,
    authors_by_unit,
    co_author_limit,
    create_unit,
    delete_in,
    next_seq,
    restore_in,
)
from ..rounds import ensure_year
from .grid import Source
from .normalise import normalise as normalise_source
from .readers import read_file
from .tables import FILE_WHERE, FoundTable, choose, errors_phrase, find_tables

KIND = "registrations"
NOT_FOUND = (
    "Không tìm thấy bảng đăng ký trong tệp {name}: cần một dòng tiêu đề có các cột như 'TT', 'Tên sáng kiến', "
    "'Tác giả/nhóm tác giả' (theo mẫu TỔNG HỢP ĐĂNG KÝ)."
)


@dataclass
class ImportOptions:
    year: int
    unit: str | None = None  # --unit NAME: every row belongs to this unit
    unit_id: int | None = None  # the same, chosen in the GUI
    create_units: bool = False  # add units the file names that are not in the list yet
    replace: bool = False  # the file replaces the unit's registrations of the year (a corrected table)
    received_on: dt.date | None = None  # the day the table came, when the file itself gives no date
    columns: dict[str, int | None] | None = None  # fields moved by hand: field → 0-based column
    table: int | None = None  # which of the file's registration tables (0-based), when there are several
    sheet: str | None = None  # the same by a sheet's name (or number, from 1)
    include_hidden: bool = False  # import the rows the file hides too
    check_duplicates: bool = True
    duplicate_threshold: float = DEFAULT_THRESHOLD
    remember_mapping: bool = True


@dataclass(frozen=True)
class ColumnInfo:
    index: int
    letter: str  # "A", "B" … (spreadsheets) or "1", "2" … (Word)
    title: str
    field: str | None
    hidden: bool = False


@dataclass
class PreviewRow:
    line: int
    kind: str  # "data" | "section"
    values: dict[str, str]
    unit_id: int | None = None
    unit_name: str = ""
    new_unit: bool = False
    action: str = "new"  # "new" | "update" | "section"
    existing_id: int | None = None
    issues: list[Issue] = field(default_factory=list)
    duplicates: list[DuplicateMatch] = field(default_factory=list)
    registered_on: dt.date | None = None
    converted: tuple[str, ...] = ()  # "TCVN3", "VNI": the row's text was converted from these
    continued: tuple[int, ...] = ()  # lines of the rows folded in (more authors under merged cells)

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class ImportPreview:
    file_name: str
    table_name: str
    tables: list[str]
    header: cm.HeaderMatch
    columns: list[ColumnInfo]
    year: int
    year_in_file: int | None
    file_unit: str | None
    file_unit_id: int | None
    rows: list[PreviewRow]
    file_issues: list[Issue]
    units_to_create: list[str]
    to_delete: list[tuple[int, str]]
    notes: list[str] = field(default_factory=list)  # how the file was read (converted, tracked changes …)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based lines skipped because the file hides them
    ignored_columns: list[str] = field(default_factory=list)  # "J — Xếp loại"

    @property
    def data_rows(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind == "data"]

    @property
    def issues(self) -> list[Issue]:
        found = list(self.file_issues)
        for row in self.rows:
            found += row.issues
        return found

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        data = self.data_rows
        return {
            "rows": len(data),
            "new": sum(1 for r in data if r.action == "new"),
            "update": sum(1 for r in data if r.action == "update"),
            "delete": len(self.to_delete),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rows_with_errors": sum(1 for r in data if r.has_errors),
            "duplicates": sum(1 for r in data if r.duplicates),
            "units_to_create": len(self.units_to_create),
            "hidden_rows": len(self.hidden_rows),
            "converted_rows": sum(1 for r in data if r.converted),
        }

    def summary(self) -> str:
        c = self.counts()
        parts = [f"{c['rows']} dòng đăng ký ({c['new']} mới"]
        if c["update"]:
            parts[0] += f", {c['update']} cập nhật"
        parts[0] += ")"
        if c["delete"]:
            parts.append(f"{c['delete']} đăng ký cũ sẽ bị xóa")
        if self.units_to_create:
            parts.append(f"{len(self.units_to_create)} đơn vị mới: {', '.join(self.units_to_create)}")
        if c["converted_rows"]:
            parts.append(f"{c['converted_rows']} dòng đã chuyển từ TCVN3/VNI sang Unicode")
        if c["hidden_rows"]:
            parts.append(f"{c['hidden_rows']} dòng ẩn bỏ qua")
        if c["errors"]:
            parts.append(errors_phrase(c["errors"], c["rows_with_errors"]))
        if c["warnings"]:
            parts.append(f"{c['warnings']} cảnh báo")
        if c["duplicates"]:
            parts.append(f"{c['duplicates']} dòng giống sáng kiến đã có")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    year: int
    created: int
    updated: int
    deleted: int
    units_created: list[str]
    registration_ids: list[int]  # every row written, in the file's order
    warnings: list[Issue]
    preview: ImportPreview
    created_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Đã nhập {self.created + self.updated} đăng ký năm {self.year} từ tệp {self.file_name}"
        details = [f"{self.created} mới"]
        if self.updated:
            details.append(f"{self.updated} cập nhật")
        if self.deleted:
            details.append(f"{self.deleted} đăng ký cũ đã xóa")
        if self.units_created:
            details.append(f"thêm đơn vị: {', '.join(self.units_created)}")
        if self.warnings:
            details.append(f"{len(self.warnings)} cảnh báo")
        return f"{text} ({'; '.join(details)})."


class ImportRefused(ValidationError):
    """The file has errors: nothing was written. ``preview`` holds every row and its problems."""

    def __init__(self, preview: ImportPreview) -> None:
        self.preview = preview
        super().__init__(
            preview.errors,
            f"Tệp {preview.file_name} chưa nhập được, cơ sở dữ liệu không thay đổi. Các lỗi cần sửa",
        )


# ----------------------------------------------------------------------------------------------------
# read: the file's format reader, then normalisation. The last file read is kept (by name, size and time),
# so the preview's every refresh and the import after it do not read the file again.

_LAST: dict[tuple[str, int, int], Source] = {}


def read(path: Path) -> Source:
    path = Path(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _LAST:
        return _LAST[key]
    source = read_file(path)
    normalise_source(source)
    if key is not None:
        _LAST.clear()
        _LAST[key] = source
    return source


def forget_read_files() -> None:
    _LAST.clear()


# ----------------------------------------------------------------------------------------------------
# Remembered mappings


def load_mapping(session: Session, unit_id: int | None) -> dict[str, str]:
    row = session.scalar(
        select(ImportMapping)
        .where(
            ImportMapping.kind == KIND,
            ImportMapping.unit_id.is_(None) if unit_id is None else ImportMapping.unit_id == unit_id,
        )
        .order_by(ImportMapping.id.desc())
        .limit(1)
    )
    if row is None:
        return {}
    try:
        data = json.loads(row.mapping_json or "{}")
    except ValueError:
        return {}
    titles = data.get("titles", {})
    return {str(k): str(v) for k, v in titles.items() if v in form.IMPORT_FIELDS}


def save_mapping(session: Session, unit_id: int | None, header: cm.HeaderMatch) -> None:
    payload = json.dumps({"titles": header.remembered_form()}, ensure_ascii=False, sort_keys=True)
    row = session.scalar(
        select(ImportMapping).where(
            ImportMapping.kind == KIND,
            ImportMapping.unit_id.is_(None) if unit_id is None else ImportMapping.unit_id == unit_id,
        )
    )
    if row is None:
        session.add(ImportMapping(unit_id=unit_id, kind=KIND, mapping_json=payload))
    elif row.mapping_json != payload:
        row.mapping_json = payload
    session.flush()


# ----------------------------------------------------------------------------------------------------
# analyse, stage by stage


@dataclass
class _FileUnit:
    ref: UnitRef | None = None
    new_name: str | None = None  # named above the table (or --unit) but not in the catalog
    forced: bool = False  # chosen by the person (--unit, the GUI), not read from the file
    issues: list[Issue] = field(default_factory=list)


def _pick(source: Source, options: ImportOptions) -> FoundTable:
    if not source.grids:
        raise ValidationError(Issue(f"Tệp {source.file_name} không có bảng nào.", FILE_WHERE))
    tables = find_tables(source)
    wanted: int | str | None = options.table if options.table is not None else options.sheet
    table = choose(
        tables,
        options.year,
        wanted,
        source.file_name,
        "bảng đăng ký",
        NOT_FOUND.format(name=source.file_name),
    )
    return table


def _file_unit(resolver: UnitResolver, table: FoundTable, options: ImportOptions) -> _FileUnit:
    """The unit that sent the file: forced (--unit, the GUI), or written above the table."""
    found = _FileUnit()
    if options.unit_id is not None:
        return _FileUnit(resolver.ref(options.unit_id), forced=True)
    if options.unit:
        ref = resolver.resolve(options.unit)
        if ref is not None:
            return _FileUnit(ref, forced=True)
        if not options.create_units:
            suggested = resolver.suggest(options.unit)
            extra = f" Có phải: {'; '.join(suggested)}?" if suggested else ""
            raise NotFoundError(
                f"Không có đơn vị '{one_line(options.unit)}' trong danh mục đơn vị.{extra} "
                "(Muốn thêm đơn vị mới, dùng tùy chọn tạo đơn vị.)"
            )
        return _FileUnit(new_name=one_line(options.unit), forced=True)
    explicit_unknown = None
    for hint in cm.unit_hints(table.lines_above):
        ref = resolver.resolve(hint.text)
        if ref is not None:
            found.ref = ref
            return found
        if hint.explicit and explicit_unknown is None:
            explicit_unknown = hint.text
    if explicit_unknown:
        found.new_name = one_line(explicit_unknown)
    return found


def _header(session: Session, table: FoundTable, unit: _FileUnit, options: ImportOptions) -> cm.HeaderMatch:
    """The column mapping: as found, then as remembered for this unit, then as moved by hand."""
    header = table.header
    remembered = load_mapping(session, unit.ref.id if unit.ref else None)
    if remembered:
        again = cm.match_header_at(
            table.grid.rows, header.header_row, remembered, hidden=table.grid.hidden_cols
        )
        if again is not None:
            header = again
    if options.columns:
        header = cm.remap(header, options.columns)
    return header


def _header_issues(
    header: cm.HeaderMatch, unit: _FileUnit, table: FoundTable, options: ImportOptions
) -> list[Issue]:
    issues = []
    if form.TITLE not in header.columns:
        issues.append(Issue("Chưa chọn cột Tên sáng kiến.", FILE_WHERE, column=form.TITLE))
    if form.AUTHORS not in header.columns:
        issues.append(
            Issue(
                "Không tìm thấy cột Tác giả/nhóm tác giả (hãy chọn cột cho trường này).",
                FILE_WHERE,
                column=form.AUTHORS,
            )
        )
    has_file_unit = unit.ref is not None or unit.new_name is not None
    if not has_file_unit and form.APPLIED_UNIT not in header.columns:
        issues.append(
            Issue(
                "Không xác định được đơn vị: đầu tệp không ghi 'ĐƠN VỊ: …' và bảng không có cột Đơn vị. "
                "Hãy chọn đơn vị cho cả tệp.",
                FILE_WHERE,
                column=form.APPLIED_UNIT,
            )
        )
    if table.year is not None and table.year != options.year:
        issues.append(
            Issue(
                f"{table.name[:1].upper()}{table.name[1:]} ghi năm {table.year}, đang nhập vào năm {options.year}: "
                "hãy chọn đúng năm (hoặc đúng bảng của năm đó).",
                FILE_WHERE,
            )
        )
    return issues


def _columns(table: FoundTable, header: cm.HeaderMatch) -> tuple[list[ColumnInfo], list[str]]:
    grid = table.grid
    by_index = {i: k for k, i in header.columns.items()}
    columns = [
        ColumnInfo(i, grid.column_name(i), header.titles.get(i, ""), by_index.get(i), i in grid.hidden_cols)
        for i in range(grid.width)
    ]
    ignored = [f"{c.letter} — {one_line(c.title)}" for c in columns if c.title and c.field is None]
    return columns, ignored


def _file_date(table: FoundTable, end: int) -> dt.date | None:
    """The date the table was signed ("Tam Điệp, ngày 25 tháng 3 năm 2026") below it, else above it."""
    below = [cm.cell_text(v) for row in table.grid.rows[end:] for v in row if cm.cell_text(v)]
    dates = cm.dates_in(below + table.lines_after) or cm.dates_in(table.lines_above)
    return dates[-1] if dates else None


@dataclass
class _Context:
    """What every row's checks share."""

    session: Session
    resolver: UnitResolver
    options: ImportOptions
    table: FoundTable
    header: cm.HeaderMatch
    file_unit: _FileUnit
    book: TitleBook
    limit: int
    default_date: dt.date
    duplicates: DuplicateIndex | None
    known_duplicates: dict[int, list[DuplicateMatch]] | None = None  # line → matches, from the preview
    found_duplicates: dict[int, list[DuplicateMatch]] = field(default_factory=dict)  # line → this check's
    new_units: dict[str, str] = field(default_factory=dict)
    seen_titles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    letterhead_differs: list[int] = field(default_factory=list)


def _cell_issues(
    ctx: _Context, source_row: cm.SourceRow, values: dict[str, str]
) -> tuple[list[Issue], tuple[str, ...]]:
    """Cells whose encoding could not be decided (errors naming the cell), and the encodings converted."""
    grid = ctx.table.grid
    issues = []
    encodings = set()
    seq = values.get(form.SEQ, "")
    for name, c in ctx.header.columns.items():
        for r in source_row.indexes:
            if (r, c) in grid.undecided:
                issues.append(
                    rules.issue(
                        f"{grid.cell_name(r, c)}: không xác định được chữ trong ô được gõ theo bảng mã nào "
                        "(Unicode, TCVN3 hay VNI). Hãy đặt lại phông chữ của ô (.VnTime cho TCVN3, VNI-Times cho "
                        "VNI) hoặc gõ lại bằng Unicode rồi gửi lại.",
                        source_row.line,
                        name if name in form.IMPORT_FIELDS else None,
                        seq=seq,
                    )
                )
            elif (r, c) in grid.converted:
                encodings.add(le.LABELS[grid.converted[(r, c)]])
            elif (
                isinstance(grid.rows[r][c], str)
                and le.needs_checking(grid.rows[r][c])
                and le.looks_legacy(grid.rows[r][c])
            ):
                issues.append(
                    rules.issue(
                        f"{grid.cell_name(r, c)}: chữ trong ô vẫn còn dạng mã cũ (TCVN3/VNI), không lưu.",
                        source_row.line,
                        name,
                        seq=seq,
                    )
                )
    return issues, tuple(sorted(encodings))


def _row_unit(
    ctx: _Context, values: dict[str, str], line: int, section: UnitRef | None, previous: PreviewRow | None
) -> tuple[UnitRef | None, str, bool, list[Issue]]:
    """(unit, unit as written, a new unit?, issues) of one row: the unit named on the row when it is a known
    unit (a compiled table), else the file's unit, else the section's or the row above's."""
    opts = ctx.options
    extra: list[Issue] = []
    seq = values.get(form.SEQ, "")
    file_unit = ctx.file_unit
    written = values.get(form.APPLIED_UNIT, "")
    if file_unit.forced:
        if file_unit.ref is not None:
            return file_unit.ref, "", False, extra
        return None, file_unit.new_name or "", opts.create_units, extra
    own = ctx.resolver.resolve(written) if written else None
    if own is not None:
        if file_unit.ref is not None and own.id != file_unit.ref.id:
            ctx.letterhead_differs.append(line)
        return own, written, False, extra
    if file_unit.ref is not None:
        return file_unit.ref, "", False, extra
    if file_unit.new_name is not None:
        return None, file_unit.new_name, opts.create_units, extra
    if not written:
        if section is not None:
            return section, "", False, extra
        if previous is not None and (previous.unit_id is not None or previous.new_unit):
            values[form.APPLIED_UNIT] = previous.get(form.APPLIED_UNIT)
            unit = ctx.resolver.ref(previous.unit_id) if previous.unit_id is not None else None
            extra.append(
                rules.issue(
                    f"Ô Đơn vị để trống: lấy theo dòng trên ({previous.unit_name}).",
                    line,
                    form.APPLIED_UNIT,
                    "warning",
                    seq,
                )
            )
            return unit, previous.get(form.APPLIED_UNIT), previous.new_unit, extra
        return None, "", False, extra
    return None, written, opts.create_units, extra


def _duplicate_matches(ctx: _Context, values: dict[str, str], key: str, line: int) -> list[DuplicateMatch]:
    """The row's closest known initiatives (from the preview just made for the same file, when there is one)."""
    if not key:
        return []
    if ctx.known_duplicates is not None:
        return list(ctx.known_duplicates.get(line, []))
    if ctx.duplicates is None:
        return []
    skip = {reg_id for reg_id, _, _ in ctx.book.entries.get(key, [])}
    found = ctx.found_duplicates.get(line)
    if found is None:
        found = ctx.duplicates.matches(
            values.get(form.TITLE, ""),
            values.get(form.CONTENT, ""),
            threshold=ctx.options.duplicate_threshold,
            limit=8,
        )
    return [m for m in found if not (m.kind == "registration" and m.ref_id in skip)][:3]


def _duplicate_issues(matches: list[DuplicateMatch], values: dict[str, str], line: int) -> list[Issue]:
    return [
        rules.issue(
            f"Giống sáng kiến '{m.title}' ({m.unit_name}, "
            + (f"đã công nhận loại {m.grade} năm {m.year}" if m.kind == "recognized" else m.status)
            + f"): {m.score:.0f}%.",
            line,
            form.TITLE,
            "warning",
            values.get(form.SEQ, ""),
        )
        for m in matches[:1]
    ]


def _data_row(
    ctx: _Context, source_row: cm.SourceRow, section: UnitRef | None, previous: PreviewRow | None
) -> PreviewRow:
    values = dict(source_row.values)
    line = source_row.line
    if values.get(form.AUTHORS):
        values[form.AUTHORS] = canonical_authors(values[form.AUTHORS])
    cell_issues, converted = _cell_issues(ctx, source_row, values)
    unit, unit_text, new_unit, extra = _row_unit(ctx, values, line, section, previous)
    if new_unit and unit is None and unit_text and fold_key(unit_text) not in ctx.new_units:
        ctx.new_units[fold_key(unit_text)] = one_line(unit_text)
        if not (ctx.file_unit.new_name and fold_key(ctx.file_unit.new_name) == fold_key(unit_text)):
            extra.append(
                rules.issue(
                    f"Sẽ thêm đơn vị mới '{one_line(unit_text)}' vào danh mục.",
                    line,
                    form.APPLIED_UNIT,
                    "warning",
                    values.get(form.SEQ, ""),
                )
            )
    unit_name = unit.name if unit else (one_line(unit_text) if new_unit else None)
    registered_on = cm.parse_date(values.get(form.REGISTERED_ON, "")) or ctx.default_date
    key = fold_key(values.get(form.TITLE, ""))
    existing_id, action, same_unit = None, "new", False
    if unit is not None and key:
        existing_id = ctx.book.same_unit(key, unit.id)
        if existing_id is not None:
            action, same_unit = ("update", False) if ctx.options.replace else ("new", True)
    letterhead_unknown = ctx.file_unit.new_name is not None and not ctx.file_unit.forced
    facts = rules.RowFacts(
        line=line,
        values=values,
        year=ctx.options.year,
        unit_name=unit_name,
        unit_text=unit_text,
        unit_required=not letterhead_unknown or ctx.options.create_units,
        authors_by_unit=authors_by_unit(ctx.resolver, values.get(form.AUTHORS, ""), unit, unit_name or ""),
        co_author_limit=ctx.limit,
        registered_on=registered_on,
        deadline=unit.deadline(ctx.options.year) if unit else None,
        unit_type_name=unit.type_name if unit else "",
        earlier_rows_same_title=tuple(ctx.seen_titles.get(key, [])) if key else (),
        registered_same_unit=same_unit,
        registered_other_units=ctx.book.other_units(key, unit.id) if unit and key else (),
        unit_note=unit.note if unit else "",
        unit_suggestions=tuple(ctx.resolver.suggest(unit_text))
        if unit is None and not new_unit and unit_text
        else (),
    )
    issues = cell_issues + rules.check_row(facts) + extra
    if key:
        ctx.seen_titles[key].append(line)
    duplicates = _duplicate_matches(ctx, values, key, line)
    issues += _duplicate_issues(duplicates, values, line)
    return PreviewRow(
        line,
        "data",
        values,
        unit_id=unit.id if unit else None,
        unit_name=unit_name or unit_text,
        new_unit=new_unit and unit is None,
        action=action,
        existing_id=existing_id if action == "update" else None,
        issues=sorted(issues, key=lambda i: 0 if i.is_error else 1),
        duplicates=duplicates,
        registered_on=registered_on,
        converted=converted,
        continued=tuple(ctx.table.grid.line(r) for r in source_row.continued),
    )


def _build_rows(ctx: _Context, source_rows: list[cm.SourceRow]) -> list[PreviewRow]:
    rows: list[PreviewRow] = []
    section: UnitRef | None = None
    previous: PreviewRow | None = None
    if ctx.duplicates is not None and ctx.known_duplicates is None:  # all titles at once: texts read together
        data = [s for s in source_rows if s.kind != "section"]
        answers = ctx.duplicates.matches_many(
            [
                (normalise(s.values.get(form.TITLE, "")), normalise(s.values.get(form.CONTENT, "")), None)
                for s in data
            ],
            threshold=ctx.options.duplicate_threshold,
            limit=8,
        )
        ctx.found_duplicates = {s.line: found for s, found in zip(data, answers, strict=True)}
    for source_row in source_rows:
        if source_row.kind == "section":
            found = ctx.resolver.resolve(source_row.text)
            if found is not None:
                section = found
            rows.append(
                PreviewRow(
                    source_row.line,
                    "section",
                    dict(source_row.values),
                    unit_id=found.id if found else None,
                    unit_name=found.name if found else source_row.text,
                    action="section",
                )
            )
            continue
        row = _data_row(ctx, source_row, section, previous)
        rows.append(row)
        previous = row
    return rows


def _to_delete(
    session: Session, rows: list[PreviewRow], options: ImportOptions, issues: list[Issue]
) -> list[tuple[int, str]]:
    """With ``replace``: the unit's registrations of the year that the new file no longer has."""
    if not options.replace:
        return []
    kept = {r.existing_id for r in rows if r.existing_id is not None}
    unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
    if not unit_ids:
        return []
    olds = session.execute(
        select(Registration.id, Registration.title).where(
            Registration.year == options.year, Registration.unit_id.in_(unit_ids)
        )
    ).all()
    linked = set(
        session.scalars(
            select(Dossier.registration_id).where(Dossier.registration_id.in_([i for i, _ in olds]))
        ).all()
    )
    found = []
    for reg_id, title in olds:
        if reg_id in kept:
            continue
        if reg_id in linked:
            issues.append(
                Issue(
                    f"Đăng ký cũ '{one_line(title)}' không có trong tệp mới nhưng đã có hồ sơ: giữ lại.",
                    FILE_WHERE,
                    "warning",
                )
            )
            continue
        found.append((reg_id, one_line(title)))
    return found


def _file_unit_issues(ctx: _Context, rows: list[PreviewRow]) -> list[Issue]:
    unit = ctx.file_unit
    issues = []
    if unit.new_name and not unit.forced:
        if ctx.options.create_units:
            issues.append(Issue(f"Sẽ thêm đơn vị mới '{unit.new_name}' vào danh mục.", FILE_WHERE, "warning"))
        else:
            suggestions = ctx.resolver.suggest(unit.new_name)
            extra = f" Có phải: {'; '.join(suggestions)}?" if suggestions else ""
            issues.append(
                Issue(
                    f"Đơn vị '{unit.new_name}' ghi ở đầu tệp chưa có trong danh mục đơn vị.{extra}",
                    FILE_WHERE,
                    column=form.APPLIED_UNIT,
                )
            )
    elif unit.new_name and unit.forced and ctx.options.create_units:
        issues.append(Issue(f"Sẽ thêm đơn vị mới '{unit.new_name}' vào danh mục.", FILE_WHERE, "warning"))
    if ctx.letterhead_differs and unit.ref is not None:
        lines = ", ".join(str(n) for n in ctx.letterhead_differs[:10])
        issues.append(
            Issue(
                f"Đầu tệp ghi đơn vị {unit.ref.name} nhưng các dòng {lines} ghi đơn vị khác: mỗi dòng được nhập cho "
                "đơn vị ghi ở dòng đó.",
                FILE_WHERE,
                "warning",
            )
        )
    return issues


def analyse(
    session: Session,
    source: Source,
    options: ImportOptions,
    known_duplicates: dict[int, list[DuplicateMatch]] | None = None,
) -> ImportPreview:
    """Everything the import would do, and every problem, without writing. ``known_duplicates``: each row's
    duplicate warnings as a preview of the same file just found them (they are warnings only; everything that
    decides whether the file may be written is checked again)."""
    table = _pick(source, options)
    resolver = UnitResolver(session)
    file_unit = _file_unit(resolver, table, options)
    header = _header(session, table, file_unit, options)
    file_issues = _header_issues(header, file_unit, table, options)
    columns, ignored = _columns(table, header)
    grid = table.grid
    found = cm.read_table_rows(
        grid.rows, header, grid.covered(), grid.hidden_rows, options.include_hidden, grid.line_numbers
    )
    ctx = _Context(
        session=session,
        resolver=resolver,
        options=options,
        table=table,
        header=header,
        file_unit=file_unit,
        book=TitleBook.load(session, options.year),
        limit=co_author_limit(session, options.year),
        default_date=_file_date(table, found.end) or options.received_on or dt.date.today(),
        duplicates=DuplicateIndex.cached(session)
        if options.check_duplicates and known_duplicates is None
        else None,
        known_duplicates=known_duplicates if options.check_duplicates else None,
    )
    if file_unit.new_name and (options.create_units or file_unit.forced):
        ctx.new_units[fold_key(file_unit.new_name)] = file_unit.new_name
    rows = _build_rows(ctx, found.rows)
    data_rows = [r for r in rows if r.kind == "data"]
    if (
        file_unit.new_name
        and not file_unit.forced
        and data_rows
        and all(r.unit_id is not None for r in data_rows)
    ):
        ctx.new_units.pop(fold_key(file_unit.new_name), None)
        file_issues.append(
            Issue(
                f"Đơn vị '{file_unit.new_name}' ghi ở đầu tệp chưa có trong danh mục; mọi dòng ghi đơn vị có trong "
                "danh mục nên được nhập cho đơn vị ghi ở từng dòng.",
                FILE_WHERE,
                "warning",
            )
        )
        file_unit.new_name = None  # every row names a known unit: the letterhead does not decide
    file_issues += _file_unit_issues(ctx, rows)
    if not data_rows:
        file_issues.append(Issue("Không có dòng đăng ký nào dưới dòng tiêu đề cột.", FILE_WHERE))
    if found.hidden:
        file_issues.append(
            Issue(
                f"Các dòng ẩn trong tệp không được nhập: {', '.join(map(str, found.hidden))} (muốn nhập cả dòng "
                "ẩn, đánh dấu 'Nhập cả dòng ẩn' hoặc dùng --include-hidden).",
                FILE_WHERE,
                "warning",
            )
        )
    if ignored:
        file_issues.append(
            Issue(f"Các cột không thuộc mẫu, không nhập: {'; '.join(ignored)}.", FILE_WHERE, "warning")
        )
    to_delete = _to_delete(session, data_rows, options, file_issues)
    notes = list(source.notes)
    return ImportPreview(
        file_name=source.file_name,
        table_name=table.name,
        tables=[t.name for t in find_tables(source)] if len(source.grids) > 1 else [table.name],
        header=header,
        columns=columns,
        year=options.year,
        year_in_file=table.year,
        file_unit=file_unit.ref.name if file_unit.ref else file_unit.new_name,
        file_unit_id=file_unit.ref.id if file_unit.ref else None,
        rows=rows,
        file_issues=file_issues,
        units_to_create=list(ctx.new_units.values()) if options.create_units else [],
        to_delete=to_delete,
        notes=notes,
        hidden_rows=found.hidden,
        ignored_columns=ignored,
    )


# ----------------------------------------------------------------------------------------------------
# apply


def _row_data(row: PreviewRow, unit_id: int, options: ImportOptions, file_name: str) -> RegistrationData:
    return RegistrationData(
        year=options.year,
        unit_id=unit_id,
        title=row.get(form.TITLE),
        authors_text=row.get(form.AUTHORS),
        applied_unit=row.get(form.APPLIED_UNIT),
        problem=row.get(form.PROBLEM),
        content=row.get(form.CONTENT),
        effect=row.get(form.EFFECT),
        scope=row.get(form.SCOPE),
        department=row.get(form.DEPARTMENT),
        seq=None,
        registered_on=row.registered_on or options.received_on or dt.date.today(),
        source=file_name,
        field=row.get(form.AREA),
        note=row.get(form.NOTE),
    )


@dataclass
class _NewRow:
    unit: int | str  # the unit's id, or the folded name of a unit the import creates
    values: dict[str, object]  # the registration's columns but ``unit_id``
    authors: list[dict[str, object]]  # its authors' columns but ``registration_id``


@dataclass
class ImportPlan:
    """What ``apply`` writes, worked out beforehand (``plan_in``: numbering, authors, people linked, every
    value cleaned and folded), so that writing it (``write_in``) is a few statements and the database's write
    lock is held briefly."""

    preview: ImportPreview
    options: ImportOptions
    order: list[tuple[bool, int]]  # file order: (new?, index in ``new`` or in ``updates``)
    new: list[_NewRow] = field(default_factory=list)
    updates: list[tuple[int, RegistrationData, int | str]] = field(default_factory=list)  # (id, data, unit)
    # SQLite: the new rows already encoded for one executemany each (registrations, their authors)
    encoded: tuple[_Encoded, _Encoded] | None = None


@dataclass(frozen=True)
class _Encoded:
    """Rows ready for one executemany: the statement, and each row's values after its leading columns (ids,
    known only once the write lock is held)."""

    sql: str
    rest: list[tuple[object, ...]]


def apply(session: Session, preview: ImportPreview, options: ImportOptions) -> ImportResult:
    """Write every row of an error-free preview in the caller's transaction."""
    return write_in(session, plan_in(session, preview, options))


def plan_in(session: Session, preview: ImportPreview, options: ImportOptions) -> ImportPlan:
    """Everything an error-free preview will write, computed without writing (reads only)."""
    if not preview.ok:
        raise ImportRefused(preview)
    resolver = UnitResolver(session)
    linker = PersonLinker(session)
    plan = ImportPlan(preview, options, [])
    seqs: dict[int | str, int] = {}  # the next TT of each unit, read once
    for row in preview.data_rows:
        unit: int | str = resolver.ref(row.unit_id).id if row.unit_id is not None else fold_key(row.unit_name)
        data = _row_data(row, unit if isinstance(unit, int) else 0, options, preview.file_name)
        if row.action == "update" and row.existing_id is not None:
            plan.order.append((False, len(plan.updates)))
            plan.updates.append((row.existing_id, data, unit))
            continue
        # numbered after the unit's registrations already in the database, in the file's order
        if unit not in seqs:
            seqs[unit] = next_seq(session, options.year, unit) if isinstance(unit, int) else 1
        data.seq = seqs[unit]
        seqs[unit] += 1
        plan.order.append((True, len(plan.new)))
        plan.new.append(_new_row(data, unit, linker))
    if plan.new and session.get_bind().dialect.name == "sqlite":
        plan.encoded = (
            _encode(session, Registration.__table__, ("id", "unit_id"), [r.values for r in plan.new]),
            _encode(
                session,
                RegistrationAuthor.__table__,
                ("registration_id",),
                [a for r in plan.new for a in r.authors],
            ),
        )
    return plan


def _new_row(data: RegistrationData, unit: int | str, linker: PersonLinker) -> _NewRow:
    """A new registration's columns and its authors', with the same values ``apply_data`` gives one."""
    row: dict[str, object] = {name: clean(getattr(data, name) or "") for name in form.TEXT_FIELDS}
    row |= {
        "year": data.year,
        "seq": data.seq,
        "title_key": fold_key(row["title"]),  # type: ignore[arg-type]
        "registered_on": data.registered_on,
        "source": (data.source or "")[:255],
        "field": clean(data.field),
        "note": clean(data.note),
        "not_duplicate": False,
        "not_duplicate_note": "",
    }
    row["search_key"] = registration_search_key(row)
    entries = rules.parse_authors(data.authors_text)
    departments = rules.split_departments(data.department, len(entries))
    authors: list[dict[str, object]] = []
    for i, (author, dept) in enumerate(zip(entries, departments, strict=True)):
        name = one_line(author.name)
        authors.append(
            {
                "position": i,
                "full_name": name,
                "name_key": fold_key(name),
                "department": (dept or author.note)[:255],
                "job_title": author.position,
                "person_id": linker.link(name, unit) if isinstance(unit, int) else None,  # a new unit: nobody
            }
        )
    return _NewRow(unit, row, authors)


def write_in(session: Session, plan: ImportPlan) -> ImportResult:
    """Write a plan in the caller's transaction: units created, rows updated, new rows in two multi-row
    INSERTs, old rows deleted, the mapping remembered, one audit entry."""
    preview, options = plan.preview, plan.options
    ensure_year(session, options.year)
    created_units: dict[str, int] = {}
    for name in preview.units_to_create:
        created_units[fold_key(name)] = create_unit(session, name).id

    def unit_id(unit: int | str) -> int:
        return unit if isinstance(unit, int) else created_units[unit]

    updated: list[int] = []
    linker = PersonLinker(session) if plan.updates else None
    for reg_id, data, unit in plan.updates:
        reg = session.get(Registration, reg_id)
        assert reg is not None
        data.unit_id = unit_id(unit)
        data.seq = reg.seq
        apply_data(session, reg, data, data.unit_id, linker)
        updated.append(reg.id)
    session.flush()
    new_ids = _insert_new(session, plan, unit_id)
    ids = [new_ids[i] if new else updated[i] for new, i in plan.order]
    created = len(new_ids)
    for reg_id, _ in preview.to_delete:
        delete_in(session, reg_id)
    if options.remember_mapping:
        unit_for_mapping = preview.file_unit_id
        if unit_for_mapping is None and preview.file_unit:
            unit_for_mapping = created_units.get(fold_key(preview.file_unit))
        save_mapping(session, unit_for_mapping, preview.header)
    audit.record(
        session,
        "import",
        "registration",
        "",
        f"Nhập {len(ids)} đăng ký năm {options.year} từ tệp {preview.file_name}",
        new={
            "file": preview.file_name,
            "year": options.year,
            "created": created,
            "updated": len(ids) - created,
            "deleted": [i for i, _ in preview.to_delete],
            "units_created": preview.units_to_create,
            "ids": ids,
        },
    )
    return ImportResult(
        file_name=preview.file_name,
        year=options.year,
        created=created,
        updated=len(ids) - created,
        deleted=len(preview.to_delete),
        units_created=list(preview.units_to_create),
        registration_ids=ids,
        warnings=preview.warnings,
        preview=preview,
        created_ids=new_ids,
    )


def _insert_new(session: Session, plan: ImportPlan, unit_id: Callable[[int | str], int]) -> list[int]:
    """The plan's new registrations and their authors, as two multi-row INSERTs; their ids in order."""
    rows = plan.new
    if not rows:
        return []
    if plan.encoded is None:  # PostgreSQL
        values = [{**row.values, "unit_id": unit_id(row.unit)} for row in rows]
        statement = insert(Registration).returning(Registration.id, sort_by_parameter_order=True)
        ids = list(session.scalars(statement, values))
        authors = [{**a, "registration_id": i} for i, row in zip(ids, rows, strict=True) for a in row.authors]
        if authors:
            session.execute(insert(RegistrationAuthor), authors)
        return ids
    # SQLite, the write lock ours (``take_write_lock``): the ids SQLite would give (max + 1 …, no AUTOINCREMENT)
    # are set here, and each table's rows go in one executemany (not one INSERT … RETURNING per row)
    take_write_lock(session)
    first = int(session.scalar(select(func.max(Registration.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    encoded_rows, encoded_authors = plan.encoded
    conn = session.connection()
    conn.exec_driver_sql(
        encoded_rows.sql,
        [(i, unit_id(row.unit), *rest) for i, row, rest in zip(ids, rows, encoded_rows.rest, strict=True)],
    )
    if encoded_authors.rest:
        owners = [i for i, row in zip(ids, rows, strict=True) for _ in row.authors]
        conn.exec_driver_sql(
            encoded_authors.sql, [(i, *rest) for i, rest in zip(owners, encoded_authors.rest, strict=True)]
        )
    return ids


def _encode(
    session: Session, table: Any, leading: tuple[str, ...], rows: list[dict[str, object]]
) -> _Encoded:
    """``rows`` (dicts with the same keys) as an INSERT for one executemany: each value through its column's
    bind processor, the columns' defaults added, the ``leading`` columns left to the writer. Done before the
    write lock is taken (SQLAlchemy's per-row parameter handling would be most of a 20,000-row import's time)."""
    dialect = session.get_bind().dialect
    names = list(rows[0]) if rows else []
    defaults = {
        column.name: column.default.arg if column.default.is_scalar else column.default.arg(None)
        for column in table.columns
        if column.name not in names and column.name not in leading and column.default is not None
    }
    processors = [(name, table.c[name].type.bind_processor(dialect)) for name in names]
    fixed = []
    for name, value in defaults.items():
        process = table.c[name].type.bind_processor(dialect)
        fixed.append(process(value) if process is not None else value)
    rest = [tuple([p(row[n]) if p is not None else row[n] for n, p in processors] + fixed) for row in rows]
    columns = [*leading, *names, *defaults]
    quote = dialect.identifier_preparer
    names_sql = ", ".join(quote.quote(name) for name in columns)  # quoted as SQLAlchemy quotes them
    marks = ", ".join("?" * len(columns))
    return _Encoded(f"INSERT INTO {quote.format_table(table)} ({names_sql}) VALUES ({marks})", rest)


# ----------------------------------------------------------------------------------------------------
# Entry points


_PREVIEWS: dict[tuple[object, ...], ImportPreview] = {}


def _preview_key(db: Database, source: Source, options: ImportOptions) -> tuple[object, ...]:
    return (str(db.url), id(source), repr(options))


def preview_file(db: Database, path: Path, options: ImportOptions) -> ImportPreview:
    """Read and check the file; nothing is written."""
    source = read(Path(path))
    with db.reading() as session, paused_gc():  # thousands of small objects, no cycles
        preview = analyse(session, source, options)
    _PREVIEWS.clear()
    _PREVIEWS[_preview_key(db, source, options)] = preview
    return preview


def import_file(db: Database, path: Path, options: ImportOptions) -> ImportResult:
    """Check and write the whole file in one transaction. Raises ``ImportRefused`` (nothing written)
    when any row has an error. After a preview of the same file with the same options (the GUI always
    shows one), its duplicate warnings are reused.

    The database's write lock is held briefly (issue 17: another program waiting to write must not reach the
    busy timeout): the file is checked and matched, and everything it writes worked out, *before* the write
    transaction opens; that transaction takes the lock first, then writes the plan in a few statements. When
    another writer changed what the check read in between, the check and the plan are made again inside the
    transaction, so what is written always follows the rules on the data as it is."""
    source = read(Path(path))
    shown = _PREVIEWS.get(_preview_key(db, source, options))
    known = {r.line: r.duplicates for r in shown.data_rows} if shown is not None else None
    with db.reading() as session, paused_gc():
        seen = _stamp(session)  # first: a change made while checking is seen as one
        preview = analyse(session, source, options, known)
        plan = plan_in(session, preview, options)
    with db.session() as session:
        take_write_lock(session)
        if _stamp(session) != seen:
            found = {r.line: r.duplicates for r in preview.data_rows}  # warnings only: not searched again
            plan = plan_in(session, analyse(session, source, options, found), options)
        return write_in(session, plan)


def take_write_lock(session: Session) -> None:
    """SQLite: open the session's transaction with ``BEGIN IMMEDIATE`` (the write lock now, and the newest data
    read from here on). Other databases lock the rows they write; nothing to do."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    driver = conn.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _stamp(session: Session) -> tuple[object, ...]:
    """What an import's check and plan depend on, cheaply: the audit log's head (every writer of the app logs)
    and the registrations, units and people as counts, newest ids and times."""
    return tuple(
        session.execute(
            select(
                select(func.max(AuditEntry.id)).scalar_subquery(),
                select(func.count(Registration.id)).scalar_subquery(),
                select(func.max(Registration.id)).scalar_subquery(),
                select(func.max(Registration.updated_at)).scalar_subquery(),
                select(func.count(Unit.id)).scalar_subquery(),
                select(func.max(Unit.updated_at)).scalar_subquery(),
                select(func.count(Person.id)).scalar_subquery(),
                select(func.max(Person.id)).scalar_subquery(),
                select(func.max(Person.updated_at)).scalar_subquery(),
            )
        ).one()
    )


def undo_import(db: Database, created_ids: list[int], before: list[DeletedRegistration] | None = None) -> int:
    """Take an import back in one transaction: remove the registrations it created and put back the
    ones it changed or deleted (``before``: their snapshots taken before the import). Returns how many
    registrations were removed."""
    removed = 0
    with db.session() as session:
        for reg_id in created_ids:
            if session.get(Registration, reg_id) is not None:
                delete_in(session, reg_id)
                removed += 1
        for snapshot in before or []:
            restore_in(session, snapshot)
    return removed
