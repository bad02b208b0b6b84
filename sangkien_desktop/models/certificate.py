"""Certificates (giấy chứng nhận sáng kiến), one per author, numbered in a yearly register.

A register number (số vào sổ) is never reused: numbers come from ``NumberSeries(year, "GCN")``, and a
certificate that must not be printed any more (the grading changed) is voided with a reason, not deleted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, now
from .dossier import Dossier
from .people import Person


class Certificate(IdMixin, Base):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("year", "register_no"),
        UniqueConstraint("dossier_id", "person_id"),
    )

    year: Mapped[int]
    register_no: Mapped[int]  # số vào sổ
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    issued_on: Mapped[dt.date | None]
    voided_at: Mapped[dt.datetime | None]
    void_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    dossier: Mapped[Dossier] = relationship()
    person: Mapped[Person] = relationship()
