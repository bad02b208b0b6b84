"""Beyond ``EXACT_LIMIT`` known initiatives candidates come from shared title words: the same duplicates
are found."""

from __future__ import annotations

import pytest

from sangkien_desktop.services import duplicates
from sangkien_desktop.services.duplicates import DuplicateIndex, Known, normalise


def _known(i: int, title: str, content: str = "") -> Known:
    return Known("registration", i, 2020 + i % 5, "Đơn vị", title, normalise(title), "", content=content)


TITLES = [
    "Ứng dụng mã QR trong tra cứu thủ tục hành chính",
    "Ứng dụng mã QR trong tra cứu thủ tục hành chính và tình trạng hồ sơ",
    "Giáo dục STEM cho học sinh lớp 5",
    "Một số biện pháp nâng cao chất lượng dạy học môn Toán lớp 4",
    "Một số biện pháp nâng cao chất lượng dạy học môn Tiếng Việt lớp 2",
    "Phân loại rác thải sinh hoạt tại nguồn ở khu dân cư",
    "Số hóa hồ sơ địa chính tại UBND xã Yên Sơn",
]


@pytest.mark.parametrize(
    "query",
    [
        "Ứng dụng mã QR trong tra cứu thủ tục hành chính và tình trạng hồ sơ",
        "Số hóa hồ sơ địa chính tại Ủy ban nhân dân xã Yên Sơn",
        "Giáo dục STEM cho học sinh lớp 5 qua hoạt động trải nghiệm",
        "Một số biện pháp nâng cao chất lượng dạy học môn Tiếng Việt",
    ],
)
def test_word_path_finds_what_the_exact_path_finds(monkeypatch: pytest.MonkeyPatch, query: str) -> None:
    filler = [_known(100 + i, f"Đề tài khác số {i} về quản lý văn bản") for i in range(300)]
    known = [_known(i, t) for i, t in enumerate(TITLES)] + filler
    exact = DuplicateIndex(known).matches(query, threshold=70)
    monkeypatch.setattr(duplicates, "EXACT_LIMIT", 0)
    words = DuplicateIndex(known).matches(query, threshold=70)
    assert [(m.ref_id, m.score) for m in words] == [(m.ref_id, m.score) for m in exact]


def test_answers_are_remembered() -> None:
    index = DuplicateIndex([_known(i, t) for i, t in enumerate(TITLES)])
    first = index.matches(TITLES[1])
    again = index.matches(TITLES[1])
    assert first == again and first is not again
    assert len(index._answers) == 1


def test_content_raises_the_score_of_a_candidate() -> None:
    content = "Xây dựng góc đọc sách ở mỗi lớp; tổ chức ngày hội đọc sách hằng tháng cho học sinh"
    index = DuplicateIndex([_known(1, "Thư viện thân thiện khuyến khích đọc sách", content)])
    without = index.matches("Thư viện xanh cho học sinh đọc sách", threshold=0)
    with_content = index.matches("Thư viện xanh cho học sinh đọc sách", content, threshold=0)
    assert with_content[0].score > without[0].score
