"""Reconciliation lists on the demo database match direct SQL queries of the data; an earlier year's
recognized initiatives (built here: the demo has only 2026) exercise the third list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import Authorship, Dossier, GradeResult, Person, Round
from sangkien_desktop.services import reconciliation
from sangkien_desktop.services.reconciliation import MatchKind
from sangkien_desktop.services.rounds import create_round

REGISTERED_NO_DOSSIER = text(
    """
    SELECT r.id FROM registrations r
    WHERE r.year = :year
      AND NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.registration_id = r.id AND d.year = :year)
    """
)
UNREGISTERED = text("SELECT d.id FROM dossiers d WHERE d.round_id = :rid AND d.registration_id IS NULL")
SAME_AUTHOR = text(
    """
    SELECT DISTINCT d.id, p.id FROM dossiers d
    JOIN authorships a ON a.dossier_id = d.id
    JOIN people pa ON pa.id = a.person_id
    JOIN people pb ON pb.id = pa.id OR (pb.name_key = pa.name_key AND pb.birth_date = pa.birth_date)
    JOIN authorships b ON b.person_id = pb.id
    JOIN dossiers p ON p.id = b.dossier_id
    JOIN grade_results g ON g.dossier_id = p.id
    WHERE d.round_id = :rid AND p.year < :year AND g.grade IN ('A', 'B', 'C', 'CN')
    """
)
SAME_TITLE = text(
    """
    SELECT DISTINCT d.id, p.id FROM dossiers d
    JOIN dossiers p ON p.title_key = d.title_key
    JOIN grade_results g ON g.dossier_id = p.id
    WHERE d.round_id = :rid AND p.year < :year AND g.grade IN ('A', 'B', 'C', 'CN')
    """
)


def _copy_person(s: Session, p: Person) -> Person:
    twin = Person(full_name=p.full_name, birth_date=p.birth_date, unit_id=p.unit_id, workplace="Nơi cũ")
    s.add(twin)
    s.flush()
    return twin


def _earlier(s: Session, rnd: Round, n: int, title: str, people: list[Person], grade: str) -> Dossier:
    d = Dossier(
        year=rnd.year,
        round_id=rnd.id,
        receipt_no=n,
        received_on=dt.date(rnd.year, 4, 1),
        unit_id=people[0].unit_id or 1,
        title=title,
    )
    for pos, p in enumerate(people):
        d.authorships.append(
            Authorship(person_id=p.id, position=pos, contribution=Decimal(100) / len(people))
        )
    s.add(d)
    s.flush()
    s.add(GradeResult(dossier_id=d.id, grade=grade, mean=Decimal("81.5"), rank=n))
    s.flush()
    return d


@pytest.fixture
def with_history(demo_db: Database) -> dict[str, object]:
    """Recognized initiatives of 2024 sharing an author, a title or a near title with 2026 dossiers."""
    with demo_db.session() as s:
        now = {d.code: d for d in s.scalars(select(Dossier).where(Dossier.year == 2026))}
        rnd = create_round(s, 2024, 1)
        first = lambda code: now[code].authorships[0].person  # noqa: E731
        p_author = _earlier(s, rnd, 1, "Một đề tài hoàn toàn khác năm 2024", [first("HS26-003")], "B")
        p_title = _earlier(s, rnd, 2, now["HS26-005"].title.upper(), [_new_person(s)], "A")
        near = now["HS26-010"].title + " giai đoạn 2"
        p_near = _earlier(s, rnd, 3, near, [_new_person(s)], "CN")
        p_twin = _earlier(s, rnd, 4, "Đề tài của người trùng tên", [_copy_person(s, first("HS26-012"))], "C")
        p_not = _earlier(s, rnd, 5, now["HS26-015"].title, [first("HS26-015")], "KCN")
        return {
            "author": (now["HS26-003"].id, p_author.id),
            "title": (now["HS26-005"].id, p_title.id),
            "near": (now["HS26-010"].id, p_near.id),
            "twin": (now["HS26-012"].id, p_twin.id),
            "not": (now["HS26-015"].id, p_not.id),
        }


def _new_person(s: Session) -> Person:
    p = Person(full_name="Người Mới Hoàn Toàn", birth_date=dt.date(1970, 1, 1))
    s.add(p)
    s.flush()
    return p


def test_lists_match_direct_queries_on_demo(demo_db: Database) -> None:
    with demo_db.reading() as s:
        rounds = s.scalars(select(Round).order_by(Round.number)).all()
        refs = [(r.id, r.year) for r in rounds]
    assert len(refs) == 2
    for rid, year in refs:
        result = reconciliation.reconcile(demo_db, rid)
        with demo_db.reading() as s:
            missing = {row[0] for row in s.execute(REGISTERED_NO_DOSSIER, {"year": year})}
            unregistered = {row[0] for row in s.execute(UNREGISTERED, {"rid": rid})}
        assert {m.registration_id for m in result.registered_without_dossier} == missing
        assert len(result.registered_without_dossier) == len(missing)
        assert {u.dossier_id for u in result.dossiers_without_registration} == unregistered
        assert missing and unregistered  # the demo has both kinds
        assert result.already_recognized == ()  # nothing before 2026 in the demo


def test_already_recognized_matches_direct_queries(demo_db: Database, with_history: dict) -> None:
    with demo_db.reading() as s:
        rounds = [(r.id, r.year) for r in s.scalars(select(Round).where(Round.year == 2026))]
    all_pairs: set[tuple[int, int, MatchKind]] = set()
    for rid, year in rounds:
        result = reconciliation.reconcile(demo_db, rid)
        with demo_db.reading() as s:
            authors = {(a, b) for a, b in s.execute(SAME_AUTHOR, {"rid": rid, "year": year})}
            titles = {(a, b) for a, b in s.execute(SAME_TITLE, {"rid": rid, "year": year})}
        got = result.already_recognized
        assert {(m.dossier_id, m.earlier_dossier_id) for m in got if m.kind is MatchKind.AUTHOR} == authors
        assert {(m.dossier_id, m.earlier_dossier_id) for m in got if m.kind is MatchKind.TITLE} == titles
        for m in got:
            assert m.earlier_year == 2024 and m.earlier_grade in {"A", "B", "C", "CN"}
            if m.kind is MatchKind.SIMILAR_TITLE:
                assert m.score >= reconciliation.SIMILAR_TITLE
            all_pairs.add((m.dossier_id, m.earlier_dossier_id, m.kind))
    assert (*with_history["author"], MatchKind.AUTHOR) in all_pairs
    assert (*with_history["title"], MatchKind.TITLE) in all_pairs
    assert (*with_history["near"], MatchKind.SIMILAR_TITLE) in all_pairs
    assert (*with_history["twin"], MatchKind.AUTHOR) in all_pairs  # same name and birth date, other record
    assert not any(p[1] == with_history["not"][1] for p in all_pairs)  # graded KCN: not recognized


def test_reconcile_by_round_reference(demo_db: Database) -> None:
    result = reconciliation.reconcile(demo_db, "2026/1")
    assert result.round_label == "Đợt 1 năm 2026" and result.year == 2026
    assert not result.is_clean


def test_titles_differing_by_a_remark_are_a_probable_match_to_confirm(demo_db: Database) -> None:
    """A dossier titled like a registration but for "(bổ sung)" or punctuation is offered as the same
    initiative; the secretary confirms it and both leave the lists of the unmatched."""
    from sangkien_desktop.models import Registration

    with demo_db.session() as s:
        rnd = s.scalar(select(Round).where(Round.year == 2026, Round.number == 1))
        assert rnd is not None
        registered = {d.registration_id for d in s.scalars(select(Dossier).where(Dossier.year == 2026))}
        reg = s.scalars(select(Registration).where(Registration.year == 2026)).all()
        reg = next(r for r in reg if r.id not in registered)
        dossier = s.scalars(
            select(Dossier).where(Dossier.round_id == rnd.id, Dossier.registration_id.is_(None))
        ).first()
        assert dossier is not None
        dossier.title = reg.title.rstrip(".") + " (bổ sung)."
        rid, did, reg_id = rnd.id, dossier.id, reg.id
    result = reconciliation.reconcile(demo_db, rid)
    pair = next(p for p in result.probable_matches if p.dossier_id == did)
    assert pair.registration_id == reg_id
    assert any(u.dossier_id == did for u in result.dossiers_without_registration)  # not decided silently
    message = reconciliation.link(demo_db, did, reg_id)
    assert "Đã gắn hồ sơ" in message
    after = reconciliation.reconcile(demo_db, rid)
    assert all(p.dossier_id != did for p in after.probable_matches)
    assert all(u.dossier_id != did for u in after.dossiers_without_registration)
    assert all(m.registration_id != reg_id for m in after.registered_without_dossier)
    with demo_db.reading() as s:
        other = s.scalar(select(Dossier.id).where(Dossier.round_id == rid, Dossier.id != did).limit(1))
    assert other is not None
    with pytest.raises(ValidationError, match="đã gắn với hồ sơ"):
        reconciliation.link(demo_db, other, reg_id)
