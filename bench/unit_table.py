"""A unit's registration table as units send it (the official form: "ĐƠN VỊ: …" line, national motto,
title, the two-row grouped header, numbered rows, the head of unit's signature), with ``rows`` rows of
new initiatives. Used to time the import of a 1,000-row table."""

from __future__ import annotations

import random
from pathlib import Path

from sangkien_desktop.domain import registration_form as form

SUBJECTS = ["Toán", "Ngữ văn", "Tiếng Anh", "Lịch sử", "Địa lý", "Sinh học", "Vật lý", "Hóa học", "Tin học"]
SKILLS = ["đọc hiểu", "thuyết trình", "tự học", "làm việc nhóm", "giải toán có lời văn", "viết đoạn văn"]
NAMES = [
    "Nguyễn Thị Hương",
    "Trần Văn Đức",
    "Lê Thị Ngọc Ánh",
    "Phạm Quang Vũ",
    "Đặng Thùy Dương",
    "Hoàng Minh Tuấn",
]


def write_unit_table(path: Path, unit: str, year: int, rows: int = 1000, seed: int = 5) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đăng ký"
    bold = Font(name="Times New Roman", bold=True)
    ws["A1"] = f"ĐƠN VỊ: {unit}"
    ws.merge_cells("A1:C1")
    ws["E1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("E1:I1")
    ws["E2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("E2:I2")
    ws["A5"] = form.form_title(year)
    ws.merge_cells("A5:I5")
    ws["A5"].font = bold
    for j, col in enumerate(form.COLUMNS, start=1):
        if col.field in form.GROUP_FIELDS:
            if col.field == form.GROUP_FIELDS[0]:
                ws.cell(row=7, column=j, value=form.GROUP_TITLE)
            ws.cell(row=8, column=j, value=form.column_title(col.field, year))
        else:
            ws.cell(row=7, column=j, value=form.column_title(col.field, year))
            ws.merge_cells(start_row=7, start_column=j, end_row=8, end_column=j)
        for r in (7, 8):
            ws.cell(row=r, column=j).alignment = Alignment(wrap_text=True)
    first = form.FIELDS.index(form.GROUP_FIELDS[0]) + 1
    ws.merge_cells(start_row=7, start_column=first, end_row=7, end_column=first + len(form.GROUP_FIELDS) - 1)
    for n in range(1, rows + 1):
        subject, skill = rng.choice(SUBJECTS), rng.choice(SKILLS)
        grade = rng.randint(6, 9)
        authors = rng.sample(NAMES, rng.randint(1, 2))
        values = {
            form.SEQ: n,
            form.APPLIED_UNIT: unit,
            form.PROBLEM: f"Học sinh lớp {grade} còn yếu kỹ năng {skill} trong giờ {subject}",
            form.TITLE: f"Biện pháp rèn kỹ năng {skill} cho học sinh lớp {grade} qua môn {subject} ({n})",
            form.CONTENT: f"Thiết kế {rng.randint(5, 30)} bài tập theo nhóm; tổ chức câu lạc bộ {subject}",
            form.EFFECT: f"Tỷ lệ học sinh đạt yêu cầu tăng từ {rng.randint(40, 60)}% lên {rng.randint(70, 95)}%",
            form.SCOPE: rng.choice(["Khối lớp", "Toàn trường", "Toàn huyện"]),
            form.AUTHORS: ", ".join(authors),
            form.DEPARTMENT: f"Tổ {subject}",
        }
        for j, field in enumerate(form.FIELDS, start=1):
            ws.cell(row=8 + n, column=j, value=values[field])
    end = 8 + rows + 2
    ws.cell(row=end, column=7, value=form.UNIT_SIGNER_TITLE).font = bold
    ws.cell(row=end + 1, column=7, value=form.UNIT_SIGNER_NOTE)
    wb.save(path)
    return path
