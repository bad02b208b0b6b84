"""Build tables made exactly like the official registration form (seed 000), as units send them:
title rows ("ĐƠN VỊ: …", the national motto, "TỔNG HỢP ĐĂNG KÝ …"), the two-row grouped header with the
form's line breaks, numbered rows, and "THỦ TRƯỞNG ĐƠN VỊ / Ký, ghi rõ họ tên" at the end."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sangkien_desktop.domain import registration_form as form

Row = dict[str, str]

SAMPLE_ROWS: list[Row] = [
    {
        form.APPLIED_UNIT: "Trường THCS Bắc Sơn",
        form.PROBLEM: "Học sinh còn ngại đọc sách, thư viện ít người đến",
        form.TITLE: "Đổi mới hoạt động thư viện thân thiện, khuyến khích học sinh đọc sách",
        form.CONTENT: "Xây dựng góc đọc sách ở mỗi lớp; tổ chức ngày hội đọc sách hằng tháng",
        form.EFFECT: "Số lượt mượn sách tăng 45%; học sinh hứng thú đọc sách hơn",
        form.SCOPE: "Toàn trường",
        form.AUTHORS: "Nguyễn Thị Hương, Trần Văn Đức",
        form.DEPARTMENT: "Tổ Ngữ văn\nTổ Toán",
    },
    {
        form.APPLIED_UNIT: "Trường THCS Bắc Sơn",
        form.PROBLEM: "Học sinh khó hình dung các hình không gian",
        form.TITLE: "Ứng dụng phần mềm GeoGebra trong dạy học Hình học lớp 9",
        form.CONTENT: "Thiết kế 20 bài giảng có hình động; hướng dẫn học sinh tự vẽ hình",
        form.EFFECT: "Tỷ lệ học sinh đạt điểm khá, giỏi tăng từ 52% lên 68%",
        form.SCOPE: "Khối 9; có thể nhân rộng toàn phường",
        form.AUTHORS: "Lê Thị Ngọc Ánh",
        form.DEPARTMENT: "Tổ Toán - Tin",
    },
    {
        form.APPLIED_UNIT: "Trường THCS Bắc Sơn",
        form.PROBLEM: "Kỹ năng trình bày trước lớp của học sinh còn yếu",
        form.TITLE: "Một số biện pháp rèn kỹ năng thuyết trình cho học sinh lớp 7 qua hoạt động trải nghiệm",
        form.CONTENT: "Tổ chức câu lạc bộ thuyết trình; chấm điểm theo tiêu chí rõ ràng",
        form.EFFECT: "95% học sinh lớp 7 tự tin trình bày trước lớp",
        form.SCOPE: "Khối 7",
        form.AUTHORS: "Phạm Quang Vũ; Đặng Thùy Dương",
        form.DEPARTMENT: "Tổ Khoa học xã hội",
    },
]


def _header_titles(year: int) -> tuple[list[str | None], list[str | None]]:
    top: list[str | None] = []
    below: list[str | None] = []
    for col in form.COLUMNS:
        if col.field in form.GROUP_FIELDS:
            top.append(form.GROUP_TITLE if col.field == form.GROUP_FIELDS[0] else None)
            below.append(form.column_title(col.field, year))
        else:
            top.append(form.column_title(col.field, year))
            below.append(None)
    return top, below


def write_xlsx(
    path: Path,
    rows: Sequence[Row] = SAMPLE_ROWS,
    *,
    year: int = 2024,
    unit_line: str = "ĐƠN VỊ: Trường THCS Bắc Sơn",
    numbered: bool = True,
) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Đăng ký"
    bold = Font(name="Times New Roman", bold=True)
    ws["A1"] = unit_line
    ws.merge_cells("A1:C1")
    ws["E1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("E1:I1")
    ws["E2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("E2:I2")
    ws["A3"] = "Số: /"
    ws["E3"] = f"Thanh Trì, ngày tháng năm {year}"
    ws.merge_cells("E3:I3")
    ws["A5"] = form.form_title(year)
    ws.merge_cells("A5:I5")
    ws["A5"].font = bold
    top, below = _header_titles(year)
    for j, (t, b) in enumerate(zip(top, below, strict=True), start=1):
        if t is not None:
            ws.cell(row=7, column=j, value=t)
        if b is not None:
            ws.cell(row=8, column=j, value=b)
        ws.cell(row=7, column=j).alignment = Alignment(wrap_text=True)
        ws.cell(row=8, column=j).alignment = Alignment(wrap_text=True)
    for j, t in enumerate(top, start=1):
        if t is not None and t != form.GROUP_TITLE:
            ws.merge_cells(start_row=7, start_column=j, end_row=8, end_column=j)
    ws.merge_cells("D7:G7")
    r = 9
    for n, row in enumerate(rows, start=1):
        for j, col in enumerate(form.COLUMNS, start=1):
            if col.field == form.SEQ:
                value: object = row.get(form.SEQ, n if numbered else None)
            else:
                value = row.get(col.field) or None
            ws.cell(row=r, column=j, value=value)
        r += 1
    ws.cell(row=r + 1, column=7, value=form.UNIT_SIGNER_TITLE).font = bold
    ws.merge_cells(start_row=r + 1, start_column=7, end_row=r + 1, end_column=9)
    ws.cell(row=r + 2, column=7, value="Ký, ghi rõ họ tên")
    ws.merge_cells(start_row=r + 2, start_column=7, end_row=r + 2, end_column=9)
    wb.save(path)
    return path


def write_docx(
    path: Path,
    rows: Sequence[Row] = SAMPLE_ROWS,
    *,
    year: int = 2024,
    unit_line: str = "ĐƠN VỊ: Trường THCS Bắc Sơn",
    header_as_table: bool = True,
) -> Path:
    import docx

    document = docx.Document()
    if header_as_table:
        block = document.add_table(rows=2, cols=2)
        block.cell(0, 0).text = unit_line
        block.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        block.cell(1, 0).text = "Số: /"
        block.cell(1, 1).text = f"Thanh Trì, ngày tháng năm {year}"
    else:
        document.add_paragraph(unit_line)
        document.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        document.add_paragraph("Độc lập - Tự do - Hạnh phúc")
        document.add_paragraph("Số: /")
        document.add_paragraph(f"Thanh Trì, ngày tháng năm {year}")
    document.add_paragraph(form.form_title(year))
    table = document.add_table(rows=2 + len(rows), cols=len(form.COLUMNS))
    table.style = "Table Grid"
    top, below = _header_titles(year)
    for j, (t, b) in enumerate(zip(top, below, strict=True)):
        if t is not None:
            table.cell(0, j).text = t
        if b is not None:
            table.cell(1, j).text = b
    for j, t in enumerate(top):
        if t is not None and t != form.GROUP_TITLE:
            table.cell(0, j).merge(table.cell(1, j))
    group = [j for j, c in enumerate(form.COLUMNS) if c.field in form.GROUP_FIELDS]
    table.cell(0, group[0]).merge(table.cell(0, group[-1]))
    for n, row in enumerate(rows, start=1):
        for j, col in enumerate(form.COLUMNS):
            value = row.get(form.SEQ, str(n)) if col.field == form.SEQ else row.get(col.field, "")
            table.cell(1 + n, j).text = value
    document.add_paragraph("")
    document.add_paragraph(form.UNIT_SIGNER_TITLE)
    document.add_paragraph("Ký, ghi rõ họ tên")
    document.save(str(path))
    return path
