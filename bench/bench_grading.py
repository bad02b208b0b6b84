"""Benchmark of the grade allocation engine (issue 5): 2,000 dossiers × 9 members.

Run from the repository root:

    python bench/bench_grading.py [--dossiers 2000] [--members 9] [--repeat 5] [--sheet] [--db]

It times:
- the engine alone (``domain.grading.grade``: exact means, ranking, quotas, reasons) — the target is well
  under a second;
- with ``--sheet``: ``sangkien grade-sheet`` end to end on a generated workbook (openpyxl reading included);
- with ``--db``: ``services.grading.compute`` on a generated SQLite round (scores query included).

The data generator is deterministic (seed 7); scores cluster around 70 so that many means are equal and
ties at the quota edges occur.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sangkien_desktop.domain.grading import DossierScores, grade
from sangkien_desktop.services.grading import default_rules


def make_entries(dossiers: int, members: int, seed: int = 7) -> list[DossierScores]:
    rng = random.Random(seed)
    entries = []
    for i in range(dossiers):
        quality = rng.gauss(70, 10)
        totals = []
        for _ in range(members):
            value = max(0.0, min(100.0, quality + rng.gauss(0, 4)))
            totals.append(Decimal(str(round(value * 4) / 4)))  # quarter points, as some councils score
        missing = ("Thành viên 9",) if rng.random() < 0.01 else ()
        entries.append(
            DossierScores(
                key=i,
                code=f"HS26-{i + 1:04d}",
                title=f"Sáng kiến {i + 1}",
                totals=tuple(totals),
                missing=missing,
            )
        )
    return entries


def time_it(label: str, repeat: int, fn: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    best = min(times)
    print(
        f"{label}: best {best * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms ({repeat} runs)"
    )
    return best


def bench_engine(dossiers: int, members: int, repeat: int) -> float:
    entries = make_entries(dossiers, members)
    rules = default_rules()
    result = grade(entries, rules)
    counts = result.counts()
    print(
        f"engine input: {dossiers} dossiers × {members} members → "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + f"; {len(result.ties)} tied at a quota edge"
    )
    return time_it("engine (domain.grading.grade)", repeat, lambda: grade(entries, rules))


def bench_sheet(dossiers: int, members: int, repeat: int) -> float:
    import openpyxl

    from sangkien_desktop.services.grade_sheet import grade_sheet

    entries = make_entries(dossiers, members)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bang-diem.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Mã hồ sơ", "Tên sáng kiến", *[f"Thành viên {i + 1}" for i in range(members)]])
        for e in entries:
            totals = [float(t) for t in e.totals]
            if e.missing:
                totals[-1] = None  # type: ignore[call-overload]
            ws.append([e.code, e.title, *totals])
        wb.save(path)
        return time_it("grade-sheet (read .xlsx + grade)", repeat, lambda: grade_sheet(path))


def bench_db(dossiers: int, members: int, repeat: int) -> float:
    import datetime as dt

    from sangkien_desktop.db.database import Database
    from sangkien_desktop.domain.enums import DossierStatus
    from sangkien_desktop.models import Assignment, CouncilMember, Dossier, Person, Score, Unit
    from sangkien_desktop.services.grading import compute
    from sangkien_desktop.services.rounds import create_round

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db")
        with db.session() as s:
            rnd = create_round(s, 2026, 1)
            unit = Unit(name="Đơn vị")
            s.add(unit)
            s.flush()
            council = []
            for i in range(members):
                p = Person(full_name=f"Thành viên {i + 1}")
                s.add(p)
                s.flush()
                m = CouncilMember(round_id=rnd.id, person_id=p.id, position=i)
                s.add(m)
                council.append(m)
            s.flush()
            criteria = list(rnd.criteria)
            for i in range(dossiers):
                d = Dossier(
                    year=2026,
                    round_id=rnd.id,
                    receipt_no=i + 1,
                    received_on=dt.date(2026, 3, 1),
                    unit_id=unit.id,
                    title=f"Sáng kiến {i + 1}",
                    status=DossierStatus.VALID,
                )
                s.add(d)
                s.flush()
                quality = rng.gauss(0.7, 0.1)
                for m in council:
                    s.add(Assignment(dossier_id=d.id, member_id=m.id))
                    for c in criteria:
                        share = max(0.0, min(1.0, quality + rng.gauss(0, 0.04)))
                        points = Decimal(round(float(c.max_points) * share))
                        s.add(Score(dossier_id=d.id, member_id=m.id, criterion_id=c.id, points=points))
            round_id = rnd.id
        try:

            def run() -> None:
                with db.reading() as s:
                    compute(s, round_id)

            return time_it("services.grading.compute (SQLite, scores query included)", repeat, run)
        finally:
            db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--members", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sheet", action="store_true", help="also time grade-sheet on a generated workbook")
    parser.add_argument("--db", action="store_true", help="also time grading from a generated SQLite round")
    args = parser.parse_args()
    best = bench_engine(args.dossiers, args.members, args.repeat)
    if args.sheet:
        bench_sheet(args.dossiers, args.members, max(1, args.repeat // 2))
    if args.db:
        bench_db(args.dossiers, args.members, max(1, args.repeat // 2))
    target = 1.0
    print(f"target: engine well under {target:.0f} s — {'OK' if best < target / 2 else 'TOO SLOW'}")
    return 0 if best < target / 2 else 1


if __name__ == "__main__":
    sys.exit(main())
