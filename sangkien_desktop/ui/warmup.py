"""Once the first window is up, a background thread imports what the pages will need to show (their modules,
with the services and reportlab they import, and the PDF fonts), so that the first visit of a page or the first
preview does not stop the window while Python reads a library from disk. Importing holds no lock the window
waits for: a page visited meanwhile simply finds its module ready sooner. At the end the objects read so far are
frozen (``gc.freeze``).

What only writing a file needs is not read here: openpyxl, python-docx and lxml, and the round documents'
producers (``round_documents.discover``) are imported by the job that writes an Excel file, a Word document
or a round's archive, on its worker thread (some 15 MB a secretary who only reads the lists never needs)."""

from __future__ import annotations

import gc
import logging
import threading

from .pages import PAGE_SPECS

log = logging.getLogger(__name__)

_thread: threading.Thread | None = None


def _run() -> None:
    try:
        for spec in PAGE_SPECS:
            spec.load()
    except Exception:  # a warm-up is only a head start: the page imports it again when shown
        log.exception("warm-up failed")
    # The libraries just read (Qt bindings, SQLAlchemy, reportlab: some 150,000 objects) live as
    # long as the app: moved out of the collector's sight, a full collection no longer stops the window
    # for half a second while it walks them all again.
    gc.freeze()


def start() -> threading.Thread:
    """Start the warm-up (once per process)."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_run, name="warm-up", daemon=True)
        _thread.start()
    return _thread


def done() -> bool:
    return _thread is not None and not _thread.is_alive()


def wait(timeout: float | None = None) -> bool:
    """True when the warm-up has finished (tests wait for it, as a secretary does by reading the window)."""
    if _thread is None:
        return False
    _thread.join(timeout)
    return not _thread.is_alive()
