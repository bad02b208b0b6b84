"""The giấy biên nhận of one dossier and the sổ tiếp nhận of a round.

- Giấy biên nhận (model: TT 18/2013/TT-BKHCN, Phụ lục II): who submitted, what was received (the paper
  checklist with copies), what is still missing, and when the result will be given. Portrait A4 with the
  NĐ 30 header, numbered "Số: 07/BN-HĐSK" from the receipt number; signed by the submitter and the receiver.
  Optionally two copies (liên) in one file.
- Sổ tiếp nhận: every dossier of a round in receipt order, landscape, as PDF and as Excel.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from ..db.database import Database
from ..domain.clocks import DECISION_MONTHS, ClockKind
from ..domain.enums import DossierStatus
from ..domain.errors import ValidationError
from ..domain.intake_rules import format_percent
from ..domain.text import one_line
from ..domain.vndate import add_months, dmy, long_date
from . import intake, letterhead
from . import settings as settings_service
from .docspec import Column, HeaderInfo
from .intake import DossierDetail, DossierRow
from .output import write_document
from .pdf import (
    Run,
    Signer,
    build_pdf,
    column_table,
    frame_size,
    frame_width,
    get_styles,
    header_block,
    para,
    signature_block,
    title_block,
    two_signatures,
)
from .rounds import find_round
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

__all__ = [
    "BOOK_COLUMNS",
    "ReceiptBook",
    "load_book",
    "receipt_book_pdf",
    "receipt_book_xlsx",
    "receipt_pdf",
    "result_due",
    "write_receipt",
    "write_receipt_book",
]


# ------------------------------------------------------------------------------------------------------
# giấy biên nhận
# ------------------------------------------------------------------------------------------------------


def result_due(d: DossierDetail) -> dt.date:
    """The date promised for the result: the one typed at intake, otherwise 3 months after acceptance
    (or after receipt while the dossier is not accepted yet)."""
    if d.result_due_on is not None:
        return d.result_due_on
    return add_months(d.accepted_on or d.received_on, DECISION_MONTHS)


def _label_line(label: str, value: str, style: ParagraphStyle, *, bold_value: bool = False) -> Flowable:
    return para([Run(f"{label}: "), Run(value or "…………………………", bold=bold_value)], style)


def _receipt_story(
    d: DossierDetail, settings: dict[str, str], *, copy_label: str = "", compact: bool = False
) -> list[Flowable]:
    """The receipt's flowables. ``compact`` (smaller type, less room to sign) keeps a long receipt on one
    page."""
    st = get_styles()
    size, leading, after = (12, 14.5, 1.5) if compact else (13, 16.5, 3)
    body = ParagraphStyle(
        "ReceiptBody", parent=st.body_left, fontSize=size, leading=leading, spaceAfter=after
    )
    small = ParagraphStyle("ReceiptNote", parent=st.note, fontSize=size - 1, leading=leading - 1.5)
    council = one_line(settings.get("council_name", "")) or "Hội đồng Sáng kiến"
    header = letterhead.header_from(settings, "suffix_receipt", d.receipt_no, d.received_on)
    story: list[Flowable] = [
        header_block(header),
        *title_block("Giấy biên nhận", "Hồ sơ đề nghị công nhận sáng kiến"),
    ]
    if copy_label:
        story.append(para(copy_label, ParagraphStyle("Copy", parent=st.subtitle, fontSize=12, spaceAfter=4)))
    story.append(para(f"{council} đã nhận hồ sơ đề nghị công nhận sáng kiến sau đây:", body))
    if len(d.authors) == 1:
        authors = d.authors[0].full_name
    else:
        authors = "; ".join(f"{a.full_name} ({format_percent(a.contribution)})" for a in d.authors)
    submitter = d.delivered_by or (d.authors[0].full_name if d.authors else "")
    if d.delivered_phone:
        submitter += f" — điện thoại: {d.delivered_phone}"
    story += [
        _label_line("1. Tên sáng kiến", d.title, body, bold_value=True),
        _label_line("2. Tác giả (nhóm tác giả)", authors, body),
        _label_line("3. Đơn vị", d.unit_name, body),
        _label_line("4. Người nộp hồ sơ", submitter, body),
        _label_line(
            "5. Mã hồ sơ", f"{d.code} (số tiếp nhận {d.receipt_no:02d}, {d.round_label.lower()})", body
        ),
        _label_line("6. Ngày nhận hồ sơ", long_date(d.received_on), body),
        para("7. Thành phần hồ sơ đã nhận:", body),
    ]
    rows = []
    for n, c in enumerate(d.checklist, start=1):
        if not c.received:
            state = "Chưa nộp" if c.required else "Không bắt buộc, chưa nộp"
        elif c.copies_required and (c.copies or 0) < c.copies_required:
            state = f"Thiếu {c.copies_required - (c.copies or 0)} bản"
        else:
            state = "Đã nhận"
        copies = "" if c.copies is None or not c.received else str(c.copies)
        rows.append([str(n), c.name, copies, state])
    if rows:
        story.append(
            column_table(
                [
                    Column("TT", 2.2, center=True),
                    Column("Thành phần hồ sơ", 21),
                    Column("Số bản", 3.6, center=True),
                    Column("Tình trạng", 7.5, center=True),
                ],
                rows,
                frame_width(),
                font_size=11 if compact else 12,
            )
        )
        story.append(Spacer(1, 4 if compact else 6))
    missing = d.missing
    if missing:
        ask = "8. Hồ sơ còn thiếu, đề nghị bổ sung: " + "; ".join(missing)
        rnd_until = _round_deadline(d)
        if rnd_until is not None and rnd_until >= d.received_on:
            ask += f" (trước ngày {dmy(rnd_until)})"
        story.append(para(ask + ".", body))
        n_due = 9
    else:
        n_due = 8
    story.append(
        para(
            f"{n_due}. Thời hạn trả kết quả: {council} xem xét và thông báo kết quả trước ngày "
            f"{dmy(result_due(d))} (không quá {DECISION_MONTHS:02d} tháng kể từ ngày hồ sơ được chấp nhận "
            "là hợp lệ).",
            body,
        )
    )
    if not d.registered:
        story.append(para("Ghi chú: sáng kiến này chưa có trong danh sách đăng ký sáng kiến của năm.", small))
    story.append(Spacer(1, 4 if compact else 8))
    story.append(
        KeepTogether(
            [
                two_signatures(
                    Signer("NGƯỜI NỘP HỒ SƠ", d.delivered_by, note="(Ký, ghi rõ họ tên)"),
                    Signer(
                        "NGƯỜI NHẬN HỒ SƠ", settings.get("secretary_name", ""), note="(Ký, ghi rõ họ tên)"
                    ),
                    sign_space=(16 if compact else 22) * mm,
                )
            ]
        )
    )
    return story


def _fits_one_page(story: list[Flowable]) -> bool:
    width, height = frame_size()
    canvas = Canvas(io.BytesIO())
    used = 0.0
    for flowable in story:
        _w, h = flowable.wrapOn(canvas, width, height)
        used += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return used <= height - 4


def _round_deadline(d: DossierDetail) -> dt.date | None:
    clock = next((c for c in d.clocks if c.kind is ClockKind.ROUND_DEADLINE), None)
    return clock.due if clock is not None else None


def receipt_pdf(db: Database, ref: int | str, *, copies: int = 1) -> bytes:
    """The giấy biên nhận of one dossier (by id or code). ``copies`` 2 prints "Liên 1"/"Liên 2" pages."""
    if not 1 <= copies <= 3:
        raise ValidationError("Số liên của giấy biên nhận phải từ 1 đến 3.")
    detail = intake.get_dossier(db, ref)
    settings = settings_service.get_all(db)
    story: list[Flowable] = []
    labels = {1: [""], 2: ["Liên 1: giao người nộp hồ sơ", "Liên 2: lưu tại Hội đồng"]}.get(
        copies, [f"Liên {n}" for n in range(1, copies + 1)]
    )
    for n, label in enumerate(labels):
        if n:
            story.append(PageBreak())
        page = _receipt_story(detail, settings, copy_label=label)
        if not _fits_one_page(page):
            page = _receipt_story(detail, settings, copy_label=label, compact=True)
        story += page
    return build_pdf(
        story,
        title=f"Giấy biên nhận hồ sơ {detail.code}",
        author=settings.get("council_name", ""),
        subject=detail.title,
    )


def write_receipt(db: Database, ref: int | str, out: Path, *, copies: int = 1) -> Path:
    _check_suffix(out, {".pdf"})
    data = receipt_pdf(db, ref, copies=copies)
    write_document(out, data)
    return out


# ------------------------------------------------------------------------------------------------------
# sổ tiếp nhận
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptBook:
    round_id: int
    round_label: str
    year: int
    receive_until: dt.date | None
    rows: tuple[DossierRow, ...]
    settings: dict[str, str]
    printed_on: dt.date

    @property
    def title(self) -> str:
        return "SỔ TIẾP NHẬN HỒ SƠ ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN"

    @property
    def subtitle(self) -> str:
        text = f"{self.round_label}"
        if self.receive_until:
            text += f" (hạn nộp hồ sơ: {dmy(self.receive_until)})"
        return text

    def header(self) -> HeaderInfo:
        return letterhead.unnumbered_header_from(self.settings, self.printed_on)

    def summary(self) -> str:
        counts = Counter(r.status for r in self.rows)
        parts = [f"{s.label}: {counts[s]}" for s in DossierStatus if counts[s]]
        unregistered = sum(1 for r in self.rows if not r.registered)
        text = f"Tổng số: {len(self.rows)} hồ sơ"
        if parts:
            text += " (" + "; ".join(parts) + ")"
        if unregistered:
            text += f"; {unregistered} hồ sơ chưa đăng ký"
        return text + "."


BOOK_COLUMNS: tuple[Column, ...] = (
    Column("Số TN", 2.4, center=True),
    Column("Ngày nhận", 4.9, center=True),
    Column("Đơn vị", 7),
    Column("Tên sáng kiến", 15),
    Column("Tác giả (tỷ lệ đóng góp)", 9),
    Column("Người nộp", 5.6),
    Column("Thành phần hồ sơ", 6.6),
    Column("Tình trạng", 6),
    Column("Ghi chú", 6),
)
_XLSX_WIDTHS = (7, 11, 20, 38, 26, 16, 22, 16, 20)


def _book_cells(r: DossierRow) -> list[str]:
    papers = "Đủ" if not r.missing else "Thiếu: " + "; ".join(r.missing)
    status = r.status.label
    if r.status in (DossierStatus.INVALID, DossierStatus.WITHDRAWN) and r.status_note:
        status += f": {r.status_note}"
    elif r.status is DossierStatus.INCOMPLETE and r.supplement_requested_on:
        status += f" (đề nghị ngày {dmy(r.supplement_requested_on)})"
    notes = []
    if not r.registered:
        notes.append("Chưa đăng ký")
    first = r.clock(ClockKind.FIRST_APPLICATION)
    if first.needs_attention:
        notes.append("Quá 1 năm từ ngày áp dụng lần đầu")
    late = r.clock(ClockKind.ROUND_DEADLINE)
    if late.needs_attention:
        notes.append(f"Nhận sau hạn {-(late.days_left or 0)} ngày")
    return [
        f"{r.receipt_no:02d}",
        dmy(r.received_on),
        r.unit_name,
        r.title,
        r.authors_with_shares,
        r.delivered_by,
        papers,
        status,
        "; ".join(notes),
    ]


def load_book(db: Database, round_ref: str | int, *, printed_on: dt.date | None = None) -> ReceiptBook:
    with db.reading() as session:
        rnd = find_round(session, round_ref)
        rows = intake.dossier_rows(session, rnd.id)
        settings = settings_service.load(session)
        return ReceiptBook(
            rnd.id,
            rnd.label,
            rnd.year,
            rnd.receive_until,
            tuple(rows),
            settings,
            printed_on or intake.today(),
        )


def receipt_book_pdf(book: ReceiptBook) -> bytes:
    st = get_styles()
    story: list[Flowable] = [
        header_block(book.header()),
        para(book.title, st.doc_type),
        para(book.subtitle, st.subtitle),
        Spacer(1, 8),
    ]
    if book.rows:
        story.append(
            column_table(BOOK_COLUMNS, [_book_cells(r) for r in book.rows], frame_width(True), font_size=11)
        )
    else:
        story.append(para("Đợt này chưa nhận hồ sơ nào.", st.body_center))
    story += [
        Spacer(1, 6),
        para(book.summary(), st.body_left),
        CondPageBreak(60 * 2.8346),
        Spacer(1, 8),
        signature_block(
            "",
            "NGƯỜI LẬP SỔ",
            book.settings.get("secretary_name", ""),
            note="(Ký, ghi rõ họ tên)",
        ),
    ]
    return build_pdf(
        story,
        title=f"Sổ tiếp nhận hồ sơ — {book.round_label}",
        author=book.settings.get("council_name", ""),
        landscape=True,
    )


def receipt_book_xlsx(book: ReceiptBook) -> bytes:
    wb, ws = new_workbook("Sổ tiếp nhận")
    ncols = len(BOOK_COLUMNS)
    set_column_widths(ws, fit_widths(_XLSX_WIDTHS))
    row = write_title_block(ws, book.header(), book.title, book.subtitle, ncols)
    head = row
    row = write_table_header(ws, row, list(BOOK_COLUMNS))
    first = row
    f = DEFAULT_FORMATS
    formats = [f.integer, f.date, f.text, f.text, f.text, f.text, f.text, f.text, f.text]
    for r in book.rows:
        cells = _book_cells(r)
        values: list[object] = [r.receipt_no, r.received_on, *cells[2:]]
        write_row(ws, row, values, formats=formats)  # type: ignore[arg-type]
        row += 1
    if row > first:
        set_row_heights(ws, first, row - 1)
    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    write_row(ws, row, [book.summary()])
    set_row_heights(ws, row, row)
    row = write_signature_block(
        ws,
        row + 2,
        title="NGƯỜI LẬP SỔ",
        note="(Ký, ghi rõ họ tên)",
        name=book.settings.get("secretary_name", ""),
        ncols=ncols,
    )
    setup_print(ws, landscape=True, repeat_rows=f"{head}:{first - 1}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _check_suffix(out: Path, allowed: set[str]) -> None:
    if out.suffix.lower() not in allowed:
        wanted = " hoặc ".join(sorted(allowed))
        raise ValidationError(f"Tệp «{out.name}» phải có đuôi {wanted}.")


def write_receipt_book(db: Database, round_ref: str | int, out: Path) -> Path:
    """Write the round's receipt book to ``out`` (.pdf or .xlsx)."""
    _check_suffix(out, {".pdf", ".xlsx"})
    book = load_book(db, round_ref)
    data = receipt_book_pdf(book) if out.suffix.lower() == ".pdf" else receipt_book_xlsx(book)
    write_document(out, data)
    return out
