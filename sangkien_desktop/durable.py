"""Durability of a rename: fsync of the folder holding a file that just took its final name (POSIX; Windows
has no directory handles for this). Used by every writer of a file (``services/output.py``) and by database
copies (``db/sqlite_copy.py``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable; silent where the system cannot."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
