"""Declarative base, naming convention and column types shared by every mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, Numeric, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_MEMO_LIMIT = 20_000


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal column that round-trips exactly on SQLite and PostgreSQL.

    PostgreSQL stores NUMERIC(p, s). SQLite has no decimal type: the value is stored as REAL and read back
    through ``str`` and quantized to the scale, so a typed 79.99 comes back as Decimal("79.99"), never
    Decimal(79.99). Scores and percentages have at most a few decimals, well inside a double's precision.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 8, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)
        self._memo: dict[tuple[type, Any], Decimal] = {}

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(str(value)) if not isinstance(value, Decimal) else value
        value = value.quantize(self._quantum)
        return float(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # Scores repeat a few hundred distinct values: a round's 70,000 scores convert from a small
        # memo (Decimals are immutable, so sharing them is safe). Keyed by type too: 1 == 1.0 == True.
        key = (type(value), value)
        found = self._memo.get(key)
        if found is None:
            found = Decimal(str(value)).quantize(self._quantum)
            if len(self._memo) < _MEMO_LIMIT:
                self._memo[key] = found
        return found


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        str: String(255),
        int: Integer,
        Decimal: ExactDecimal(8, 2),
        dt.datetime: DateTime(),
    }


def now() -> dt.datetime:
    """Local wall-clock time, second precision (what a secretary expects to read in the log)."""
    return dt.datetime.now().replace(microsecond=0)


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)


# Re-exported so model modules import column types from one place.
__all__ = [
    "Base",
    "BigInteger",
    "ExactDecimal",
    "IdMixin",
    "Text",
    "TimestampMixin",
    "now",
]
