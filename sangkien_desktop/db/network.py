"""Is a database file on a network location (a shared folder, a mapped drive, a NAS)?

SQLite's WAL mode keeps its index in shared memory that other computers cannot see, so WAL over a network
filesystem corrupts the database; the engine opens such a file with the rollback journal and exclusive
locking instead (``db.engine``). How a network location is recognised:

- Windows: a UNC path (``\\\\may-chu\\so-lieu\\sangkien.db``, also ``\\\\?\\UNC\\…``), or a drive whose type is
  remote (``GetDriveTypeW`` == ``DRIVE_REMOTE``: a mapped drive, resolved to its share with
  ``WNetGetConnectionW`` for the messages).
- Linux: the mount holding the file (the longest mount point of ``/proc/mounts`` that contains it) has a
  network filesystem type (cifs, smb3, nfs, nfs4, fuse.sshfs, 9p, davfs …).

Both are plain functions over injected facts (mount table text, drive type, mapped drive's share), so tests
check them with fakes on any system.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

MOUNTS_FILE = Path("/proc/mounts")

NETWORK_FS_TYPES = frozenset(
    {
        "cifs",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "fuse.sshfs",
        "9p",
        "davfs",
        "fuse.davfs2",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "ncpfs",
        "fuse.rclone",
    }
)

DRIVE_REMOTE = 4  # GetDriveTypeW


@dataclass(frozen=True)
class NetworkLocation:
    """Where a database file lives when that is a network location."""

    share: str  # the server's share: \\may-chu\so-lieu, may-chu:/srv/so-lieu, //nas/chung
    kind: str  # how it is reached: cifs, nfs4 …, "UNC", "ổ đĩa mạng Z:"

    @property
    def text(self) -> str:
        return f"{self.share}, {self.kind}"


# Linux ------------------------------------------------------------------------------------------------------
_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, a backslash as \\134."""
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def _contains(mount_point: str, path: str) -> bool:
    if mount_point == "/":
        return path.startswith("/")
    return path == mount_point or path.startswith(mount_point.rstrip("/") + "/")


def linux_location(path: str, mounts: str) -> NetworkLocation | None:
    """The network location of the absolute ``path`` according to the mount table text ``mounts`` (the
    format of /proc/mounts: device, mount point, type, options …), or None for a local file."""
    best: tuple[str, str, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        device, mount_point, fs_type = (_unescape(f) for f in fields[:3])
        # a later mount over the same point hides the earlier one: ">=" keeps the last
        if _contains(mount_point, path) and (best is None or len(mount_point) >= len(best[1])):
            best = (device, mount_point, fs_type)
    if best is None:
        return None
    device, _mount_point, fs_type = best
    if fs_type.lower() in NETWORK_FS_TYPES:
        return NetworkLocation(share=device, kind=fs_type)
    return None


def _read_mounts() -> str:
    try:
        return MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# Windows ----------------------------------------------------------------------------------------------------
DriveType = Callable[[str], int]  # "Z:\\" → GetDriveTypeW's answer
RemoteName = Callable[[str], str | None]  # "Z:" → "\\\\may-chu\\so-lieu" (None when unknown)


def windows_location(path: str, drive_type: DriveType, remote_name: RemoteName) -> NetworkLocation | None:
    """The network location of a Windows ``path`` (UNC, or a drive whose type is remote), or None."""
    text = path.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        text = "\\\\" + text[8:]
    elif text.startswith(("\\\\?\\", "\\\\.\\")):
        text = text[4:]
    drive = PureWindowsPath(text).drive
    if drive.startswith("\\\\"):
        return NetworkLocation(share=drive, kind="UNC")
    if len(drive) == 2 and drive[1] == ":" and drive_type(drive.upper() + "\\") == DRIVE_REMOTE:
        share = remote_name(drive.upper()) or drive.upper()
        return NetworkLocation(share=share, kind=f"ổ đĩa mạng {drive.upper()}")
    return None


def _drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]


def _remote_name(drive: str) -> str | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    size = wintypes.DWORD(1024)
    buffer = ctypes.create_unicode_buffer(size.value)
    result = ctypes.windll.mpr.WNetGetConnectionW(drive, buffer, ctypes.byref(size))  # type: ignore[attr-defined]
    return buffer.value if result == 0 and buffer.value else None


# either -----------------------------------------------------------------------------------------------------
def network_location(path: Path) -> NetworkLocation | None:
    """The network location of a database file on this computer, or None (a local disk, or a system where
    it cannot be told). Symbolic links are followed first."""
    try:
        resolved = Path(os.path.realpath(path))
    except OSError:
        resolved = Path(os.path.abspath(path))
    if os.name == "nt":  # pragma: no cover - Windows only
        return windows_location(str(resolved), _drive_type, _remote_name)
    if sys.platform.startswith("linux"):
        return linux_location(str(resolved), _read_mounts())
    return None
