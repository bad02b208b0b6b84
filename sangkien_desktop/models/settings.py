"""Council settings (issuing body, place, signers, legal bases …) as key/value rows.

The known keys, their Vietnamese labels and defaults are declared in ``domain.settings_schema``.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class NumberSeries(Base):
    """Document number series per year (e.g. kind "QD" for quyết định, "GCN" for certificates)."""

    __tablename__ = "number_series"

    year: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
