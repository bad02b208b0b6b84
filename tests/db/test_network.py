"""Network locations are recognised on both systems (with fakes for the mount table and the Windows calls)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

import pytest

from sangkien_desktop.db import network
from sangkien_desktop.db.network import (
    DRIVE_REMOTE,
    NETWORK_FS_TYPES,
    linux_location,
    network_location,
    windows_location,
)

MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda3 /home ext4 rw,relatime 0 0
//may-chu/so-lieu /mnt/so\\040lieu cifs rw,relatime,vers=3.1.1,cache=strict 0 0
nas:/export/chung /srv/chung nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /srv/chung/usb vfat rw,relatime 0 0
thuky@may-chu:/du-lieu /home/thuky/sshfs fuse.sshfs rw,nosuid,nodev 0 0
drvfs /mnt/c 9p rw,noatime,dirsync,aname=drvfs 0 0
https://dav.example/remote.php /media/dav davfs rw,nosuid,nodev 0 0
tmpfs /mnt/so\\040lieu/tam tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "share", "kind"),
    [
        ("/mnt/so lieu/sangkien.db", "//may-chu/so-lieu", "cifs"),
        ("/mnt/so lieu/2026/hoi-dong/sangkien.db", "//may-chu/so-lieu", "cifs"),
        ("/srv/chung/sangkien.db", "nas:/export/chung", "nfs4"),
        ("/home/thuky/sshfs/sangkien.db", "thuky@may-chu:/du-lieu", "fuse.sshfs"),
        ("/mnt/c/Users/thuky/sangkien.db", "drvfs", "9p"),
        ("/media/dav/sangkien.db", "https://dav.example/remote.php", "davfs"),
    ],
)
def test_linux_network_mounts(path: str, share: str, kind: str) -> None:
    location = linux_location(path, MOUNTS)
    assert location is not None
    assert (location.share, location.kind) == (share, kind)
    assert share in location.text


@pytest.mark.parametrize(
    "path",
    [
        "/home/thuky/sangkien.db",  # ext4 /home
        "/var/lib/sangkien.db",  # the root file system
        "/srv/chung/usb/sangkien.db",  # a local stick mounted inside the NFS share: the deepest mount counts
        "/mnt/so lieu/tam/sangkien.db",  # a tmpfs inside the CIFS share
        "/mnt/so lieu2/sangkien.db",  # a sibling whose name only starts like the share
        "/srv/chungx/sangkien.db",
    ],
)
def test_linux_local_paths(path: str) -> None:
    assert linux_location(path, MOUNTS) is None


def test_linux_every_issue_type_is_network() -> None:
    for kind in ("cifs", "smb3", "nfs", "nfs4", "fuse.sshfs", "9p", "davfs"):
        assert kind in NETWORK_FS_TYPES
        table = f"/dev/sda1 / ext4 rw 0 0\nserver:/x /data {kind} rw 0 0\n"
        assert linux_location("/data/sangkien.db", table) is not None, kind


def test_linux_later_mount_over_the_same_point_wins() -> None:
    table = "//nas/a /data cifs rw 0 0\n/dev/sdc1 /data ext4 rw 0 0\n"
    assert linux_location("/data/sangkien.db", table) is None
    assert linux_location("/data/sangkien.db", "\n".join(reversed(table.splitlines()))) is not None


def test_linux_empty_or_odd_table() -> None:
    assert linux_location("/data/sangkien.db", "") is None
    assert linux_location("/data/sangkien.db", "garbage\n\n") is None


class FakeWindows:
    """GetDriveTypeW / WNetGetConnectionW of a PC with C: local, Z: mapped, U: a USB stick."""

    types: ClassVar[dict[str, int]] = {"C:\\": 3, "Z:\\": DRIVE_REMOTE, "Y:\\": DRIVE_REMOTE, "U:\\": 2}
    shares: ClassVar[dict[str, str]] = {"Z:": "\\\\may-chu\\so-lieu"}

    def __init__(self) -> None:
        self.asked: list[str] = []

    def drive_type(self, root: str) -> int:
        self.asked.append(root)
        return self.types.get(root, 1)  # DRIVE_NO_ROOT_DIR

    def remote_name(self, drive: str) -> str | None:
        return self.shares.get(drive)


@pytest.mark.parametrize(
    ("path", "share", "kind"),
    [
        ("\\\\may-chu\\so-lieu\\sangkien.db", "\\\\may-chu\\so-lieu", "UNC"),
        ("//may-chu/so-lieu/2026/sangkien.db", "\\\\may-chu\\so-lieu", "UNC"),
        ("\\\\?\\UNC\\may-chu\\so-lieu\\sangkien.db", "\\\\may-chu\\so-lieu", "UNC"),
        ("Z:\\Hoi dong\\sangkien.db", "\\\\may-chu\\so-lieu", "ổ đĩa mạng Z:"),
        ("z:/sangkien.db", "\\\\may-chu\\so-lieu", "ổ đĩa mạng Z:"),
        ("\\\\?\\Z:\\sangkien.db", "\\\\may-chu\\so-lieu", "ổ đĩa mạng Z:"),
        ("Y:\\sangkien.db", "Y:", "ổ đĩa mạng Y:"),  # remote, but its share is not known
    ],
)
def test_windows_network_paths(path: str, share: str, kind: str) -> None:
    fake = FakeWindows()
    location = windows_location(path, fake.drive_type, fake.remote_name)
    assert location is not None
    assert (location.share, location.kind) == (share, kind)


@pytest.mark.parametrize(
    "path", ["C:\\Users\\thuky\\AppData\\Local\\SangKien\\sangkien.db", "U:\\sangkien.db", "\\\\?\\C:\\x.db"]
)
def test_windows_local_paths(path: str) -> None:
    fake = FakeWindows()
    assert windows_location(path, fake.drive_type, fake.remote_name) is None
    assert fake.asked  # the drive's type was asked, not guessed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/mounts")
def test_this_computer_reads_its_mount_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert network_location(tmp_path / "sangkien.db") is None  # the test folder is on a local disk
    fake = tmp_path / "mounts"
    fake.write_text(f"/dev/sda1 / ext4 rw 0 0\n//may-chu/chung {tmp_path} cifs rw 0 0\n", encoding="utf-8")
    monkeypatch.setattr(network, "MOUNTS_FILE", fake)
    location = network_location(tmp_path / "sangkien.db")
    assert location is not None and location.kind == "cifs"
    # a symbolic link from a local folder into the share is followed
    link = tmp_path.parent / f"{tmp_path.name}-link"
    link.symlink_to(tmp_path)
    try:
        assert network_location(link / "sangkien.db") is not None
    finally:
        link.unlink()
