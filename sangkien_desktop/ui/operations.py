"""One helper for every user action (like Anki's ``CollectionOp``): the page says what to run, ``Op`` does the rest.

A page never opens a database session and never catches ``SangKienError`` itself. It builds an ``Op`` whose
``run`` calls a service with the database, and starts it::

    Op(self, "Xoá đăng ký", ctx=self.ctx, area="registrations",
       run=lambda db: registrations.delete(db, ids),          # returns what undo needs (the service's inverse)
       undo=lambda db, snaps: registrations.restore(db, snaps),
       on_done=lambda _: self.reload()).start()

``start()`` runs on the GUI thread under a wait cursor (for work that takes a few milliseconds);
``in_background()`` first moves it to a worker thread (``ui/workers.py``) with a progress dialog and Huỷ, and
then ``run`` receives the ``Progress`` as its second argument when it accepts two. Either way ``Op``:

- turns a ``SangKienError`` into the Vietnamese dialog (``messages.show_error``) and anything unexpected into
  the error handler's dialog (logged to ``logs/sangkien.log``); ``on_error`` replaces both when given;
- when ``undo`` is given, pushes one entry on the window's undo stack (``services/undo_entry.UndoEntry``):
  Ctrl+Z calls ``undo(db, result)``, Ctrl+Y calls ``redo(db)`` when given, else the undo again with what it
  returned when the undo is marked ``@returns_inverse`` (the rows put back with their ids), else ``run``
  again — each one service call, so one transaction each way;
- announces ``area`` through ``ctx.dataChanged`` after the action, its undo and its redo, so pages refresh;
- logs the action's title, and records it in ``started`` (tests read it to check every page action passes here);
- counts itself in ``active()`` while its ``run`` (on the GUI thread or on the worker), its undo or its redo
  runs: a database write while ``active()`` is 0 did not come through an ``Op`` (tests check this).
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ..db.database import Database
from ..domain.errors import SangKienError
from ..services.undo_entry import UndoEntry
from . import messages, unexpected_errors
from .context import AppContext
from .workers import Cancelled, Job, Progress, run_in_background

log = logging.getLogger(__name__)

# titles of the operations started in this process, newest last (kept short; read by tests)
started: list[str] = []
_KEEP = 500

_active_lock = threading.Lock()
_active = 0


def active() -> int:
    """How many operations are running now (their ``run``, undo or redo), on any thread."""
    with _active_lock:
        return _active


@contextmanager
def _counted() -> Iterator[None]:
    global _active
    with _active_lock:
        _active += 1
    try:
        yield
    finally:
        with _active_lock:
            _active -= 1


def _takes_progress(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in positional)


class Op:
    """A user action: see the module. Build it, optionally call ``in_background()``, then ``start()``."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        run: Callable[..., Any],
        *,
        ctx: AppContext | None = None,
        db: Database | None = None,
        area: str | None = None,
        undo: Callable[[Database, Any], Any] | None = None,
        redo: Callable[[Database], Any] | None = None,
        undo_text: str | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        after_redo: Callable[[Any], None] | None = None,
    ) -> None:
        if ctx is None and db is None:
            raise ValueError("Op needs ctx or db")
        self.parent = parent
        self.title = title
        self._run = run
        self.ctx = ctx
        self.db: Database = db if db is not None else ctx.db  # type: ignore[union-attr]
        self.area = area
        self._undo = undo
        self._redo = redo
        self._undo_text = undo_text or title
        self._on_done = on_done
        self._on_error = on_error
        self._after_redo = after_redo  # e.g. show again what the redo brought back
        self._background = False
        self._progress_dialog = True
        self.job: Job | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.ok = False
        self.done = False

    def in_background(self, *, progress_dialog: bool = True) -> Op:
        """Run on a worker thread (with a progress dialog and Huỷ unless ``progress_dialog`` is False)."""
        self._background = True
        self._progress_dialog = progress_dialog
        return self

    def start(self) -> Op:
        log.info("action: %s", self.title)
        started.append(self.title)
        del started[:-_KEEP]
        if self._background:
            self.job = run_in_background(
                self.parent,
                self.title,
                self._call_with_progress,
                on_done=self._succeeded,
                on_error=self._failed,
                show_dialog=self._progress_dialog,
            )
            return self
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = self._call(None)
        except BaseException as exc:  # every failure becomes a dialog
            QApplication.restoreOverrideCursor()
            if not isinstance(exc, SangKienError):
                log.exception("action failed: %s", self.title)
            self._failed(exc)
            return self
        QApplication.restoreOverrideCursor()
        self._succeeded(result)
        return self

    # ---------------------------------------------------------------------------------------------------------
    def _call(self, progress: Progress | None) -> Any:
        with _counted():
            if _takes_progress(self._run):
                return self._run(self.db, progress)
            return self._run(self.db)

    def _call_with_progress(self, progress: Progress) -> Any:
        return self._call(progress)

    def _succeeded(self, result: Any) -> None:
        self.result = result
        self.ok = True
        self.done = True
        if self._undo is not None and self.ctx is not None:
            entry, db = UndoEntry(self._run_again, self._undo, self._redo, result), self.db

            def do_undo() -> None:
                with _counted():
                    entry.undo(db)

            after_redo = self._after_redo

            def do_redo() -> None:
                with _counted():
                    entry.redo(db)
                if after_redo is not None:
                    after_redo(entry.result)

            self.ctx.push_undo(self._undo_text, do_undo, do_redo, self.area or "")
        if self.area is not None and self.ctx is not None:
            self.ctx.notify(self.area)
        if self._on_done is not None:
            self._on_done(result)

    def _run_again(self, db: Database) -> Any:
        return self._run(db, None) if _takes_progress(self._run) else self._run(db)

    def _failed(self, error: BaseException) -> None:
        self.error = error
        self.done = True
        if self._on_error is not None:
            self._on_error(error)
        elif isinstance(error, Cancelled):
            return
        elif isinstance(error, SangKienError):
            messages.show_error(self.parent, error)
        elif not unexpected_errors.show(error):
            messages.show_error(self.parent, f"Lỗi: {error}")


def read(parent: QWidget | None, db: Database, fn: Callable[[Database], Any], default: Any = None) -> Any:
    """Run a read-only service call for a page; a ``SangKienError`` becomes the dialog and ``default`` is
    returned (a page's refresh must not crash on a database that went away)."""
    try:
        return fn(db)
    except SangKienError as exc:
        messages.show_error(parent, exc)
        return default
