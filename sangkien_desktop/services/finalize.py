"""Finalize (chốt) a round once its decision is signed, and reopen it with a reason.

Finalizing sets the round's status to ``finalized`` with the time: from then on its scores, votes, grades,
certificates, assignments, authors, rubric and council are read-only (``services.guards.editable_round``
for writers, and ``services.round_lock`` on every flush). Then an archive folder is written:

    luu-tru/2026-dot-1_20261123-101500/
        co-so-du-lieu_<database>.db     a copy of the whole database just after finalizing
        van-ban/…                       the round's documents from every registered producer
                                        (``services.round_documents``)
        DOC-TOI.txt                     what this folder is, who finalized it, how to verify it
        SHA256SUMS                      "<sha256>  <file>" for every file above (``sha256sum -c SHA256SUMS``,
                                        or ``sangkien rounds verify-archive FOLDER``)

The folder is written as ``….part`` and renamed when complete. Its place: ``--archive-dir``, else ``luu-tru/``
beside the database file (for a server database: in the user data folder).

Reopening needs a reason (at least a few words); it is written to the audit log with the old state, and the
round goes back to ``scoring``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain import round_lifecycle
from ..domain.enums import DossierStatus, RoundStatus
from ..domain.errors import SangKienError, ValidationError
from ..domain.text import clean
from ..models import Dossier, GradeResult, Round
from ..models.base import now
from . import audit, audit_replay, numbering, round_documents
from .audit_replay import ARCHIVE_DIR_NAME, default_archive_root  # noqa: F401 (re-exported)
from .backup import database_name, write_copy
from .final_results import check_final
from .output import write_document, write_text_document
from .rounds import find_round

SUMS_FILE = "SHA256SUMS"
HEAD_FILE = audit_replay.HEAD_FILE  # the audit log's head (id and hash) when the archive was written
README_FILE = "DOC-TOI.txt"
DOCUMENTS_DIR = "van-ban"
MIN_REASON_LENGTH = 10


Progress = Callable[[int, int, str], None]  # done, total, text; may raise to stop


class ArchiveIncompleteError(SangKienError):
    """A document of the round could not be made: the archive would miss it, so none is written."""


@dataclass(frozen=True)
class ArchiveResult:
    folder: Path
    files: list[str]  # relative paths, "/" separated
    failures: list[tuple[str, str]] = field(default_factory=list)  # producers that failed

    @property
    def sums_file(self) -> Path:
        return self.folder / SUMS_FILE


@dataclass(frozen=True)
class FinalizeResult:
    round_id: int
    label: str
    finalized_at: dt.datetime
    warnings: list[str]
    archive: ArchiveResult | None

    @property
    def message(self) -> str:
        text = f"Đã chốt kết quả {self.label} lúc {self.finalized_at.strftime('%H:%M ngày %d/%m/%Y')}."
        if self.archive is not None:
            text += f" Hồ sơ lưu trữ: {self.archive.folder}"
        return text


@dataclass(frozen=True)
class ReopenResult:
    round_id: int
    label: str
    reason: str

    @property
    def message(self) -> str:
        return f"Đã mở lại {self.label} (lý do: {self.reason}). Việc mở lại đã được ghi vào nhật ký."


def finalize_warnings(db: Database, round_ref: str | int) -> list[str]:
    """What is unusual about finalizing this round now (shown before the secretary confirms)."""
    with db.reading() as session:
        rnd = find_round(session, round_ref)
        warnings: list[str] = []
        if rnd.status is RoundStatus.OPEN:
            warnings.append(
                f"{rnd.label} vẫn đang nhận hồ sơ: hãy chuyển sang chấm điểm trước (không chốt thẳng được)."
            )
        if not rnd.decision_no or rnd.decision_date is None:
            warnings.append("Chưa ghi số và ngày của quyết định công nhận.")
        counted = (DossierStatus.VALID, DossierStatus.COMPLETE)
        dossiers = session.scalar(
            select(func.count(Dossier.id)).where(Dossier.round_id == rnd.id, Dossier.status.in_(counted))
        )
        graded = session.scalar(
            select(func.count(GradeResult.id))
            .join(Dossier, Dossier.id == GradeResult.dossier_id)
            .where(Dossier.round_id == rnd.id)
        )
        if not graded:
            warnings.append("Đợt chưa có kết quả xếp loại nào.")
        elif dossiers and graded < dossiers:
            warnings.append(f"Mới có {graded}/{dossiers} hồ sơ hợp lệ được xếp loại.")
        return warnings


def finalize_round(
    db: Database,
    round_ref: str | int,
    *,
    decision_no: str | None = None,
    decision_date: dt.date | None = None,
    archive_root: Path | None = None,
    archive: bool = True,
    progress: Progress | None = None,
    committed: Callable[[], None] | None = None,
) -> FinalizeResult:
    """Finalize the round (one transaction, audited), then write its archive folder.

    ``progress(done, total, text)`` follows the steps and may raise to stop: before the commit nothing has
    changed. ``committed()`` is called at the point of no return (the round is finalized; the archive
    folder is written next, and can be written again later with ``write_archive``)."""
    check_final(db, round_ref, "chốt kết quả")  # no undecided tie, no failed vote still recognized
    if progress is not None:
        progress(0, 0, "Đang kiểm tra đợt…")
    warnings = finalize_warnings(db, round_ref)
    if progress is not None:
        progress(0, 0, "Đang chốt kết quả…")
    with db.session() as session:
        rnd = find_round(session, round_ref)
        if rnd.status is RoundStatus.FINALIZED:
            when = rnd.finalized_at.strftime("%H:%M ngày %d/%m/%Y") if rnd.finalized_at else "trước đây"
            raise ValidationError(f"{rnd.label} đã được chốt lúc {when}.")
        round_lifecycle.check_move(rnd.status, RoundStatus.FINALIZED)  # the one status table
        old = {
            "status": rnd.status,
            "decision_no": rnd.decision_no,
            "decision_date": rnd.decision_date,
        }
        given: dict[str, object] = {}
        if decision_no is not None:
            given["decision_no"] = clean(decision_no)
        if decision_date is not None:
            given["decision_date"] = decision_date
        numbering.update_round_in(session, rnd, given)  # spelled "01/QĐ-UBND", checked, as everywhere
        if decision_no is not None or decision_date is not None:
            warnings = [w for w in warnings if not w.startswith("Chưa ghi số")]
            if not rnd.decision_no or rnd.decision_date is None:
                warnings.append("Chưa ghi số và ngày của quyết định công nhận.")
        at = now()
        rnd.status = RoundStatus.FINALIZED
        rnd.finalized_at = at
        audit.record(
            session,
            "finalize",
            "round",
            rnd.id,
            f"Chốt kết quả {rnd.label}" + (f" (Quyết định số {rnd.decision_no})" if rnd.decision_no else ""),
            old=old,
            new={
                "status": rnd.status,
                "decision_no": rnd.decision_no,
                "decision_date": rnd.decision_date,
                "finalized_at": at,
            },
        )
        round_id, label = rnd.id, rnd.label
    if committed is not None:
        committed()
    result_archive = (
        archive_after_finalize(db, round_id, archive_root, progress=progress) if archive else None
    )
    return FinalizeResult(round_id, label, at, warnings, result_archive)


def archive_after_finalize(
    db: Database, round_id: int, root: Path | None = None, *, progress: Progress | None = None
) -> ArchiveResult:
    """The archive of a round just finalized. When a document cannot be made the finalize fails: the round
    is reopened (logged, with the documents that failed as the reason) and ``ArchiveIncompleteError`` says
    what to fix."""
    try:
        return write_archive(db, round_id, root, progress=progress)
    except ArchiveIncompleteError as exc:
        with db.session() as session:
            rnd = find_round(session, round_id)
            if rnd.status is RoundStatus.FINALIZED:
                reopen_in(session, rnd, f"Chốt không thành: hồ sơ lưu trữ thiếu văn bản — {exc}")
            label = rnd.label
        raise ArchiveIncompleteError(
            f"Chưa chốt được {label}: {exc} {label} vẫn ở trạng thái đang chấm điểm (việc này được ghi vào "
            "nhật ký); hãy sửa lỗi rồi chốt lại."
        ) from exc


def reopen_round(db: Database, round_ref: str | int, reason: str) -> ReopenResult:
    """Reopen a finalized round: a reason is required and logged; the round goes back to scoring."""
    reason = clean(reason or "")
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            f"Phải ghi lý do mở lại đợt (ít nhất {MIN_REASON_LENGTH} ký tự), ví dụ: "
            "«Sửa điểm nhập nhầm của hồ sơ HS26-007 theo biên bản ngày …»."
        )
    with db.session() as session:
        rnd = find_round(session, round_ref)
        if rnd.status is not RoundStatus.FINALIZED:
            raise ValidationError(f"{rnd.label} chưa chốt nên không cần mở lại.")
        reopen_in(session, rnd, reason)
        return ReopenResult(rnd.id, rnd.label, reason)


def reopen_in(
    session: Session, rnd: Round, reason: str, target: RoundStatus = RoundStatus.SCORING, summary: str = ""
) -> None:
    """Reopen a finalized round in the caller's transaction. The ``reopen`` entry (with its reason) is written
    first, then the status changes: the database's lock trigger lets a round leave ``finalized`` only when
    the newest entry of the log is that reopen (``db.lock_triggers``)."""
    round_lifecycle.check_move(rnd.status, target, reason)
    old = {"status": rnd.status, "finalized_at": rnd.finalized_at}
    audit.record(
        session,
        "reopen",
        "round",
        rnd.id,
        summary or f"Mở lại {rnd.label}: {reason}",
        old=old,
        new={"status": target, "reason": reason},
    )
    rnd.status = target
    rnd.finalized_at = None
    session.flush()


# the archive folder -----------------------------------------------------------------------------------------
def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _readme(
    label: str,
    finalized_at: dt.datetime | None,
    decision: str,
    files: list[str],
    failures: list[tuple[str, str]],
) -> str:
    lines = [
        f"HỒ SƠ LƯU TRỮ — {label.upper()}",
        "",
        f"Chốt kết quả lúc: {finalized_at.strftime('%H:%M:%S ngày %d/%m/%Y') if finalized_at else '?'}",
        f"Người thực hiện (tài khoản máy tính): {audit.current_user()}",
        f"Lập thư mục lúc: {now().strftime('%H:%M:%S ngày %d/%m/%Y')}",
    ]
    if decision:
        lines.append(f"Quyết định: {decision}")
    lines += [
        "",
        "Thư mục gồm:",
        "  - bản sao toàn bộ cơ sở dữ liệu ngay sau khi chốt (mở được bằng Sáng kiến Desktop:",
        "    Sao lưu & Nhật ký → Khôi phục, hoặc lệnh: sangkien --db <tệp> check);",
        f"  - thư mục {DOCUMENTS_DIR}/: các văn bản và bảng tính của đợt;",
        f"  - {HEAD_FILE}: dòng cuối của nhật ký thay đổi lúc lập thư mục (sangkien check dùng nó để phát",
        "    hiện nhật ký bị xóa hoặc cắt bớt về sau);",
        f"  - {SUMS_FILE}: mã SHA-256 của từng tệp.",
        "",
        "Kiểm tra không tệp nào bị sửa:",
        "  sangkien rounds verify-archive <thư mục này>",
        f"  hoặc trên Linux: sha256sum -c {SUMS_FILE}",
        "",
        "Các tệp:",
    ]
    lines += [f"  {name}" for name in files]
    if failures:
        lines += ["", "CẢNH BÁO — các văn bản sau không tạo được khi lưu trữ:"]
        lines += [f"  - {label_}: {message}" for label_, message in failures]
    return "\n".join(lines) + "\n"


def write_archive(
    db: Database, round_id: int, root: Path | None = None, *, progress: Progress | None = None
) -> ArchiveResult:
    """Write (another) archive folder for the round: database copy, documents, DOC-TOI.txt, SHA256SUMS."""
    with db.reading() as session:
        rnd = find_round(session, round_id)
        label, year, number = rnd.label, rnd.year, rnd.number
        finalized_at = rnd.finalized_at
        decision = ""
        if rnd.decision_no:
            decision = f"số {rnd.decision_no}"
            if rnd.decision_date:
                decision += f" ngày {rnd.decision_date.strftime('%d/%m/%Y')}"
    root = Path(root) if root is not None else default_archive_root(db)
    stamp = now().strftime("%Y%m%d-%H%M%S")
    final = root / f"{year}-dot-{number}_{stamp}"
    n = 2
    while final.exists():
        final = root / f"{year}-dot-{number}_{stamp}-{n}"
        n += 1
    work = final.with_name(final.name + ".part")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    try:
        files: list[str] = []
        db_name = f"co-so-du-lieu_{database_name(db)}.db"
        if progress is not None:
            progress(0, 0, "Đang chép cơ sở dữ liệu vào thư mục lưu trữ…")
        digests: dict[str, str] = {}  # of the files written from memory, hashed as they were written

        def copy_database() -> None:
            write_copy(db, work / db_name)
            digests[db_name] = _sha256_file(work / db_name)

        # the copy is made while a second process starts making documents (services.document_workers)
        produced = round_documents.produce(db, round_id, progress, meanwhile=copy_database)
        files.append(db_name)
        if produced.errors:
            names = "; ".join(f"{label_}: {message}" for label_, message in produced.errors)
            raise ArchiveIncompleteError(f"không tạo được {len(produced.errors)} văn bản của đợt ({names}).")
        (work / DOCUMENTS_DIR).mkdir()
        for name, content in produced.files:
            rel = f"{DOCUMENTS_DIR}/{name}"
            write_document(work / rel, content)
            digests[rel] = hashlib.sha256(content).hexdigest()
            files.append(rel)
        write_text_document(
            work / README_FILE, _readme(label, finalized_at, decision, files, produced.failures)
        )
        files.append(README_FILE)
        _write_log_head(db, work / HEAD_FILE, label)
        files.append(HEAD_FILE)
        sums = "".join(f"{digests.get(rel) or _sha256_file(work / rel)}  {rel}\n" for rel in sorted(files))
        write_text_document(work / SUMS_FILE, sums, newline="\n")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    with db.session() as session:
        audit.record(
            session,
            "archive",
            "round",
            round_id,
            f"Lưu trữ {label}: {final}",
            new={
                "folder": str(final),
                "files": len(files),
                "sha256sums": hashlib.sha256((final / SUMS_FILE).read_bytes()).hexdigest(),
                "failures": [name for name, _ in produced.failures],
            },
        )
    return ArchiveResult(final, sorted(files), produced.failures)


def _write_log_head(db: Database, path: Path, label: str) -> None:
    """The audit log's head as the archive saw it: ``check`` names a log later cut or rewritten before it."""
    with db.reading() as session:
        head = audit.stored_head(session)
    entry_id, entry_hash = head if head is not None else (0, "")
    data = {
        "database": database_name(db),
        "round": label,
        "head_id": entry_id,
        "head_hash": entry_hash,
        "at": now().isoformat(sep=" "),
    }
    write_text_document(path, json.dumps(data, ensure_ascii=False, indent=1))


def verify_archive(folder: Path) -> list[str]:
    """Problems found in an archive folder ([] = every file matches SHA256SUMS and none is missing)."""
    folder = Path(folder)
    sums = folder / SUMS_FILE
    if not sums.is_file():
        return [f"Không có tệp {SUMS_FILE} trong {folder}."]
    problems: list[str] = []
    listed: set[str] = set()
    for n, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"{SUMS_FILE} dòng {n} không đúng dạng.")
            continue
        rel = rel.lstrip("*")
        listed.add(rel)
        target = folder / rel
        if ".." in Path(rel).parts or not target.is_file():
            problems.append(f"Thiếu tệp {rel}.")
        elif _sha256_file(target) != digest:
            problems.append(f"Tệp {rel} đã bị thay đổi (mã SHA-256 không khớp).")
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != SUMS_FILE and rel not in listed:
            problems.append(f"Tệp {rel} không có trong danh sách {SUMS_FILE} (được thêm sau).")
    return problems
