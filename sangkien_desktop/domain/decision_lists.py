"""Reading an earlier year's decision list: "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN … (Kèm theo Quyết định số
45/QĐ-UBND ngày 20 tháng 12 năm 2023 …)".

One place holds the list's phrase table (the column matcher's ``HeaderSpec``: TT, Tên sáng kiến, Tác giả / Họ và
tên, Chức vụ, Đơn vị, Xếp loại / Loại, Điểm, Số tiền, Số giấy chứng nhận …) and the readers of its cells: the
decision number and date in the title lines, the grade as written (and the letter it stands for), points,
amounts ("2.000.000 đ", "2 triệu") and certificate numbers ("015/GCN-UBND", one per author or one per row).
Pure functions on text; the importer (``services.importers.recognized``) reads the file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from . import author_cells
from . import column_matching as cm
from . import registration_form as form
from .text import clean, fold, fold_key, nfc, one_line, strip_marks

# Field keys. Title, authors and TT share the registration form's keys, so the row reader (merged author rows,
# signature and total rows, repeated headers) treats a decision list as it treats a unit's table.
SEQ = form.SEQ
TITLE = form.TITLE
AUTHORS = form.AUTHORS
JOB_TITLE = "job_title"
UNIT = "unit"
GRADE = "grade"
POINTS = "points"
AMOUNT = "amount"
CERTIFICATE = "certificate"
FIELD = "field"
NOTE = "note"

FIELDS: tuple[str, ...] = (
    SEQ,
    TITLE,
    AUTHORS,
    JOB_TITLE,
    UNIT,
    GRADE,
    POINTS,
    AMOUNT,
    CERTIFICATE,
    FIELD,
    NOTE,
)
# Cells an author has of their own (on a merged author row, or one line per author in one cell).
PER_AUTHOR: tuple[str, ...] = (JOB_TITLE, UNIT, CERTIFICATE)
LABELS: dict[str, str] = {
    SEQ: "TT",
    TITLE: "Tên sáng kiến",
    AUTHORS: "Tác giả",
    JOB_TITLE: "Chức vụ",
    UNIT: "Đơn vị",
    GRADE: "Xếp loại",
    POINTS: "Điểm",
    AMOUNT: "Số tiền",
    CERTIFICATE: "Số giấy chứng nhận",
    FIELD: "Lĩnh vực",
    NOTE: "Ghi chú",
}

PHRASES: dict[str, tuple[str, ...]] = {
    SEQ: ("tt", "stt", "so tt", "so thu tu", "thu tu"),
    TITLE: (
        "ten sang kien",
        "ten sang kien kinh nghiem",
        "ten skkn",
        "ten sk",
        "ten giai phap",
        "ten de tai",
        "ten sang kien giai phap",
    ),
    AUTHORS: (
        "tac gia",
        "nhom tac gia",
        "tac gia nhom tac gia",
        "tac gia dong tac gia",
        "ho va ten",
        "ho ten",
        "ho ten tac gia",
        "ho va ten tac gia",
        "nguoi thuc hien",
        "dong tac gia",
        "ca nhan",
    ),
    JOB_TITLE: ("chuc vu", "chuc danh", "chuc vu chuc danh", "chuc danh chuc vu", "chuc vu cong tac"),
    UNIT: (
        "don vi",
        "ten don vi",
        "don vi cong tac",
        "noi cong tac",
        "co quan",
        "co quan don vi",
        "co quan cong tac",
        "don vi ap dung",
        "chuc vu don vi cong tac",
        "chuc vu don vi",
        "chuc vu noi cong tac",
    ),
    GRADE: (
        "xep loai",
        "loai",
        "muc xep loai",
        "ket qua xep loai",
        "xep loai sang kien",
        "muc cong nhan",
        "ket qua danh gia",
        "muc do",
    ),
    POINTS: (
        "diem",
        "diem binh quan",
        "diem trung binh",
        "tong diem",
        "so diem",
        "diem danh gia",
        "diem cham",
    ),
    AMOUNT: (
        "so tien",
        "so tien thuong",
        "tien thuong",
        "muc thuong",
        "muc tien thuong",
        "thanh tien",
        "muc khen thuong",
    ),
    CERTIFICATE: (
        "so giay chung nhan",
        "so gcn",
        "giay chung nhan so",
        "so chung nhan",
        "so vao so",
        "so cap giay chung nhan",
        "so hieu giay chung nhan",
        "giay chung nhan",
        "gcn",
        "ma so gcn",
    ),
    FIELD: ("linh vuc", "linh vuc ap dung", "linh vuc sang kien"),
    NOTE: ("ghi chu",),
}

SPEC = cm.HeaderSpec(PHRASES, FIELDS, TITLE)


# ----------------------------------------------------------------------------------------------------------
# Title lines: the decision and the year


@dataclass(frozen=True)
class Decision:
    number: str = ""  # "45/QĐ-UBND" as written (spaces around "/" removed)
    date: dt.date | None = None

    @property
    def found(self) -> bool:
        return bool(self.number or self.date)


_DECISION = re.compile(r"(?:quyet\s*dinh|qd)\s*(?:so)?\s*[:.]?\s*(\d+\s*/\s*[0-9a-z][0-9a-z.\-–/ ]*)")
_DECISION_END = re.compile(r"\s+(?:ngay|cua|ve|v/v)\b")
_TITLE_YEAR = re.compile(r"\bnam\s+(\d{4})\b")


def _folded_same_length(line: str) -> str | None:
    """``line`` without accents and in lower case, letter for letter (so positions carry over), or None."""
    folded = strip_marks(line).lower()
    return folded if len(folded) == len(line) else None


_WORD_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_SLASH_DATE = re.compile(r"ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")


def _date_after(folded: str) -> dt.date | None:
    """The first date written in ``folded``: "ngay 20 thang 12 nam 2023" or "ngay 20/12/2023"."""
    found = [m for m in (_WORD_DATE.search(folded), _SLASH_DATE.search(folded)) if m is not None]
    for m in sorted(found, key=lambda m: m.start()):
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            continue
    return None


def decision_in_lines(lines: list[str]) -> Decision:
    """The decision a list is attached to, from its title lines ("Kèm theo Quyết định số 45/QĐ-UBND ngày 20
    tháng 12 năm 2023 của UBND …"): its number as written and its date (either may be missing)."""
    for raw in lines:
        line = one_line(raw)
        folded = _folded_same_length(line)
        if folded is None:
            continue
        m = _DECISION.search(folded)
        if m is None:
            continue
        start = m.start(1)
        cut = _DECISION_END.search(folded, start)
        end = cut.start() if cut else m.end(1)
        number = re.sub(r"\s*/\s*", "/", line[start:end]).strip(" .,;:()")
        return Decision(number.split(" ")[0], _date_after(folded[end:]))
    return Decision()


def year_in_title(lines: list[str]) -> int | None:
    """The year a list's title names ("DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM 2023"), not the decision's date."""
    for raw in lines:
        folded = fold(raw)
        if not any(word in folded for word in ("cong nhan", "danh sach", "sang kien")):
            continue
        for marker in ("quyet dinh", "kem theo"):
            if marker in folded:
                folded = folded[: folded.index(marker)]
        m = _TITLE_YEAR.search(folded)
        if m:
            return int(m.group(1))
    return None


# ----------------------------------------------------------------------------------------------------------
# Cells


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the message says why (in Vietnamese)."""


RECOGNIZED = "CN"  # recognized without a letter grade (or with a band name such as "Xuất sắc")
_LETTER = re.compile(r"^(?:xep\s+)?(?:loai|hang|muc)?\s*([a-e])$")
_REFUSED = ("khong cong nhan", "khong duoc cong nhan", "kcn", "khong dat", "chua dat")


def grade_code(label: str) -> str:
    """The letter a grade label stands for ("Loại A", "A", "xếp loại b" → "A"/"B"), else "CN". Raises
    ``CellError`` for a label that says the initiative was not recognized."""
    key = fold_key(label)
    if key in _REFUSED:
        raise CellError(f"xếp loại '{one_line(label)}': danh sách chỉ gồm sáng kiến được công nhận")
    m = _LETTER.match(key)
    return m.group(1).upper() if m else RECOGNIZED


def _number_text(value: object) -> str:
    return one_line(cm.cell_text(value)) if not isinstance(value, str) else one_line(value)


def parse_points(value: object) -> Decimal | None:
    """Points as written: 85.5, "85,5", "85,50 điểm", "85.5" → Decimal('85.50'); blank → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError("điểm không phải là số")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = fold(_number_text(value)).removesuffix("diem").strip()
        if cm.is_blank(text):
            return None
        if "," in text and "." in text:
            text = (
                text.replace(".", "").replace(",", ".")
                if text.rfind(",") > text.rfind(".")
                else text.replace(",", "")
            )
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"điểm '{_number_text(value)}' không phải là số") from None
    if not number.is_finite() or number < 0 or number > 1000:
        raise CellError(f"điểm {_number_text(value)} nằm ngoài khoảng 0 … 1000")
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_MULTIPLIERS = {"trieu": 1_000_000, "tr": 1_000_000, "nghin": 1_000, "ngan": 1_000, "ty": 1_000_000_000}
_AMOUNT_WORDS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(trieu|tr|nghin|ngan|ty)\b")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")


def parse_amount(value: object) -> int | None:
    """An amount in đồng: 2000000, "2.000.000", "2,000,000 đ", "2.000.000đồng", "2 triệu" → 2000000; blank,
    "0" or "-" → None."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool):
        raise CellError("số tiền không phải là số")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if number != number.to_integral_value() or number < 0:
            raise CellError(f"số tiền {_number_text(value)} không phải là số đồng nguyên")
        return int(number) or None
    text = fold(_number_text(value))
    for suffix in ("dong", "vnd", "d"):
        text = text.removesuffix(suffix).strip(" .")
    if cm.is_blank(text) or text == "0":
        return None
    m = _AMOUNT_WORDS.match(text)
    if m is not None:
        return int(Decimal(m.group(1).replace(",", ".")) * _MULTIPLIERS[m.group(2)])
    if _GROUPED.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    if text.isdigit():
        return int(text)
    raise CellError(f"số tiền '{_number_text(value)}' không đọc được (ghi ví dụ 2.000.000)")


@dataclass(frozen=True)
class CertificateNumber:
    text: str  # as written: "015/GCN-UBND"
    number: int | None  # the register number: 15
    year: int | None  # the register's year when the text names one ("007/2023")


_CERT_NUMBER = re.compile(r"^\D{0,12}?(\d{1,6})")
_CERT_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


def certificate_number(text: str) -> CertificateNumber:
    written = one_line(text)
    m = _CERT_NUMBER.match(written)
    year = _CERT_YEAR.search(written[m.end() :] if m else written)
    return CertificateNumber(written, int(m.group(1)) if m else None, int(year.group(1)) if year else None)


def split_certificates(text: str, authors: int) -> list[str]:
    """One certificate number per author when the cell lists as many as there are authors, else the cell's
    one number for every author."""
    value = clean(text)
    if not value or cm.is_blank(value):
        return [""] * authors
    parts = [one_line(p) for p in re.split(r"[\n;,]+", value) if one_line(p)]
    if len(parts) == authors:
        return parts
    return [one_line(value)] * authors


def split_lines(text: str, count: int) -> list[str]:
    """A stacked cell (one line per author, from merged author rows or typed so) split per author, else the
    whole cell for every author."""
    value = clean(text)
    if not value:
        return [""] * count
    parts = [one_line(p) for p in value.split("\n") if one_line(p)]
    if len(parts) == count:
        return parts
    return [one_line(value)] * count


def position_and_unit(text: str) -> tuple[str, str]:
    """A "Chức vụ, đơn vị công tác" cell: "Giáo viên, Trường THCS Bắc Sơn" → ("Giáo viên", "Trường THCS Bắc
    Sơn"); a cell that is only a unit → ("", unit)."""
    value = one_line(text)
    first, sep, rest = value.partition(",")
    if sep and author_cells.is_position(first) and rest.strip():
        return first.strip(), rest.strip()
    if author_cells.is_position(value) and not author_cells.is_unit(value):
        return value, ""
    return "", value


def section_grade(text: str) -> str | None:
    """A group row naming a grade ("I. SÁNG KIẾN XẾP LOẠI A", "Loại B", "Công nhận (không xếp loại)") → the
    grade label as written without its numbering, else None."""
    value = re.sub(r"^\s*([ivxlc]+|[a-z]|\d{1,2})\s*[.)/-]\s*", "", one_line(text), flags=re.IGNORECASE)
    key = fold_key(value)
    m = re.search(r"\b(?:xep\s+)?loai\s+([a-e])\b", key)
    if m:
        return f"Loại {m.group(1).upper()}"
    if (
        key.startswith(("sang kien duoc cong nhan", "cong nhan", "duoc cong nhan"))
        and "khong" not in key.split()[:3]
    ):
        return nfc(value)
    return None
