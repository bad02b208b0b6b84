"""Registrations: the rows of the TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM table (seed 000)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.text import clean, fold_key, one_line
from .base import Base, IdMixin, TimestampMixin, now
from .people import Person
from .units import Unit


class Registration(IdMixin, TimestampMixin, Base):
    """One registered initiative. Columns follow the form, left to right."""

    __tablename__ = "registrations"
    __table_args__ = (Index("ix_registrations_updated_at", "updated_at"),)  # caches compare max(updated_at)

    year: Mapped[int] = mapped_column(ForeignKey("years.year"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    seq: Mapped[int | None]  # TT in the unit's table
    applied_unit: Mapped[str] = mapped_column(Text, default="")  # Đơn vị (đã áp dụng hoặc dự kiến áp dụng …)
    problem: Mapped[str] = mapped_column(Text, default="")  # Tồn tại
    title: Mapped[str] = mapped_column(Text)  # Tên sáng kiến
    title_key: Mapped[str] = mapped_column(Text, default="")  # text.fold_key(title)
    content: Mapped[str] = mapped_column(Text, default="")  # Nội dung thực hiện/dự kiến thực hiện …
    effect: Mapped[str] = mapped_column(Text, default="")  # Hiệu quả/dự kiến hiệu quả …
    scope: Mapped[str] = mapped_column(Text, default="")  # Phạm vi ảnh hưởng
    authors_text: Mapped[str] = mapped_column(Text, default="")  # Tác giả/nhóm tác giả
    department: Mapped[str] = mapped_column(Text, default="")  # Bộ phận công tác
    field: Mapped[str] = mapped_column(Text, default="", server_default="")  # Lĩnh vực, when the table has it
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # Ghi chú, when the table has it
    registered_on: Mapped[dt.date | None]
    source: Mapped[str] = mapped_column(String(255), default="")  # "nhập tay" or the imported file's name
    not_duplicate: Mapped[bool] = mapped_column(default=False)  # secretary's "không trùng" mark
    not_duplicate_note: Mapped[str] = mapped_column(Text, default="")
    # Folded text of every column (text.fold_key), for accent-insensitive search on any database.
    search_key: Mapped[str] = mapped_column(Text, default="", server_default="")

    unit: Mapped[Unit] = relationship()
    authors: Mapped[list[RegistrationAuthor]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationAuthor.position"
    )

    @validates("title")
    def _normalise_title(self, _key: str, value: str) -> str:
        value = clean(value)
        self.title_key = fold_key(value)
        return value


SEARCHED_FIELDS = (
    "title",
    "applied_unit",
    "problem",
    "content",
    "effect",
    "scope",
    "authors_text",
    "department",
)


def registration_search_key(values: dict[str, Any] | Registration) -> str:
    """The folded search text of a registration (or of a dict with its fields)."""
    get = values.get if isinstance(values, dict) else lambda k, d="": getattr(values, k, d)
    return fold_key(" ".join(str(get(k, "") or "") for k in SEARCHED_FIELDS))


@event.listens_for(Registration, "before_insert")
@event.listens_for(Registration, "before_update")
def _refresh_search_key(_mapper: Any, _connection: Any, target: Registration) -> None:
    target.search_key = registration_search_key(target)


class RegistrationAuthor(IdMixin, Base):
    """An author named in a registration row (parsed from the Tác giả cell)."""

    __tablename__ = "registration_authors"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    full_name: Mapped[str]
    name_key: Mapped[str] = mapped_column(String(255), index=True, default="")
    department: Mapped[str] = mapped_column(default="")
    job_title: Mapped[str] = mapped_column(
        Text, default="", server_default=""
    )  # chức vụ, rank, form of address
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    registration: Mapped[Registration] = relationship(back_populates="authors")
    person: Mapped[Person | None] = relationship()

    @validates("full_name")
    def _normalise_full_name(self, _key: str, value: str) -> str:
        value = one_line(value)
        self.name_key = fold_key(value)
        return value


class ImportMapping(IdMixin, Base):
    """A remembered column mapping for imports (per unit and kind), reused next year."""

    __tablename__ = "import_mappings"

    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30), default="registrations")
    mapping_json: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)
