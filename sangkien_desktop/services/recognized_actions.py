"""What Cài đặt → Dữ liệu các năm trước asks beyond ``recognized``'s own calls: a decision set exactly (its
undo puts back an empty date too), one call and one transaction each."""

from __future__ import annotations

import datetime as dt

from ..db.database import Database
from ..domain.text import one_line
from . import audit
from .recognized import IMPORT_ENTITY, _batch, guard


def put_decision(
    db: Database, import_id: int, number: str, date: dt.date | None
) -> tuple[str, dt.date | None]:
    """Set the decision (number and date, an empty date included) of an import, audited; returns the
    decision it had, for the undo."""
    with db.session() as session:
        batch = _batch(session, import_id)
        guard(session, batch, "sửa")
        old = (batch.decision_no, batch.decision_date)
        batch.decision_no = one_line(number)[:50]
        batch.decision_date = date
        session.flush()
        audit.record(
            session,
            "update",
            IMPORT_ENTITY,
            batch.id,
            f"Sửa quyết định của dữ liệu năm {batch.year} (tệp {batch.file_name})",
            {"decision_no": old[0], "decision_date": old[1]},
            {"decision_no": batch.decision_no, "decision_date": batch.decision_date},
        )
        return old
