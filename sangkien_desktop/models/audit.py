"""The audit log: who changed what, when, with old and new values; entries are hash-chained."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, now


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_log"

    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    user: Mapped[str] = mapped_column(String(100), default="")  # the OS user
    action: Mapped[str] = mapped_column(String(40))  # create / update / delete / import / grade / …
    entity: Mapped[str] = mapped_column(String(40), index=True)  # table or concept: "dossier", "score" …
    entity_id: Mapped[str] = mapped_column(String(60), default="")
    summary: Mapped[str] = mapped_column(Text, default="")  # one Vietnamese line for the log page
    old_values: Mapped[str] = mapped_column(Text, default="")  # JSON
    new_values: Mapped[str] = mapped_column(Text, default="")  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
