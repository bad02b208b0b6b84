"""Score sheets (PDF, Excel) and reading a member's filled workbook back."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.models import AuditEntry, Round, Score
from sangkien_desktop.services.documents import score_import, score_sheets
from sangkien_desktop.services.documents.round_data import RoundData, load_round

from .conftest import needs_pdftotext, pdf_text, round_id


@pytest.fixture
def data(demo_db: Database) -> RoundData:
    with demo_db.reading() as session:
        return load_round(session, round_id(demo_db, 1))


@needs_pdftotext
def test_pdf_has_members_codes_and_rubric(data: RoundData, tmp_path: Path) -> None:
    member = data.active_members[3]
    text = pdf_text(score_sheets.score_sheets_pdf(data, member.id), tmp_path)
    assert "PHIẾU CHẤM ĐIỂM SÁNG KIẾN" in text
    assert member.name in text
    assert score_sheets.sheet_code(data, member) in text
    for c in data.criteria:
        assert c.name in text
    dossiers = data.dossiers_of_member(member.id)
    assert dossiers
    for d in dossiers:
        assert d.code in text
    assert "(tối đa 30)" in text
    assert "NGƯỜI CHẤM" in text


def _header_row(ws) -> int:  # type: ignore[no-untyped-def]
    for r in range(1, 40):
        if ws.cell(row=r, column=2).value == score_sheets.CODE_HEADER:
            return r
    raise AssertionError("no header row")


def test_xlsx_sheet_per_member_with_validation(data: RoundData) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(score_sheets.score_sheets_xlsx(data)))
    assert len(wb.worksheets) == len(data.active_members)
    for ws, member in zip(wb.worksheets, data.active_members, strict=True):
        hr = _header_row(ws)
        codes = [ws.cell(row=r, column=2).value for r in range(hr + 1, hr + 1 + 200)]
        expected = [d.code for d in data.dossiers_of_member(member.id)]
        assert codes[: len(expected)] == expected
        found = [c.value for row in ws.iter_rows(max_row=hr) for c in row if c.value]
        assert score_sheets.sheet_code(data, member) in found
        assert ws.protection.sheet
        first_input = ws.cell(row=hr + 1, column=6)
        assert first_input.protection.locked is False
        assert ws.cell(row=hr + 1, column=3).protection.locked is not False
        ranges = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
        assert any(dv.formula2 == "30" for dv in ranges.values())
        assert ws.page_setup.orientation == "landscape"


def _fill(path: Path, data: bytes, values: dict[tuple[int, int, int], object]) -> Path:
    """values: (sheet index, row offset from header, criterion index) → value."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, offset, crit), value in values.items():
        ws = wb.worksheets[sheet]
        ws.cell(row=_header_row(ws) + offset, column=6 + crit).value = value
    wb.save(path)
    return path


def _scores(db: Database, member_id: int) -> dict[tuple[int, int], Decimal]:
    with db.reading() as session:
        return {
            (d, c): p
            for d, c, p in session.execute(
                select(Score.dossier_id, Score.criterion_id, Score.points).where(Score.member_id == member_id)
            )
        }


def test_import_round_trip(demo_db: Database, data: RoundData, tmp_path: Path) -> None:
    member = data.active_members[1]
    xlsx = score_sheets.score_sheets_xlsx(data, member.id)
    d1, d2 = data.dossiers_of_member(member.id)[:2]
    path = _fill(
        tmp_path / "phieu.xlsx",
        xlsx,
        {(0, 1, 0): 27.5, (0, 1, 1): 20, (0, 1, 2): "24,5", (0, 1, 3): 12, (0, 2, 0): 10, (0, 2, 1): 10,
         (0, 2, 2): 10, (0, 2, 3): 10},
    )  # fmt: skip
    before = _scores(demo_db, member.id)
    check = score_import.import_scores(demo_db, path, dry_run=True)
    assert check.dry_run and check.dossiers == 2
    assert _scores(demo_db, member.id) == before  # a check writes nothing
    report = score_import.import_scores(demo_db, path)
    after = _scores(demo_db, member.id)
    crit = [c.id for c in data.criteria]
    assert after[(d1.id, crit[0])] == Decimal("27.5")
    assert after[(d1.id, crit[2])] == Decimal("24.5")
    assert after[(d2.id, crit[3])] == Decimal("10")
    assert report.written == check.written > 0
    with demo_db.reading() as session:
        logged = session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "score"))
    assert logged and logged >= 1
    again = score_import.import_scores(demo_db, path)
    assert again.written == 0 and again.unchanged == 8
    # undo puts every cell back as it was, redo re-applies
    assert report.before is not None and report.after is not None
    score_import.restore_scores(demo_db, report.before, "hoàn tác")
    assert _scores(demo_db, member.id) == before
    score_import.restore_scores(demo_db, report.after, "làm lại")
    assert _scores(demo_db, member.id) == after


def test_out_of_range_and_bad_values_named_by_cell(
    demo_db: Database, data: RoundData, tmp_path: Path
) -> None:
    member = data.active_members[0]
    xlsx = score_sheets.score_sheets_xlsx(data, member.id)
    path = _fill(
        tmp_path / "sai.xlsx",
        xlsx,
        {(0, 1, 0): 35, (0, 1, 1): 20, (0, 1, 2): 20, (0, 1, 3): 10,  # 35 > 30
         (0, 2, 0): "abc", (0, 2, 1): 1, (0, 2, 2): 1, (0, 2, 3): 1,
         (0, 3, 0): 5, (0, 3, 1): 5,  # partial row
         (0, 4, 0): -1, (0, 4, 1): 1, (0, 4, 2): 1, (0, 4, 3): 1.125},
    )  # fmt: skip
    before = _scores(demo_db, member.id)
    with pytest.raises(ValidationError) as err:
        score_import.import_scores(demo_db, path)
    text = str(err.value)
    ws = openpyxl.load_workbook(path).worksheets[0]
    hr = _header_row(ws)
    assert f"ô F{hr + 1}" in text and "35" in text and "0 – 30" in text
    assert f"ô F{hr + 2}" in text and "abc" in text
    assert f"ô H{hr + 3}" in text and "để trống" in text
    assert f"ô F{hr + 4}" in text
    assert f"ô I{hr + 4}" in text and "2 chữ số thập phân" in text
    d1 = data.dossiers_of_member(member.id)[0]
    assert d1.code in text
    assert _scores(demo_db, member.id) == before  # nothing written


def test_unassigned_dossier_refused(demo_db: Database, data: RoundData, tmp_path: Path) -> None:
    member = data.active_members[0]
    mine = {d.id for d in data.dossiers_of_member(member.id)}
    other = next(d for d in data.considered() if d.id not in mine)
    wb = openpyxl.load_workbook(io.BytesIO(score_sheets.score_sheets_xlsx(data, member.id)))
    ws = wb.worksheets[0]
    hr = _header_row(ws)
    ws.cell(row=hr + 1, column=2).value = other.code
    for c in range(4):
        ws.cell(row=hr + 1, column=6 + c).value = 5
    path = tmp_path / "khac.xlsx"
    wb.save(path)
    with pytest.raises(ValidationError, match="không được phân công"):
        score_import.import_scores(demo_db, path)


def test_not_a_score_workbook(demo_db: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Tổng hợp đăng ký"
    path = tmp_path / "khac.xlsx"
    wb.save(path)
    with pytest.raises(ValidationError, match="không có phiếu chấm"):
        score_import.import_scores(demo_db, path)
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(Exception, match=r"hong\.xlsx"):
        score_import.import_scores(demo_db, broken)


def test_finalized_round_is_read_only(demo_db: Database, data: RoundData, tmp_path: Path) -> None:
    member = data.active_members[1]
    path = _fill(
        tmp_path / "p.xlsx",
        score_sheets.score_sheets_xlsx(data, member.id),
        {(0, 1, 0): 1, (0, 1, 1): 1, (0, 1, 2): 1, (0, 1, 3): 1},
    )
    with demo_db.session() as session:
        session.get(Round, data.id).status = RoundStatus.FINALIZED  # type: ignore[union-attr]
    before = _scores(demo_db, member.id)
    with pytest.raises(RoundLockedError):
        score_import.import_scores(demo_db, path)
    assert _scores(demo_db, member.id) == before
