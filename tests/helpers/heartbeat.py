"""A watchdog for the GUI thread: a QTimer beats every 20 ms; the longest pause between two beats while an
action runs is how long the event loop was blocked (a modal dialog's own loop keeps beating, so waiting for
the secretary is not a stall; a long call on the GUI thread is).

On a machine already loaded by other processes (load average above its cores: several test runs at once), a
pause counts only the CPU time the process used during it: being descheduled by the neighbours is not the
app's stall. On an idle machine (CI) the wall-clock pause counts, so a GUI thread waiting on a file or a lock
is caught there."""

from __future__ import annotations

import faulthandler
import gc
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def _machine_loaded() -> bool:
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1)
    except OSError:
        return False


class Heartbeat(QObject):
    INTERVAL_MS = 20

    def __init__(self, blame: Callable[[], str] = lambda: "", threshold: float = 0.3) -> None:
        super().__init__()
        # what earlier tests of this process left behind is not the app's: out of the collector's sight, as the
        # app's warm-up puts what it loaded (a full collection of a test run's heap takes half a second)
        gc.collect()
        gc.freeze()
        self._last = time.monotonic()
        self._last_cpu = time.process_time()
        self._loaded = _machine_loaded()
        self.worst = 0.0
        self._blame = blame
        self._threshold = threshold
        self.stalls: list[tuple[float, str]] = []  # (seconds, the action under way) above the threshold
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._beat)
        self._timer.start()
        # SANGKIEN_WATCHDOG_DUMP=FILE: every thread's stack is written there whenever a beat is late
        self._dump = (
            open(os.environ["SANGKIEN_WATCHDOG_DUMP"], "w")  # noqa: SIM115 (closed by stop)
            if os.environ.get("SANGKIEN_WATCHDOG_DUMP")
            else None
        )

    def _beat(self) -> None:
        now, cpu = time.monotonic(), time.process_time()
        gap = now - self._last
        if self._loaded:
            gap = min(gap, cpu - self._last_cpu)
        self._last_cpu = cpu
        self.worst = max(self.worst, gap)
        if gap > self._threshold:
            self.stalls.append((gap, self._blame()))
        self._last = now
        if self._dump is not None:
            faulthandler.dump_traceback_later(
                float(os.environ.get("SANGKIEN_WATCHDOG_DUMP_AFTER", self._threshold)), file=self._dump
            )

    def reset(self) -> None:
        """Start measuring afresh (the stall so far is forgotten)."""
        self._last = time.monotonic()
        self._last_cpu = time.process_time()
        self.worst = 0.0

    def stall(self) -> float:
        """The longest pause since ``reset``, counting the one still going on."""
        return max(self.worst, time.monotonic() - self._last)

    def stop(self) -> None:
        self._timer.stop()
        if self._dump is not None:
            faulthandler.cancel_dump_traceback_later()
            self._dump.close()
