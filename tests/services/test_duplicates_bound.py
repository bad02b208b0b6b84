"""The word path leaves a pool out when an upper bound of the title score shows that none of its titles can
reach the score a match needs (``DuplicateIndex._may_reach``): the answers are exactly those of scoring every
shortlisted title."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from sangkien_desktop.services import duplicates
from sangkien_desktop.services.duplicates import (
    DuplicateIndex,
    Known,
    _title_similarity,
    core_words,
    normalise,
    sorted_words,
)

_TEXT = (
    "mot so bien phap giai phap nang cao chat luong hieu qua day hoc mon toan tieng viet lop truong thcs "
    "tieu hoc ung dung cntt ma qr so hoa ho so dia chinh ubnd xa phuong thu vien doc sach the chat ren "
    "luyen ky nang song hoc sinh cong tac quan ly van ban tai cho va trong"
)
WORDS = tuple(_TEXT.split())

folded_words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(folded_words, folded_words)
def test_sorted_words_ratio_is_token_sort_ratio(a: str, b: str) -> None:
    assert fuzz.ratio(sorted_words(a), sorted_words(b)) == fuzz.token_sort_ratio(a, b)


@settings(max_examples=300, deadline=None)
@given(folded_words, folded_words)
def test_the_bound_is_never_below_the_score(a: str, b: str) -> None:
    ca, cb = core_words(a), core_words(b)
    score = _title_similarity(a, ca, b, cb)
    whole_sort = fuzz.ratio(sorted_words(a), sorted_words(b))
    if ca and cb:
        bound = (
            0.2 * whole_sort
            + 20.0
            + 0.3 * (fuzz.ratio(sorted_words(ca), sorted_words(cb)) + fuzz.ratio(ca, cb))
        )
    else:
        bound = 0.5 * whole_sort + 50.0
    assert bound >= score - 1e-9


def _reference(index: DuplicateIndex, norm: str, content: str, threshold: float) -> list[tuple[int, float]]:
    """``_close`` as it was before the bound: every shortlisted title scored."""
    core = core_words(norm)
    needed = (threshold - 25) / 0.75 if len(content) >= 20 else threshold
    close: list[tuple[int, float]] = []
    for i in index._shortlist(norm, threshold):
        score = _title_similarity(norm, core, index.known[i].title_norm, index._core(i), needed)
        if score >= needed:
            close.append((i, score))
    return close


def _index(rng: random.Random, size: int) -> DuplicateIndex:
    def title() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))

    known = [Known("registration", i, 2020 + i % 6, "Đơn vị", "", title(), "") for i in range(size)]
    known += [Known("registration", size + i, 2026, "Đơn vị", "", "mot so bien phap", "") for i in range(3)]
    return DuplicateIndex(known)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_word_path_answers_as_without_the_bound(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setattr(duplicates, "EXACT_LIMIT", 0)
    monkeypatch.setattr(duplicates, "_WORD_BUDGET", 400)
    rng = random.Random(seed)
    index = _index(rng, 1500)
    titles = [k.title_norm for k in index.known]
    pruned = found = 0
    for _ in range(600):
        words = rng.choice(titles).split()
        for _ in range(rng.randint(0, 3)):  # a title close to a known one, or not
            words.insert(rng.randint(0, len(words)), rng.choice(WORDS))
            if len(words) > 1 and rng.random() < 0.5:
                words.pop(rng.randrange(len(words)))
        norm = " ".join(words) if rng.random() < 0.7 else " ".join(rng.sample(WORDS, rng.randint(1, 10)))
        content = "x" * 25 if rng.random() < 0.5 else ""
        threshold = rng.choice([0.0, 50.0, 70.0, 85.0, 95.0, 100.0])
        for _ in range(2):  # the second time the pool is asked for again: the bound is used
            indices, scores = index._close(norm, content, None, threshold)
            got = list(zip(indices, scores, strict=True))
            expected = _reference(index, norm, content, threshold)
            assert got == expected, (norm, threshold)
        found += bool(expected)
        pruned += not expected
    assert found > 50 and pruned > 50  # both kinds of answers were checked


def test_a_table_s_titles_match_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table's titles share pools: answered together they equal each answered alone with every pool
    forgotten (no pool asked for before: no bound used)."""
    monkeypatch.setattr(duplicates, "EXACT_LIMIT", 0)
    rng = random.Random(7)
    index = _index(rng, 2000)
    queries = [
        (normalise(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))), "", None)
        for _ in range(300)
    ]
    together = index.matches_many(queries, threshold=70, limit=5)
    fresh = DuplicateIndex(index.known)
    alone = []
    for norm, content, _ in queries:
        fresh.forget_answers()  # no pool asked for before
        alone.append(fresh.matches_key(norm, content, threshold=70, limit=5))
    assert together == alone
    assert any(together)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(folded_words.filter(bool), min_size=1, max_size=6), st.sampled_from([60.0, 80.0, 85.0, 90.0]))
def test_queries_asked_twice_answer_the_same(
    monkeypatch: pytest.MonkeyPatch, norms: list[str], threshold: float
) -> None:
    monkeypatch.setattr(duplicates, "EXACT_LIMIT", 0)
    index = _index(random.Random(11), 400)
    first = [index._close(n, "", None, threshold) for n in norms]  # pools new: every title scored
    again = [index._close(n, "", None, threshold) for n in norms]  # pools asked for again: the bound
    assert again == first
