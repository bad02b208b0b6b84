"""Units (đơn vị) that register initiatives, their types and aliases."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.text import fold_key, one_line
from .base import Base, IdMixin, TimestampMixin


class UnitType(IdMixin, Base):
    """Phòng ban, xã/phường, trường Mầm non/Tiểu học/THCS … with the yearly registration deadline."""

    __tablename__ = "unit_types"

    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str]
    deadline_month: Mapped[int | None]  # registration deadline, e.g. 31/3 → month 3, day 31
    deadline_day: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    units: Mapped[list[Unit]] = relationship(back_populates="unit_type")


class Unit(IdMixin, TimestampMixin, Base):
    __tablename__ = "units"

    name: Mapped[str] = mapped_column(String(255), unique=True)
    name_key: Mapped[str] = mapped_column(String(255), index=True, default="")  # text.fold_key(name)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    unit_type_id: Mapped[int | None] = mapped_column(ForeignKey("unit_types.id"))
    active: Mapped[bool] = mapped_column(default=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    unit_type: Mapped[UnitType | None] = relationship(back_populates="units")
    aliases: Mapped[list[UnitAlias]] = relationship(back_populates="unit", cascade="all, delete-orphan")

    @validates("name")
    def _normalise_name(self, _key: str, value: str) -> str:
        value = one_line(value)
        self.name_key = fold_key(value)
        return value


class UnitAlias(IdMixin, Base):
    """Another name of a unit ("UBND xã Vạn Phúc" for "Xã Vạn Phúc"), matched on import by its folded key."""

    __tablename__ = "unit_aliases"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    alias: Mapped[str]
    alias_key: Mapped[str] = mapped_column(String(255), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")

    @validates("alias")
    def _normalise_alias(self, _key: str, value: str) -> str:
        value = one_line(value)
        self.alias_key = fold_key(value)
        return value
