"""What an earlier year's imported decision list feeds (issue 20), on the graded demo database (2026): person
history across the imported and the graded years, reconciliation's list 3, search, the certificate register
(imported numbers never handed out again), the year report's multi-year figures, the warning at intake; and
editing, deleting and the lock once a later decision was taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError
from sangkien_desktop.models import (
    AuditEntry,
    Authorship,
    Dossier,
    GradeResult,
    Person,
    RecognizedAuthor,
    Round,
)
from sangkien_desktop.services import intake, recognized, reconciliation, search
from sangkien_desktop.services.documents import certificate_register, year_report
from sangkien_desktop.services.documents.year_data import load_year, person_history
from sangkien_desktop.services.duplicates import RECOGNIZED_GRADES
from sangkien_desktop.services.importers.recognized import RecognizedOptions, import_file
from sangkien_desktop.services.rounds import create_round
from tests.helpers import decision_lists as dl

from .conftest import needs_pdftotext, pdf_text, round_id

YEAR = 2025


@dataclass(frozen=True)
class Recognized2026:
    title: str
    person_id: int
    name: str
    unit: str


def _graded(db: Database, n: int = 2) -> list[Recognized2026]:
    """The first authors of some dossiers recognized in the demo's round 1 (2026), with their own units."""
    with db.reading() as s:
        rows = s.execute(
            select(Dossier.title, Person.id, Person.full_name, Person.unit_id)
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .join(Authorship, (Authorship.dossier_id == Dossier.id) & (Authorship.position == 0))
            .join(Person, Person.id == Authorship.person_id)
            .where(GradeResult.grade.in_(RECOGNIZED_GRADES), Dossier.round_id == round_id(db, 1))
            .where(Person.unit_id.is_not(None))
            .order_by(Dossier.receipt_no)
            .limit(n)
        ).all()
        from sangkien_desktop.models import Unit

        return [Recognized2026(t, pid, name, s.get(Unit, uid).name) for t, pid, name, uid in rows]  # type: ignore[union-attr]


def _list(folder: Path, people: list[Recognized2026], year: int = YEAR, certs: bool = True) -> Path:
    rows = tuple(
        dl.Row(
            f"{p.title} (bản năm {year})" if year == 2026 else p.title,
            (dl.Author(p.name, "Giáo viên", p.unit, f"{n:03d}/{year}" if certs else ""),),
            "Loại B",
            None,
            1_000_000,
        )
        for n, p in enumerate(people, start=1)
    )
    layout = dl.Layout(title=dl.title_lines(year, f"7/QĐ-UBND ngày 10 tháng 12 năm {year}"))
    return dl.write_xlsx(folder / f"danh-sach-{year}.xlsx", rows, layout)


def _import(db: Database, path: Path, year: int = YEAR) -> int:
    return import_file(db, path, RecognizedOptions(year=year)).import_id


def test_person_history_lists_the_imported_and_the_graded_year(graded_db: Database, tmp_path: Path) -> None:
    people = _graded(graded_db)
    _import(graded_db, _list(tmp_path, people))
    with graded_db.reading() as s:
        records = [r for r in person_history(s) if r.person_id == people[0].person_id]
    assert [(r.year, r.imported) for r in records][:2] == [(2025, True), (2026, False)]
    imported = records[0]
    assert imported.round_label == "Năm 2025 (dữ liệu nhập)" and imported.decision == "7/QĐ-UBND"
    assert imported.certificate == "001/2025" and imported.contribution is None


def test_reconciliation_names_the_imported_year(graded_db: Database, tmp_path: Path) -> None:
    people = _graded(graded_db, 1)
    _import(graded_db, _list(tmp_path, people))
    with graded_db.session() as s:  # a 2027 round with a dossier by the same author, same title
        rnd = create_round(s, 2027, 1)
        dossier = Dossier(
            year=2027, round_id=rnd.id, receipt_no=1, received_on=dt.date(2027, 3, 1),
            unit_id=s.get(Person, people[0].person_id).unit_id, title=people[0].title,  # type: ignore[union-attr]
        )  # fmt: skip
        s.add(dossier)
        s.flush()
        s.add(Authorship(dossier_id=dossier.id, person_id=people[0].person_id))
        rid = rnd.id
    found = [m for m in reconciliation.reconcile(graded_db, rid).already_recognized if m.earlier_imported]
    assert {m.kind for m in found} == {reconciliation.MatchKind.AUTHOR, reconciliation.MatchKind.TITLE}
    assert all(m.earlier_year == 2025 and m.earlier_code == "dữ liệu nhập, QĐ 7/QĐ-UBND" for m in found)
    assert found[0].earlier_grade == "Loại B"


def test_intake_warns_of_an_initiative_already_recognized(graded_db: Database, tmp_path: Path) -> None:
    person = _graded(graded_db, 1)[0]
    own = Recognized2026(
        "Ứng dụng bản đồ số trong quản lý cây xanh đô thị", person.person_id, person.name, person.unit
    )
    _import(graded_db, _list(tmp_path, [own]))
    with graded_db.session() as s:
        rid = create_round(s, 2026, 3).id
        unit_id = s.get(Person, person.person_id).unit_id  # type: ignore[union-attr]
    saved = intake.receive(
        graded_db,
        intake.DossierInput(
            round_id=rid,
            unit_id=unit_id,
            title="Ứng dụng bản đồ số để quản lý cây xanh đô thị",
            received_on=dt.date.today(),
            authors=[intake.AuthorInput("Trần Mới", dt.date(1990, 1, 1))],
        ),
    )
    texts = " ".join(w.text() for w in saved.warnings)
    assert "Tên sáng kiến: giống sáng kiến «Ứng dụng bản đồ số trong quản lý cây xanh đô thị»" in texts
    assert "đã được công nhận năm 2025, QĐ 7/QĐ-UBND" in texts


def test_search_finds_imported_initiatives_marked_so(graded_db: Database, tmp_path: Path) -> None:
    people = _graded(graded_db, 1)
    _import(graded_db, _list(tmp_path, people))
    word = people[0].name.split()[-1]
    for found in (
        search.search(graded_db, f"{people[0].title} {word}"),
        search.search_like(graded_db, people[0].title),
    ):
        hits = [h for h in found if h.kind == search.KIND_IMPORTED]
        assert hits and hits[0].year == 2025 and hits[0].code == "QĐ 7/QĐ-UBND"
        assert (
            hits[0].kind_label == "Đã công nhận (Loại B, dữ liệu nhập)"
            and hits[0].as_dict()["kind"] == "imported"
        )


def test_imported_certificate_numbers_are_never_reissued(graded_db: Database, tmp_path: Path) -> None:
    people = _graded(graded_db, 3)
    _import(
        graded_db, _list(tmp_path, people, year=2026), year=2026
    )  # 001/2026 … 003/2026 used before the app
    report = certificate_register.allocate_round(graded_db, round_id(graded_db, 1))
    assert report.numbered[0].register_no == 4
    with graded_db.reading() as s:
        rows = certificate_register.register_rows(s, 2026)
    assert [r.number for r in rows[:4]] == ["001/2026", "002/2026", "003/2026", "004/2026"]
    assert rows[0].note.startswith("Nhập từ danh sách năm 2026") and rows[3].note == ""
    # and an import may not take a number the register already gave
    (tmp_path / "x").mkdir()
    clash = _list(tmp_path / "x", people[:1], year=2026)
    with pytest.raises(Exception, match="số giấy chứng nhận 1 \\(sổ năm 2026\\) đã dùng"):
        import_file(graded_db, clash, RecognizedOptions(year=2026, decision_no="8/QĐ-UBND"))


def test_year_report_has_the_years_figures(graded_db: Database, tmp_path: Path) -> None:
    people = _graded(graded_db)
    _import(graded_db, _list(tmp_path, people))
    with graded_db.reading() as s:
        data = load_year(s, 2026)
        records = person_history(s, year_to=2026)
    assert [(h.year, h.imported) for h in data.history] == [(2025, 2), (2026, 0)]
    assert data.history[0].decisions == "QĐ 7/QĐ-UBND" and data.history[0].reward == 2_000_000
    path = tmp_path / "tong-ket.xlsx"
    path.write_bytes(year_report.year_report_xlsx(data, records))
    ws = openpyxl.load_workbook(path)["Qua các năm"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    row_2025 = next(r for r in values if r[0] == 2025)
    assert row_2025[3] == 2 and row_2025[7] == "QĐ 7/QĐ-UBND"


@needs_pdftotext
def test_year_report_pdf_has_the_years_section(graded_db: Database, tmp_path: Path) -> None:
    _import(graded_db, _list(tmp_path, _graded(graded_db)))
    with graded_db.reading() as s:
        data = load_year(s, 2026)
    text = pdf_text(year_report.year_report_pdf(data), tmp_path)
    assert "5. Qua các năm" in text and "QĐ 7/QĐ-UBND" in text


def test_edit_and_delete_are_audited_and_locked_by_a_later_decision(
    graded_db: Database, tmp_path: Path
) -> None:
    people = _graded(graded_db)
    import_id = _import(graded_db, _list(tmp_path, people))
    first, second = recognized.list_initiatives(graded_db, import_id=import_id)
    changed = recognized.edit_initiative(
        graded_db,
        first.id,
        recognized.InitiativeChanges(title="Tên đã sửa", points="81,5", grade_label="Loại A"),
    )
    assert (changed.title, changed.points, changed.grade) == ("Tên đã sửa", pytest.approx(81.5), "A")
    assert changed.authors[0].person_id == people[0].person_id  # still the same person
    recognized.delete_initiative(graded_db, second.id)
    with graded_db.reading() as s:
        entries = (
            s.execute(select(AuditEntry.action).where(AuditEntry.entity == "recognized")).scalars().all()
        )
        assert entries == ["update", "delete"]
        assert s.scalar(select(func.count(RecognizedAuthor.id))) == 1
    with graded_db.session() as s:  # round 1 of 2026 takes its decision: 2025's data were used
        rnd = s.get(Round, round_id(graded_db, 1))
        assert rnd is not None
        rnd.status, rnd.finalized_at = RoundStatus.FINALIZED, dt.datetime.now()
    assert "đã được dùng cho Quyết định số 15" in recognized.list_imports(graded_db)[0].locked
    with pytest.raises(RoundLockedError, match="không sửa được nữa"):
        recognized.edit_initiative(graded_db, first.id, recognized.InitiativeChanges(note="x"))
    with pytest.raises(RoundLockedError, match="không xóa được nữa"):
        recognized.delete_import(graded_db, import_id)
