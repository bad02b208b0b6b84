"""Rules of dossier intake (tiếp nhận hồ sơ): authors and their contributions, the round's co-author
limit, receipt numbers, the paper checklist, and which status changes are allowed with what they need.

Pure functions over plain values. Problems come back as ``Issue`` lists (severity "error" blocks saving,
"warning" is shown but does not block); the services turn errors into a ``ValidationError``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .enums import DossierStatus
from .errors import Issue
from .text import fold_key, one_line

__all__ = [
    "CONTRIBUTION_TOTAL",
    "MAX_RECEIPT_NO",
    "TRANSITIONS",
    "AuthorFacts",
    "ChecklistFacts",
    "DossierFacts",
    "StatusChange",
    "can_change",
    "check_authors",
    "check_checklist",
    "check_co_author_limit",
    "check_contributions",
    "check_dossier",
    "check_receipt_no",
    "check_status_change",
    "errors_of",
    "format_percent",
    "missing_items",
    "next_receipt_no",
    "parse_contribution",
    "parse_receipt_no",
    "suggested_status",
    "warnings_of",
]

CONTRIBUTION_TOTAL = Decimal("100")
CONTRIBUTION_PLACES = 2  # authorships store ExactDecimal(5, 2)
MAX_RECEIPT_NO = 99_999
MAX_TITLE_LENGTH = 1000
OLDEST_BIRTH_YEAR = 1900
MIN_AUTHOR_AGE = 15


def errors_of(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.is_error]


def warnings_of(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if not i.is_error]


def _warning(message: str, where: str = "", column: str | None = None) -> Issue:
    return Issue(message, where, "warning", column=column)


# ------------------------------------------------------------------------------------------------------
# contributions
# ------------------------------------------------------------------------------------------------------

_PERCENT = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*%?\s*$")


def format_percent(value: Decimal) -> str:
    """ "60%", "33,5%", "33,33%": no trailing zeros, a decimal comma."""
    return f"{value.normalize():f}".replace(".", ",") + "%"


def parse_contribution(value: str | int | Decimal | None) -> Decimal:
    """Read a contribution typed by a person ("60", "33,5", "33.5 %", 40) as an exact Decimal.

    Raises ValueError with a Vietnamese message for text that is not a number. Range checks are in
    :func:`check_contributions`.
    """
    if value is None:
        raise ValueError("Chưa ghi tỷ lệ đóng góp.")
    if isinstance(value, bool):
        raise ValueError("Tỷ lệ đóng góp phải là một số.")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        m = _PERCENT.match(str(value))
        if not m:
            raise ValueError(
                f"Tỷ lệ đóng góp «{one_line(str(value))}» không phải là số (ví dụ: 60 hoặc 33,5)."
            )
        try:
            result = Decimal(m.group(1).replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern only lets numbers through
            raise ValueError(f"Tỷ lệ đóng góp «{value}» không phải là số.") from exc
    if not result.is_finite():
        raise ValueError("Tỷ lệ đóng góp phải là một số hữu hạn.")
    return result


def check_contributions(contributions: Sequence[Decimal | None]) -> list[Issue]:
    """Each contribution is > 0 and ≤ 100 with at most two decimals, and together they are exactly 100."""
    issues: list[Issue] = []
    total = Decimal(0)
    complete = True
    for n, value in enumerate(contributions, start=1):
        where = f"Tác giả thứ {n}"
        if value is None:
            issues.append(Issue("chưa ghi tỷ lệ đóng góp (%).", where, column="contribution", row=n))
            complete = False
            continue
        if value <= 0 or value > CONTRIBUTION_TOTAL:
            issues.append(
                Issue(
                    f"tỷ lệ đóng góp phải lớn hơn 0% và không quá 100% (đang là {format_percent(value)}).",
                    where,
                    column="contribution",
                    row=n,
                )
            )
            complete = False
            continue
        if value != value.quantize(Decimal(1).scaleb(-CONTRIBUTION_PLACES)):
            issues.append(
                Issue(
                    f"tỷ lệ đóng góp chỉ ghi tối đa {CONTRIBUTION_PLACES} chữ số thập phân "
                    f"(đang là {value}).",
                    where,
                    column="contribution",
                    row=n,
                )
            )
            complete = False
            continue
        total += value
    if contributions and complete and total != CONTRIBUTION_TOTAL:
        issues.append(
            Issue(
                f"Tổng tỷ lệ đóng góp của các tác giả phải bằng đúng 100% (đang là {format_percent(total)}).",
                "Tác giả",
                column="contribution",
            )
        )
    return issues


# ------------------------------------------------------------------------------------------------------
# authors
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorFacts:
    """What the rules need to know of one author as written on the đơn.

    ``unit_key`` identifies the author's unit for the co-author limit (a unit id as text, or the folded
    workplace when no unit is known; "" when neither is known); ``unit_label`` names it in messages.
    """

    full_name: str
    birth_date: dt.date | None = None
    contribution: Decimal | None = None
    unit_key: str = ""
    unit_label: str = ""
    gender: str = ""  # as typed: "Nam", "nữ", "" (see ``parse_gender``)


GENDERS = ("Nam", "Nữ")
_GENDER_WORDS = {
    "nam": "Nam", "ong": "Nam", "m": "Nam", "male": "Nam",
    "nu": "Nữ", "ba": "Nữ", "f": "Nữ", "female": "Nữ",
}  # fmt: skip


def parse_gender(text: str | None) -> str:
    """ "Nam" or "Nữ" from what is typed ("nam", "NỮ", "nu", "Ông", "Bà"); "" for nothing. Raises
    ``ValueError`` for anything else: a certificate says "Ông"/"Bà" only from a gender given."""
    value = one_line(text or "")
    if not value:
        return ""
    found = _GENDER_WORDS.get(fold_key(value).replace(" ", ""))
    if found is None:
        raise ValueError(f"giới tính «{value}» không hiểu được: ghi Nam hoặc Nữ (hoặc để trống).")
    return found


def check_co_author_limit(authors: Sequence[AuthorFacts], limit: int | None) -> list[Issue]:
    """At most ``limit`` authors of one dossier from the same unit (seed 000: "số lượng đồng tác giả không
    quá 2 người trong cùng một đơn vị"). ``limit`` None or below 1 means no limit. One author alone is
    never limited."""
    if not limit or limit < 1 or len(authors) < 2:
        return []
    counts: dict[str, list[AuthorFacts]] = {}
    for a in authors:
        if a.unit_key:
            counts.setdefault(a.unit_key, []).append(a)
    issues = []
    for group in counts.values():
        if len(group) > limit:
            label = group[0].unit_label or "cùng một đơn vị"
            names = ", ".join(one_line(a.full_name) for a in group)
            issues.append(
                Issue(
                    f"có {len(group)} đồng tác giả cùng đơn vị «{label}» ({names}); quy định của đợt chỉ "
                    f"cho phép tối đa {limit} người trong cùng một đơn vị.",
                    "Tác giả",
                    column="unit",
                )
            )
    return issues


def check_authors(
    authors: Sequence[AuthorFacts], *, co_author_limit: int | None, today: dt.date
) -> list[Issue]:
    """Every rule on the author table of a dossier: at least one author, names, birth dates, no author
    twice, contributions totalling exactly 100%, the round's co-author limit."""
    if not authors:
        return [Issue("Hồ sơ phải có ít nhất một tác giả.", "Tác giả")]
    issues: list[Issue] = []
    seen: dict[tuple[str, dt.date | None], int] = {}
    for n, a in enumerate(authors, start=1):
        where = f"Tác giả thứ {n}"
        name = one_line(a.full_name)
        if not name:
            issues.append(Issue("chưa ghi họ và tên.", where, column="name", row=n))
            continue
        if len(name.split()) < 2:
            issues.append(
                Issue(
                    f"họ và tên «{name}» chỉ có một chữ; hãy ghi đủ họ và tên.",
                    where,
                    "warning",
                    column="name",
                    row=n,
                )
            )
        try:
            parse_gender(a.gender)
        except ValueError as exc:
            issues.append(Issue(str(exc), where, column="gender", row=n))
        if a.birth_date is not None:
            if a.birth_date > today:
                issues.append(
                    Issue(
                        f"ngày sinh {a.birth_date:%d/%m/%Y} ở sau ngày hôm nay.",
                        where,
                        column="birth_date",
                        row=n,
                    )
                )
            elif a.birth_date.year < OLDEST_BIRTH_YEAR:
                issues.append(
                    Issue(f"năm sinh {a.birth_date.year} không hợp lệ.", where, column="birth_date", row=n)
                )
            elif (today.year - a.birth_date.year) < MIN_AUTHOR_AGE:
                issues.append(
                    Issue(
                        f"ngày sinh {a.birth_date:%d/%m/%Y}: tác giả chưa đủ {MIN_AUTHOR_AGE} tuổi — "
                        "kiểm tra lại.",
                        where,
                        "warning",
                        column="birth_date",
                        row=n,
                    )
                )
        key = (fold_key(name), a.birth_date)
        if key in seen:
            issues.append(
                Issue(
                    f"«{name}» đã có ở dòng tác giả thứ {seen[key]}; mỗi người chỉ ghi một lần.",
                    where,
                    column="name",
                    row=n,
                )
            )
        else:
            seen[key] = n
    issues += check_contributions([a.contribution for a in authors])
    issues += check_co_author_limit(authors, co_author_limit)
    return issues


# ------------------------------------------------------------------------------------------------------
# receipt numbers
# ------------------------------------------------------------------------------------------------------

_CODE = re.compile(r"^\s*HS\s*(\d{2})\s*[-/ ]?\s*(\d+)\s*$", re.IGNORECASE)


def parse_receipt_no(text: str | int, year: int | None = None) -> int:
    """Read a receipt number: "7", "007" or the dossier code "HS26-007" (whose year must be ``year``).

    Raises ValueError with a Vietnamese message.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        number = text
    else:
        raw = one_line(str(text))
        m = _CODE.match(raw)
        if m:
            if year is not None and int(m.group(1)) != year % 100:
                raise ValueError(f"Mã hồ sơ «{raw}» thuộc năm khác (năm của đợt là {year}).")
            number = int(m.group(2))
        elif raw.isdigit():
            number = int(raw)
        else:
            raise ValueError(f"Số tiếp nhận «{raw}» không hợp lệ: ghi một số nguyên dương, ví dụ 7.")
    if not 1 <= number <= MAX_RECEIPT_NO:
        raise ValueError(f"Số tiếp nhận phải từ 1 đến {MAX_RECEIPT_NO} (đang là {number}).")
    return number


def next_receipt_no(taken: Iterable[int]) -> int:
    """The next number of the year's receipt book: one more than the largest used (1 for a new year).

    Gaps left by deleted dossiers are not refilled: the book is written in order of arrival.
    """
    return max(taken, default=0) + 1


def check_receipt_no(number: int, year: int, taken: Mapping[int, str]) -> list[Issue]:
    """``taken`` maps the year's used receipt numbers (other dossiers) to a description for the message."""
    if not 1 <= number <= MAX_RECEIPT_NO:
        return [Issue(f"Số tiếp nhận phải từ 1 đến {MAX_RECEIPT_NO} (đang là {number}).", "Số tiếp nhận")]
    if number in taken:
        return [
            Issue(
                f"số {number} của năm {year} đã dùng cho hồ sơ {taken[number]}. Mỗi số tiếp nhận chỉ dùng "
                f"một lần trong năm; số kế tiếp còn trống là {next_receipt_no(taken)}.",
                "Số tiếp nhận",
                column="receipt_no",
            )
        ]
    return []


# ------------------------------------------------------------------------------------------------------
# checklist
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistFacts:
    name: str
    required: bool = True
    received: bool = False
    copies: int | None = None
    copies_required: int | None = None


def missing_items(items: Sequence[ChecklistFacts]) -> list[str]:
    """The required paper items not received, or received with too few copies, as Vietnamese phrases:
    ["Minh chứng hiệu quả áp dụng", "Đơn yêu cầu công nhận sáng kiến (M-02): mới có 8/12 bản"]."""
    out = []
    for item in items:
        if not item.required:
            continue
        name = one_line(item.name)
        if not item.received:
            out.append(name)
        elif item.copies_required and (item.copies or 0) < item.copies_required:
            out.append(f"{name}: mới có {item.copies or 0}/{item.copies_required} bản")
    return out


def suggested_status(items: Sequence[ChecklistFacts]) -> DossierStatus:
    """Đủ when every required item is in (with its copies), otherwise Thiếu — cần bổ sung."""
    return DossierStatus.INCOMPLETE if missing_items(items) else DossierStatus.COMPLETE


def check_checklist(items: Sequence[ChecklistFacts]) -> list[Issue]:
    issues = []
    names: set[str] = set()
    for n, item in enumerate(items, start=1):
        where = f"Thành phần hồ sơ thứ {n}"
        name = one_line(item.name)
        if not name:
            issues.append(Issue("chưa ghi tên giấy tờ.", where, row=n))
            continue
        if fold_key(name) in names:
            issues.append(Issue(f"«{name}» ghi hai lần.", where, row=n))
        names.add(fold_key(name))
        for label, value in (("số bản đã nhận", item.copies), ("số bản yêu cầu", item.copies_required)):
            if value is not None and not 0 <= value <= 999:
                issues.append(Issue(f"{label} phải từ 0 đến 999 (đang là {value}).", where, row=n))
    return issues


# ------------------------------------------------------------------------------------------------------
# status changes
# ------------------------------------------------------------------------------------------------------

S = DossierStatus
TRANSITIONS: dict[DossierStatus, frozenset[DossierStatus]] = {
    S.RECEIVED: frozenset({S.COMPLETE, S.INCOMPLETE, S.VALID, S.INVALID, S.WITHDRAWN}),
    S.COMPLETE: frozenset({S.RECEIVED, S.INCOMPLETE, S.VALID, S.INVALID, S.WITHDRAWN}),
    S.INCOMPLETE: frozenset({S.RECEIVED, S.COMPLETE, S.VALID, S.INVALID, S.WITHDRAWN}),
    S.VALID: frozenset({S.COMPLETE, S.INCOMPLETE, S.INVALID, S.WITHDRAWN}),
    S.INVALID: frozenset({S.RECEIVED, S.COMPLETE, S.INCOMPLETE, S.VALID, S.WITHDRAWN}),
    # A withdrawn dossier comes back only as a fresh intake (nộp lại), then is checked again.
    S.WITHDRAWN: frozenset({S.RECEIVED}),
}
"""Allowed status changes. Keeping a status while changing its note or dates is always allowed."""


def can_change(old: DossierStatus, new: DossierStatus) -> bool:
    return old == new or new in TRANSITIONS[old]


@dataclass(frozen=True)
class StatusChange:
    """A requested status with what it needs.

    - Thiếu — cần bổ sung: ``note`` says what is missing, ``requested_on`` is the date the supplement was
      asked for (both required).
    - Không hợp lệ: ``note`` is the reason (required).
    - Hợp lệ: ``accepted_on`` is the date the dossier was accepted (required; starts the 3-month clock).
    - Rút hồ sơ: ``note`` may say why.
    """

    status: DossierStatus
    note: str = ""
    requested_on: dt.date | None = None
    accepted_on: dt.date | None = None


def check_status_change(
    old: DossierStatus | None, change: StatusChange, *, received_on: dt.date, today: dt.date
) -> list[Issue]:
    """Is the change allowed, and does it carry what the new status needs?"""
    issues: list[Issue] = []
    new = change.status
    where = f"Trạng thái «{new.label}»"
    if old is not None and not can_change(old, new):
        allowed = ", ".join(s.label for s in sorted(TRANSITIONS[old], key=list(DossierStatus).index))
        issues.append(
            Issue(
                f"không chuyển được từ «{old.label}» sang «{new.label}». Từ «{old.label}» chỉ chuyển sang: "
                f"{allowed}.",
                "Trạng thái",
            )
        )
        return issues
    note = one_line(change.note)
    if new is S.INCOMPLETE:
        if not note:
            issues.append(Issue("ghi rõ hồ sơ còn thiếu giấy tờ gì.", where, column="note"))
        if change.requested_on is None:
            issues.append(Issue("ghi ngày đề nghị bổ sung.", where, column="requested_on"))
        else:
            issues += _date_between(change.requested_on, received_on, today, "ngày đề nghị bổ sung", where)
    elif new is S.INVALID:
        if not note:
            issues.append(Issue("ghi lý do hồ sơ không hợp lệ.", where, column="note"))
    elif new is S.VALID:
        if change.accepted_on is None:
            issues.append(Issue("ghi ngày chấp nhận hồ sơ.", where, column="accepted_on"))
        else:
            issues += _date_between(change.accepted_on, received_on, today, "ngày chấp nhận hồ sơ", where)
    return issues


def _date_between(value: dt.date, first: dt.date, last: dt.date, label: str, where: str) -> list[Issue]:
    if value < first:
        return [Issue(f"{label} ({value:%d/%m/%Y}) ở trước ngày nhận hồ sơ ({first:%d/%m/%Y}).", where)]
    if value > last:
        return [Issue(f"{label} ({value:%d/%m/%Y}) ở sau ngày hôm nay.", where)]
    return []


# ------------------------------------------------------------------------------------------------------
# the dossier as a whole
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierFacts:
    title: str
    received_on: dt.date | None
    round_year: int
    unit_known: bool = True
    registered: bool = True
    kind_known: bool = True
    first_applied_on: dt.date | None = None


def check_dossier(facts: DossierFacts, *, today: dt.date) -> list[Issue]:
    """Rules on the dossier's own fields (authors, receipt number and checklist are checked apart)."""
    issues: list[Issue] = []
    title = one_line(facts.title)
    if not title:
        issues.append(Issue("chưa ghi tên sáng kiến.", "Tên sáng kiến", column="title"))
    elif len(title) > MAX_TITLE_LENGTH:
        issues.append(
            Issue(
                f"tên sáng kiến dài {len(title)} ký tự, quá {MAX_TITLE_LENGTH} ký tự.",
                "Tên sáng kiến",
                column="title",
            )
        )
    if not facts.unit_known:
        issues.append(Issue("chưa chọn đơn vị.", "Đơn vị", column="unit"))
    if facts.received_on is None:
        issues.append(Issue("chưa ghi ngày nhận hồ sơ.", "Ngày nhận", column="received_on"))
    else:
        if facts.received_on > today:
            issues.append(
                Issue(
                    f"ngày nhận {facts.received_on:%d/%m/%Y} ở sau ngày hôm nay.",
                    "Ngày nhận",
                    column="received_on",
                )
            )
        if abs(facts.received_on.year - facts.round_year) > 1:
            issues.append(
                Issue(
                    f"ngày nhận {facts.received_on:%d/%m/%Y} không thuộc năm {facts.round_year} của đợt.",
                    "Ngày nhận",
                    column="received_on",
                )
            )
        if facts.first_applied_on is not None and facts.first_applied_on > facts.received_on:
            issues.append(
                _warning(
                    f"ngày áp dụng lần đầu ({facts.first_applied_on:%d/%m/%Y}) ở sau ngày nhận hồ sơ "
                    f"({facts.received_on:%d/%m/%Y}): sáng kiến phải đã được áp dụng hoặc áp dụng thử.",
                    "Ngày áp dụng lần đầu",
                    "first_applied_on",
                )
            )
    if facts.first_applied_on is None:
        issues.append(_warning("chưa ghi ngày áp dụng lần đầu.", "Ngày áp dụng lần đầu", "first_applied_on"))
    if not facts.kind_known:
        issues.append(_warning("chưa chọn loại giải pháp.", "Loại giải pháp", "kind"))
    if not facts.registered:
        issues.append(
            _warning(
                "hồ sơ này chưa gắn với đăng ký sáng kiến nào (đăng ký là điều kiện để xét hồ sơ).",
                "Đăng ký",
                "registration",
            )
        )
    return issues
