"""Score workbooks as members send them back: the sheet's own total against the criteria read, totals typed
without criteria, the workbook saved as .ods, and the exported sheets protected with a password."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import Score
from sangkien_desktop.services.documents import score_import, score_sheets
from sangkien_desktop.services.documents.round_data import RoundData, load_round
from sangkien_desktop.services.importers.readers.convert import convert_many
from tests.services.documents.conftest import round_id


@pytest.fixture
def data(demo_db: Database) -> RoundData:
    with demo_db.reading() as session:
        return load_round(session, round_id(demo_db, 1))


def _header_row(ws) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(1, 40) if ws.cell(row=r, column=2).value == score_sheets.CODE_HEADER)


def _filled(
    path: Path, data: RoundData, member_id: int, rows: dict[int, tuple[list[object], object]]
) -> Path:
    """rows: offset under the header → (criterion values, what the Tổng điểm cell holds)."""
    wb = openpyxl.load_workbook(io.BytesIO(score_sheets.score_sheets_xlsx(data, member_id)))
    ws = wb.worksheets[0]
    hr = _header_row(ws)
    total_col = 6 + len(data.criteria)
    for offset, (values, total) in rows.items():
        for i, value in enumerate(values):
            ws.cell(row=hr + offset, column=6 + i).value = value
        ws.cell(row=hr + offset, column=total_col).value = total  # Excel's computed total
    wb.save(path)
    return path


def _points(db: Database, member_id: int) -> dict[int, Decimal]:
    with db.reading() as s:
        return {
            d: p
            for d, p in s.execute(select(Score.dossier_id, Score.points).where(Score.member_id == member_id))
        }


def test_exported_sheets_are_password_protected(data: RoundData) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(score_sheets.score_sheets_xlsx(data)))
    for ws in wb.worksheets:
        assert ws.protection.sheet and ws.protection.password


def test_total_differing_from_criteria_needs_confirmation(
    demo_db: Database, data: RoundData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member = data.active_members[2]
    # "25" typed as text: Excel's SUM left it out (60), the app reads 85
    path = _filled(
        tmp_path / "phieu.xlsx", data, member.id, {1: ([25, 20, "25", 15], 60), 2: ([10, 10, 10, 10], 40)}
    )
    before = _points(demo_db, member.id)
    with pytest.raises(score_import.TotalsNeedConfirmation) as caught:
        score_import.import_scores(demo_db, path)
    (issue,) = caught.value.mismatches
    assert "tổng trên phiếu 60 nhưng các tiêu chí cộng lại 85" in issue.message
    assert "dòng" not in issue.where and issue.where.endswith(
        f"{data.dossiers_of_member(member.id)[0].code})"
    )
    assert _points(demo_db, member.id) == before
    check = score_import.import_scores(demo_db, path, dry_run=True)
    assert len(check.total_mismatches) == 1 and "khác tổng các tiêu chí" in check.summary()
    url = demo_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "import", "scores", str(path)]) == 1
    assert "--confirm-totals" in capsys.readouterr().err
    assert main(["--db", url, "import", "scores", str(path), "--confirm-totals"]) == 0
    assert _points(demo_db, member.id) != before


def test_totals_only_are_refused_naming_the_rows(demo_db: Database, data: RoundData, tmp_path: Path) -> None:
    member = data.active_members[2]
    path = _filled(tmp_path / "tong.xlsx", data, member.id, {1: ([None] * 4, 85), 2: ([None] * 4, 72.5)})
    before = _points(demo_db, member.id)
    with pytest.raises(ValidationError) as caught:
        score_import.import_scores(demo_db, path, confirm_totals=True)
    text = str(caught.value)
    codes = [d.code for d in data.dossiers_of_member(member.id)[:2]]
    hr = _header_row(openpyxl.load_workbook(path).worksheets[0])
    for offset, code in enumerate(codes, start=1):
        assert f"dòng {hr + offset} ({code}): chỉ có tổng điểm" in text
    assert _points(demo_db, member.id) == before


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")
def test_workbook_saved_as_ods_is_read(demo_db: Database, data: RoundData, tmp_path: Path) -> None:
    member = data.active_members[2]
    path = _filled(tmp_path / "phieu.xlsx", data, member.id, {1: ([25, 20, 25, 15], None)})
    convert_many([path], "ods", tmp_path)
    report = score_import.import_scores(demo_db, tmp_path / "phieu.ods")
    assert report.dossiers == 1 and report.written + report.unchanged == 4 and not report.total_mismatches
