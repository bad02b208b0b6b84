"""Fixtures for the documents: the demo database graded (``GradeResult`` rows, decision number and date)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.services.documents.round_data import RoundData, load_round

from .grading import grade_demo


@pytest.fixture
def graded_db(demo_db: Database) -> Iterator[Database]:
    """The demo database (seed 1) with both rounds graded; round 1 has decision 15/QĐ-HĐSK of 05/6/2026."""
    grade_demo(demo_db)
    yield demo_db


@pytest.fixture
def round1(graded_db: Database) -> RoundData:
    with graded_db.reading() as session:
        return load_round(session, round_id(graded_db, 1))


def round_id(db: Database, number: int, year: int = 2026) -> int:
    from sqlalchemy import select

    from sangkien_desktop.models import Round

    with db.reading() as session:
        rid = session.scalar(select(Round.id).where(Round.year == year, Round.number == number))
    assert rid is not None
    return rid


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing"
)
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing")


def pdf_text(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The text of a PDF as pdftotext reads it, whitespace collapsed to single spaces."""
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(src), "-"]
    out = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    return " ".join(out.split())


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx we wrote, whitespace collapsed."""
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return " ".join(" ".join(parts).split())


def soffice_convert(src: Path, out_dir: Path, fmt: str = "pdf") -> Path:
    """Convert with LibreOffice headless (own profile) to ``fmt`` and return the new file."""
    profile = out_dir / "lo_profile"
    env = {"XDG_CACHE_HOME": str(out_dir / "xdg"), "HOME": str(out_dir), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(out_dir), str(src)],
        check=True, capture_output=True, timeout=180, env=env,
    )  # fmt: skip
    out = out_dir / f"{src.stem}.{fmt}"
    assert out.is_file(), f"LibreOffice did not convert {src.name}"
    return out


class SeedDatabases:
    """Demo databases by seed, built once per test session (SQLite files in a temp dir): round 1
    graded (``grade --apply``) with the numbers and dates of its documents given, round 2 still open."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[int, Database] = {}

    def get(self, seed: int) -> Database:
        if seed not in self._built:
            self._built[seed] = self._build(seed)
        return self._built[seed]

    def _build(self, seed: int) -> Database:
        import datetime as dt

        from sqlalchemy import select

        from sangkien_desktop.db.engine import sqlite_url
        from sangkien_desktop.models import Round
        from sangkien_desktop.services import demo, grading, numbering

        db = Database.open(sqlite_url(self.root / f"demo-{seed}.db"))
        demo.create_demo(db, seed=seed)
        with db.session() as session:
            rnd = session.scalar(select(Round).where(Round.year == 2026, Round.number == 1))
            assert rnd is not None
            grading.apply(session, rnd.id)
            numbering.update_round_in(
                session,
                rnd,
                {
                    "minutes_no": "1",
                    "submission_no": "1",
                    "submission_date": dt.date(2026, 5, 25),
                    "decision_no": "1",
                    "decision_date": dt.date(2026, 6, 5),
                    "certificate_date": dt.date(2026, 6, 5),
                },
            )
        return db

    def close(self) -> None:
        for db in self._built.values():
            db.dispose()


@pytest.fixture(scope="session")
def seed_dbs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeedDatabases]:
    dbs = SeedDatabases(tmp_path_factory.mktemp("seed-dbs"))
    yield dbs
    dbs.close()
