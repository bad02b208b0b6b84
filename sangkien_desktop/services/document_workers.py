"""A round's documents made by two processes at once (finalizing a round writes some fifteen of them).

Python runs one thread of Python at a time, so the documents of a big round (a 2,000-dossier round: score sheets
of 2,700 pages, 3,000 certificates, workbooks of 400,000 cells) take the sum of their times on one core. Here a
second process, started with ``spawn`` (the only way on Windows, and safe beside Qt's threads), opens the same
database and makes documents too:

* the producers are in one list, the heaviest first (``HEAVIEST``, then the registry's order); each process
  takes the next one under a shared lock when it is free, so the light ones at the end fill the gaps, neither
  waits for the other, and a worker that starts slowly (or not at all) only means this process makes more;
* what the worker makes comes back through a queue as ``round_documents.Outcome``; if the worker dies, this
  process makes the documents it had claimed itself;
* a producer registered outside the app's package (a test's), or unknown to the worker, is made here.

Used only where a second process can read the same data (``usable``): a SQLite file on a local disk (WAL lets
both read) or a server; never for a file on a network location (held with an exclusive lock) or a database in
memory; nor for a round of fewer than ``MIN_DOSSIERS`` dossiers. ``SANGKIEN_DOCUMENT_WORKERS=0`` turns it
off. The frozen app's launchers call ``multiprocessing.freeze_support()`` so that the worker starts there too
(``--self-test`` checks it).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..db.database import Database

if TYPE_CHECKING:
    from .round_documents import Outcome, RegisteredProducer

log = logging.getLogger(__name__)

ENV_SWITCH = "SANGKIEN_DOCUMENT_WORKERS"
_POLL_S = 0.2
MIN_DOSSIERS = 300
"""A smaller round's documents take about a second in one process: less than starting a second one."""
HEAVIEST = (
    "van-ban-score-sheets-pdf",
    "van-ban-score-sheets-xlsx",
    "du-lieu-dot",
    "van-ban-certificates-pdf",
)
"""The producers that take longest on a big round (bench/run.py), taken first."""
_APP_PACKAGE = __name__.split(".")[0] + "."


def usable(db: Database, items: list[RegisteredProducer], dossiers: int) -> bool:
    """Whether a second process may make part of these documents (of a round of ``dossiers``) for this
    database."""
    if os.environ.get(ENV_SWITCH, "").strip() == "0" or (os.cpu_count() or 1) < 2:
        return False
    if dossiers < MIN_DOSSIERS:
        return False
    if sum(_portable(item) for item in items) < 2:
        return False
    if db.is_sqlite:
        return db.path is not None and db.network is None
    return True


def _portable(item: RegisteredProducer) -> bool:
    """A producer the worker finds by name after ``round_documents.discover``: one of the app's modules."""
    return getattr(item.producer, "__module__", "").startswith(_APP_PACKAGE)


def run(
    db: Database,
    round_id: int,
    items: list[RegisteredProducer],
    progress: Callable[[int, int, str], None] | None = None,
    *,
    meanwhile: Callable[[], object] | None = None,
    take_here: bool = True,
) -> list[Outcome]:
    """Every producer's outcome, in the order of ``items``. ``meanwhile`` runs here while the worker starts
    (the archive's database copy). ``take_here=False`` leaves every portable producer to the worker (tests)."""
    from . import round_documents

    context = multiprocessing.get_context("spawn")
    first = {name: rank for rank, name in enumerate(HEAVIEST)}
    movable = sorted(
        (index for index, item in enumerate(items) if _portable(item)),
        key=lambda index: (first.get(items[index].name, len(first)), index),
    )
    outcomes: list[Outcome | None] = [None] * len(items)
    following = context.Value("i", 0)  # the position in ``movable`` of the next producer to take
    results: Any = context.Queue()
    worker = context.Process(
        target=_work,
        args=(
            db.url.render_as_string(hide_password=False),
            round_id,
            [items[index].name for index in movable],
            sorted({items[index].producer.__module__ for index in movable}),
            following,
            results,
        ),
        name="sangkien-van-ban",
        daemon=True,
    )
    done = 0

    def make_here(index: int) -> None:
        nonlocal done
        item = items[index]
        if progress is not None:
            progress(done, len(items), f"Đang lập {item.label} ({done + 1}/{len(items)})…")
        outcomes[index] = round_documents.run_one(db, round_id, item)
        done += 1

    try:
        worker.start()
    except Exception:  # no second process here (a locked-down PC): everything is made in this one
        log.exception("Could not start the documents' worker process")
        take_here = True
    try:
        if meanwhile is not None:
            meanwhile()
        portable = set(movable)
        for index in range(len(items)):
            if index not in portable:
                make_here(index)
        while take_here and (taken := _take(following, len(movable))) is not None:
            make_here(movable[taken])
        answered: set[int] = set()  # positions the worker sent back
        while not _all_answered(following, len(movable), answered, outcomes, movable):
            try:
                taken, outcome = results.get(timeout=_POLL_S)
            except queue.Empty:
                if worker.is_alive():
                    continue
                try:  # its last results may still be in the pipe
                    taken, outcome = results.get(timeout=_POLL_S)
                except queue.Empty:
                    break
            answered.add(taken)
            if outcome is None:  # the worker did not know this producer: made here below
                continue
            index = movable[taken]
            outcomes[index] = outcome
            done += 1
            if progress is not None:
                progress(done, len(items), f"Đã lập {items[index].label} ({done}/{len(items)})")
        with following.get_lock():
            following.value = len(movable)  # nothing left for the worker to take
        for index in movable:  # the worker died, or did not know the producer
            if outcomes[index] is None:
                log.warning("Document %s made here (the worker gave none)", items[index].name)
                make_here(index)
    finally:
        _stop(worker, results)
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _take(following: Any, count: int) -> int | None:
    """The position of the next producer to make (None when all are taken)."""
    with following.get_lock():
        position = int(following.value)
        if position >= count:
            return None
        following.value = position + 1
        return position


def _all_answered(
    following: Any, count: int, answered: set[int], outcomes: list[Any], movable: list[int]
) -> bool:
    """Whether every producer is taken, and each one either made here or answered by the worker."""
    with following.get_lock():
        if int(following.value) < count:
            return False
    return all(position in answered or outcomes[index] is not None for position, index in enumerate(movable))


def _stop(worker: Any, results: Any) -> None:
    if worker.pid is not None:
        if worker.is_alive():
            worker.terminate()
        worker.join(5)
    results.close()
    results.cancel_join_thread()


def _work(
    url: str, round_id: int, names: list[str], modules: list[str], following: Any, results: Any
) -> None:
    """The worker process: take the next producer, make it, send its outcome; until none is left. Only the
    producers' own ``modules`` are imported (they register them), not every service (``discover``)."""
    from sqlalchemy.engine import make_url

    from ..db.engine import make_engine
    from . import round_documents
    from .documents.round_data import sharing_loads

    for module in modules:
        importlib.import_module(module)
    round_documents.register_catalog()
    found = {item.name: item for item in round_documents.registered(discovering=False)}
    db = Database(make_engine(make_url(url), network=None), network=None)
    try:
        with sharing_loads():
            while (taken := _take(following, len(names))) is not None:
                item = found.get(names[taken])
                outcome = round_documents.run_one(db, round_id, item) if item is not None else None
                results.put((taken, outcome))
    finally:
        db.dispose()
    results.close()
    results.join_thread()
