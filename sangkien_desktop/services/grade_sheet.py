"""Grading a score matrix workbook on its own (``sangkien grade-sheet``).

The workbook: the first row is a header "Mã hồ sơ", "Tên sáng kiến", then one column per council member
holding that member's total for the dossier. A blank cell means the member has not scored the dossier: the
dossier is not graded (``THIEU``), since a missing score is never a zero. A cell holding "-", "x" or
"KC" (không chấm) means the member does not score that dossier (a conflict of interest): it is left out of
the mean. Columns after the members that hold a computed mean, grade or note ("Điểm TB", "Xếp loại",
"Ghi chú" …) are ignored. Excel numbers are converted through ``Decimal(str(v))``.

The rules (``--rules``) are a TOML file read strictly by ``services.rules_file``; conditions and the
tie-break criterion name a rubric's criteria, so they are refused for a workbook, which has totals only.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.errors import Issue, ValidationError
from ..domain.grading import DossierScores, GradeRules, Grading, grade
from ..domain.scoring import format_points, parse_points
from ..domain.text import fold, fold_key, one_line
from .grading import default_rules, grading_summary
from .rules_file import (  # noqa: F401 - the rules file API, also used from here
    RulesFile,
    SheetOptions,
    check_maximum,
    parse_rules_toml,
    read_rules_file,
    resolve,
    rules_to_toml,
)
from .safe_files import MAX_COLUMNS, MAX_ROWS, PARSE_ERRORS, FileRejected, load_workbook, sheet_rows

CODE_HEADERS = ("ma ho so", "ma hs", "ma")
TITLE_HEADERS = ("ten sang kien", "ten sk", "ten")
# Columns that are not a member's total: phrases (folded) a header starts with, and single words it equals.
# Single words only match whole headers, since "Tống", "Hàng" or "Lò" begin people's names.
IGNORED_PHRASES = (
    "diem tb",
    "diem trung binh",
    "diem binh quan",
    "binh quan",
    "trung binh",
    "tong diem",
    "tong cong",
    "xep loai",
    "xep hang",
    "ghi chu",
    "tien thuong",
    "muc thuong",
    "ket qua",
    "don vi",
    "tac gia",
)
IGNORED_WORDS = ("tong", "hang", "loai", "giai", "stt", "tt", "dtb")
NOT_SCORING = ("-", "x", "kc", "khong cham", "/")


# ---------------------------------------------------------------------------------------------- workbook
@dataclass(frozen=True)
class SheetRow:
    row: int
    code: str
    title: str
    totals: tuple[Decimal | None, ...]  # per member column; None = blank
    skipped: tuple[bool, ...]  # member marked as not scoring this dossier


@dataclass(frozen=True)
class ScoreSheet:
    file: str
    sheet: str
    members: list[str]
    rows: list[SheetRow]
    ignored_columns: list[str] = field(default_factory=list)


def _col_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_kind(text: str) -> str:
    key = fold_key(text)
    if key in CODE_HEADERS:
        return "code"
    if key in TITLE_HEADERS:
        return "title"
    if key in IGNORED_WORDS or any(key == p or key.startswith(p + " ") for p in IGNORED_PHRASES):
        return "ignored"
    return "member" if key else "empty"


def read_score_sheet(path: Path, sheet: str | None = None, options: SheetOptions | None = None) -> ScoreSheet:
    """Read the score matrix workbook (through ``safe_files``). Every bad cell is reported at once, by
    its Excel address; no score is ever dropped silently (a value under an empty header, a formula Excel
    never computed, "1.000" typed as text are refused)."""
    options = options or SheetOptions()
    path = _workbook_path(Path(path))
    wb = load_workbook(path)
    try:
        if sheet:
            if sheet not in wb.sheetnames:
                raise FileRejected(
                    f"Tệp {path.name} không có trang “{sheet}” (các trang: {', '.join(wb.sheetnames)})."
                )
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        rows = sheet_rows(ws, ws.title)
        title = ws.title
    finally:
        wb.close()
    header_index = _header_row(rows, path, title)
    header = ["" if v is None else one_line(str(v)) for v in rows[header_index]]
    kinds = [_header_kind(h) for h in header]
    code_col = kinds.index("code")
    title_col = kinds.index("title") if "title" in kinds else None
    start = (title_col if title_col is not None else code_col) + 1
    member_cols = [i for i in range(start, len(header)) if kinds[i] == "member"]
    ignored = [header[i] for i in range(start, len(header)) if kinds[i] == "ignored"]
    if not member_cols:
        raise ValidationError(
            Issue(
                "không có cột điểm của thành viên nào sau cột “Tên sáng kiến”",
                f"Tệp {path.name}, dòng {header_index + 1}",
            ),
            "Bảng điểm chưa đúng mẫu",
        )
    body = range(header_index + 1, len(rows))
    if not any(any(not _blank(v) for v in rows[r]) for r in body):
        raise ValidationError(
            Issue(
                f"không có hồ sơ nào dưới dòng tiêu đề (dòng {header_index + 1})",
                f"Tệp {path.name}, trang {title}",
            ),
            "Bảng điểm trống",
        )
    members = [header[i] for i in member_cols]
    issues = _header_issues(rows, header, kinds, start, header_index, members)
    formulas = (
        _formula_cells(path, title) if _has_blank_cells(rows, body, [code_col, *member_cols]) else set()
    )
    seen: dict[str, int] = {}
    out: list[SheetRow] = []
    for r in body:
        row = rows[r]
        excel_row = r + 1

        def cell(i: int, row: list[Any] = row) -> Any:
            return row[i] if i < len(row) else None

        code_value = cell(code_col)
        code = one_line("" if code_value is None else str(code_value))
        values = [cell(i) for i in member_cols]
        code_cell = f"Ô {_col_letter(code_col)}{excel_row}"
        if not code:
            if (excel_row, code_col) in formulas:
                issues.append(Issue(_FORMULA_TEXT, code_cell, row=excel_row))
            elif any(not _blank(v) for v in values):
                issues.append(Issue("có điểm nhưng thiếu mã hồ sơ", code_cell, row=excel_row))
            continue
        key = code.upper()
        if key in seen:
            issues.append(Issue(f"mã hồ sơ {code} trùng với dòng {seen[key]}", code_cell, row=excel_row))
            continue
        seen[key] = excel_row
        totals: list[Decimal | None] = []
        skipped: list[bool] = []
        for col, value in zip(member_cols, values, strict=True):
            where = f"Ô {_col_letter(col)}{excel_row} ({header[col]}, hồ sơ {code})"
            number, skip, problem = _score_cell(value, options, (excel_row, col) in formulas)
            if problem:
                issues.append(Issue(problem, where, row=excel_row, column=header[col]))
            totals.append(number)
            skipped.append(skip)
        title_value = cell(title_col) if title_col is not None else None
        out.append(
            SheetRow(
                excel_row,
                code,
                one_line("" if title_value is None else str(title_value)),
                tuple(totals),
                tuple(skipped),
            )
        )
    if issues:
        raise ValidationError(issues, f"Bảng điểm {path.name} có lỗi, chưa xếp loại")
    return ScoreSheet(path.name, title, members, out, ignored)


_FORMULA_TEXT = (
    "ô có công thức nhưng tệp không lưu kết quả tính (thường do tệp được tạo bằng chương trình khác): "
    "hãy mở tệp bằng Excel rồi lưu lại, sau đó chạy lại"
)
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def _score_cell(value: Any, options: SheetOptions, formula: bool) -> tuple[Decimal | None, bool, str]:
    """(total, does not score, problem) of one member cell."""
    if isinstance(value, str) and fold(value) in NOT_SCORING:
        return None, True, ""
    if formula and _blank(value):
        return None, False, _FORMULA_TEXT
    if isinstance(value, str) and _GROUPED.match(value.strip().replace(" ", "")):
        return (
            None,
            False,
            f"“{value.strip()}” gõ dạng chữ, không rõ là số nghìn hay số thập phân: hãy gõ lại thành số "
            "(ví dụ 85 hoặc 85,5)",
        )
    try:
        number = parse_points(value)
    except ValueError as exc:
        return None, False, str(exc)
    if number is not None and not (0 <= number <= options.max_total):
        return (
            number,
            False,
            f"{format_points(number, None)} nằm ngoài 0..{format_points(options.max_total, None)} điểm",
        )
    return number, number is None and not options.blank_missing, ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _workbook_path(path: Path) -> Path:
    """A folder, or a zip that is no workbook, gets a sentence before the Excel reader sees it."""
    if path.is_dir():
        raise FileRejected(
            f"{path} là một thư mục, không phải tệp Excel: hãy chọn tệp bảng điểm .xlsx trong đó."
        )
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return path  # the safe reader names the damage
        if "xl/workbook.xml" not in names:
            raise FileRejected(
                f"Tệp {path.name} là một tệp nén nhưng không phải bảng tính Excel (.xlsx): hãy mở bảng điểm "
                "bằng Excel và lưu dạng “Excel Workbook (.xlsx)”."
            )
    return path


def _header_row(rows: list[list[Any]], path: Path, title: str) -> int:
    for i, row in enumerate(rows[:10]):
        if "code" in [_header_kind("" if v is None else str(v)) for v in row]:
            return i
    raise ValidationError(
        Issue(
            "không thấy dòng tiêu đề có cột “Mã hồ sơ” (dòng đầu phải là: Mã hồ sơ, Tên sáng kiến, rồi mỗi "
            "thành viên một cột)",
            f"Tệp {path.name}, trang {title}",
        ),
        "Bảng điểm chưa đúng mẫu",
    )


def _header_issues(
    rows: list[list[Any]],
    header: list[str],
    kinds: list[str],
    start: int,
    header_index: int,
    members: list[str],
) -> list[Issue]:
    """Duplicate member names, and values in a column without a header (they would be dropped)."""
    issues: list[Issue] = []
    dup = sorted({m for m in members if members.count(m) > 1})
    if dup:
        issues.append(Issue(f"tên thành viên bị trùng: {', '.join(dup)}", f"Dòng {header_index + 1}"))
    for col in range(start, max((len(r) for r in rows), default=0)):
        if col < len(kinds) and kinds[col] != "empty":
            continue
        filled = [
            r for r in range(header_index + 1, len(rows)) if col < len(rows[r]) and not _blank(rows[r][col])
        ]
        if filled:
            first = filled[0]
            issues.append(
                Issue(
                    f"cột {_col_letter(col)} không có tiêu đề nhưng có giá trị (ô {_col_letter(col)}{first + 1} = "
                    f"{rows[first][col]}): ghi tên thành viên vào ô tiêu đề, hoặc xóa các giá trị của cột",
                    f"Ô {_col_letter(col)}{header_index + 1}",
                )
            )
    return issues


def _has_blank_cells(rows: list[list[Any]], body: range, cols: list[int]) -> bool:
    return any(c >= len(rows[r]) or _blank(rows[r][c]) for r in body for c in cols)


def _formula_cells(path: Path, title: str) -> set[tuple[int, int]]:
    """(Excel row, 0-based column) of cells holding a formula, read once more without cached values (only
    when some cell looked blank: a formula Excel never computed reads as blank)."""
    import openpyxl

    found: set[tuple[int, int]] = set()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=False)
    except PARSE_ERRORS:
        return found
    try:
        ws = wb[title]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        for r, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if r > MAX_ROWS:
                break
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    found.add((r, c))
    except PARSE_ERRORS:
        return found
    finally:
        wb.close()
    return found


def sheet_entries(sheet: ScoreSheet) -> list[DossierScores]:
    entries = []
    for row in sheet.rows:
        totals = tuple(t for t, s in zip(row.totals, row.skipped, strict=True) if t is not None and not s)
        missing = tuple(
            name
            for name, t, s in zip(sheet.members, row.totals, row.skipped, strict=True)
            if t is None and not s
        )
        problems: tuple[str, ...] = ()
        if not totals and not missing:
            problems = ("không thành viên nào chấm hồ sơ này",)
        entries.append(
            DossierScores(
                key=row.code,
                code=row.code,
                title=row.title,
                totals=totals,
                missing=missing,
                problems=problems,
            )
        )
    return entries


@dataclass(frozen=True)
class SheetGrading:
    sheet: ScoreSheet
    rules: GradeRules
    grading: Grading

    def summary(self) -> str:
        return grading_summary(self.grading)


def grade_sheet(path: Path, rules_path: Path | None = None, sheet: str | None = None) -> SheetGrading:
    """Read the workbook and the rules (Tam Điệp 2024 without ``rules_path``) and grade."""
    rules_file = read_rules_file(rules_path) if rules_path is not None else RulesFile(default_rules())
    if rules_file.criterion_refs:
        raise ValidationError(
            "Bảng điểm chỉ có tổng điểm của từng thành viên nên không áp dụng được điều kiện theo tiêu chí "
            "(conditions, tie_break_criterion). Hãy bỏ các mục này khỏi tệp quy tắc."
        )
    check_maximum(rules_file, rules_file.rules, rules_file.options.max_total, "một thành viên (max_total)")
    data = read_score_sheet(path, sheet, rules_file.options)
    return SheetGrading(data, rules_file.rules, grade(sheet_entries(data), rules_file.rules))
