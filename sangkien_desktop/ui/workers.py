"""Long jobs on a worker thread with a progress dialog and a Cancel button.

The job function runs off the GUI thread: it may call services (each opens its own session) but must not
touch widgets. It reports progress through the ``Progress`` object it receives and should stop when
``progress.cancelled`` is true (raise ``Cancelled``)::

    def work(progress: Progress) -> bytes:
        for i, item in enumerate(items):
            progress.report(i, len(items), f"Đang in giấy chứng nhận {i + 1}/{len(items)}")
            progress.check()          # raises Cancelled when the user pressed Huỷ
        return pdf_bytes

    run_in_background(self, "In giấy chứng nhận", work, on_done=self._show_pdf)

A job that fails because another writer holds the database (``DatabaseBusyError``: nothing was written) runs
again a few times with the wait cursor, then the secretary is asked whether to keep trying.

A job without a progress dialog runs while the secretary keeps working. Started with
``yield_to_typing=True`` (the registration page's duplicate check), it pauses in ``progress.check()`` for a
moment after each keystroke in a list filter or the search box (``user_typed``): Python runs one thread at
a time, and a busy worker would otherwise make every keystroke wait for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from ..domain.errors import DatabaseBusyError, SangKienError
from . import messages, unexpected_errors

log = logging.getLogger(__name__)


# a job that meets a database locked by another writer runs again after a pause, with the wait cursor, this many
# times before the secretary is asked whether to keep trying
BUSY_RETRIES = 3
BUSY_WAIT_MS = 2000

# seconds a yielding job stays paused after the last keystroke
QUIET_AFTER_TYPING = 0.6
_last_typed = [0.0]  # time.monotonic() of the last keystroke in a filter or search box


def user_typed() -> None:
    """The user typed into a list filter or the search box: yielding jobs pause (see the module)."""
    _last_typed[0] = time.monotonic()


class Cancelled(SangKienError):
    def __init__(self) -> None:
        super().__init__("Đã huỷ theo yêu cầu.")


class Progress:
    """Thread-safe progress sink handed to the job function."""

    def __init__(
        self,
        emit: Callable[[int, int, str], None],
        *,
        yield_to_typing: bool = False,
        no_return: Callable[[], None] = lambda: None,
    ) -> None:
        self._emit = emit
        self._cancel = threading.Event()
        self._yields = yield_to_typing
        self._no_return = no_return
        self.past_return = False

    def report(self, done: int, total: int, text: str = "") -> None:
        self._emit(done, total, text)

    def step(self, done: int, total: int, text: str = "") -> None:
        """Report, then stop here if the user cancelled (before the point of no return): a service's
        ``progress`` callback."""
        self.report(done, total, text)
        if not self.past_return:
            self.check()

    def point_of_no_return(self) -> None:
        """From now on the job cannot be undone by stopping it: the Cancel button is disabled."""
        self.past_return = True
        self._no_return()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise ``Cancelled`` when cancelled; a yielding job first waits while the user is typing."""
        if self._yields:
            while (wait := QUIET_AFTER_TYPING - (time.monotonic() - _last_typed[0])) > 0:
                if self._cancel.wait(min(wait, 0.1)):  # sleeps without holding the interpreter
                    break
        if self._cancel.is_set():
            raise Cancelled()


class _Worker(QObject):
    progressed = Signal(int, int, str)
    no_return = Signal()
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[Progress], Any], yield_to_typing: bool = False) -> None:
        super().__init__()
        self.fn = fn
        self.progress = Progress(
            lambda d, t, s: self.progressed.emit(d, t, s),
            yield_to_typing=yield_to_typing,
            no_return=self.no_return.emit,
        )

    @Slot()
    def run(self) -> None:
        with _running:
            try:
                result = self.fn(self.progress)
            except BaseException as exc:  # delivered to the GUI thread
                if not isinstance(exc, SangKienError):
                    log.exception("background job failed")
                self.failed.emit(exc)
            else:
                self.succeeded.emit(result)


class _RunningCount:
    """How many job functions are running on worker threads now (entered as a context)."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    def __enter__(self) -> None:
        with self._changed:
            self._count += 1

    def __exit__(self, *_exc: object) -> None:
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._count == 0, timeout)


_running = _RunningCount()


def wait_for_workers(timeout: float = 30.0) -> bool:
    """Wait until no job function runs on a worker thread (before a test's database goes away, say); False
    when one still runs after ``timeout`` seconds. Their results still reach the GUI thread later."""
    return _running.wait_idle(timeout)


class Job(QObject):
    """A running background job. ``finished`` is emitted after on_done/on_error ran (tests wait on it)."""

    finished = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        show_dialog: bool,
        yield_to_typing: bool = False,
    ) -> None:
        super().__init__(parent)
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._on_done = on_done
        self._on_error = on_error
        self._parent = parent
        self._fn = fn
        self._yield_to_typing = yield_to_typing
        self._busy_tries = 0
        self._wait_cursor = False
        self._start_worker()
        self.dialog: QProgressDialog | None = None
        if show_dialog:
            self.dialog = QProgressDialog(title, "Huỷ", 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
            self.worker.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
            self.worker.no_return.connect(self._no_return, Qt.ConnectionType.QueuedConnection)

    def _start_worker(self) -> None:
        self.thread = QThread()
        self.worker = _Worker(self._fn, self._yield_to_typing)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    @property
    def progress(self) -> Progress:
        return self.worker.progress

    def start(self) -> Job:
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.worker.progress.cancel()

    def _no_return(self) -> None:
        if self.dialog is not None:
            cancel = self.dialog.findChild(QPushButton)
            if cancel is not None:
                cancel.setEnabled(False)
                cancel.setToolTip("Đã qua bước không dừng được; chờ xong là đủ.")

    def _progressed(self, done: int, total: int, text: str) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total else 0)
            if text:
                self.dialog.setLabelText(text)

    def _finish(self) -> None:
        self.thread.quit()
        self.thread.wait()
        if self.dialog is not None:
            self.dialog.close()
        self.done = True

    def _succeeded(self, result: Any) -> None:
        self._restore_cursor()
        self._finish()
        self.result = result
        if self._on_done is not None:
            self._on_done(result)
        self.finished.emit()

    def _retry_when_busy(self, error: BaseException) -> bool:
        """The database was locked by another writer (nothing was written): wait with the wait cursor and run
        the job again, ``BUSY_RETRIES`` times; then ask whether to keep trying. True when it runs again."""
        if not isinstance(error, DatabaseBusyError):
            return False
        if self._busy_tries < BUSY_RETRIES:
            self._busy_tries += 1
            if not self._wait_cursor:
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                self._wait_cursor = True
            QTimer.singleShot(BUSY_WAIT_MS, self._run_again)
            return True
        self._restore_cursor()
        if messages.confirm(self._parent, f"{error}\n\nThử lại ngay?", "Cơ sở dữ liệu đang bận"):
            self._busy_tries = 0
            self._run_again()
            return True
        return False

    def _run_again(self) -> None:
        self._start_worker()
        if self.dialog is not None:
            self.worker.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
            self.worker.no_return.connect(self._no_return, Qt.ConnectionType.QueuedConnection)
        self.thread.start()

    def _restore_cursor(self) -> None:
        if self._wait_cursor:
            QApplication.restoreOverrideCursor()
            self._wait_cursor = False

    def _failed(self, error: BaseException) -> None:
        self.thread.quit()
        self.thread.wait()
        if self._retry_when_busy(error):
            return
        self._restore_cursor()
        self._finish()
        self.error = error
        if self._on_error is not None:
            self._on_error(error)
        elif isinstance(error, SangKienError):
            if not isinstance(error, Cancelled):
                messages.show_error(self._parent, error)
        elif not unexpected_errors.show(error):  # logged by the worker
            messages.show_error(self._parent, f"Lỗi: {error}")
        self.finished.emit()


def run_in_background(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Progress], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    show_dialog: bool = True,
    yield_to_typing: bool = False,
) -> Job:
    """Start ``fn`` on a worker thread; ``on_done(result)`` / ``on_error(exc)`` run on the GUI thread.
    Without ``on_error`` a ``SangKienError`` is shown in a dialog (a cancel is silent). A job without a
    dialog may ``yield_to_typing`` (see the module)."""
    return Job(
        parent, title, fn, on_done, on_error, show_dialog and not yield_to_typing, yield_to_typing
    ).start()
