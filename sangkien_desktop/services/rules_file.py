"""Grade rules as a TOML file (``grade-sheet --rules``, ``grade --rules``, ``grade-rules --set``), read strictly.

::

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
    amount = 2000000               # đồng per dossier (0 for a grade without prize)

A band may hold ``conditions = [{ criterion = "Tính mới, tính sáng tạo", min = 30 }]`` and the rules a
``tie_break_criterion`` (with ``tie_policy = "criterion"``): both name a criterion of a round's rubric (by
name or by its number, 1 first).

Strict: a file must list its ``bands`` (``bands = []`` for recognition only), top grade first, each with
``min_mean`` and ``amount``; no threshold may be above the maximum a dossier can score (``check_maximum``).
Every message names the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.enums import TiePolicy
from ..domain.errors import Issue, ValidationError
from ..domain.grading import MAX_DECIMALS, Band, Condition, GradeRules, check_rules, rule_issues
from ..domain.scoring import format_points, parse_points
from ..domain.text import fold, fold_key, one_line
from .grading import default_rules
from .safe_files import FileRejected

TITLE = "Tệp quy tắc xếp loại chưa đúng"


@dataclass(frozen=True)
class SheetOptions:
    max_total: Decimal = Decimal(100)
    blank_missing: bool = True


@dataclass(frozen=True)
class RulesFile:
    """Rules read from TOML; criterion references are still names or numbers (``resolve`` binds them).
    ``where(band, key)`` names the place of a key in the file (band 1 first; None: the top level)."""

    rules: GradeRules
    options: SheetOptions = field(default_factory=SheetOptions)
    criterion_refs: bool = False
    source: str = "tệp quy tắc"
    lines: dict[tuple[int | None, str | None], int] = field(default_factory=dict)

    def where(self, band: int | None, key: str | None) -> str:
        return _where(self.source, self.lines, band, key)


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
_BAND_HEADER = re.compile(r"^\[\[\s*(bands|grades)\s*\]\]")
_BAND_TABLE = re.compile(r"^\[\s*(bands|grades)\s*\.")
_OTHER_TABLE = re.compile(r"^\[")
_KEY = re.compile(r"^([A-Za-z0-9_\-]+)\s*=")


# ---------------------------------------------------------------------------------------------- places
def key_lines(text: str) -> dict[tuple[int | None, str | None], int]:
    """Where each key is: (None, key) for the top level, (band number, key) inside the n-th band, and
    (band number, None) for the band's own header line. Good enough for the files people write by hand
    (one key a line); a key not found is named without a line."""
    lines: dict[tuple[int | None, str | None], int] = {}
    band: int | None = None
    count = 0
    other = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if _BAND_HEADER.match(line) or _BAND_TABLE.match(line):
            count += 1
            band, other = count, False
            lines.setdefault((band, None), number)
            continue
        if _OTHER_TABLE.match(line):
            band, other = None, True
            continue
        match = _KEY.match(line)
        if match and not other:
            lines.setdefault((band, match.group(1)), number)
    return lines


def _where(
    source: str, lines: dict[tuple[int | None, str | None], int], band: int | None, key: str | None
) -> str:
    number = lines.get((band, key))
    if number is None and band is not None:
        number = lines.get((band, None), lines.get((None, "bands"), lines.get((None, "grades"))))
    parts = [f"Tệp {source}"]
    if number is not None:
        parts.append(f"dòng {number}")
    inside = ", ".join(p for p in (f"loại thứ {band}" if band is not None else "", key or "") if p)
    return ", ".join(parts) + (f" ({inside})" if inside else "")


# ---------------------------------------------------------------------------------------------- values
def _number(value: Any, where: str) -> Decimal:
    """A threshold, in points."""
    if isinstance(value, bool):
        raise ValidationError(Issue("phải là một số điểm", where), TITLE)
    try:
        parsed = parse_points(value)
    except ValueError as exc:
        raise ValidationError(Issue(str(exc), where), TITLE) from exc
    if parsed is None:
        raise ValidationError(Issue("chưa có giá trị", where), TITLE)
    return parsed


def _whole(value: Any, where: str, what: str, example: str) -> int:
    """A whole number that is not points (quota, decimals, amount): its own words, never "số điểm"."""
    text = str(value).strip() if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if text is not None and re.fullmatch(r"-?\d+", text):
        return int(text)
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    raise ValidationError(
        Issue(f"{what} phải là số nguyên, ví dụ {example} (đang là “{shown}”)", where), TITLE
    )


def _amount(value: Any, where: str) -> int:
    if isinstance(value, str):
        value = value.replace("đồng", "").replace("đ", "").replace(".", "").replace(" ", "")
    return _whole(value, where, "tiền thưởng (đồng)", '2000000 hoặc "2.000.000"')


def _criterion_ref(value: Any, where: str) -> Hashable:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or (isinstance(value, str) and not value.strip())
    ):
        raise ValidationError(
            Issue("ghi tên tiêu chí hoặc số thứ tự của nó (1 là tiêu chí đầu)", where), TITLE
        )
    return ("ref", value)


# ---------------------------------------------------------------------------------------------- parsing
def parse_rules_toml(text: str, source: str = "tệp quy tắc") -> RulesFile:
    """Rules from TOML text (see the module docstring). Every problem is listed at once, with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(Issue(f"không đọc được TOML: {exc}", f"Tệp {source}"), TITLE) from exc
    lines = key_lines(text)

    def where(band: int | None, key: str | None) -> str:
        return _where(source, lines, band, key)

    issues: list[Issue] = []
    top, raw_keys = _known_keys(data, _TOP_KEYS, None, where, issues)
    if "bands" not in top:
        issues.append(
            Issue(
                "thiếu mục “bands”: mỗi loại giải ghi một bảng [[bands]] với code, min_mean, quota, amount, loại "
                "cao trước (in mẫu: sangkien grade-rules); chỉ công nhận, không có giải: bands = []",
                f"Tệp {source}",
            )
        )
    bands = _bands(top.get("bands", []), where, issues) if "bands" in top else ()
    rules, options = _top_level(top, raw_keys, bands, where, issues, source)
    if issues:
        raise ValidationError(issues, TITLE)
    _check_domain(rules, where)
    refs = any(b.conditions for b in bands) or rules.tie_break_criterion is not None
    return RulesFile(rules, options, refs, source, lines)


def _known_keys(
    table: dict[str, Any], synonyms: dict[str, str], band: int | None, where: Any, issues: list[Issue]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The table's values under their canonical keys, and the key the file used for each; an unknown key
    is an issue naming the known ones."""
    values: dict[str, Any] = {}
    used: dict[str, str] = {}
    for key, value in table.items():
        canonical = synonyms.get(key)
        if canonical is None:
            known = ", ".join(sorted(set(synonyms.values())))
            issues.append(Issue(f"không có mục “{key}” (các mục: {known})", where(band, key)))
        else:
            values[canonical] = value
            used[canonical] = key
    return values, used


def _bands(raw: Any, where: Any, issues: list[Issue]) -> tuple[Band, ...]:
    items: list[tuple[str | None, Any]]
    if isinstance(raw, list):
        items = [(None, b) for b in raw]
    elif isinstance(raw, dict):
        items = list(raw.items())
    else:
        issues.append(Issue("“bands” phải là danh sách các bảng [[bands]]", where(None, "bands")))
        return ()
    parsed: list[Band] = []
    for i, (table_code, b) in enumerate(items, start=1):
        try:
            band = _band(i, table_code, b, where)
        except ValidationError as exc:
            issues.extend(exc.issues)
            continue
        previous = parsed[-1] if parsed else None
        if previous is not None and band.min_mean > previous.min_mean:
            issues.append(
                Issue(
                    f"ngưỡng {format_points(band.min_mean, None)} điểm của loại {band.code} cao hơn loại "
                    f"{previous.code} đứng trước ({format_points(previous.min_mean, None)} điểm): các loại được xét "
                    "từ trên xuống, hãy ghi loại cao trước",
                    where(i, _key_in(b, "min_mean")),
                )
            )
        parsed.append(band)
    return tuple(parsed)


def _key_in(table: Any, canonical: str) -> str:
    """The key the file used for ``canonical`` ("threshold" for min_mean …), for messages."""
    if isinstance(table, dict):
        for key in table:
            if _BAND_KEYS.get(key) == canonical:
                return str(key)
    return canonical


def _band(i: int, table_code: str | None, b: Any, where: Any) -> Band:
    if not isinstance(b, dict):
        raise ValidationError(
            Issue("mỗi loại phải là một bảng (code, min_mean, quota, amount)", where(i, None))
        )
    problems: list[Issue] = []
    values, _raw = _known_keys(b, _BAND_KEYS, i, where, problems)
    code = one_line(str(values.get("code", table_code or "")))
    if "min_mean" not in values:
        problems.append(Issue("thiếu ngưỡng điểm min_mean", where(i, None)))
    if "amount" not in values:
        problems.append(
            Issue(
                "thiếu amount: tiền thưởng mỗi hồ sơ (đồng); loại không có thưởng ghi amount = 0",
                where(i, None),
            )
        )
    if problems:
        raise ValidationError(problems, TITLE)
    quota_raw = values.get("quota")
    quota = None
    if quota_raw is not None and not (
        isinstance(quota_raw, str) and fold(quota_raw) in {"", "khong gioi han", "unlimited"}
    ):
        quota = _whole(
            quota_raw, where(i, _key_in(b, "quota")), "số suất", "5 (bỏ dòng này nếu không giới hạn)"
        )
    conditions: list[Condition] = []
    for c in values.get("conditions", []) or []:
        here = where(i, "conditions")
        if not isinstance(c, dict) or "criterion" not in c or not ({"min", "min_points"} & set(c)):
            raise ValidationError(Issue('điều kiện phải có dạng { criterion = "…", min = 30 }', here), TITLE)
        ref = _criterion_ref(c["criterion"], here)
        conditions.append(
            Condition(ref, str(c["criterion"]), _number(c.get("min", c.get("min_points")), here))
        )
    return Band(
        code=code,
        label=one_line(str(values.get("label", ""))) or f"Loại {code}",
        min_mean=_number(values["min_mean"], where(i, _key_in(b, "min_mean"))),
        quota=quota,
        amount=_amount(values["amount"], where(i, _key_in(b, "amount"))),
        conditions=tuple(conditions),
    )


def _top_level(
    top: dict[str, Any],
    raw_keys: dict[str, str],
    bands: tuple[Band, ...],
    where: Any,
    issues: list[Issue],
    source: str,
) -> tuple[GradeRules, SheetOptions]:
    base = default_rules()

    def at(key: str) -> str:
        return where(None, raw_keys.get(key, key))

    def attempt(fn: Any, default: Any) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            issues.extend(exc.issues)
            return default

    policy_raw = str(top.get("tie_policy", base.tie_policy.value)).strip().lower()
    aliases = {"council": TiePolicy.COUNCIL, "hoi dong": TiePolicy.COUNCIL}
    aliases |= {"criterion": TiePolicy.CRITERION, "tieu chi": TiePolicy.CRITERION}
    policy = aliases.get(fold(policy_raw))
    if policy is None:
        issues.append(
            Issue(
                f"tie_policy chỉ nhận “council” hoặc “criterion” (đang là “{policy_raw}”)", at("tie_policy")
            )
        )
        policy = base.tie_policy
    tie_ref = None
    tie_name = ""
    if "tie_break_criterion" in top:
        tie_ref = attempt(lambda: _criterion_ref(top["tie_break_criterion"], at("tie_break_criterion")), None)
        tie_name = str(top["tie_break_criterion"])
    blank = fold(str(top.get("blank", "missing")))
    if blank not in {"missing", "skip", "thieu", "bo qua"}:
        issues.append(Issue(f"blank chỉ nhận “missing” hoặc “skip” (đang là “{top['blank']}”)", at("blank")))
    decimals = attempt(
        lambda: _whole(top.get("decimals", base.decimals), at("decimals"), "số chữ số thập phân", "2"), 2
    )
    if not 0 <= decimals <= MAX_DECIMALS:
        issues.append(
            Issue(f"số chữ số thập phân phải từ 0 đến {MAX_DECIMALS} (đang là {decimals})", at("decimals"))
        )
        decimals = 2
    rules = GradeRules(
        bands=bands,
        certificate_threshold=attempt(
            lambda: _number(
                top.get("certificate_threshold", base.certificate_threshold), at("certificate_threshold")
            ),
            base.certificate_threshold,
        ),
        decimals=decimals,
        tie_policy=policy,
        tie_break_criterion=tie_ref,
        tie_break_name=tie_name,
        name=one_line(str(top.get("name", ""))) or "Theo tệp quy tắc",
    )
    options = SheetOptions(
        max_total=attempt(lambda: _number(top.get("max_total", 100), at("max_total")), Decimal(100)),
        blank_missing=blank in {"missing", "thieu"},
    )
    return rules, options


_DOMAIN_WHERE = re.compile(r"^Loại thứ (\d+)")


def _check_domain(rules: GradeRules, where: Any) -> None:
    """The engine's own checks (duplicate codes, thresholds below recognition …), placed in the file."""
    errors = []
    for issue in rule_issues(rules):
        if not issue.is_error:
            continue
        match = _DOMAIN_WHERE.match(issue.where)
        place = where(int(match.group(1)), None) if match else where(None, None)
        errors.append(Issue(issue.message, place))
    if errors:
        raise ValidationError(errors, TITLE)


def check_maximum(rules_file: RulesFile, rules: GradeRules, maximum: Decimal, what: str) -> None:
    """Refuse thresholds no dossier can reach: above ``maximum`` (the rubric's total, or grade-sheet's
    ``max_total``); ``what`` names that maximum in the message."""
    top = format_points(maximum, None)
    issues = []
    for i, band in enumerate(rules.bands, start=1):
        if band.min_mean > maximum:
            issues.append(
                Issue(
                    f"ngưỡng {format_points(band.min_mean, None)} điểm của loại {band.code} cao hơn điểm tối đa "
                    f"{top} của {what}: không hồ sơ nào đạt được",
                    rules_file.where(i, "min_mean"),
                )
            )
    if rules.certificate_threshold > maximum:
        issues.append(
            Issue(
                f"ngưỡng công nhận {format_points(rules.certificate_threshold, None)} điểm cao hơn điểm tối đa {top} "
                f"của {what}",
                rules_file.where(None, "certificate_threshold"),
            )
        )
    if issues:
        raise ValidationError(issues, TITLE)


def read_rules_file(path: Path) -> RulesFile:
    path = Path(path)
    if path.is_dir():
        raise FileRejected(f"{path} là một thư mục, không phải tệp quy tắc: hãy chỉ đến tệp .toml.")
    if not path.is_file():
        raise FileRejected(f"Không tìm thấy tệp quy tắc {path}.")
    if path.stat().st_size > 1_000_000:
        raise FileRejected(f"Tệp quy tắc {path.name} quá lớn.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(f"Tệp quy tắc {path.name} phải lưu dạng UTF-8.") from exc
    return parse_rules_toml(text, path.name)


def resolve(
    rules_file: RulesFile,
    criteria: Sequence[tuple[Hashable, str]],
    maximum: Decimal | None = None,
) -> GradeRules:
    """Bind criterion references (name or number) to a rubric's keys; ``criteria`` is [(key, name)].
    With ``maximum`` (the rubric's total) thresholds above it are refused."""
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
        raise ValidationError(Issue(f"không có tiêu chí “{value}” (các tiêu chí: {available})", where), TITLE)

    rules = rules_file.rules
    bands = []
    for i, b in enumerate(rules.bands, start=1):
        conditions = []
        for c in b.conditions:
            key, name = bind(c.criterion, rules_file.where(i, "conditions"))
            conditions.append(Condition(key, name, c.min_points))
        bands.append(Band(b.code, b.label, b.min_mean, b.quota, b.amount, tuple(conditions)))
    tie_key = None
    tie_name = ""
    if rules.tie_break_criterion is not None:
        tie_key, tie_name = bind(rules.tie_break_criterion, rules_file.where(None, "tie_break_criterion"))
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
    if maximum is not None:
        check_maximum(rules_file, resolved, maximum, "bộ tiêu chí của đợt")
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
    if not rules.bands:
        lines.append("bands = []                      # chỉ công nhận, không có loại giải")
    for b in rules.bands:
        lines.append("")
        lines.append("[[bands]]                       # loại cao ghi trước")
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
