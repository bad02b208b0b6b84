"""Initiatives recognized in earlier years, imported from the decision lists of those years (issue 20).

They are not dossiers of a round: the app did not receive or grade them. An import (``RecognizedImport``: one
file, one decision) holds its initiatives (``RecognizedInitiative``), each with its authors
(``RecognizedAuthor``) linked to people, so that the duplicate warnings, reconciliation, search, person history,
the year report and the certificate register see them, marked as imported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.text import clean, fold_key, one_line
from .base import Base, ExactDecimal, IdMixin, TimestampMixin
from .people import Person
from .units import Unit


class RecognizedImport(IdMixin, TimestampMixin, Base):
    """One decision list imported: the file, the decision it is attached to, and a digest of its rows (the
    same list imported twice is recognized by it)."""

    __tablename__ = "recognized_imports"

    year: Mapped[int] = mapped_column(ForeignKey("years.year"), index=True)
    decision_no: Mapped[str] = mapped_column(String(50), default="")  # "45/QĐ-UBND"
    decision_date: Mapped[dt.date | None]
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    rows_sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    row_count: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    initiatives: Mapped[list[RecognizedInitiative]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="RecognizedInitiative.line"
    )

    @property
    def decision_text(self) -> str:
        """ "QĐ 45/QĐ-UBND" (how messages cite it), or "" when the list named no decision."""
        return f"QĐ {self.decision_no}" if self.decision_no else ""


class RecognizedInitiative(IdMixin, TimestampMixin, Base):
    """One row of an earlier year's decision list: what was recognized, as the list wrote it."""

    __tablename__ = "recognized_initiatives"
    __table_args__ = (Index("ix_recognized_initiatives_updated_at", "updated_at"),)

    import_id: Mapped[int] = mapped_column(
        ForeignKey("recognized_imports.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(ForeignKey("years.year"), index=True)
    line: Mapped[int] = mapped_column(default=0)  # the row's number in the file (its table)
    seq: Mapped[int | None]  # TT as written
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    unit_text: Mapped[str] = mapped_column(default="")  # the unit as written
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text, default="")  # text.fold_key(title)
    authors_text: Mapped[str] = mapped_column(Text, default="")  # the Tác giả cell(s) as written
    grade: Mapped[str] = mapped_column(String(10), default="CN")  # "A", "B" … or "CN"
    grade_label: Mapped[str] = mapped_column(String(100), default="")  # as written: "Loại A", "Xuất sắc"
    points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    amount: Mapped[int | None] = mapped_column(BigInteger)  # đồng
    field: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(Text, default="")  # folded title, authors, unit, field, note

    batch: Mapped[RecognizedImport] = relationship(back_populates="initiatives")
    unit: Mapped[Unit] = relationship()
    authors: Mapped[list[RecognizedAuthor]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="RecognizedAuthor.position"
    )

    @validates("title")
    def _normalise_title(self, _key: str, value: str) -> str:
        value = clean(value)
        self.title_key = fold_key(value)
        return value


def recognized_search_key(values: dict[str, Any] | RecognizedInitiative, unit_name: str = "") -> str:
    get = values.get if isinstance(values, dict) else lambda k, d="": getattr(values, k, d)
    parts = [get(k, "") or "" for k in ("title", "authors_text", "unit_text", "field", "note", "grade_label")]
    return fold_key(" ".join([*parts, unit_name]))


@event.listens_for(RecognizedInitiative, "before_insert")
@event.listens_for(RecognizedInitiative, "before_update")
def _refresh_search_key(_mapper: Any, _connection: Any, target: RecognizedInitiative) -> None:
    target.search_key = recognized_search_key(target)


class RecognizedAuthor(IdMixin, Base):
    """An author of an imported initiative, linked to a person (found by name and unit, or added)."""

    __tablename__ = "recognized_authors"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("recognized_initiatives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    full_name: Mapped[str]
    name_key: Mapped[str] = mapped_column(String(255), index=True, default="")
    job_title: Mapped[str] = mapped_column(default="")  # chức vụ as written
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the author's own unit, when known
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    certificate_no: Mapped[str] = mapped_column(String(100), default="")  # as written: "015/GCN-UBND"
    certificate_year: Mapped[int | None]  # the register year the number belongs to
    register_no: Mapped[int | None]  # the register number read from it (15)

    initiative: Mapped[RecognizedInitiative] = relationship(back_populates="authors")
    person: Mapped[Person] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @validates("full_name")
    def _normalise_full_name(self, _key: str, value: str) -> str:
        value = one_line(value)
        self.name_key = fold_key(value)
        return value
