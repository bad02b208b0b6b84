"""Every file the app writes goes through ``services.output.write_document`` (issue 21).

A static check walks every module of ``sangkien_desktop`` for the other ways Python writes a file
(``write_bytes``/``write_text``, ``open(…, "w")``, ``.save(path)``, ``shutil.copy*``, ``os.replace`` …) and
fails on any one outside ``output.py`` and :data:`ALLOWED`. Behavioural tests check that a writer failing
part-way leaves the old file as it was and no temporary file behind.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import BinaryIO

import pytest

from sangkien_desktop.services import output
from sangkien_desktop.services.output import WriteError, write_document, write_text_document

PACKAGE = Path(__file__).resolve().parents[1] / "sangkien_desktop"

ALLOWED: dict[tuple[str, str], str] = {
    # (module path under sangkien_desktop/, what it calls): why it is not a document
    ("services/output.py", "*"): "the single writer itself",
    ("db/sqlite_copy.py", "open(rb+)"): "fsync of a database copy SQLite has just written (nothing written)",
    ("db/sqlite_copy.py", ".backup()"): "SQLite's backup API: database copies are written by SQLite",
    ("db/sqlite_copy.py", ".replace()"): "the database copy SQLite wrote to a .part file takes its name",
    ("services/backup.py", ".replace()"): "a database copied table by table (SQLAlchemy) takes its name; "
    "also the restore's os.replace below",
    ("db/in_use.py", ".write_text()"): "this process's in-use marker beside the database: a lock note, "
    "rewritten while the app runs and deleted on exit, never a document",
    ("services/backup.py", "shutil.copy2()"): "restore: keeps the damaged database file byte for byte for "
    "a technician (its own -wal too); SQLite cannot open it any more",
    ("services/backup.py", "shutil.copyfile()"): "restore: a sound backup copied over a damaged database "
    "file (then os.replace): a database, not a document",
    ("services/backup.py", "os.replace()"): "restore: the damaged database file replaced by the copy",
    ("services/finalize.py", ".rename()"): "the archive folder takes its final name once every file in it "
    "was written through write_document (a folder, not a file)",
    ("services/importers/readers/convert.py", "shutil.copyfile()"): "a scratch copy of an input file in a "
    "temporary folder for LibreOffice to convert; removed with the folder",
    ("ui/unexpected_errors.py", "RotatingFileHandler()"): "the log file (logging writes it)",
    ("services/xlsx/fast_save.py", ".save()"): "an .xlsx workbook saved into memory (BytesIO, a ZipFile on "
    "it); its bytes are then written through write_document",
}

BUFFER_FACTORIES = {"BytesIO", "QBuffer", "StringIO"}
"""``.save(x)`` into one of these is an in-memory save (workbooks, documents, images): bytes, not a file."""

COPIERS = {"copy", "copy2", "copyfile", "copytree", "move"}
WRITE_MODES = set("wax+")


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _buffers(function: ast.AST) -> set[str]:
    """Names bound in ``function`` to an in-memory buffer, or to something built on one (a canvas)."""
    names: set[str] = set()
    assigns = [n for n in ast.walk(function) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)]
    for _ in range(2):  # buffers first, then what is built on them
        for node in assigns:
            call = node.value
            assert isinstance(call, ast.Call)
            factory = _dotted(call.func).rsplit(".", 1)[-1]
            built_on = any(isinstance(a, ast.Name) and a.id in names for a in call.args)
            if factory in BUFFER_FACTORIES or built_on:
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _mode(call: ast.Call, position: int) -> str:
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)  # type: ignore[attr-defined]
    for kw in call.keywords:
        if kw.arg == "mode" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value)
    return "r"


def _writer(call: ast.Call, buffers: set[str]) -> str | None:
    """What ``call`` writes with ("open(w)", ".write_bytes()" …), or None when it writes no file."""
    name = _dotted(call.func)
    last = name.rsplit(".", 1)[-1]
    method = isinstance(call.func, ast.Attribute)
    if last in {"write_bytes", "write_text"} and method:
        return f".{last}()"
    if name in {"open", "io.open", "os.fdopen"} and WRITE_MODES & set(_mode(call, 1)):
        return f"open({_mode(call, 1)})"
    if (
        name == "os.open"
        and call.args
        and _dotted(call.args[0]) != "os.devnull"
        and any("O_WR" in _dotted(a) or "O_CREAT" in _dotted(a) for a in ast.walk(call))
    ):  # type: ignore[arg-type]
        return "os.open()"
    if name.startswith("shutil.") and last in COPIERS:
        return f"shutil.{last}()"
    if name in {"os.replace", "os.rename"}:
        return f"{name}()"
    if method and last in {"replace", "rename"} and len(call.args) == 1 and not call.keywords:
        return f".{last}()"  # Path.replace/rename take one argument; str.replace takes two
    if method and last == "save" and _dotted(call.func.value) != "self":  # type: ignore[attr-defined]
        target = call.args[0] if call.args else call.func.value  # type: ignore[attr-defined]
        if isinstance(target, ast.Name) and target.id in buffers:
            return None
        return ".save()"
    if method and last == "backup":
        return ".backup()"
    if last in {"FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler"}:
        return f"{last}()"
    if last in {"dump"} and len(call.args) >= 2 and _dotted(call.args[1]) not in {"sys.stdout", "sys.stderr"}:
        return f"{name}()"
    return None


def _writers(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    scopes: list[ast.AST] = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
    seen: set[int] = set()
    for scope in reversed(scopes):  # innermost functions first: their buffers are theirs
        buffers = _buffers(scope)
        for node in ast.walk(scope):
            if isinstance(node, ast.Call) and id(node) not in seen:
                seen.add(id(node))
                what = _writer(node, buffers)
                if what:
                    found.append((node.lineno, what))
    return sorted(found)


def test_every_file_is_written_through_write_document() -> None:
    bad = []
    used: set[tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for line, what in _writers(path):
            for key in ((rel, "*"), (rel, what)):
                if key in ALLOWED:
                    used.add(key)
                    break
            else:
                bad.append(f"{rel}:{line}: {what}")
    assert not bad, "write files through services.output.write_document:\n" + "\n".join(bad)
    stale = set(ALLOWED) - used
    assert not stale, f"allowed writers no longer there (remove them from ALLOWED): {sorted(stale)}"


def test_the_check_finds_writers(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import io, shutil\n"
        "def f(p, wb, c):\n"
        "    p.write_bytes(b'')\n"
        "    open(p, 'wb')\n"
        "    wb.save(p)\n"
        "    shutil.copy2(p, p)\n"
        "    p.replace(p)\n"
        "    buf = io.BytesIO()\n"
        "    wb.save(buf)\n"
        "    open(p, 'rb')\n"
        "    'a'.replace('a', 'b')\n",
        encoding="utf-8",
    )
    assert [what for _, what in _writers(sample)] == [
        ".write_bytes()",
        "open(wb)",
        ".save()",
        "shutil.copy2()",
        ".replace()",
    ]


# behaviour ----------------------------------------------------------------------------------------------
def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(output.TEMP_PREFIX))


def test_writes_bytes_and_a_writer(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    assert write_document(target, b"%PDF-1") == target
    assert target.read_bytes() == b"%PDF-1"

    def writer(f: BinaryIO) -> None:
        f.write(b"part 1, ")
        f.write(b"part 2")

    write_document(target, writer)
    assert target.read_bytes() == b"part 1, part 2"
    assert _leftovers(tmp_path) == []


def test_a_failing_writer_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "so-tiep-nhan.xlsx"
    target.write_bytes(b"the old book")

    def half_then_fail(f: BinaryIO) -> None:
        f.write(b"half of the new bo")
        raise RuntimeError("the producer broke")

    with pytest.raises(RuntimeError, match="the producer broke"):
        write_document(target, half_then_fail)
    assert target.read_bytes() == b"the old book"
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["so-tiep-nhan.xlsx"]


def test_a_new_file_is_not_created_when_the_writer_fails(tmp_path: Path) -> None:
    def fail(_f: BinaryIO) -> None:
        raise KeyboardInterrupt  # a cancel part-way

    with pytest.raises(KeyboardInterrupt):
        write_document(tmp_path / "moi.pdf", fail)
    assert list(tmp_path.iterdir()) == []


def test_a_disk_error_becomes_a_message_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bao-cao.pdf"
    target.write_bytes(b"old")

    def no_space(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", no_space)
    with pytest.raises(WriteError, match=r"Không ghi được tệp .*bao-cao\.pdf"):
        write_document(target, b"new")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_missing_folder_refused_or_made(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="không tồn tại"):
        write_document(tmp_path / "khong-co" / "a.pdf", b"x")
    made = write_document(tmp_path / "moi" / "a.pdf", b"x", make_folder=True)
    assert made.read_bytes() == b"x"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_mode_of_a_new_file_and_of_a_replaced_one(tmp_path: Path) -> None:
    fresh = write_document(tmp_path / "moi.pdf", b"x")
    assert fresh.stat().st_mode & 0o777 == output.NEW_FILE_MODE
    kept = tmp_path / "rieng.pdf"
    kept.write_bytes(b"old")
    kept.chmod(0o600)
    write_document(kept, b"new")
    assert kept.stat().st_mode & 0o777 == 0o600


def test_text_line_ends(tmp_path: Path) -> None:
    lf = write_text_document(tmp_path / "SHA256SUMS", "a\nb\n", newline="\n")
    assert lf.read_bytes() == b"a\nb\n"
    native = write_text_document(tmp_path / "DOC-TOI.txt", "Đợt 1\n")
    assert native.read_bytes() == ("Đợt 1" + os.linesep).encode("utf-8")
