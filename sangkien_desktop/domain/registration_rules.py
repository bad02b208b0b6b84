"""Rules a registration row must follow, with Vietnamese messages naming the row and the column.

Errors block saving (a missing title or author, an unknown unit, too many co-authors from one unit, the
same title registered twice by a unit in a year); warnings are shown and do not block (registration after
the unit type's deadline, the same title at another unit, a suspiciously long cell).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import registration_form as form
from .author_cells import parse_author_cell
from .defaults import DEFAULT_CO_AUTHOR_LIMIT
from .errors import Issue
from .text import clean, one_line

MAX_TITLE_CHARS = 500
MAX_NAME_CHARS = 60


def where(line: int | None, field: str | None = None, seq: str = "") -> str:
    """ "Dòng 9 (TT 1), cột Tên sáng kiến" (a file's row), or "ô Tên sáng kiến" for a form being typed (a
    form has fields, not columns)."""
    parts = []
    if line is not None:
        parts.append(f"Dòng {line}" + (f" (TT {seq})" if seq else ""))
    if field is not None:
        parts.append(f"{'cột' if line is not None else 'ô'} {form.short_label(field)}")
    return ", ".join(parts)


def issue(message: str, line: int | None, field: str | None, severity: str = "error", seq: str = "") -> Issue:
    return Issue(message, where(line, field, seq), severity, line, field)


def fmt_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# ----------------------------------------------------------------------------------------------------
# Authors


@dataclass(frozen=True)
class AuthorEntry:
    name: str
    note: str = ""  # another unit written with the name (in brackets or after a comma)
    position: str = ""  # chức vụ, form of address or rank (Hiệu trưởng, Đ/c, Đại úy …)


def parse_authors(text: str | None) -> list[AuthorEntry]:
    """ "Nguyễn Văn A (Tổ trưởng), Trần Thị B, Hiệu trưởng, Trường X" → [AuthorEntry("Nguyễn Văn A",
    position="Tổ trưởng"), AuthorEntry("Trần Thị B", "Trường X", "Hiệu trưởng")] (see ``author_cells``)."""
    return [AuthorEntry(a.name, a.unit or a.note, a.position) for a in parse_author_cell(text) if a.name]


def split_departments(text: str | None, count: int) -> list[str]:
    """The Bộ phận công tác cell, one entry per author when it lists one per line; else the whole cell
    for every author."""
    value = clean(text)
    if not value:
        return [""] * count
    parts = [one_line(p) for p in re.split(r"[\n;]+", value) if one_line(p)]
    if len(parts) == count:
        return parts
    return ["; ".join(parts)] * count  # the separators kept: "Tổ Toán; Tổ Văn" stays readable


def co_author_issues(counts: Mapping[str, int], limit: int, line: int | None = None) -> list[Issue]:
    """More authors from one unit than the round allows ("không quá 2 người trong cùng một đơn vị")."""
    found = []
    for unit, n in counts.items():
        if n > limit:
            found.append(
                issue(
                    f"Có {n} tác giả cùng đơn vị {unit}; mỗi sáng kiến chỉ được tối đa {limit} đồng tác giả "
                    "trong cùng một đơn vị.",
                    line,
                    form.AUTHORS,
                )
            )
    return found


# ----------------------------------------------------------------------------------------------------
# Deadlines


def deadline_for(year: int, month: int | None, day: int | None) -> dt.date | None:
    """The registration deadline of a unit type in ``year`` (31/3, 15/9 …); a day past the month's end
    means its last day. None when the type has no deadline."""
    if not month or not day or not 1 <= month <= 12 or day < 1:
        return None
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day, last))


def deadline_issue(
    registered_on: dt.date | None,
    deadline: dt.date | None,
    type_name: str,
    line: int | None = None,
) -> Issue | None:
    if registered_on is None or deadline is None or registered_on <= deadline:
        return None
    return issue(
        f"Đăng ký ngày {fmt_date(registered_on)}, sau hạn {fmt_date(deadline)} của loại đơn vị "
        f"'{type_name}' (vẫn nhận, chỉ cảnh báo).",
        line,
        None,
        "warning",
    )


# ----------------------------------------------------------------------------------------------------
# One row


@dataclass(frozen=True)
class RowFacts:
    """What the rules need to know about one registration, already looked up by the service."""

    line: int | None  # the row in the file; None for a form being typed
    values: Mapping[str, str]  # field → text
    year: int
    unit_name: str | None  # the resolved unit's name, None when the unit is not known
    unit_text: str = ""  # the unit as written (for the message when it is unknown)
    unit_required: bool = True
    authors_by_unit: Mapping[str, int] | None = None  # unit name → number of its authors
    co_author_limit: int = DEFAULT_CO_AUTHOR_LIMIT
    registered_on: dt.date | None = None
    deadline: dt.date | None = None
    unit_type_name: str = ""
    earlier_rows_same_title: tuple[int, ...] = ()  # earlier rows of the same file with this title
    registered_same_unit: bool = False  # this unit already registered this title this year
    registered_other_units: tuple[str, ...] = ()  # other units that registered this title this year
    unit_note: str = ""  # e.g. "đã gộp vào …" (a warning)
    unit_suggestions: tuple[str, ...] = ()  # existing units with a similar name


def check_row(facts: RowFacts) -> list[Issue]:
    """Every error and warning of one row, errors first."""
    line = facts.line
    values = facts.values
    seq = one_line(values.get(form.SEQ, ""))[:10]

    def issue(message: str, line: int | None, field: str | None, severity: str = "error") -> Issue:
        return Issue(message, where(line, field, seq), severity, line, field)

    found: list[Issue] = []
    title = clean(values.get(form.TITLE, ""))
    authors_text = values.get(form.AUTHORS, "")
    if not title:
        found.append(issue("Thiếu tên sáng kiến.", line, form.TITLE))
    if not parse_authors(authors_text):
        found.append(issue("Thiếu tác giả (họ tên người thực hiện sáng kiến).", line, form.AUTHORS))
    if facts.unit_required and facts.unit_name is None:
        if facts.unit_text:
            hint = f" Có phải: {'; '.join(facts.unit_suggestions)}?" if facts.unit_suggestions else ""
            found.append(
                issue(
                    f"Đơn vị '{facts.unit_text}' chưa có trong danh mục đơn vị.{hint}",
                    line,
                    form.APPLIED_UNIT,
                )
            )
        else:
            found.append(issue("Không rõ đơn vị đăng ký (ô Đơn vị để trống).", line, form.APPLIED_UNIT))
    if facts.authors_by_unit:
        for i in co_author_issues(facts.authors_by_unit, facts.co_author_limit, line):
            found.append(Issue(i.message, where(line, form.AUTHORS, seq), i.severity, line, form.AUTHORS))
    if title and facts.earlier_rows_same_title:
        rows = ", ".join(str(r) for r in facts.earlier_rows_same_title)
        found.append(issue(f"Tên sáng kiến trùng với dòng {rows} trong cùng tệp.", line, form.TITLE))
    if title and facts.registered_same_unit:
        found.append(
            issue(
                f"Đơn vị {facts.unit_name} đã đăng ký sáng kiến '{one_line(title)}' năm {facts.year}.",
                line,
                form.TITLE,
            )
        )
    if title and facts.registered_other_units:
        units = ", ".join(facts.registered_other_units)
        found.append(
            issue(
                f"Cùng tên với sáng kiến đã đăng ký năm {facts.year} của {units}.",
                line,
                form.TITLE,
                "warning",
            )
        )
    if len(title) > MAX_TITLE_CHARS:
        found.append(
            issue(
                f"Tên sáng kiến dài bất thường ({len(title)} ký tự): "
                + ("có thể đã ghép nhầm cột." if line is not None else "hãy kiểm tra lại."),
                line,
                form.TITLE,
                "warning",
            )
        )
    for author in parse_authors(authors_text):
        if len(author.name) > MAX_NAME_CHARS or any(ch.isdigit() for ch in author.name):
            found.append(
                issue(
                    f"'{author.name}' không giống một họ tên; tách các tác giả bằng dấu phẩy hoặc xuống dòng.",
                    line,
                    form.AUTHORS,
                    "warning",
                )
            )
    late = deadline_issue(facts.registered_on, facts.deadline, facts.unit_type_name, line)
    if late is not None:
        found.append(Issue(late.message, where(line, None, seq), late.severity, line, None))
    if facts.unit_note:
        found.append(issue(facts.unit_note, line, form.APPLIED_UNIT, "warning"))
    return sorted(found, key=lambda i: 0 if i.is_error else 1)


def errors(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.is_error]


def warnings(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if not i.is_error]
