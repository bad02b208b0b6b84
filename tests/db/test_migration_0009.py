"""Migration 0009 (issue 14): rounds.votes_required and the undecided-tie columns of grade_results, down and
up again without losing a row (SQLite rebuilds the tables; foreign keys must not cascade)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, inspect, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.migrate import alembic_config, current_revision, upgrade_database
from sangkien_desktop.models import CouncilMember, Criterion, GradeResult, Round
from sangkien_desktop.services import grading as grading_service
from tests.helpers.grading import build_round, put_scores, split_total


def _downgrade(db: Database, target: str) -> None:
    cfg = alembic_config(db.engine)
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)
        conn.commit()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Round.__table__, Criterion.__table__, CouncilMember.__table__, GradeResult.__table__)
        )


def test_0009_down_and_up_keeps_every_row(db: Database) -> None:
    b = build_round(db, dossiers=3, members=2)
    with db.session() as s:
        for d, total in enumerate(["85", "85", "60"]):
            for m in range(2):
                put_scores(s, b, d, m, split_total(total))
        s.get(Round, b.round_id).votes_required = True
        grading_service.save_rules(s, b.round_id, grading_service.default_rules().with_band("A", quota=1))
        grading_service.apply(s, b.round_id)
    with db.reading() as s:
        tied = s.scalars(select(GradeResult).where(GradeResult.tie.is_(True))).all()
        assert [(r.reward_if_chosen, r.grade_if_not_chosen, r.reward_pending) for r in tied] == [
            (2_000_000, "B", 2_000_000),
            (2_000_000, "B", 1_000_000),
        ]
    before = _counts(db)
    _downgrade(db, "0008")
    assert current_revision(db.engine) == "0008"
    columns = {c["name"] for c in inspect(db.engine).get_columns("grade_results")}
    assert "reward_pending" not in columns and "votes_required" not in {
        c["name"] for c in inspect(db.engine).get_columns("rounds")
    }
    assert _counts(db) == before
    upgrade_database(db.engine)
    assert _counts(db) == before
    with db.reading() as s:
        assert s.get(Round, b.round_id).votes_required is False  # the server default for old rows
