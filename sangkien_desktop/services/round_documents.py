"""The documents of a round that go into its archive when it is finalized.

Areas register a *producer*: ``producer(db, round_id) -> [(file name, bytes), ...]`` (PDFs of the summary,
minutes, decision, certificates; Excel files for the Sở …). ``services.finalize`` runs every registered
producer and writes their files, with a SHA-256 list, into the round's archive folder.

Register at import time of the area's service module::

    from . import round_documents

    def _decision_documents(db: Database, round_id: int) -> list[tuple[str, bytes]]:
        return [("quyet-dinh.pdf", render_decision(db, round_id))]

    round_documents.register("quyet-dinh", _decision_documents, "Quyết định công nhận")

Every module under ``sangkien_desktop.services`` is imported by :func:`discover` before the archive is written,
so a module that registers at import time is always found. A producer that answers with a ``SangKienError``
(nothing to print yet) is reported in the archive's ``DOC-TOI.txt``; a producer that fails otherwise is an
*error*: the archive is incomplete and finalizing fails (``services.finalize``).

This module registers the first producer itself: ``du-lieu-dot.xlsx``, the round's dossiers, scores, votes,
grades and certificates as plain tables; and, from the printing catalog (``services.documents.catalog``), every
round document in each of its formats (score sheets, score summary, minutes, tờ trình, decision, certificates)
plus the round's list for the Sở KH&CN — produced without numbering or allocating anything.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.enums import DossierStatus, Grade
from ..domain.errors import SangKienError
from ..domain.text import name_sort_key
from ..models import (
    Authorship,
    Certificate,
    CouncilMember,
    Dossier,
    GradeResult,
    Person,
    Round,
    Score,
    Unit,
    Vote,
    dossier_code,
)
from ..models.base import now

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

log = logging.getLogger(__name__)

Producer = Callable[[Database, int], list[tuple[str, bytes]]]


@dataclass(frozen=True)
class RegisteredProducer:
    name: str
    producer: Producer
    label: str


_REGISTRY: dict[str, RegisteredProducer] = {}
_discovered = False


def register(name: str, producer: Producer, label: str = "") -> Producer:
    """Add (or replace) the producer called ``name``. Returns ``producer`` (usable as a decorator helper)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ValueError(f"producer name must be lowercase ASCII with - or _: {name!r}")
    _REGISTRY[name] = RegisteredProducer(name, producer, label or name)
    return producer


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def discover() -> None:
    """Import every module under ``sangkien_desktop.services`` once, so their registrations run, and register
    the round documents of the printing catalog (``services.documents.catalog``)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    package = importlib.import_module("sangkien_desktop.services")
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(info.name)
        except Exception:  # a broken module must not stop an archive; it is logged
            log.exception("Could not import %s while looking for round document producers", info.name)
    register_catalog()


# Documents of the printing catalog that belong in a round's archive: every round document in every format,
# and the Sở KH&CN list limited to the round. Nothing is numbered or allocated while producing them.
CATALOG_YEAR_DOCUMENTS_FOR_A_ROUND = ("dost",)


def _catalog_producer(key: str, fmt: str) -> Producer:
    def produce_document(db: Database, round_id: int) -> list[tuple[str, bytes]]:
        from .documents import catalog

        spec = catalog.get(key)
        request = catalog.DocRequest(round_id=round_id, allocate=False, issue_number=False)
        result = catalog.produce(db, key, request, fmt)
        with db.reading() as session:
            rnd = session.get(Round, round_id)
            label = rnd.label if rnd is not None else str(round_id)
        return [(spec.suggested_name(label, fmt), result.data)]

    return produce_document


def register_catalog() -> None:
    try:
        from .documents import catalog
    except ImportError:  # pragma: no cover - before the documents area existed
        return
    for spec in catalog.CATALOG:
        if spec.scope != catalog.ROUND and spec.key not in CATALOG_YEAR_DOCUMENTS_FOR_A_ROUND:
            continue
        for fmt in spec.formats:
            name = f"van-ban-{spec.key}-{fmt}"
            if name not in _REGISTRY:
                register(name, _catalog_producer(spec.key, fmt), f"{spec.name} (.{fmt})")


def registered(*, discovering: bool = True) -> list[RegisteredProducer]:
    """The producers registered (after ``discover`` unless ``discovering`` is False: the documents' worker
    process imports only the modules of the producers it is given)."""
    if discovering:
        discover()
    return list(_REGISTRY.values())


@dataclass
class ProducedDocuments:
    files: list[tuple[str, bytes]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (producer label, message)
    # the failures that are errors (a document that should exist could not be made), not a message such as
    # "no certificate to print yet": an archive missing one of them is incomplete
    errors: list[tuple[str, str]] = field(default_factory=list)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(name: str) -> str:
    """A file name that stays inside the archive folder on Windows and Linux."""
    cleaned = _UNSAFE.sub("-", name).strip(" .-") or "tep"
    return cleaned[:150]


def produce(
    db: Database,
    round_id: int,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    meanwhile: Callable[[], object] | None = None,
) -> ProducedDocuments:
    """Run every registered producer for the round; file names are made safe and unique. ``progress(done,
    total, text)`` is told before each document (it may raise to stop). Where a second process can read the
    same database (``document_workers.usable``), it produces part of the documents at the same time.
    ``meanwhile`` runs first (while the second process starts)."""
    from . import document_workers
    from .documents.round_data import sharing_loads

    items = registered()
    with db.reading() as session:
        dossiers = session.scalar(select(func.count()).where(Dossier.round_id == round_id)) or 0
    with sharing_loads():  # the round's data loaded once (per process) for all its documents
        if document_workers.usable(db, items, dossiers):
            outcomes = document_workers.run(db, round_id, items, progress, meanwhile=meanwhile)
        else:
            if meanwhile is not None:
                meanwhile()
            outcomes = []
            for index, item in enumerate(items):
                if progress is not None:
                    progress(index, len(items), f"Đang lập {item.label} ({index + 1}/{len(items)})…")
                outcomes.append(run_one(db, round_id, item))
    return assemble(items, outcomes)


@dataclass(frozen=True)
class Outcome:
    """What one producer gave: its files, or the message of a failure (``error``: not a mere "nothing to
    print yet" but a document that should exist and could not be made). Sent between processes."""

    files: tuple[tuple[str, bytes], ...] = ()
    failed: bool = False
    message: str = ""
    error: bool = False


def run_one(db: Database, round_id: int, item: RegisteredProducer) -> Outcome:
    """Run one producer; its errors become an ``Outcome`` (logged)."""
    try:
        files = item.producer(db, round_id)
    except SangKienError as exc:  # e.g. "no certificate to print yet": a message for the secretary
        log.info("Round document %s not produced: %s", item.name, exc)
        return Outcome(failed=True, message=str(exc))
    except Exception as exc:
        log.exception("Round document producer %s failed", item.name)
        return Outcome(failed=True, message=f"{type(exc).__name__}: {exc}", error=True)
    return Outcome(files=tuple((name, bytes(content)) for name, content in files))


def assemble(items: list[RegisteredProducer], outcomes: list[Outcome]) -> ProducedDocuments:
    """The producers' outcomes in the registry's order, with safe and unique file names."""
    result = ProducedDocuments()
    used: set[str] = set()
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome.failed:
            result.failures.append((item.label, outcome.message))
            if outcome.error:
                result.errors.append((item.label, outcome.message))
            continue
        for name, content in outcome.files:
            fname = safe_file_name(name)
            if fname.lower() in used:
                fname = safe_file_name(f"{item.name}-{fname}")
            base, dot, ext = fname.rpartition(".")
            n = 2
            while fname.lower() in used:
                fname = f"{base}-{n}.{ext}" if dot else f"{fname}-{n}"
                n += 1
            used.add(fname.lower())
            result.files.append((fname, content))
    return result


# the built-in producer: the round's data as plain tables ---------------------------------------------------
def _grade_text(code: str) -> str:
    try:
        return Grade(code).label
    except ValueError:
        return f"Loại {code}" if code else ""


def _round_data_workbook(session: Session, rnd: Round) -> bytes:
    from .xlsx import (
        new_workbook,
        set_column_widths,
        set_row_heights,
        set_text,
        setup_print,
        table_formats,
        use_light_rows,
        write_row,
        write_table_header,
    )

    fmt = table_formats(11)
    title_font = fmt.bold.font
    wb, ws = new_workbook("Hồ sơ")
    use_light_rows(ws)  # long tables: rows without openpyxl cells, saved by workbook_bytes

    def title(sheet: Worksheet, text: str, subtitle: str) -> None:
        set_text(sheet.cell(row=1, column=1), text)
        sheet.cell(row=1, column=1).font = title_font
        set_text(sheet.cell(row=2, column=1), subtitle)

    subtitle = f"Trích xuất lúc {now().strftime('%H:%M ngày %d/%m/%Y')} — trạng thái: {rnd.status.label}"
    if rnd.decision_no:
        subtitle += f" — Quyết định số {rnd.decision_no}"
        if rnd.decision_date:
            subtitle += f" ngày {rnd.decision_date.strftime('%d/%m/%Y')}"

    dossiers = session.scalars(
        select(Dossier).where(Dossier.round_id == rnd.id).order_by(Dossier.receipt_no)
    ).all()
    ids = [d.id for d in dossiers]
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    results = {
        g.dossier_id: g for g in session.scalars(select(GradeResult).where(GradeResult.dossier_id.in_(ids)))
    }
    votes = {v.dossier_id: v for v in session.scalars(select(Vote).where(Vote.dossier_id.in_(ids)))}
    authors: dict[int, list[str]] = {}
    for a, person_name in session.execute(
        select(Authorship, Person.full_name)
        .join(Person, Person.id == Authorship.person_id)
        .where(Authorship.dossier_id.in_(ids))
        .order_by(Authorship.dossier_id, Authorship.position)
    ):
        authors.setdefault(a.dossier_id, []).append(f"{person_name} ({a.contribution.normalize():f}%)")

    # sheet 1: dossiers and results
    set_column_widths(ws, [5, 10, 11, 48, 28, 34, 14, 10, 8, 14, 13, 12])
    title(ws, f"DỮ LIỆU HỒ SƠ VÀ KẾT QUẢ — {rnd.label.upper()}", subtitle)
    head = [
        "STT",
        "Mã hồ sơ",
        "Ngày nhận",
        "Tên sáng kiến",
        "Đơn vị",
        "Tác giả (tỷ lệ đóng góp)",
        "Tình trạng hồ sơ",
        "Điểm bình quân",
        "Xếp hạng",
        "Xếp loại",
        "Tiền thưởng (đồng)",
        "Biểu quyết (tán thành/tổng số thành viên)",
    ]
    row = write_table_header(ws, 4, [head])
    first = row
    for n, d in enumerate(dossiers, start=1):
        g = results.get(d.id)
        v = votes.get(d.id)
        write_row(
            ws,
            row,
            [
                n,
                d.code,
                d.received_on,
                d.title,
                units.get(d.unit_id, ""),
                "; ".join(authors.get(d.id, [])),
                DossierStatus(d.status).label,
                g.mean if g is not None else None,
                g.rank if g is not None else None,
                _grade_text(g.grade) if g is not None else "",
                g.reward if g is not None and g.reward else None,
                f"{v.in_favour}/{v.members_total}" if v is not None else "",  # of all members (2/3 rule)
            ],
            formats=[
                fmt.integer,
                fmt.center,
                fmt.date,
                fmt.text,
                fmt.text,
                fmt.text,
                fmt.text,
                fmt.score,
                fmt.integer,
                fmt.center,
                fmt.money,
                fmt.center,
            ],
        )
        row += 1
    if row > first:
        set_row_heights(ws, first, row - 1)
    setup_print(ws, landscape=True, repeat_rows="4:4")

    # sheet 2: every member's scores, one row per dossier and member
    criteria = list(rnd.criteria)
    members = {
        m.id: (m.position, name)
        for m, name in session.execute(
            select(CouncilMember, Person.full_name)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CouncilMember.round_id == rnd.id)
        )
    }
    points: dict[tuple[int, int], dict[int, Decimal]] = {}
    scored: dict[int, list[tuple[int, int]]] = {}  # dossier → its (dossier, member) keys
    for dossier_id, member_id, criterion_id, value in session.execute(
        select(Score.dossier_id, Score.member_id, Score.criterion_id, Score.points).where(
            Score.dossier_id.in_(ids)
        )
    ):
        key = (dossier_id, member_id)
        if key not in points:
            points[key] = {}
            scored.setdefault(dossier_id, []).append(key)
        points[key][criterion_id] = value
    ws2 = wb.create_sheet("Điểm chấm")
    use_light_rows(ws2)
    set_column_widths(ws2, [10, 26] + [11] * len(criteria) + [10])
    title(ws2, f"ĐIỂM CHẤM CỦA THÀNH VIÊN HỘI ĐỒNG — {rnd.label.upper()}", subtitle)
    head2 = ["Mã hồ sơ", "Thành viên"]
    head2 += [f"{c.name} (tối đa {c.max_points.normalize():f})" for c in criteria] + ["Tổng"]
    row = write_table_header(ws2, 4, [head2])
    first = row
    for d in dossiers:
        keys = sorted(scored.get(d.id, []), key=lambda k: members.get(k[1], (999, ""))[0])
        for key in keys:
            given = points[key]
            values: list[object] = [d.code, members.get(key[1], (0, "?"))[1]]
            values += [given.get(c.id) for c in criteria]
            values.append(sum(given.values(), Decimal(0)) if len(given) == len(criteria) else None)
            write_row(ws2, row, values, formats=[fmt.center, fmt.text] + [fmt.score] * (len(criteria) + 1))  # type: ignore[arg-type]
            row += 1
    if row > first:
        set_row_heights(ws2, first, row - 1)
    setup_print(ws2, landscape=True, repeat_rows="4:4")

    # sheet 3: certificates
    certificates = session.execute(
        select(Certificate, Person.full_name, Dossier.year, Dossier.receipt_no)
        .join(Person, Person.id == Certificate.person_id)
        .join(Dossier, Dossier.id == Certificate.dossier_id)
        .where(Dossier.round_id == rnd.id)
        .order_by(Certificate.year, Certificate.register_no)
    ).all()
    ws3 = wb.create_sheet("Giấy chứng nhận")
    use_light_rows(ws3)
    set_column_widths(ws3, [12, 10, 30, 14])
    title(ws3, f"SỔ GIẤY CHỨNG NHẬN — {rnd.label.upper()}", subtitle)
    row = write_table_header(ws3, 4, [["Số vào sổ", "Mã hồ sơ", "Người nhận", "Ngày cấp"]])
    rows = sorted(certificates, key=lambda r: (r[0].year, r[0].register_no, name_sort_key(r[1])))
    for cert, name, year, receipt_no in rows:
        write_row(
            ws3,
            row,
            [f"{cert.register_no}/{cert.year}", dossier_code(year, receipt_no), name, cert.issued_on],
            formats=[fmt.center, fmt.center, fmt.text, fmt.date],
        )
        row += 1
    setup_print(ws3, landscape=False, repeat_rows="4:4")

    from .xlsx.fast_save import workbook_bytes

    return workbook_bytes(wb)


def round_data_workbook(db: Database, round_id: int) -> list[tuple[str, bytes]]:
    """``du-lieu-dot-<year>-<number>.xlsx``: the round's dossiers, scores and certificates."""
    from ..gc_pause import paused_gc

    with db.reading() as session, paused_gc():  # long tables: see paused_gc
        rnd = session.get(Round, round_id)
        if rnd is None:
            return []
        return [(f"du-lieu-dot-{rnd.year}-{rnd.number}.xlsx", _round_data_workbook(session, rnd))]


register("du-lieu-dot", round_data_workbook, "Dữ liệu hồ sơ, điểm và kết quả của đợt (Excel)")
