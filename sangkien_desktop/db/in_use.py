"""Who has a SQLite database file open: the "in use" markers beside it.

Each running copy of the app that has a database open writes a small marker file beside it,
``.<database file>.dang-mo.<host>.<pid>`` (JSON: host, pid, user, since), refreshes its time every few
minutes and deletes it when it closes. A copy that crashed leaves its marker behind; a marker is *stale* —
and removed — when its process is gone (same computer) or when it has not been refreshed for
``STALE_AFTER_S`` (another computer).

The markers are separate small files: the database file itself is never opened here (on POSIX, closing any
descriptor of the live database would drop this process's SQLite locks on it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

STALE_AFTER_S = 10 * 60
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


def login_name() -> str:
    """The OS login name written in a marker."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (service account, odd environment)
        return "?"


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


def marker_prefix(db_path: Path) -> str:
    return f".{db_path.name}{MARKER_INFIX}"


def marker_path(db_path: Path) -> Path:
    """This process's marker for ``db_path``."""
    return db_path.parent / f"{marker_prefix(db_path)}{this_host()}.{os.getpid()}"


def write_marker(db_path: Path, user: str | None = None) -> Path | None:
    """Write (or rewrite) this process's marker; None when the folder cannot be written (logged)."""
    path = marker_path(db_path)
    data = {
        "host": this_host(),
        "pid": os.getpid(),
        "user": user if user is not None else login_name(),
        "since": dt.datetime.now().replace(microsecond=0).isoformat(),
    }
    try:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        log.warning("Could not write the marker %s: %s", path, exc)
        return None
    return path


def remove_marker(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


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
    for path in sorted(folder.glob(marker_prefix(db_path) + "*")):
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
