"""Year-end report figures (báo cáo tổng kết): dossiers received, valid and recognized per round, per unit
type, per unit and per field; recognized initiatives and rewards per grade; and each person's recognized
initiatives across years (for emulation titles such as Chiến sĩ thi đua).

The same :class:`YearFigures` feed the charts of the In ấn & Xuất page, the Excel workbook and the PDF.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.platypus import Flowable, Spacer

from ...domain.money import format_money
from ...domain.text import sort_key
from ..docspec import Column
from ..pdf import (
    Signer,
    build_pdf,
    closing_block,
    column_table,
    frame_width,
    get_styles,
    header_block,
    para,
    title_block,
    two_signatures,
)
from ..xlsx import (
    fit_widths,
    new_workbook,
    set_column_widths,
    set_row_heights,
    set_text,
    setup_print,
    write_row,
    write_signature_block,
    write_table_header,
    write_title_block,
)
from ..xlsx.layout import table_formats
from .common import chair_signer, council_title, filing_line, header, money_text
from .round_data import DossierInfo, RoundData
from .year_data import PersonRecord, YearData
from .year_history import history_flowables, history_sheet

__all__ = [
    "CountRow",
    "GradeRow",
    "YearFigures",
    "person_history_pdf",
    "person_history_xlsx",
    "year_figures",
    "year_report_pdf",
    "year_report_xlsx",
]


@dataclass
class CountRow:
    label: str
    received: int = 0
    valid: int = 0
    recognized: int = 0
    reward: int = 0
    grades: Counter[str] = field(default_factory=Counter)
    pending: int = 0  # valid dossiers of rounds not graded yet: neither recognized nor refused
    graded: bool = True  # False for the row of a round not graded yet

    @property
    def decided(self) -> int:
        """Valid dossiers whose round was graded: the base of the recognition rate."""
        return self.valid - self.pending

    @property
    def rate(self) -> float:
        """Recognized as a share of the valid dossiers already graded (0 … 100)."""
        return 100.0 * self.recognized / self.decided if self.decided else 0.0

    @property
    def recognized_value(self) -> int | None:
        """What the "recognized" column shows: nothing for a round not graded yet (not a 0)."""
        return self.recognized if self.graded else None


@dataclass(frozen=True)
class GradeRow:
    code: str
    label: str
    initiatives: int
    authors: int
    reward: int


@dataclass
class YearFigures:
    year: int
    council: str
    grade_codes: list[tuple[str, str]]  # (code, label) in grade order, recognized grades only
    rounds: list[CountRow]
    unit_types: list[CountRow]
    units: list[CountRow]
    fields: list[CountRow]
    grades: list[GradeRow]
    total: CountRow
    ungraded: list[str] = field(default_factory=list)  # labels of the rounds not graded yet

    def ungraded_note(self) -> str:
        """ "Đợt 2 năm 2026 chưa xếp loại: …" ("" when every round is graded)."""
        if not self.ungraded:
            return ""
        names = ", ".join(self.ungraded)
        verb = "chưa xếp loại" if len(self.ungraded) == 1 else "đều chưa xếp loại"
        return (
            f"{names} {verb}: hồ sơ của đợt được tính vào số nhận và số hợp lệ, chưa tính vào số được công "
            "nhận và tỷ lệ công nhận."
        )


def _add(row: CountRow, data: RoundData, d: DossierInfo) -> None:
    row.received += 1
    g = data.grades.get(d.id)
    if d.considered or g is not None:
        row.valid += 1
        if not data.graded:
            row.pending += 1
    if g is not None and g.recognized:
        row.recognized += 1
        row.reward += g.reward
        row.grades[g.grade] += 1


def year_figures(year: YearData) -> YearFigures:
    codes: list[tuple[str, str]] = []
    seen: set[str] = set()
    for data in year.rounds:
        for b in data.bands:
            if b.code not in seen:
                codes.append((b.code, b.label or f"Loại {b.code}"))
                seen.add(b.code)
    extra_labels: dict[str, str] = {}
    for data in year.rounds:
        for g in data.grades.values():
            if g.recognized and g.grade not in seen:
                extra_labels[g.grade] = data.grade_label(g.grade)
    codes += sorted(extra_labels.items(), key=lambda kv: kv[0] != "CN")
    total = CountRow("Cả năm")
    rounds: list[CountRow] = []
    by_type: dict[str, CountRow] = {}
    by_unit: dict[str, CountRow] = {}
    by_field: dict[str, CountRow] = {}
    grade_dossiers: Counter[str] = Counter()
    grade_authors: Counter[str] = Counter()
    grade_reward: Counter[str] = Counter()
    for data in year.rounds:
        row = CountRow(data.label if data.graded else f"{data.label} (chưa xếp loại)", graded=data.graded)
        for d in data.dossiers:
            _add(row, data, d)
            _add(total, data, d)
            _add(by_type.setdefault(d.unit_type or "Khác", CountRow(d.unit_type or "Khác")), data, d)
            _add(by_unit.setdefault(d.unit_name, CountRow(d.unit_name)), data, d)
            label = d.field or "(chưa ghi lĩnh vực)"
            _add(by_field.setdefault(label, CountRow(label)), data, d)
            got = data.grades.get(d.id)
            if got is not None and got.recognized:
                grade_dossiers[got.grade] += 1
                grade_authors[got.grade] += len(d.authors)
                grade_reward[got.grade] += got.reward
        rounds.append(row)

    def ordered(rows: dict[str, CountRow]) -> list[CountRow]:
        return sorted(rows.values(), key=lambda r: (-r.received, sort_key(r.label)))

    settings = year.settings
    return YearFigures(
        year=year.year,
        council=council_title(settings),
        grade_codes=codes,
        rounds=rounds,
        unit_types=ordered(by_type),
        units=ordered(by_unit),
        fields=ordered(by_field),
        grades=[
            GradeRow(code, label, grade_dossiers[code], grade_authors[code], grade_reward[code])
            for code, label in codes
        ],
        total=total,
        ungraded=[data.label for data in year.rounds if not data.graded],
    )


# Excel ----------------------------------------------------------------------------------------------
def _count_columns(fig: YearFigures, first: str) -> list[Column]:
    return [
        Column("TT"),
        Column(first),
        Column("Hồ sơ nhận"),
        Column("Hồ sơ hợp lệ"),
        Column("Được công nhận"),
        Column("Tỷ lệ công nhận (%)"),
        *[Column(label, group="Trong đó") for _, label in fig.grade_codes],
        Column("Tiền thưởng (đồng)"),
    ]


def _count_values(fig: YearFigures, n: int | None, r: CountRow) -> list[object]:
    return [
        n,
        r.label,
        r.received,
        r.valid,
        r.recognized_value,
        round(r.rate, 1) if r.decided and r.graded else None,
        *[r.grades.get(code, 0) if r.graded else None for code, _ in fig.grade_codes],
        r.reward if r.graded else None,
    ]


def _sheet_header(
    ws: Worksheet,
    fig: YearFigures,
    settings: dict[str, str],
    title: str,
    widths: Sequence[float],
    *,
    landscape: bool = True,
) -> int:
    set_column_widths(ws, fit_widths(widths, landscape=landscape, font_size=11))
    info = header(settings, None, year=fig.year)
    return write_title_block(ws, info, title, f"Năm {fig.year} — {fig.council}", len(widths))


def _count_sheet(
    ws: Worksheet,
    fig: YearFigures,
    settings: dict[str, str],
    title: str,
    first: str,
    rows: Sequence[CountRow],
    with_total: bool = True,
    note: str = "",
) -> None:
    ncodes = len(fig.grade_codes)
    widths = [5, 40, 11, 11, 12, 12, *[9] * ncodes, 15]
    row = _sheet_header(ws, fig, settings, title, widths)
    top = row
    row = write_table_header(ws, row, _count_columns(fig, first), font_size=11)
    start = row
    f = table_formats(11)
    fmts = [f.integer, f.text, f.integer, f.integer, f.integer, f.score, *[f.integer] * ncodes, f.money]
    for n, r in enumerate(rows, start=1):
        write_row(ws, row, _count_values(fig, n, r), formats=fmts)  # type: ignore[arg-type]
        ws.cell(row=row, column=6).number_format = "0.0"
        row += 1
    if with_total:
        write_row(ws, row, _count_values(fig, None, _sum(rows, "Tổng cộng")), formats=fmts)  # type: ignore[arg-type]
        ws.cell(row=row, column=6).number_format = "0.0"
        _bold_row(ws, row, len(fmts))
        row += 1
    if note:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(fmts))
        set_text(ws.cell(row=row, column=1), note)
        ws.cell(row=row, column=1).font = Font(name="Times New Roman", size=11, italic=True)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    set_row_heights(ws, start, row - 1)
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{start - 1}")


def _bold_row(ws: Worksheet, row: int, ncols: int) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(name=cell.font.name, size=cell.font.sz, bold=True)


def _sum(rows: Sequence[CountRow], label: str) -> CountRow:
    total = CountRow(label)
    for r in rows:
        total.received += r.received
        total.valid += r.valid
        total.recognized += r.recognized
        total.reward += r.reward
        total.grades.update(r.grades)
        total.pending += r.pending
    return total


def _grade_sheet(ws: Worksheet, fig: YearFigures, settings: dict[str, str]) -> None:
    widths = [5, 30, 16, 16, 18]
    row = _sheet_header(ws, fig, settings, "SÁNG KIẾN ĐƯỢC CÔNG NHẬN THEO XẾP LOẠI", widths, landscape=False)
    top = row
    row = write_table_header(
        ws,
        row,
        [
            Column("TT"),
            Column("Xếp loại"),
            Column("Số sáng kiến"),
            Column("Số lượt tác giả"),
            Column("Tiền thưởng (đồng)"),
        ],
        font_size=11,
    )
    start = row
    f = table_formats(11)
    for n, g in enumerate(fig.grades, start=1):
        write_row(
            ws,
            row,
            [n, g.label, g.initiatives, g.authors, g.reward],
            formats=[f.integer, f.text, f.integer, f.integer, f.money],
        )
        row += 1
    write_row(
        ws,
        row,
        [
            None,
            "Tổng cộng",
            sum(g.initiatives for g in fig.grades),
            sum(g.authors for g in fig.grades),
            sum(g.reward for g in fig.grades),
        ],
        formats=[f.integer, f.text, f.integer, f.integer, f.money],
    )
    _bold_row(ws, row, 5)
    set_row_heights(ws, start, row)
    setup_print(ws, landscape=False, repeat_rows=f"{top}:{start - 1}")


PERSON_COLUMNS: tuple[tuple[str, float], ...] = (
    ("TT", 5),
    ("Họ và tên", 22),
    ("Ngày sinh", 11),
    ("Đơn vị công tác", 24),
    ("Chức vụ", 16),
    ("Năm", 7),
    ("Đợt", 14),
    ("Tên sáng kiến", 40),
    ("Tỷ lệ đóng góp (%)", 10),
    ("Xếp loại", 12),
    ("Điểm bình quân", 10),
    ("Quyết định công nhận", 16),
    ("Ngày quyết định", 12),
    ("Số giấy chứng nhận", 12),
)


def _person_sheets(
    wb: Workbook,
    ws: Worksheet,
    records: Sequence[PersonRecord],
    settings: dict[str, str],
    fig_year: int,
    council: str,
) -> None:
    widths = [w for _, w in PERSON_COLUMNS]
    set_column_widths(ws, fit_widths(widths, font_size=11))
    info = header(settings, None, year=fig_year)
    years = sorted({r.year for r in records})
    span = years_text(years, fig_year)
    row = write_title_block(
        ws, info, "DANH SÁCH CÁ NHÂN CÓ SÁNG KIẾN ĐƯỢC CÔNG NHẬN", f"{span} — {council}", len(widths)
    )
    top = row
    row = write_table_header(ws, row, [Column(t) for t, _ in PERSON_COLUMNS], font_size=11)
    start = row
    f = table_formats(11)
    for n, r in enumerate(records, start=1):
        write_row(
            ws,
            row,
            [
                n,
                r.name,
                r.birth_date,
                r.unit,
                r.job_title or None,
                r.year,
                r.round_label,
                r.title,
                r.contribution,
                r.grade_label,
                r.mean,
                r.decision or None,
                r.decision_date,
                r.certificate or None,
            ],
            formats=[
                f.integer,
                f.text,
                f.date,
                f.text,
                f.text,
                f.integer,
                f.text,
                f.text,
                f.score,
                f.center,
                f.score,
                f.center,
                f.date,
                f.center,
            ],
        )
        ws.cell(row=row, column=9).number_format = "0.##"
        row += 1
    if records:
        set_row_heights(ws, start, row - 1)
        ws.auto_filter.ref = f"A{start - 1}:N{row - 1}"
    chair = chair_signer(settings)
    write_signature_block(
        ws, row + 1, title=chair.title, authority=chair.authority, name=chair.name, ncols=len(widths)
    )
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{start - 1}")

    # per person and year: how many recognized initiatives (the "n năm liên tục" check)
    pivot = wb.create_sheet("Cá nhân theo năm")
    widths2 = [5, 24, 26, *[8] * len(years), 8]
    set_column_widths(pivot, fit_widths(widths2, landscape=False, font_size=11))
    row = write_title_block(
        pivot, info, "SỐ SÁNG KIẾN ĐƯỢC CÔNG NHẬN CỦA TỪNG CÁ NHÂN THEO NĂM", span, len(widths2)
    )
    top = row
    row = write_table_header(
        pivot,
        row,
        [
            Column("TT"),
            Column("Họ và tên"),
            Column("Đơn vị công tác"),
            *[Column(str(y), group="Số sáng kiến được công nhận") for y in years],
            Column("Tổng"),
        ],
        font_size=11,
    )
    start = row
    people: dict[int, list[PersonRecord]] = defaultdict(list)
    for r in records:
        people[r.person_id].append(r)
    for n, recs in enumerate(people.values(), start=1):
        per_year = Counter(r.year for r in recs)
        write_row(
            pivot,
            row,
            [n, recs[0].name, recs[-1].unit, *[per_year.get(y) or None for y in years], len(recs)],
            formats=[f.integer, f.text, f.text, *[f.integer] * len(years), f.integer],
        )
        row += 1
    if people:
        set_row_heights(pivot, start, row - 1)
    setup_print(pivot, landscape=False, repeat_rows=f"{top}:{start - 1}")


def year_report_xlsx(year: YearData, records: Sequence[PersonRecord]) -> bytes:
    """Sheets: by round (with totals), by grade, by unit type, by field, by unit, persons, persons × years."""
    fig = year_figures(year)
    settings = dict(year.settings)
    wb, ws = new_workbook("Theo đợt")
    _count_sheet(
        ws,
        fig,
        settings,
        "SỐ LIỆU TỔNG KẾT CÔNG TÁC SÁNG KIẾN THEO ĐỢT",
        "Đợt",
        fig.rounds,
        note=fig.ungraded_note(),
    )
    _grade_sheet(wb.create_sheet("Theo xếp loại"), fig, settings)
    _count_sheet(
        wb.create_sheet("Theo loại đơn vị"),
        fig,
        settings,
        "SỐ LIỆU THEO LOẠI ĐƠN VỊ",
        "Loại đơn vị",
        fig.unit_types,
    )
    _count_sheet(
        wb.create_sheet("Theo lĩnh vực"), fig, settings, "SỐ LIỆU THEO LĨNH VỰC", "Lĩnh vực", fig.fields
    )
    _count_sheet(wb.create_sheet("Theo đơn vị"), fig, settings, "SỐ LIỆU THEO ĐƠN VỊ", "Đơn vị", fig.units)
    _person_sheets(wb, wb.create_sheet("Cá nhân"), records, settings, fig.year, fig.council)
    history_sheet(wb, year.history, settings, fig.year)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def person_history_xlsx(
    records: Sequence[PersonRecord], settings: dict[str, str], year: int, council: str
) -> bytes:
    wb, ws = new_workbook("Cá nhân")
    _person_sheets(wb, ws, records, settings, year, council)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# PDF ------------------------------------------------------------------------------------------------
def _rate(r: CountRow) -> str:
    return f"{r.rate:.1f}".replace(".", ",")


def _pdf_count_table(
    fig: YearFigures, first: str, rows: Sequence[CountRow], with_total: bool = True
) -> Flowable:
    columns = [
        Column("TT", 2.4, center=True),
        Column(first, 12),
        Column("Nhận", 3.4, numeric=True),
        Column("Hợp lệ", 3.6, numeric=True),
        Column("Công nhận", 4.2, numeric=True),
        Column("Tỷ lệ (%)", 3.6, numeric=True),
        *[
            Column(
                label.removeprefix("Loại "),
                3 if label.startswith("Loại ") else 5.2,
                numeric=True,
                group="Trong đó",
            )
            for _, label in fig.grade_codes
        ],
        Column("Tiền thưởng (đồng)", 6.5, numeric=True),
    ]

    def cells(n: str, r: CountRow) -> list[str]:
        return [
            n,
            r.label,
            str(r.received),
            str(r.valid),
            str(r.recognized) if r.graded else "",
            _rate(r) if r.decided and r.graded else "",
            *[str(r.grades.get(code, 0)) if r.graded else "" for code, _ in fig.grade_codes],
            (format_money(r.reward) if r.reward else "0") if r.graded else "",
        ]

    body = [cells(str(n), r) for n, r in enumerate(rows, start=1)]
    if with_total:
        body.append(cells("", _sum(rows, "Tổng cộng")))
    return column_table(columns, body, frame_width(), font_size=10.5)


def year_report_pdf(year: YearData, number: str = "") -> bytes:
    fig = year_figures(year)
    st = get_styles()
    settings = year.settings
    info = header(settings, "suffix_report", number=number or None, year=fig.year)
    t = fig.total
    story: list[Flowable] = [
        header_block(info),
        *title_block("Báo cáo", f"Số liệu tổng kết công tác sáng kiến năm {fig.year}"),
        para(
            f"Năm {fig.year}, {fig.council} tiếp nhận {t.received:02d} hồ sơ đề nghị công nhận sáng kiến qua "
            f"{len(fig.rounds):02d} đợt; {t.valid:02d} hồ sơ hợp lệ được đưa ra xét; {t.recognized:02d} sáng "
            f"kiến được công nhận (đạt {_rate(t)}% số hồ sơ hợp lệ đã xét"
            + (")" if not fig.ungraded else f", không kể {t.pending:02d} hồ sơ của đợt chưa xếp loại)")
            + f"; tổng số tiền thưởng {money_text(settings, t.reward)}.",
            st.body,
        ),
        para("1. Theo đợt xét", st.body_left),
        _pdf_count_table(fig, "Đợt", fig.rounds),
        *([para(fig.ungraded_note(), st.note)] if fig.ungraded else []),
        Spacer(1, 8),
        para("2. Theo xếp loại", st.body_left),
        column_table(
            [
                Column("TT", 2, center=True),
                Column("Xếp loại", 10),
                Column("Số sáng kiến", 5, numeric=True),
                Column("Số lượt tác giả", 5, numeric=True),
                Column("Tiền thưởng (đồng)", 7, numeric=True),
            ],
            [
                [str(n), g.label, str(g.initiatives), str(g.authors), format_money(g.reward)]
                for n, g in enumerate(fig.grades, start=1)
            ]
            + [
                [
                    "",
                    "Tổng cộng",
                    str(sum(g.initiatives for g in fig.grades)),
                    str(sum(g.authors for g in fig.grades)),
                    format_money(sum(g.reward for g in fig.grades)),
                ]
            ],
            frame_width(),
            font_size=11,
        ),
        Spacer(1, 8),
        para("3. Theo loại đơn vị", st.body_left),
        _pdf_count_table(fig, "Loại đơn vị", fig.unit_types),
        Spacer(1, 8),
        para("4. Theo lĩnh vực", st.body_left),
        _pdf_count_table(fig, "Lĩnh vực", fig.fields),
        Spacer(1, 8),
        *history_flowables(year.history),
        Spacer(1, 8),
        closing_block(chair_signer(settings), [filing_line(settings)]),
    ]
    return build_pdf(story, title=f"Số liệu tổng kết công tác sáng kiến năm {fig.year}")


def years_text(years: Sequence[int], default: int) -> str:
    """The years a list covers, as its subtitle says: "Năm 2026", "Các năm 2020–2026"."""
    if len(years) > 1:
        return f"Các năm {min(years)}–{max(years)}"
    return f"Năm {years[0] if years else default}"


def person_history_pdf(
    records: Sequence[PersonRecord], settings: dict[str, str], year: int, council: str
) -> bytes:
    st = get_styles()
    info = header(settings, None, year=year)
    years = sorted({r.year for r in records})
    span = years_text(years, year)
    columns = [
        Column("TT", 2.4, center=True),
        Column("Họ và tên", 9),
        Column("Đơn vị công tác", 10),
        Column("Năm", 3, center=True),
        Column("Tên sáng kiến", 20),
        Column("Tỷ lệ đóng góp", 4, numeric=True),
        Column("Xếp loại", 5, center=True),
        Column("Quyết định công nhận", 8, center=True),
        Column("Số GCN", 5, center=True),
    ]
    body: list[list[str]] = []
    for n, r in enumerate(records, start=1):
        dec = r.decision + (f"\nngày {r.decision_date:%d/%m/%Y}" if r.decision_date else "")
        body.append(
            [
                str(n),
                r.name,
                r.unit,
                str(r.year),
                r.title,
                f"{r.contribution.normalize():f}".replace(".", ",") + "%"
                if r.contribution is not None
                else "",
                r.grade_label,
                dec,
                r.certificate,
            ]
        )
    if not body:
        body = [["", "Chưa có cá nhân nào có sáng kiến được công nhận.", *[""] * 7]]
    story: list[Flowable] = [
        header_block(info),
        *title_block("Danh sách cá nhân có sáng kiến được công nhận", span),
        column_table(columns, body, frame_width(landscape=True), font_size=10.5),
        Spacer(1, 6),
        para(
            f"Tổng số: {len({r.person_id for r in records}):02d} cá nhân, {len(records):02d} lượt sáng kiến.",
            st.note,
        ),
        two_signatures(
            Signer("NGƯỜI LẬP", settings.get("secretary_name", ""), note="(Ký, ghi rõ họ tên)"),
            chair_signer(settings),
        ),
    ]
    return build_pdf(story, title=f"Cá nhân có sáng kiến được công nhận {span}", landscape=True)
