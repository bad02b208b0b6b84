"""Importing the registration tables units send (.xlsx or .docx laid out like the official form).

``preview_file`` reads the file (through ``safe_files``), finds the header and maps the columns, works out
each row's unit and checks every rule, without writing anything. ``import_file`` does the same inside one
transaction and writes every row, or, if any row has an error, nothing at all. The column mapping that
worked is remembered per unit (``ImportMapping``) for that unit's file next year.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain import column_matching as cm
from ..domain import registration_form as form
from ..domain import registration_rules as rules
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.text import fold_key, one_line
from ..models import Dossier, ImportMapping, Registration
from . import audit, safe_files
from .duplicates import DEFAULT_THRESHOLD, DuplicateIndex, DuplicateMatch, normalise
from .registrations import (
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
from .rounds import ensure_year

KIND = "registrations"
FILE_WHERE = "Đầu tệp"


@dataclass
class ImportOptions:
    year: int
    unit: str | None = None  # --unit NAME: every row belongs to this unit
    unit_id: int | None = None  # the same, chosen in the GUI
    create_units: bool = False  # add units the file names that are not in the list yet
    replace: bool = False  # the file replaces the unit's registrations of the year (a corrected table)
    received_on: dt.date | None = None  # date the table was received (for the deadline check)
    columns: dict[str, int | None] | None = None  # fields moved by hand: field → 0-based column
    table: int | None = None  # which sheet / Word table, when the first one is not it
    check_duplicates: bool = True
    duplicate_threshold: float = DEFAULT_THRESHOLD
    remember_mapping: bool = True


@dataclass(frozen=True)
class SourceTable:
    name: str  # "trang tính 'Sheet1'" or "bảng 2"
    rows: list[list[Any]]
    lines_before: list[str]  # paragraphs (Word) above the table


@dataclass(frozen=True)
class ColumnInfo:
    index: int
    letter: str  # "A", "B" … (Excel) or "1", "2" … (Word)
    title: str
    field: str | None


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
        if c["errors"]:
            parts.append(f"{c['errors']} lỗi ở {c['rows_with_errors']} dòng")
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
# Reading the file


def _column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_source(path: Path) -> list[SourceTable]:
    """The tables of an .xlsx (one per sheet) or a .docx (one per Word table), through ``safe_files``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        workbook = safe_files.load_workbook(path)
        try:
            return [
                SourceTable(f"trang tính '{ws.title}'", safe_files.sheet_rows(ws), [])
                for ws in workbook.worksheets
            ]
        finally:
            workbook.close()
    if suffix == ".docx":
        tables: list[SourceTable] = []
        lines: list[str] = []
        for block in safe_files.read_docx_body(path):
            if isinstance(block, str):
                lines.append(block)
                continue
            rows: list[list[Any]] = [list(r) for r in block.rows]
            tables.append(SourceTable(f"bảng {len(tables) + 1}", rows, list(lines)))
            for row in block.rows:
                lines += list(dict.fromkeys(c for c in row if c))
        return tables
    safe_files.check_file(path, (".xlsx", ".docx"))  # raises the usual message for other kinds
    return []


def _lines_above(table: SourceTable, header: cm.HeaderMatch) -> list[str]:
    lines = list(table.lines_before)
    for row in table.rows[: header.header_row]:
        lines += list(dict.fromkeys(cm.cell_text(v) for v in row if cm.cell_text(v)))
    return lines


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
    return {str(k): str(v) for k, v in titles.items() if v in form.FIELDS}


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
# Analysis (shared by the preview and the import)


def _pick_table(
    tables: list[SourceTable], options: ImportOptions, file_name: str
) -> tuple[int, cm.HeaderMatch]:
    if not tables:
        raise ValidationError(Issue(f"Tệp {file_name} không có bảng nào.", FILE_WHERE))
    if options.table is not None:
        if not 0 <= options.table < len(tables):
            raise ValidationError(
                Issue(
                    f"Tệp {file_name} chỉ có {len(tables)} bảng; không có bảng số {options.table + 1}.",
                    FILE_WHERE,
                )
            )
        header = cm.find_header(tables[options.table].rows)
        if header is None:
            raise ValidationError(
                Issue(f"Không tìm thấy dòng tiêu đề cột trong {tables[options.table].name}.", FILE_WHERE)
            )
        return options.table, header
    for i, table in enumerate(tables):
        header = cm.find_header(table.rows)
        if header is not None:
            return i, header
    raise ValidationError(
        Issue(
            f"Không tìm thấy bảng đăng ký trong tệp {file_name}: cần một dòng tiêu đề có các cột như "
            "'TT', 'Tên sáng kiến', 'Tác giả/nhóm tác giả' (theo mẫu TỔNG HỢP ĐĂNG KÝ).",
            FILE_WHERE,
        )
    )


def analyse(
    session: Session, tables: list[SourceTable], file_name: str, options: ImportOptions
) -> ImportPreview:
    """Everything the import would do, and every problem, without writing."""
    index, header = _pick_table(tables, options, file_name)
    table = tables[index]
    resolver = UnitResolver(session)
    file_issues: list[Issue] = []
    lines = _lines_above(table, header)

    # The unit that sent the file: forced, or written above the table.
    file_unit: UnitRef | None = None
    file_unit_new: str | None = None
    if options.unit_id is not None:
        file_unit = resolver.ref(options.unit_id)
    elif options.unit:
        file_unit = resolver.resolve(options.unit)
        if file_unit is None:
            if not options.create_units:
                hint = resolver.suggest(options.unit)
                extra = f" Có phải: {'; '.join(hint)}?" if hint else ""
                raise NotFoundError(
                    f"Không có đơn vị '{one_line(options.unit)}' trong danh mục đơn vị.{extra} "
                    "(Muốn thêm đơn vị mới, dùng tùy chọn tạo đơn vị.)"
                )
            file_unit_new = one_line(options.unit)
    else:
        explicit_unknown = None
        for hint in cm.unit_hints(lines):
            found = resolver.resolve(hint.text)
            if found is not None:
                file_unit = found
                break
            if hint.explicit and explicit_unknown is None:
                explicit_unknown = hint.text
        if file_unit is None and explicit_unknown:
            if options.create_units:
                file_unit_new = one_line(explicit_unknown)
            else:
                suggestions = resolver.suggest(explicit_unknown)
                extra = f" Có phải: {'; '.join(suggestions)}?" if suggestions else ""
                file_issues.append(
                    Issue(
                        f"Đơn vị '{explicit_unknown}' ghi ở đầu tệp chưa có trong danh mục đơn vị.{extra}",
                        FILE_WHERE,
                        column=form.APPLIED_UNIT,
                    )
                )
                file_unit_new = one_line(explicit_unknown)  # reported once here, not on every row

    # The column mapping: remembered for this unit, then moved by hand.
    remembered = load_mapping(session, file_unit.id if file_unit else None)
    if remembered:
        again = cm.match_header_at(table.rows, header.header_row, remembered)
        if again is not None:
            header = again
    if options.columns:
        header = cm.remap(header, options.columns)
    if form.TITLE not in header.columns:
        file_issues.append(Issue("Chưa chọn cột Tên sáng kiến.", FILE_WHERE, column=form.TITLE))
    if form.AUTHORS not in header.columns:
        file_issues.append(
            Issue(
                "Không tìm thấy cột Tác giả/nhóm tác giả (hãy chọn cột cho trường này).",
                FILE_WHERE,
                column=form.AUTHORS,
            )
        )
    has_file_unit = file_unit is not None or file_unit_new is not None
    if not has_file_unit and form.APPLIED_UNIT not in header.columns:
        file_issues.append(
            Issue(
                "Không xác định được đơn vị: đầu tệp không ghi 'ĐƠN VỊ: …' và bảng không có cột Đơn vị. "
                "Hãy chọn đơn vị cho cả tệp.",
                FILE_WHERE,
                column=form.APPLIED_UNIT,
            )
        )
    year_in_file = cm.year_in_title(lines)
    if year_in_file is not None and year_in_file != options.year:
        file_issues.append(
            Issue(
                f"Tiêu đề của tệp ghi năm {year_in_file}, đang nhập vào năm {options.year}.",
                FILE_WHERE,
                "warning",
            )
        )

    width = max((len(r) for r in table.rows), default=0)
    by_index = {i: k for k, i in header.columns.items()}
    columns = [
        ColumnInfo(
            i,
            _column_letter(i) if table.name.startswith("trang") else str(i + 1),
            header.titles.get(i, ""),
            by_index.get(i),
        )
        for i in range(width)
    ]

    limit = co_author_limit(session, options.year)
    book = TitleBook.load(session, options.year)
    registered_on = options.received_on or dt.date.today()
    source_rows = cm.extract_rows(table.rows, header)
    dup_index = DuplicateIndex.cached(session) if options.check_duplicates else None
    if dup_index is not None:  # every row's titles compared at once: the candidates' texts read together
        dup_index.matches_many(
            [
                (
                    normalise(source.values.get(form.TITLE, "")),
                    normalise(source.values.get(form.CONTENT, "")),
                    None,
                )
                for source in source_rows
                if source.kind != "section"
            ],
            threshold=options.duplicate_threshold,
            limit=8,
        )
    seen_titles: dict[str, list[int]] = defaultdict(list)
    rows: list[PreviewRow] = []
    section_unit: UnitRef | None = None
    previous: PreviewRow | None = None
    new_units: dict[str, str] = {}
    if file_unit_new and options.create_units:
        new_units[fold_key(file_unit_new)] = file_unit_new
        file_issues.append(
            Issue(f"Sẽ thêm đơn vị mới '{file_unit_new}' vào danh mục.", FILE_WHERE, "warning")
        )

    for source in source_rows:
        if source.kind == "section":
            found = resolver.resolve(source.text)
            if found is not None:
                section_unit = found
            rows.append(
                PreviewRow(
                    source.line,
                    "section",
                    dict(source.values),
                    unit_id=found.id if found else None,
                    unit_name=found.name if found else source.text,
                    action="section",
                )
            )
            continue
        values = dict(source.values)
        extra: list[Issue] = []
        unit: UnitRef | None = None
        unit_text = ""
        new_unit = False
        if file_unit is not None:
            unit = file_unit
        elif file_unit_new is not None:
            unit_text = file_unit_new  # an error (or the new unit) was reported once for the file
            new_unit = options.create_units
        else:
            unit_text = values.get(form.APPLIED_UNIT, "")
            if not unit_text:
                if section_unit is not None:
                    unit = section_unit
                elif previous is not None and (previous.unit_id is not None or previous.new_unit):
                    unit_text = previous.get(form.APPLIED_UNIT)
                    values[form.APPLIED_UNIT] = unit_text
                    unit = resolver.ref(previous.unit_id) if previous.unit_id is not None else None
                    new_unit = previous.new_unit
                    extra.append(
                        rules.issue(
                            f"Ô Đơn vị để trống: lấy theo dòng trên ({previous.unit_name}).",
                            source.line,
                            form.APPLIED_UNIT,
                            "warning",
                            values.get(form.SEQ, ""),
                        )
                    )
            else:
                unit = resolver.resolve(unit_text)
                if unit is None and options.create_units:
                    new_unit = True
            if new_unit and unit is None and fold_key(unit_text) not in new_units:
                new_units[fold_key(unit_text)] = one_line(unit_text)
                extra.append(
                    rules.issue(
                        f"Sẽ thêm đơn vị mới '{one_line(unit_text)}' vào danh mục.",
                        source.line,
                        form.APPLIED_UNIT,
                        "warning",
                        values.get(form.SEQ, ""),
                    )
                )
        unit_name = unit.name if unit else (one_line(unit_text) if new_unit else None)
        key = fold_key(values.get(form.TITLE, ""))
        existing_id = None
        action = "new"
        same_unit = False
        if unit is not None and key:
            existing_id = book.same_unit(key, unit.id)
            if existing_id is not None:
                if options.replace:
                    action = "update"
                else:
                    same_unit = True
        suggestions: tuple[str, ...] = ()
        if unit is None and not new_unit and unit_text:
            suggestions = tuple(resolver.suggest(unit_text))
        facts = rules.RowFacts(
            line=source.line,
            values=values,
            year=options.year,
            unit_name=unit_name,
            unit_text=unit_text,
            unit_required=file_unit_new is None or options.create_units,
            authors_by_unit=authors_by_unit(resolver, values.get(form.AUTHORS, ""), unit, unit_name or ""),
            co_author_limit=limit,
            registered_on=registered_on,
            deadline=unit.deadline(options.year) if unit else None,
            unit_type_name=unit.type_name if unit else "",
            earlier_rows_same_title=tuple(seen_titles.get(key, [])) if key else (),
            registered_same_unit=same_unit,
            registered_other_units=book.other_units(key, unit.id) if unit and key else (),
            unit_note=unit.note if unit else "",
            unit_suggestions=suggestions,
        )
        issues = rules.check_row(facts) + extra
        if key:
            seen_titles[key].append(source.line)
        duplicates: list[DuplicateMatch] = []
        if dup_index is not None and key:
            skip = {reg_id for reg_id, _, _ in book.entries.get(key, [])}
            duplicates = [
                m
                for m in dup_index.matches(
                    values.get(form.TITLE, ""),
                    values.get(form.CONTENT, ""),
                    threshold=options.duplicate_threshold,
                    limit=8,
                )
                if not (m.kind == "registration" and m.ref_id in skip)
            ][:3]
            for m in duplicates[:1]:
                issues.append(
                    rules.issue(
                        f"Giống sáng kiến '{m.title}' ({m.unit_name}, "
                        + (f"đã công nhận loại {m.grade}" if m.kind == "recognized" else "đã đăng ký")
                        + f" năm {m.year}): {m.score:.0f}%.",
                        source.line,
                        form.TITLE,
                        "warning",
                        values.get(form.SEQ, ""),
                    )
                )
        row = PreviewRow(
            source.line,
            "data",
            values,
            unit_id=unit.id if unit else None,
            unit_name=unit_name or unit_text,
            new_unit=new_unit and unit is None,
            action=action,
            existing_id=existing_id if action == "update" else None,
            issues=sorted(issues, key=lambda i: 0 if i.is_error else 1),
            duplicates=duplicates,
        )
        rows.append(row)
        previous = row

    data_rows = [r for r in rows if r.kind == "data"]
    if not data_rows:
        file_issues.append(Issue("Không có dòng đăng ký nào dưới dòng tiêu đề cột.", FILE_WHERE))

    to_delete: list[tuple[int, str]] = []
    if options.replace:
        kept = {r.existing_id for r in data_rows if r.existing_id is not None}
        unit_ids = {r.unit_id for r in data_rows if r.unit_id is not None}
        if unit_ids:
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
            for reg_id, title in olds:
                if reg_id in kept:
                    continue
                if reg_id in linked:
                    file_issues.append(
                        Issue(
                            f"Đăng ký cũ '{one_line(title)}' không có trong tệp mới nhưng đã có hồ sơ: giữ lại.",
                            FILE_WHERE,
                            "warning",
                        )
                    )
                    continue
                to_delete.append((reg_id, one_line(title)))

    return ImportPreview(
        file_name=file_name,
        table_name=table.name,
        tables=[t.name for t in tables],
        header=header,
        columns=columns,
        year=options.year,
        year_in_file=year_in_file,
        file_unit=file_unit.name if file_unit else file_unit_new,
        file_unit_id=file_unit.id if file_unit else None,
        rows=rows,
        file_issues=file_issues,
        units_to_create=list(new_units.values()) if options.create_units else [],
        to_delete=to_delete,
    )


# ----------------------------------------------------------------------------------------------------
# Entry points


def preview_file(db: Database, path: Path, options: ImportOptions) -> ImportPreview:
    """Read and check the file; nothing is written."""
    path = Path(path)
    tables = read_source(path)
    with db.reading() as session:
        return analyse(session, tables, path.name, options)


def import_file(db: Database, path: Path, options: ImportOptions) -> ImportResult:
    """Check and write the whole file in one transaction. Raises ``ImportRefused`` (nothing written)
    when any row has an error."""
    path = Path(path)
    tables = read_source(path)
    with db.session() as session:
        preview = analyse(session, tables, path.name, options)
        if not preview.ok:
            raise ImportRefused(preview)
        ensure_year(session, options.year)
        created_units: dict[str, int] = {}
        for name in preview.units_to_create:
            unit = create_unit(session, name)
            created_units[fold_key(name)] = unit.id
        resolver = UnitResolver(session)
        linker = PersonLinker(session)
        seqs: dict[int, int] = {}  # the next TT of each unit, read once
        created = updated = 0
        written: list[tuple[Registration, bool]] = []
        for row in preview.data_rows:
            if row.unit_id is not None:
                unit_id = resolver.ref(row.unit_id).id
            else:
                unit_id = created_units[fold_key(row.unit_name)]
            data = RegistrationData(
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
                registered_on=options.received_on or dt.date.today(),
                source=path.name,
            )
            if row.action == "update" and row.existing_id is not None:
                reg = session.get(Registration, row.existing_id)
                assert reg is not None
                data.seq = reg.seq
                apply_data(session, reg, data, unit_id, linker)
                updated += 1
                written.append((reg, False))
            else:
                # numbered after the unit's registrations already in the database, in the file's order
                if unit_id not in seqs:
                    seqs[unit_id] = next_seq(session, options.year, unit_id)
                data.seq = seqs[unit_id]
                seqs[unit_id] += 1
                reg = Registration(year=options.year, unit_id=unit_id, title=data.title)
                session.add(reg)
                apply_data(session, reg, data, unit_id, linker)
                created += 1
                written.append((reg, True))
        session.flush()
        ids = [reg.id for reg, _ in written]
        created_ids = [reg.id for reg, new in written if new]
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
            f"Nhập {created + updated} đăng ký năm {options.year} từ tệp {path.name}",
            new={
                "file": path.name,
                "year": options.year,
                "created": created,
                "updated": updated,
                "deleted": [i for i, _ in preview.to_delete],
                "units_created": preview.units_to_create,
                "ids": ids,
            },
        )
        return ImportResult(
            file_name=path.name,
            year=options.year,
            created=created,
            updated=updated,
            deleted=len(preview.to_delete),
            units_created=list(preview.units_to_create),
            registration_ids=ids,
            warnings=preview.warnings,
            preview=preview,
            created_ids=created_ids,
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
