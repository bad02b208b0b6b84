"""Finalizing a round locks it and writes a verifiable archive; reopening needs a reason and is logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.models import Criterion, Dossier, Round, Score
from sangkien_desktop.services import audit, backup, check, finalize, guards, round_documents


@pytest.fixture
def finalized(demo_db: Database, tmp_path: Path) -> Iterator[finalize.FinalizeResult]:
    result = finalize.finalize_round(
        demo_db,
        "2026/1",
        decision_no="15/QĐ-HĐSK",
        decision_date=dt.date(2026, 5, 25),
        archive_root=tmp_path / "luu-tru",
    )
    yield result


def test_finalize_sets_status_and_logs(demo_db: Database, finalized: finalize.FinalizeResult) -> None:
    with demo_db.reading() as session:
        rnd = session.get(Round, finalized.round_id)
        assert rnd is not None
        assert rnd.status is RoundStatus.FINALIZED and rnd.finalized_at == finalized.finalized_at
        assert rnd.decision_no == "15/QĐ-HĐSK" and rnd.decision_date == dt.date(2026, 5, 25)
    rows = audit.list_entries(demo_db, audit.AuditFilter(entity="round", entity_id=str(finalized.round_id)))
    assert [r.action for r in rows[:2]] == ["archive", "finalize"]
    assert rows[1].new["status"] == "finalized" and rows[1].old["status"] == "scoring"
    assert "Chưa ghi số" not in " ".join(finalized.warnings)
    assert check.run_checks(demo_db).ok


def test_archive_folder_is_complete_and_verifiable(
    demo_db: Database, finalized: finalize.FinalizeResult
) -> None:
    archive = finalized.archive
    assert archive is not None
    folder = archive.folder
    assert folder.name.startswith("2026-dot-1_") and not folder.name.endswith(".part")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    db_copy = next(n for n in names if n.startswith("co-so-du-lieu_"))
    assert "SHA256SUMS" in names and "DOC-TOI.txt" in names and "van-ban/du-lieu-dot-2026-1.xlsx" in names
    sums = dict(
        (line.split("  ", 1)[1], line.split("  ", 1)[0])
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    )
    assert set(sums) == set(names) - {"SHA256SUMS"}
    for rel, digest in sums.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest
    assert finalize.verify_archive(folder) == []
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    # the database copy shows the round finalized
    preview = backup.inspect_backup(folder / db_copy)
    assert preview.rounds[0].status == "Đã chốt kết quả"
    readme = (folder / "DOC-TOI.txt").read_text(encoding="utf-8")
    assert "ĐỢT 1 NĂM 2026" in readme and "15/QĐ-HĐSK" in readme and "sha256sum -c" in readme

    # the round's data workbook
    wb = openpyxl.load_workbook(io.BytesIO((folder / "van-ban/du-lieu-dot-2026-1.xlsx").read_bytes()))
    assert wb.sheetnames == ["Hồ sơ", "Điểm chấm", "Giấy chứng nhận"]
    codes = [c.value for c in wb["Hồ sơ"]["B"][4:] if c.value]
    assert len(codes) == 40 and codes[0] == "HS26-001"


def test_tampered_archive_is_detected(finalized: finalize.FinalizeResult) -> None:
    assert finalized.archive is not None
    folder = finalized.archive.folder
    xlsx = folder / "van-ban" / "du-lieu-dot-2026-1.xlsx"
    xlsx.write_bytes(xlsx.read_bytes() + b"x")
    (folder / "van-ban" / "them.pdf").write_bytes(b"%PDF")
    (folder / "DOC-TOI.txt").unlink()
    problems = finalize.verify_archive(folder)
    assert any("du-lieu-dot-2026-1.xlsx đã bị thay đổi" in p for p in problems)
    assert any("them.pdf không có trong danh sách" in p for p in problems)
    assert any("Thiếu tệp DOC-TOI.txt" in p for p in problems)


def _first_score_id(db: Database, round_id: int) -> int:
    with db.reading() as session:
        return session.scalar(
            select(Score.id)
            .join(Dossier, Dossier.id == Score.dossier_id)
            .where(Dossier.round_id == round_id)
            .limit(1)
        )


def test_finalized_round_is_locked_for_every_writer(
    demo_db: Database, finalized: finalize.FinalizeResult
) -> None:
    rid = finalized.round_id
    score_id = _first_score_id(demo_db, rid)
    with (
        pytest.raises(RoundLockedError, match="đã chốt kết quả nên không sửa được điểm"),
        demo_db.session() as s,
    ):
        score = s.get(Score, score_id)
        assert score is not None
        score.points = Decimal("1")
    with pytest.raises(RoundLockedError), demo_db.session() as s:
        score = s.get(Score, score_id)
        assert score is not None
        s.add(
            Score(
                dossier_id=score.dossier_id,
                member_id=score.member_id,
                criterion_id=score.criterion_id + 0,
                points=Decimal("1"),
            )
        )
        s.delete(score)
    with pytest.raises(RoundLockedError, match="tiêu chí"), demo_db.session() as s:
        crit = s.scalars(select(Criterion).where(Criterion.round_id == rid)).first()
        assert crit is not None
        crit.max_points = Decimal("99")
    with pytest.raises(RoundLockedError, match="hồ sơ"), demo_db.session() as s:
        dossier = s.scalars(select(Dossier).where(Dossier.round_id == rid)).first()
        assert dossier is not None
        s.delete(dossier)
    with pytest.raises(RoundLockedError), demo_db.session() as s:
        guards.editable_round(s, rid, "điểm")
    # a dossier's title may still be corrected (not a result of the round)
    with demo_db.session() as s:
        dossier = s.scalars(select(Dossier).where(Dossier.round_id == rid)).first()
        assert dossier is not None
        dossier.note = "Đã kiểm tra bản giấy"
    # the other round is not locked
    other_score = _first_score_id(demo_db, 2)
    with demo_db.session() as s:
        score = s.get(Score, other_score)
        assert score is not None
        score.points = Decimal("5")
    with demo_db.reading() as s:
        assert s.get(Score, score_id).points != Decimal("1")  # type: ignore[union-attr]


def test_reopen_needs_a_reason_and_is_logged(demo_db: Database, finalized: finalize.FinalizeResult) -> None:
    with pytest.raises(ValidationError, match="lý do"):
        finalize.reopen_round(demo_db, "2026/1", "   ")
    with pytest.raises(ValidationError, match="lý do"):
        finalize.reopen_round(demo_db, "2026/1", "sửa")
    result = finalize.reopen_round(demo_db, "2026/1", "Sửa điểm nhập nhầm hồ sơ HS26-003 theo biên bản")
    assert "HS26-003" in result.message
    with demo_db.reading() as s:
        rnd = s.get(Round, finalized.round_id)
        assert rnd is not None and rnd.status is RoundStatus.SCORING and rnd.finalized_at is None
    last = audit.list_entries(demo_db, limit=1)[0]
    assert last.action == "reopen" and last.new["reason"].startswith("Sửa điểm nhập nhầm")
    assert last.old["status"] == "finalized"
    score_id = _first_score_id(demo_db, finalized.round_id)
    with demo_db.session() as s:
        score = s.get(Score, score_id)
        assert score is not None
        score.points = Decimal("3")
    with pytest.raises(ValidationError, match="chưa chốt"):
        finalize.reopen_round(demo_db, "2026/1", "Mở lại lần nữa cho chắc chắn")


def test_finalizing_twice_is_refused(demo_db: Database, finalized: finalize.FinalizeResult) -> None:
    with pytest.raises(ValidationError, match="đã được chốt"):
        finalize.finalize_round(demo_db, "2026/1", archive=False)


def test_warnings_before_finalizing(demo_db: Database) -> None:
    warnings = finalize.finalize_warnings(demo_db, "2026/2")
    assert "Chưa ghi số và ngày của quyết định công nhận." in warnings
    assert "Đợt chưa có kết quả xếp loại nào." in warnings


def test_a_failing_producer_fails_the_finalize(demo_db: Database, tmp_path: Path) -> None:
    """Issue 17: an archive that would miss a document is not written and the round stays open (the
    reopen is logged with the reason); a producer with nothing to print (a SangKienError) is only noted."""

    def broken(_db: Database, _round_id: int) -> list[tuple[str, bytes]]:
        raise RuntimeError("máy in hết giấy")

    round_documents.register("hong", broken, "Văn bản hỏng")
    try:
        with pytest.raises(
            finalize.ArchiveIncompleteError, match="Văn bản hỏng: RuntimeError: máy in hết giấy"
        ):
            finalize.finalize_round(demo_db, "2026/1", archive_root=tmp_path)
    finally:
        round_documents.unregister("hong")
    assert not list(tmp_path.iterdir())  # no folder, no .part
    with demo_db.reading() as session:
        rnd = session.scalars(select(Round).where(Round.year == 2026, Round.number == 1)).one()
        assert rnd.status is RoundStatus.SCORING
    assert check.run_checks(demo_db).ok


def test_producers_with_clashing_names_and_nothing_to_print(demo_db: Database, tmp_path: Path) -> None:
    def nothing(_db: Database, _round_id: int) -> list[tuple[str, bytes]]:
        raise ValidationError("Chưa có giấy chứng nhận nào để in.")

    def twins(_db: Database, _round_id: int) -> list[tuple[str, bytes]]:
        return [("du-lieu-dot-2026-1.xlsx", b"a"), ("../../thoat-ra.pdf", b"b")]

    round_documents.register("chua-co", nothing, "Chưa có gì")
    round_documents.register("trung-ten", twins, "Tên trùng")
    try:
        result = finalize.finalize_round(demo_db, "2026/1", archive_root=tmp_path)
    finally:
        round_documents.unregister("chua-co")
        round_documents.unregister("trung-ten")
    assert result.archive is not None
    assert any(label == "Chưa có gì" for label, _ in result.archive.failures)
    docs = sorted(p.name for p in (result.archive.folder / "van-ban").iterdir())
    assert {"du-lieu-dot-2026-1.xlsx", "thoat-ra.pdf", "trung-ten-du-lieu-dot-2026-1.xlsx"} <= set(docs)
    readme = (result.archive.folder / "DOC-TOI.txt").read_text(encoding="utf-8")
    assert "Chưa có gì: Dữ liệu không hợp lệ" in readme
    assert finalize.verify_archive(result.archive.folder) == []
    assert not list(tmp_path.glob("*.part"))


def test_registry_discovers_producers() -> None:
    names = [p.name for p in round_documents.registered()]
    assert "du-lieu-dot" in names
    # the printing catalog's round documents, every format
    assert {
        "van-ban-score-summary-pdf",
        "van-ban-decision-docx",
        "van-ban-certificates-pdf",
        "van-ban-dost-xlsx",
    } <= set(names)
    with pytest.raises(ValueError):
        round_documents.register("Tên có dấu", lambda d, r: [])


def test_archive_of_a_graded_round_holds_its_signed_documents(demo_db: Database, tmp_path: Path) -> None:
    from sangkien_desktop.cli import main

    url = demo_db.url.render_as_string(hide_password=False)
    if main(["--db", url, "grade", "--round", "2026/1", "--apply"]) != 0:
        pytest.skip("grading is not available")
    assert main(["--db", url, "certificates", "allocate", "--round", "2026/1"]) == 0
    result = finalize.finalize_round(
        demo_db, "2026/1", decision_no="15/QĐ-HĐSK", decision_date=dt.date(2026, 5, 25), archive_root=tmp_path
    )
    assert result.archive is not None and result.archive.failures == []
    docs = {p.name for p in (result.archive.folder / "van-ban").iterdir()}
    for expected in (
        "bang-tong-hop-diem-dot-1-nam-2026.pdf",
        "bang-tong-hop-diem-dot-1-nam-2026.xlsx",
        "bien-ban-hop-hoi-dong-dot-1-nam-2026.pdf",
        "quyet-dinh-cong-nhan-dot-1-nam-2026.pdf",
        "quyet-dinh-cong-nhan-dot-1-nam-2026.docx",
        "giay-chung-nhan-dot-1-nam-2026.pdf",
        "danh-sach-gui-so-khcn-dot-1-nam-2026.xlsx",
        "du-lieu-dot-2026-1.xlsx",
    ):
        assert expected in docs, expected
    assert finalize.verify_archive(result.archive.folder) == []
    assert check.run_checks(demo_db).ok
