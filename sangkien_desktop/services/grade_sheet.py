"""Grading a score matrix workbook on its own (``sangkien grade-sheet``), and grade rules as TOML.

The workbook: the first row is a header "Mã hồ sơ", "Tên sáng kiến", then one column per council member
holding that member's total for the dossier. A blank cell means the member has not scored the dossier: the
dossier is not graded (``THIEU``), since a missing score is never a zero. A cell holding "-", "x" or
"KC" (không chấm) means the member does not score that dossier (a conflict of interest): it is left out of
the mean. Columns after the members that hold a computed mean, grade or note ("Điểm TB", "Xếp loại",
"Ghi chú" …) are ignored. Excel numbers are converted through ``Decimal(str(v))``.

The rules TOML (``--rules``)::

    name = "Tam Điệp 2024"
    decimals = 2                   # places of the mean, rounded half up
    certificate_threshold = 50     # recognized (certificate, no prize) from this mean
    tie_policy = "council"         # ties at a quota's edge are left to the council
    max_total = 100                # grade-sheet only: a member's total must be within 0..max_total
    blank = "missing"              # grade-sheet only: a blank cell is a missing score ("skip": not scored)

    [[bands]]                      # top grade first
    code = "A"
    label = "Loại A"
    min_mean = 80
    quota = 5                      # leave out for no limit
    amount = 2000000               # đồng per dossier

A band may hold ``conditions = [{ criterion = "Tính mới, tính sáng tạo", min = 30 }]`` and the rules a
``tie_break_criterion`` (with ``tie_policy = "criterion"``): both name a criterion of a round's rubric (by
name or by its number, 1 first), so they are refused for a workbook, which has totals only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.enums import TiePolicy
from ..domain.errors import Issue, ValidationError
from ..domain.grading import Band, Condition, DossierScores, GradeRules, Grading, check_rules, grade
from ..domain.scoring import format_points, parse_points
from ..domain.text import fold, fold_key, one_line
from .grading import default_rules, grading_summary
from .safe_files import FileRejected, load_workbook, sheet_rows

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


# ---------------------------------------------------------------------------------------------- TOML rules
@dataclass(frozen=True)
class SheetOptions:
    max_total: Decimal = Decimal(100)
    blank_missing: bool = True


@dataclass(frozen=True)
class RulesFile:
    """Rules read from TOML; criterion references are still names or numbers (``resolve`` binds them)."""

    rules: GradeRules
    options: SheetOptions = field(default_factory=SheetOptions)
    criterion_refs: bool = False


_TOP_KEYS = {
    "name": "name",
    "decimals": "decimals",
    "certificate_threshold": "certificate_threshold",
    "certificate": "certificate_threshold",
    "certificate_min": "certificate_threshold",
    "recognition_threshold": "certificate_threshold",
    "tie_policy": "tie_policy",
    "tie": "tie_policy",
    "tie_break_criterion": "tie_break_criterion",
    "max_total": "max_total",
    "blank": "blank",
    "bands": "bands",
    "grades": "bands",
}
_BAND_KEYS = {
    "code": "code",
    "grade": "code",
    "label": "label",
    "name": "label",
    "min_mean": "min_mean",
    "threshold": "min_mean",
    "min": "min_mean",
    "min_score": "min_mean",
    "quota": "quota",
    "max_count": "quota",
    "limit": "quota",
    "amount": "amount",
    "reward": "amount",
    "prize": "amount",
    "conditions": "conditions",
}


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(Issue("phải là một số", where))
    try:
        parsed = parse_points(value)
    except ValueError as exc:
        raise ValidationError(Issue(str(exc), where)) from exc
    if parsed is None:
        raise ValidationError(Issue("chưa có giá trị", where))
    return parsed


def _integer(value: Any, where: str) -> int:
    number = _number(value, where)
    if number != number.to_integral_value():
        raise ValidationError(Issue(f"phải là số nguyên (đang là {format_points(number, None)})", where))
    return int(number)


def _amount(value: Any, where: str) -> int:
    if isinstance(value, str):
        value = value.replace(".", "").replace(" ", "").replace("đ", "").replace("đồng", "")
    return _integer(value, where)


def _criterion_ref(value: Any, where: str) -> Hashable:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or (isinstance(value, str) and not value.strip())
    ):
        raise ValidationError(Issue("ghi tên tiêu chí hoặc số thứ tự của nó (1 là tiêu chí đầu)", where))
    return ("ref", value)


def parse_rules_toml(text: str, source: str = "tệp quy tắc") -> RulesFile:
    """Rules from TOML text (see the module docstring). Unknown keys are refused, naming the known ones."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(Issue(f"không đọc được TOML: {exc}", source)) from exc
    issues: list[Issue] = []
    top: dict[str, Any] = {}
    for key, value in data.items():
        canonical = _TOP_KEYS.get(key)
        if canonical is None:
            issues.append(
                Issue(f"không có mục “{key}” (các mục: {', '.join(sorted(set(_TOP_KEYS.values())))})", source)
            )
        else:
            top[canonical] = value
    if issues:
        raise ValidationError(issues, "Tệp quy tắc xếp loại chưa đúng")
    base = default_rules()
    refs = False
    bands: tuple[Band, ...] = base.bands
    if "bands" in top:
        raw = top["bands"]
        items: list[tuple[str | None, Any]]
        if isinstance(raw, list):
            items = [(None, b) for b in raw]
        elif isinstance(raw, dict):
            items = list(raw.items())
        else:
            raise ValidationError(Issue("“bands” phải là danh sách [[bands]]", source))
        parsed: list[Band] = []
        for i, (table_code, b) in enumerate(items, start=1):
            where = f"{source}, loại thứ {i}"
            if not isinstance(b, dict):
                raise ValidationError(
                    Issue("mỗi loại phải là một bảng (code, min_mean, quota, amount)", where)
                )
            values: dict[str, Any] = {}
            for key, value in b.items():
                canonical = _BAND_KEYS.get(key)
                if canonical is None:
                    raise ValidationError(
                        Issue(
                            f"không có mục “{key}” (các mục: {', '.join(sorted(set(_BAND_KEYS.values())))})",
                            where,
                        )
                    )
                values[canonical] = value
            code = one_line(str(values.get("code", table_code or "")))
            if "min_mean" not in values:
                raise ValidationError(Issue("thiếu ngưỡng điểm min_mean", where))
            quota_raw = values.get("quota")
            quota = None
            if quota_raw is not None and not (
                isinstance(quota_raw, str) and fold(quota_raw) in {"", "khong gioi han", "unlimited"}
            ):
                quota = _integer(quota_raw, where + ", quota")
            conditions: list[Condition] = []
            for c in values.get("conditions", []) or []:
                if not isinstance(c, dict) or "criterion" not in c or not ({"min", "min_points"} & set(c)):
                    raise ValidationError(
                        Issue('điều kiện phải có dạng { criterion = "…", min = 30 }', where)
                    )
                ref = _criterion_ref(c["criterion"], where)
                conditions.append(
                    Condition(ref, str(c["criterion"]), _number(c.get("min", c.get("min_points")), where))
                )
                refs = True
            parsed.append(
                Band(
                    code=code,
                    label=one_line(str(values.get("label", ""))) or f"Loại {code}",
                    min_mean=_number(values["min_mean"], where + ", min_mean"),
                    quota=quota,
                    amount=_amount(values.get("amount", 0), where + ", amount"),
                    conditions=tuple(conditions),
                )
            )
        bands = tuple(parsed)
    policy_raw = str(top.get("tie_policy", base.tie_policy.value)).strip().lower()
    aliases = {
        "council": TiePolicy.COUNCIL,
        "hoi dong": TiePolicy.COUNCIL,
        "criterion": TiePolicy.CRITERION,
        "tieu chi": TiePolicy.CRITERION,
    }
    policy = aliases.get(fold(policy_raw))
    if policy is None:
        raise ValidationError(
            Issue(f"tie_policy chỉ nhận “council” hoặc “criterion” (đang là “{policy_raw}”)", source)
        )
    tie_ref = None
    tie_name = ""
    if "tie_break_criterion" in top:
        tie_ref = _criterion_ref(top["tie_break_criterion"], source + ", tie_break_criterion")
        tie_name = str(top["tie_break_criterion"])
        refs = True
    blank = fold(str(top.get("blank", "missing")))
    if blank not in {"missing", "skip", "thieu", "bo qua"}:
        raise ValidationError(
            Issue(f"blank chỉ nhận “missing” hoặc “skip” (đang là “{top['blank']}”)", source)
        )
    rules = GradeRules(
        bands=bands,
        certificate_threshold=_number(
            top.get("certificate_threshold", base.certificate_threshold), source + ", certificate_threshold"
        ),
        decimals=_integer(top.get("decimals", base.decimals), source + ", decimals"),
        tie_policy=policy,
        tie_break_criterion=tie_ref,
        tie_break_name=tie_name,
        name=one_line(str(top.get("name", ""))) or ("Theo tệp quy tắc" if "bands" in top else base.name),
    )
    options = SheetOptions(
        max_total=_number(top.get("max_total", 100), source + ", max_total"),
        blank_missing=blank in {"missing", "thieu"},
    )
    check_rules(rules)
    return RulesFile(rules, options, refs)


def read_rules_file(path: Path) -> RulesFile:
    path = Path(path)
    if not path.is_file():
        raise FileRejected(f"Không tìm thấy tệp quy tắc {path}.")
    if path.stat().st_size > 1_000_000:
        raise FileRejected(f"Tệp quy tắc {path.name} quá lớn.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(f"Tệp quy tắc {path.name} phải lưu dạng UTF-8.") from exc
    return parse_rules_toml(text, path.name)


def resolve(rules_file: RulesFile, criteria: Sequence[tuple[Hashable, str]]) -> GradeRules:
    """Bind criterion references (name or number) to a rubric's keys; ``criteria`` is [(key, name)]."""
    by_name = {fold_key(name): (key, name) for key, name in criteria}

    def bind(ref: Hashable, where: str) -> tuple[Hashable, str]:
        value = ref[1] if isinstance(ref, tuple) and len(ref) == 2 and ref[0] == "ref" else ref
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            n = int(value)
            if 1 <= n <= len(criteria):
                return criteria[n - 1]
        elif isinstance(value, str) and fold_key(value) in by_name:
            return by_name[fold_key(value)]
        available = "; ".join(f"{i}. {name}" for i, (_k, name) in enumerate(criteria, start=1)) or "không có"
        raise ValidationError(Issue(f"không có tiêu chí “{value}” (các tiêu chí: {available})", where))

    rules = rules_file.rules
    bands = []
    for b in rules.bands:
        conditions = []
        for c in b.conditions:
            key, name = bind(c.criterion, f"Điều kiện của {b.title}")
            conditions.append(Condition(key, name, c.min_points))
        bands.append(Band(b.code, b.label, b.min_mean, b.quota, b.amount, tuple(conditions)))
    tie_key = None
    tie_name = ""
    if rules.tie_break_criterion is not None:
        tie_key, tie_name = bind(rules.tie_break_criterion, "tie_break_criterion")
    resolved = GradeRules(
        bands=tuple(bands),
        certificate_threshold=rules.certificate_threshold,
        decimals=rules.decimals,
        tie_policy=rules.tie_policy,
        tie_break_criterion=tie_key,
        tie_break_name=tie_name,
        minima=rules.minima,
        name=rules.name,
    )
    check_rules(resolved)
    return resolved


def rules_to_toml(rules: GradeRules, criteria: Sequence[tuple[Hashable, str]] = ()) -> str:
    """The rules as the TOML ``--rules`` reads (a template to copy and edit)."""
    names = {key: name for key, name in criteria}

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def num(value: Decimal) -> str:
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)

    lines = [
        "# Quy tắc xếp loại sáng kiến (Sáng kiến Desktop)",
        f"name = {q(rules.name)}",
        f"decimals = {rules.decimals}                      # số chữ số thập phân của điểm bình quân (làm tròn nửa lên)",
        f"certificate_threshold = {num(rules.certificate_threshold)}        # từ mức này: công nhận, cấp giấy chứng nhận",
        f"tie_policy = {q(rules.tie_policy.value)}            # council: đồng điểm ở ranh giới suất do Hội đồng quyết định",
    ]
    if rules.tie_break_criterion is not None:
        lines.append(f"tie_break_criterion = {q(names.get(rules.tie_break_criterion, rules.tie_break_name))}")
    lines.append("# chỉ dùng cho grade-sheet:")
    lines.append("max_total = 100                 # điểm của một thành viên phải trong 0..max_total")
    lines.append(
        'blank = "missing"               # ô trống = thiếu điểm (không xếp loại); "skip": không chấm'
    )
    for b in rules.bands:
        lines.append("")
        lines.append("[[bands]]")
        lines.append(f"code = {q(b.code)}")
        lines.append(f"label = {q(b.label)}")
        lines.append(f"min_mean = {num(b.min_mean)}")
        if b.quota is not None:
            lines.append(f"quota = {b.quota}")
        else:
            lines.append("# quota: không giới hạn")
        lines.append(f"amount = {b.amount}")
        if b.conditions:
            conds = ", ".join(
                f"{{ criterion = {q(names.get(c.criterion, c.name))}, min = {num(c.min_points)} }}"
                for c in b.conditions
            )
            lines.append(f"conditions = [{conds}]")
    return "\n".join(lines) + "\n"


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
    its Excel address."""
    options = options or SheetOptions()
    path = Path(path)
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
    header_index = None
    for i, row in enumerate(rows[:10]):
        kinds = [_header_kind("" if v is None else str(v)) for v in row]
        if "code" in kinds:
            header_index = i
            break
    if header_index is None:
        raise ValidationError(
            Issue(
                "không thấy dòng tiêu đề có cột “Mã hồ sơ” (dòng đầu phải là: Mã hồ sơ, Tên sáng kiến, rồi mỗi "
                "thành viên một cột)",
                f"Tệp {path.name}, trang {title}",
            ),
            "Bảng điểm chưa đúng mẫu",
        )
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
    members = [header[i] for i in member_cols]
    dup = sorted({m for m in members if members.count(m) > 1})
    issues: list[Issue] = []
    if dup:
        issues.append(Issue(f"tên thành viên bị trùng: {', '.join(dup)}", f"Dòng {header_index + 1}"))
    seen: dict[str, int] = {}
    out: list[SheetRow] = []
    for r in range(header_index + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1

        def cell(i: int, row: list[Any] = row) -> Any:
            return row[i] if i < len(row) else None

        code_value = cell(code_col)
        code = one_line("" if code_value is None else str(code_value))
        values = [cell(i) for i in member_cols]
        if not code:
            if any(v is not None and str(v).strip() for v in values):
                issues.append(
                    Issue(
                        "có điểm nhưng thiếu mã hồ sơ", f"Ô {_col_letter(code_col)}{excel_row}", row=excel_row
                    )
                )
            continue
        if code in seen:
            issues.append(
                Issue(
                    f"mã hồ sơ {code} trùng với dòng {seen[code]}",
                    f"Ô {_col_letter(code_col)}{excel_row}",
                    row=excel_row,
                )
            )
            continue
        seen[code] = excel_row
        totals: list[Decimal | None] = []
        skipped: list[bool] = []
        for col, value in zip(member_cols, values, strict=True):
            where = f"Ô {_col_letter(col)}{excel_row} ({header[col]}, hồ sơ {code})"
            if isinstance(value, str) and fold(value) in NOT_SCORING:
                totals.append(None)
                skipped.append(True)
                continue
            try:
                number = parse_points(value)
            except ValueError as exc:
                issues.append(Issue(str(exc), where, row=excel_row, column=header[col]))
                totals.append(None)
                skipped.append(False)
                continue
            if number is not None and not (0 <= number <= options.max_total):
                issues.append(
                    Issue(
                        f"{format_points(number, None)} nằm ngoài 0..{format_points(options.max_total, None)} điểm",
                        where,
                        row=excel_row,
                        column=header[col],
                    )
                )
            totals.append(number)
            skipped.append(number is None and not options.blank_missing)
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
    data = read_score_sheet(path, sheet, rules_file.options)
    return SheetGrading(data, rules_file.rules, grade(sheet_entries(data), rules_file.rules))
