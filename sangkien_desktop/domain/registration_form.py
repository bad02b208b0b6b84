"""The registration form (seed 000): "TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM ÁP DỤNG TẠI ĐƠN VỊ NĂM …".

One place holds its fields, their column titles as printed on the official form (wording kept exactly,
line breaks where the form breaks them), the grouped header and the signature lines. The importer matches
units' tables against these titles; the PDF and Excel exporters print them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Field keys, in the order of the form's columns. They are the ``Registration`` attribute names.
SEQ = "seq"
APPLIED_UNIT = "applied_unit"
PROBLEM = "problem"
TITLE = "title"
CONTENT = "content"
EFFECT = "effect"
SCOPE = "scope"
AUTHORS = "authors_text"
DEPARTMENT = "department"

FIELDS: tuple[str, ...] = (SEQ, APPLIED_UNIT, PROBLEM, TITLE, CONTENT, EFFECT, SCOPE, AUTHORS, DEPARTMENT)
TEXT_FIELDS: tuple[str, ...] = FIELDS[1:]

# Columns units add that the form does not print but the importer keeps.
AREA = "field"  # Lĩnh vực (the initiative's field)
NOTE = "note"  # Ghi chú
REGISTERED_ON = "registered_on"  # Ngày đăng ký
EXTRA_FIELDS: tuple[str, ...] = (AREA, NOTE, REGISTERED_ON)
EXTRA_LABELS: dict[str, str] = {AREA: "Lĩnh vực", NOTE: "Ghi chú", REGISTERED_ON: "Ngày đăng ký"}
IMPORT_FIELDS: tuple[str, ...] = FIELDS + EXTRA_FIELDS

GROUP_TITLE = "Sáng kiến kinh nghiệm"
GROUP_FIELDS: tuple[str, ...] = (TITLE, CONTENT, EFFECT, SCOPE)

FORM_TITLE = "TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM ÁP DỤNG TẠI ĐƠN VỊ NĂM {year}"
UNIT_SIGNER_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"
UNIT_SIGNER_NOTE = "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True)
class FormColumn:
    field: str
    title: str  # as printed; "{year}" is replaced by the registration year
    short: str  # short Vietnamese label for grids, messages and the CLI
    width: float  # relative width in the printed table (sums to 100)


# Titles as in the official form (seed 000). The seed's typed copy reads "(nếu cụ thể, rõ ràng)" and
# "(nếu tóm tắt, đủ ý)", a typing slip for "nêu" (state); we print "nêu". The importer folds accents, so
# it reads both.
COLUMNS: tuple[FormColumn, ...] = (
    FormColumn(SEQ, "TT", "TT", 4),
    FormColumn(
        APPLIED_UNIT,
        "Đơn vị\n(đã áp dụng hoặc dự kiến áp dụng sáng kiến năm {year})",
        "Đơn vị",
        11,
    ),
    FormColumn(PROBLEM, "Tồn tại\n(nêu cụ thể, rõ ràng)", "Tồn tại", 12),
    FormColumn(TITLE, "Tên sáng kiến", "Tên sáng kiến", 14),
    FormColumn(
        CONTENT,
        "Nội dung thực hiện/dự kiến thực hiện nhằm giải quyết tồn tại\n(nêu tóm tắt, đủ ý)",
        "Nội dung",
        15,
    ),
    FormColumn(
        EFFECT,
        "Hiệu quả/ dự kiến hiệu quả đạt được sau khi áp dụng sáng kiến\n(nêu tóm tắt, đủ ý)",
        "Hiệu quả",
        14,
    ),
    FormColumn(SCOPE, "Phạm vi ảnh hưởng", "Phạm vi ảnh hưởng", 10),
    FormColumn(
        AUTHORS,
        "Tác giả/nhóm tác giả\n(đã thực hiện hoặc dự kiến thực hiện)",
        "Tác giả",
        11,
    ),
    FormColumn(DEPARTMENT, "Bộ phận công tác", "Bộ phận công tác", 9),
)

COLUMN_BY_FIELD: dict[str, FormColumn] = {c.field: c for c in COLUMNS}


def column_title(field: str, year: int | None = None) -> str:
    """The printed title of a field's column, with the year filled in (or "…" when unknown)."""
    title = COLUMN_BY_FIELD[field].title
    return title.replace("{year}", str(year) if year else "…")


def short_label(field: str) -> str:
    if field in EXTRA_LABELS:
        return EXTRA_LABELS[field]
    return COLUMN_BY_FIELD[field].short


def form_title(year: int) -> str:
    return FORM_TITLE.format(year=year)
