"""A registration import holds SQLite's write lock briefly (issue 17): the file is read, checked, matched and
its rows worked out with no lock held, then written in one short transaction (all rows or none). Speed itself
is measured by bench/run.py; here only what does not depend on the machine: no lock while checking, a writer
meanwhile taken into account, a number of statements under the lock that does not grow with the rows."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.engine import SQLITE_BUSY_TIMEOUT_MS
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.models import Registration, RegistrationAuthor, Unit
from sangkien_desktop.services import registrations
from sangkien_desktop.services.importers import registrations as importer
from sangkien_desktop.services.registration_import import ImportOptions, import_file
from tests.helpers.registration_files import write_xlsx

YEAR = 2025
UNIT = "Trường THCS Bắc Sơn"


def rows(count: int, start: int = 1) -> list[dict[str, str]]:
    return [
        {
            form.APPLIED_UNIT: UNIT,
            form.TITLE: f"Giải pháp số {n} về sổ theo dõi nề nếp lớp {n % 9 + 1} bằng bảng tính dùng chung",
            form.CONTENT: f"Lập bảng tính dùng chung cho tổ {n}; cập nhật hằng tuần",
            form.EFFECT: "Giảm thời gian tổng hợp cuối tháng",
            form.SCOPE: "Toàn trường",
            form.AUTHORS: "Nguyễn Thị Hương, Trần Văn Đức",
            form.DEPARTMENT: "Tổ Ngữ văn\nTổ Toán",
        }
        for n in range(start, start + count)
    ]


@pytest.fixture
def sqlite_db(demo_db: Database) -> Database:
    if not demo_db.is_sqlite:
        pytest.skip("SQLite's write lock")
    return demo_db


def registration_count(db: Database) -> tuple[int, int]:
    with db.reading() as s:
        return (
            s.scalar(select(func.count(Registration.id))) or 0,
            s.scalar(select(func.count(RegistrationAuthor.id))) or 0,
        )


def seqs(db: Database) -> list[int]:
    with db.reading() as s:
        return sorted(
            s.scalars(
                select(Registration.seq).join(Unit).where(Registration.year == YEAR, Unit.name == UNIT)
            ).all()
        )


def assert_no_write_lock(path: Path) -> None:
    """Another connection takes the write lock at once (no waiting at all)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


@contextlib.contextmanager
def statements_under_lock(db: Database) -> Iterator[dict[str, Any]]:
    """The statements run between the import's BEGIN IMMEDIATE and its commit, and how long that took."""
    seen: dict[str, Any] = {"statements": [], "began": None, "held": []}

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            seen["began"] = time.perf_counter()
        elif seen["began"] is not None:
            seen["statements"].append(statement)

    def ended(conn: Any) -> None:
        if seen["began"] is not None:
            seen["held"].append(time.perf_counter() - seen["began"])
            seen["began"] = None

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "commit", ended)
    event.listen(db.engine, "rollback", ended)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "commit", ended)
        event.remove(db.engine, "rollback", ended)


def test_the_check_holds_no_lock_and_a_writer_meanwhile_is_taken_into_account(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_db.path
    assert path is not None
    table = write_xlsx(tmp_path / "bac-son.xlsx", rows(40), year=YEAR)
    checks: list[int] = []
    original = importer.analyse

    def analyse(*args: Any, **kwargs: Any) -> importer.ImportPreview:
        preview = original(*args, **kwargs)
        checks.append(len(preview.data_rows))
        if len(checks) == 1:  # while the import is checking: another program writes, without waiting
            assert_no_write_lock(path)
            other = Database.open(path)
            try:
                with other.reading() as s:
                    unit_id = s.scalar(select(Unit.id).where(Unit.name == UNIT))
                assert unit_id is not None
                registrations.create(
                    other,
                    registrations.RegistrationData(
                        year=YEAR,
                        unit_id=unit_id,
                        title="Sổ liên lạc điện tử giữa giáo viên chủ nhiệm và cha mẹ học sinh",
                        authors_text="Lê Thị Ngọc Ánh",
                    ),
                )
            finally:
                other.dispose()
        return preview

    monkeypatch.setattr(importer, "analyse", analyse)
    before = seqs(sqlite_db)
    result = import_file(sqlite_db, table, ImportOptions(year=YEAR))
    assert result.created == 40
    # the registration written meanwhile changed what the check read: checked again under the lock, and the
    # imported rows are numbered after it
    assert checks == [40, 40]
    after = seqs(sqlite_db)
    assert len(after) == len(before) + 41
    assert after == sorted(set(after)) == list(range(1, len(after) + 1))
    assert_no_write_lock(path)


def test_the_write_lock_is_held_for_a_few_statements_whatever_the_rows(
    sqlite_db: Database, tmp_path: Path
) -> None:
    small = write_xlsx(tmp_path / "nho.xlsx", rows(10), year=YEAR)
    large = write_xlsx(tmp_path / "lon.xlsx", rows(150, start=100), year=YEAR)
    with statements_under_lock(sqlite_db) as first:
        assert import_file(sqlite_db, small, ImportOptions(year=YEAR)).created == 10
    with statements_under_lock(sqlite_db) as second:
        result = import_file(sqlite_db, large, ImportOptions(year=YEAR))
    assert result.created == 150
    # the same few statements for 10 rows or 150 (each table's rows in one executemany); no check or search
    assert len(second["statements"]) <= len(first["statements"]) + 2 < 30
    assert sum("FROM registrations" in s and "title_key" in s for s in second["statements"]) == 0
    # a bound far from any machine's speed (the bench measures the real time): under half the busy timeout
    assert len(second["held"]) == 1 and second["held"][0] < SQLITE_BUSY_TIMEOUT_MS / 1000 / 2
    with sqlite_db.reading() as s:
        authors = s.scalars(
            select(RegistrationAuthor.full_name)
            .join(Registration)
            .where(Registration.id == result.registration_ids[-1])
            .order_by(RegistrationAuthor.position)
        ).all()
    assert authors == ["Nguyễn Thị Hương", "Trần Văn Đức"]
    assert seqs(sqlite_db)[-1] == len(seqs(sqlite_db))


def test_a_write_that_fails_leaves_nothing_and_no_lock(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_db.path
    assert path is not None
    table = write_xlsx(tmp_path / "bac-son.xlsx", rows(30), year=YEAR)
    before = registration_count(sqlite_db)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer.audit, "record", fail)  # after every row is inserted
    with pytest.raises(RuntimeError):
        import_file(sqlite_db, table, ImportOptions(year=YEAR))
    assert registration_count(sqlite_db) == before
    assert_no_write_lock(path)
