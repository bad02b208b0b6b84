"""Rubric, scores, votes, grade rules and grade results of a round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import TiePolicy, VoteMethod
from .base import Base, ExactDecimal, IdMixin, now
from .calendar import Round
from .council import CouncilMember
from .dossier import Dossier
from .types import enum_type


class Criterion(IdMixin, Base):
    """A rubric criterion of a round: name, maximum points, optional minimum to be recognized."""

    __tablename__ = "criteria"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str]
    max_points: Mapped[Decimal] = mapped_column(ExactDecimal(6, 2))
    min_points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    description: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[Round] = relationship(back_populates="criteria")


class Score(IdMixin, Base):
    """Points given by one member to one dossier on one criterion.

    ``check_points`` holds the second typing when double entry is on; a mismatch is shown to the secretary.
    """

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("dossier_id", "member_id", "criterion_id"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    points: Mapped[Decimal] = mapped_column(ExactDecimal(6, 2))
    check_points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    entered_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)

    dossier: Mapped[Dossier] = relationship()
    member: Mapped[CouncilMember] = relationship()
    criterion: Mapped[Criterion] = relationship()


class Vote(IdMixin, Base):
    """The council's vote on recognizing a dossier (≥ 2/3 of members in favour, TT 18/2013 Điều 8)."""

    __tablename__ = "votes"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True)
    members_total: Mapped[int] = mapped_column(default=0)
    present: Mapped[int] = mapped_column(default=0)
    in_favour: Mapped[int] = mapped_column(default=0)
    against: Mapped[int] = mapped_column(default=0)
    method: Mapped[VoteMethod] = mapped_column(enum_type(VoteMethod), default=VoteMethod.SHOW_OF_HANDS)
    note: Mapped[str] = mapped_column(Text, default="")

    dossier: Mapped[Dossier] = relationship()


class GradeRuleSet(IdMixin, Base):
    """Grade rules of a round: thresholds, quotas, amounts, rounding and tie policy (versioned by date)."""

    __tablename__ = "grade_rule_sets"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(default="")  # e.g. "Tam Điệp 2024"
    effective_from: Mapped[dt.date | None]
    decimals: Mapped[int] = mapped_column(default=2)
    rounding: Mapped[str] = mapped_column(String(20), default="half_up")
    certificate_threshold: Mapped[Decimal] = mapped_column(ExactDecimal(6, 2), default=Decimal("50"))
    tie_policy: Mapped[TiePolicy] = mapped_column(enum_type(TiePolicy), default=TiePolicy.COUNCIL)
    tie_break_criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criteria.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship(back_populates="rule_set")
    bands: Mapped[list[GradeBand]] = relationship(
        back_populates="rule_set", cascade="all, delete-orphan", order_by="GradeBand.position"
    )


class GradeBand(IdMixin, Base):
    """One prize grade (A, B, C …): minimum mean, quota (None = unlimited) and reward in đồng."""

    __tablename__ = "grade_bands"

    rule_set_id: Mapped[int] = mapped_column(ForeignKey("grade_rule_sets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(default="")
    min_mean: Mapped[Decimal] = mapped_column(ExactDecimal(6, 2))
    quota: Mapped[int | None]
    amount: Mapped[int] = mapped_column(BigInteger, default=0)

    rule_set: Mapped[GradeRuleSet] = relationship(back_populates="bands")
    conditions: Mapped[list[GradeCondition]] = relationship(
        back_populates="band", cascade="all, delete-orphan"
    )


class GradeCondition(IdMixin, Base):
    """An extra condition of a grade on one criterion's mean, e.g. A needs tính mới ≥ 30."""

    __tablename__ = "grade_conditions"

    band_id: Mapped[int] = mapped_column(ForeignKey("grade_bands.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    min_points: Mapped[Decimal] = mapped_column(ExactDecimal(6, 2))

    band: Mapped[GradeBand] = relationship(back_populates="conditions")
    criterion: Mapped[Criterion] = relationship()


class GradeResult(IdMixin, Base):
    """The saved outcome of grading for one dossier (written when the secretary applies a grading)."""

    __tablename__ = "grade_results"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True)
    mean: Mapped[Decimal | None] = mapped_column(ExactDecimal(8, 4))
    rank: Mapped[int | None]
    grade: Mapped[str] = mapped_column(String(10))  # domain.enums.Grade value or a band code
    reward: Mapped[int] = mapped_column(BigInteger, default=0)
    tie: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    council_note: Mapped[str] = mapped_column(Text, default="")  # how the council settled a tie
    computed_at: Mapped[dt.datetime] = mapped_column(default=now)
    # an undecided tie (``tie``): reward is 0 until the council orders the group; what each choice gives
    reward_if_chosen: Mapped[int | None] = mapped_column(BigInteger)
    grade_if_not_chosen: Mapped[str | None] = mapped_column(String(10))
    reward_if_not_chosen: Mapped[int | None] = mapped_column(BigInteger)
    reward_pending: Mapped[int | None] = mapped_column(BigInteger)  # its part of the undecided total

    dossier: Mapped[Dossier] = relationship()


class TieDecision(IdMixin, Base):
    """The council's decision on dossiers left tied at a quota's edge: their order (1 first) and how it was
    decided. Kept apart from ``GradeResult`` so that re-grading keeps the decision."""

    __tablename__ = "tie_decisions"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True)
    priority: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(default=now)

    dossier: Mapped[Dossier] = relationship()
