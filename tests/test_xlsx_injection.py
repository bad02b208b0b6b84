"""CSV/Excel injection: text that starts with =, +, - or @ (an author called =HYPERLINK("http://x","y")) is written
as text in every workbook the app produces — every ``sangkien export …`` command that writes .xlsx and every
round document in the finalize archive — never as a formula. (The app's own formulas, such as the totals of a
score sheet members fill in, are allowed; none of them may contain user text.)"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Authorship, Dossier, Person, Registration, RegistrationAuthor, Unit
from sangkien_desktop.services import round_documents
from sangkien_desktop.services.rounds import find_round
from tests.helpers.cli_runs import arguments, group_commands, top_commands

PAYLOAD = '=HYPERLINK("http://x","y")'
TRIGGERS = ("=", "+", "-", "@")
# what the poisoned fields hold: none of it may ever end up inside a formula
POISON = ("HYPERLINK", "84 912 345 678", "Giảm 30%", "@Trung tâm")


def _poison(db: Database) -> None:
    with db.session() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.year == 2026, Dossier.receipt_no == 1)).one()
        authorship = session.scalars(
            select(Authorship).where(Authorship.dossier_id == dossier.id).order_by(Authorship.position)
        ).first()
        assert authorship is not None
        person = session.get(Person, authorship.person_id)
        assert person is not None
        person.full_name = PAYLOAD
        dossier.delivered_by = "+84 912 345 678"
        dossier.summary = "-Giảm 30% thời gian"
        unit = session.get(Unit, dossier.unit_id)
        assert unit is not None
        unit.short_name = "@Trung tâm"
        if dossier.registration_id is not None:
            registration = session.get(Registration, dossier.registration_id)
            assert registration is not None
            registration.authors_text = PAYLOAD
            for ra in session.scalars(
                select(RegistrationAuthor).where(RegistrationAuthor.registration_id == registration.id)
            ):
                if ra.person_id == person.id:
                    ra.full_name = PAYLOAD


def _formulas(content: bytes) -> list[str]:
    """Every formula in the workbook's sheets (the app may write its own, e.g. a score sheet's totals)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                found += [f"{name}: {m.group(0)}" for m in re.finditer(r"<f[ >].*?</f>", xml)]
    return found


def _trigger_cells(content: bytes) -> list[tuple[str, str, bool, str]]:
    """(sheet, value, quote prefix, type) of every non-formula cell whose text starts like a formula."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    continue
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    cells.append((ws.title, cell.value, bool(cell.quotePrefix), cell.data_type))
    return cells


def _workbooks(db: Database, tmp_path: Path) -> dict[str, bytes]:
    url = db.url.render_as_string(hide_password=False)
    books: dict[str, bytes] = {}
    if "grade" in top_commands():  # graded results fill the lists for the Sở KH&CN and the decision
        main(["--db", url, "grade", "--round", "2026/1", "--apply"])
    for name, parser in sorted(group_commands("export").items()):
        out = tmp_path / f"{name}.xlsx"
        argv = arguments(parser, out)
        if argv is None:
            continue
        code = main(["--db", url, "export", name, *argv])
        if code == 0 and out.is_file():
            books[f"export {name}"] = out.read_bytes()
    with db.reading() as session:
        round_ids = [find_round(session, "2026/1").id, find_round(session, "2026/2").id]
    for rid in round_ids:
        produced = round_documents.produce(db, rid)
        for fname, content in produced.files:
            if fname.endswith(".xlsx"):
                books[f"round {rid}: {fname}"] = content
    return books


def test_formula_like_text_is_written_as_text_in_every_workbook(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _poison(demo_db)
    books = _workbooks(demo_db, tmp_path)
    capsys.readouterr()
    assert "round 1: du-lieu-dot-2026-1.xlsx" in books
    assert any(k.startswith("export ") for k in books), "no xlsx exporter found on the CLI"
    payload_seen_in = []
    for label, content in books.items():
        tainted = [f for f in _formulas(content) if any(p in f for p in POISON)]
        assert tainted == [], f"{label}: user text inside a formula"
        for sheet, value, quoted, data_type in _trigger_cells(content):
            assert data_type == "s", f"{label} / {sheet}: {value!r} is not text"
            assert quoted, (
                f"{label} / {sheet}: {value!r} has no quote prefix (Excel would evaluate it on edit)"
            )
            if PAYLOAD in value:
                payload_seen_in.append(label)
    assert "round 1: du-lieu-dot-2026-1.xlsx" in payload_seen_in
    assert len(set(payload_seen_in)) >= 2, f"the author's name appears only in {set(payload_seen_in)}"
