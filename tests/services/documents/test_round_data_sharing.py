"""A finalized round's documents share one load of its data (issue 19: the archive of a 2,000-dossier round)."""

from __future__ import annotations

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import round_documents
from sangkien_desktop.services.documents import round_data
from sangkien_desktop.services.documents.round_data import load_round, sharing_loads

from .conftest import round_id


def test_sharing_loads_loads_each_round_once(graded_db: Database) -> None:
    rid = round_id(graded_db, 1)
    other = round_id(graded_db, 2)
    with sharing_loads():
        with graded_db.reading() as session:
            first = load_round(session, rid)
        with graded_db.reading() as session:
            assert load_round(session, rid) is first
            assert load_round(session, other) is not first
    with graded_db.reading() as session:  # outside the block: loaded again, as always
        assert load_round(session, rid) is not first


def test_round_archive_documents_load_the_round_once(graded_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rid = round_id(graded_db, 1)
    loads: list[int] = []
    real = round_data._load_round

    def counting(session, round_id):  # type: ignore[no-untyped-def]
        loads.append(round_id)
        return real(session, round_id)

    monkeypatch.setattr(round_data, "_load_round", counting)
    produced = round_documents.produce(graded_db, rid)
    assert not produced.errors
    assert len(produced.files) >= 13  # the round data workbook and every catalog document in every format
    assert loads == [rid]
