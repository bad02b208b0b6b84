"""Old formats (.doc, .rtf, a web page saved as .xls, Excel 2003 XML) converted by LibreOffice when it is
installed: ``soffice --headless --convert-to`` in a temporary folder of its own (never beside the database),
with its own profile and a time limit. The converted file is then read, and checked, like any other."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...safe_files import FileRejected

TIME_LIMIT = 120  # seconds for one conversion
_WINDOWS_FOLDERS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432", "LOCALAPPDATA")


def find_soffice() -> str | None:
    """LibreOffice's soffice: $SANGKIEN_SOFFICE, on PATH, or in the usual install folders (Windows, macOS)."""
    forced = os.environ.get("SANGKIEN_SOFFICE")
    if forced:
        return forced if Path(forced).is_file() else None
    for command in ("soffice", "libreoffice"):
        found = shutil.which(command)
        if found:
            return found
    candidates = [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    for variable in _WINDOWS_FOLDERS:
        base = os.environ.get(variable)
        if base:
            candidates += [Path(base) / "LibreOffice" / "program" / "soffice.exe"]
            candidates += sorted(Path(base).glob("LibreOffice*/program/soffice.exe"))
    return next((str(p) for p in candidates if p.is_file()), None)


def how_to_save(name: str, target: str) -> str:
    """The sentence for a file that needs LibreOffice when it is not installed."""
    program = "Word" if target == "docx" else "Excel"
    return (
        f"Tệp {name} là định dạng cũ mà phần mềm chỉ đọc được khi máy có cài LibreOffice. Hãy mở tệp bằng "
        f"{program} (hoặc LibreOffice), chọn Tệp → Lưu thành (File → Save As), chọn kiểu "
        f"{'Word Document (*.docx)' if target == 'docx' else 'Excel Workbook (*.xlsx)'} rồi nhập tệp .{target} đó."
    )


@contextmanager
def converted(path: Path, target: str, display_name: str | None = None) -> Iterator[Path]:
    """``with converted(p, "docx") as q:`` — ``p`` converted to ``target`` in a temporary folder that is
    removed afterwards. Raises FileRejected with a clear sentence when LibreOffice is missing or fails."""
    name = display_name or path.name
    soffice = find_soffice()
    if soffice is None:
        raise FileRejected(how_to_save(name, target))
    with tempfile.TemporaryDirectory(prefix="sangkien-chuyen-") as tmp:
        folder = Path(tmp)
        source = folder / ("nguon" + path.suffix.lower())
        shutil.copyfile(path, source)
        out = folder / "ra"
        out.mkdir()
        filters = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'ho-so').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            filters.get(target, target),
            "--outdir",
            str(out),
            str(source),
        ]
        env = dict(os.environ, HOME=str(folder), XDG_CACHE_HOME=str(folder / "cache"))
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=TIME_LIMIT,
                env=env,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise FileRejected(
                f"LibreOffice không chuyển xong tệp {name} trong {TIME_LIMIT} giây. "
                + how_to_save(name, target)
            ) from exc
        except OSError as exc:
            raise FileRejected(
                f"Không chạy được LibreOffice để đọc tệp {name} ({exc}). " + how_to_save(name, target)
            ) from exc
        produced = out / f"nguon.{target}"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise FileRejected(f"LibreOffice không chuyển được tệp {name}. " + how_to_save(name, target))
        yield produced


def convert_many(paths: list[Path], target: str, out: Path) -> None:
    """Convert several files in one LibreOffice run (used by the test corpus, which converts once)."""
    soffice = find_soffice()
    if soffice is None:
        raise FileRejected("LibreOffice chưa được cài.")
    with tempfile.TemporaryDirectory(prefix="sangkien-chuyen-") as tmp:
        command = [soffice, f"-env:UserInstallation={Path(tmp).as_uri()}", "--headless", "--norestore",
                   "--convert-to", target, "--outdir", str(out), *map(str, paths)]  # fmt: skip
        env = dict(os.environ, HOME=tmp, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        subprocess.run(
            command,
            capture_output=True,
            timeout=TIME_LIMIT * 4,
            env=env,
            check=False,
            stdin=subprocess.DEVNULL,
        )
