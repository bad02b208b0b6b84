"""TCVN3/VNI files reach the catalog, the duplicate search and new units converted: nothing downstream ever
sees legacy text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import legacy_encoding as le
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.models import Registration, Unit
from sangkien_desktop.services.registration_import import ImportOptions, preview_file
from tests.helpers.unit_corpus import Table, row, write_xlsx


def test_new_unit_from_a_tcvn3_letterhead_is_created_converted(demo_db: Database, tmp_path: Path) -> None:
    rows = [dict(row("Tcvn3 góc đọc sách cho trẻ", "Nguyễn Thị Hương", "Lớp lá"), **{form.APPLIED_UNIT: ""})]
    table = Table(rows, unit_line="Đơn vị: Trường Mầm non Hoa Sen", encoding=le.TCVN3)
    path = write_xlsx(tmp_path / "hoa-sen.xlsx", [("Sheet1", table)])
    url = demo_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "import", "registrations", str(path), "--year", "2026", "--create-units"]) == 0
    with demo_db.reading() as s:
        unit = s.scalars(select(Unit).where(Unit.name == "Trường Mầm non Hoa Sen")).one()
        reg = s.scalars(select(Registration).where(Registration.unit_id == unit.id)).one()
        assert reg.title == "Tcvn3 góc đọc sách cho trẻ" and reg.authors_text == "Nguyễn Thị Hương"
        assert reg.title_key == "tcvn3 goc doc sach cho tre"


def test_duplicate_search_sees_the_converted_title(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as s:
        earlier = s.scalars(select(Registration).where(Registration.year == 2026).limit(1)).one().title
    rows = [row(earlier.rstrip(".") + ".", "Lê Văn Tám", "Tổ Toán")]
    path = write_xlsx(tmp_path / "vni.xlsx", [("Sheet1", Table(rows, encoding=le.VNI))])
    preview = preview_file(demo_db, path, ImportOptions(year=2027))
    (found,) = preview.data_rows
    assert found.get(form.TITLE) == earlier.rstrip(".") + "." and found.converted == ("VNI",)
    assert found.duplicates and found.duplicates[0].score >= 95
