"""Dossiers (hồ sơ) received in a round, their authors and paper checklist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.enums import DossierStatus, SolutionKind
from ..domain.text import clean, fold_key
from .base import Base, ExactDecimal, IdMixin, TimestampMixin
from .calendar import Round
from .people import Person
from .registration import Registration
from .types import enum_type
from .units import Unit


class Dossier(IdMixin, TimestampMixin, Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        UniqueConstraint("year", "receipt_no"),
        Index("ix_dossiers_updated_at", "updated_at"),  # caches compare max(updated_at)
    )

    year: Mapped[int] = mapped_column(ForeignKey("years.year"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    receipt_no: Mapped[int]  # số tiếp nhận, unique per year
    received_on: Mapped[dt.date]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text, default="")  # text.fold_key(title)
    kind: Mapped[SolutionKind | None] = mapped_column(enum_type(SolutionKind))
    field: Mapped[str] = mapped_column(default="")  # lĩnh vực áp dụng
    first_applied_on: Mapped[dt.date | None]  # ngày áp dụng lần đầu (hoặc áp dụng thử)
    accepted_on: Mapped[dt.date | None]  # ngày chấp nhận đơn: starts the 3-month clock
    investor: Mapped[str] = mapped_column(default="")  # chủ đầu tư tạo ra sáng kiến
    summary: Mapped[str] = mapped_column(Text, default="")  # mô tả bản chất (tóm tắt)
    status: Mapped[DossierStatus] = mapped_column(enum_type(DossierStatus), default=DossierStatus.RECEIVED)
    status_note: Mapped[str] = mapped_column(Text, default="")  # reason, or what is missing
    supplement_requested_on: Mapped[dt.date | None]
    delivered_by: Mapped[str] = mapped_column(default="")  # người nộp
    delivered_phone: Mapped[str] = mapped_column(String(50), default="")  # số điện thoại người nộp
    result_due_on: Mapped[dt.date | None]  # ngày hẹn trả kết quả, printed on the giấy biên nhận
    note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[Round] = relationship()
    unit: Mapped[Unit] = relationship()
    registration: Mapped[Registration | None] = relationship()
    authorships: Mapped[list[Authorship]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Authorship.position"
    )
    checklist: Mapped[list[DossierChecklistItem]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierChecklistItem.position"
    )

    @property
    def code(self) -> str:
        """Short code printed on score sheets and typed back: "HS26-007"."""
        return dossier_code(self.year, self.receipt_no)

    @validates("title")
    def _normalise_title(self, _key: str, value: str) -> str:
        value = clean(value)
        self.title_key = fold_key(value)
        return value


def dossier_code(year: int, receipt_no: int) -> str:
    return f"HS{year % 100:02d}-{receipt_no:03d}"


class Authorship(IdMixin, Base):
    """An author of a dossier with their contribution (tỷ lệ % đóng góp); contributions total 100."""

    __tablename__ = "authorships"
    __table_args__ = (UniqueConstraint("dossier_id", "person_id"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    contribution: Mapped[Decimal] = mapped_column(ExactDecimal(5, 2), default=Decimal("100"))
    # As written on this đơn (the person's current values may change in later years).
    workplace: Mapped[str] = mapped_column(default="")  # nơi công tác
    job_title: Mapped[str] = mapped_column(default="")  # chức danh
    qualification: Mapped[str] = mapped_column(default="")  # trình độ chuyên môn

    dossier: Mapped[Dossier] = relationship(back_populates="authorships")
    person: Mapped[Person] = relationship()


class DossierChecklistItem(IdMixin, Base):
    __tablename__ = "dossier_checklist_items"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str]
    required: Mapped[bool] = mapped_column(default=True)
    received: Mapped[bool] = mapped_column(default=False)
    copies: Mapped[int | None]
    copies_required: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(255), default="")

    dossier: Mapped[Dossier] = relationship(back_populates="checklist")
