"""Every importer (``sangkien import …``) fed random, truncated and damaged files: it never crashes (a clear
"Lỗi: …" and exit code 1) and never writes part of a file — either the database is unchanged or the import
was complete and the database still passes ``check``."""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Base
from sangkien_desktop.services import check
from tests.helpers.cli_runs import arguments, group_commands

IMPORTERS = group_commands("import")
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@functools.cache
def _base_files() -> dict[str, bytes]:
    """Valid files of the kinds importers read (registration forms as units send them), made once so every
    hypothesis example starts from the same bytes."""
    tmp_path = Path(tempfile.mkdtemp(prefix="mau-nhap-"))
    files: dict[str, bytes] = {}
    try:
        from tests.helpers.registration_files import write_docx, write_xlsx
    except ImportError:  # pragma: no cover - before the registration area landed
        write_xlsx = write_docx = None  # type: ignore[assignment]
    if write_xlsx is not None:
        files[".xlsx"] = write_xlsx(tmp_path / "mau.xlsx", year=2026).read_bytes()
    if write_docx is not None:
        files[".docx"] = write_docx(tmp_path / "mau.docx", year=2026).read_bytes()
    if ".xlsx" not in files:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["TT", "Tên sáng kiến", "Tác giả"])
        ws.append([1, "Đổi mới", "Nguyễn Văn Đức"])
        buffer = io.BytesIO()
        wb.save(buffer)
        files[".xlsx"] = buffer.getvalue()
    return files


def _snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def _rezip(base: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
    return out.getvalue()


@st.composite
def broken(draw: st.DrawFn, base: bytes) -> bytes:
    how = draw(st.sampled_from(["random", "truncate", "flip", "xml"]))
    if how == "random":
        return draw(st.binary(max_size=2000))
    if how == "truncate":
        return base[: draw(st.integers(0, len(base) - 1))]
    if how == "flip":
        content = bytearray(base)
        for _ in range(draw(st.integers(1, 6))):
            content[draw(st.integers(0, len(base) - 1))] = draw(st.integers(0, 255))
        return bytes(content)
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        names = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
    target = draw(st.sampled_from(names))
    cut = draw(st.floats(0, 1))
    junk = draw(st.sampled_from([b"", b"<", b"&", b"\x00", b"</x>", b"<c r='A0'>", b'"']))
    return _rezip(
        base, lambda n, d: d[: int(len(d) * cut)] + junk + d[int(len(d) * cut) :] if n == target else d
    )


@pytest.mark.skipif(not IMPORTERS, reason="no importer on this branch")
@pytest.mark.parametrize("name", sorted(IMPORTERS) or ["-"])
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@FUZZ
@given(data=st.data())
def test_broken_files_never_crash_an_importer_or_write_partially(
    demo_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    suffix: str,
    data: st.DataObject,
) -> None:
    bases = _base_files()
    if suffix not in bases:
        pytest.skip(f"no sample {suffix} file")
    content = data.draw(broken(bases[suffix]))
    path = tmp_path / f"tep-hong{suffix}"
    path.write_bytes(content)
    argv = arguments(IMPORTERS[name], path)
    assert argv is not None, f"cannot fill the arguments of import {name}"
    url = demo_db.url.render_as_string(hide_password=False)
    before = _snapshot(demo_db)
    capsys.readouterr()
    code = main(["--db", url, "import", name, *argv])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    if code == 1:
        assert err.startswith("Lỗi:"), err
        assert _snapshot(demo_db) == before, "a refused file changed the database"
    else:
        assert check.run_checks(demo_db).ok
