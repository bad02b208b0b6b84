"""Issue 16's acceptance: every file of the unit corpus (``tests/helpers/unit_corpus.py``, 37 files as district
offices make them, the old formats made by LibreOffice once per test session) imported through
``sangkien import registrations`` and checked field by field in ``registrations list --json`` (titles,
authors, units, dates, and the extra columns and positions kept); refused files name the row or cell and leave
the database as it was."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Registration, RegistrationAuthor
from tests.helpers import unit_corpus
from tests.services.test_registration_import import counts

CASES = [case for case, _builder in unit_corpus._cases()]
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("corpus-don-vi")
    cases = unit_corpus.build(folder)
    if shutil.which("soffice") is not None:
        unit_corpus.convert(folder, cases)
    yield folder


def test_corpus_is_large_and_covers_the_old_formats() -> None:
    files = {c.name for c in CASES}
    assert len(files) >= 30
    assert {Path(f).suffix for f in files} >= {
        ".xlsx",
        ".xls",
        ".ods",
        ".csv",
        ".docx",
        ".doc",
        ".odt",
        ".rtf",
    }


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.name}{'+' + '+'.join(c.args) if c.args else ''}" for c in CASES]
)
def test_corpus_file(
    case: unit_corpus.Case,
    corpus: Path,
    demo_db: Database,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if (case.convert_from or (case.name.endswith(".xls") and "trang-web" in case.name)) and not shutil.which(
        "soffice"
    ):
        pytest.skip("LibreOffice missing")
    url = demo_db.url.render_as_string(hide_password=False)
    path = corpus / case.name
    before = counts(demo_db)
    capsys.readouterr()
    code = main(
        ["--db", url, "import", "registrations", str(path), "--year", str(unit_corpus.YEAR), *case.args]
    )
    out, err = capsys.readouterr()
    if case.refused:
        assert code == 1, out
        for text in case.refused:
            assert text in err, err
        assert counts(demo_db) == before, "a refused file changed the database"
        return
    assert code == 0, err
    for text in case.says:
        assert text in out, out
    assert main(["--db", url, "registrations", "list", "--year", str(unit_corpus.YEAR), "--json"]) == 0
    listed = [r for r in json.loads(capsys.readouterr().out) if r["source"] == case.name]
    assert [r["title"] for r in listed] == [e.title for e in case.rows] or sorted(
        r["title"] for r in listed
    ) == sorted(e.title for e in case.rows)
    by_title = {r["title"]: r for r in listed}
    for expected in case.rows:
        got = by_title[expected.title]
        assert got["authors_text"] == expected.authors, expected.title
        assert got["unit_name"] == expected.unit, expected.title
        day = dt.date.today() if expected.registered_on == unit_corpus.TODAY else expected.registered_on
        assert got["registered_on"] == day.isoformat(), expected.title
        assert (got["field"], got["note"]) == (expected.field, expected.note), expected.title
        if expected.job_titles is not None:
            with demo_db.reading() as s:
                titles = s.scalars(
                    select(RegistrationAuthor.job_title)
                    .join(Registration)
                    .where(Registration.id == got["id"])
                    .order_by(RegistrationAuthor.position)
                ).all()
            assert tuple(titles) == expected.job_titles, expected.title
    assert len(listed) == len(case.rows)
