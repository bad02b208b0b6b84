"""Acceptance (issue 15): ``sangkien export DOC --round R -o OUT`` succeeds for every document and every
format, on demo seeds 1–9, for a graded and numbered round (1) and a round still taking dossiers (2).

Fast by construction: one demo database per seed, built once per session; the commands run in this
process through the real command line (argument parsing, the export handler, the file written), with
the parser built once and the seed's database opened once.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import sangkien_desktop.cli as cli
from sangkien_desktop.cli import documents as cli_documents
from sangkien_desktop.cli import intake as cli_intake
from sangkien_desktop.db.database import Database
from sangkien_desktop.services.documents import catalog

from .conftest import SeedDatabases

ROUND_DOCUMENTS = [
    *[(spec.key, fmt) for spec in catalog.CATALOG for fmt in spec.formats],
    ("receipt-book", "pdf"),
    ("receipt-book", "xlsx"),
    ("reconciliation", "pdf"),
    ("reconciliation", "xlsx"),
]
UNGRADED_REFUSES = {"certificates": "Không có giấy chứng nhận nào để in"}
"""What an ungraded round cannot print, and the message that says why."""
SAME_FOR_EVERY_ROUND = {
    spec.key for spec in catalog.CATALOG if spec.scope != catalog.ROUND and spec.key != "dost"
}
"""Year documents (the round only names the year) and the calibration page: exported once per seed."""


class _Shared:
    """The seed's database handed to every command (its ``dispose`` is left to the session)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)

    def dispose(self) -> None:
        pass


@pytest.fixture(scope="module")
def parser() -> object:
    return cli.build_parser()


@pytest.fixture
def run(parser: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def use(db: Database) -> None:
        shared = _Shared(db)
        for module in (cli_documents, cli_intake):
            monkeypatch.setattr(module, "open_db", lambda _args, **_kw: shared)

    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    yield use


def _check(out: Path, fmt: str) -> None:
    data = out.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF") and b"/Page" in data, out.name
    else:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert ("xl/workbook.xml" if fmt == "xlsx" else "word/document.xml") in names, out.name


@pytest.mark.parametrize("seed", range(1, 10))
def test_every_document_every_format(
    seed: int,
    seed_dbs: SeedDatabases,
    run: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = seed_dbs.get(seed)
    run(db)  # type: ignore[operator]
    failures = []
    for number in (1, 2):
        for key, fmt in ROUND_DOCUMENTS:
            if number > 1 and key in SAME_FOR_EVERY_ROUND:
                continue
            out = tmp_path / f"{key}-{number}.{fmt}"
            code = cli.main(["export", key, "--round", f"2026/{number}", "-o", str(out)])
            err = capsys.readouterr().err
            refused = number == 2 and key in UNGRADED_REFUSES
            if refused:
                if code != 1 or UNGRADED_REFUSES[key] not in err:
                    failures.append(f"{key} .{fmt} đợt {number}: {code} {err.strip()}")
                continue
            if code != 0:
                failures.append(f"{key} .{fmt} đợt {number}: {err.strip()}")
                continue
            _check(out, fmt)
    assert not failures, "\n".join(failures)
