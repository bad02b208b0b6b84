"""The workbook for the Sở Khoa học và Công nghệ: one sheet listing the recognized initiatives of a year
(or of one round) with the columns a province collects.

Numbers stay numbers (mean as 0.00, reward as #,##0), dates are dates, text is never a formula. The table
has an autofilter and frozen head so the Sở can sort and filter it; the NĐ 30 title block above it makes
it printable as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl.utils import get_column_letter

from ...gc_pause import paused_gc
from ..docspec import Column
from ..xlsx import (
    fit_widths,
    new_workbook,
    set_column_widths,
    set_row_heights,
    setup_print,
    use_light_rows,
    write_row,
    write_signature_block,
    write_table_header,
    write_title_block,
)
from ..xlsx.layout import table_formats
from .common import chair_signer, council_title, header
from .decision import percent
from .year_data import YearData

__all__ = ["COLUMNS", "DostRow", "dost_rows", "dost_xlsx"]

COLUMNS: tuple[tuple[str, float], ...] = (
    ("TT", 5),
    ("Năm", 7),
    ("Đợt", 6),
    ("Đơn vị", 24),
    ("Tên sáng kiến", 42),
    ("Loại giải pháp", 16),
    ("Lĩnh vực", 18),
    ("Tác giả (tỷ lệ đóng góp)", 28),
    ("Điểm bình quân", 10),
    ("Xếp loại", 9),
    ("Tiền thưởng (đồng)", 13),
    ("Số quyết định công nhận", 15),
    ("Ngày quyết định", 12),
    ("Số giấy chứng nhận", 13),
)
SHEET = "Sáng kiến được công nhận"


@dataclass(frozen=True)
class DostRow:
    year: int
    round_number: int
    unit: str
    title: str
    kind: str
    field: str
    authors: str
    mean: Decimal | None
    grade: str
    reward: int
    decision_no: str
    decision_date: date | None
    certificates: str


def dost_rows(year: YearData) -> list[DostRow]:
    out: list[DostRow] = []
    for data in year.rounds:
        decision = data.decision_no
        for d in data.recognized():
            g = data.grades[d.id]
            certs = [c.number_text for a in d.authors if (c := data.certificate(d.id, a.person_id))]
            out.append(
                DostRow(
                    year=data.year,
                    round_number=data.number,
                    unit=d.unit_name,
                    title=d.title,
                    kind=d.kind,
                    field=d.field,
                    authors="\n".join(f"{a.name} ({percent(a.contribution)}%)" for a in d.authors),
                    mean=data.mean(d.id),
                    grade=g.grade,
                    reward=g.reward,
                    decision_no=decision,
                    decision_date=data.decision_date,
                    certificates="\n".join(certs),
                )
            )
    return out


@paused_gc()  # long tables: see paused_gc
def dost_xlsx(year: YearData) -> bytes:
    rows = dost_rows(year)
    settings = year.settings
    widths = [w for _, w in COLUMNS]
    ncols = len(widths)
    wb, ws = new_workbook(SHEET)
    keep = [5, 5.5, 4, None, None, None, None, None, 7, 6, 11, 12, 11, 10]  # never wrapped: codes, numbers
    set_column_widths(ws, fit_widths(widths, font_size=11, keep=keep))
    info = header(settings, None, year=year.year)
    scope = year.rounds[0].label if len(year.rounds) == 1 and year.rounds[0].number else f"năm {year.year}"
    row = write_title_block(
        ws,
        info,
        f"DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN {scope.upper()}",
        f"(Của {council_title(settings)}; gửi Sở Khoa học và Công nghệ)",
        ncols,
    )
    top = row
    row = write_table_header(ws, row, [Column(t) for t, _ in COLUMNS], font_size=11)
    first = row
    f = table_formats(11)
    use_light_rows(ws)  # a long table: rows without openpyxl cells, saved by workbook_bytes
    for n, r in enumerate(rows, start=1):
        write_row(
            ws,
            row,
            [
                n,
                r.year,
                r.round_number,
                r.unit,
                r.title,
                r.kind or None,
                r.field or None,
                r.authors,
                r.mean,
                r.grade,
                r.reward or None,
                r.decision_no or None,
                r.decision_date,
                r.certificates or None,
            ],
            formats=[
                f.integer,
                f.integer,
                f.integer,
                f.text,
                f.text,
                f.text,
                f.text,
                f.text,
                f.score,
                f.center,
                f.money,
                f.center,
                f.date,
                f.center,
            ],
        )
        row += 1
    last = row - 1
    if rows:
        set_row_heights(ws, first, last)
        ws.auto_filter.ref = f"A{first - 1}:{get_column_letter(ncols)}{last}"
    chair = chair_signer(settings)
    write_signature_block(
        ws, row + 1, title=chair.title, authority=chair.authority, name=chair.name, ncols=ncols
    )
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{first - 1}")
    from ..xlsx.fast_save import workbook_bytes

    return workbook_bytes(wb)
