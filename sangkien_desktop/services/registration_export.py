"""The merged registration table "TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM ÁP DỤNG TẠI ĐƠN VỊ NĂM …" as a
PDF (A4 landscape) and as an .xlsx in the same layout, for one unit or for all.

* One unit: the unit's own table as the form has it. The header block names the unit (left) under the
  quốc hiệu/tiêu ngữ (right) with "Số:      /" and the date left blank to be filled by hand; the table
  is signed "THỦ TRƯỞNG ĐƠN VỊ (Ký, ghi rõ họ tên)", as on the form.
* All units (the table the secretary merges and publishes): the council's header block from the
  settings (cơ quan chủ quản, cơ quan ban hành, địa danh); the Đơn vị column names the registering unit;
  it is signed by the council's secretary, who compiled it (left), and the chair (TM. HỘI ĐỒNG / CHỦ TỊCH,
  right), from the settings.

With no registration yet, the form comes out blank with numbered rows, ready to send to units.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable, Spacer

from ..db.database import Database
from ..domain import registration_form as form
from ..domain.text import fold_key, upper_vn
from . import letterhead
from . import settings as settings_service
from .docspec import Column, HeaderInfo
from .output import write_document
from .pdf import (
    Signer,
    build_pdf,
    closing_block,
    column_table,
    frame_width,
    get_styles,
    header_block,
    para,
    two_signatures,
)
from .registrations import RegistrationRow, find_unit_in, query_rows

SHEET_TITLE = "Tổng hợp đăng ký"
XLSX_WIDTHS = (5.0, 20.0, 22.0, 24.0, 28.0, 26.0, 16.0, 20.0, 16.0)  # Excel characters, sums to ~177
BLANK_ROWS = ("1", "2", "…")
FONT_SIZE = 11  # a nine-column landscape table


@dataclass(frozen=True)
class TableDocument:
    """Everything both writers print."""

    year: int
    unit_name: str | None  # None for the merged table of all units
    header: HeaderInfo
    title: str
    subtitle: str | None
    columns: list[Column]
    rows: list[list[str]]
    count: int
    signers: list[Signer]  # one (right) or two (left, right)


def columns(year: int) -> list[Column]:
    return [
        Column(
            form.column_title(c.field, year),
            c.width,
            group=form.GROUP_TITLE if c.field in form.GROUP_FIELDS else None,
            center=c.field == form.SEQ,
        )
        for c in form.COLUMNS
    ]


def _unit_cell(row: RegistrationRow, merged: bool) -> str:
    applied = row.applied_unit.strip()
    if not merged:
        return applied or row.unit_name
    if not applied or fold_key(applied) in fold_key(row.unit_name):
        return row.unit_name
    return f"{row.unit_name}\n({applied})"


def table_rows(rows: list[RegistrationRow], merged: bool) -> list[list[str]]:
    out = []
    for n, r in enumerate(rows, start=1):
        out.append(
            [
                str(n),
                _unit_cell(r, merged),
                r.problem,
                r.title,
                r.content,
                r.effect,
                r.scope,
                r.authors_text,
                r.department,
            ]
        )
    return out


def collect(db: Database, year: int, unit_id: int | None = None) -> TableDocument:
    with db.reading() as session:
        settings = settings_service.load(session)
        rows = query_rows(session, year=year, unit_id=unit_id)
        unit_name = find_unit_in(session, str(unit_id)).name if unit_id is not None else None
    merged = unit_id is None
    body = table_rows(rows, merged)
    if not body:
        body = [[n] + [""] * (len(form.COLUMNS) - 1) for n in BLANK_ROWS]
    if merged:
        header = HeaderInfo.from_settings(settings, suffix="", number=None, date=None, year=year)
        units = len({r.unit_id for r in rows})
        subtitle = f"(Gồm {len(rows)} sáng kiến của {units} đơn vị)" if rows else None
        signers = [
            letterhead.signer_from(settings, "secretary", note="(Người tổng hợp)"),
            letterhead.signer_from(settings, "chair"),
        ]
    else:
        header = HeaderInfo(
            parent_body="",
            issuing_body=unit_name or "",
            number=None,
            suffix="",
            place=settings.get("place_name", ""),
            date=None,
            year=year,
        )
        subtitle = None
        signers = [Signer(title=form.UNIT_SIGNER_TITLE, note=form.UNIT_SIGNER_NOTE)]
    return TableDocument(
        year=year,
        unit_name=unit_name,
        header=header,
        title=form.form_title(year),
        subtitle=subtitle,
        columns=columns(year),
        rows=body,
        count=len(rows),
        signers=signers,
    )


# ----------------------------------------------------------------------------------------------------
# PDF


def _story(doc: TableDocument) -> list[Flowable]:
    st = get_styles()
    story: list[Flowable] = [header_block(doc.header), para(upper_vn(doc.title), st.doc_type)]
    if doc.subtitle:
        story.append(para(doc.subtitle, st.subtitle))
    story.append(Spacer(1, 8))
    story.append(column_table(doc.columns, doc.rows, frame_width(landscape=True), font_size=FONT_SIZE))
    if len(doc.signers) == 2:
        closing: Flowable = two_signatures(doc.signers[0], doc.signers[1])
    else:
        closing = closing_block(doc.signers[0])
    return [*story, Spacer(1, 10), closing]


def pdf_bytes(doc: TableDocument) -> bytes:
    """The PDF. The signature never sits alone on the last page: the last rows of the table go over
    with it (the page flow of :mod:`.pdf.flow`)."""
    what = doc.unit_name or "các đơn vị"
    title = f"Tổng hợp đăng ký sáng kiến năm {doc.year} — {what}"
    return build_pdf(_story(doc), title=title, subject=doc.title, landscape=True)


def build_pdf_bytes(db: Database, year: int, unit_id: int | None = None) -> bytes:
    return pdf_bytes(collect(db, year, unit_id))


def write_pdf(db: Database, year: int, path: Path, unit_id: int | None = None) -> int:
    """Write the PDF; return the number of registrations in it."""
    doc = collect(db, year, unit_id)
    data = pdf_bytes(doc)
    write_document(path, data, make_folder=True)
    return doc.count


# ----------------------------------------------------------------------------------------------------
# Excel


def xlsx_bytes(doc: TableDocument) -> bytes:
    from .xlsx import (
        DEFAULT_FORMATS,
        fit_widths,
        new_workbook,
        set_column_widths,
        set_row_heights,
        setup_print,
        table_formats,
        write_row,
        write_signature_block,
        write_table_header,
        write_title_block,
    )

    wb, ws = new_workbook(SHEET_TITLE)
    ncols = len(doc.columns)
    set_column_widths(ws, fit_widths(XLSX_WIDTHS, font_size=FONT_SIZE))
    row = write_title_block(ws, doc.header, upper_vn(doc.title), doc.subtitle, ncols)
    head_top = row
    row = write_table_header(ws, row, doc.columns, font_size=FONT_SIZE)
    first = row
    fmt = table_formats(FONT_SIZE) if FONT_SIZE != 12 else DEFAULT_FORMATS
    for values in doc.rows:
        seq: int | str = int(values[0]) if values[0].isdigit() else values[0]
        write_row(ws, row, [seq, *values[1:]], formats=[fmt.center, *[fmt.text] * (ncols - 1)])
        row += 1
    set_row_heights(ws, first, row - 1)
    row += 1
    if len(doc.signers) == 2:
        left, right = doc.signers
        split = 3  # TT, Đơn vị, Tồn tại on the left
        end_left = write_signature_block(
            ws, row, title=left.title, authority=left.authority, name=left.name, note=left.note,
            ncols=split, first_col=1,
        )  # fmt: skip
        end_right = write_signature_block(
            ws, row, title=right.title, authority=right.authority, name=right.name, note=right.note,
            ncols=ncols,
        )  # fmt: skip
        row = max(end_left, end_right)
    else:
        s = doc.signers[0]
        row = write_signature_block(ws, row, title=s.title, authority=s.authority, note=s.note, ncols=ncols)
    setup_print(ws, landscape=True, repeat_rows=f"{head_top}:{first - 1}")
    ws.print_area = f"A1:{ws.cell(row=max(row - 1, first), column=ncols).coordinate}"
    wb.properties.title = f"Tổng hợp đăng ký sáng kiến năm {doc.year}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_xlsx_bytes(db: Database, year: int, unit_id: int | None = None) -> bytes:
    return xlsx_bytes(collect(db, year, unit_id))


def write_xlsx(db: Database, year: int, path: Path, unit_id: int | None = None) -> int:
    doc = collect(db, year, unit_id)
    write_document(path, xlsx_bytes(doc), make_folder=True)
    return doc.count


def describe(doc: TableDocument) -> str:
    what = f"đơn vị {doc.unit_name}" if doc.unit_name else "tất cả đơn vị"
    return f"Bảng tổng hợp đăng ký năm {doc.year} của {what}: {doc.count} sáng kiến"


__all__ = [
    "TableDocument",
    "build_pdf_bytes",
    "build_xlsx_bytes",
    "collect",
    "columns",
    "describe",
    "pdf_bytes",
    "write_pdf",
    "write_xlsx",
    "xlsx_bytes",
]
