"""The one way the app writes a file: :func:`write_document`.

Every document, export, archive file, settings file and note the app writes goes through here, so what
every output needs is done in one place: the bytes go to a temporary file in the target's own folder, are
flushed to disk (fsync), and only then take the final name (``os.replace``, atomic on one file system). A
failure or a cancel part-way leaves the old file untouched and no temporary file behind.

Files written by SQLite itself (backups through its backup API, restores) and log files are not
documents: they keep their own writers (``tests/test_single_writer.py`` lists them with the reason).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..domain.errors import SangKienError
from ..durable import fsync_folder

__all__ = ["WriteError", "Writer", "write_document", "write_text_document"]

Writer = Callable[[BinaryIO], None]
"""``writer(f)`` writes the whole content to the binary file object ``f`` (e.g. ``workbook.save``)."""

NEW_FILE_MODE = 0o644
"""A new file is readable by others, as a plain ``open(…, "w")`` would leave it (mkstemp makes 0600)."""

TEMP_PREFIX = ".sangkien-"
TEMP_SUFFIX = ".part"


class WriteError(SangKienError):
    """The file could not be written; the old file (if any) is unchanged and no partial file is left."""


def write_document(path: str | os.PathLike[str], data: bytes | Writer, *, make_folder: bool = False) -> Path:
    """Write ``data`` (bytes, or a callable writing to a binary file object) to ``path`` atomically and
    return the path. ``make_folder`` creates missing folders; otherwise a missing folder is refused."""
    target = Path(path).expanduser()
    folder = target.parent
    _ensure_folder(folder, make_folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise WriteError(f"Không ghi được tệp {target}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _set_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteError(f"Không ghi được tệp {target}: {exc}") from exc
        raise
    fsync_folder(folder)
    return target


def write_text_document(
    path: str | os.PathLike[str],
    text: str,
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    make_folder: bool = False,
) -> Path:
    """:func:`write_document` for text. ``newline`` as in ``open``: None writes ``\\n`` as the system's
    line end (``os.linesep``), a string writes it as that string ("\\n": unchanged)."""
    ending = os.linesep if newline is None else newline or "\n"
    if ending != "\n":
        text = text.replace("\n", ending)
    return write_document(path, text.encode(encoding), make_folder=make_folder)


def _ensure_folder(folder: Path, make_folder: bool) -> None:
    if make_folder:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"Không tạo được thư mục {folder}: {exc}") from exc
    elif not folder.is_dir():
        raise WriteError(f"Thư mục {folder} không tồn tại.")


def _set_mode(tmp: Path, target: Path) -> None:
    """The new file keeps the mode of the file it replaces, or gets :data:`NEW_FILE_MODE`."""
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = NEW_FILE_MODE
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)
