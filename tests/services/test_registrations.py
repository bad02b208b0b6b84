"""Registrations typed in the form: add, edit, delete with audit and undo; the "không trùng" mark."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import NotFoundError, ValidationError
from sangkien_desktop.domain.text import fold_key
from sangkien_desktop.models import AuditEntry, Dossier, Registration, RegistrationAuthor, Round
from sangkien_desktop.services import registrations as regs
from sangkien_desktop.services.registrations import RegistrationData


def unit_id(db: Database, name: str = "Trường THCS Bắc Sơn") -> int:
    return regs.find_unit(db, name).id


def data(db: Database, **changes: object) -> RegistrationData:
    base = RegistrationData(
        year=2027,
        unit_id=unit_id(db),
        title="Đổi mới sinh hoạt tổ chuyên môn theo nghiên cứu bài học",
        authors_text="Nguyễn Thị Lan, Trần Văn Nam",
        applied_unit="Trường THCS Bắc Sơn",
        problem="Sinh hoạt tổ còn hình thức",
        content="Dự giờ, phân tích bài học theo nhóm",
        effect="Giờ dạy sinh động hơn",
        scope="Toàn trường",
        department="Tổ Toán\nTổ Văn",
        registered_on=dt.date(2027, 9, 1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def audit_actions(db: Database) -> list[str]:
    with db.reading() as s:
        return list(
            s.scalars(
                select(AuditEntry.action).where(AuditEntry.entity == "registration").order_by(AuditEntry.id)
            )
        )


def test_create_edit_delete_restore(demo_db: Database) -> None:
    reg_id, warnings = regs.create(demo_db, data(demo_db))
    assert warnings == []
    row = regs.get_registration(demo_db, reg_id)
    assert (
        row.title.startswith("Đổi mới sinh hoạt") and row.seq == 1 and row.unit_name == "Trường THCS Bắc Sơn"
    )
    with demo_db.reading() as s:
        reg = s.get(Registration, reg_id)
        assert reg is not None
        assert reg.search_key.startswith("doi moi sinh hoat")
        assert "tran van nam" in reg.search_key
        names = s.execute(
            select(RegistrationAuthor.full_name, RegistrationAuthor.department)
            .where(RegistrationAuthor.registration_id == reg_id)
            .order_by(RegistrationAuthor.position)
        ).all()
    assert [tuple(n) for n in names] == [("Nguyễn Thị Lan", "Tổ Toán"), ("Trần Văn Nam", "Tổ Văn")]

    old, _ = regs.update(demo_db, reg_id, data(demo_db, scope="Cấp phường", authors_text="Nguyễn Thị Lan"))
    assert old.scope == "Toàn trường"
    assert regs.get_registration(demo_db, reg_id).scope == "Cấp phường"
    regs.update(demo_db, reg_id, old)  # undo
    assert regs.get_registration(demo_db, reg_id).scope == "Toàn trường"

    deleted = regs.delete(demo_db, reg_id)
    with pytest.raises(NotFoundError):
        regs.get_registration(demo_db, reg_id)
    assert regs.restore(demo_db, deleted) == reg_id
    back = regs.get_registration(demo_db, reg_id)
    assert back.title == row.title and back.department == "Tổ Toán\nTổ Văn"
    assert audit_actions(demo_db)[-5:] == ["create", "update", "update", "delete", "restore"]


def test_create_refuses_errors(demo_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        regs.create(demo_db, data(demo_db, title="", authors_text="A, B, C"))
    text = str(caught.value)
    assert "Thiếu tên sáng kiến" in text and "Có 3 tác giả cùng đơn vị Trường THCS Bắc Sơn" in text
    reg_id, _ = regs.create(demo_db, data(demo_db))
    with pytest.raises(ValidationError, match="đã đăng ký sáng kiến"):
        regs.create(demo_db, data(demo_db, title="ĐỔI MỚI sinh hoạt tổ chuyên môn theo nghiên cứu bài học"))
    # editing a registration does not clash with itself
    regs.update(demo_db, reg_id, data(demo_db, effect="Tốt hơn"))


def test_co_author_limit_follows_the_round(demo_db: Database) -> None:
    with demo_db.session() as s:
        for rnd in s.scalars(select(Round).where(Round.year == 2026)):
            rnd.co_author_limit = 3
    regs.create(demo_db, data(demo_db, year=2026, authors_text="A Lê, B Lê, C Lê"))
    with pytest.raises(ValidationError, match="tối đa 2"):
        regs.create(demo_db, data(demo_db, title="Khác hẳn", authors_text="A Lê, B Lê, C Lê"))


def test_co_authors_from_another_unit_count_there(demo_db: Database) -> None:
    text = "Nguyễn Thị Lan, Trần Văn Nam, Lê Văn Hùng (Trường THCS Nam Sơn)"
    reg_id, _ = regs.create(demo_db, data(demo_db, authors_text=text))
    assert reg_id


def test_deadline_warning(demo_db: Database) -> None:
    _, warnings = regs.create(demo_db, data(demo_db, registered_on=dt.date(2027, 9, 20)))
    (w,) = warnings
    assert "sau hạn 15/09/2027" in w.message


def test_delete_refused_when_a_dossier_refers_to_it(demo_db: Database) -> None:
    with demo_db.reading() as s:
        linked = s.scalar(
            select(Dossier.registration_id).where(Dossier.registration_id.is_not(None)).limit(1)
        )
        before = s.scalar(select(func.count(Registration.id)))
    assert linked is not None
    with pytest.raises(ValidationError, match="đã có hồ sơ HS26-"):
        regs.delete(demo_db, linked)
    with demo_db.reading() as s:
        assert s.scalar(select(func.count(Registration.id))) == before


def test_not_duplicate_mark(demo_db: Database) -> None:
    reg_id = regs.list_registrations(demo_db, 2026)[0].id
    old = regs.set_not_duplicate(demo_db, reg_id, True, "Khác đối tượng áp dụng")
    assert old == (False, "")
    row = regs.get_registration(demo_db, reg_id)
    assert row.not_duplicate and row.not_duplicate_note == "Khác đối tượng áp dụng"
    regs.set_not_duplicate(demo_db, reg_id, *old)
    assert not regs.get_registration(demo_db, reg_id).not_duplicate


def test_list_filters(demo_db: Database) -> None:
    all_rows = regs.list_registrations(demo_db, 2026)
    assert len(all_rows) == 75
    school = regs.list_registrations(demo_db, 2026, unit_id=unit_id(demo_db))
    assert school and all(r.unit_name == "Trường THCS Bắc Sơn" for r in school)
    types = dict((name, i) for i, name in regs.list_unit_types(demo_db))
    thcs = regs.list_registrations(demo_db, 2026, unit_type_id=types["Trường THCS"])
    assert thcs and all(r.unit_type == "Trường THCS" for r in thcs)
    found = regs.list_registrations(demo_db, 2026, text="doi moi")
    assert any("Đổi mới" in r.title for r in found)
    for r in found:  # accent-insensitive: "mỗi" also folds to "moi"
        folded = fold_key(
            " ".join(
                [
                    r.title,
                    r.applied_unit,
                    r.problem,
                    r.content,
                    r.effect,
                    r.scope,
                    r.authors_text,
                    r.department,
                ]
            )
        )
        assert "doi" in folded and "moi" in folded
    assert 2026 in regs.registration_years(demo_db)
    assert any(r.dossiers for r in all_rows)
