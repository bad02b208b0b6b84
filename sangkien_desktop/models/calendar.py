"""Years and rounds (đợt) of the council's work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import RoundField, RoundStatus
from .base import Base, ExactDecimal, IdMixin, TimestampMixin
from .types import enum_type

if TYPE_CHECKING:
    from .council import CouncilMember
    from .scoring import Criterion, GradeRuleSet


class Year(Base):
    __tablename__ = "years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(Text, default="")

    rounds: Mapped[list[Round]] = relationship(back_populates="year_row", order_by="Round.number")


class Round(IdMixin, TimestampMixin, Base):
    """One round (đợt) of dossier intake and scoring in a year."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("year", "number"),)

    year: Mapped[int] = mapped_column(ForeignKey("years.year"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(default="")  # e.g. "Đợt 1 năm 2026"
    field: Mapped[RoundField] = mapped_column(enum_type(RoundField), default=RoundField.GENERAL)
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus), default=RoundStatus.OPEN)
    receive_from: Mapped[dt.date | None]
    receive_until: Mapped[dt.date | None]  # dossier deadline of the round
    meeting_on: Mapped[dt.date | None]  # council meeting
    decision_no: Mapped[str] = mapped_column(String(50), default="")  # as printed: "01/QĐ-UBND"
    decision_date: Mapped[dt.date | None]
    # numbers and dates of the round's other documents, stored when allocated or typed (the minutes are
    # dated ``meeting_on``); ``certificate_date`` is the date signed on its certificates (None: blank lines)
    minutes_no: Mapped[str] = mapped_column(String(50), default="")
    submission_no: Mapped[str] = mapped_column(String(50), default="")
    submission_date: Mapped[dt.date | None]
    certificate_date: Mapped[dt.date | None]
    co_author_limit: Mapped[int] = mapped_column(default=2)  # co-authors from one unit
    copies_required: Mapped[int] = mapped_column(default=12)  # copies of Đơn yêu cầu (M-02)
    members_per_dossier: Mapped[int | None]  # None = every member scores every dossier
    score_spread_limit: Mapped[Decimal] = mapped_column(ExactDecimal(6, 2), default=Decimal("20"))
    double_entry: Mapped[bool] = mapped_column(default=False)
    quorum: Mapped[int | None]  # members who must be present; None = more than half
    approval_numerator: Mapped[int] = mapped_column(default=2)  # recognition needs ≥ 2/3 in favour
    approval_denominator: Mapped[int] = mapped_column(default=3)
    votes_required: Mapped[bool] = mapped_column(default=False)  # every recognized dossier needs a vote
    finalized_at: Mapped[dt.datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    year_row: Mapped[Year] = relationship(back_populates="rounds")
    checklist_template: Mapped[list[RoundChecklistItem]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundChecklistItem.position"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="CouncilMember.position"
    )
    rule_set: Mapped[GradeRuleSet | None] = relationship(back_populates="round", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return self.name or f"Đợt {self.number} năm {self.year}"


class RoundChecklistItem(IdMixin, Base):
    """A paper item every dossier of the round must contain (the checklist template)."""

    __tablename__ = "round_checklist_items"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str]
    copies_required: Mapped[int | None]
    required: Mapped[bool] = mapped_column(default=True)

    round: Mapped[Round] = relationship(back_populates="checklist_template")
