"""Issue 20's acceptance: earlier years' decision lists (``tests/helpers/decision_lists.py``: .xlsx and .docx
written here, .xls made from them by LibreOffice once per test session; one typed in TCVN3, one with merged
author rows, one whose table continues on a second page with its header repeated) imported through
``sangkien import recognized`` and checked field by field; the same list twice refused; a refusal naming the
row; and what the imported year feeds: the next year's registration flagged as already recognized, the
person history listing both years."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, text

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import legacy_encoding as le
from sangkien_desktop.models import AuditEntry, Person, RecognizedInitiative, Unit, UnitAlias
from sangkien_desktop.services import duplicates, recognized_actions, registrations
from sangkien_desktop.services.importers.recognized import RecognizedOptions, import_undoable
from tests.helpers import decision_lists as dl

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")

CASES = {
    "merged-authors.xlsx": (dl.write_xlsx, dl.Layout()),
    "tcvn3-page-two.xlsx": (dl.write_xlsx, dl.Layout(encoding=le.TCVN3, split_at=3)),
    "page-two.docx": (dl.write_docx, dl.Layout(split_at=3)),
    "tcvn3.docx": (dl.write_docx, dl.Layout(encoding=le.TCVN3)),
    "authors-in-one-cell.docx": (dl.write_docx, dl.Layout(merged_authors=False, amounts_as_text=True)),
}
XLS = {"old-excel.xls": "merged-authors.xlsx", "old-excel-tcvn3.xls": "tcvn3-page-two.xlsx"}


@pytest.fixture(scope="session")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("danh-sach-cong-nhan")
    for name, (writer, layout) in CASES.items():
        writer(folder / name, layout=layout)
    if shutil.which("soffice") is not None:
        sources = []
        for name, source in XLS.items():  # LibreOffice names its output after its input
            copy = folder / "lo" / (Path(name).stem + ".xlsx")
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(folder / source, copy)
            sources.append(copy)
        dl.to_xls(sources, folder)
    yield folder


def _catalog(db: Database) -> int:
    """The units of the lists (one known by an alias) and one author already known: returns their person id."""
    with db.session() as s:
        units = {name: Unit(name=name) for name in dl.UNITS}
        s.add_all(units.values())
        s.flush()
        s.add(UnitAlias(unit_id=units[dl.VAN_PHUC].id, alias=dl.VAN_PHUC_ALIAS))
        name, unit = dl.EXISTING_PERSON
        person = Person(full_name=name, unit_id=units[unit].id)
        s.add(person)
        s.flush()
        return person.id


def _run(url: str, *args: str) -> int:
    return main(["--db", url, *args])


def _import(url: str, path: Path, *extra: str) -> int:
    return _run(url, "import", "recognized", str(path), "--year", str(dl.YEAR), *extra)


def _unit_name(written: str) -> str:
    return dl.VAN_PHUC if written == dl.VAN_PHUC_ALIAS else written


@pytest.mark.parametrize(
    "name",
    [*CASES, *[pytest.param(n, marks=needs_soffice) for n in XLS]],
)
def test_every_row_lands_with_the_right_fields(
    lists: Path, name: str, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    known = _catalog(db)
    assert _import(db_url, lists / name, "--json") == 0, capsys.readouterr().err
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] and out["decision_no"] == dl.DECISION_NO
    assert out["decision_date"] == dl.DECISION_DATE.isoformat()
    assert out["counts"]["people_matched"] == 1 and out["counts"]["people_new"] == 7
    if "tcvn3" in name:
        assert any("TCVN3" in note for note in out["notes"])
    assert _run(db_url, "recognized", "list", "--json") == 0
    rows = sorted(json.loads(capsys.readouterr().out), key=lambda r: r["seq"])
    assert len(rows) == len(dl.ROWS)
    for got, want in zip(rows, dl.ROWS, strict=True):
        assert got["title"] == want.title
        assert got["unit"] == _unit_name(want.unit)
        assert got["grade_label"] == want.grade
        assert got["grade"] == {"Loại A": "A", "Loại B": "B", "Loại C": "C"}.get(want.grade, "CN")
        assert (got["points"], got["amount"]) == (str(want.points) if want.points else None, want.amount)
        assert (got["decision_no"], got["year"], got["file"]) == (dl.DECISION_NO, dl.YEAR, name)
        assert [(a["name"], a["job_title"], a["unit"], a["certificate"]) for a in got["authors"]] == [
            (a.name, a.job, _unit_name(a.unit), a.certificate) for a in want.authors
        ]
    first_author = rows[0]["authors"][0]
    assert first_author["person_id"] == known  # matched by name and unit, not added again


def test_preview_lists_matches_and_new_people_and_writes_nothing(
    lists: Path, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _catalog(db)
    assert _import(db_url, lists / "merged-authors.xlsx", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "6 sáng kiến được công nhận năm 2023 (QĐ 45/QĐ-UBND)" in out
    assert "Tác giả đã có trong dữ liệu (1):" in out and "= Nguyễn Văn An — Trường THCS Bắc Sơn" in out
    assert "Người mới sẽ được thêm (7):" in out and "+ Phạm Thị Dung — Trường Tiểu học Vạn Phúc" in out
    with db.reading() as s:
        assert s.scalar(select(func.count(RecognizedInitiative.id))) == 0


def test_the_same_list_twice_is_refused_unless_replace(
    lists: Path, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _catalog(db)
    assert _import(db_url, lists / "merged-authors.xlsx") == 0
    with db.reading() as s:
        people = s.scalar(select(func.count(Person.id)))
    capsys.readouterr()
    # the same rows in another file (Word) are the same list
    assert _import(db_url, lists / "page-two.docx") == 1
    err = capsys.readouterr().err
    assert "Danh sách này đã được nhập ngày" in err and "--replace" in err
    assert err.count("  - ") == 1  # one refusal, not one per row
    assert _import(db_url, lists / "page-two.docx", "--replace") == 0
    assert "đã thay 6 sáng kiến của lần nhập trước" in capsys.readouterr().out
    with db.reading() as s:
        assert s.scalar(select(func.count(RecognizedInitiative.id))) == 6
        assert s.scalar(select(func.count(Person.id))) == people  # the people were kept, not added again
        actions = [
            a for (a,) in s.execute(select(AuditEntry.action).where(AuditEntry.entity == "recognized_import"))
        ]
    assert actions == ["import", "delete", "import"]


def test_a_refusal_names_the_row_and_nothing_is_written(
    tmp_path: Path, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _catalog(db)
    bad = list(dl.ROWS)
    bad[1] = dl.Row(bad[1].title, (dl.Author("Lê Văn Cường", "Chuyên viên", "Phòng Nội vụ", "003/GCN"),), "Loại B",
                    bad[1].points, bad[1].amount)  # fmt: skip
    path = dl.write_xlsx(tmp_path / "bad.xlsx", tuple(bad), dl.Layout(amounts_as_text=True))
    wb = openpyxl.load_workbook(path)
    wb.active["H9"] = "hai triệu"  # the third row's amount
    wb.save(path)
    assert _import(db_url, path) == 1
    err = capsys.readouterr().err
    assert "Dòng 8 (TT 2), cột Đơn vị: đơn vị 'Phòng Nội vụ' chưa có trong danh mục đơn vị" in err
    assert "Dòng 9 (TT 3), cột Số tiền: số tiền 'hai triệu' không đọc được" in err
    with db.reading() as s:
        assert s.scalar(select(func.count(RecognizedInitiative.id))) == 0
        assert s.scalar(select(func.count(Person.id))) == 1


def test_next_year_registration_is_flagged_as_already_recognized(
    lists: Path, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _catalog(db)
    assert _import(db_url, lists / "merged-authors.xlsx") == 0
    unit = registrations.find_unit(db, dl.BAC_SON)
    reg_id, _ = registrations.create(
        db,
        registrations.RegistrationData(
            year=2024,
            unit_id=unit.id,
            title="Sử dụng phần mềm Geogebra trong dạy học môn hình học lớp 9",
            authors_text="Nguyễn Văn An",
        ),
    )
    found = duplicates.matches_for(db, reg_id)
    assert found and found[0].kind == "imported"
    assert "đã được công nhận năm 2023, QĐ 45/QĐ-UBND" in found[0].label
    capsys.readouterr()
    assert _run(db_url, "registrations", "duplicates", "--year", "2024", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["id"] == reg_id and report[0]["matches"][0]["imported"] is True


def test_person_history_lists_both_years(
    lists: Path, db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _catalog(db)
    assert _import(db_url, lists / "merged-authors.xlsx") == 0
    second = tmp_path / "2024.xlsx"
    later = tuple(
        dl.Row(r.title + " (giai đoạn 2)", r.authors[:1], r.grade, r.points, r.amount) for r in dl.ROWS[:2]
    )
    dl.write_xlsx(
        second, later, dl.Layout(title=dl.title_lines(2024, "12/QĐ-UBND ngày 15 tháng 12 năm 2024"))
    )
    assert _run(db_url, "import", "recognized", str(second), "--year", "2024") == 0
    out = tmp_path / "ca-nhan.xlsx"
    assert _run(db_url, "export", "person-history", "-o", str(out)) == 0
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    an = [r for r in rows if r[1] == "Nguyễn Văn An"]
    assert [r[5] for r in an] == [2023, 2024]
    assert all("dữ liệu nhập" in r[6] for r in an)
    assert [r[11] for r in an] == ["45/QĐ-UBND", "12/QĐ-UBND"]


RECOGNIZED_TABLES = (
    "years",
    "units",
    "people",
    "recognized_imports",
    "recognized_initiatives",
    "recognized_authors",
)


def _tables(db: Database) -> dict[str, list[tuple[object, ...]]]:
    with db.reading() as s:  # sorted here: "ORDER BY 1" is not the key on PostgreSQL
        return {
            t: sorted((tuple(r) for r in s.execute(text(f"SELECT * FROM {t}"))), key=repr)
            for t in RECOGNIZED_TABLES
        }


def test_undo_and_redo_of_an_import_are_exact(lists: Path, db: Database) -> None:
    """Ctrl+Z of an import that replaced an earlier one brings that one back with its ids (it used to delete
    both); undoing the first import leaves no year or unit it added; redo is exact too."""
    _catalog(db)
    with db.session() as s:  # a unit the list names that the catalog lacks: the import adds it
        s.delete(s.scalars(select(Unit).where(Unit.name == dl.UNITS[-1])).one())
    empty = _tables(db)
    assert all(row[0] != dl.YEAR for row in empty["years"])
    first = import_undoable(db, lists / "merged-authors.xlsx", RecognizedOptions(dl.YEAR, create_units=True))
    assert first.result.units_created
    one = _tables(db)
    second = import_undoable(db, lists / "page-two.docx", RecognizedOptions(dl.YEAR, replace=True))
    assert second.result.replaced == 6
    two = _tables(db)
    assert two != one
    undone = recognized_actions.take_back(db, second)
    assert _tables(db) == one  # the replaced list is back, with its ids
    redone = recognized_actions.take_back(db, undone)
    assert _tables(db) == two
    recognized_actions.take_back(db, redone)
    recognized_actions.take_back(db, first)
    assert _tables(db) == empty  # no list, no person, no unit and no year left behind
