"""Intake service on real databases: receive, refuse (nothing saved), match people, checklist-driven status,
status changes, updates, deletes, the finalized-round lock, and the list with its clock filter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.clocks import ClockFilter
from sangkien_desktop.domain.enums import DossierStatus, RoundStatus, SolutionKind
from sangkien_desktop.domain.errors import NotFoundError, RoundLockedError, ValidationError
from sangkien_desktop.models import (
    AuditEntry,
    Authorship,
    Dossier,
    DossierChecklistItem,
    Person,
    Registration,
    Round,
    Unit,
)
from sangkien_desktop.services import intake
from sangkien_desktop.services.intake import AuthorInput, ChecklistInput, DossierInput

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "today", lambda: TODAY)


def counts(db: Database) -> tuple[int, ...]:
    with db.reading() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Dossier, Authorship, Person, DossierChecklistItem, AuditEntry)
        )


def round2(s: Session) -> Round:
    rnd = s.scalar(select(Round).where(Round.number == 2))
    assert rnd is not None
    return rnd


def free_registration(s: Session) -> Registration:
    linked = select(Dossier.registration_id).where(Dossier.registration_id.is_not(None))
    reg = s.scalars(
        select(Registration).where(Registration.id.not_in(linked)).order_by(Registration.id)
    ).first()
    assert reg is not None
    return reg


def make_input(db: Database, **overrides: object) -> DossierInput:
    with db.reading() as s:
        rnd = round2(s)
        reg = free_registration(s)
        data = DossierInput(
            round_id=rnd.id,
            unit_id=reg.unit_id,
            title=reg.title,
            received_on=dt.date(2026, 10, 5),
            registration_id=reg.id,
            kind=SolutionKind.MANAGEMENT,
            field="Cải cách hành chính",
            first_applied_on=dt.date(2026, 3, 1),
            delivered_by="Nguyễn Văn Giao",
            authors=[
                AuthorInput(
                    "Phạm Thị Thu Hương",
                    dt.date(1985, 6, 15),
                    "Phòng Văn hóa - Xã hội",
                    "Chuyên viên",
                    "Cử nhân Luật",
                    "60",
                ),
                AuthorInput("Đỗ Mạnh Cường", dt.date(1979, 2, 3), "Trạm Y tế", "Y sĩ", "Cao đẳng Y", "40"),
            ],
        )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def test_receive_saves_everything(demo_db: Database) -> None:
    before = counts(demo_db)
    data = make_input(demo_db)
    result = intake.receive(demo_db, data)
    assert result.code == "HS26-061" and result.receipt_no == 61
    assert result.status is DossierStatus.COMPLETE  # every template item received
    assert result.warnings == ()
    detail = intake.get_dossier(demo_db, "HS26-061")
    assert detail.title == data.title and detail.registration_id == data.registration_id
    assert [(a.full_name, a.contribution, a.job_title) for a in detail.authors] == [
        ("Phạm Thị Thu Hương", Decimal("60.00"), "Chuyên viên"),
        ("Đỗ Mạnh Cường", Decimal("40.00"), "Y sĩ"),
    ]
    assert [c.name for c in detail.checklist][1] == "Đơn yêu cầu công nhận sáng kiến (M-02)"
    assert detail.checklist[1].copies == 12
    after = counts(demo_db)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 2 and after[2] == before[2] + 2
    assert after[4] == before[4] + 1
    with demo_db.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == "create" and "HS26-061" in entry.summary


def test_contributions_of_90_percent_are_refused_and_nothing_saved(demo_db: Database) -> None:
    before = counts(demo_db)
    data = make_input(demo_db)
    data.authors[1].contribution = "30"
    with pytest.raises(ValidationError) as err:
        intake.receive(demo_db, data)
    assert "Tổng tỷ lệ đóng góp của các tác giả phải bằng đúng 100% (đang là 90%)" in str(err.value)
    assert counts(demo_db) == before


def test_duplicate_receipt_number_is_refused_and_nothing_saved(demo_db: Database) -> None:
    before = counts(demo_db)
    data = make_input(demo_db, receipt_no=7)
    with pytest.raises(ValidationError) as err:
        intake.receive(demo_db, data)
    message = str(err.value)
    assert "số 7 của năm 2026 đã dùng cho hồ sơ HS26-007" in message
    assert "số kế tiếp còn trống là 61" in message
    assert counts(demo_db) == before


def test_unreadable_contribution_is_named_once(demo_db: Database) -> None:
    data = make_input(demo_db)
    data.authors[0].contribution = "sáu mươi"
    with pytest.raises(ValidationError) as err:
        intake.receive(demo_db, data)
    assert [i.where for i in err.value.issues] == ["Tác giả thứ 1"]


def test_sole_author_defaults_to_100(demo_db: Database) -> None:
    data = make_input(demo_db)
    data.authors = [AuthorInput("Vũ Thị Lan", dt.date(1990, 1, 2)), AuthorInput("")]
    result = intake.receive(demo_db, data)
    detail = intake.get_dossier(demo_db, result.dossier_id)
    assert [(a.full_name, a.contribution) for a in detail.authors] == [("Vũ Thị Lan", Decimal("100.00"))]


def test_existing_person_is_matched_by_name_and_birth_date(demo_db: Database) -> None:
    with demo_db.reading() as s:
        person = s.scalars(
            select(Person).where(Person.birth_date.is_not(None)).order_by(Person.id.desc())
        ).first()
        assert person is not None
        name, born, pid = person.full_name, person.birth_date, person.id
    data = make_input(demo_db)
    data.authors = [AuthorInput(name.upper(), born, "Nơi mới", "Phó Trưởng phòng", "Thạc sĩ", "100")]
    before_people = counts(demo_db)[2]
    result = intake.receive(demo_db, data)
    assert counts(demo_db)[2] == before_people
    detail = intake.get_dossier(demo_db, result.dossier_id)
    assert detail.authors[0].person_id == pid
    with demo_db.reading() as s:
        refreshed = s.get(Person, pid)
        assert refreshed is not None and refreshed.job_title == "Phó Trưởng phòng"


def test_co_author_limit_of_the_round(demo_db: Database) -> None:
    data = make_input(demo_db)
    with demo_db.reading() as s:
        unit = s.scalars(select(Unit).order_by(Unit.id)).first()
        assert unit is not None
        unit_id, unit_name = unit.id, unit.name
    data.authors = [
        AuthorInput(f"Lê Văn {n}", dt.date(1980, 1, i + 1), unit_id=unit_id, contribution=c)
        for i, (n, c) in enumerate([("An", "40"), ("Bình", "30"), ("Chung", "30")])
    ]
    with pytest.raises(ValidationError) as err:
        intake.receive(demo_db, data)
    assert f"có 3 đồng tác giả cùng đơn vị «{unit_name}»" in str(err.value)


def test_unregistered_dossier_is_allowed_but_flagged(demo_db: Database) -> None:
    result = intake.receive(demo_db, make_input(demo_db, registration_id=None))
    assert [w.where for w in result.warnings] == ["Đăng ký"]
    rows = intake.list_dossiers(demo_db, intake.get_dossier(demo_db, result.dossier_id).round_id)
    assert not next(r for r in rows if r.id == result.dossier_id).registered


def test_registration_used_twice_is_refused(demo_db: Database) -> None:
    with demo_db.reading() as s:
        used = s.scalars(select(Dossier).where(Dossier.registration_id.is_not(None))).first()
        assert used is not None
        reg_id, code = used.registration_id, used.code
    with pytest.raises(ValidationError) as err:
        intake.receive(demo_db, make_input(demo_db, registration_id=reg_id))
    assert f"đã gắn với hồ sơ {code}" in str(err.value)


def test_missing_paper_makes_it_incomplete(demo_db: Database) -> None:
    data = make_input(demo_db)
    data.checklist = [
        ChecklistInput("Tờ trình (M-01)", True),
        ChecklistInput("Đơn yêu cầu (M-02)", True, 8, 12),
        ChecklistInput("Minh chứng hiệu quả áp dụng", False),
    ]
    result = intake.receive(demo_db, data)
    assert result.status is DossierStatus.INCOMPLETE
    detail = intake.get_dossier(demo_db, result.dossier_id)
    assert detail.status_note == "Còn thiếu: Đơn yêu cầu (M-02): mới có 8/12 bản; Minh chứng hiệu quả áp dụng"
    assert detail.supplement_requested_on == data.received_on
    assert detail.missing == ["Đơn yêu cầu (M-02): mới có 8/12 bản", "Minh chứng hiệu quả áp dụng"]


def test_status_changes_and_what_they_need(demo_db: Database) -> None:
    result = intake.receive(demo_db, make_input(demo_db))
    did = result.dossier_id
    with pytest.raises(ValidationError, match="ghi rõ hồ sơ còn thiếu giấy tờ gì"):
        intake.change_status(demo_db, did, DossierStatus.INCOMPLETE)
    intake.change_status(
        demo_db, did, DossierStatus.INCOMPLETE, note="Thiếu 4 bản đơn", requested_on=dt.date(2026, 10, 6)
    )
    with pytest.raises(ValidationError, match="ghi lý do"):
        intake.change_status(demo_db, did, DossierStatus.INVALID, note="  ")
    intake.change_status(demo_db, did, DossierStatus.VALID)
    detail = intake.get_dossier(demo_db, did)
    assert detail.status is DossierStatus.VALID and detail.accepted_on == TODAY
    assert detail.supplement_requested_on is None
    intake.change_status(demo_db, did, DossierStatus.WITHDRAWN, note="Tác giả xin rút")
    with pytest.raises(ValidationError, match="không chuyển được"):
        intake.change_status(demo_db, did, DossierStatus.VALID)
    with demo_db.reading() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "dossier", AuditEntry.action == "status")
        ).all()
        assert [e.summary.split(": ", 1)[1] for e in entries[-3:]] == [
            "Đủ → Thiếu — cần bổ sung (Thiếu 4 bản đơn)",
            "Thiếu — cần bổ sung → Hợp lệ",
            "Hợp lệ → Rút hồ sơ (Tác giả xin rút)",
        ]


def test_update_changes_authors_and_is_audited(demo_db: Database) -> None:
    result = intake.receive(demo_db, make_input(demo_db))
    detail = intake.get_dossier(demo_db, result.dossier_id)
    data = detail.as_input()
    data.authors[0].contribution = Decimal("70")
    data.authors[1].contribution = Decimal("30")
    data.title = "Tên mới của sáng kiến"
    data.receipt_no = 200
    saved = intake.update(demo_db, result.dossier_id, data)
    assert saved.code == "HS26-200"
    again = intake.get_dossier(demo_db, "HS26-200")
    assert again.title == "Tên mới của sáng kiến"
    assert [a.contribution for a in again.authors] == [Decimal("70.00"), Decimal("30.00")]
    with demo_db.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == "update"
        assert "authors" in entry.summary and "title" in entry.summary and "receipt_no" in entry.summary
    # a bad update saves nothing
    bad = again.as_input()
    bad.authors[0].contribution = Decimal("50")
    with pytest.raises(ValidationError):
        intake.update(demo_db, again.id, bad)
    assert [a.contribution for a in intake.get_dossier(demo_db, again.id).authors] == [
        Decimal("70.00"),
        Decimal("30.00"),
    ]


def test_finalized_round_is_locked(demo_db: Database) -> None:
    data = make_input(demo_db)
    with demo_db.session() as s:
        rnd = s.get(Round, data.round_id)
        assert rnd is not None
        rnd.status = RoundStatus.FINALIZED
    with pytest.raises(RoundLockedError):
        intake.receive(demo_db, data)


def test_delete_only_unscored(demo_db: Database) -> None:
    result = intake.receive(demo_db, make_input(demo_db))
    held = intake.delete_dossier(demo_db, result.dossier_id)
    with pytest.raises(NotFoundError):
        intake.get_dossier(demo_db, result.dossier_id)
    redo = intake.receive(demo_db, held)  # undo of a deletion
    assert redo.code == result.code
    with pytest.raises(ValidationError, match="đã có điểm chấm"):
        intake.delete_dossier(demo_db, intake.get_dossier(demo_db, "HS26-001").id)


def test_receive_many_is_all_or_nothing(demo_db: Database) -> None:
    before = counts(demo_db)
    good = make_input(demo_db)
    bad = make_input(demo_db, registration_id=None)
    bad.authors[0].contribution = "10"
    with pytest.raises(ValidationError) as err:
        intake.receive_many(demo_db, [good, bad])
    assert err.value.issues[0].where.startswith("Hồ sơ thứ 2")
    assert counts(demo_db) == before


def test_list_filters(demo_db: Database) -> None:
    with demo_db.reading() as s:
        rid = round2(s).id
    rows = intake.list_dossiers(demo_db, rid)
    assert [r.receipt_no for r in rows] == sorted(r.receipt_no for r in rows)
    incomplete = intake.list_dossiers(demo_db, rid, intake.ListFilter(status=DossierStatus.INCOMPLETE))
    assert incomplete and all(r.status is DossierStatus.INCOMPLETE for r in incomplete)
    late = intake.list_dossiers(demo_db, rid, intake.ListFilter(clock=ClockFilter.LATE_APPLICATION))
    for r in late:
        assert r.first_applied_on is not None and (r.received_on - r.first_applied_on).days > 365
    unregistered = intake.list_dossiers(demo_db, rid, intake.ListFilter(registered=False))
    assert all(r.registration_id is None for r in unregistered)
    text = intake.list_dossiers(demo_db, rid, intake.ListFilter(text=rows[0].code))
    assert [r.id for r in text] == [rows[0].id]


def test_next_number_and_find(demo_db: Database) -> None:
    with demo_db.reading() as s:
        rid = round2(s).id
        assert intake.find_dossier(s, "HS26-007").receipt_no == 7
        assert intake.find_dossier(s, "2026/7").receipt_no == 7
        with pytest.raises(NotFoundError):
            intake.find_dossier(s, "HS26-999")
        assert intake.find_unit(s, "phong van hoa - xa hoi").name == "Phòng Văn hóa - Xã hội"
        assert intake.find_unit(s, "Phòng VHXH").name == "Phòng Văn hóa - Xã hội"
    assert intake.next_number(demo_db, rid) == (61, "HS26-061")


def test_search_registrations_and_people(demo_db: Database) -> None:
    hits = intake.search_registrations(demo_db, 2026, "so hoa ho so")
    assert hits and "số hóa hồ sơ" in hits[0].title.lower()
    people = intake.search_people(demo_db, "nguyen thi")
    assert people and all("nguyen" in p.full_name.lower().replace("ễ", "e") for p in people)
    with demo_db.reading() as s:
        reg_id = free_registration(s).id
    authors = intake.registration_authors(demo_db, reg_id)
    assert sum(Decimal(str(a.contribution)) for a in authors) == 100
