from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import (
    Assignment,
    Authorship,
    CouncilMember,
    Dossier,
    Person,
    Registration,
    Round,
    Score,
    Unit,
)
from sangkien_desktop.services import demo, stats


def _fingerprint(session: Session) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    rows += session.execute(select(Unit.name, Unit.unit_type_id).order_by(Unit.id)).all()
    rows += session.execute(
        select(Person.full_name, Person.birth_date, Person.unit_id).order_by(Person.id)
    ).all()
    rows += session.execute(
        select(Registration.title, Registration.authors_text, Registration.registered_on).order_by(
            Registration.id
        )
    ).all()
    rows += session.execute(
        select(Dossier.receipt_no, Dossier.title, Dossier.status, Dossier.received_on).order_by(Dossier.id)
    ).all()
    rows += session.execute(
        select(Score.dossier_id, Score.member_id, Score.criterion_id, Score.points).order_by(Score.id)
    ).all()
    return [tuple(r) for r in rows]


def test_demo_is_deterministic_per_seed(make_db: Callable[[], Database]) -> None:
    prints = []
    for seed in (7, 7, 8):
        database = make_db()
        with database.session() as session:
            demo.build_demo(session, seed=seed, dossiers=30)
        with database.reading() as session:
            prints.append(_fingerprint(session))
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_demo_shape(demo_db: Database) -> None:
    s = stats.get_stats(demo_db)
    assert 38 <= s.units <= 42
    assert s.members == 7
    assert s.rounds == 2
    assert s.dossiers == 60
    assert s.registrations > s.dossiers
    assert s.scores > 1000
    with demo_db.reading() as session:
        rounds = session.scalars(select(Round)).all()
        assert {r.number for r in rounds} == {1, 2}
        for rnd in rounds:
            roles = Counter(m.role.value for m in rnd.members)
            assert roles["chu_tich"] == 1
            assert len(rnd.members) == 7
            assert len(rnd.criteria) >= 3
            assert sum(c.max_points for c in rnd.criteria) == Decimal(100)
            assert rnd.rule_set is not None and [b.code for b in rnd.rule_set.bands] == ["A", "B", "C"]


def test_demo_contributions_total_100_and_co_author_limit(demo_db: Database) -> None:
    with demo_db.reading() as session:
        for dossier in session.scalars(select(Dossier)):
            assert sum(a.contribution for a in dossier.authorships) == Decimal(100), dossier.title
            units = Counter(a.person.unit_id for a in dossier.authorships)
            assert max(units.values()) <= 2
        for reg in session.scalars(select(Registration)):
            assert reg.authors, reg.title
            assert unicodedata.is_normalized("NFC", reg.title)


def test_demo_assigns_no_conflicts_and_scores_within_range(demo_db: Database) -> None:
    with demo_db.reading() as session:
        for a in session.scalars(select(Assignment)):
            member = session.get(CouncilMember, a.member_id)
            assert member is not None
            assert member.person.unit_id != a.dossier.unit_id
            authors = session.scalars(
                select(Authorship.person_id).where(Authorship.dossier_id == a.dossier_id)
            ).all()
            assert member.person_id not in authors
        for score in session.scalars(select(Score)):
            assert Decimal(0) <= score.points <= score.criterion.max_points


def test_demo_refuses_non_empty_database(demo_db: Database) -> None:
    with pytest.raises(ValidationError, match="đã có dữ liệu"):
        demo.create_demo(demo_db)
    assert not demo.database_is_empty(demo_db)
