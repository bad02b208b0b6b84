"""Every document the app prints or exports: key, Vietnamese name, formats, scope, options and producer.

The ``sangkien export DOC`` commands and the In ấn & Xuất page are both built from :data:`CATALOG`, so a
document added here is reachable from both. A producer opens its own short sessions and returns bytes
plus messages for the user (e.g. certificate numbers just allocated).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ...db.database import Database
from ...domain.enums import RoundStatus
from ...domain.errors import NotFoundError, ValidationError
from ...domain.vndate import short_date
from ...models import Round
from .. import numbering
from .. import settings as settings_service
from ..final_results import check_final, check_final_year
from ..rounds import find_round
from .common import ProgressFn, council_title, slug
from .round_data import RoundData, load_round
from .year_data import load_year, person_history

__all__ = ["CATALOG", "DocRequest", "DocResult", "DocumentSpec", "get", "produce"]

ROUND, YEAR, NONE = "round", "year", "none"


@dataclass(frozen=True)
class DocRequest:
    """What to print. ``round_id`` for round documents; ``year`` for year documents (taken from the round
    when only a round is given). Options apply to the documents that list them."""

    round_id: int | None = None
    year: int | None = None
    member_id: int | None = None  # score sheets: one member
    dossier_id: int | None = None  # certificates: one initiative
    person_id: int | None = None  # certificates: one author
    preprinted: bool = False  # certificates: only the values, on pre-printed blanks
    recipient: str = ""  # tờ trình: "Kính gửi"
    # take numbers not given yet: certificates' register numbers; a round document's number when the
    # council chose automatic numbering (settings ``number_mode``)
    allocate: bool = True
    year_from: int | None = None  # person history: first year
    # minutes, tờ trình, quyết định: the number and date to store on the round and print ("" / None: the
    # round's); báo cáo năm: the number to print. Certificates: ``date`` is the date signed on them.
    number: str = ""
    date: dt.date | None = None
    issue_number: bool = False  # take the next number of the year's series first (services.numbering)
    unknown_salutation: bool = False  # certificates: "Ông/Bà" before authors whose gender is not known


@dataclass(frozen=True)
class DocResult:
    data: bytes
    fmt: str
    messages: tuple[str, ...] = ()


Producer = Callable[[Database, DocRequest, str, ProgressFn | None], DocResult]


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    name: str
    formats: tuple[str, ...]
    scope: str
    produce: Producer
    options: tuple[str, ...] = ()
    description: str = ""
    file_stem: str = field(default="")

    def suggested_name(self, label: str, fmt: str) -> str:
        """ "quyet-dinh-cong-nhan-dot-1-nam-2026.pdf"."""
        stem = self.file_stem or slug(self.name)
        return f"{stem}-{slug(label)}.{fmt}" if label else f"{stem}.{fmt}"


# helpers --------------------------------------------------------------------------------------------
def _round(db: Database, req: DocRequest) -> RoundData:
    if req.round_id is None:
        raise ValidationError("Văn bản này in theo đợt: hãy chọn đợt (--round NĂM/ĐỢT, ví dụ 2026/1).")
    with db.reading() as session:
        return load_round(session, req.round_id)


def _year(db: Database, req: DocRequest) -> tuple[int, int | None]:
    """(year, round id or None): a year given explicitly covers the whole year; a round alone covers it."""
    if req.year is not None:
        return req.year, None
    if req.round_id is not None:
        with db.reading() as session:
            rnd = find_round(session, req.round_id)
            return rnd.year, rnd.id
    raise ValidationError("Hãy chọn năm (--year) hoặc đợt (--round).")


def _bad_format(spec: DocumentSpec, fmt: str) -> ValidationError:
    return ValidationError(
        f"«{spec.name}» không xuất được dạng .{fmt}; chọn một trong: {', '.join('.' + f for f in spec.formats)}"
    )


NUMBER_KINDS = {"minutes": "BB", "submission": "TTR", "decision": "QD", "year-report": "BC"}
"""Documents that carry a number of their own, and their series in ``services.numbering``."""


def issue_number(db: Database, key: str, year: int, round_id: int | None = None) -> tuple[str, str]:
    """Take the next number of the document's series and return (number as printed, message). A round
    document's number is stored on its round at once (a round that already has one keeps it); the year
    report's number is only printed."""
    spec = get(key)
    with db.session() as session:
        if key in numbering.ROUND_DOCUMENTS:
            if round_id is None:
                raise ValidationError(f"Hãy chọn đợt của {spec.name.lower()}.")
            rnd = session.get(Round, round_id)
            if rnd is None:
                raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
            return numbering.allocate_for_round_in(session, rnd, key)
        number = numbering.allocate(session, year, NUMBER_KINDS[key], spec.name)
        ref = f"{number:02d}/{numbering.suffix_for(settings_service.load(session), NUMBER_KINDS[key])}"
    return ref, f"Đã cấp số {ref} cho {spec.name.lower()} (năm {year})."


def _store_numbers(db: Database, req: DocRequest, key: str) -> list[str]:
    """Store the number and date the request gives for a round document (``--so``, ``--ngay``), or take
    the next number (``--cap-so``, or automatic numbering): what every output of the round prints."""
    doc = numbering.ROUND_DOCUMENTS[key]
    changes: dict[str, object] = {}
    if req.number.strip():
        changes[doc.number_attr] = req.number
    if req.date is not None:
        changes[doc.date_attr] = req.date
    messages: list[str] = []
    with db.session() as session:
        rnd = session.get(Round, req.round_id)
        if rnd is None:
            raise NotFoundError(f"Không tìm thấy đợt có mã {req.round_id}.")
        if changes and numbering.update_round_in(session, rnd, changes):
            messages.append(f"Đã ghi vào {rnd.label}: " + _numbers_text(rnd, doc))
        auto = (
            req.allocate
            and rnd.status is not RoundStatus.FINALIZED
            and settings_service.load(session).get("number_mode") == "auto"
        )
        if req.issue_number or (auto and not getattr(rnd, doc.number_attr)):
            messages.append(numbering.allocate_for_round_in(session, rnd, key)[1])
    return messages


def _numbers_text(rnd: Round, doc: numbering.RoundDocument) -> str:
    number = getattr(rnd, doc.number_attr) or "(chưa có số)"
    day = getattr(rnd, doc.date_attr)
    return f"{doc.label} số {number}" + (f" ngày {short_date(day)}" if day else "")


def _number(db: Database, req: DocRequest, key: str, year: int) -> tuple[str, list[str]]:
    """The year report's number: printed, not stored."""
    if req.number.strip():
        return req.number.strip(), []
    if not req.issue_number:
        return "", []
    number, message = issue_number(db, key, year)
    return number, [message]


# producers ------------------------------------------------------------------------------------------
# Each imports its renderer when it runs: the list of documents (the In ấn & Xuất page) loads neither
# reportlab, openpyxl nor python-docx (issue 19: a session's memory).
def _score_sheets(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import score_sheets

    data = _round(db, req)
    if req.member_id is not None:
        try:
            data.member(req.member_id)
        except KeyError as exc:
            raise NotFoundError(
                f"Thành viên mã {req.member_id} không thuộc Hội đồng của {data.label}."
            ) from exc
    out = (
        score_sheets.score_sheets_pdf(data, req.member_id)
        if fmt == "pdf"
        else score_sheets.score_sheets_xlsx(data, req.member_id)
    )
    return DocResult(out, fmt)


def _summary(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import summary

    data = _round(db, req)
    notes = () if data.graded else ("Đợt này chưa áp dụng xếp loại: điểm bình quân là tạm tính.",)
    out = summary.summary_pdf(data) if fmt == "pdf" else summary.summary_xlsx(data)
    return DocResult(out, fmt, notes)


def _graded_note(data: RoundData) -> tuple[str, ...]:
    if data.graded:
        return ()
    return ("Đợt này chưa áp dụng xếp loại: văn bản chưa có kết quả công nhận.",)


def _round_document(
    db: Database, req: DocRequest, key: str, final_action: str | None = None
) -> tuple[RoundData, list[str]]:
    """The round's data after storing the number/date asked for; ``final_action`` names a document that
    prints final results, refused (before any number is taken) while a tie or a vote is undecided."""
    first = _round(db, req)  # the round exists (a clear message otherwise)
    if final_action:
        check_final(db, first.id, final_action)
    notes = _store_numbers(db, req, key)
    data = _round(db, req)
    doc = numbering.ROUND_DOCUMENTS[key]
    if not getattr(data, doc.number_attr) or not getattr(data, doc.date_attr):
        notes.append(f"Chưa có số hoặc ngày {doc.label}: phần còn thiếu để trống để ghi tay.")
    return data, notes + list(_graded_note(data))


def _minutes(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import minutes

    data, notes = _round_document(db, req, "minutes")
    out = minutes.minutes_pdf(data) if fmt == "pdf" else minutes.minutes_docx(data)
    return DocResult(out, fmt, tuple(notes))


def _submission(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import decision

    data, notes = _round_document(db, req, "submission", "in tờ trình đề nghị công nhận")
    fn = decision.submission_pdf if fmt == "pdf" else decision.submission_docx
    return DocResult(fn(data, req.recipient or None), fmt, tuple(notes))


def _decision(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import decision

    data, notes = _round_document(db, req, "decision", "in quyết định công nhận")
    out = decision.decision_pdf(data) if fmt == "pdf" else decision.decision_docx(data)
    return DocResult(out, fmt, tuple(notes))


def _certificates(db: Database, req: DocRequest, fmt: str, progress: ProgressFn | None) -> DocResult:
    from . import certificate_layout, certificate_register, certificates

    data = _round(db, req)
    check_final(db, data.id, "in giấy chứng nhận")
    notes: list[str] = []
    if req.date is not None and numbering.update_round(db, data.id, {"certificate_date": req.date}):
        notes.append(f"Đã ghi ngày ký giấy chứng nhận {req.date:%d/%m/%Y} vào {data.label}.")
        data = _round(db, req)
    if req.allocate and not data.finalized:
        the_plan = certificate_register.plan(data, data.certificates)
        if not the_plan.empty:
            report = certificate_register.allocate_round(db, data.id)
            notes.append(report.summary())
            data = _round(db, req)
    items = certificates.certificate_items(
        data, dossier_id=req.dossier_id, person_id=req.person_id, unknown_salutation=req.unknown_salutation
    )
    missing = sum(1 for i in items if not i.register)
    if missing:
        notes.append(f"{missing} giấy chưa có số vào sổ (để trống).")
    unknown = certificates.without_gender(data, dossier_id=req.dossier_id, person_id=req.person_id)
    if unknown and not req.unknown_salutation:
        notes.append(
            f"{len(unknown)} tác giả chưa ghi giới tính ({', '.join(unknown[:3])}{'…' if len(unknown) > 3 else ''}): "
            "in tên không kèm «Ông»/«Bà» (ghi giới tính ở hồ sơ, hoặc chọn in «Ông/Bà»)."
        )
    if data.certificate_date is None:
        notes.append("Chưa có ngày ký giấy chứng nhận: dòng ngày tháng để trống để ghi tay.")
    offsets = None
    if req.preprinted:
        with db.reading() as session:
            offsets = certificate_layout.offsets_from_settings(settings_service.load(session))
    out = certificates.certificates_pdf(
        items,
        preprinted=req.preprinted,
        offsets=offsets,
        progress=progress,
        title=f"Giấy chứng nhận sáng kiến — {data.label}",
    )
    return DocResult(out, fmt, tuple(notes))


def _calibration(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import certificate_layout, certificates

    return DocResult(certificates.calibration_pdf(certificate_layout.load_offsets(db)), fmt)


def _register(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import certificate_register

    year, _ = _year(db, req)
    with db.reading() as session:
        rows = certificate_register.register_rows(session, year)
        settings = settings_service.load(session)
    fn = certificate_register.register_pdf if fmt == "pdf" else certificate_register.register_xlsx
    return DocResult(fn(rows, settings, year), fmt)


def _dost(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import dost_export

    year, round_id = _year(db, req)
    check_final_year(db, year, round_id, "xuất danh sách gửi Sở KH&CN")
    with db.reading() as session:
        data = load_year(session, year, round_id)
    notes = () if any(r.graded for r in data.rounds) else ("Chưa đợt nào áp dụng xếp loại: danh sách trống.",)
    return DocResult(dost_export.dost_xlsx(data), fmt, notes)


def _year_report(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import year_report

    year, _ = _year(db, req)
    with db.reading() as session:
        data = load_year(session, year)
        records = person_history(session, year_to=year)
    notes: list[str] = []
    if fmt == "pdf":
        number, notes = _number(db, req, "year-report", year)
        out = year_report.year_report_pdf(data, number)
    else:
        out = year_report.year_report_xlsx(data, records)
    return DocResult(out, fmt, tuple(notes))


def _person_history(db: Database, req: DocRequest, fmt: str, _p: ProgressFn | None) -> DocResult:
    from . import year_report

    year, _ = _year(db, req) if (req.year or req.round_id) else (None, None)
    with db.reading() as session:
        records = person_history(session, year_from=req.year_from, year_to=year)
        settings = settings_service.load(session)
    last = year or max((r.year for r in records), default=0) or 0
    council = council_title(settings)
    fn = year_report.person_history_pdf if fmt == "pdf" else year_report.person_history_xlsx
    return DocResult(fn(records, settings, last, council), fmt)


CATALOG: tuple[DocumentSpec, ...] = (
    DocumentSpec(
        "score-sheets", "Phiếu chấm điểm", ("pdf", "xlsx"), ROUND, _score_sheets, ("member",),
        "Mỗi thành viên một phiếu: các hồ sơ được phân công, tiêu chí và điểm tối đa, ô trống để chấm. Bản "
        "Excel để thành viên chấm trên máy rồi gửi lại cho thư ký nhập vào (Nhập phiếu chấm Excel).",
        "phieu-cham-diem",
    ),
    DocumentSpec(
        "score-summary", "Bảng tổng hợp kết quả chấm điểm", ("pdf", "xlsx"), ROUND, _summary, (),
        "Hồ sơ × thành viên, điểm bình quân, xếp hạng, xếp loại, tiền thưởng, biểu quyết.", "bang-tong-hop-diem",
    ),
    DocumentSpec(
        "minutes", "Biên bản họp Hội đồng", ("pdf", "docx"), ROUND, _minutes, ("number", "date"),
        "Thời gian, thành phần, số thành viên có mặt, kết quả chấm và biểu quyết, kết luận. Bản Word để sửa "
        "trước khi ký.", "bien-ban-hop-hoi-dong",
    ),
    DocumentSpec(
        "submission", "Tờ trình đề nghị công nhận", ("pdf", "docx"), ROUND, _submission,
        ("recipient", "number", "date"),
        "Tờ trình của Hội đồng kèm danh sách sáng kiến đề nghị công nhận.", "to-trinh-de-nghi-cong-nhan",
    ),
    DocumentSpec(
        "decision", "Quyết định công nhận sáng kiến", ("pdf", "docx"), ROUND, _decision, ("number", "date"),
        "Quyết định công nhận kèm danh sách theo xếp loại (tác giả, đơn vị, tiền thưởng).",
        "quyet-dinh-cong-nhan",
    ),
    DocumentSpec(
        "certificates", "Giấy chứng nhận sáng kiến", ("pdf",), ROUND, _certificates,
        ("dossier", "person", "preprinted", "allocate", "date", "salutation"),
        "Mỗi tác giả một giấy, số vào sổ theo năm; in trên giấy trắng hoặc lên phôi in sẵn.",
        "giay-chung-nhan",
    ),
    DocumentSpec(
        "certificate-calibration", "Trang căn chỉnh in phôi giấy chứng nhận", ("pdf",), NONE, _calibration, (),
        "Lưới milimét và vị trí từng ô (đã cộng độ lệch) để căn với phôi in sẵn.", "can-chinh-phoi-gcn",
    ),
    DocumentSpec(
        "certificate-register", "Sổ cấp giấy chứng nhận", ("pdf", "xlsx"), YEAR, _register, (),
        "Mọi giấy chứng nhận của năm theo số vào sổ, kể cả giấy đã hủy.", "so-cap-giay-chung-nhan",
    ),
    DocumentSpec(
        "dost", "Danh sách gửi Sở KH&CN (Excel)", ("xlsx",), YEAR, _dost, (),
        "Sáng kiến được công nhận trong năm (hoặc một đợt): đơn vị, tên, loại, lĩnh vực, tác giả và tỷ lệ đóng "
        "góp, điểm, xếp loại, quyết định, số giấy chứng nhận.", "danh-sach-gui-so-khcn",
    ),
    DocumentSpec(
        "year-report", "Số liệu báo cáo tổng kết năm", ("xlsx", "pdf"), YEAR, _year_report, ("number",),
        "Nhận / hợp lệ / công nhận theo đợt, loại đơn vị, lĩnh vực, xếp loại; tiền thưởng; cá nhân theo năm.",
        "so-lieu-tong-ket",
    ),
    DocumentSpec(
        "person-history", "Cá nhân có sáng kiến qua các năm", ("xlsx", "pdf"), YEAR, _person_history, (),
        "Sáng kiến được công nhận của từng người qua các năm (xét danh hiệu thi đua).", "ca-nhan-co-sang-kien",
    ),
)  # fmt: skip

_BY_KEY = {spec.key: spec for spec in CATALOG}


def get(key: str) -> DocumentSpec:
    try:
        return _BY_KEY[key]
    except KeyError as exc:
        raise NotFoundError(f"Không có văn bản «{key}». Các văn bản: {', '.join(_BY_KEY)}") from exc


def produce(
    db: Database, key: str, request: DocRequest, fmt: str, progress: ProgressFn | None = None
) -> DocResult:
    """Produce document ``key`` as ``fmt`` ("pdf", "xlsx", "docx")."""
    spec = get(key)
    fmt = fmt.lower().lstrip(".")
    if fmt not in spec.formats:
        raise _bad_format(spec, fmt)
    return spec.produce(db, request, fmt, progress)
