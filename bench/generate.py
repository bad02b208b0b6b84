"""A generator of large, realistic council databases for the benchmarks (deterministic for a seed).

The default size is ten years of a district council with two rounds a year: 600 units, 50,000
registrations, 20,000 dossiers (the newest year's first round holds 2,000 of them, still being scored),
9 council members per round scoring every dossier on the default 4-criterion rubric (720,000 scores),
authors, checklists, votes, grade results and certificates for the finished rounds.

Rows are written with Core ``insert()`` in batches (executemany) with ids chosen here, never the ORM row by
row, so the full size takes well under a minute. The folded search columns the models keep through
validators (``title_key``, ``name_key``, ``search_key``) are computed here the same way.

    python bench/generate.py                 # build (or reuse) the full-size database, print its path
    python bench/generate.py --size quick    # the small size used by ``bench/run.py --quick``
    python bench/generate.py --out big.db    # build into a chosen file (a SQLite path or a URL)

Built databases are cached in ``$SANGKIEN_BENCH_DIR`` (default ``/tmp/sangkien-bench``), keyed by the size,
the seed, this generator's version and the schema revision, and reused by later runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, Table, func, insert, select, text, update

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.migrate import MIGRATIONS_DIR, head_revision
from sangkien_desktop.domain.defaults import SOLUTION_FIELDS
from sangkien_desktop.domain.enums import (
    DossierStatus,
    MemberRole,
    RoundStatus,
    SolutionKind,
    VoteMethod,
)
from sangkien_desktop.domain.text import fold_key
from sangkien_desktop.models import (
    Assignment,
    Authorship,
    Certificate,
    CouncilMember,
    Dossier,
    DossierChecklistItem,
    GradeResult,
    Person,
    Registration,
    RegistrationAuthor,
    Round,
    Score,
    Unit,
    UnitType,
    Vote,
)
from sangkien_desktop.models.registration import registration_search_key
from sangkien_desktop.services import audit
from sangkien_desktop.services import demo as demo_data
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.services import units as units_service
from sangkien_desktop.services.rounds import create_round

GENERATOR_VERSION = 3  # 2: old rounds finalized after their rows; the log holds every row's values; 3: votes agree with grades
CACHE_ENV = "SANGKIEN_BENCH_DIR"
DEFAULT_CACHE = Path("/tmp/sangkien-bench")
BATCH = 5000
FIXED_NOW = dt.datetime(2026, 1, 2, 8, 0)  # "now" in generated rows, so the build is deterministic


@dataclass(frozen=True)
class Size:
    """How big the generated database is."""

    years: int = 10
    rounds_per_year: int = 2
    units: int = 600
    registrations: int = 50_000
    dossiers: int = 20_000
    big_round: int = 2_000  # dossiers of the newest year's first round (the one being scored)
    members: int = 9
    last_year: int = 2026
    seed: int = 8

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    def key(self) -> str:
        data = json.dumps(asdict(self) | {"v": GENERATOR_VERSION, "schema": _schema_digest()}, sort_keys=True)
        return hashlib.sha1(data.encode()).hexdigest()[:12]


def _schema_digest() -> str:
    """The head revision and the text of every migration: a cached database is rebuilt when either changes."""
    versions = MIGRATIONS_DIR / "versions"
    digest = hashlib.sha1(head_revision().encode())
    for path in sorted(versions.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


SIZES: dict[str, Size] = {
    "full": Size(),
    "quick": Size(years=3, units=60, registrations=3_000, dossiers=1_200, big_round=400),
    "tiny": Size(years=2, units=12, registrations=120, dossiers=40, big_round=12, members=5),
}


@dataclass
class Summary:
    size: Size
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    big_round_id: int = 0
    big_round_ref: str = ""  # "2026/1"
    year: int = 0  # the newest year (its registration table is the one exported)

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": asdict(self.size),
            "seconds": round(self.seconds, 1),
            "counts": self.counts,
            "big_round_id": self.big_round_id,
            "big_round": self.big_round_ref,
            "year": self.year,
        }


# ----------------------------------------------------------------------------------------------------
# Vocabulary: unit names, titles and texts built from Vietnamese parts, so searches find realistic hits.

PLACES = [
    "Bắc Sơn", "Nam Sơn", "Trung Sơn", "Tây Sơn", "Quang Sơn", "Yên Bình", "Đông Sơn", "Tân Bình", "Yên Sơn",
    "Tam Điệp", "An Bình", "Phú Lộc", "Hòa Bình", "Thanh Xuân", "Kim Liên", "Hồng Phong", "Quyết Thắng",
    "Tân Thành", "Ninh Phong", "Ninh Sơn", "Đồng Tâm", "Gia Sinh", "Gia Tân", "Khánh Thượng", "Mai Sơn",
    "Yên Thắng", "Yên Đồng", "Phú Sơn", "Trường Yên", "Ninh Hải", "Vân Long", "Gia Vân", "Liên Sơn",
    "Thạch Bình", "Lạng Phong", "Văn Phú", "Sơn Hà", "Quỳnh Lưu", "Đức Long", "Gia Hòa", "Xích Thổ",
    "Gia Lâm", "Gia Thủy", "Đồng Phong", "Thượng Hòa", "Cúc Phương", "Kỳ Phú", "Phú Long", "Văn Phương",
    "Xuân Thành", "Ninh Khang", "Ninh Giang", "Ninh Mỹ", "Khánh Hòa", "Khánh Phú", "Khánh An", "Khánh Cư",
    "Yên Mỹ", "Yên Từ", "Yên Lâm", "Yên Nhân", "Yên Mạc", "Mai Xuân", "Hùng Tiến", "Định Hóa", "Tân Hòa",
]  # fmt: skip
UNIT_PATTERNS: list[tuple[str, str, int]] = [  # (type code, name pattern, weight)
    ("mam_non", "Trường Mầm non {p}", 6),
    ("tieu_hoc", "Trường Tiểu học {p}", 6),
    ("thcs", "Trường THCS {p}", 5),
    ("xa_phuong", "UBND xã {p}", 4),
    ("xa_phuong", "Tổ dân phố {p} {n}", 3),
    ("su_nghiep", "Trạm Y tế xã {p}", 2),
    ("doan_the", "Hội Liên hiệp Phụ nữ xã {p}", 1),
    ("doan_the", "Đoàn Thanh niên xã {p}", 1),
    ("khac", "Hợp tác xã Nông nghiệp {p}", 1),
]
OFFICES = [
    "Văn phòng HĐND và UBND huyện", "Phòng Tài chính - Kế hoạch", "Phòng Tư pháp", "Phòng Nội vụ",
    "Phòng Giáo dục và Đào tạo", "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế và Hạ tầng",
    "Phòng Văn hóa và Thông tin", "Phòng Lao động - Thương binh và Xã hội", "Phòng Y tế",
    "Thanh tra huyện", "Trung tâm Phục vụ hành chính công huyện", "Trung tâm Y tế huyện",
    "Trung tâm Văn hóa, Thể thao và Truyền thanh", "Ban Quản lý dự án đầu tư xây dựng",
    "Công an huyện", "Ban Chỉ huy Quân sự huyện", "Chi cục Thuế khu vực", "Kho bạc Nhà nước huyện",
    "Bảo hiểm xã hội huyện",
]  # fmt: skip

SCHOOL_ACTIONS = [
    "Một số biện pháp", "Kinh nghiệm", "Ứng dụng công nghệ thông tin", "Đổi mới phương pháp", "Giải pháp",
    "Vận dụng trò chơi", "Sử dụng sơ đồ tư duy", "Tổ chức hoạt động trải nghiệm", "Rèn kỹ năng",
    "Nâng cao chất lượng", "Phát triển năng lực", "Giáo dục STEM",
]  # fmt: skip
SCHOOL_TOPICS = [
    "dạy học môn Toán lớp {g}", "dạy học môn Tiếng Việt lớp {g}", "dạy học môn Ngữ văn {g}",
    "bồi dưỡng học sinh giỏi môn Tiếng Anh lớp {g}", "dạy học Lịch sử và Địa lý lớp {g}",
    "giáo dục kỹ năng sống cho học sinh", "phát triển ngôn ngữ cho trẻ 5-6 tuổi",
    "phát triển thể chất cho trẻ mẫu giáo qua trò chơi dân gian", "xây dựng thư viện thân thiện",
    "quản lý bán trú và an toàn thực phẩm", "phối hợp giữa nhà trường và cha mẹ học sinh",
    "dạy học môn Khoa học lớp {g}", "rèn chữ viết đẹp cho học sinh lớp {g}", "giáo dục an toàn giao thông",
    "chuyển đổi số trong quản lý hồ sơ học sinh", "dạy học môn Tin học lớp {g}",
]  # fmt: skip
OFFICE_ACTIONS = [
    "Ứng dụng phần mềm", "Giải pháp số hóa", "Đổi mới quy trình", "Nâng cao hiệu quả", "Xây dựng mô hình",
    "Chuẩn hóa", "Đẩy mạnh", "Ứng dụng mã QR trong", "Tăng cường", "Cải tiến",
]  # fmt: skip
OFFICE_TOPICS = [
    "quản lý hồ sơ một cửa", "giải quyết thủ tục hành chính", "tiếp công dân và xử lý đơn thư",
    "thu ngân sách và thanh toán không dùng tiền mặt", "quản lý trật tự xây dựng đô thị",
    "cơ sở dữ liệu đất đai dùng chung", "lưu trữ hồ sơ, tài liệu", "tuyên truyền phổ biến pháp luật",
    "phân loại rác thải sinh hoạt tại nguồn", "quản lý bệnh nhân tăng huyết áp", "tiêm chủng mở rộng",
    "dịch vụ công trực tuyến toàn trình", "quản lý văn bản điện tử", "camera an ninh kết nối cộng đồng",
    "quản lý đoàn viên, hội viên", "hội nghị trực tuyến tiết kiệm chi phí", "chi trả trợ cấp xã hội",
    "phòng cháy chữa cháy tại khu dân cư", "quản lý hộ tịch", "xây dựng nông thôn mới",
]  # fmt: skip


def _is_school(type_code: str) -> bool:
    return type_code in {"mam_non", "tieu_hoc", "thcs"}


def _units(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(name, type code) of ``count`` distinct units: the district's offices first, then local units."""
    out: list[tuple[str, str]] = [(name, "phong_ban") for name in OFFICES[: max(1, count // 20)]]
    seen = {fold_key(n) for n, _ in out}
    weights = [w for _, _, w in UNIT_PATTERNS]
    while len(out) < count:
        code, pattern, _ = rng.choices(UNIT_PATTERNS, weights)[0]
        name = pattern.format(p=rng.choice(PLACES), n=rng.randint(1, 9))
        if fold_key(name) not in seen:
            seen.add(fold_key(name))
            out.append((name, code))
    return out


def _title(rng: random.Random, unit: str, school: bool, year: int) -> str:
    if school:
        topic = rng.choice(SCHOOL_TOPICS).format(g=rng.randint(1, 9))
        title = f"{rng.choice(SCHOOL_ACTIONS)} {topic[0].lower()}{topic[1:]}"
        tail = rng.choice([f" tại {unit}", f" năm học {year - 1}-{year}", "", f" tại {unit} năm {year}"])
    else:
        title = f"{rng.choice(OFFICE_ACTIONS)} {rng.choice(OFFICE_TOPICS)}"
        tail = rng.choice(
            [f" tại {unit}", f" trên địa bàn năm {year}", "", f" tại {unit} giai đoạn {year}-{year + 2}"]
        )
    return title + tail


# ----------------------------------------------------------------------------------------------------
# Writing


def _batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _memo(processor: Any) -> Any:
    """A column's bind processor, remembered per value (dates, stamps and points repeat a lot)."""
    if processor is None:
        return None
    seen: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = out = processor(value)
            return out
        except TypeError:  # unhashable
            return processor(value)

    return process


def _insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts with the same keys). SQLite: one executemany on the driver's cursor with
    the columns' own bind processors and defaults (SQLAlchemy's per-row parameter handling would take
    most of the build time); other databases: Core ``insert()`` in batches."""
    if not rows:
        return 0
    if conn.dialect.name != "sqlite":
        for batch in _batches(rows):
            conn.execute(insert(table), batch)
        return len(rows)
    names = list(rows[0])
    fixed: dict[str, Any] = {}
    for column in table.columns:
        if column.name in names or column.default is None:
            continue
        default = column.default
        fixed[column.name] = default.arg if default.is_scalar else FIXED_NOW  # type: ignore[attr-defined]
    columns = names + list(fixed)
    processors = [_memo(table.c[name].type.bind_processor(conn.dialect)) for name in columns]
    fixed_values = [fixed[name] for name in fixed]
    rest = processors[len(names) :]
    fixed_values = [p(v) if p else v for p, v in zip(rest, fixed_values, strict=True)]
    own = list(zip(names, processors[: len(names)], strict=True))
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for batch in _batches(rows, 50_000):
            cursor.executemany(
                sql,
                [[p(row[n]) if p else row[n] for n, p in own] + fixed_values for row in batch],
            )
    finally:
        cursor.close()
    return len(rows)


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0))


def _next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _grade(means: list[tuple[int, Decimal]]) -> dict[int, tuple[int, str, int]]:
    """Tam Điệp 2024 style allocation from the top: A ≥ 80 (5), B ≥ 70 (10), C ≥ 60 (10), CN ≥ 50."""
    bands = [
        ("A", Decimal(80), 5, 2_000_000),
        ("B", Decimal(70), 10, 1_000_000),
        ("C", Decimal(60), 10, 500_000),
    ]
    used = dict.fromkeys((b[0] for b in bands), 0)
    out: dict[int, tuple[int, str, int]] = {}
    for rank, (dossier_id, mean) in enumerate(sorted(means, key=lambda m: (-m[1], m[0])), start=1):
        grade, reward = ("CN", 0) if mean >= 50 else ("KCN", 0)
        for code, minimum, quota, amount in bands:
            if mean >= minimum and used[code] < quota:
                used[code] += 1
                grade, reward = code, amount
                break
        out[dossier_id] = (rank, grade, reward)
    return out


def build(db: Database, size: Size, progress: Any = None) -> Summary:
    """Fill an empty, migrated database. Returns what was written."""
    started = time.perf_counter()

    def say(text: str) -> None:
        if progress is not None:
            progress(f"{time.perf_counter() - started:6.1f} s  {text}")

    rng = random.Random(size.seed)
    summary = Summary(size=size, year=size.last_year)
    years = list(range(size.first_year, size.last_year + 1))

    # Settings, unit types and rounds go through the services (few rows, audited like the real app).
    with db.session() as session:
        settings_service.put(session, demo_data.DEMO_SETTINGS)
        units_service.ensure_default_types(session)
        type_ids = {code: id_ for code, id_ in session.execute(select(UnitType.code, UnitType.id))}
        rounds: list[tuple[int, int, int, list[tuple[int, Decimal]]]] = []  # (id, year, number, criteria)
        to_finalize: list[tuple[int, dt.datetime]] = []
        for year in years:
            for number in range(1, size.rounds_per_year + 1):
                opens = dt.date(year, 2 if number == 1 else 8, 15)
                rnd = create_round(
                    session,
                    year,
                    number,
                    receive_from=opens,
                    receive_until=opens + dt.timedelta(days=60),
                    meeting_on=opens + dt.timedelta(days=90),
                )
                newest = year == size.last_year
                # older rounds are finalized once their rows are in (the lock triggers refuse rows of a
                # finalized round): see _finalize_old_rounds
                rnd.status = RoundStatus.OPEN if newest and number > 1 else RoundStatus.SCORING
                if not newest:
                    rnd.decision_no = f"{number * 10 + year % 100}/QĐ-HĐSK"
                    rnd.decision_date = opens + dt.timedelta(days=100)
                    to_finalize.append((rnd.id, _stamp(opens + dt.timedelta(days=100))))
                session.flush()
                rounds.append((rnd.id, year, number, [(c.id, c.max_points) for c in rnd.criteria]))
                checklist = [(i.name, i.required, i.copies_required) for i in rnd.checklist_template]
        big_round_id = next(r[0] for r in rounds if r[1] == size.last_year and r[2] == 1)
    summary.big_round_id = big_round_id
    summary.big_round_ref = f"{size.last_year}/1"
    say(f"rounds: {len(rounds)}")

    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        tables = {m.__name__: m.__table__ for m in (Unit, Person, Registration, RegistrationAuthor, Dossier,
                  Authorship, DossierChecklistItem, CouncilMember, Assignment, Score, Vote, GradeResult, Certificate)}  # fmt: skip

        # Units -------------------------------------------------------------------------------------
        unit_id = _next_id(conn, tables["Unit"])
        units: list[tuple[int, str, str]] = []
        unit_rows = []
        for name, code in _units(rng, size.units):
            units.append((unit_id, name, code))
            unit_rows.append(
                {
                    "id": unit_id,
                    "name": name,
                    "name_key": fold_key(name),
                    "short_name": "",
                    "unit_type_id": type_ids[code],
                    "created_at": _stamp(dt.date(size.first_year, 1, 2)),
                    "updated_at": _stamp(dt.date(size.first_year, 1, 2)),
                }
            )
            unit_id += 1
        _insert(conn, tables["Unit"], unit_rows)
        summary.counts["units"] = len(units)

        # People: each unit's staff, created as its authors need them -------------------------------
        people: list[dict[str, Any]] = []
        staff: dict[int, list[int]] = {}
        person_id = _next_id(conn, tables["Person"])
        names = demo_data._Names(rng)

        def new_person(unit: tuple[int, str, str]) -> int:
            nonlocal person_id
            family = rng.choices(names.families, names.weights)[0]
            female = rng.random() < 0.55
            middle = rng.choice(demo_data.MIDDLE_F if female else demo_data.MIDDLE_M)
            given = rng.choice(demo_data.GIVEN_F if female else demo_data.GIVEN_M)
            full = f"{family} {middle} {given}"
            school = _is_school(unit[2])
            people.append(
                {
                    "id": person_id,
                    "full_name": full,
                    "name_key": fold_key(full),
                    "gender": "Nữ" if female else "Nam",
                    "birth_date": dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                    "unit_id": unit[0],
                    "workplace": unit[1],
                    "job_title": rng.choice(
                        demo_data.JOB_TITLES_SCHOOL if school else demo_data.JOB_TITLES_OFFICE
                    ),
                    "qualification": rng.choice(
                        demo_data.QUALIFICATIONS_SCHOOL if school else demo_data.QUALIFICATIONS_OFFICE
                    ),
                    "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                    "created_at": _stamp(dt.date(size.first_year, 1, 2)),
                    "updated_at": _stamp(dt.date(size.first_year, 1, 2)),
                }
            )
            staff.setdefault(unit[0], []).append(person_id)
            person_id += 1
            return person_id - 1

        def author_of(unit: tuple[int, str, str]) -> int:
            pool = staff.get(unit[0], [])
            if pool and rng.random() < 0.6:
                return rng.choice(pool)
            return new_person(unit)

        # Registrations -----------------------------------------------------------------------------
        unit_weights = [
            5 if code == "phong_ban" else 3 if _is_school(code) else 2 if code == "xa_phuong" else 1
            for _, _, code in units
        ]
        per_year = [size.registrations // size.years] * size.years
        per_year[-1] += size.registrations - sum(per_year)
        reg_id = _next_id(conn, tables["Registration"])
        ra_id = _next_id(conn, tables["RegistrationAuthor"])
        regs: list[dict[str, Any]] = []
        reg_authors: list[dict[str, Any]] = []
        regs_by_year: dict[int, list[tuple[int, tuple[int, str, str], list[int]]]] = {}
        for year, count in zip(years, per_year, strict=True):
            seq: dict[int, int] = {}
            for _ in range(count):
                unit = rng.choices(units, unit_weights)[0]
                school = _is_school(unit[2])
                title = _title(rng, unit[1], school, year)
                n_authors = rng.choices([1, 2, 3], [55, 35, 10])[0]
                author_ids = list(dict.fromkeys(author_of(unit) for _ in range(n_authors)))
                seq[unit[0]] = seq.get(unit[0], 0) + 1
                authors = [_person_row(people, a) for a in author_ids]
                values = {
                    "applied_unit": unit[1],
                    "problem": rng.choice(demo_data.PROBLEMS).format(x="quản lý, theo dõi"),
                    "title": title,
                    "content": rng.choice(demo_data.CONTENTS),
                    "effect": rng.choice(demo_data.EFFECTS).format(
                        p=rng.randint(20, 60),
                        a=rng.randint(50, 70),
                        b=rng.randint(80, 98),
                        m=rng.randint(5, 60),
                    ),
                    "scope": rng.choice(demo_data.SCOPES).format(unit=unit[1]),
                    "authors_text": ", ".join(a["full_name"] for a in authors),
                    "department": ", ".join(dict.fromkeys(a["job_title"] for a in authors)),
                }
                month = 9 if school else 3
                registered = dt.date(year, rng.randint(1, month), rng.randint(1, 28))
                regs.append(
                    {
                        "id": reg_id,
                        "year": year,
                        "unit_id": unit[0],
                        "seq": seq[unit[0]],
                        **values,
                        "title_key": fold_key(title),
                        "search_key": registration_search_key(values),
                        "registered_on": registered,
                        "source": f"Bảng đăng ký {year} - {unit[1]}.xlsx",
                        "created_at": _stamp(registered),
                        "updated_at": _stamp(registered),
                    }
                )
                for pos, a in enumerate(authors):
                    reg_authors.append(
                        {
                            "id": ra_id,
                            "registration_id": reg_id,
                            "position": pos,
                            "full_name": a["full_name"],
                            "name_key": a["name_key"],
                            "department": a["job_title"],
                            "person_id": a["id"],
                        }
                    )
                    ra_id += 1
                regs_by_year.setdefault(year, []).append((reg_id, unit, author_ids))
                reg_id += 1
        say(f"registrations: {len(regs)}")

        # Dossiers ----------------------------------------------------------------------------------
        round_sizes: dict[int, int] = {}
        others = [r for r in rounds if r[0] != big_round_id]
        rest = max(0, size.dossiers - size.big_round)
        for i, r in enumerate(others):
            round_sizes[r[0]] = rest // len(others) + (1 if i < rest % len(others) else 0)
        round_sizes[big_round_id] = min(size.big_round, size.dossiers)
        dossier_id = _next_id(conn, tables["Dossier"])
        dossiers: list[dict[str, Any]] = []
        authorships: list[dict[str, Any]] = []
        checklists: list[dict[str, Any]] = []
        dossier_quality: dict[int, float] = {}
        dossiers_by_round: dict[int, list[int]] = {}
        authors_of: dict[int, list[int]] = {}
        shares = {
            1: [[100]],
            2: [[60, 40], [50, 50], [70, 30]],
            3: [[50, 30, 20], [40, 30, 30], [34, 33, 33]],
        }
        sub_ids = {"Authorship": _next_id(conn, tables["Authorship"]),
                   "DossierChecklistItem": _next_id(conn, tables["DossierChecklistItem"])}  # fmt: skip
        for year in years:
            year_rounds = [r for r in rounds if r[1] == year]
            wanted = sum(round_sizes[r[0]] for r in year_rounds)
            pool = regs_by_year.get(year, [])
            chosen = rng.sample(pool, min(wanted, len(pool)))
            receipt = 0
            position = 0
            for rnd_id, _year, number, _criteria in year_rounds:
                opens = dt.date(year, 2 if number == 1 else 8, 15)
                newest = year == size.last_year
                for reg_row_id, unit, author_ids in chosen[position : position + round_sizes[rnd_id]]:
                    receipt += 1
                    received = opens + dt.timedelta(days=rng.randint(0, 60))
                    unregistered = rng.random() < 0.05
                    reg = regs[reg_row_id - regs[0]["id"]]
                    title = reg["title"] + (" (bổ sung)" if unregistered else "")
                    status = DossierStatus.VALID
                    if not newest or number == 2:
                        status = rng.choices(
                            [DossierStatus.VALID, DossierStatus.INCOMPLETE, DossierStatus.WITHDRAWN],
                            [92, 5, 3],
                        )[0]
                    dossiers.append(
                        {
                            "id": dossier_id,
                            "year": year,
                            "round_id": rnd_id,
                            "receipt_no": receipt,
                            "received_on": received,
                            "unit_id": unit[0],
                            "registration_id": None if unregistered else reg_row_id,
                            "title": title,
                            "title_key": fold_key(title),
                            "kind": rng.choices(list(SolutionKind), [15, 35, 40, 10])[0],
                            "field": "Giáo dục và đào tạo" if _is_school(unit[2]) else rng.choice(SOLUTION_FIELDS),
                            "first_applied_on": received - dt.timedelta(days=rng.randint(60, 300)),
                            "accepted_on": received + dt.timedelta(days=7) if status is DossierStatus.VALID else None,
                            "investor": unit[1],
                            "summary": reg["content"],
                            "status": status,
                            "status_note": "Thiếu minh chứng hiệu quả áp dụng" if status is DossierStatus.INCOMPLETE else "",
                            "delivered_by": _person_row(people, author_ids[0])["full_name"],
                            "created_at": _stamp(received),
                            "updated_at": _stamp(received),
                        }
                    )  # fmt: skip
                    for pos, (pid, share) in enumerate(
                        zip(author_ids, rng.choice(shares[len(author_ids)]), strict=True)
                    ):
                        p = _person_row(people, pid)
                        authorships.append(
                            {
                                "id": sub_ids["Authorship"],
                                "dossier_id": dossier_id,
                                "person_id": pid,
                                "position": pos,
                                "contribution": Decimal(share),
                                "workplace": p["workplace"],
                                "job_title": p["job_title"],
                                "qualification": p["qualification"],
                            }
                        )
                        sub_ids["Authorship"] += 1
                    for pos, (name, required, copies) in enumerate(checklist):
                        got = not (status is DossierStatus.INCOMPLETE and name.startswith("Minh chứng"))
                        checklists.append(
                            {
                                "id": sub_ids["DossierChecklistItem"],
                                "dossier_id": dossier_id,
                                "position": pos,
                                "name": name,
                                "required": required,
                                "received": got,
                                "copies": copies if got else None,
                                "copies_required": copies,
                            }
                        )
                        sub_ids["DossierChecklistItem"] += 1
                    dossier_quality[dossier_id] = min(97.0, max(35.0, rng.gauss(70, 11)))
                    dossiers_by_round.setdefault(rnd_id, []).append(dossier_id)
                    authors_of[dossier_id] = author_ids
                    dossier_id += 1
                position += round_sizes[rnd_id]
        say(f"dossiers: {len(dossiers)}")

        # Council members (9 per round, the same people for a few years), assignments, scores --------
        council_people: list[int] = []
        member_rows: list[dict[str, Any]] = []
        member_id = _next_id(conn, tables["CouncilMember"])
        members_of: dict[int, list[int]] = {}
        roles = [MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.SECRETARY] + [MemberRole.MEMBER] * 50
        for rnd_id, year, _number, _criteria in rounds:
            if not council_people or ((year - size.first_year) % 3 == 0 and _number == 1):
                council_people = [
                    new_person(rng.choice(units[: max(1, len(units) // 10)])) for _ in range(size.members)
                ]
            for pos, pid in enumerate(council_people):
                member_rows.append(
                    {
                        "id": member_id,
                        "round_id": rnd_id,
                        "person_id": pid,
                        "role": roles[pos],
                        "position": pos,
                    }
                )
                members_of.setdefault(rnd_id, []).append(member_id)
                member_id += 1
        _insert(conn, tables["Person"], people)
        summary.counts["people"] = len(people)
        _insert(conn, tables["Registration"], regs)
        summary.counts["registrations"] = len(regs)
        _insert(conn, tables["RegistrationAuthor"], reg_authors)
        summary.counts["registration_authors"] = len(reg_authors)
        del regs, reg_authors
        _insert(conn, tables["Dossier"], dossiers)
        summary.counts["dossiers"] = len(dossiers)
        _insert(conn, tables["Authorship"], authorships)
        summary.counts["authorships"] = len(authorships)
        _insert(conn, tables["DossierChecklistItem"], checklists)
        summary.counts["checklist_items"] = len(checklists)
        _insert(conn, tables["CouncilMember"], member_rows)
        summary.counts["members"] = len(member_rows)
        say("written: people, registrations, dossiers")
        status_of = {d["id"]: d["status"] for d in dossiers}
        del dossiers, authorships, checklists

        assignment_id = _next_id(conn, tables["Assignment"])
        score_id = _next_id(conn, tables["Score"])
        vote_id = _next_id(conn, tables["Vote"])
        result_id = _next_id(conn, tables["GradeResult"])
        cert_id = _next_id(conn, tables["Certificate"])
        n = {"assignments": 0, "scores": 0, "votes": 0, "grade_results": 0, "certificates": 0}
        register_no: dict[int, int] = {}
        for rnd_id, year, number, criteria in rounds:
            newest = year == size.last_year
            scored = not (newest and number == 2)
            assignments: list[dict[str, Any]] = []
            scores: list[dict[str, Any]] = []
            votes: list[dict[str, Any]] = []
            means: list[tuple[int, Decimal]] = []
            bias = {m: rng.gauss(0, 3) for m in members_of[rnd_id]}
            stamp = _stamp(dt.date(year, 2 if number == 1 else 8, 15) + dt.timedelta(days=80))
            for d_id in dossiers_by_round.get(rnd_id, []):
                if status_of[d_id] is not DossierStatus.VALID:
                    continue
                totals: list[Decimal] = []
                for m_id in members_of[rnd_id]:
                    assignments.append(
                        {"id": assignment_id, "dossier_id": d_id, "member_id": m_id, "created_at": stamp}
                    )
                    assignment_id += 1
                    if not scored:
                        continue
                    total = Decimal(0)
                    for c_id, max_points in criteria:
                        share = (dossier_quality[d_id] + bias[m_id] + rng.gauss(0, 4)) / 100
                        points = Decimal(round(float(max_points) * min(1.0, max(0.1, share))))
                        total += points
                        scores.append(
                            {"id": score_id, "dossier_id": d_id, "member_id": m_id, "criterion_id": c_id,
                             "points": points, "entered_at": stamp}
                        )  # fmt: skip
                        score_id += 1
                    totals.append(total)
                if not newest and totals:
                    mean = (sum(totals) / len(totals)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                    means.append((d_id, mean))
                    total_members = len(members_of[rnd_id])
                    # the council approves what the rule recognizes (≥ 50), so `check` finds no recognized
                    # dossier whose vote failed; below it the vote fails
                    in_favour = total_members if mean >= 50 else rng.randint(1, total_members // 2)
                    votes.append(
                        {"id": vote_id, "dossier_id": d_id, "members_total": total_members, "present": total_members,
                         "in_favour": in_favour, "against": total_members - in_favour, "method": VoteMethod.SHOW_OF_HANDS}
                    )  # fmt: skip
                    vote_id += 1
            n["assignments"] += _insert(conn, tables["Assignment"], assignments)
            n["scores"] += _insert(conn, tables["Score"], scores)
            n["votes"] += _insert(conn, tables["Vote"], votes)
            results: list[dict[str, Any]] = []
            certificates: list[dict[str, Any]] = []
            graded = _grade(means)
            mean_of = dict(means)
            for d_id, (rank, grade, reward) in sorted(graded.items(), key=lambda g: g[1][0]):
                results.append(
                    {"id": result_id, "dossier_id": d_id, "mean": mean_of[d_id], "rank": rank, "grade": grade,
                     "reward": reward, "computed_at": stamp}
                )  # fmt: skip
                result_id += 1
                if grade in ("A", "B", "C", "CN"):
                    for pid in authors_of[d_id]:
                        register_no[year] = register_no.get(year, 0) + 1
                        certificates.append(
                            {"id": cert_id, "year": year, "register_no": register_no[year], "dossier_id": d_id,
                             "person_id": pid, "issued_on": stamp.date() + dt.timedelta(days=20), "created_at": stamp}
                        )  # fmt: skip
                        cert_id += 1
            n["grade_results"] += _insert(conn, tables["GradeResult"], results)
            n["certificates"] += _insert(conn, tables["Certificate"], certificates)
        summary.counts.update(n)
        say(f"scores: {n['scores']}")
        _fix_sequences(conn, db)
        _finalize_old_rounds(conn, to_finalize)
        # The log holds the values of every audited row, as the app's own writers leave it (``check``
        # replays it against the tables).
        audit.append_snapshot(
            conn, "Ghi nhận giá trị mọi dòng dữ liệu của cơ sở dữ liệu sinh cho đo hiệu năng"
        )
        say("audit log: values of every audited row")
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    summary.seconds = time.perf_counter() - started
    say("done (ANALYZE included)")
    return summary


def _finalize_old_rounds(conn: Connection, rounds: list[tuple[int, dt.datetime]]) -> None:
    table = Round.__table__
    for round_id, at in rounds:
        conn.execute(
            update(table).where(table.c.id == round_id).values(status=RoundStatus.FINALIZED, finalized_at=at)
        )


def _person_row(people: list[dict[str, Any]], person_id: int) -> dict[str, Any]:
    return people[person_id - people[0]["id"]]


def _fix_sequences(conn: Connection, db: Database) -> None:
    """PostgreSQL: move each id sequence past the ids written here."""
    if db.is_sqlite:
        return
    from sangkien_desktop.models import Base

    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


# ----------------------------------------------------------------------------------------------------
# Cache


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE)


def cached(size: Size, progress: Any = None, rebuild: bool = False) -> tuple[Path, Summary]:
    """The path of a SQLite database of ``size`` (built once into the cache folder, then reused)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{size.key()}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        data = json.loads(meta.read_text(encoding="utf-8"))
        summary = Summary(size=size, seconds=data["seconds"], counts=data["counts"],
                          big_round_id=data["big_round_id"], big_round_ref=data["big_round"], year=data["year"])  # fmt: skip
        return path, summary
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    db = Database.open(partial, backup_dir=folder)
    try:
        summary = build(db, size, progress)
    finally:
        db.dispose()
    os.replace(partial, path)
    meta.write_text(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path, summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--seed", type=int, help="another seed (default 8)")
    parser.add_argument(
        "--out", help="build into this database (a new SQLite file or an empty server database URL)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build again even if the cache has it")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    if args.seed is not None:
        size = replace(size, seed=args.seed)
    if args.out:
        db = Database.open(args.out, backup_dir=Path(args.out).parent if "://" not in args.out else None)
        try:
            summary = build(db, size, progress=lambda t: print(t, file=sys.stderr))
        finally:
            db.dispose()
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
        return 0
    path, summary = cached(size, progress=lambda t: print(t, file=sys.stderr), rebuild=args.rebuild)
    print(path)
    print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
