"""Measurements that need a process of their own (``bench/run.py`` starts them): the GUI's cold start,
and a GUI session on the large database (pages, filtering, search as you type, peak memory).

    python bench/probes.py start DB        # prints "shown" when the main window is on screen, then exits
    python bench/probes.py session DB      # prints one JSON line of timings
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FILTER_TYPING = ("doi moi", "toan lop 4", "nguyen thi")
SEARCH_TYPING = ("doi moi phuong phap", "ung dung ma qr", "nguyen thi huong", "toan lop 4", "so hoa ho so")


def _typed(texts: tuple[str, ...]) -> list[str]:
    """Every prefix a person types, word by word and letter by letter."""
    return [text[:n] for text in texts for n in range(1, len(text) + 1) if not text[:n].endswith(" ")]


def start(db_path: str) -> int:
    """Run the real ``sangkien-desktop`` start and report once the main window has been shown."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from sangkien_desktop.ui import app as app_module
    from sangkien_desktop.ui.main_window import MainWindow

    original_show = MainWindow.show

    def show(self: MainWindow) -> None:
        original_show(self)

        def shown() -> None:  # after the first pass of the event loop: the window is painted
            print("shown", flush=True)
            instance = QApplication.instance()
            if instance is not None:
                instance.quit()

        QTimer.singleShot(0, shown)

    MainWindow.show = show  # type: ignore[method-assign]
    return app_module.main(["--db", db_path, "--no-prompt"])


def session(db_path: str) -> int:
    """The real ``sangkien-desktop`` start (fonts, start-up copy, the warm-up of ``ui/warmup.py``...), then
    what a secretary does in the window; the peak memory is read once the app has closed (the exit copy
    included), so it covers everything the process did."""
    from PySide6.QtCore import QTimer

    from sangkien_desktop.ui import app as app_module
    from sangkien_desktop.ui import warmup
    from sangkien_desktop.ui.main_window import MainWindow

    out: dict[str, object] = {}
    original_show = MainWindow.show
    began_start = time.perf_counter()

    def show(self: MainWindow) -> None:
        original_show(self)
        MainWindow.show = original_show  # type: ignore[method-assign]
        QTimer.singleShot(0, lambda: _session_in(self, out, began_start))

    MainWindow.show = show  # type: ignore[method-assign]
    code = app_module.main(["--db", db_path, "--no-prompt"])
    if code != 0 or "search_keystroke" not in out:
        return code or 1
    if not warmup.done():
        return 1  # the warm-up must have run, as in the app
    out["peak_rss_mb"] = _peak_mb()
    _mark(out, "closed")
    print(json.dumps(out), flush=True)
    return 0


def _session_in(window: object, out: dict[str, object], began_start: float) -> None:
    """Pages, filtering and search in the window the app showed; quits the app at the end."""
    from PySide6.QtWidgets import QApplication

    from sangkien_desktop.ui import warmup
    from sangkien_desktop.ui.main_window import MainWindow
    from sangkien_desktop.ui.pages import PAGE_SPECS

    assert isinstance(window, MainWindow)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    out["shown"] = time.perf_counter() - began_start
    _mark(out, "shown")

    def idle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    try:
        # the registration page of the newest year, then filtering it as one types
        began = time.perf_counter()
        window.show_page("registrations")
        app.processEvents()
        out["registrations_open"] = time.perf_counter() - began
        page = window.current_page()
        out["registrations_rows"] = len(page.rows)  # type: ignore[attr-defined]
        _mark(out, "registrations")
        idle(1.5)  # the secretary looks at the list before typing (the warm-up runs meanwhile)
        _mark(out, "idle")
        keystrokes = []
        for text in [*_typed(FILTER_TYPING), ""]:
            began = time.perf_counter()
            page.text_filter.setText(text)  # type: ignore[attr-defined]
            app.processEvents()
            keystrokes.append(time.perf_counter() - began)
        out["registrations_filter_keystroke"] = statistics.median(keystrokes)
        out["registrations_filter_keystroke_max"] = max(keystrokes)
        _mark(out, "filter")
        # then reads the list until the year's duplicate check has marked its "Trùng?" column
        began = time.perf_counter()
        while page.dup_job is not None and not page.dup_job.done and time.perf_counter() - began < 120:  # type: ignore[attr-defined]
            idle(0.05)
        out["registrations_duplicate_check"] = time.perf_counter() - began
        out["registrations_flagged"] = len(page.matches)  # type: ignore[attr-defined]
        _mark(out, "duplicate_check")

        # search as you type (the index is built in the background when the page opens)
        began = time.perf_counter()
        window.show_page("search")
        search_page = window.current_page()
        while search_page.warm_job is not None and not search_page.warm_job.done:  # type: ignore[attr-defined]
            app.processEvents()
            time.sleep(0.002)
        out["search_index_build"] = time.perf_counter() - began
        _mark(out, "search_index")
        keystrokes = []
        for text in _typed(SEARCH_TYPING):
            began = time.perf_counter()
            search_page.query.setText(text)  # type: ignore[attr-defined]
            search_page.run_search()  # type: ignore[attr-defined]  (the page waits 250 ms for a pause)
            app.processEvents()
            keystrokes.append(time.perf_counter() - began)
        out["search_keystroke"] = statistics.median(keystrokes)
        out["search_keystroke_p90"] = sorted(keystrokes)[int(len(keystrokes) * 0.9)]
        _mark(out, "search_typing")

        # every other page's first opening, for the record
        opened: dict[str, float] = {}
        for spec in PAGE_SPECS:
            if spec.key in ("registrations", "search") or spec.key in {p.key for p in window.built_pages()}:
                continue
            began = time.perf_counter()
            window.show_page(spec.key)
            app.processEvents()
            opened[spec.key] = time.perf_counter() - began
            _mark(out, spec.key)
        out["pages_open"] = opened
        for job_page in window.built_pages():
            waiter = getattr(job_page, "wait_for_jobs", None)
            if waiter is not None:
                waiter()
        _mark(out, "jobs_done")
        warmup.wait(120)
        out["warmup_done"] = warmup.done()
        _mark(out, "warmup_done")
        out["session_peak_rss_mb"] = _peak_mb()
    finally:
        app.quit()


def _mark(out: dict[str, object], step: str) -> None:
    """The resident memory now and the peak so far after ``step`` (MB; Linux only), to see where it grows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            fields = dict(line.split(":", 1) for line in status if line.startswith(("VmRSS", "VmHWM")))
    except OSError:
        return
    steps = out.setdefault("rss_steps", {})
    assert isinstance(steps, dict)
    steps[step] = [round(int(fields[k].split()[0]) / 1024, 1) for k in ("VmRSS", "VmHWM")]


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"start", "session"}:
        print(__doc__, file=sys.stderr)
        return 2
    return start(argv[1]) if argv[0] == "start" else session(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
