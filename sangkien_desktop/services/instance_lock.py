"""Is this database already open in another copy of the app?

SQLite itself keeps two copies safe (one writer at a time, the busy timeout makes the other wait; a test runs
two writers at once), so this is a *notice*, not a lock: the second copy tells the secretary that the data is
in use elsewhere, because a change made in one window only shows in the other after it reloads.

Each running copy writes a small marker file beside the database, ``.<database file>.dang-mo.<host>.<pid>``
(JSON: host, pid, user, since), refreshes its time every few minutes and deletes it on exit. A copy that
crashed leaves its marker behind; a marker is *stale* — and removed — when its process is gone (same computer)
or when it has not been refreshed for ``STALE_AFTER`` (another computer). Server databases (PostgreSQL) are
made for several users and get no marker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from ..db.database import Database
from .audit import current_user

log = logging.getLogger(__name__)

STALE_AFTER_S = 10 * 60
HEARTBEAT_S = 2 * 60
MARKER_INFIX = ".dang-mo."


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    user: str
    since: dt.datetime
    path: Path

    @property
    def text(self) -> str:
        return f"{self.user} trên máy {self.host} (mở từ {self.since.strftime('%H:%M ngày %d/%m/%Y')})"


def this_host() -> str:
    return socket.gethostname() or "?"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (never signals or stops it)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return False
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _prefix(db_path: Path) -> str:
    return f".{db_path.name}{MARKER_INFIX}"


def _read(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(
            host=str(data["host"]),
            pid=int(data["pid"]),
            user=str(data.get("user", "?")),
            since=dt.datetime.fromisoformat(str(data["since"])),
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stale(holder: Holder | None, path: Path) -> bool:
    if holder is None:
        try:
            return time.time() - path.stat().st_mtime > 60  # unreadable and not being written any more
        except OSError:
            return True
    if holder.host == this_host():
        return not pid_alive(holder.pid)
    try:
        return time.time() - path.stat().st_mtime > STALE_AFTER_S
    except OSError:
        return True


def others(db_path: Path, *, own: Path | None = None) -> list[Holder]:
    """The live copies that have ``db_path`` open (stale markers are deleted on the way)."""
    found: list[Holder] = []
    folder = db_path.parent
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(_prefix(db_path) + "*")):
        if own is not None and path == own:
            continue
        holder = _read(path)
        if _stale(holder, path):
            with contextlib.suppress(OSError):
                path.unlink()
                log.info("Removed stale marker %s", path)
            continue
        if holder is not None:
            found.append(holder)
    return found


class InstanceMarker:
    """This copy's marker for one SQLite database file."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = db_path.parent / f"{_prefix(db_path)}{this_host()}.{os.getpid()}"

    @classmethod
    def acquire(cls, db: Database) -> tuple[InstanceMarker | None, list[Holder]]:
        """Write this copy's marker and return who else has the database open. Never raises."""
        path = db.path
        if path is None:
            return None, []
        marker = cls(path)
        try:
            marker.path.write_text(
                json.dumps(
                    {
                        "host": this_host(),
                        "pid": os.getpid(),
                        "user": current_user(),
                        "since": dt.datetime.now().replace(microsecond=0).isoformat(),
                    },
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
        except OSError as exc:
            log.warning("Could not write the marker %s: %s", marker.path, exc)
            return None, others(path)
        return marker, others(path, own=marker.path)

    def heartbeat(self) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.path)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


def in_use_message(holders: list[Holder]) -> str:
    who = "; ".join(h.text for h in holders)
    return (
        f"Cơ sở dữ liệu này đang được mở ở một cửa sổ Sáng kiến Desktop khác: {who}.\n\n"
        "Hai cửa sổ cùng làm việc vẫn an toàn (dữ liệu không bị hỏng), nhưng thay đổi ở cửa sổ này chỉ hiện "
        "ở cửa sổ kia sau khi chuyển trang hoặc mở lại. Nên chỉ nhập liệu ở một cửa sổ."
    )
