"""Search ranking and the "where it matched" text: "so hoa" lists the initiatives whose title says "số hóa"
before those that only contain "sổ …" somewhere and "hoạt động" (a word starting with "hoa")."""

from __future__ import annotations

import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.text import fold
from sangkien_desktop.services import search


def _has_phrase(title: str) -> bool:
    return "so hoa" in " ".join(fold(title).split())


@pytest.mark.parametrize("path", ["fts", "like"])
def test_phrase_in_the_title_first_then_whole_words_then_prefixes(demo_db: Database, path: str) -> None:
    run = search.search if path == "fts" else search.search_like
    hits = run(demo_db, "so hoa", limit=500)
    phrase = [h for h in hits if _has_phrase(h.title)]
    assert phrase, "the demo has initiatives named “Số hóa …”"
    assert hits[: len(phrase)] == phrase  # all of them on top

    # hits found only through a word starting with "hoa"/"so" outside the title come after every hit
    # where both words are whole words
    def tier(h: search.SearchHit) -> int:
        return int(h.score // 100)

    tiers = [tier(h) for h in hits]
    assert tiers == sorted(tiers, reverse=True)
    last = [h for h in hits if tier(h) == 0]
    assert last and all("→" in h.matched for h in last)
    assert any(h.title.startswith("Âm nhạc dân gian") for h in last)
    assert all(h.matched for h in hits)


def test_fts_and_like_agree_on_the_order_of_tiers(demo_db: Database) -> None:
    fts = search.search(demo_db, "so hoa", limit=500)
    like = search.search_like(demo_db, "so hoa", limit=500)
    assert {(h.kind, h.ref_id) for h in fts} == {(h.kind, h.ref_id) for h in like}

    def tiers(hits: list[search.SearchHit]) -> dict[int, set[tuple[str, int]]]:
        out: dict[int, set[tuple[str, int]]] = {}
        for h in hits:
            out.setdefault(int(h.score // 100), set()).add((h.kind, h.ref_id))
        return out

    assert tiers(fts) == tiers(like)


def test_describe_match_names_the_field_and_quotes_it() -> None:
    fields = [
        ("tên sáng kiến", "Âm nhạc dân gian trong hoạt động chiều cho trẻ mẫu giáo lớn"),
        ("tồn tại", "Số liệu phân tán ở nhiều sổ sách, khó tổng hợp, báo cáo chậm"),
        ("đơn vị", "Trường Mầm non Quang Sơn"),
    ]
    text = search.describe_match(["so", "hoa"], fields)
    assert (
        text
        == "tên sáng kiến (hoa → hoạt); tồn tại: “Số liệu phân tán ở nhiều sổ sách, khó tổng hợp, báo cáo chậm”"
    )
    assert search.describe_match(["quang"], fields) == "đơn vị: “Trường Mầm non Quang Sơn”"
    assert search.describe_match(["am", "nhac"], fields) == "tên sáng kiến"
    long = [("nội dung", "Mở đầu " + "chữ " * 40 + "số hóa dữ liệu " + "đuôi " * 40)]
    snippet = search.describe_match(["so", "hoa"], long)
    assert snippet.startswith("nội dung: “…") and snippet.endswith("…”") and "số hóa" in snippet
    assert len(snippet) < 120
