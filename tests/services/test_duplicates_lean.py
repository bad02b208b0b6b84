"""The duplicate index of a database keeps only folded titles in memory and reads the texts of the few
candidates of a query; many queries at once read them together."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import text

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import duplicates, registrations
from sangkien_desktop.services.duplicates import DuplicateIndex, Known, normalise
from sangkien_desktop.services.registrations import RegistrationData


def _add(db: Database, year: int, title: str, content: str = "") -> int:
    reg_id, _ = registrations.create(
        db,
        RegistrationData(
            year=year,
            unit_id=registrations.find_unit(db, "Trường THCS Bắc Sơn").id,
            title=title,
            authors_text="Đặng Thị Hoa",
            content=content,
            registered_on=dt.date(year, 3, 1),
        ),
    )
    return reg_id


def test_the_index_holds_folded_titles_and_matches_show_titles_as_written(demo_db: Database) -> None:
    old_id = _add(
        demo_db, 2024, "Số hóa sổ theo dõi tiêm chủng của Trạm Y tế xã",
        content="Chuyển sổ giấy sang bảng tính dùng chung, nhắc lịch tiêm bằng tin nhắn",
    )  # fmt: skip
    with demo_db.reading() as session:
        index = DuplicateIndex.cached(session)
    assert all(k.title == "" and k.content == "" for k in index.known)
    assert any(
        k.title_norm == normalise("Số hóa sổ theo dõi tiêm chủng của Trạm Y tế xã") for k in index.known
    )
    found = index.matches(
        "Số hoá sổ theo dõi tiêm chủng tại Trạm Y tế xã",
        "Chuyển sổ giấy sang bảng tính dùng chung, nhắc lịch tiêm bằng tin nhắn",
    )
    assert found[0].ref_id == old_id
    assert found[0].title == "Số hóa sổ theo dõi tiêm chủng của Trạm Y tế xã"  # read from the database
    # the same content raises the score above what the titles alone give
    alone = index.matches("Số hoá sổ theo dõi tiêm chủng tại Trạm Y tế xã", threshold=0)
    assert found[0].score > next(m.score for m in alone if m.ref_id == old_id)


def test_a_candidate_deleted_after_the_index_was_built_is_left_out(demo_db: Database) -> None:
    reg_id = _add(demo_db, 2024, "Khinh khí cầu giấy trong giờ Vật lý lớp 6")
    with demo_db.reading() as session:
        index = DuplicateIndex.cached(session)
    registrations.delete(demo_db, reg_id)
    assert reg_id not in [m.ref_id for m in index.matches("Khinh khí cầu giấy trong giờ Vật lý lớp 6")]
    # a new index (the database changed) does not know it at all
    assert reg_id not in [m.ref_id for m in duplicates.matches_for_text(demo_db, "Khinh khí cầu giấy Vật lý")]


@pytest.mark.parametrize("cache", [50_000, 3])  # 3: the texts' cache is emptied while a batch is read
def test_many_queries_at_once_answer_as_one_by_one(cache: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duplicates, "_TEXT_CACHE", cache)
    monkeypatch.setattr(duplicates, "_TEXT_CHUNK", 7)
    rng = random.Random(3)
    words = [
        "ứng",
        "dụng",
        "mã",
        "qr",
        "số",
        "hóa",
        "hồ",
        "sơ",
        "một",
        "cửa",
        "tiêm",
        "chủng",
        "trẻ",
        "em",
        "thư",
        "viện",
        "đọc",
        "sách",
        "toán",
        "lớp",
        "bốn",
    ]

    def title() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(4, 9)))

    known = [
        Known("registration", i, 2020 + i % 6, "Đơn vị", t, normalise(t), "", content=t + " " + title())
        for i, t in enumerate(title() for _ in range(400))
    ]
    queries = [(normalise(t), normalise(t + " " + title()), None) for t in (title() for _ in range(60))]
    queries.append(("", "", None))
    together = DuplicateIndex(known).matches_many(queries, threshold=70, limit=5)
    one_by_one = DuplicateIndex(known)
    assert together == [
        one_by_one.matches_key(norm, content, exclude_registration=exclude, threshold=70, limit=5)
        for norm, content, exclude in queries
    ]
    assert any(together)


class _CancelAfter:
    """A worker's progress that is cancelled after ``checks`` checks."""

    def __init__(self, checks: int) -> None:
        self.left = checks

    def report(self, done: int, total: int, text: str = "") -> None:
        pass

    def check(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise RuntimeError("cancelled")


def test_a_cancelled_check_goes_on_from_where_it_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    titles = [f"Sáng kiến số {i} về thư viện thân thiện và đọc sách" for i in range(30)]
    known = [Known("registration", i, 2024, "Đơn vị", t, normalise(t), "") for i, t in enumerate(titles)]
    index = DuplicateIndex(known)
    compared: list[str] = []
    close = index._close

    def counting(norm: str, *args: object) -> list[tuple[int, float]]:
        compared.append(norm)
        return close(norm, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "_close", counting)
    queries = [(normalise(t), "", i) for i, t in enumerate(titles)]
    with pytest.raises(RuntimeError):
        index.matches_many(queries, threshold=70, progress=_CancelAfter(12))
    assert len(compared) == 12
    answers = index.matches_many(queries, threshold=70)
    assert len(compared) == 30  # the first twelve were not compared again
    assert answers == DuplicateIndex(known).matches_many(queries, threshold=70)
    assert not index._compared  # answered: nothing left half-done


def test_a_row_without_its_folded_title_is_compared_by_its_title(demo_db: Database) -> None:
    reg_id = _add(demo_db, 2024, "Vườn rau sạch trong trường mầm non")
    with demo_db.session() as s:  # as a row written by another program would be
        s.execute(text("UPDATE registrations SET title_key = '' WHERE id = :i"), {"i": reg_id})
    found = duplicates.matches_for_text(demo_db, "Vườn rau sạch trong trường mầm non")
    assert found and found[0].ref_id == reg_id and found[0].title == "Vườn rau sạch trong trường mầm non"
