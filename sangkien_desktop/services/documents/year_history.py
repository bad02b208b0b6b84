"""The year report's multi-year figures ("Qua các năm"): for every year up to the report's, the dossiers the app
received, the initiatives recognized (graded in the app, and those of earlier years' decision lists imported,
counted apart and marked with their decisions), their authors and rewards. One sheet of the Excel workbook and
one section of the PDF."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.money import format_money
from ...models import Authorship, Dossier, GradeResult, RecognizedImport
from ..docspec import Column
from ..duplicates import RECOGNIZED_GRADES
from ..recognized import year_counts
from .common import header

if TYPE_CHECKING:  # the renderers are imported when a document is drawn, not when its data is read
    from openpyxl.workbook.workbook import Workbook
    from reportlab.platypus import Flowable

    from ..xlsx.cells import CellValue

__all__ = ["HistoryRow", "history_flowables", "history_sheet", "year_history"]


@dataclass(frozen=True)
class HistoryRow:
    year: int
    received: int  # dossiers received in the app's rounds (0 for a year known only from its imported list)
    recognized: int  # recognized in the app's rounds …
    imported: int  # … and in the decision lists imported for the year
    authors: int  # author entries of all of them
    reward: int
    decisions: str  # the imported lists' decisions: "QĐ 45/QĐ-UBND"

    @property
    def total(self) -> int:
        return self.recognized + self.imported


def year_history(session: Session, year_to: int) -> list[HistoryRow]:
    """Every year up to ``year_to`` with dossiers or an imported list, oldest first."""
    received = dict(
        session.execute(
            select(Dossier.year, func.count(Dossier.id)).where(Dossier.year <= year_to).group_by(Dossier.year)
        ).all()
    )
    recognized: dict[int, tuple[int, int]] = {
        y: (int(n), int(r or 0))
        for y, n, r in session.execute(
            select(Dossier.year, func.count(GradeResult.id), func.sum(GradeResult.reward))
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .where(Dossier.year <= year_to, GradeResult.grade.in_(RECOGNIZED_GRADES))
            .group_by(Dossier.year)
        )
    }
    authors = dict(
        session.execute(
            select(Dossier.year, func.count(Authorship.id))
            .join(Authorship, Authorship.dossier_id == Dossier.id)
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .where(Dossier.year <= year_to, GradeResult.grade.in_(RECOGNIZED_GRADES))
            .group_by(Dossier.year)
        ).all()
    )
    imported = {c.year: c for c in year_counts(session, year_to)}
    decisions: dict[int, list[str]] = defaultdict(list)
    for y, number in session.execute(
        select(RecognizedImport.year, RecognizedImport.decision_no).order_by(RecognizedImport.id)
    ):
        if number:
            decisions[y].append(f"QĐ {number}")
    rows = []
    for y in sorted(set(received) | set(recognized) | set(imported)):
        n, reward = recognized.get(y, (0, 0))
        extra = imported.get(y)
        rows.append(
            HistoryRow(
                year=y,
                received=int(received.get(y, 0)),
                recognized=n,
                imported=extra.initiatives if extra else 0,
                authors=int(authors.get(y, 0)) + (extra.authors if extra else 0),
                reward=reward + (extra.reward if extra else 0),
                decisions=", ".join(dict.fromkeys(decisions.get(y, []))),
            )
        )
    return rows


_COLUMNS = (
    ("Năm", 8),
    ("Hồ sơ nhận (phần mềm)", 14),
    ("Được công nhận (phần mềm)", 14),
    ("Được công nhận (dữ liệu nhập)", 14),
    ("Tổng số được công nhận", 14),
    ("Số lượt tác giả", 12),
    ("Tiền thưởng (đồng)", 16),
    ("Quyết định (dữ liệu nhập)", 30),
)


def _values(r: HistoryRow) -> list[CellValue]:
    return [r.year, r.received or None, r.recognized or None, r.imported or None, r.total, r.authors, r.reward,
            r.decisions or None]  # fmt: skip


def history_sheet(wb: Workbook, rows: Sequence[HistoryRow], settings: dict[str, str], year: int) -> None:
    """The "Qua các năm" sheet (none when the database knows a single year)."""
    from ..xlsx import (
        set_column_widths,
        set_row_heights,
        setup_print,
        write_row,
        write_table_header,
        write_title_block,
    )
    from ..xlsx.layout import table_formats

    if len(rows) < 2:
        return
    ws = wb.create_sheet("Qua các năm")
    widths = [w for _, w in _COLUMNS]
    set_column_widths(ws, widths)
    info = header(settings, None, year=year)
    first = rows[0].year if rows else year
    row = write_title_block(ws, info, "SỐ LIỆU SÁNG KIẾN QUA CÁC NĂM", f"Các năm {first}–{year}", len(widths))
    top = row
    row = write_table_header(ws, row, [Column(t) for t, _ in _COLUMNS], font_size=11)
    start = row
    f = table_formats(11)
    formats = [f.integer, f.integer, f.integer, f.integer, f.integer, f.integer, f.money, f.text]
    for r in rows:
        write_row(ws, row, _values(r), formats=formats)
        row += 1
    if rows:
        set_row_heights(ws, start, row - 1)
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{start - 1}")


def history_flowables(rows: Sequence[HistoryRow], number: str = "5") -> list[Flowable]:
    """The PDF section: a title line and the table (nothing when there is a single year)."""
    from ..pdf import column_table, frame_width, get_styles, para

    if len(rows) < 2:
        return []
    st = get_styles()
    columns = [
        Column("Năm", 3, center=True),
        Column("Hồ sơ nhận", 4, numeric=True),
        Column("Công nhận (phần mềm)", 5, numeric=True),
        Column("Công nhận (dữ liệu nhập)", 5, numeric=True),
        Column("Tổng số công nhận", 5, numeric=True),
        Column("Lượt tác giả", 4, numeric=True),
        Column("Tiền thưởng (đồng)", 6, numeric=True),
        Column("Quyết định (dữ liệu nhập)", 8),
    ]
    body = [
        [str(r.year), str(r.received or ""), str(r.recognized or ""), str(r.imported or ""), str(r.total),
         str(r.authors), format_money(r.reward) if r.reward else "0", r.decisions]
        for r in rows
    ]  # fmt: skip
    return [
        para(f"{number}. Qua các năm", st.body_left),
        column_table(columns, body, frame_width(), font_size=10.5),
    ]
