"""Checks every writer calls before changing a round's data.

A finalized round (decision signed) is read-only for scores, grades, assignments and certificates; reopening
it needs a reason and is logged (issue 7).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.enums import RoundStatus
from ..domain.errors import NotFoundError, RoundLockedError
from ..models import Round


def editable_round(session: Session, round_id: int, what: str = "dữ liệu") -> Round:
    """Return the round, or raise ``RoundLockedError`` when it is finalized.

    ``what`` names the data being changed, for the message ("điểm", "xếp loại", "phân công" …).
    """
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    if rnd.status is RoundStatus.FINALIZED:
        raise RoundLockedError(
            f"{rnd.label} đã chốt kết quả nên không sửa được {what}. "
            "Muốn sửa, hãy mở lại đợt (phải ghi lý do; việc mở lại được ghi vào nhật ký)."
        )
    return rnd
