"""Reading a unit's registration table: find the header row, map columns to the form's fields by their
titles, and split the rest into data rows, section rows and the signature block.

Matching is accent- and case-insensitive (``text.fold``), tolerant of line breaks, of the words in
brackets and of small wording changes ("Tên SKKN", "Họ và tên tác giả", a typo). A two-row header with a
group cell ("Sáng kiến kinh nghiệm" over four columns) is read as one. Pure functions on rows of cell
values; the service reads the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from . import registration_form as form
from .text import clean, fold, fold_key

GROUP = "_group"  # the pseudo-field of the group cell "Sáng kiến kinh nghiệm"
MAX_HEADER_CHARS = (
    300  # a longer cell is no column title: never fuzzy-matched (a 100,000-character cell took 251 s)
)
MAX_HEADS = 8  # parts of one title ("A/B\nC") compared with the phrases

# Folded phrases a column title starts with, per field. The longest phrase that fits wins, so
# "đơn vị công tác" (an author's workplace) beats "đơn vị" (the applying unit).
REGISTRATION_PHRASES: dict[str, tuple[str, ...]] = {
    form.SEQ: ("tt", "stt", "so tt", "so thu tu", "thu tu"),
    form.APPLIED_UNIT: (
        "don vi",
        "ten don vi",
        "don vi ap dung",
        "don vi da ap dung",
        "co quan",
        "co quan don vi",
        "noi ap dung",
    ),
    form.PROBLEM: ("ton tai", "han che", "ton tai han che", "thuc trang", "van de ton tai"),
    form.TITLE: (
        "ten sang kien",
        "ten sang kien kinh nghiem",
        "ten skkn",
        "ten sk",
        "ten giai phap",
        "ten de tai",
        "ten sang kien giai phap",
    ),
    form.CONTENT: (
        "noi dung",
        "noi dung thuc hien",
        "noi dung sang kien",
        "noi dung giai phap",
        "giai phap thuc hien",
        "tom tat noi dung",
    ),
    form.EFFECT: ("hieu qua", "hieu qua dat duoc", "du kien hieu qua", "ket qua dat duoc", "loi ich"),
    form.SCOPE: ("pham vi anh huong", "pham vi ap dung", "pham vi", "kha nang nhan rong"),
    form.AUTHORS: (
        "tac gia",
        "nhom tac gia",
        "tac gia nhom tac gia",
        "ho va ten",
        "ho ten",
        "ho ten tac gia",
        "ho va ten tac gia",
        "nguoi thuc hien",
        "dong tac gia",
    ),
    form.DEPARTMENT: (
        "bo phan cong tac",
        "bo phan",
        "noi cong tac",
        "don vi cong tac",
        "chuc vu",
        "chuc vu don vi cong tac",
        "chuc danh",
        "to chuyen mon",
        "vi tri cong tac",
    ),
    GROUP: ("sang kien kinh nghiem", "sang kien", "skkn", "noi dung sang kien kinh nghiem"),
    form.AREA: ("linh vuc", "linh vuc ap dung", "linh vuc sang kien", "nganh linh vuc"),
    form.NOTE: ("ghi chu",),
    form.REGISTERED_ON: ("ngay dang ky", "ngay dk", "thoi gian dang ky", "ngay gui dang ky"),
}
PHRASES = REGISTRATION_PHRASES


@dataclass(frozen=True)
class HeaderSpec:
    """What a table's header must look like for one importer: the phrases of each field, the fields a
    column may be given by hand or from memory, the field without which it is no table of this kind, and
    how many strong titles (``min_own`` of them in the header's first row) make a header."""

    phrases: Mapping[str, tuple[str, ...]]
    fields: tuple[str, ...]
    key: str
    min_strong: int = 3
    min_own: int = 2


REGISTRATION = HeaderSpec(REGISTRATION_PHRASES, form.IMPORT_FIELDS, form.TITLE)

STRONG = 80.0  # a cell this sure of its field is a header cell
REMEMBERED = 200.0  # a title the secretary mapped by hand before

_PLACEHOLDER = re.compile(r"^[\s.…\-–—_x]*$", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")
_SIGNATURE_MARKERS = (
    "thu truong",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ten dong dau",
    "ky dong dau",
    "nguoi lap bieu",
    "nguoi lap bang",
    "nguoi tong hop",
    "noi nhan",
    "xac nhan cua",
)
_TOTAL_ROW = re.compile(r"^(tong cong|tong so|tong|cong)( \d+)?( sang kien| skkn| de tai| giai phap)?$")
_INDEX_CELL = re.compile(r"^([ivxlc]+|[a-z]|\d{1,2})[.)]?$", re.IGNORECASE)


def cell_text(value: object) -> str:
    """A cell's value as clean text: numbers without a trailing ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def is_blank(text: str) -> bool:
    """Empty, or a placeholder such as "...", "…", "-"."""
    return _PLACEHOLDER.match(text) is not None


def _heads(text: str) -> list[str]:
    """The folded forms a title is matched on: the words before a bracket, each part of "A/B", the
    whole title. "Tác giả/nhóm tác giả\\n(đã thực hiện…)" → ["tac gia", "nhom tac gia", "tac gia nhom …"]."""
    before_bracket = re.split(r"[(\[]", text, maxsplit=1)[0]
    heads = []
    first = fold_key(before_bracket)
    if first:
        heads.append(first)
    for part in re.split(r"[/\n]", before_bracket)[:MAX_HEADS]:
        key = fold_key(part)
        if key and key not in heads:
            heads.append(key)
    whole = fold_key(text)
    if whole and whole not in heads:
        heads.append(whole)
    return heads


def _phrase_score(head: str, phrase: str) -> float:
    if head == phrase:
        return 100.0
    if head.startswith(phrase + " "):
        return min(99.0, 88.0 + len(phrase.split()))
    words = head.split()
    n = len(phrase.split())
    prefix = " ".join(words[:n])
    if len(phrase) >= 6 and len(prefix) >= 4:
        matcher = SequenceMatcher(None, prefix, phrase)
        if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
            return 0.0  # the upper bounds already miss: no need for the full comparison
        ratio = matcher.ratio()
        if ratio >= 0.8:  # a typo or a changed letter: "ten sang kein", "tac gia/ nhom"
            return 60.0 + (ratio - 0.8) * 100.0  # 60 … 80
    return 0.0


def field_scores(
    text: str, phrases_by_field: Mapping[str, tuple[str, ...]] = REGISTRATION_PHRASES
) -> dict[str, float]:
    """How well a header cell's text fits each field (0 … 100). A cell longer than ``MAX_HEADER_CHARS`` is
    no title and scores nothing."""
    scores: dict[str, float] = {}
    if len(text) > MAX_HEADER_CHARS:
        return scores
    heads = _heads(text)
    if not heads:
        return scores
    for name, phrases in phrases_by_field.items():
        best = 0.0
        for i, head in enumerate(heads):
            penalty = 0.0 if i == 0 else 8.0  # later parts count a little less than the first
            for phrase in phrases:
                s = _phrase_score(head, phrase)
                if s:
                    best = max(best, s - penalty)
        if best:
            scores[name] = best
    return scores


@dataclass(frozen=True)
class HeaderMatch:
    """Where the header is and which column holds which field (column indexes are 0-based)."""

    header_row: int  # 0-based index of the (first) header row
    data_start: int  # 0-based index of the first row after the header (and the column-number row)
    columns: dict[str, int]  # field → column index
    titles: dict[int, str]  # column index → the header text found there (sub-header preferred)
    scores: dict[str, float] = field(default_factory=dict)
    two_rows: bool = False

    @property
    def unmapped(self) -> list[int]:
        used = set(self.columns.values())
        return sorted(i for i, t in self.titles.items() if i not in used and t)

    def title_of(self, name: str) -> str:
        index = self.columns.get(name)
        return self.titles.get(index, "") if index is not None else ""

    def remembered_form(self) -> dict[str, str]:
        """{folded header text: field}: what to remember for a unit's next file."""
        return {fold_key(self.titles[i]): name for name, i in self.columns.items() if self.titles.get(i)}


def _row_texts(row: Sequence[object]) -> list[str]:
    return [cell_text(v) for v in row]


def _assign(
    candidates: list[tuple[float, int, str]],
    forced: Mapping[int, str] | None = None,
    fields: tuple[str, ...] = form.IMPORT_FIELDS,
    hidden: Collection[int] = (),
) -> tuple[dict[str, int], dict[str, float]]:
    """Fields to columns, best score first; a hidden column never wins over a visible one with the same
    score (the same heading)."""
    columns: dict[str, int] = {}
    scores: dict[str, float] = {}
    taken: set[int] = set()
    for index, name in (forced or {}).items():
        if name in fields and name not in columns and index not in taken:
            columns[name] = index
            scores[name] = REMEMBERED
            taken.add(index)
    for score, index, name in sorted(candidates, key=lambda c: (-c[0], c[1] in hidden, c[1])):
        if name == GROUP or name in columns or index in taken:
            continue
        columns[name] = index
        scores[name] = score
        taken.add(index)
    return columns, scores


def _is_column_number_row(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    return len(filled) >= 3 and all(_NUMBER_CELL.match(t) for t in filled)


def match_header_at(
    rows: Sequence[Sequence[object]],
    r: int,
    remembered: Mapping[str, str] | None = None,
    spec: HeaderSpec = REGISTRATION,
    hidden: Collection[int] = (),
) -> HeaderMatch | None:
    """Try row ``r`` (with row ``r + 1`` as a possible sub-header) as the header. None when it is not one.
    ``hidden``: the sheet's hidden columns (they lose to a visible column with the same heading)."""
    top = _row_texts(rows[r])
    below = _row_texts(rows[r + 1]) if r + 1 < len(rows) else []
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    remembered = {fold_key(k): v for k, v in (remembered or {}).items()}

    candidates: list[tuple[float, int, str]] = []
    forced: dict[int, str] = {}
    titles: dict[int, str] = {}
    used_below = False
    in_group = False  # inside the span of the group cell (Excel leaves the merged cells empty)
    for j in range(width):
        t, b = top[j], below[j]
        top_scores = field_scores(t, spec.phrases) if t else {}
        below_scores = field_scores(b, spec.phrases) if b else {}
        top_best = max(top_scores.values(), default=0.0)
        top_field = max(top_scores, key=lambda k: top_scores[k]) if top_scores else None
        # a merged cell repeated (Word) over its span; a hidden column beside one with its title is not that
        left_same = bool(j > 0 and t and t == top[j - 1]) and (j - 1) not in hidden
        if t and not left_same:
            in_group = top_field == GROUP and fold_key(t) not in remembered
        is_group = in_group
        if fold_key(t) in remembered and not is_group:
            forced[j] = remembered[fold_key(t)]
            titles[j] = t
            continue
        if is_group and b:
            if fold_key(b) in remembered:
                forced[j] = remembered[fold_key(b)]
                titles[j] = b
                used_below = True
                continue
            if below_scores:
                used_below = True
                titles[j] = b
                candidates += [(s, j, k) for k, s in below_scores.items() if k != GROUP]
                continue
        if t and not left_same:
            titles[j] = t
            if top_best >= STRONG or top_field == GROUP:
                candidates += [(s, j, k) for k, s in top_scores.items() if k != GROUP]
            else:
                candidates += [(s, j, k) for k, s in top_scores.items() if k != GROUP and s >= 60]
    columns, scores = _assign(candidates, forced, spec.fields, hidden)
    strong = [k for k, s in scores.items() if s >= STRONG]
    own = [k for k in strong if top[columns[k]] and titles.get(columns[k]) == top[columns[k]]]
    if spec.key not in columns or len(strong) < spec.min_strong or len(own) < spec.min_own:
        return None
    data_start = r + (2 if used_below else 1)
    if data_start < len(rows) and _is_column_number_row(_row_texts(rows[data_start])):
        data_start += 1
    return HeaderMatch(
        header_row=r,
        data_start=data_start,
        columns=columns,
        titles=titles,
        scores=scores,
        two_rows=used_below,
    )


def find_header(
    rows: Sequence[Sequence[object]],
    remembered: Mapping[str, str] | None = None,
    max_scan: int = 40,
    spec: HeaderSpec = REGISTRATION,
    hidden: Collection[int] = (),
) -> HeaderMatch | None:
    """The first row (within ``max_scan``) that reads as the form's header, or None."""
    for r in range(min(len(rows), max_scan)):
        if not any(cell_text(v) for v in rows[r]):
            continue
        found = match_header_at(rows, r, remembered, spec, hidden)
        if found is not None:
            return found
    return None


def remap(match: HeaderMatch, columns: Mapping[str, int | None]) -> HeaderMatch:
    """The same header with some fields moved by hand (None removes a field)."""
    new = dict(match.columns)
    for name, index in columns.items():
        if index is None:
            new.pop(name, None)
            continue
        for other, i in list(new.items()):
            if i == index and other != name:
                del new[other]
        new[name] = index
    scores = {k: (REMEMBERED if k in columns else match.scores.get(k, 0.0)) for k in new}
    return HeaderMatch(
        header_row=match.header_row,
        data_start=match.data_start,
        columns=new,
        titles=match.titles,
        scores=scores,
        two_rows=match.two_rows,
    )


@dataclass(frozen=True)
class SourceRow:
    """One row under the header. ``line`` is the row's 1-based number in the sheet or Word table;
    ``index`` its 0-based position in the rows read; ``continued`` the rows folded into it (authors on the
    rows under a merged title cell)."""

    line: int
    kind: str  # "data" | "section"
    values: dict[str, str]
    text: str = ""  # a section row's text ("I. KHỐI TRƯỜNG HỌC", or a unit's name)
    index: int = -1
    continued: tuple[int, ...] = ()  # 0-based indexes of continuation rows

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def indexes(self) -> tuple[int, ...]:
        return (self.index, *self.continued)


@dataclass
class TableRows:
    """What lies under a header: the rows, the hidden rows skipped (1-based lines), where the table ends
    (0-based index of the signature block, or the number of rows) and the continuation rows folded."""

    rows: list[SourceRow]
    hidden: list[int] = field(default_factory=list)
    end: int = 0
    repeated_headers: list[int] = field(default_factory=list)  # 1-based lines of a header written again


_SIGNER_TITLES = (
    "thu truong",
    "hieu truong",
    "giam doc",
    "chu tich",
    "truong phong",
    "pho truong phong",
    "nguoi lap",
    "nguoi tong hop",
    "tm ",
    "kt ",
)
_DATE_LINE = re.compile(r"ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}")


def _is_signature_row(texts: list[str], values: dict[str, str]) -> bool:
    if values.get(form.SEQ, "").isdigit() or (values.get(form.TITLE) and values.get(form.AUTHORS)):
        return False
    joined = " ".join(fold(t) for t in texts if t)
    joined = " ".join(re.findall(r"[0-9a-z]+", joined))
    if any(marker in joined for marker in _SIGNATURE_MARKERS) or _DATE_LINE.search(joined):
        return True
    filled = [fold_key(t) for t in texts if t and not is_blank(t)]
    return bool(filled) and all(t.startswith(_SIGNER_TITLES) and len(t) < 60 for t in filled)


def _is_total_row(values: dict[str, str]) -> bool:
    filled = [v for v in values.values() if v]
    if not filled or len(filled) > 3 or values.get(form.AUTHORS):
        return False
    key = fold_key(filled[0])
    if _TOTAL_ROW.match(key) is not None:
        return True
    words = len(key.split()) <= 10
    return words and (
        key.startswith(("tong cong", "tong so"))
        or re.match(r"^(tong|cong)\s*[:\-]?\s*\d", fold(filled[0])) is not None
    )


def _section_text(texts: list[str], values: dict[str, str], match: HeaderMatch) -> str:
    """The text of a group row ("I. KHỐI TRƯỜNG HỌC", a unit's name) or "" for a data row.

    A group row holds one text: merged across the table (Word repeats it in every cell it spans, so it
    shows in three or more cells) or written in the first columns only (Excel keeps a merged text in
    its first cell), possibly after an index such as "I" or "A"."""
    if values.get(form.SEQ, "").isdigit():
        return ""
    filled = [(j, t) for j, t in enumerate(texts) if t and not is_blank(t)]
    body = [(j, t) for j, t in filled if not _INDEX_CELL.match(t)]
    distinct = {t for _, t in body}
    if len(distinct) != 1:
        return ""
    text = body[0][1]
    if len(body) >= 3:
        return text
    leading = {0, match.columns.get(form.SEQ, 0), match.columns.get(form.APPLIED_UNIT, 0)}
    if all(j in leading for j, _ in body) and not values.get(form.TITLE) and not values.get(form.AUTHORS):
        return text
    return ""


def _continues(
    r: int,
    values: dict[str, str],
    previous: SourceRow | None,
    match: HeaderMatch,
    covered: Mapping[tuple[int, int], tuple[int, int]],
) -> bool:
    """Row ``r`` adds an author to the data row above it: its title cell lies in a merge that starts on
    that row (Excel merged cells, Word vertical merges), or it has no TT and no title, only an author."""
    if previous is None or previous.kind != "data" or not values.get(form.AUTHORS):
        return False
    title_col = match.columns.get(form.TITLE)
    if title_col is not None and (r, title_col) in covered:
        return covered[(r, title_col)][0] in previous.indexes
    return not values.get(form.SEQ) and not values.get(form.TITLE) and not values.get(form.CONTENT)


def _fold_in(previous: SourceRow, r: int, values: dict[str, str]) -> SourceRow:
    merged = dict(previous.values)
    for name in (form.AUTHORS, form.DEPARTMENT):
        if values.get(name):
            merged[name] = "\n".join(x for x in (merged.get(name, ""), values[name]) if x)
    return SourceRow(
        previous.line, previous.kind, merged, previous.text, previous.index, (*previous.continued, r)
    )


def read_table_rows(
    rows: Sequence[Sequence[object]],
    match: HeaderMatch,
    covered: Mapping[tuple[int, int], tuple[int, int]] | None = None,
    hidden_rows: Collection[int] = (),
    include_hidden: bool = False,
    lines: Sequence[int] | None = None,
) -> TableRows:
    """The data and section rows under the header, up to the signature block. ``covered``: cells inside a
    merged range → its first cell; ``hidden_rows``: 0-based rows the file hides (skipped unless
    ``include_hidden``); ``lines``: each row's number as the person sees it (default index + 1)."""
    covered = covered or {}
    found: list[SourceRow] = []
    result = TableRows(found, end=len(rows))
    header_texts = [t for t in _row_texts(rows[match.header_row]) if t]

    def line(r: int) -> int:
        return lines[r] if lines is not None else r + 1

    for r in range(match.data_start, len(rows)):
        texts = _row_texts(rows[r])
        values = {
            name: (texts[i] if i < len(texts) and not is_blank(texts[i]) else "")
            for name, i in match.columns.items()
        }
        if _is_signature_row(texts, values):
            result.end = r
            break
        if not any(v for k, v in values.items() if k != form.SEQ):
            continue  # an empty numbered row of the blank form ("3", "…")
        if r in hidden_rows and not include_hidden:
            result.hidden.append(line(r))
            continue
        if [t for t in texts if t] == header_texts or _is_column_number_row(texts):
            result.repeated_headers.append(line(r))  # the header written again (a table continued)
            continue
        if _is_total_row(values):
            continue
        section = _section_text(texts, values, match)
        if section:
            found.append(SourceRow(line=line(r), kind="section", values=values, text=section, index=r))
            continue
        previous = found[-1] if found else None
        if previous is not None and _continues(r, values, previous, match, covered):
            found[-1] = _fold_in(previous, r, values)
            continue
        found.append(SourceRow(line=line(r), kind="data", values=values, index=r))
    return result


def extract_rows(rows: Sequence[Sequence[object]], match: HeaderMatch) -> list[SourceRow]:
    """The data and section rows under the header, up to the signature block."""
    return read_table_rows(rows, match).rows


def dates_in(lines: Sequence[str]) -> list[dt.date]:
    """Dates written "ngày 25 tháng 3 năm 2026" in ``lines`` (a signature or header date line)."""
    found = []
    for raw in lines:
        for m in re.finditer(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", fold(raw)):
            try:
                found.append(dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
            except ValueError:
                continue
    return found


def parse_date(value: object) -> dt.date | None:
    """A cell as a date: a date value, or text "25/3/2026", "25-03-2026", "2026-03-25", "ngày 25 tháng 3 …"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    m = re.match(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$", text)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        m = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})", text)
        parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        found = dates_in([text])
        return found[0] if found else None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------------
# The lines above the table: which unit sent it, and for which year.

_UNIT_LINE = re.compile(r"^\s*(?:ten\s+)?(?:don vi|co quan|truong)\s*[:：]\s*(.*)$")
_MOTTO = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap tu do hanh phuc",
)
_NOT_UNIT_STARTS = ("so ", "so:", "v v", "kinh gui", "tong hop", "danh sach", "bang tong hop", "ngay ")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")


@dataclass(frozen=True)
class UnitHint:
    text: str  # the unit's name as written
    explicit: bool  # written as "ĐƠN VỊ: …" (True) or just a line of the header block (False)


def unit_hints(lines: Sequence[str]) -> list[UnitHint]:
    """Candidate names of the sending unit from the lines above the table, most likely first.

    "ĐƠN VỊ: Trường THCS Bắc Sơn" is explicit; "ĐƠN VỊ....." (left blank) gives nothing; other short lines
    of the header block (an NĐ 30 issuing body such as "TRƯỜNG THCS BẮC SƠN") are candidates the service
    checks against the list of units.
    """
    explicit: list[UnitHint] = []
    loose: list[UnitHint] = []
    for raw in lines:
        for line in clean(raw).split("\n"):
            line = line.strip()
            if not line:
                continue
            folded = fold(line)
            key = fold_key(line)
            m = _UNIT_LINE.match(folded)
            if m:
                # cut the original text at the same place: after the first ':'
                after = line.split(":", 1)[1] if ":" in line else line.split("：", 1)[-1]
                name = after.strip(" .…_-–\t")
                if name and not is_blank(name):
                    explicit.append(UnitHint(name, True))
                continue
            if key.startswith(_MOTTO) or folded.startswith(_NOT_UNIT_STARTS):
                continue
            if re.search(r"ngay\s*\.*\s*\d*\s*thang", folded) or len(line) > 120 or is_blank(line):
                continue
            if key.startswith("don vi"):
                continue  # "ĐƠN VỊ....." left blank
            loose.append(UnitHint(line.strip(" .…_-–"), False))
    # In an NĐ 30 header the issuing unit is the lower line ("UBND PHƯỜNG X" over "TRƯỜNG THCS Y").
    return explicit + list(reversed(loose))


def year_in_title(lines: Sequence[str]) -> int | None:
    """The year in "TỔNG HỢP ĐĂNG KÝ … NĂM 2024", if the title is among ``lines``."""
    for raw in lines:
        folded = fold(raw)
        if "dang ky" in folded or "tong hop" in folded:
            m = _YEAR.search(folded)
            if m:
                return int(m.group(1))
    return None
