"""Importing units' registration tables: every cell in the right field, all rows or none."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.domain.errors import NotFoundError, SangKienError
from sangkien_desktop.models import AuditEntry, Base, ImportMapping, Registration, RegistrationAuthor, Unit
from sangkien_desktop.services import registrations
from sangkien_desktop.services import registrations_actions as actions
from sangkien_desktop.services.registration_import import (
    ImportOptions,
    ImportRefused,
    import_file,
    preview_file,
    undo_import,
)
from tests.helpers.registration_files import SAMPLE_ROWS, write_docx, write_xlsx

YEAR = 2025


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.reading() as s:
        return (
            s.scalar(select(func.count(Registration.id))) or 0,
            s.scalar(select(func.count(RegistrationAuthor.id))) or 0,
            s.scalar(select(func.count(AuditEntry.id))) or 0,
            s.scalar(select(func.count(Unit.id))) or 0,
        )


def imported(db: Database, year: int = YEAR) -> list[registrations.RegistrationRow]:
    rows = registrations.list_registrations(db, year)
    return sorted(rows, key=lambda r: r.id)


def authors(db: Database, registration_id: int) -> list[tuple[str, str]]:
    with db.reading() as s:
        found = s.execute(
            select(RegistrationAuthor.full_name, RegistrationAuthor.department)
            .where(RegistrationAuthor.registration_id == registration_id)
            .order_by(RegistrationAuthor.position)
        ).all()
    return [(n, d) for n, d in found]


def assert_sample_imported(db: Database, year: int = YEAR) -> None:
    regs = imported(db, year)
    assert len(regs) == len(SAMPLE_ROWS)
    for reg, row in zip(regs, SAMPLE_ROWS, strict=True):
        assert reg.unit_name == "Trường THCS Bắc Sơn"
        for field in form.TEXT_FIELDS:
            assert getattr(reg, field) == row[field], field
    assert authors(db, regs[0].id) == [("Nguyễn Thị Hương", "Tổ Ngữ văn"), ("Trần Văn Đức", "Tổ Toán")]
    assert [n for n, _ in authors(db, regs[2].id)] == ["Phạm Quang Vũ", "Đặng Thùy Dương"]
    assert regs[0].source.endswith((".xlsx", ".docx"))
    assert [r.seq for r in regs] == [1, 2, 3]


def test_seed_like_xlsx_imports_every_cell(demo_db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bac-son.xlsx", year=YEAR)
    result = import_file(demo_db, path, ImportOptions(year=YEAR, received_on=dt.date(2025, 9, 10)))
    assert result.created == 3 and result.updated == 0 and result.warnings == []
    assert result.preview.file_unit == "Trường THCS Bắc Sơn"
    assert result.preview.header.columns == {c.field: i for i, c in enumerate(form.COLUMNS)}
    assert_sample_imported(demo_db)
    assert "Đã nhập 3 đăng ký năm 2025 từ tệp bac-son.xlsx" in result.summary()
    with demo_db.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert entry.action == "import" and "bac-son.xlsx" in entry.summary
        assert json.loads(entry.new_values)["ids"] == result.registration_ids


@pytest.mark.parametrize("header_as_table", [True, False], ids=["header-table", "header-paragraphs"])
def test_seed_like_docx_imports_every_cell(demo_db: Database, tmp_path: Path, header_as_table: bool) -> None:
    path = write_docx(tmp_path / "bac-son.docx", year=YEAR, header_as_table=header_as_table)
    result = import_file(demo_db, path, ImportOptions(year=YEAR, received_on=dt.date(2025, 9, 1)))
    assert result.created == 3
    assert result.preview.table_name == ("bảng 2" if header_as_table else "bảng 1")
    assert_sample_imported(demo_db)


def test_broken_row_refused_and_database_unchanged(demo_db: Database, tmp_path: Path) -> None:
    rows = [dict(r) for r in SAMPLE_ROWS]
    rows[1][form.TITLE] = ""
    path = write_xlsx(tmp_path / "broken.xlsx", rows, year=YEAR)
    before = counts(demo_db)
    with pytest.raises(ImportRefused) as caught:
        import_file(demo_db, path, ImportOptions(year=YEAR))
    assert counts(demo_db) == before
    message = str(caught.value)
    assert "chưa nhập được" in message
    assert "Dòng 10 (TT 2), cột Tên sáng kiến: Thiếu tên sáng kiến." in message
    assert [i.row for i in caught.value.preview.errors] == [10]


def test_preview_writes_nothing_and_lists_row_problems(demo_db: Database, tmp_path: Path) -> None:
    rows = [dict(r) for r in SAMPLE_ROWS]
    rows[2][form.AUTHORS] = "Phạm Quang Vũ, Đặng Thùy Dương, Lê Văn Tám"
    path = write_xlsx(tmp_path / "ba-tac-gia.xlsx", rows, year=YEAR)
    before = counts(demo_db)
    preview = preview_file(demo_db, path, ImportOptions(year=YEAR, received_on=dt.date(2025, 10, 1)))
    assert counts(demo_db) == before
    assert not preview.ok
    (error,) = preview.errors
    assert error.row == 11 and error.column == form.AUTHORS and "tối đa 2" in error.message
    late = [w for w in preview.warnings if "sau hạn 15/09/2025" in w.message]
    assert len(late) == 3
    assert preview.counts()["rows"] == 3 and preview.counts()["rows_with_errors"] == 1
    assert "3 dòng đăng ký (3 mới)" in preview.summary()


def test_same_file_twice_is_refused_unless_replacing(demo_db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", year=YEAR)
    import_file(demo_db, path, ImportOptions(year=YEAR))
    before = counts(demo_db)
    with pytest.raises(ImportRefused) as caught:
        import_file(demo_db, path, ImportOptions(year=YEAR))
    assert len(caught.value.preview.errors) == 3
    assert "đã đăng ký sáng kiến" in caught.value.preview.errors[0].message
    assert counts(demo_db) == before

    rows = [dict(r) for r in SAMPLE_ROWS[:2]]
    rows[0][form.SCOPE] = "Toàn trường và các trường bạn"
    corrected = write_xlsx(tmp_path / "b.xlsx", rows, year=YEAR)
    result = import_file(demo_db, corrected, ImportOptions(year=YEAR, replace=True))
    assert (result.created, result.updated, result.deleted) == (0, 2, 1)
    regs = imported(demo_db)
    assert len(regs) == 2 and regs[0].scope == "Toàn trường và các trường bạn"


def test_duplicate_title_inside_file(demo_db: Database, tmp_path: Path) -> None:
    rows = [dict(SAMPLE_ROWS[0]), dict(SAMPLE_ROWS[0])]
    rows[1][form.TITLE] = rows[1][form.TITLE].upper()
    preview = preview_file(
        demo_db, write_xlsx(tmp_path / "d.xlsx", rows, year=YEAR), ImportOptions(year=YEAR)
    )
    (error,) = preview.errors
    assert error.row == 10 and "trùng với dòng 9" in error.message


def test_unknown_unit_in_title_and_create_units(demo_db: Database, tmp_path: Path) -> None:
    rows = [dict(r, **{form.APPLIED_UNIT: ""}) for r in SAMPLE_ROWS]
    path = write_xlsx(tmp_path / "moi.xlsx", rows, year=YEAR, unit_line="ĐƠN VỊ: Trường Tiểu học Hòa Bình")
    before = counts(demo_db)
    with pytest.raises(ImportRefused) as caught:
        import_file(demo_db, path, ImportOptions(year=YEAR))
    (error,) = caught.value.preview.errors
    assert error.where == "Đầu tệp" and "Trường Tiểu học Hòa Bình" in error.message
    assert counts(demo_db) == before
    result = import_file(demo_db, path, ImportOptions(year=YEAR, create_units=True))
    assert result.units_created == ["Trường Tiểu học Hòa Bình"]
    with demo_db.reading() as s:
        unit = s.scalars(select(Unit).where(Unit.name == "Trường Tiểu học Hòa Bình")).one()
        assert unit.unit_type is not None and unit.unit_type.code == "tieu_hoc"
        assert s.scalar(select(func.count(Registration.id)).where(Registration.unit_id == unit.id)) == 3


def test_forced_unit_and_unknown_forced_unit(demo_db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "blank-unit.xlsx", year=YEAR, unit_line="ĐƠN VỊ.....")
    result = import_file(demo_db, path, ImportOptions(year=YEAR, unit="thcs bac son"))
    assert result.preview.file_unit == "Trường THCS Bắc Sơn" and result.created == 3
    with pytest.raises(NotFoundError, match="Có phải: Trường THCS Nam Sơn"):
        preview_file(demo_db, path, ImportOptions(year=YEAR, unit="Trường THCS Nam Sơnn"))


def test_merged_table_takes_units_from_the_column(demo_db: Database, tmp_path: Path) -> None:
    rows = [
        dict(SAMPLE_ROWS[0], **{form.APPLIED_UNIT: "Trường THCS Nam Sơn"}),
        dict(SAMPLE_ROWS[1], **{form.APPLIED_UNIT: ""}),  # merged down from the row above
        dict(SAMPLE_ROWS[2], **{form.APPLIED_UNIT: "Văn phòng Hội đồng nhân dân và UBND"}),  # an alias
        dict(SAMPLE_ROWS[0], **{form.APPLIED_UNIT: "Trường Tiểu học Chưa Có", form.TITLE: "Sáng kiến mới"}),
    ]
    path = write_xlsx(tmp_path / "tong-hop.xlsx", rows, year=YEAR, unit_line="ĐƠN VỊ.....")
    preview = preview_file(demo_db, path, ImportOptions(year=YEAR))
    units = [r.unit_name for r in preview.data_rows]
    assert units[:3] == ["Trường THCS Nam Sơn", "Trường THCS Nam Sơn", "Văn phòng HĐND và UBND phường"]
    (error,) = preview.errors
    assert error.row == 12 and "Trường Tiểu học Chưa Có" in error.message
    assert any("lấy theo dòng trên" in w.message for w in preview.warnings)
    result = import_file(demo_db, path, ImportOptions(year=YEAR, create_units=True))
    assert result.created == 4 and result.units_created == ["Trường Tiểu học Chưa Có"]


def test_no_unit_anywhere(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["TT", "Tên sáng kiến", "Tác giả", "Hiệu quả"])
    ws.append([1, "Đổi mới", "Lê A", "Tốt"])
    wb.save(path)
    preview = preview_file(db, path, ImportOptions(year=YEAR))
    assert any("Không xác định được đơn vị" in e.message for e in preview.errors)


def test_remembered_mapping_is_used_next_year(demo_db: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    def odd_file(path: Path, title: str) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append(["ĐƠN VỊ: Trường THCS Bắc Sơn"])
        ws.append(["TT", "Tên sáng kiến", "Người đề xuất", "Cách làm mới", "Bộ phận công tác"])
        ws.append([1, title, "Lê Thị Mai", "Dùng phiếu học tập số", "Tổ Toán"])
        wb.save(path)
        return path

    first = odd_file(tmp_path / "2025.xlsx", "Phiếu học tập số")
    preview = preview_file(demo_db, first, ImportOptions(year=YEAR))
    assert form.AUTHORS not in preview.header.columns
    assert not preview.ok
    moved = {form.AUTHORS: 2, form.CONTENT: 3}
    result = import_file(demo_db, first, ImportOptions(year=YEAR, columns=moved))
    assert imported(demo_db)[0].authors_text == "Lê Thị Mai"
    assert result.created == 1
    with demo_db.reading() as s:
        mapping = s.scalars(select(ImportMapping)).one()
        assert json.loads(mapping.mapping_json)["titles"]["nguoi de xuat"] == form.AUTHORS

    second = odd_file(tmp_path / "2026.xlsx", "Phiếu học tập số lớp 8")
    preview = preview_file(demo_db, second, ImportOptions(year=YEAR + 1))
    assert preview.header.columns[form.AUTHORS] == 2 and preview.header.columns[form.CONTENT] == 3
    assert preview.ok, preview.errors


def test_year_mismatch_and_duplicate_warning(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as s:
        old = s.scalars(select(Registration).where(Registration.year == 2026).limit(1)).one()
        old_title = old.title
    rows = [dict(SAMPLE_ROWS[0], **{form.TITLE: old_title + "."})]
    path = write_xlsx(tmp_path / "y.xlsx", rows, year=2024)
    preview = preview_file(demo_db, path, ImportOptions(year=2027))
    assert any("ghi năm 2024, đang nhập vào năm 2027" in i.message for i in preview.errors)
    (row,) = preview.data_rows
    assert row.duplicates and row.duplicates[0].year == 2026 and row.duplicates[0].score >= 95
    assert any("Giống sáng kiến" in i.message and "2026" in i.message for i in row.issues)


def test_undo_import(demo_db: Database, tmp_path: Path) -> None:
    before = counts(demo_db)[0]
    result = import_file(demo_db, write_xlsx(tmp_path / "u.xlsx", year=YEAR), ImportOptions(year=YEAR))
    assert undo_import(demo_db, result.registration_ids) == 3
    assert counts(demo_db)[0] == before


def test_files_that_are_not_tables(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    with pytest.raises(SangKienError, match="không phải tệp Office hợp lệ hoặc đã bị hỏng"):
        preview_file(db, bad, ImportOptions(year=YEAR))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(SangKienError, match="không phải tệp Office"):
        preview_file(db, fake, ImportOptions(year=YEAR))
    import docx

    d = docx.Document()
    d.add_paragraph("Không có bảng")
    d.save(str(tmp_path / "empty.docx"))
    with pytest.raises(SangKienError, match="không có bảng"):
        preview_file(db, tmp_path / "empty.docx", ImportOptions(year=YEAR))


def test_units_found_loosely(demo_db: Database) -> None:
    assert registrations.find_unit(demo_db, "truong thcs bac son").name == "Trường THCS Bắc Sơn"
    assert registrations.find_unit(demo_db, "Trường Trung học cơ sở Nam Sơn").name == "Trường THCS Nam Sơn"
    assert registrations.find_unit(demo_db, "THCS Quang Sơn").name == "Trường THCS Quang Sơn"
    assert registrations.find_unit(demo_db, "Hội Phụ nữ phường").name == "Hội Liên hiệp Phụ nữ phường"
    with pytest.raises(NotFoundError):
        registrations.find_unit(demo_db, "Sở Tài chính")


def test_undo_a_replacing_import(demo_db: Database, tmp_path: Path) -> None:
    import_file(demo_db, write_xlsx(tmp_path / "a.xlsx", year=YEAR), ImportOptions(year=YEAR))
    original = [(r.id, r.title, r.scope) for r in imported(demo_db)]
    rows = [
        dict(SAMPLE_ROWS[0], **{form.SCOPE: "Cả phường"}),
        dict(SAMPLE_ROWS[1]),
        {**SAMPLE_ROWS[2], form.TITLE: "Mới hẳn"},
    ]
    path = write_xlsx(tmp_path / "b.xlsx", rows, year=YEAR)
    options = ImportOptions(year=YEAR, replace=True)
    preview = preview_file(demo_db, path, options)
    touched = [r.existing_id for r in preview.data_rows if r.existing_id] + [i for i, _ in preview.to_delete]
    before = registrations.snapshots(demo_db, touched)
    result = import_file(demo_db, path, options)
    assert (result.created, result.updated, result.deleted) == (1, 2, 1)
    assert len(result.created_ids) == 1
    undo_import(demo_db, result.created_ids, before)
    assert [(r.id, r.title, r.scope) for r in imported(demo_db)] == original


IMPORT_TABLES = ("years", "units", "people", "registrations", "registration_authors", "import_mappings")


def _tables(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row's values as the app reads them (SQLite may keep one instant as two texts: with and without
    microseconds), sorted here: "ORDER BY 1" is not the key on PostgreSQL."""
    with db.reading() as s:
        return {
            t: sorted((tuple(r) for r in s.execute(select(Base.metadata.tables[t]))), key=repr)
            for t in IMPORT_TABLES
        }


def test_the_gui_import_undo_and_redo_are_exact(demo_db: Database, tmp_path: Path) -> None:
    """The Nhập step's undo (``registrations_actions.take_back``) puts back every row as it was — the ones a
    replacing import updated or deleted with their ids, no year, unit or mapping left from the first — and
    its redo brings the import back with the same ids (on PostgreSQL too)."""
    empty = _tables(demo_db)
    assert all(row[0] != YEAR for row in empty["years"])
    first = actions.import_file(demo_db, write_xlsx(tmp_path / "a.xlsx", year=YEAR), ImportOptions(year=YEAR))
    one = _tables(demo_db)
    rows = [
        dict(SAMPLE_ROWS[0], **{form.SCOPE: "Cả phường"}),
        dict(SAMPLE_ROWS[1]),
        {**SAMPLE_ROWS[2], form.TITLE: "Mới hẳn"},
    ]
    second = actions.import_file(
        demo_db, write_xlsx(tmp_path / "b.xlsx", rows, year=YEAR), ImportOptions(year=YEAR, replace=True)
    )
    assert (second.result.created, second.result.updated, second.result.deleted) == (1, 2, 1)
    two = _tables(demo_db)
    undone = actions.take_back(demo_db, second)
    assert _tables(demo_db) == one
    redone = actions.take_back(demo_db, undone)
    assert _tables(demo_db) == two
    actions.take_back(demo_db, actions.take_back(demo_db, redone))  # undo, redo again
    assert _tables(demo_db) == two
    actions.take_back(demo_db, redone)
    actions.take_back(demo_db, first)
    assert _tables(demo_db) == empty
