"""The incremental FTS5 search index: it follows every kind of change, re-reading only what changed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Dossier, GradeResult, Person, Unit
from sangkien_desktop.services import registrations, search
from sangkien_desktop.services.registrations import RegistrationData


@pytest.fixture
def sqlite_demo(demo_db: Database) -> Database:
    if not demo_db.is_sqlite:
        pytest.skip("the FTS5 index is SQLite's")
    return demo_db


def _add(db: Database, title: str) -> int:
    reg_id, _ = registrations.create(
        db,
        RegistrationData(
            year=2026,
            unit_id=registrations.find_unit(db, "Trường THCS Bắc Sơn").id,
            title=title,
            authors_text="Đặng Thị Hoa",
            registered_on=dt.date(2026, 3, 1),
        ),
    )
    return reg_id


def _ids(db: Database, query: str, **kw: object) -> list[int]:
    return [h.ref_id for h in search.search(db, query, limit=500, **kw)]  # type: ignore[arg-type]


def test_only_changed_rows_are_reindexed(sqlite_demo: Database) -> None:
    db = sqlite_demo
    with db.session() as s:  # the demo rows were written seconds ago: make them old
        for table in ("registrations", "dossiers", "people", "units"):
            s.execute(text(f"UPDATE {table} SET updated_at = '2020-01-01 00:00:00.000000'"))
    index = search.SearchIndex.of(db)
    search.warm_up(db)
    first = index.rebuilds
    assert first > 0
    assert search.search(db, "doi moi")  # no commit since: nothing re-read
    assert index.rebuilds == first
    reg_id = _add(db, "Khinh khí cầu trong giờ Vật lý")
    assert _ids(db, "khinh khi") == [reg_id]
    assert index.rebuilds - first < 10


def test_two_edits_in_the_same_second_are_both_seen(sqlite_demo: Database) -> None:
    db = sqlite_demo
    reg_id = _add(db, "Tên lửa nước")
    for title in ("Thuyền buồm giấy", "Diều sáo tre"):
        data = registrations.get_registration(db, reg_id).data()
        data.title = title
        registrations.update(db, reg_id, data)
        assert _ids(db, title) == [reg_id]
    assert _ids(db, "thuyen buom") == []


def test_unit_rename_and_recognition_are_followed(sqlite_demo: Database) -> None:
    db = sqlite_demo
    reg_id = _add(db, "Sổ tay điện tử cho giáo viên")
    assert reg_id in _ids(db, "so tay bac son")
    with db.session() as s:
        s.execute(
            update(Unit).where(Unit.name == "Trường THCS Bắc Sơn").values(name="Trường THCS Hùng Vương")
        )
    assert reg_id in _ids(db, "so tay hung vuong")
    assert reg_id not in _ids(db, "so tay bac son")

    with db.session() as s:
        dossier = s.scalars(select(Dossier).order_by(Dossier.id)).first()
        assert dossier is not None
        dossier_id, title = dossier.id, dossier.title
        person = dossier.authorships[0].person
        person_id = person.id
    query = " ".join(title.split()[:4])
    assert dossier_id not in [h.ref_id for h in search.search(db, query, limit=500) if h.kind == "recognized"]
    with db.session() as s:
        s.add(GradeResult(dossier_id=dossier_id, grade="A", reward=0))
    assert dossier_id in [h.ref_id for h in search.search(db, query, limit=500) if h.kind == "recognized"]
    with db.session() as s:
        s.get(Person, person_id).full_name = "Hoàng Thị Quỳnh Chi"  # type: ignore[union-attr]
    hits = search.search(db, "quynh chi", limit=500)
    assert any(h.kind == "recognized" and h.ref_id == dossier_id for h in hits)


def test_broad_queries_list_title_matches_newest_first(
    sqlite_demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    hits = search.search(sqlite_demo, "t", limit=20)
    assert len(hits) == 20
    years = [h.year for h in hits]
    assert years == sorted(years, reverse=True)


def test_the_index_closes_with_the_database(sqlite_demo: Database) -> None:
    search.search(sqlite_demo, "doi moi")
    index = search.SearchIndex.of(sqlite_demo)
    assert index._fairy is not None
    sqlite_demo.dispose()
    assert index._fairy is None
    assert search.search(sqlite_demo, "doi moi")  # and opens again when needed


def test_hits_shown_between_keystrokes_follow_an_edit(sqlite_demo: Database) -> None:
    """Hits are kept from one keystroke to the next, until someone commits a change."""
    db = sqlite_demo
    reg_id = _add(db, "Bản đồ số các điểm tiêm chủng")
    assert [h.title for h in search.search(db, "ban do so") if h.ref_id == reg_id] == [
        "Bản đồ số các điểm tiêm chủng"
    ]
    assert [h.title for h in search.search(db, "ban do so c") if h.ref_id == reg_id] == [
        "Bản đồ số các điểm tiêm chủng"
    ]
    data = registrations.get_registration(db, reg_id).data()
    data.title = "Bản đồ số các điểm tiêm chủng và khám bệnh"
    data.authors_text = "Lê Văn Tám"
    registrations.update(db, reg_id, data)
    hit = next(h for h in search.search(db, "ban do so") if h.ref_id == reg_id)
    assert hit.title == "Bản đồ số các điểm tiêm chủng và khám bệnh"
    assert hit.authors == "Lê Văn Tám"
