"""The reconciliation report of a round as PDF (landscape, NĐ 30 header) and as Excel (one sheet per list)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import CondPageBreak, Flowable, Spacer

from ..db.database import Database
from ..domain.errors import ValidationError
from ..domain.vndate import dmy
from . import intake, letterhead
from . import settings as settings_service
from .docspec import Column, HeaderInfo
from .output import write_document
from .pdf import build_pdf, column_table, frame_width, get_styles, header_block, para, signature_block
from .reconciliation import PriorMatch, Reconciliation, reconcile_session
from .xlsx import (
    DEFAULT_FORMATS,
    fit_widths,
    new_workbook,
    set_column_widths,
    set_row_heights,
    setup_print,
    write_row,
    write_signature_block,
    write_table_header,
    write_title_block,
)

__all__ = ["ReconciliationReport", "load_report", "report_pdf", "report_xlsx", "write_report"]

Cell = str | int | dt.date | None
TITLE = "BÁO CÁO ĐỐI CHIẾU HỒ SƠ VỚI DANH SÁCH ĐĂNG KÝ SÁNG KIẾN"


@dataclass(frozen=True)
class Section:
    heading: str
    sheet: str
    columns: tuple[Column, ...]
    xlsx_widths: tuple[float, ...]
    rows: list[list[Cell]]  # dates as dates, numbers as numbers: Excel stores them as such

    def printed_rows(self) -> list[list[str]]:
        """The rows as printed on paper (dates "05/03/2026")."""
        return [[dmy(v) if isinstance(v, dt.date) else str(v or "") for v in row] for row in self.rows]


@dataclass(frozen=True)
class ReconciliationReport:
    data: Reconciliation
    settings: dict[str, str]
    printed_on: dt.date

    @property
    def subtitle(self) -> str:
        return f"{self.data.round_label}"

    def header(self) -> HeaderInfo:
        return letterhead.unnumbered_header_from(self.settings, self.printed_on)

    def sections(self) -> list[Section]:
        r = self.data
        return [
            Section(
                f"I. Đã đăng ký sáng kiến năm {r.year} nhưng chưa nộp hồ sơ ({len(r.registered_without_dossier)})",
                "Chưa nộp hồ sơ",
                (
                    Column("TT", 2, center=True),
                    Column("Đơn vị", 8),
                    Column("Tên sáng kiến đăng ký", 18),
                    Column("Tác giả", 9),
                    Column("Ngày đăng ký", 4.6, center=True),
                ),
                (6, 28, 60, 30, 13),
                [
                    [
                        str(n),
                        m.unit_name,
                        m.title,
                        m.authors_text,
                        m.registered_on,
                    ]
                    for n, m in enumerate(r.registered_without_dossier, start=1)
                ],
            ),
            Section(
                f"II. Đã nộp hồ sơ nhưng chưa đăng ký sáng kiến ({len(r.dossiers_without_registration)})",
                "Chưa đăng ký",
                (
                    Column("TT", 2, center=True),
                    Column("Mã hồ sơ", 4.4, center=True),
                    Column("Ngày nhận", 4.6, center=True),
                    Column("Đơn vị", 8),
                    Column("Tên sáng kiến", 16),
                    Column("Tác giả", 9),
                    Column("Tình trạng", 5),
                ),
                (6, 12, 13, 26, 50, 28, 16),
                [
                    [str(n), u.code, u.received_on, u.unit_name, u.title, u.authors_text, u.status.label]
                    for n, u in enumerate(r.dossiers_without_registration, start=1)
                ],
            ),
            Section(
                "III. Trùng tác giả hoặc tên sáng kiến đã được công nhận những năm trước "
                f"({len(_prior_rows(r))})",
                "Đã công nhận trước",
                (
                    Column("TT", 2, center=True),
                    Column("Mã hồ sơ", 4.4, center=True),
                    Column("Tên sáng kiến (tác giả)", 14),
                    Column("Trùng", 6),
                    Column("Sáng kiến đã công nhận (tác giả)", 14),
                    Column("Năm, mã hồ sơ", 5, center=True),
                    Column("Xếp loại", 3.4, center=True),
                ),
                (6, 12, 46, 22, 46, 16, 10),
                _prior_rows(r),
            ),
            Section(
                "IV. Có thể là cùng một sáng kiến: tên hồ sơ và tên đăng ký chỉ khác phần ghi chú trong "
                f"ngoặc hoặc dấu câu — cần xác nhận ({len(r.probable_matches)})",
                "Cần xác nhận",
                (
                    Column("TT", 2, center=True),
                    Column("Mã hồ sơ", 4.4, center=True),
                    Column("Tên sáng kiến trong hồ sơ (đơn vị)", 15),
                    Column("Mã ĐK", 3, center=True),
                    Column("Tên sáng kiến đã đăng ký (đơn vị, tác giả)", 15),
                ),
                (6, 12, 52, 9, 60),
                [
                    [
                        str(n),
                        p.code,
                        f"{p.title} ({p.unit_name})",
                        p.registration_id,
                        f"{p.registration_title} ({p.registration_unit}; {p.registration_authors})",
                    ]
                    for n, p in enumerate(r.probable_matches, start=1)
                ],
            ),
        ]


def _prior_rows(r: Reconciliation) -> list[list[Cell]]:
    """One row per (dossier, earlier initiative), its reasons joined: "Trùng tác giả: X; Trùng tên …"."""
    grouped: dict[tuple[int, bool, int], list[PriorMatch]] = {}
    for m in r.already_recognized:
        grouped.setdefault((m.dossier_id, m.earlier_imported, m.earlier_dossier_id), []).append(m)
    rows: list[list[Cell]] = []
    for n, matches in enumerate(grouped.values(), start=1):
        m = matches[0]
        rows.append(
            [
                str(n),
                m.code,
                f"{m.title} ({m.authors_text})",
                "; ".join(x.reason for x in matches),
                f"{m.earlier_title} ({m.earlier_authors})",
                f"{m.earlier_year}, {m.earlier_code}",
                m.earlier_grade,
            ]
        )
    return rows


def load_report(
    db: Database, round_ref: str | int, *, printed_on: dt.date | None = None
) -> ReconciliationReport:
    with db.reading() as session:
        data = reconcile_session(session, round_ref)
        settings = settings_service.load(session)
    return ReconciliationReport(data, settings, printed_on or intake.today())


def report_pdf(report: ReconciliationReport) -> bytes:
    st = get_styles()
    story: list[Flowable] = [
        header_block(report.header()),
        para(TITLE, st.doc_type),
        para(report.subtitle, st.subtitle),
        Spacer(1, 6),
    ]
    width = frame_width(True)
    heading = st.body_left.clone("SectionHeading", fontName=st.doc_type.fontName, spaceBefore=8, spaceAfter=4)
    for section in report.sections():
        story.append(CondPageBreak(80))
        story.append(para(section.heading, heading))
        if section.rows:
            story.append(column_table(section.columns, section.printed_rows(), width, font_size=11))
        else:
            story.append(para("Không có.", st.body_left))
    story += [
        CondPageBreak(60 * 2.8346),
        Spacer(1, 10),
        signature_block(
            "", "NGƯỜI LẬP", report.settings.get("secretary_name", ""), note="(Ký, ghi rõ họ tên)"
        ),
    ]
    return build_pdf(
        story,
        title=f"Đối chiếu hồ sơ với đăng ký — {report.data.round_label}",
        author=report.settings.get("council_name", ""),
        landscape=True,
    )


def report_xlsx(report: ReconciliationReport) -> bytes:
    wb, first_ws = new_workbook("Chưa nộp hồ sơ")
    for n, section in enumerate(report.sections()):
        ws = first_ws if n == 0 else wb.create_sheet(section.sheet)
        ws.sheet_format.defaultRowHeight = first_ws.sheet_format.defaultRowHeight
        ncols = len(section.columns)
        set_column_widths(ws, fit_widths(section.xlsx_widths))
        row = write_title_block(ws, report.header(), TITLE, f"{report.subtitle} — {section.heading}", ncols)
        head = row
        row = write_table_header(ws, row, list(section.columns))
        first = row
        f = DEFAULT_FORMATS
        dated = {i for row_ in section.rows for i, v in enumerate(row_) if isinstance(v, dt.date)}
        formats = [f.integer] + [
            f.date if i in dated else f.center if c.center else f.text
            for i, c in enumerate(section.columns[1:], start=1)
        ]
        for values in section.rows:
            write_row(ws, row, [int(str(values[0])), *values[1:]], formats=formats)
            row += 1
        if row == first:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            write_row(ws, row, ["Không có."])
            row += 1
        set_row_heights(ws, first, row - 1)
        write_signature_block(
            ws,
            row + 1,
            title="NGƯỜI LẬP",
            note="(Ký, ghi rõ họ tên)",
            name=report.settings.get("secretary_name", ""),
            ncols=ncols,
        )
        setup_print(ws, landscape=True, repeat_rows=f"{head}:{first - 1}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_report(db: Database, round_ref: str | int, out: Path) -> Path:
    """Write the round's reconciliation report to ``out`` (.xlsx or .pdf)."""
    suffix = out.suffix.lower()
    if suffix not in {".xlsx", ".pdf"}:
        raise ValidationError(f"Tệp «{out.name}» phải có đuôi .xlsx hoặc .pdf.")
    report = load_report(db, round_ref)
    write_document(out, report_xlsx(report) if suffix == ".xlsx" else report_pdf(report))
    return out
