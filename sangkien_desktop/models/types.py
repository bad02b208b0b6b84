"""Column helpers used by the mapping modules."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_type(enum_cls: type[StrEnum], length: int = 20) -> Enum:
    """A portable enum column: a VARCHAR holding the enum's value (no native PostgreSQL ENUM type)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
