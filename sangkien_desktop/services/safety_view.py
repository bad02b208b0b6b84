"""What the Sao lưu & Nhật ký page reads, each call in its own read-only transaction (the page opens no
session):

- ``describe_refs(db, wanted)`` — readable names of the audit rows' objects.
- ``verify_chain(db)`` — the audit log's broken links.
- ``finalize_view(db, round_id, archives=50)`` — the round's status, decision, the warnings before
  finalizing and its archive folders, for the Chốt đợt tab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..db.database import Database
from ..domain.enums import RoundStatus
from . import audit, audit_refs, finalize
from .rounds import find_round


def describe_refs(db: Database, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    with db.reading() as session:
        return audit_refs.describe(session, list(wanted))


def verify_chain(db: Database) -> list[audit.ChainProblem]:
    with db.reading() as session:
        return audit.verify_chain(session)


@dataclass(frozen=True)
class ArchiveEntry:
    at: dt.datetime
    folder: str


@dataclass(frozen=True)
class FinalizeView:
    status: RoundStatus
    finalized_at: dt.datetime | None
    decision_no: str | None
    decision_date: dt.date | None
    warnings: list[str]  # empty once finalized
    archives: list[ArchiveEntry]

    @property
    def finalized(self) -> bool:
        return self.status is RoundStatus.FINALIZED


def finalize_view(db: Database, round_id: int, archives: int = 50) -> FinalizeView:
    with db.reading() as session:
        rnd = find_round(session, round_id)
        status, finalized_at = rnd.status, rnd.finalized_at
        decision_no, decision_date = rnd.decision_no, rnd.decision_date
    warnings = [] if status is RoundStatus.FINALIZED else finalize.finalize_warnings(db, round_id)
    rows = audit.list_entries(
        db, audit.AuditFilter(entity="round", entity_id=str(round_id), action="archive"), limit=archives
    )
    entries = [ArchiveEntry(row.at, str(row.new.get("folder", ""))) for row in rows]
    return FinalizeView(status, finalized_at, decision_no, decision_date, warnings, entries)
