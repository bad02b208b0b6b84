"""The benchmark database generator (bench/generate.py) on its tiny size: counts, referential integrity,
determinism, and that the app reads what it wrote. (Speed is measured by bench/run.py, never here.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.text import fold_key
from sangkien_desktop.models import Assignment, Dossier, GradeResult, Registration, Round, Score
from sangkien_desktop.models.registration import registration_search_key
from sangkien_desktop.services import registrations, search, stats

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import generate

TINY = generate.SIZES["tiny"]


@pytest.fixture
def built(db: Database) -> tuple[Database, generate.Summary]:
    return db, generate.build(db, TINY)


def test_counts_follow_the_size(built: tuple[Database, generate.Summary]) -> None:
    db, summary = built
    counts = stats.get_stats(db)
    assert counts.registrations == TINY.registrations == summary.counts["registrations"]
    assert counts.dossiers == TINY.dossiers
    assert counts.units == TINY.units
    assert counts.rounds == TINY.years * TINY.rounds_per_year
    with db.reading() as s:
        big = s.get(Round, summary.big_round_id)
        assert big is not None and (big.year, big.number) == (TINY.last_year, 1)
        assert s.scalar(select(func.count(Dossier.id)).where(Dossier.round_id == big.id)) == TINY.big_round
        # every valid dossier of the round being scored has every member on every criterion
        per_dossier = s.execute(
            select(Score.dossier_id, func.count(Score.id)).join(Dossier).where(Dossier.round_id == big.id)
            .group_by(Score.dossier_id)
        ).all()  # fmt: skip
        assert per_dossier and {n for _, n in per_dossier} == {TINY.members * len(big.criteria)}
        assert (
            s.scalar(select(func.count(GradeResult.id)).join(Dossier).where(Dossier.round_id == big.id)) == 0
        )
        assert s.scalar(select(func.count(Assignment.id))) == summary.counts["assignments"]


def test_referential_integrity(built: tuple[Database, generate.Summary]) -> None:
    db, _ = built
    with db.engine.connect() as conn:
        if db.is_sqlite:
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        for child, column, parent in (
            ("registrations", "unit_id", "units"),
            ("registration_authors", "person_id", "people"),
            ("dossiers", "registration_id", "registrations"),
            ("authorships", "person_id", "people"),
            ("scores", "criterion_id", "criteria"),
            ("scores", "member_id", "council_members"),
            ("certificates", "person_id", "people"),
        ):
            orphans = conn.execute(
                text(
                    f"SELECT count(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} "
                    f"WHERE c.{column} IS NOT NULL AND p.id IS NULL"
                )
            ).scalar()
            assert orphans == 0, (child, column)
        # a dossier belongs to the year of its round, its receipt numbers are unique per year
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM dossiers d JOIN rounds r ON r.id = d.round_id WHERE r.year != d.year"
                )
            ).scalar()
            == 0
        )


def test_the_app_reads_the_generated_rows(built: tuple[Database, generate.Summary]) -> None:
    db, summary = built
    rows = registrations.list_registrations(db, summary.year)
    assert rows and all(r.unit_name and r.title for r in rows)
    with db.reading() as s:
        for reg in s.scalars(select(Registration).limit(20)):
            assert reg.search_key == registration_search_key(reg)  # as the model keeps it
            assert reg.title_key == fold_key(reg.title)
    word = rows[0].title.split()[0]
    assert search.search(db, word)


def test_deterministic_for_a_seed(make_db) -> None:  # type: ignore[no-untyped-def]
    def titles() -> list[str]:
        db = make_db()
        generate.build(db, TINY)
        with db.reading() as s:
            return list(s.scalars(select(Registration.title).order_by(Registration.id)))

    assert titles() == titles()
