"""Importing an earlier year's decision list ("Danh sách sáng kiến được công nhận kèm theo Quyết định số …") as
recognized initiatives of that year, in the importers' shape:

- ``read(path)``: the file through the shared readers and normalisation (any format the unit importer reads;
  TCVN3/VNI converted);
- ``analyse(session, source, options)``: the list's table found by its column titles (continued tables
  joined, a repeated header skipped), the decision number and date read from the title lines, every row read
  (merged author rows, one certificate per author or per row, grade sections), units matched to the catalog
  (aliases included), authors matched to people by name and unit, every problem named by its row — as a
  ``RecognizedPreview``, nothing written;
- ``apply(session, preview, options)``: everything written in the caller's transaction, or nothing.

The same list imported twice (the same rows, or the same decision of the same year) is refused unless
``replace``: then the earlier import is deleted first, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...db.database import Database
from ...domain import column_matching as cm
from ...domain import decision_lists as dl
from ...domain import legacy_encoding as le
from ...domain.author_cells import parse_author_cell
from ...domain.errors import Issue, NotFoundError, ValidationError
from ...domain.text import clean, fold_key, one_line
from ...models import (
    Dossier,
    GradeResult,
    Person,
    RecognizedAuthor,
    RecognizedImport,
    RecognizedInitiative,
    Unit,
    dossier_code,
)
from .. import audit, row_snapshots
from .. import recognized as service
from ..duplicates import RECOGNIZED_GRADES
from ..registrations import UnitRef, UnitResolver, create_unit
from ..rounds import ensure_year
from ..row_snapshots import Keys, Rows
from .grid import Grid, Source
from .registrations import read
from .tables import FILE_WHERE, FoundTable, choose, errors_phrase, find_tables

__all__ = [
    "RecognizedOptions",
    "RecognizedPreview",
    "RecognizedRefused",
    "RecognizedResult",
    "analyse",
    "apply",
    "import_file",
    "preview_file",
    "read",
]

T = TypeVar("T")
NO_CERTIFICATE = dl.CertificateNumber("", None, None)
NOT_FOUND = (
    "Không tìm thấy danh sách sáng kiến trong tệp {name}: cần một dòng tiêu đề có các cột như 'TT', "
    "'Tên sáng kiến', 'Tác giả' (hoặc 'Họ và tên'), 'Đơn vị', 'Xếp loại'."
)


@dataclass
class RecognizedOptions:
    year: int
    decision_no: str | None = None  # --decision-no: else read from the title lines
    decision_date: dt.date | None = None  # --decision-date: likewise
    replace: bool = False  # the file replaces the earlier import of the same list or decision
    unit: str | None = None  # the unit of rows that name none (a list without a Đơn vị column)
    create_units: bool = False  # add units the list names that the catalog does not have
    table: int | None = None  # which of the file's lists (0-based), when there are several
    sheet: str | None = None  # the same by a sheet's name (or number, from 1)
    include_hidden: bool = False


@dataclass
class AuthorPreview:
    name: str
    job_title: str = ""
    unit_id: int | None = None  # None: a unit to be created
    unit_name: str = ""
    person_id: int | None = None  # the person found by name and unit (None: a new person)
    same_name: int = 0  # people of the unit with this name (several: the oldest is used)
    certificate: dl.CertificateNumber = NO_CERTIFICATE

    @property
    def new_person(self) -> bool:
        return self.person_id is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "job_title": self.job_title,
            "unit": self.unit_name,
            "unit_id": self.unit_id,
            "person_id": self.person_id,
            "new_person": self.new_person,
            "certificate": self.certificate.text,
            "register_no": self.certificate.number,
        }


@dataclass
class PreviewRow:
    line: int
    seq: str
    part: str = ""  # "bảng 2" when the list continues in another table (the line counts in it)
    title: str = ""
    authors_text: str = ""
    authors: list[AuthorPreview] = field(default_factory=list)
    unit_id: int | None = None
    unit_name: str = ""
    unit_text: str = ""  # as written
    new_unit: bool = False
    grade: str = dl.RECOGNIZED
    grade_label: str = ""
    points: Decimal | None = None
    amount: int | None = None
    area: str = ""  # Lĩnh vực
    note: str = ""
    issues: list[Issue] = field(default_factory=list)
    converted: tuple[str, ...] = ()
    continued: tuple[int, ...] = ()  # lines of the merged author rows folded in

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)

    @property
    def place(self) -> str:
        """ "7", or "2 (bảng 2)" for a row of a continued table."""
        return f"{self.line} ({self.part})" if self.part else str(self.line)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "table": self.part,
            "seq": self.seq,
            "title": self.title,
            "authors_text": self.authors_text,
            "authors": [a.as_dict() for a in self.authors],
            "unit": self.unit_name,
            "unit_id": self.unit_id,
            "new_unit": self.new_unit,
            "grade": self.grade,
            "grade_label": self.grade_label,
            "points": self.points,
            "amount": self.amount,
            "field": self.area,
            "note": self.note,
            "converted": list(self.converted),
            "continued": list(self.continued),
            "issues": [_issue_dict(i) for i in self.issues],
        }


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {
        "message": issue.message,
        "where": issue.where,
        "severity": issue.severity,
        "row": issue.row,
        "column": issue.column,
    }


@dataclass(frozen=True)
class PersonMatch:
    name: str
    unit_name: str
    person_id: int | None  # None: new
    lines: tuple[str, ...]  # the rows naming them ("7", "2 (bảng 2)")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit_name,
            "person_id": self.person_id,
            "lines": list(self.lines),
        }


@dataclass
class RecognizedPreview:
    file_name: str
    table_name: str
    year: int
    year_in_file: int | None
    decision_no: str
    decision_date: dt.date | None
    decision_in_file: dl.Decision
    header: cm.HeaderMatch
    rows: list[PreviewRow]
    file_issues: list[Issue]
    notes: list[str]
    replaces: list[service.ImportInfo]  # earlier imports of the same list or decision, to be replaced
    units_to_create: list[str]
    file_sha256: str
    rows_sha256: str
    ignored_columns: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    same_imports: list[service.ImportInfo] = field(default_factory=list)  # the same list or decision before

    @property
    def issues(self) -> list[Issue]:
        return self.file_issues + [i for r in self.rows for i in r.issues]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def people(self) -> list[PersonMatch]:
        """Every author once: the person found (by name and unit) or a new person, with the rows naming them."""
        found: dict[tuple[str, str, int | None], list[str]] = defaultdict(list)
        names: dict[tuple[str, str, int | None], tuple[str, str]] = {}
        for row in self.rows:
            for a in row.authors:
                key = (fold_key(a.name), fold_key(a.unit_name), a.person_id)
                found[key].append(row.place)
                names.setdefault(key, (a.name, a.unit_name))
        return [PersonMatch(*names[k], k[2], tuple(dict.fromkeys(v))) for k, v in found.items()]

    def counts(self) -> dict[str, int]:
        people = self.people()
        return {
            "rows": len(self.rows),
            "authors": sum(len(r.authors) for r in self.rows),
            "people_matched": sum(1 for p in people if p.person_id is not None),
            "people_new": sum(1 for p in people if p.person_id is None),
            "units_to_create": len(self.units_to_create),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rows_with_errors": sum(1 for r in self.rows if r.has_errors),
            "replaces": len(self.replaces),
        }

    def summary(self) -> str:
        c = self.counts()
        decision = f"QĐ {self.decision_no}" if self.decision_no else "chưa có số quyết định"
        parts = [
            f"{c['rows']} sáng kiến được công nhận năm {self.year} ({decision})",
            f"{c['authors']} lượt tác giả: {c['people_matched']} người đã có, {c['people_new']} người mới",
        ]
        if self.units_to_create:
            parts.append(f"{len(self.units_to_create)} đơn vị mới: {', '.join(self.units_to_create)}")
        if self.replaces:
            parts.append(f"thay thế {len(self.replaces)} lần nhập trước")
        if c["errors"]:
            parts.append(errors_phrase(c["errors"], c["rows_with_errors"]))
        if c["warnings"]:
            parts.append(f"{c['warnings']} cảnh báo")
        return "; ".join(parts) + "."

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "table": self.table_name,
            "year": self.year,
            "year_in_file": self.year_in_file,
            "decision_no": self.decision_no,
            "decision_date": self.decision_date,
            "decision_in_file": {"number": self.decision_in_file.number, "date": self.decision_in_file.date},
            "header_row": self.header.header_row + 1,
            "columns": {name: self.header.title_of(name) for name in self.header.columns},
            "ignored_columns": self.ignored_columns,
            "counts": self.counts(),
            "ok": self.ok,
            "replaces": [r.as_dict() for r in self.replaces],
            "units_to_create": self.units_to_create,
            "people": [p.as_dict() for p in self.people()],
            "file_issues": [_issue_dict(i) for i in self.file_issues],
            "notes": self.notes,
            "hidden_rows": self.hidden_rows,
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class RecognizedResult:
    import_id: int
    preview: RecognizedPreview
    initiative_ids: list[int]
    people_created: int
    units_created: list[str]
    replaced: int  # initiatives of the earlier imports deleted

    def summary(self) -> str:
        p = self.preview
        text = (
            f"Đã nhập {len(self.initiative_ids)} sáng kiến được công nhận năm {p.year}"
            + (f" (QĐ {p.decision_no})" if p.decision_no else "")
            + f" từ tệp {p.file_name}: {self.people_created} người mới"
        )
        if self.units_created:
            text += f", thêm đơn vị: {', '.join(self.units_created)}"
        if self.replaced:
            text += f"; đã thay {self.replaced} sáng kiến của lần nhập trước"
        return text + "."


class RecognizedRefused(ValidationError):
    """The list has errors: nothing was written. ``preview`` holds every row and its problems."""

    def __init__(self, preview: RecognizedPreview) -> None:
        self.preview = preview
        super().__init__(
            preview.errors,
            f"Tệp {preview.file_name} chưa nhập được, cơ sở dữ liệu không thay đổi. Các lỗi cần sửa",
        )


# ----------------------------------------------------------------------------------------------------------
# analyse


def _where(line: int | None, column: str | None = None, seq: str = "", part: str = "") -> str:
    parts = [part[:1].upper() + part[1:]] if part else []
    if line is not None:
        parts.append(f"{'dòng' if part else 'Dòng'} {line}" + (f" (TT {seq})" if seq else ""))
    if column is not None:
        parts.append(f"cột {dl.LABELS.get(column, column)}")
    return ", ".join(parts)


def _issue(row: PreviewRow, message: str, column: str | None = None, severity: str = "error") -> None:
    row.issues.append(Issue(message, _where(row.line, column, row.seq, row.part), severity, row.line, column))


def _pick(source: Source, options: RecognizedOptions) -> FoundTable:
    if not source.grids:
        raise ValidationError(Issue(f"Tệp {source.file_name} không có bảng nào.", FILE_WHERE))
    tables = find_tables(source, dl.SPEC)
    wanted: int | str | None = options.table if options.table is not None else options.sheet
    return choose(
        tables,
        options.year,
        wanted,
        source.file_name,
        "danh sách sáng kiến",
        NOT_FOUND.format(name=source.file_name),
    )


@dataclass
class _Context:
    session: Session
    options: RecognizedOptions
    table: FoundTable
    header: cm.HeaderMatch
    resolver: UnitResolver
    people: service.PeopleBook
    new_units: dict[str, str] = field(default_factory=dict)  # folded name → name as written


def _cell(grid: Grid, r: int, c: int | None) -> str:
    if c is None or r >= len(grid.rows) or c >= len(grid.rows[r]):
        return ""
    text = cm.cell_text(grid.rows[r][c])
    return "" if cm.is_blank(text) else text


def _encoding_issues(ctx: _Context, row: PreviewRow, source_row: cm.SourceRow) -> None:
    grid = ctx.table.grid
    encodings = set()
    for name, c in ctx.header.columns.items():
        for r in source_row.indexes:
            value = grid.rows[r][c] if c < len(grid.rows[r]) else None
            if (r, c) in grid.undecided or (
                (r, c) not in grid.converted
                and isinstance(value, str)
                and le.needs_checking(value)
                and le.looks_legacy(value)
            ):
                _issue(
                    row,
                    f"{grid.cell_name(r, c)}: không xác định được chữ trong ô được gõ theo bảng mã nào (Unicode, "
                    "TCVN3 hay VNI). Hãy đặt lại phông chữ của ô (.VnTime cho TCVN3, VNI-Times cho VNI) hoặc gõ lại "
                    "bằng Unicode.",
                    name,
                )
            elif (r, c) in grid.converted:
                encodings.add(le.LABELS[grid.converted[(r, c)]])
    row.converted = tuple(sorted(encodings))


def _unit(ctx: _Context, row: PreviewRow, text: str, section: UnitRef | None) -> tuple[int | None, str, bool]:
    """(unit id, name, new?) of what a row (or an author) wrote; the section's or --unit's when it wrote none."""
    written = one_line(text)
    if written:
        ref = ctx.resolver.resolve(written)
        if ref is not None:
            return ref.id, ref.name, False
        if ctx.options.create_units:
            ctx.new_units.setdefault(fold_key(written), written)
            return None, ctx.new_units[fold_key(written)], True
        hint = ctx.resolver.suggest(written)
        _issue(
            row,
            f"đơn vị '{written}' chưa có trong danh mục đơn vị"
            + (f" (có phải: {'; '.join(hint)}?)" if hint else "")
            + ". Thêm đơn vị hoặc tên gọi khác của đơn vị trong Cài đặt → Đơn vị, hoặc nhập với tùy chọn tạo "
            "đơn vị mới.",
            dl.UNIT,
        )
        return None, written, False
    if section is not None:
        return section.id, section.name, False
    if ctx.options.unit:
        ref = ctx.resolver.resolve(ctx.options.unit)
        if ref is None:
            raise NotFoundError(f"Không có đơn vị '{one_line(ctx.options.unit)}' trong danh mục đơn vị.")
        return ref.id, ref.name, False
    _issue(row, "chưa ghi đơn vị (bảng không có cột Đơn vị: hãy chọn đơn vị cho cả tệp).", dl.UNIT)
    return None, "", False


def _authors(
    ctx: _Context, row: PreviewRow, source_row: cm.SourceRow, section: UnitRef | None
) -> list[AuthorPreview]:
    """The row's authors, one physical row at a time (a merged author row has one author, its own position,
    unit and certificate), each linked to a person of their unit."""
    grid, columns = ctx.table.grid, ctx.header.columns
    covered = grid.covered()
    found: list[AuthorPreview] = []
    first_cert = ""
    for r in source_row.indexes:
        names = [a for a in parse_author_cell(_cell(grid, r, columns.get(dl.AUTHORS))) if a.name]
        if not names:
            continue
        jobs = dl.split_lines(_cell(grid, r, columns.get(dl.JOB_TITLE)), len(names))
        units = dl.split_lines(_cell(grid, r, columns.get(dl.UNIT)), len(names))
        cert_col = columns.get(dl.CERTIFICATE)
        cert_text = _cell(grid, r, cert_col)
        if not cert_text and cert_col is not None and (r, cert_col) in covered:
            cert_text = first_cert  # one number for the merged rows: the whole group's
        first_cert = first_cert or cert_text
        certs = dl.split_certificates(cert_text, len(names))
        for author, job, unit_text, cert in zip(names, jobs, units, certs, strict=True):
            position, unit_written = dl.position_and_unit(unit_text) if unit_text else ("", "")
            unit_written = unit_written or author.unit or row.unit_text
            unit_id, unit_name, _new = (
                _unit(ctx, row, unit_written, section)
                if fold_key(unit_written) != fold_key(row.unit_text)
                else (row.unit_id, row.unit_name, row.new_unit)
            )
            candidates = ctx.people.find(author.name, unit_id) if unit_id is not None else []
            found.append(
                AuthorPreview(
                    author.name,
                    job or position or author.position,
                    unit_id,
                    unit_name,
                    candidates[0] if candidates else None,
                    len(candidates),
                    dl.certificate_number(cert),
                )
            )
    return found


def _data_row(
    ctx: _Context, source_row: cm.SourceRow, section: UnitRef | None, grade: str | None
) -> PreviewRow:
    v = source_row.values
    grid = ctx.table.grid
    row = PreviewRow(
        source_row.line, v.get(dl.SEQ, ""), grid.part(source_row.index), title=clean(v.get(dl.TITLE, ""))
    )
    row.continued = tuple(grid.line(r) for r in source_row.continued)
    _encoding_issues(ctx, row, source_row)
    if not one_line(row.title):
        _issue(row, "chưa có tên sáng kiến.", dl.TITLE)
    first_unit = dl.split_lines(_cell(grid, source_row.index, ctx.header.columns.get(dl.UNIT)), 1)[0]
    row.unit_text = dl.position_and_unit(first_unit)[1] if first_unit else ""
    row.unit_id, row.unit_name, row.new_unit = _unit(ctx, row, row.unit_text, section)
    row.authors = _authors(ctx, row, source_row, section)
    row.authors_text = clean(v.get(dl.AUTHORS, ""))
    if not row.authors:
        _issue(row, "chưa có tác giả.", dl.AUTHORS)
    for a in row.authors:
        if a.same_name > 1:
            _issue(
                row,
                f"đơn vị {a.unit_name} có {a.same_name} người tên {a.name}: gắn với người được thêm trước nhất.",
                dl.AUTHORS,
                "warning",
            )
    label = v.get(dl.GRADE, "") or grade or ""
    row.grade = _read(row, dl.GRADE, lambda: dl.grade_code(label)) or dl.RECOGNIZED
    row.grade_label = one_line(label)[:100]
    row.points = _read(row, dl.POINTS, lambda: dl.parse_points(v.get(dl.POINTS) or None))
    row.amount = _read(row, dl.AMOUNT, lambda: dl.parse_amount(v.get(dl.AMOUNT) or None))
    row.area = clean(v.get(dl.FIELD, ""))
    row.note = clean(v.get(dl.NOTE, ""))
    return row


def _read(row: PreviewRow, column: str, parse: Callable[[], T]) -> T | None:
    """A cell read by ``parse``; a cell it cannot read is an error naming the row and column."""
    try:
        return parse()
    except dl.CellError as exc:
        _issue(row, f"{exc}.", column)
        return None


def _rows(ctx: _Context, found: cm.TableRows) -> list[PreviewRow]:
    rows: list[PreviewRow] = []
    section: UnitRef | None = None
    grade: str | None = None
    for source_row in found.rows:
        if source_row.kind == "section":
            named_grade = dl.section_grade(source_row.text)
            if named_grade is not None:
                grade = named_grade
            else:
                section = ctx.resolver.resolve(source_row.text) or section
            continue
        rows.append(_data_row(ctx, source_row, section, grade))
    return rows


def _row_key(row: PreviewRow) -> str:
    return fold_key(row.title) + "|" + ",".join(sorted(fold_key(a.name) for a in row.authors))


def rows_digest(rows: list[PreviewRow]) -> str:
    """The same rows (in any order) give the same digest: a list imported twice is known by it."""
    keys = sorted(
        json.dumps(
            [
                _row_key(r),
                fold_key(r.grade_label),
                str(r.points or ""),
                r.amount or 0,
                [a.certificate.text for a in r.authors],
            ],
            ensure_ascii=False,
        )
        for r in rows
    )
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def _file_issues(ctx: _Context, preview: RecognizedPreview) -> None:
    issues = preview.file_issues
    opts = ctx.options
    if dl.AUTHORS not in ctx.header.columns:
        issues.append(Issue("Không tìm thấy cột Tác giả (hoặc Họ và tên).", FILE_WHERE, column=dl.AUTHORS))
    if preview.year_in_file is not None and preview.year_in_file != opts.year:
        issues.append(
            Issue(
                f"Tiêu đề danh sách ghi năm {preview.year_in_file}, đang nhập vào năm {opts.year}: hãy chọn đúng năm.",
                FILE_WHERE,
            )
        )
    found = preview.decision_in_file
    if opts.decision_no and found.number and fold_key(opts.decision_no) != fold_key(found.number):
        issues.append(
            Issue(
                f"Tệp ghi Quyết định số {found.number}; dùng số đã chọn {opts.decision_no}.",
                FILE_WHERE,
                "warning",
            )
        )
    if not preview.decision_no:
        issues.append(
            Issue(
                "Tệp không ghi số quyết định công nhận: hãy ghi số và ngày quyết định (--decision-no, "
                "--decision-date) để các văn bản dẫn đúng.",
                FILE_WHERE,
                "warning",
            )
        )
    if not preview.rows:
        issues.append(Issue("Không có sáng kiến nào dưới dòng tiêu đề cột.", FILE_WHERE))
    if preview.ignored_columns:
        issues.append(
            Issue(f"Các cột không nhập: {'; '.join(preview.ignored_columns)}.", FILE_WHERE, "warning")
        )
    if preview.hidden_rows:
        issues.append(
            Issue(
                f"Các dòng ẩn trong tệp không được nhập: {', '.join(map(str, preview.hidden_rows))}.",
                FILE_WHERE,
                "warning",
            )
        )


def _earlier_imports(session: Session, preview: RecognizedPreview, options: RecognizedOptions) -> None:
    """The same list (same rows) or the same decision imported before: refused, or replaced with ``replace``."""
    same = list(
        session.scalars(select(RecognizedImport).where(RecognizedImport.rows_sha256 == preview.rows_sha256))
    )
    if preview.decision_no:
        same += [
            b
            for b in session.scalars(select(RecognizedImport).where(RecognizedImport.year == options.year))
            if fold_key(b.decision_no) == fold_key(preview.decision_no) and b not in same
        ]
    for batch in same:
        info = service._import_info(session, batch)
        preview.same_imports.append(info)
        what = (
            "Danh sách này" if batch.rows_sha256 == preview.rows_sha256 else f"Quyết định {batch.decision_no}"
        )
        when = f"{batch.created_at:%d/%m/%Y}"
        text = (
            f"{what} đã được nhập ngày {when} (năm {batch.year}, {info.decision_text}, {batch.row_count} sáng kiến, "
            f"tệp {batch.file_name})"
        )
        if not options.replace:
            preview.file_issues.append(
                Issue(
                    text
                    + ": không nhập lại. Muốn thay lần nhập đó bằng tệp này, dùng --replace (hoặc đánh dấu "
                    "'Thay thế lần nhập trước').",
                    FILE_WHERE,
                )
            )
        elif info.locked:
            preview.file_issues.append(Issue(f"{text} {info.locked}: không thay thế được nữa.", FILE_WHERE))
        else:
            preview.replaces.append(info)
            preview.file_issues.append(Issue(text + ": sẽ được thay bằng tệp này.", FILE_WHERE, "warning"))


def _same_rows(session: Session, preview: RecognizedPreview) -> None:
    """A row already imported (by another import than the same list's) or written twice in the file."""
    replaced = {r.id for r in preview.same_imports}
    known: dict[str, str] = {}
    for i in session.scalars(
        select(RecognizedInitiative)
        .where(
            RecognizedInitiative.year == preview.year, RecognizedInitiative.import_id.not_in(replaced or {0})
        )
        .options(selectinload(RecognizedInitiative.authors), selectinload(RecognizedInitiative.batch))
    ):
        key = fold_key(i.title) + "|" + ",".join(sorted(a.name_key for a in i.authors))
        known[key] = f"tệp {i.batch.file_name}, dòng {i.line}"
    graded = {
        title_key: dossier_code(year, receipt_no)
        for title_key, year, receipt_no in session.execute(
            select(Dossier.title_key, Dossier.year, Dossier.receipt_no)
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .where(Dossier.year == preview.year, GradeResult.grade.in_(RECOGNIZED_GRADES))
        )
    }
    seen: dict[str, int] = {}
    for row in preview.rows:
        key = _row_key(row)
        if not row.title:
            continue
        if key in seen:
            _issue(row, f"trùng dòng {seen[key]} (cùng tên sáng kiến và tác giả).", dl.TITLE)
        seen.setdefault(key, row.line)
        if key in known:
            _issue(
                row, f"sáng kiến này đã có trong dữ liệu nhập năm {preview.year} ({known[key]}).", dl.TITLE
            )
        if fold_key(row.title) in graded:
            _issue(
                row,
                f"sáng kiến cùng tên đã được công nhận trong phần mềm (hồ sơ {graded[fold_key(row.title)]}).",
                dl.TITLE,
                "warning",
            )


def _certificates(session: Session, preview: RecognizedPreview) -> None:
    """Certificate numbers: one number is one certificate (a row's authors may share one); never a number
    the register or another import already holds."""
    replaced = [r.id for r in preview.same_imports]
    used: dict[int, dict[int, str]] = {}
    mine: dict[tuple[int, int], int] = {}
    for row in preview.rows:
        for number in {(a.certificate.year or preview.year, a.certificate.number) for a in row.authors}:
            year, register_no = number
            if register_no is None:
                continue
            if year not in used:
                used[year] = service.used_register_numbers(session, year, exclude_imports=replaced)
            if register_no in used[year]:
                _issue(
                    row,
                    f"số giấy chứng nhận {register_no} (sổ năm {year}) đã dùng: {used[year][register_no]}.",
                    dl.CERTIFICATE,
                )
            if (year, register_no) in mine:
                _issue(
                    row,
                    f"số giấy chứng nhận {register_no} trùng với dòng {mine[year, register_no]}.",
                    dl.CERTIFICATE,
                )
            mine.setdefault((year, register_no), row.line)


def analyse(
    session: Session, source: Source, options: RecognizedOptions, file_sha256: str = ""
) -> RecognizedPreview:
    """Everything the import would do and every problem, without writing."""
    table = _pick(source, options)
    header = table.header
    grid = table.grid
    found = cm.read_table_rows(
        grid.rows, header, grid.covered(), grid.hidden_rows, options.include_hidden, grid.line_numbers
    )
    ctx = _Context(session, options, table, header, UnitResolver(session), service.PeopleBook(session))
    rows = _rows(ctx, found)
    in_file = dl.decision_in_lines(table.lines_above)
    by_index = {i: k for k, i in header.columns.items()}
    ignored = [
        f"{grid.column_name(i)} — {one_line(t)}"
        for i, t in sorted(header.titles.items())
        if t and i not in by_index
    ]
    preview = RecognizedPreview(
        file_name=source.file_name,
        table_name=table.name,
        year=options.year,
        year_in_file=dl.year_in_title(table.lines_above),
        decision_no=one_line(options.decision_no or in_file.number)[:50],
        decision_date=options.decision_date or in_file.date,
        decision_in_file=in_file,
        header=header,
        rows=rows,
        file_issues=[],
        notes=list(source.notes),
        replaces=[],
        units_to_create=list(ctx.new_units.values()),
        file_sha256=file_sha256,
        rows_sha256=rows_digest(rows),
        ignored_columns=ignored,
        hidden_rows=found.hidden,
    )
    _file_issues(ctx, preview)
    _earlier_imports(session, preview, options)
    _same_rows(session, preview)
    _certificates(session, preview)
    return preview


# ----------------------------------------------------------------------------------------------------------
# apply


def apply(session: Session, preview: RecognizedPreview, options: RecognizedOptions) -> RecognizedResult:
    """Write an error-free preview in the caller's transaction."""
    if not preview.ok:
        raise RecognizedRefused(preview)
    replaced = 0
    earlier_people: list[int] = []
    for info in preview.replaces:
        batch = session.get(RecognizedImport, info.id)
        if batch is not None:
            reason = f", thay bằng tệp {preview.file_name}"
            replaced += service.delete_import_in(session, batch, reason, earlier_people)
    ensure_year(session, preview.year)
    units: dict[str, int] = {
        fold_key(name): create_unit(session, name).id for name in preview.units_to_create
    }
    people = service.PeopleBook(
        session, service.PERSON_NOTE.format(year=preview.year, file=preview.file_name)
    )
    batch = RecognizedImport(
        year=preview.year,
        decision_no=preview.decision_no,
        decision_date=preview.decision_date,
        file_name=preview.file_name[:255],
        file_sha256=preview.file_sha256,
        rows_sha256=preview.rows_sha256,
        row_count=len(preview.rows),
    )
    session.add(batch)
    for row in preview.rows:
        unit_id = row.unit_id if row.unit_id is not None else units[fold_key(row.unit_name)]
        initiative = RecognizedInitiative(
            year=preview.year,
            line=row.line,
            seq=int(row.seq) if row.seq.isdigit() else None,
            unit_id=unit_id,
            unit_text=row.unit_text[:255],
            title=row.title,
            authors_text=row.authors_text,
            grade=row.grade,
            grade_label=row.grade_label,
            points=row.points,
            amount=row.amount,
            field=row.area,
            note=row.note,
        )
        for position, a in enumerate(row.authors):
            author_unit = a.unit_id if a.unit_id is not None else units[fold_key(a.unit_name)]
            initiative.authors.append(
                RecognizedAuthor(
                    position=position,
                    full_name=a.name,
                    job_title=a.job_title[:255],
                    unit_id=author_unit if author_unit != unit_id else None,
                    person_id=people.person(a.name, author_unit, a.job_title),
                    certificate_no=a.certificate.text[:100],
                    certificate_year=(a.certificate.year or preview.year)
                    if a.certificate.number is not None
                    else None,
                    register_no=a.certificate.number,
                )
            )
        batch.initiatives.append(initiative)
    session.flush()
    service.drop_unused_people(session, earlier_people)
    ids = [i.id for i in batch.initiatives]
    audit.record(
        session,
        "import",
        service.IMPORT_ENTITY,
        batch.id,
        f"Nhập {len(ids)} sáng kiến được công nhận năm {preview.year}"
        + (f" (QĐ {preview.decision_no})" if preview.decision_no else "")
        + f" từ tệp {preview.file_name}",
        new={
            "file": preview.file_name,
            "file_sha256": preview.file_sha256,
            "year": preview.year,
            "decision_no": preview.decision_no,
            "decision_date": preview.decision_date,
            "ids": ids,
            "people_created": people.created,
            "units_created": preview.units_to_create,
            "replaced_imports": [r.id for r in preview.replaces],
        },
    )
    return RecognizedResult(
        batch.id, preview, ids, len(people.created), list(preview.units_to_create), replaced
    )


# ----------------------------------------------------------------------------------------------------------
# Entry points


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def preview_file(db: Database, path: Path, options: RecognizedOptions) -> RecognizedPreview:
    """Read and check the list; nothing is written."""
    source = read(Path(path))
    with db.reading() as session:
        return analyse(session, source, options, _sha256(Path(path)))


def import_file(db: Database, path: Path, options: RecognizedOptions) -> RecognizedResult:
    """Check and write the whole list in one transaction; ``RecognizedRefused`` (nothing written) when any
    row has an error."""
    return import_undoable(db, path, options).result


@dataclass(frozen=True)
class ImportedList:
    """An earlier year's list imported, with every row the import changed as it was before (the lists of that
    year it replaced, their people, the units and the year it added): ``recognized_actions.take_back``
    restores them exactly."""

    result: RecognizedResult
    before: Rows


def import_undoable(db: Database, path: Path, options: RecognizedOptions) -> ImportedList:
    """``import_file``, keeping the rows it changes for an exact undo (and redo)."""
    source = read(Path(path))
    with db.session() as session:
        preview = analyse(session, source, options, _sha256(Path(path)))
        touched = _touched(session, preview.year)
        result, before = row_snapshots.around_in(session, touched, lambda: apply(session, preview, options))
        return ImportedList(result, before)


def _touched(session: Session, year: int) -> Callable[[], Keys]:
    """The rows an import of ``year`` may add, replace or delete, asked before and after it: the year's lists
    with their initiatives and authors, the people these named before and the people added since, the year
    itself, and the units added since. (A person who existed before and is only linked by the import is not
    among them: the undo leaves that person alone.)"""
    last_unit = session.scalar(select(func.max(Unit.id))) or 0
    last_person = session.scalar(select(func.max(Person.id))) or 0
    named = set(
        session.scalars(
            select(RecognizedAuthor.person_id)
            .join(RecognizedInitiative, RecognizedAuthor.initiative_id == RecognizedInitiative.id)
            .where(RecognizedInitiative.year == year, RecognizedAuthor.person_id.is_not(None))
        )
    )

    def keys() -> Keys:
        imports = set(session.scalars(select(RecognizedImport.id).where(RecognizedImport.year == year)))
        added_people = set(session.scalars(select(Person.id).where(Person.id > last_person)))
        units = set(session.scalars(select(Unit.id).where(Unit.id > last_unit)))
        return row_snapshots.merge(
            row_snapshots.family(session, "recognized_imports", imports),
            {"people": named | added_people, "years": {year}, "units": units},
        )

    return keys
