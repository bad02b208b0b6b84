"""People: authors of initiatives and council members."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.text import fold_key, one_line
from .base import Base, IdMixin, TimestampMixin
from .units import Unit


class Person(IdMixin, TimestampMixin, Base):
    __tablename__ = "people"
    __table_args__ = (Index("ix_people_updated_at", "updated_at"),)  # caches compare max(updated_at)

    full_name: Mapped[str]
    name_key: Mapped[str] = mapped_column(String(255), index=True, default="")  # text.fold_key(full_name)
    birth_date: Mapped[dt.date | None]
    gender: Mapped[str] = mapped_column(String(10), default="")  # "Nam" / "Nữ" / ""
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    workplace: Mapped[str] = mapped_column(default="")  # nơi công tác as written on the đơn
    job_title: Mapped[str] = mapped_column(default="")  # chức danh
    qualification: Mapped[str] = mapped_column(default="")  # trình độ chuyên môn
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit | None] = relationship()

    @validates("full_name")
    def _normalise_full_name(self, _key: str, value: str) -> str:
        value = one_line(value)
        self.name_key = fold_key(value)
        return value
