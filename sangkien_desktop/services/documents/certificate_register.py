"""The certificate register (sổ cấp giấy chứng nhận): one certificate per author of each recognized
initiative, numbered per year.

Numbers come from ``NumberSeries(year, "GCN")`` inside one transaction (the series row is locked on
PostgreSQL), so a number is handed out once and never again, even if its certificate is later voided.
:func:`allocate` brings the register in line with the round's grading: it numbers the authors of
recognized initiatives that have no certificate yet (in the order of the attached list), voids the
certificates of initiatives no longer recognized (keeping their numbers out of use), and restores a voided
certificate when its initiative is recognized again.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db.database import Database
from ...models import Certificate, Dossier, NumberSeries
from ...models.base import now
from .. import audit, guards, recognized
from ..docspec import Column
from .common import header
from .round_data import CertificateInfo, RoundData, certificate_info, load_round

__all__ = ["AllocationPlan", "AllocationReport", "allocate", "allocate_round", "next_number", "plan"]

SERIES = "GCN"


@dataclass(frozen=True)
class AllocationPlan:
    """What :func:`allocate` would do: (dossier id, person id) pairs to number, certificates to void
    or to restore."""

    to_number: tuple[tuple[int, int], ...]
    to_void: tuple[int, ...]
    to_restore: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not (self.to_number or self.to_void or self.to_restore)


@dataclass(frozen=True)
class AllocationReport:
    numbered: tuple[CertificateInfo, ...]
    voided: int
    restored: int

    def summary(self) -> str:
        if not self.numbered and not self.voided and not self.restored:
            return "Sổ giấy chứng nhận đã đầy đủ, không cần cấp thêm số."
        parts = []
        if self.numbered:
            first, last = self.numbered[0].number_text, self.numbered[-1].number_text
            parts.append(f"đã cấp {len(self.numbered)} số mới (từ {first} đến {last})")
        if self.restored:
            parts.append(f"khôi phục {self.restored} giấy đã hủy trước đó")
        if self.voided:
            parts.append(f"hủy {self.voided} giấy của hồ sơ không còn được công nhận")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."


def plan(data: RoundData, all_certificates: dict[tuple[int, int], CertificateInfo]) -> AllocationPlan:
    wanted: list[tuple[int, int]] = [(d.id, a.person_id) for d in data.recognized() for a in d.authors]
    wanted_set = set(wanted)
    to_number = tuple(pair for pair in wanted if pair not in all_certificates)
    to_restore = tuple(c.id for pair, c in all_certificates.items() if pair in wanted_set and c.voided)
    to_void = tuple(c.id for pair, c in all_certificates.items() if pair not in wanted_set and not c.voided)
    return AllocationPlan(to_number, to_void, to_restore)


def next_number(session: Session, year: int) -> int:
    """The next free register number of ``year`` (the series is advanced by the caller's writes)."""
    series = session.scalar(
        select(NumberSeries).where(NumberSeries.year == year, NumberSeries.kind == SERIES).with_for_update()
    )
    used = session.scalar(select(func.max(Certificate.register_no)).where(Certificate.year == year)) or 0
    last = max(
        series.last_number if series is not None else 0, used, recognized.max_register_number(session, year)
    )
    return last + 1


def _take_number(session: Session, year: int) -> int:
    series = session.scalar(
        select(NumberSeries).where(NumberSeries.year == year, NumberSeries.kind == SERIES).with_for_update()
    )
    if series is None:
        used = session.scalar(select(func.max(Certificate.register_no)).where(Certificate.year == year)) or 0
        series = NumberSeries(year=year, kind=SERIES, last_number=used)
        session.add(series)
    # numbers that earlier years' imported lists used are never handed out again
    series.last_number = max(series.last_number, recognized.max_register_number(session, year)) + 1
    return series.last_number


def allocate(session: Session, round_id: int) -> AllocationReport:
    """Bring the register in line with the round's grading, in the caller's transaction (see module doc).

    Raises ``RoundLockedError`` for a finalized round (its certificates are read-only).
    """
    data = load_round(session, round_id)
    the_plan = plan(data, data.certificates)
    if the_plan.empty:
        return AllocationReport((), 0, 0)
    rnd = guards.editable_round(session, round_id, "giấy chứng nhận")
    numbered: list[CertificateInfo] = []
    stamp = now()
    for cert_id in the_plan.to_void:
        cert = session.get(Certificate, cert_id)
        assert cert is not None
        cert.voided_at = stamp
        cert.void_reason = "Hồ sơ không còn được công nhận hoặc người này không còn là tác giả"
        audit.record(
            session,
            "void",
            "certificate",
            cert.id,
            f"Hủy giấy chứng nhận số {cert.register_no:03d}/{cert.year} ({rnd.label})",
            {"voided_at": None},
            {"voided_at": stamp, "reason": cert.void_reason},
        )
    for cert_id in the_plan.to_restore:
        cert = session.get(Certificate, cert_id)
        assert cert is not None
        cert.voided_at = None
        cert.void_reason = ""
        audit.record(
            session,
            "restore",
            "certificate",
            cert.id,
            f"Khôi phục giấy chứng nhận số {cert.register_no:03d}/{cert.year} ({rnd.label})",
        )
    for dossier_id, person_id in the_plan.to_number:
        number = _take_number(session, data.year)
        cert = Certificate(
            year=data.year,
            register_no=number,
            dossier_id=dossier_id,
            person_id=person_id,
            issued_on=data.certificate_date,
        )
        session.add(cert)
        session.flush()
        numbered.append(certificate_info(cert))
        dossier = session.get(Dossier, dossier_id)
        audit.record(
            session,
            "create",
            "certificate",
            cert.id,
            f"Cấp số giấy chứng nhận {number:03d}/{data.year}: hồ sơ {dossier.code if dossier else dossier_id}",
            new={"year": data.year, "register_no": number, "dossier_id": dossier_id, "person_id": person_id},
        )
    session.flush()
    return AllocationReport(tuple(numbered), len(the_plan.to_void), len(the_plan.to_restore))


def allocate_round(db: Database, round_id: int) -> AllocationReport:
    """:func:`allocate` in its own transaction."""
    with db.session() as session:
        return allocate(session, round_id)


def pending(db: Database, round_id: int) -> AllocationPlan:
    """What allocating would change now (for a confirmation before printing)."""
    with db.reading() as session:
        data = load_round(session, round_id)
        return plan(data, data.certificates)


# the register as a document ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterRow:
    number: str
    issued_on: dt.date | None
    name: str
    unit: str
    title: str
    round_label: str
    grade: str
    decision: str
    note: str


def register_rows(session: Session, year: int) -> list[RegisterRow]:
    """Every certificate of ``year`` in register order, voided ones included (with their reason), and the
    numbers of earlier years' decision lists imported (marked so)."""
    from .decision import decision_citation  # the renderers' modules only when rows are listed

    rows = [(n, RegisterRow(**fields)) for n, fields in recognized.register_entries(session, year)]
    cache: dict[int, RoundData] = {}
    certs = session.scalars(
        select(Certificate).where(Certificate.year == year).order_by(Certificate.register_no)
    ).all()
    for cert in certs:
        dossier = session.get(Dossier, cert.dossier_id)
        assert dossier is not None
        data = cache.get(dossier.round_id)
        if data is None:
            data = cache[dossier.round_id] = load_round(session, dossier.round_id)
        d = data.dossier(dossier.id)
        author = next((a for a in d.authors if a.person_id == cert.person_id), None)
        grade = data.grades.get(d.id)
        rows.append(
            (
                cert.register_no,
                RegisterRow(
                    number=f"{cert.register_no:03d}/{cert.year}",
                    issued_on=cert.issued_on,
                    name=author.name if author is not None else cert.person.full_name,
                    unit=(author.unit_name if author is not None else "") or d.unit_name,
                    title=d.title,
                    round_label=data.label,
                    grade=data.grade_label(grade.grade) if grade is not None else "",
                    decision=decision_citation(data).removeprefix("Quyết định số "),
                    note=f"Đã hủy: {cert.void_reason}" if cert.voided_at is not None else "",
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    return [row for _, row in rows]


REGISTER_COLUMNS = (
    ("Số vào sổ", 11),
    ("Ngày cấp", 11),
    ("Họ và tên", 22),
    ("Đơn vị công tác", 24),
    ("Tên sáng kiến", 44),
    ("Đợt", 14),
    ("Xếp loại", 11),
    ("Quyết định công nhận", 22),
    ("Ghi chú", 18),
)


def register_xlsx(rows: list[RegisterRow], settings: dict[str, str], year: int) -> bytes:
    from ..xlsx import (
        fit_widths,
        new_workbook,
        set_column_widths,
        set_row_heights,
        setup_print,
        write_row,
        write_table_header,
        write_title_block,
    )
    from ..xlsx.layout import table_formats

    widths = [w for _, w in REGISTER_COLUMNS]
    wb, ws = new_workbook(f"Sổ GCN {year}")
    set_column_widths(ws, fit_widths(widths, font_size=11))
    info = header(settings, None, year=year)
    row = write_title_block(ws, info, f"SỔ CẤP GIẤY CHỨNG NHẬN SÁNG KIẾN NĂM {year}", None, len(widths))
    top = row
    row = write_table_header(ws, row, [Column(t) for t, _ in REGISTER_COLUMNS], font_size=11)
    start = row
    f = table_formats(11)
    for r in rows:
        write_row(
            ws,
            row,
            [
                r.number,
                r.issued_on,
                r.name,
                r.unit,
                r.title,
                r.round_label,
                r.grade or None,
                r.decision,
                r.note or None,
            ],
            formats=[f.center, f.date, f.text, f.text, f.text, f.text, f.center, f.text, f.text],
        )
        row += 1
    if rows:
        set_row_heights(ws, start, row - 1)
    setup_print(ws, landscape=True, repeat_rows=f"{top}:{start - 1}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def register_pdf(rows: list[RegisterRow], settings: dict[str, str], year: int) -> bytes:
    from ..pdf import build_pdf, column_table, frame_width, header_block, title_block

    info = header(settings, None, year=year)
    columns = [
        Column("Số vào sổ", 5.5, center=True),
        Column("Ngày cấp", 5.5, center=True),
        Column("Họ và tên", 10),
        Column("Đơn vị công tác", 11),
        Column("Tên sáng kiến", 20),
        Column("Xếp loại", 5, center=True),
        Column("Quyết định công nhận", 9),
        Column("Ghi chú", 7),
    ]
    body = [
        [
            r.number,
            r.issued_on.strftime("%d/%m/%Y") if r.issued_on else "",
            r.name,
            r.unit,
            r.title,
            r.grade,
            r.decision,
            r.note,
        ]
        for r in rows
    ] or [["", "", "Chưa cấp giấy chứng nhận nào trong năm này.", "", "", "", "", ""]]
    story = [
        header_block(info),
        *title_block(f"Sổ cấp giấy chứng nhận sáng kiến năm {year}"),
        column_table(columns, body, frame_width(landscape=True), font_size=10.5),
    ]
    return build_pdf(story, title=f"Sổ cấp giấy chứng nhận sáng kiến năm {year}", landscape=True)
