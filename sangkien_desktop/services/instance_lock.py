"""Is this database already open in another copy of the app?

On a local disk SQLite itself keeps two copies safe (one writer at a time, the busy timeout makes the other
wait; a test runs two writers at once), so this is a *notice*, not a lock: the second copy tells the
secretary that the data is in use elsewhere, because a change made in one window only shows in the other
after it reloads. (On a network location the database is opened with exclusive locking and a second copy is
refused outright, naming the holder from these same markers: ``db.database``.)

The markers themselves (``.<database file>.dang-mo.<host>.<pid>`` beside the database, refreshed every few
minutes, stale ones removed) live in ``db.in_use``. Server databases (PostgreSQL) are made for several users
and get no marker.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..db.database import Database
from ..db.in_use import (  # noqa: F401 - re-exported: the notice's vocabulary
    MARKER_INFIX,
    STALE_AFTER_S,
    Holder,
    marker_path,
    others,
    pid_alive,
    remove_marker,
    this_host,
    write_marker,
)
from .audit import current_user

HEARTBEAT_S = 2 * 60


class InstanceMarker:
    """This copy's marker for one SQLite database file."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = marker_path(db_path)

    @classmethod
    def acquire(cls, db: Database) -> tuple[InstanceMarker | None, list[Holder]]:
        """Write this copy's marker and return who else has the database open. Never raises."""
        path = db.path
        if path is None:
            return None, []
        marker = cls(path)
        if write_marker(path, current_user()) is None:
            return None, others(path)
        return marker, others(path, own=marker.path)

    def heartbeat(self) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.path)

    def release(self) -> None:
        remove_marker(self.path)


def in_use_message(holders: list[Holder]) -> str:
    who = "; ".join(h.text for h in holders)
    return (
        f"Cơ sở dữ liệu này đang được mở ở một cửa sổ Sáng kiến Desktop khác: {who}.\n\n"
        "Hai cửa sổ cùng làm việc vẫn an toàn (dữ liệu không bị hỏng), nhưng thay đổi ở cửa sổ này chỉ hiện "
        "ở cửa sổ kia sau khi chuyển trang hoặc mở lại. Nên chỉ nhập liệu ở một cửa sổ."
    )
