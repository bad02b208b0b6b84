"""The council of a round and the assignment of dossiers to its members."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import MemberRole
from .base import Base, IdMixin, now
from .calendar import Round
from .dossier import Dossier
from .people import Person
from .types import enum_type


class CouncilMember(IdMixin, Base):
    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("round_id", "person_id"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole), default=MemberRole.MEMBER)
    expertise: Mapped[str] = mapped_column(Text, default="")  # fields, comma separated
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    round: Mapped[Round] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class Assignment(IdMixin, Base):
    """Member ↔ dossier: the member scores this dossier. A conflict may be overridden with a logged reason."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("dossier_id", "member_id"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id", ondelete="CASCADE"), index=True)
    conflict_override: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    dossier: Mapped[Dossier] = relationship()
    member: Mapped[CouncilMember] = relationship()


class AssignmentExclusion(IdMixin, Base):
    """Member ↔ dossier pairs the secretary set apart by hand: ``kind`` "removed" (an assignment taken away
    by hand, which the automatic assignment must not add back) or a conflict of interest recorded by hand
    ("relative": a relative of an author; "other": another reason, in ``reason``)."""

    __tablename__ = "assignment_exclusions"
    __table_args__ = (UniqueConstraint("dossier_id", "member_id"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="removed")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
