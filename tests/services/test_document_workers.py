"""A round's documents made by two processes (``services.document_workers``) are the documents one process
makes: same files, same order, same failures; a worker that dies or a stop leaves nothing behind."""

from __future__ import annotations

import io
import multiprocessing
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import Round
from sangkien_desktop.services import document_workers, finalize, round_documents
from sangkien_desktop.services.documents.round_data import sharing_loads

pytestmark = pytest.mark.db


def _round_id(db: Database) -> int:
    with db.reading() as session:
        return session.scalars(select(Round.id).where(Round.year == 2026, Round.number == 1)).one()


def _serial(db: Database, round_id: int) -> round_documents.ProducedDocuments:
    items = round_documents.registered()
    with sharing_loads():
        outcomes = [round_documents.run_one(db, round_id, item) for item in items]
    return round_documents.assemble(items, outcomes)


def _content(name: str, data: bytes) -> object:
    """What a reader sees of a file: a PDF's text per page; a zip's members but its creation time."""
    if name.endswith(".pdf"):
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    if name.endswith((".xlsx", ".docx")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}
    return data


def _same(a: round_documents.ProducedDocuments, b: round_documents.ProducedDocuments) -> None:
    assert [name for name, _ in a.files] == [name for name, _ in b.files]
    for (name, one), (_, other) in zip(a.files, b.files, strict=True):
        assert _content(name, one) == _content(name, other), name
    assert a.failures == b.failures and a.errors == b.errors


def test_the_worker_makes_the_same_documents(demo_db: Database) -> None:
    """Everything the app registers is made by the worker process alone, and equals what one process makes."""
    round_id = _round_id(demo_db)
    items = round_documents.registered()
    assert document_workers.usable(demo_db, items, 300) == (not demo_db.is_sqlite or demo_db.path is not None)
    seen: list[tuple[int, int, str]] = []
    with sharing_loads():
        outcomes = document_workers.run(
            demo_db, round_id, items, lambda d, n, text: seen.append((d, n, text)), take_here=False
        )
    _same(round_documents.assemble(items, outcomes), _serial(demo_db, round_id))
    assert [d for d, _n, _t in seen] == list(range(1, len(items) + 1))
    assert all(text.startswith("Đã lập ") for _d, _n, text in seen)
    assert not multiprocessing.active_children()


def test_shared_work_and_producers_only_this_process_knows(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both processes take documents; a producer registered outside the app (here: the test's) is made here,
    with its failure or error reported as in one process."""

    def nothing(_db: Database, _round_id: int) -> list[tuple[str, bytes]]:
        raise ValidationError("Chưa có giấy chứng nhận nào để in.")

    def broken(_db: Database, _round_id: int) -> list[tuple[str, bytes]]:
        raise RuntimeError("máy in hết giấy")

    round_documents.register("chua-co", nothing, "Chưa có gì")
    round_documents.register("hong", broken, "Văn bản hỏng")
    monkeypatch.setattr(document_workers, "MIN_DOSSIERS", 0)  # the demo round is small
    try:
        round_id = _round_id(demo_db)
        parallel = round_documents.produce(demo_db, round_id)
        serial = _serial(demo_db, round_id)
    finally:
        round_documents.unregister("chua-co")
        round_documents.unregister("hong")
    _same(parallel, serial)
    assert ("Văn bản hỏng", "RuntimeError: máy in hết giấy") in parallel.errors
    assert any(label == "Chưa có gì" for label, _ in parallel.failures)
    assert not multiprocessing.active_children()


def test_a_worker_that_dies_leaves_its_documents_to_this_process(demo_db: Database) -> None:
    round_id = _round_id(demo_db)
    items = round_documents.registered()
    killed: list[int] = []

    def kill_the_worker(_done: int, _total: int, _text: str) -> None:
        for child in multiprocessing.active_children():
            child.kill()
            killed.append(child.pid or 0)

    with sharing_loads():  # the worker is killed when its first document is back, while it makes the next
        outcomes = document_workers.run(demo_db, round_id, items, kill_the_worker, take_here=False)
    assert killed
    _same(round_documents.assemble(items, outcomes), _serial(demo_db, round_id))


def test_a_stop_ends_the_worker(demo_db: Database) -> None:
    class Stop(Exception):
        pass

    def stop(done: int, _total: int, _text: str) -> None:
        if done >= 1:
            raise Stop

    items = round_documents.registered()
    with sharing_loads(), pytest.raises(Stop):
        document_workers.run(demo_db, _round_id(demo_db), items, stop)
    assert not multiprocessing.active_children()


def test_where_a_second_process_is_not_used(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    items = round_documents.registered()
    monkeypatch.setenv(document_workers.ENV_SWITCH, "0")
    assert not document_workers.usable(demo_db, items, 2000)
    monkeypatch.delenv(document_workers.ENV_SWITCH)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert not document_workers.usable(demo_db, items, 2000)
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert not document_workers.usable(demo_db, items, document_workers.MIN_DOSSIERS - 1)
    memory = Database.open("sqlite://", backup_dir=tmp_path)
    try:
        assert not document_workers.usable(memory, items, 2000)
    finally:
        memory.dispose()
    test_only = [round_documents.RegisteredProducer("x", lambda _d, _r: [], "X")] * 3
    assert not document_workers.usable(demo_db, test_only, 2000)


def test_finalize_with_two_processes_writes_a_verifiable_archive(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(document_workers, "MIN_DOSSIERS", 0)
    steps: list[str] = []
    result = finalize.finalize_round(
        demo_db, "2026/1", archive_root=tmp_path, progress=lambda _d, _n, text: steps.append(text)
    )
    assert result.archive is not None
    assert finalize.verify_archive(result.archive.folder) == []
    names = {p.name for p in (result.archive.folder / "van-ban").iterdir()}
    serial = _serial(demo_db, result.round_id)
    assert {name for name, _ in serial.files} == names
    assert result.archive.failures == serial.failures
    assert any(text.startswith("Đã lập ") or text.startswith("Đang lập ") for text in steps)
    assert not multiprocessing.active_children()
