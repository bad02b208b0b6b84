"""Sáng kiến Desktop at scale: the figures of the README's "Hiệu năng / Performance" section.

    python bench/run.py            # a table for people
    python bench/run.py --json     # the same as JSON
    python bench/run.py --quick    # small database, one run each: a check that everything runs (1–2 min)

On a database of ten years (``bench/generate.py``: 50,000 registrations, 20,000 dossiers, 9 members
scoring each on 4 criteria), built once into ``$SANGKIEN_BENCH_DIR`` (default /tmp/sangkien-bench), it
measures, as medians of several runs:

* start: a new process of the real ``sangkien-desktop`` until its main window is shown (offscreen);
* a GUI session in a process of its own, started as the app starts (warm-up, start-up and exit copies):
  opening the Đăng ký page on the newest year (5,000 rows), filtering it as one types, reading it until its
  duplicate check has finished, building the search index and searching as one types, opening every other
  page once, and the process's peak memory (RSS);
* grading the newest year's first round (2,000 dossiers × 9 members), when the grading service is there;
* rendering 500 certificates, when the documents service is there (``bench/bench_certificates.py``);
* the newest year's registration table exported to PDF and to xlsx, and — what a secretary would do
  instead — LibreOffice converting that xlsx to PDF;
* importing a 1,000-row unit table (checking it for the preview, then the import itself);
* finalizing the newest year's first round (graded first, ties decided) with its archive: the database copy and
  every document of the round in each format (two processes, as the app does for a round this size);
* ``sangkien check`` in a new process: integrity, the audit chain and the log replayed against every audited
  row (issue 17).

Targets (issue 19; each a key of the JSON with ``target`` and ``ok``): start ≤ 1.0 s, search keystroke p90
≤ 33 ms (two frames), grading ≤ 0.3 s, 500 certificates ≤ 5 s, the registration table to PDF at most half of
LibreOffice converting its xlsx (same run), the 1,000-row preview ≤ 1.0 s and import ≤ 1.0 s, finalizing the
2,000-dossier round with its archive ≤ 5 s, peak memory of a GUI session opening every page ≤ 200 MB,
check ≤ 10 s. Speed is never asserted in unit tests; this script is where it lives.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

from sangkien_desktop.db.database import Database  # noqa: E402
from sangkien_desktop.db.sqlite_copy import copy_sqlite  # noqa: E402


@dataclass
class Result:
    key: str
    label: str
    runs: list[float] = field(default_factory=list)
    unit: str = "s"
    target: float | None = None  # the value must stay below it
    note: str = ""
    pending: str = ""  # why it could not be measured here
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def ok(self) -> bool | None:
        if self.target is None or self.median is None:
            return None
        return self.median <= self.target

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "median": _round(self.median),
            "runs": [_round(r) for r in self.runs],
            "unit": self.unit,
        }
        if self.target is not None:
            out["target"] = self.target
            out["ok"] = self.ok
        for name in ("note", "pending", "error"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@contextlib.contextmanager
def _timer(runs: list[float]) -> Iterator[None]:
    began = time.perf_counter()
    yield
    runs.append(time.perf_counter() - began)


def _isolated_env(home: Path) -> dict[str, str]:
    """A child's environment: offscreen Qt, its own data and settings folders, the worktree's package."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        SANGKIEN_DATA_DIR=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    env.pop("SANGKIEN_DB_URL", None)
    return env


# ----------------------------------------------------------------------------------------------------
# Measurements


def measure_start(db: Path, repeat: int, home: Path) -> Result:
    result = Result("start", "Khởi động đến cửa sổ chính / cold start to the main window", target=1.0)
    result.note = "new process each run (interpreter, imports, database check, first page); offscreen"
    env = _isolated_env(home)
    for i in range(repeat + 1):  # the first run fills the OS file cache and is not counted
        began = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(BENCH / "probes.py"), "start", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        elapsed = time.perf_counter() - began
        proc.wait(timeout=120)
        if line != "shown":
            result.error = f"the GUI did not start (exit {proc.returncode})"
            return result
        if i:
            result.runs.append(elapsed)
    return result


def measure_check(db: Path, repeat: int, home: Path) -> Result:
    """``sangkien check`` as a secretary runs it (a new process): integrity, the audit chain, the log
    replayed against every audited row (issue 17). It must find the generated database clean."""
    result = Result("check", "Kiểm tra toàn bộ dữ liệu (sangkien check) / check, whole process", target=10.0)
    command = [sys.executable, "-m", "sangkien_desktop", "--db", str(db), "check", "--json"]
    env = _isolated_env(home)
    for _ in range(repeat):
        with _timer(result.runs):
            done = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8")
        if done.returncode != 0:
            problems = json.loads(done.stdout or "{}").get("problems", []) if done.stdout else []
            result.error = f"check found problems: {problems[:3] or done.stderr[-300:]}"
            break
    return result


def measure_session(db: Path, repeat: int, home: Path) -> list[Result]:
    outs: list[dict[str, Any]] = []
    error = ""
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, str(BENCH / "probes.py"), "session", str(db)],
            capture_output=True,
            text=True,
            env=_isolated_env(home),
            timeout=900,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            error = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
            break
        outs.append(json.loads(lines[-1]))

    def result(key: str, label: str, **kw: Any) -> Result:
        r = Result(key, label, runs=[o[key] for o in outs if key in o], error=error, **kw)
        return r

    pages = {}
    for o in outs:
        for name, seconds in o.get("pages_open", {}).items():
            pages.setdefault(name, []).append(seconds)
    rows = outs[0]["registrations_rows"] if outs else 0
    results = [
        result("registrations_open", f"Mở trang Đăng ký ({rows} dòng) / open the registration page"),
        result(
            "registrations_filter_keystroke",
            "Lọc trang Đăng ký, mỗi phím / filter as you type, per keystroke",
            note="while the duplicate check runs in the background",
        ),
        result(
            "registrations_duplicate_check",
            "Dò trùng cả năm trên trang Đăng ký (sau khi lọc) / the year's duplicate check, left to finish",
            note="in the background; the session's peak memory includes its answers",
        ),
        result(
            "search_index_build",
            "Dựng chỉ mục tra cứu (lần đầu mở trang) / search index build, first visit",
            note="in the background while the page opens",
        ),
        result("search_keystroke", "Tra cứu khi gõ, mỗi phím / search as you type, per keystroke"),
        result(
            "search_keystroke_p90",
            "Tra cứu khi gõ, 90% số phím / 90th percentile keystroke",
            target=0.033,
            note="two frames at 60 Hz",
        ),
        result(
            "peak_rss_mb",
            "Bộ nhớ đỉnh của phiên GUI mở mọi trang / peak memory (RSS) of a session opening every page",
            unit="MB",
            target=200,
            note="a process of its own, offscreen",
        ),
    ]
    for name, runs in sorted(pages.items()):
        results.append(Result(f"page_{name}", f"Mở trang {name} lần đầu / first visit", runs=runs))
    return results


def measure_grading(db: Path, round_id: int, repeat: int) -> list[Result]:
    result = Result(
        "grading", "Xếp loại một đợt 2.000 hồ sơ × 9 thành viên / grading a 2,000-dossier round", target=0.3
    )
    try:
        grading = importlib.import_module("sangkien_desktop.services.grading")
    except ImportError:
        result.pending = "services.grading is not on this branch yet (issue 5)"
        return [result]
    result.note = "services.grading.compute on the database: scores query, exact means, ranking, quotas"
    database = Database.open(db)
    try:
        for _ in range(repeat + 1):
            runs: list[float] = []
            with database.reading() as session, _timer(runs):
                grading.compute(session, round_id)
            result.runs += runs
        result.runs = result.runs[1:]  # the first run compiles the SQL
    finally:
        database.dispose()
    results = [result]
    try:
        bench_grading = importlib.import_module("bench_grading")
        engine = Result("grading_engine", "Chỉ bộ máy xếp loại (2.000 × 9) / the engine alone", target=0.3)
        entries = bench_grading.make_entries(2000, 9)
        rules = grading.default_rules()
        domain = importlib.import_module("sangkien_desktop.domain.grading")
        for _ in range(repeat):
            with _timer(engine.runs):
                domain.grade(entries, rules)
        results.append(engine)
    except (ImportError, AttributeError):
        pass
    return results


def measure_certificates(repeat: int, count: int = 500) -> Result:
    result = Result(
        "certificates", f"In {count} giấy chứng nhận (PDF) / rendering {count} certificates", target=5.0
    )
    try:
        certificates = importlib.import_module("sangkien_desktop.services.documents.certificates")
        bench_certificates = importlib.import_module("bench_certificates")
    except ImportError:
        result.pending = (
            "services.documents.certificates / bench_certificates.py not on this branch yet (issue 6)"
        )
        return result
    items = bench_certificates.make_items(count)
    for _ in range(repeat):
        with _timer(result.runs):
            certificates.certificates_pdf(items)
    return result


def measure_exports(db: Path, year: int, repeat: int, work: Path) -> tuple[list[Result], Path, bytes]:
    from sangkien_desktop.services import registration_export

    database = Database.open(db)
    pdf = Result("export_pdf", f"Xuất bảng tổng hợp đăng ký năm {year} ra PDF / registration table to PDF")
    xlsx = Result(
        "export_xlsx", f"Xuất bảng tổng hợp đăng ký năm {year} ra Excel / registration table to xlsx"
    )
    data = b""
    try:
        for _ in range(repeat):
            with _timer(xlsx.runs):
                data = registration_export.build_xlsx_bytes(database, year)
        for _ in range(repeat):
            with _timer(pdf.runs):
                pdf_data = registration_export.build_pdf_bytes(database, year)
    finally:
        database.dispose()
    pages = _pdf_pages(pdf_data)
    pdf.note = f"{pages} pages, NĐ 30 header, signatures, header row repeated on every page"
    path = work / f"tong-hop-dang-ky-{year}.xlsx"
    path.write_bytes(data)
    xlsx.note = f"{len(data) / 1024:.0f} KB, print setup and row heights set"
    return [pdf, xlsx], path, pdf_data


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def measure_libreoffice(xlsx: Path, repeat: int, work: Path) -> Result:
    result = Result(
        "libreoffice_xlsx_to_pdf",
        "So sánh: LibreOffice chuyển tệp xlsx đó sang PDF / LibreOffice headless converting that xlsx",
    )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        result.pending = "LibreOffice (soffice) is not installed"
        return result
    profile = work / "lo_profile"
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "xdg"))
    out = work / "lo_out"
    for i in range(repeat + 1):  # the first run creates the profile and is not counted
        shutil.rmtree(out, ignore_errors=True)
        began = time.perf_counter()
        proc = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out), str(xlsx)],
            capture_output=True,
            text=True,
            env=env,
            timeout=1800,
        )  # fmt: skip
        elapsed = time.perf_counter() - began
        produced = out / (xlsx.stem + ".pdf")
        if proc.returncode != 0 or not produced.exists():
            result.error = f"soffice failed: {proc.stderr.strip()[-300:]}"
            return result
        if i:
            result.runs.append(elapsed)
    result.note = f"warm profile; {_pdf_pages(produced.read_bytes())} pages"
    return result


def measure_import(db: Path, year: int, unit: str, repeat: int, work: Path, rows: int = 1000) -> list[Result]:
    from unit_table import write_unit_table

    from sangkien_desktop.services.importers.registrations import forget_read_files
    from sangkien_desktop.services.registration_import import ImportOptions, preview_file
    from sangkien_desktop.services.registrations_actions import import_file  # the GUI's Nhập (with its undo)

    table = write_unit_table(work / f"dang-ky-{rows}-dong.xlsx", unit, year, rows)
    preview = Result(
        "import_preview",
        f"Đọc và kiểm tra bảng {rows} dòng (xem trước) / preview of a {rows}-row table",
        target=1.0,
        note="reading the file, checking every row, duplicate search against every earlier initiative "
        "(the duplicate index built beforehand, as the Đăng ký page has it when the import is opened)",
    )
    cold = Result(
        "import_preview_cold",
        f"Xem trước {rows} dòng khi chỉ mục trùng lặp chưa có / the same with the duplicate index built too",
    )
    step = Result(
        "import_1000",
        f"Nhập bảng {rows} dòng của đơn vị (sau xem trước) / importing a {rows}-row unit table",
        target=1.0,
        note="the Nhập step after the preview the GUI always shows first (the GUI's action, keeping the rows "
        "for its exact undo); one transaction",
    )
    total = Result("import_1000_with_preview", f"Xem trước + nhập {rows} dòng / preview and import together")
    from sangkien_desktop.services.duplicates import DuplicateIndex

    for i in range(repeat):
        copy = work / f"import-{i}.db"
        copy_sqlite(db, copy)
        database = Database.open(copy, backup_dir=work)
        try:
            options = ImportOptions(year=year, unit=unit)
            forget_read_files()  # every run reads the file, as a new preview does
            with _timer(cold.runs):
                preview_file(database, table, options)
            forget_read_files()
            with database.reading() as session:
                DuplicateIndex.cached(session).forget_answers()
            with _timer(preview.runs):
                checked = preview_file(database, table, options)
            with _timer(step.runs):
                done = import_file(database, table, options)
            total.runs.append(preview.runs[-1] + step.runs[-1])
            if not checked.ok or done.result.created != rows:
                step.error = f"imported {done.result.created} of {rows} rows"
        finally:
            database.dispose()
            for leftover in work.glob(f"import-{i}.db*"):
                leftover.unlink()
    return [preview, step, total, cold]


def measure_finalize(db: Path, round_id: int, dossiers: int, repeat: int, work: Path) -> Result:
    """Finalizing the big round (issue 19) on a copy of the database, graded beforehand (ties decided in the
    order of the dossiers, as a council would): the round locked, then its archive folder — the database copy
    and every document of the round in every format, with SHA256SUMS. The app runs it in the background."""

    from sangkien_desktop.services import finalize, round_documents

    result = Result(
        "finalize",
        f"Chốt đợt {dossiers:,} hồ sơ kèm hồ sơ lưu trữ / finalizing a {dossiers:,}-dossier round with its archive",
        target=5.0,
    )
    round_documents.discover()  # the producers' modules imported once, as in a session that printed before
    for i in range(repeat):
        copy = work / f"finalize-{i}.db"
        copy_sqlite(db, copy)
        database = Database.open(copy, backup_dir=work)
        try:
            _grade_for_finalize(database, round_id)
            with _timer(result.runs):
                done = finalize.finalize_round(
                    database,
                    round_id,
                    decision_no="125/QĐ-UBND",
                    decision_date=dt.date(2026, 5, 20),
                    archive_root=work / f"luu-tru-{i}",
                )
            archive = done.archive
            if archive is not None:
                size = sum(p.stat().st_size for p in archive.folder.rglob("*") if p.is_file())
                result.note = (
                    f"{len(archive.files)} files, {size / 1024 / 1024:.0f} MB (database copy, every document "
                    "of the round in each format, SHA256SUMS)"
                )
                if archive.failures:
                    result.error = f"documents not produced: {archive.failures}"
                shutil.rmtree(archive.folder, ignore_errors=True)
        finally:
            database.dispose()
            for leftover in work.glob(f"finalize-{i}.db*"):
                leftover.unlink()
    return result


def _grade_for_finalize(database: Database, round_id: int) -> None:
    """Grade the round and decide its ties in the dossiers' order (not timed)."""
    from sangkien_desktop.services import grading

    for _ in range(10):
        groups = grading.apply_grading(database, round_id).grading.tie_groups()
        if not groups:
            return
        with database.session() as session:
            for group in groups:
                grading.decide_tie(
                    session, round_id, list(group.codes), "Hội đồng chọn theo thứ tự nộp hồ sơ"
                )


# ----------------------------------------------------------------------------------------------------
# Report


def machine() -> dict[str, Any]:
    import sqlite3

    import PySide6
    import reportlab
    import sqlalchemy

    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    load = ""
    with contextlib.suppress(OSError, AttributeError):
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "load_average": load,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": PySide6.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "reportlab": reportlab.Version,
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def _show(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def print_table(report: dict[str, Any], results: list[Result]) -> None:
    m = report["machine"]
    print(f"Máy / machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, load {m['load_average']}; "
          f"Python {m['python']}, SQLite {m['sqlite']}, PySide6 {m['pyside6']}")  # fmt: skip
    counts = report["database"]["counts"]
    print("Cơ sở dữ liệu / database: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print()
    width = max(len(r.label) for r in results)
    for r in results:
        target = f"< {_show(r.target, r.unit)}" if r.target is not None else ""
        verdict = {True: "OK", False: "MISSED", None: ""}[r.ok]
        value = _show(r.median, r.unit)
        if r.pending:
            value, verdict = "pending", r.pending
        elif r.error:
            value, verdict = "error", r.error
        print(f"{r.label:<{width}}  {value:>10}  {target:>9}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--quick", action="store_true", help="small database, one run each (a minute or two)")
    parser.add_argument("--repeat", type=int, help="runs per measurement (default 5 light, 3 heavy)")
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    parser.add_argument(
        "--only",
        help="comma-separated: start,session,grading,certificates,exports,libreoffice,import,finalize,check",
    )
    args = parser.parse_args(argv)
    size = generate.SIZES["quick" if args.quick else "full"]
    light = args.repeat or (1 if args.quick else 5)
    heavy = args.repeat or (1 if args.quick else 3)
    only = set(args.only.split(",")) if args.only else None

    def wanted(name: str) -> bool:
        return only is None or name in only

    say: Callable[[str], None] = (lambda t: print(t, file=sys.stderr, flush=True)) if args.json else (
        lambda t: print(t, flush=True)
    )  # fmt: skip
    built_before = (generate.cache_dir() / f"bench-{size.key()}.db").exists() and not args.rebuild
    say(f"database: {'cached' if built_before else 'generating'} ({size.registrations:,} registrations) …")
    path, summary = generate.cached(size, rebuild=args.rebuild)
    report: dict[str, Any] = {
        "machine": machine(),
        "database": {
            "path": str(path),
            "size_mb": round(path.stat().st_size / 1024 / 1024),
            **summary.as_dict(),
        },
    }
    results: list[Result] = []
    units_with_rows = _a_school(path)
    with tempfile.TemporaryDirectory(prefix="sangkien-bench-run-") as tmp:
        work = Path(tmp)
        steps: list[tuple[str, Callable[[], list[Result]]]] = [
            ("start", lambda: [measure_start(path, light, work)]),
            ("session", lambda: measure_session(path, heavy, work)),
            ("grading", lambda: measure_grading(path, summary.big_round_id, light)),
            ("certificates", lambda: [measure_certificates(heavy, 50 if args.quick else 500)]),
            ("check", lambda: [measure_check(path, heavy, work)]),
        ]
        exported: dict[str, Any] = {}

        def exports() -> list[Result]:
            found, xlsx, _pdf = measure_exports(path, summary.year, heavy, work)
            exported["xlsx"] = xlsx
            return found

        steps.append(("exports", exports))
        steps.append(
            (
                "libreoffice",
                lambda: [measure_libreoffice(exported["xlsx"], heavy, work)] if "xlsx" in exported else [],
            )
        )
        steps.append(
            (
                "finalize",
                lambda: [measure_finalize(path, summary.big_round_id, size.big_round, heavy, work)],
            )
        )
        steps.append(
            (
                "import",
                lambda: measure_import(
                    path, summary.year, units_with_rows, heavy, work, 200 if args.quick else 1000
                ),
            )
        )
        for name, step in steps:
            if not wanted(name) and not (name == "exports" and wanted("libreoffice")):
                continue
            say(f"measuring {name} …")
            try:
                found = step()
            except Exception as exc:  # a failed measurement is reported, the others still run
                found = [Result(name, name, error=f"{type(exc).__name__}: {exc}")]
            if wanted(name):
                results += found
    _export_pdf_target(results)
    report["results"] = {r.key: r.as_dict() for r in results}
    report["pending"] = [r.key for r in results if r.pending]
    checked = [r.ok for r in results if r.ok is not None]
    report["targets_met"] = all(checked) if checked else None
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print()
        print_table(report, results)
    return 0


def _export_pdf_target(results: list[Result]) -> None:
    """``export_pdf``'s target (issue 19): at most half of LibreOffice converting the same table from xlsx,
    measured in the same run."""
    by_key = {r.key: r for r in results}
    pdf, lo = by_key.get("export_pdf"), by_key.get("libreoffice_xlsx_to_pdf")
    if pdf is None or lo is None or pdf.median is None or lo.median is None:
        return
    pdf.target = round(lo.median / 2, 4)
    pdf.note += f"; target: half of LibreOffice in this run ({lo.median / pdf.median:.1f}× faster than it)"


def _a_school(db: Path) -> str:
    """A unit with registrations in the newest year (the unit whose table is imported)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT u.name FROM units u JOIN registrations r ON r.unit_id = u.id "
            "WHERE u.name LIKE 'Trường THCS%' GROUP BY u.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        if row is None:
            row = conn.execute("SELECT name FROM units ORDER BY id LIMIT 1").fetchone()
    return str(row[0])


if __name__ == "__main__":
    sys.exit(main())
