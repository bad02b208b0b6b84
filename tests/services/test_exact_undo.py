"""Exact undo (issue 21): the services behind the Hồ sơ, Đăng ký and earlier-years pages answer the rows they
change as they were, with their ids, and one call puts them back — people records and author rows included —
leaving the audit log consistent (``check``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_rules
from sangkien_desktop.domain.enums import DossierStatus, RoundStatus
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import (
    Assignment,
    Authorship,
    Base,
    Dossier,
    DossierChecklistItem,
    Person,
    Registration,
    RegistrationAuthor,
    Round,
    Score,
)
from sangkien_desktop.services import (
    check,
    intake,
    intake_actions,
    registrations,
    registrations_actions,
    row_snapshots,
)
from tests.services.test_intake import TODAY, make_input

TABLES = (Dossier, Authorship, DossierChecklistItem, Person, Assignment, Registration, RegistrationAuthor)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "today", lambda: TODAY)


def rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables these actions touch, ids included (bookkeeping times left out)."""
    found = {}
    with db.reading() as s:
        for model in TABLES:
            table = Base.metadata.tables[model.__tablename__]
            columns = [c for c in table.columns if c.name not in ("created_at", "updated_at")]
            found[table.name] = sorted(tuple(r) for r in s.execute(select(*columns)))
    return found


def open_dossier(db: Database, *, unscored: bool = True) -> int:
    with db.reading() as s:
        query = select(Dossier.id).join(Round, Round.id == Dossier.round_id)
        query = query.where(Round.status == RoundStatus.OPEN).order_by(Dossier.id)
        if unscored:
            query = query.where(~select(Score.id).where(Score.dossier_id == Dossier.id).exists())
        found = s.scalars(query).first()
    assert found is not None
    return found


def test_every_demo_registration_passes_its_own_rules(demo_db: Database) -> None:
    """The demo writes a co-author of another unit with that unit in brackets, as units do."""
    refused = [
        (r.id, issue.message)
        for r in registrations.list_registrations(demo_db)
        for issue in registrations.validate(demo_db, r.data(), r.id)
        if issue.severity == "error"
    ]
    assert refused == []


def test_receiving_a_dossier_is_undone_with_the_people_it_added(demo_db: Database) -> None:
    before = rows(demo_db)
    data = make_input(demo_db)
    saved = intake_actions.receive(demo_db, data)
    assert rows(demo_db) != before
    received = rows(demo_db)
    undone = intake_actions.put_back(demo_db, saved)
    assert rows(demo_db) == before
    again = intake_actions.put_back(demo_db, undone)  # the redo: the rows the undo removed, with their ids
    assert again.result.dossier_id == saved.result.dossier_id
    assert rows(demo_db) == received
    assert check.run_checks(demo_db).ok


def test_an_edit_is_undone_with_the_person_records_it_updated(demo_db: Database) -> None:
    dossier_id = open_dossier(demo_db)
    detail = intake.get_dossier(demo_db, dossier_id)
    data = detail.as_input()
    data.title = detail.title + " (sửa)"
    data.authors[0].workplace = "Nơi công tác mới"
    data.authors[0].phone = "0912345678"
    before = rows(demo_db)
    saved = intake_actions.update(demo_db, dossier_id, data)
    with demo_db.reading() as s:
        assert s.get(Person, data.authors[0].person_id).workplace == "Nơi công tác mới"  # type: ignore[union-attr]
    intake_actions.put_back(demo_db, saved)
    assert rows(demo_db) == before
    assert check.run_checks(demo_db).ok


def test_a_status_change_is_undone_exactly(demo_db: Database) -> None:
    dossier_id = open_dossier(demo_db)
    before = rows(demo_db)
    target = DossierStatus.RECEIVED
    if intake.get_dossier(demo_db, dossier_id).status is target:
        target = DossierStatus.INVALID
    saved = intake_actions.change_status(demo_db, dossier_id, target, note="Không đúng mẫu")
    assert saved.result.status is target
    intake_actions.put_back(demo_db, saved)
    assert rows(demo_db) == before


def test_a_deleted_dossier_comes_back_with_its_id_and_what_went_with_it(demo_db: Database) -> None:
    with demo_db.reading() as s:
        dossier_id = s.scalars(
            select(Assignment.dossier_id)
            .join(Dossier, Dossier.id == Assignment.dossier_id)
            .join(Round, Round.id == Dossier.round_id)
            .where(Round.status == RoundStatus.OPEN)
            .where(~select(Score.id).where(Score.dossier_id == Dossier.id).exists())
        ).first()
    dossier_id = dossier_id or open_dossier(demo_db)
    before = rows(demo_db)
    deleted = intake_actions.delete(demo_db, dossier_id)
    assert deleted.before.tables["dossiers"][dossier_id] is not None
    intake_actions.put_back(demo_db, deleted)
    assert rows(demo_db) == before
    assert check.run_checks(demo_db).ok
    intake_actions.delete(demo_db, dossier_id)  # the redo deletes the same dossier again


def test_putting_back_is_refused_when_another_dossier_took_the_number(demo_db: Database) -> None:
    dossier_id = open_dossier(demo_db)
    detail = intake.get_dossier(demo_db, dossier_id)
    deleted = intake_actions.delete(demo_db, dossier_id)
    intake.receive(demo_db, dataclasses.replace(make_input(demo_db), receipt_no=detail.receipt_no))
    with pytest.raises(ValidationError, match="không hoàn tác được"):
        intake_actions.put_back(demo_db, deleted)


def _own_departments(db: Database, *, free: bool = False) -> int:
    """A demo registration whose authors have departments of their own (not what its Bộ phận text gives);
    one with no dossier when ``free``."""
    with db.reading() as s:
        query = select(Registration).order_by(Registration.id)
        if free:
            query = query.where(
                ~select(Dossier.id).where(Dossier.registration_id == Registration.id).exists()
            )
        for reg in s.scalars(query):
            parsed = registration_rules.parse_authors(reg.authors_text)
            split = registration_rules.split_departments(reg.department, len(parsed))
            if [a.department for a in reg.authors] != split and len({a.department for a in reg.authors}) > 1:
                return reg.id
    raise AssertionError("the demo has no registration with departments per author")


def _author_rows(db: Database, reg_id: int) -> list[tuple[Any, ...]]:
    with db.reading() as s:
        query = select(RegistrationAuthor.id, RegistrationAuthor.department, RegistrationAuthor.person_id)
        return list(s.execute(query.where(RegistrationAuthor.registration_id == reg_id)))


def test_editing_a_registration_keeps_its_authors_when_they_did_not_change(demo_db: Database) -> None:
    reg_id = _own_departments(demo_db)
    authors = _author_rows(demo_db, reg_id)
    row = registrations.get_registration(demo_db, reg_id)
    registrations_actions.update(demo_db, reg_id, dataclasses.replace(row.data(), title=row.title + " (sửa)"))
    assert _author_rows(demo_db, reg_id) == authors


def test_an_edit_of_the_authors_is_undone_with_the_same_author_rows(demo_db: Database) -> None:
    reg_id = _own_departments(demo_db)
    before = rows(demo_db)
    row = registrations.get_registration(demo_db, reg_id)
    first = registration_rules.parse_authors(row.authors_text)[0].name
    new = dataclasses.replace(row.data(), authors_text=f"{first}, Nguyễn Văn Mới")
    edited = registrations_actions.update(demo_db, reg_id, new)
    assert len(_author_rows(demo_db, reg_id)) == 2
    registrations_actions.put_back(demo_db, edited)
    assert rows(demo_db) == before


def test_a_deleted_registration_comes_back_with_its_author_rows(demo_db: Database) -> None:
    reg_id = _own_departments(demo_db, free=True)
    before = rows(demo_db)
    registrations.restore(demo_db, registrations.delete(demo_db, reg_id))
    assert rows(demo_db) == before


def test_rows_absent_before_go_again(db: Database) -> None:
    snapshot = row_snapshots.Rows({"people": {999: None}})
    with db.session() as s:
        s.add(Person(id=999, full_name="Người Thêm"))
    with db.session() as s:
        inverse = row_snapshots.restore_in(s, snapshot)
    with db.reading() as s:
        assert s.get(Person, 999) is None
    person = inverse.row("people", 999)
    assert person is not None and person["full_name"] == "Người Thêm"  # the redo's snapshot
    with db.session() as s:
        assert row_snapshots.restore_in(s, inverse).row("people", 999) is None
    with db.reading() as s:
        assert s.get(Person, 999).full_name == "Người Thêm"  # type: ignore[union-attr]
