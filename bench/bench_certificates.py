"""Benchmark of certificate printing (issue 6): 500 giấy chứng nhận in one PDF.

Run from the repository root:

    python bench/bench_certificates.py [--count 500] [--repeat 3] [--db] [--out FILE.pdf]

It times:
- rendering alone (``services.documents.certificates.certificates_pdf``) of ``--count`` generated
  certificates with realistic Vietnamese names, units and titles up to 250 characters, co-authors, the
  progress callback called per page — the target is "a few seconds" (exit code 1 above 5 s);
- with ``--db``: the whole ``sangkien export certificates`` path on a generated SQLite round (demo data
  with enough dossiers for ``--count`` authors, every valid dossier recognized): numbering in the
  register (one transaction) and rendering.

The generator is deterministic (seed 11).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sangkien_desktop.services.documents.certificates import CertificateItem, certificates_pdf

TARGET_SECONDS = 5.0
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Tôn Nữ"]
MIDDLE = ["Văn", "Thị", "Đức", "Thu", "Minh", "Ngọc", "Hoàng Yến", "Quốc", "Thanh", "Bích"]
GIVEN = ["Hùng", "Hương", "Nhung", "Khánh", "Thảo", "Đạt", "Huyền", "Phương Thảo", "Trâm Anh", "Quyên"]
UNITS = [
    "Trường THCS Bắc Sơn",
    "Trung tâm Phục vụ hành chính công phường",
    "Phòng Kinh tế, Hạ tầng và Đô thị",
    "Trường Mầm non Quang Sơn",
    "Trung tâm Văn hóa, Thể thao và Truyền thanh phường Tam Điệp, tỉnh Ninh Bình",
]
PHRASES = [
    "Ứng dụng phần mềm quản lý hồ sơ một cửa",
    "nâng cao chất lượng giải quyết thủ tục hành chính",
    "đổi mới phương pháp dạy học theo hướng phát triển năng lực học sinh",
    "số hóa hồ sơ, tài liệu lưu trữ",
    "tăng cường sự hài lòng của người dân, doanh nghiệp",
    "tại Ủy ban nhân dân phường Tam Điệp giai đoạn 2026–2030",
]


def make_items(count: int, seed: int = 11) -> list[CertificateItem]:
    rng = random.Random(seed)
    items = []
    for i in range(count):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        title = " ".join(rng.sample(PHRASES, rng.randint(1, len(PHRASES))))
        title = (title[:1].upper() + title[1:])[:250]
        co = tuple(
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(rng.randint(0, 3))
        )
        items.append(
            CertificateItem(
                dossier_code=f"HS26-{i // 2 + 1:03d}",
                person_id=i,
                salutation=rng.choice(["Ông", "Bà"]),
                name=name,
                unit=rng.choice(UNITS),
                title=title,
                co_authors=co,
                field="Cải cách hành chính",
                grade_label=rng.choice(["Loại A", "Loại B", "Loại C", ""]),
                decision="số 15/QĐ-HĐSK ngày 05/6/2026",
                decision_by="của Chủ tịch Hội đồng Sáng kiến phường Tam Điệp",
                register=f"{i + 1:03d}/2026",
                date_line="Tam Điệp, ngày 05 tháng 6 năm 2026",
                signer_lines=("TM. HỘI ĐỒNG", "CHỦ TỊCH"),
                signer_name="Dương Thị Nhung",
                parent_body=("UBND PHƯỜNG TAM ĐIỆP",),
                issuing_body=("HỘI ĐỒNG SÁNG KIẾN",),
                council="Hội đồng Sáng kiến phường Tam Điệp",
            )
        )
    return items


def bench_render(count: int, repeat: int, out: Path | None) -> float:
    items = make_items(count)
    times = []
    pages = 0
    pdf = b""
    for _ in range(repeat):
        calls = 0

        def progress(done: int, total: int, _text: str) -> None:
            nonlocal calls
            calls += 1

        start = time.perf_counter()
        pdf = certificates_pdf(items, progress=progress)
        times.append(time.perf_counter() - start)
        pages = calls
    best = min(times)
    print(
        f"render {count} certificates: best {best:.2f} s, median {statistics.median(times):.2f} s "
        f"({pages} progress calls, {len(pdf) / 1024 / 1024:.1f} MB, {count / best:.0f} pages/s)"
    )
    if out is not None:
        out.write_bytes(pdf)
        print(f"written to {out}")
    return best


def bench_db(count: int) -> float:
    from sqlalchemy import select

    from sangkien_desktop.db.database import Database
    from sangkien_desktop.domain.enums import DossierStatus
    from sangkien_desktop.models import Dossier, GradeResult, Round
    from sangkien_desktop.services.demo import create_demo
    from sangkien_desktop.services.documents import catalog

    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db", backup_dir=Path(tmp))
        create_demo(db, dossiers=int(count / 1.55 * 1.3) + 10, seed=3)
        with db.session() as session:
            rnd = session.scalar(select(Round).where(Round.number == 1))
            assert rnd is not None
            rnd.decision_no, rnd.decision_date = "15", None
            for d in session.scalars(select(Dossier).where(Dossier.round_id == rnd.id)):
                if d.status in (DossierStatus.VALID, DossierStatus.COMPLETE):
                    session.add(GradeResult(dossier_id=d.id, mean=None, rank=None, grade="CN", reward=0))
            round_id = rnd.id
        start = time.perf_counter()
        result = catalog.produce(db, "certificates", catalog.DocRequest(round_id=round_id), "pdf")
        elapsed = time.perf_counter() - start
        db.dispose()
    print(f"export certificates from the database: {elapsed:.2f} s — {'; '.join(result.messages)}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", action="store_true", help="also time numbering + rendering from a database")
    parser.add_argument("--out", type=Path, help="write the rendered PDF here")
    args = parser.parse_args()
    best = bench_render(args.count, args.repeat, args.out)
    if args.db:
        bench_db(args.count)
    ok = best <= TARGET_SECONDS * args.count / 500
    print(f"target ≤ {TARGET_SECONDS:.0f} s per 500: {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
