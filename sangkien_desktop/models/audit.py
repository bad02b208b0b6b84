"""The audit log: who changed what, when, with old and new values; entries are hash-chained."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, now


class AuditEntry(IdMixin, Base):
    """One change. ``hash`` is SHA-256 over the entry's canonical form, which includes ``prev_hash`` (the
    hash of the entry before it, by id), so editing, inserting or deleting a row in the middle of the log
    breaks the chain (``services.audit.verify_chain``).

    ``hash_version`` names the canonical form: None for rows written before it existed (fields joined with
    a unit separator), 2 for canonical JSON including the row id, 3 for the same including ``row_values``
    (``services.audit.entry_hash``).
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity_ref", "entity", "entity_id"),)

    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    user: Mapped[str] = mapped_column(String(100), default="")  # the OS user
    action: Mapped[str] = mapped_column(String(40))  # create / update / delete / import / grade / …
    entity: Mapped[str] = mapped_column(String(40), index=True)  # table or concept: "dossier", "score" …
    entity_id: Mapped[str] = mapped_column(String(60), default="")
    summary: Mapped[str] = mapped_column(Text, default="")  # one Vietnamese line for the log page
    old_values: Mapped[str] = mapped_column(Text, default="")  # JSON
    new_values: Mapped[str] = mapped_column(Text, default="")  # JSON
    # the values of the audited rows the transaction touched (services.audit_rows); read only by ``check``
    row_values: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    hash_version: Mapped[int | None]
