"""Bảng tổng hợp kết quả chấm điểm: dossiers × members, mean, rank, grade, reward and vote.

Landscape PDF and Excel. Rows follow the ranking (highest mean first). A member's cell shows their total,
"—" when the dossier is not theirs to score, and is empty while their sheet is not typed in. Before a
grading is applied the mean is provisional (computed from the complete sheets) and the grade is empty;
the document says so under the table.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import cast

from openpyxl.styles import Alignment, Font
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ...domain.money import format_money
from ...gc_pause import paused_gc
from ..docspec import Column, HeaderInfo
from ..pdf import build_pdf, column_table, frame_width, get_styles, header_block, para, title_block
from ..pdf.nd30 import two_signatures
from ..xlsx import (
    CellFormat,
    fit_widths,
    new_workbook,
    restyle,
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
from ..xlsx.cells import CellValue
from ..xlsx.layout import table_formats
from .common import chair_signer, header, money_text, score_text, secretary_signer
from .round_data import DossierInfo, RoundData

__all__ = ["SummaryRow", "summary_pdf", "summary_rows", "summary_xlsx"]

TITLE = "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM SÁNG KIẾN"
NOT_ASSIGNED = "—"


@dataclasses.dataclass(frozen=True)
class SummaryRow:
    dossier: DossierInfo
    totals: tuple[object, ...]  # Decimal, "" (missing) or "—" (not assigned), one per member
    mean: object
    rank: str
    grade: str
    reward: int
    vote: str


def summary_rows(data: RoundData) -> list[SummaryRow]:
    members = data.active_members
    scored_by = {m.id: {d.id for d in data.dossiers_of_member(m.id)} for m in members}
    out: list[SummaryRow] = []
    for d in data.ranked():
        assigned_to = {m.id for m in members if d.id in scored_by[m.id]}
        totals: list[object] = []
        for m in members:
            total = data.member_total(d.id, m.id)
            if total is not None:
                totals.append(total)
            else:
                totals.append("" if m.id in assigned_to else NOT_ASSIGNED)
        g = data.grades.get(d.id)
        rank = ""
        if g is not None and g.rank is not None:
            rank = f"{g.rank}{'*' if g.tie else ''}"
        vote = data.votes.get(d.id)
        out.append(
            SummaryRow(
                dossier=d,
                totals=tuple(totals),
                mean=data.mean(d.id),
                rank=rank,
                grade=g.grade if g is not None else "",
                reward=g.reward if g is not None and g.recognized else 0,
                vote=vote.text if vote is not None else "",
            )
        )
    return out


def _columns(data: RoundData) -> list[Column]:
    """Widths in millimetres of a landscape page; member columns share what is left."""
    group = "Tổng điểm của từng thành viên Hội đồng"
    n = max(1, len(data.active_members))
    member_w = max(12.0, min(14.5, 96.0 / n))
    fixed = 8 + 18.5 + 21 + 19 + 13 + 10.5 + 10 + 16 + 12
    title_w = max(32.0, frame_width(True) / mm - fixed - n * member_w)
    return [
        Column("TT", 8, center=True),
        Column("Mã hồ sơ", 18.5, center=True),
        Column("Tên sáng kiến", title_w),
        Column("Tác giả", 21),
        Column("Đơn vị", 19),
        *[Column(m.name, member_w, group=group, numeric=True) for m in data.active_members],
        Column("Điểm bình quân", 13, numeric=True),
        Column("Xếp hạng", 10.5, center=True),
        Column("Xếp loại", 10, center=True),
        Column("Tiền thưởng (đồng)", 16, numeric=True),
        Column("Biểu quyết tán thành", 12, center=True),
    ]


def _notes(data: RoundData, rows: Sequence[SummaryRow]) -> list[str]:
    notes: list[str] = []
    if not data.graded:
        notes.append(
            "Chưa áp dụng xếp loại: điểm bình quân tạm tính từ các phiếu đã nhập đủ điểm; xếp hạng, xếp loại "
            "và tiền thưởng sẽ có sau khi áp dụng xếp loại."
        )
    else:
        counts = Counter(r.grade for r in rows if r.grade)
        parts = [
            f"{data.grade_label(code)}: {n:02d}"
            for code, n in sorted(counts.items(), key=lambda kv: data.grade_order(kv[0]))
        ]
        notes.append(f"Tổng số {len(rows):02d} hồ sơ đưa ra xét; " + "; ".join(parts) + ".")
        total = sum(r.reward for r in rows)
        notes.append(f"Tổng tiền thưởng: {money_text(data.settings, total)}.")
        pending = [g for g in data.grades.values() if g.tie]  # undecided ties: their amount apart
        if pending:
            amount = money_text(data.settings, sum(g.reward_pending for g in pending))
            notes.append(
                f"Chưa tính {amount} của {len(pending)} hồ sơ đồng điểm chờ Hội đồng quyết định (*)."
            )
        ties = [r for r in rows if r.rank.endswith("*")]
        if ties:
            tie_notes = []
            for r in ties:
                g = data.grades[r.dossier.id]
                note = g.council_note or g.reason
                tie_notes.append(f"{r.dossier.code}{': ' + note if note else ''}")
            notes.append("(*) Đồng điểm ở ranh giới số suất của một loại: " + "; ".join(tie_notes) + ".")
    notes.append(
        f"Ký hiệu «{NOT_ASSIGNED}»: thành viên không chấm hồ sơ này (không được phân công hoặc là người của đơn vị có hồ sơ)."
    )
    return notes


def _header(data: RoundData) -> HeaderInfo:
    return header(data.settings, None, date=data.meeting_on, year=data.year)


def _cells(data: RoundData, n: int, r: SummaryRow) -> list[str]:
    d = r.dossier
    return [
        str(n),
        d.code,
        d.title,
        d.author_names,
        d.unit_name,
        *[score_text(t) if not isinstance(t, str) else t for t in r.totals],  # type: ignore[arg-type]
        score_text(r.mean),  # type: ignore[arg-type]
        r.rank,
        r.grade,
        format_money(r.reward) if r.reward else "",
        r.vote,
    ]


def summary_pdf(data: RoundData) -> bytes:
    st = get_styles()
    rows = summary_rows(data)
    body = [_cells(data, n, r) for n, r in enumerate(rows, start=1)]
    columns = _columns(data)
    if not body:
        body = [["", "", "Chưa có hồ sơ nào được đưa ra xét.", *[""] * (len(columns) - 3)]]
    story: list[Flowable] = [
        header_block(_header(data)),
        *title_block(TITLE, data.label),
        column_table(
            columns,
            body,
            frame_width(landscape=True),
            font_size=9.5 if len(data.active_members) <= 8 else 8.5,
        ),
        Spacer(1, 4),
        *[para(n, st.note) for n in _notes(data, rows)],
        Spacer(1, 6),
        two_signatures(secretary_signer(data.settings), chair_signer(data.settings)),
    ]
    return build_pdf(story, title=f"Bảng tổng hợp kết quả chấm điểm — {data.label}", landscape=True)


@paused_gc()  # long tables: see paused_gc
def summary_xlsx(data: RoundData) -> bytes:
    rows = summary_rows(data)
    columns = _columns(data)
    nmem = len(data.active_members)
    widths = [5, 10, 38, 20, 20, *[9] * nmem, 9, 7, 7, 12, 9]
    keep = [5, 10, None, None, None, *[7.5] * nmem, 7.5, 6, 6, 11, 7]  # codes, scores, money never wrap
    ncols = len(widths)
    wb, ws = new_workbook("Tổng hợp điểm")
    set_column_widths(ws, fit_widths(widths, font_size=11, keep=keep))
    row = write_title_block(ws, _header(data), TITLE, data.label, ncols)
    top = row
    row = write_table_header(ws, row, columns, font_size=11)
    first = row
    f = table_formats(11)
    tied = dataclasses.replace(f.integer, number_format='0"*"')  # a rank tied at a quota's edge: "6*"
    centred = CellFormat(alignment=Alignment(horizontal="center", vertical="top"))  # "not assigned"
    use_light_rows(ws)  # a long table: rows without openpyxl cells, saved by workbook_bytes
    for n, r in enumerate(rows, start=1):
        d = r.dossier
        rank = int(r.rank.rstrip("*")) if r.rank else None
        totals = cast(list[CellValue], [t if not isinstance(t, str) else (t or None) for t in r.totals])
        write_row(
            ws,
            row,
            [
                n,
                d.code,
                d.title,
                d.author_names,
                d.unit_name,
                *totals,
                r.mean,  # type: ignore[list-item]
                rank,
                r.grade or None,
                r.reward or None,
                r.vote or None,
            ],
            formats=[
                f.integer,
                f.center,
                f.text,
                f.text,
                f.text,
                *[f.score] * nmem,
                f.score,
                tied if r.rank.endswith("*") else f.integer,
                f.center,
                f.money,
                f.center,
            ],
        )
        for c, t in enumerate(r.totals):
            if t == NOT_ASSIGNED:
                restyle(ws, row, 6 + c, centred)
        row += 1
    if rows:
        set_row_heights(ws, first, row - 1)
    italic = Font(name="Times New Roman", size=11, italic=True)
    row += 1
    for note in _notes(data, rows):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        set_text(ws.cell(row=row, column=1), note)
        ws.cell(row=row, column=1).font = italic
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    sec = secretary_signer(data.settings)
    chair = chair_signer(data.settings)
    split = 5
    bold = Font(name="Times New Roman", size=13, bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=split)
    set_text(ws.cell(row=row, column=1), sec.title.upper())
    ws.cell(row=row, column=1).font = bold
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    if sec.name:
        name_row = row + 1 + 4 + (1 if chair.authority else 0)
        ws.merge_cells(start_row=name_row, start_column=1, end_row=name_row, end_column=split)
        set_text(ws.cell(row=name_row, column=1), sec.name)
        ws.cell(row=name_row, column=1).font = bold
        ws.cell(row=name_row, column=1).alignment = Alignment(horizontal="center")
    write_signature_block(
        ws,
        row,
        title=chair.title,
        authority=chair.authority,
        name=chair.name,
        ncols=max(ncols, split + 1),
        first_col=max(ncols - 5, split + 1),  # a round without members: right of the secretary's block
    )
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{first - 1}")
    from ..xlsx.fast_save import workbook_bytes

    return workbook_bytes(wb)
