"""Phiếu chấm điểm: one sheet per council member, pre-filled with the dossiers assigned to them and the
rubric (criteria, maxima, blank boxes), each dossier with its short code (HS26-007) to match the sheet when
typing it in.

- PDF (landscape): one sheet per member (each numbered on its own), to print and fill by hand.
- Excel: one worksheet per member, to fill offline and send back; the secretary imports it with
  ``sangkien import scores FILE.xlsx`` (:mod:`.score_import`). The sheet carries its code ("Mã phiếu:
  2026/1-TV05") and the dossier codes; input cells are the only unlocked cells, and Excel refuses a value
  outside 0 … the criterion's maximum as it is typed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.platypus import Flowable, PageBreak, Spacer

from ...domain.money import format_decimal_vn
from ...domain.text import nfc
from ...gc_pause import paused_gc
from ..docspec import Column, HeaderInfo
from ..pdf import (
    Run,
    build_pdf,
    cell_styles,
    column_table,
    frame_width,
    get_styles,
    header_block,
    para,
    restart_page_numbers,
    signature_block,
    title_block,
)
from ..xlsx import (
    DEFAULT_FORMATS,
    Formula,
    fit_widths,
    new_workbook,
    set_column_widths,
    set_row_heights,
    set_text,
    setup_print,
    use_light_rows,
    write_row,
    write_signature_block,
    write_table_header,
    write_title_block,
)
from .common import header
from .round_data import DossierInfo, MemberInfo, RoundData

__all__ = [
    "SHEET_CODE_LABEL",
    "parse_sheet_code",
    "score_sheets_pdf",
    "score_sheets_xlsx",
    "sheet_code",
]

TITLE = "PHIẾU CHẤM ĐIỂM SÁNG KIẾN"
SHEET_CODE_LABEL = "Mã phiếu:"
CODE_HEADER = "Mã hồ sơ"
TOTAL_HEADER = "Tổng điểm"
INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
# The sheets are protected with this password so the layout the import reads cannot be broken by accident
# (it is written in the user guide for the secretary who must unprotect a sheet).
SHEET_PASSWORD = "sangkien"
_SHEET_CODE = re.compile(r"^\s*(\d{4})\s*/\s*(\d+)\s*-\s*TV\s*0*(\d+)\s*$", re.IGNORECASE)


def sheet_code(data: RoundData, member: MemberInfo) -> str:
    """ "2026/1-TV05": the round and the member (council member id) a sheet belongs to."""
    return f"{data.year}/{data.number}-{member.sheet_code}"


def parse_sheet_code(text: str) -> tuple[int, int, int] | None:
    """(year, round number, council member id) from a sheet code, or None."""
    m = _SHEET_CODE.match(nfc(text))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def criterion_header(name: str, max_points: Decimal) -> str:
    return f"{name}\n(tối đa {format_decimal_vn(max_points, 0 if max_points == max_points.to_integral() else 2)})"


def _points(value: Decimal) -> str:
    return format_decimal_vn(value, 0 if value == value.to_integral() else 2)


def _header(data: RoundData) -> HeaderInfo:
    return header(data.settings, None, date=data.meeting_on, year=data.year)


def _members(data: RoundData, member_id: int | None) -> list[MemberInfo]:
    if member_id is not None:
        return [data.member(member_id)]
    return data.active_members


def _dossier_cell(d: DossierInfo) -> tuple[Run | str, ...]:
    return (Run(d.title, bold=True), f"\nTác giả: {d.author_names}\nĐơn vị: {d.unit_name}")


# PDF ------------------------------------------------------------------------------------------------
def _member_story(
    data: RoundData, member: MemberInfo, cells: dict[int, tuple[Run | str, ...]]
) -> list[Flowable]:
    """One member's sheet; ``cells`` keeps each dossier's cell for the next members' sheets."""
    st = get_styles()
    cs = cell_styles(11)
    dossiers = data.dossiers_of_member(member.id)
    story: list[Flowable] = [
        header_block(_header(data)),
        *title_block(TITLE, f"{data.label}"),
        para(
            [
                "Họ và tên thành viên Hội đồng: ",
                Run(member.name, bold=True),
                f"      Chức danh trong Hội đồng: {member.role_label}",
            ],
            st.body_left,
        ),
        para(
            [
                SHEET_CODE_LABEL + " ",
                Run(sheet_code(data, member), bold=True),
                f"      Số hồ sơ được phân công chấm: {len(dossiers)}",
            ],
            st.body_left,
        ),
        Spacer(1, 4),
        para(Run("Tiêu chí và thang điểm:", bold=True), st.body_left),
    ]
    for i, c in enumerate(data.criteria, start=1):
        line: list[str | Run] = [f"{i}. ", Run(c.name, bold=True), f" (tối đa {_points(c.max_points)} điểm)"]
        story.append(para(line + ([f": {c.description}"] if c.description else []), cs.left))
    story.append(Spacer(1, 6))
    columns = [
        Column("TT", 2.8, center=True),
        Column(CODE_HEADER, 6.6, center=True),
        Column("Tên sáng kiến, tác giả, đơn vị", 28),
        *[Column(criterion_header(c.name, c.max_points), 6.5, center=True) for c in data.criteria],
        Column(f"{TOTAL_HEADER}\n(tối đa {_points(data.max_total)})", 6, center=True),
        Column("Nhận xét", 12),
    ]
    rows: list[list[object]] = []
    for n, d in enumerate(dossiers, start=1):
        cell = cells.get(d.id)
        if cell is None:
            cell = cells[d.id] = _dossier_cell(d)
        rows.append([str(n), d.code, cell, *[""] * len(data.criteria), "", ""])
    if not rows:
        rows.append(["", "", "Không có hồ sơ nào được phân công.", *[""] * (len(data.criteria) + 2)])
    table = column_table(columns, rows, frame_width(landscape=True), font_size=11)
    story.append(table)
    story.append(Spacer(1, 4))
    story.append(
        para(
            "Ghi chú: chấm điểm từng tiêu chí, không vượt điểm tối đa (được cho điểm lẻ, ví dụ 7,5). Thành viên "
            "không chấm hồ sơ của đơn vị mình hoặc hồ sơ mình là tác giả, đồng tác giả.",
            st.note,
        )
    )
    story.append(signature_block("", "NGƯỜI CHẤM", member.name, note="(Ký, ghi rõ họ tên)"))
    return story


def score_sheets_pdf(data: RoundData, member_id: int | None = None) -> bytes:
    """The score sheets of every active member (or of one), landscape, each numbered on its own."""
    story: list[Flowable] = []
    cells: dict[int, tuple[Run | str, ...]] = {}
    for i, member in enumerate(_members(data, member_id)):
        if i:
            story += [PageBreak(), restart_page_numbers()]
        story += _member_story(data, member, cells)
    if not story:
        story = [para("Đợt này chưa có thành viên Hội đồng.", get_styles().body_left)]
    return build_pdf(story, title=f"Phiếu chấm điểm sáng kiến — {data.label}", landscape=True)


# Excel ----------------------------------------------------------------------------------------------
def _sheet_title(member: MemberInfo, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", f"{member.sheet_code} {member.name}")[:31].strip()
    title, n = base, 2
    while title in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _write_member_sheet(ws: Worksheet, data: RoundData, member: MemberInfo) -> None:
    dossiers = data.dossiers_of_member(member.id)
    ncrit = len(data.criteria)
    widths = [5, 11, 42, 22, 24, *[12] * ncrit, 10, 24]
    ncols = len(widths)
    set_column_widths(ws, fit_widths(widths, font_size=11))
    row = write_title_block(ws, _header(data), TITLE, data.label, ncols)
    bold = Font(name="Times New Roman", size=12, bold=True)
    plain = Font(name="Times New Roman", size=12)
    italic = Font(name="Times New Roman", size=11, italic=True)

    def line(label: str, value: str, note: str = "") -> None:
        nonlocal row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        set_text(ws.cell(row=row, column=1), label)
        ws.cell(row=row, column=1).font = plain
        set_text(ws.cell(row=row, column=3), value)
        ws.cell(row=row, column=3).font = bold
        if note:
            ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=ncols)
            set_text(ws.cell(row=row, column=4), note)
            ws.cell(row=row, column=4).font = italic
        row += 1

    line("Thành viên:", member.name, f"Chức danh trong Hội đồng: {member.role_label}")
    line(
        SHEET_CODE_LABEL,
        sheet_code(data, member),
        "(không sửa ô này: phần mềm dùng mã phiếu để nhập lại điểm)",
    )
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    set_text(
        ws.cell(row=row, column=1),
        "Cách điền: chỉ nhập điểm vào các ô màu vàng nhạt, mỗi tiêu chí từ 0 đến điểm tối đa ghi ở đầu cột "
        "(được dùng số lẻ, ví dụ 7,5). Để trống cả dòng nếu chưa chấm hồ sơ đó. Không thêm, xóa hay đổi thứ "
        "tự các dòng, các cột.",
    )
    ws.cell(row=row, column=1).font = italic
    ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = 32
    row += 2
    header_top = row
    columns = [
        Column("TT"),
        Column(CODE_HEADER),
        Column("Tên sáng kiến"),
        Column("Tác giả"),
        Column("Đơn vị"),
        *[Column(criterion_header(c.name, c.max_points)) for c in data.criteria],
        Column(f"{TOTAL_HEADER}\n(tối đa {_points(data.max_total)})"),
        Column("Nhận xét"),
    ]
    row = write_table_header(ws, row, columns)
    first = row
    f = DEFAULT_FORMATS
    first_crit = 6
    last_crit = first_crit + ncrit - 1
    # the cells the member fills in (scores, remark): unlocked, light yellow
    input_score = replace(f.score, fill=INPUT_FILL, protection=Protection(locked=False))
    input_text = replace(f.text, fill=INPUT_FILL, protection=Protection(locked=False))
    formats = [f.integer, f.center, f.text, f.text, f.text, *[input_score] * ncrit, f.score, input_text]
    a, b = get_column_letter(first_crit), get_column_letter(last_crit)
    use_light_rows(ws)  # long tables: rows without openpyxl cells, saved by workbook_bytes
    for n, d in enumerate(dossiers, start=1):
        total = Formula(f'=IF(COUNT({a}{row}:{b}{row})=0,"",SUM({a}{row}:{b}{row}))') if ncrit else None
        write_row(
            ws,
            row,
            [n, d.code, d.title, d.author_names, d.unit_name, *[None] * ncrit, total, None],
            formats=formats,
        )
        row += 1
    last = row - 1
    if dossiers:
        set_row_heights(ws, first, last)  # formulas are not text to measure
        for i, c in enumerate(data.criteria):
            col = get_column_letter(first_crit + i)
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2=f"{c.max_points.normalize():f}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Điểm không hợp lệ",
                error=f"Điểm «{c.name}» phải từ 0 đến {_points(c.max_points)}.",
            )
            dv.add(f"{col}{first}:{col}{last}")
            ws.add_data_validation(dv)
    else:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        set_text(ws.cell(row=row, column=1), "Không có hồ sơ nào được phân công.")
        row += 1
    write_signature_block(
        ws, row + 1, title="NGƯỜI CHẤM", note="(Ký, ghi rõ họ tên)", name=member.name, ncols=ncols
    )
    setup_print(ws, landscape=True, repeat_rows=f"{header_top}:{first - 1}")
    ws.protection.sheet = True
    ws.protection.password = SHEET_PASSWORD
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


@paused_gc()  # long tables: see paused_gc
def score_sheets_workbook(data: RoundData, member_id: int | None = None) -> Workbook:
    members = _members(data, member_id)
    first_title = "Phiếu chấm"
    used: set[str] = set()
    if members:
        first_title = _sheet_title(members[0], used)
    wb, ws = new_workbook(first_title)
    if not members:
        set_text(ws.cell(row=1, column=1), "Đợt này chưa có thành viên Hội đồng.")
        return wb
    _write_member_sheet(ws, data, members[0])
    for member in members[1:]:
        sheet = wb.create_sheet(_sheet_title(member, used))
        _write_member_sheet(sheet, data, member)
    return wb


def score_sheets_xlsx(data: RoundData, member_id: int | None = None) -> bytes:
    """The score workbook: one worksheet per active member (or only ``member_id``'s)."""
    from ..xlsx.fast_save import workbook_bytes

    return workbook_bytes(score_sheets_workbook(data, member_id))
