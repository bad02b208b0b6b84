"""Author cells: several authors, a position and a unit with a name, forms of address and ranks, capitals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain.author_cells import Author, canonical_authors, parse_author_cell, title_case


@pytest.mark.parametrize(
    ("cell", "authors"),
    [
        (
            "Nguyễn Văn An, Hiệu trưởng, Trường THCS Bắc Sơn",
            [Author("Nguyễn Văn An", "Hiệu trưởng", "Trường THCS Bắc Sơn")],
        ),
        ("Nguyễn Văn An, Trần Thị Bình", [Author("Nguyễn Văn An"), Author("Trần Thị Bình")]),
        ("Đ/c NGUYỄN VĂN AN - Phó Chủ tịch UBND xã", [Author("Nguyễn Văn An", "Phó Chủ tịch UBND xã")]),
        (
            "Đại úy Trần Văn Bình và Thiếu tá Lê Văn Cường",
            [Author("Trần Văn Bình", "Đại úy"), Author("Lê Văn Cường", "Thiếu tá")],
        ),
        (
            "Thầy Lê Văn Cường; Cô Phạm Thị Dung",
            [Author("Lê Văn Cường", "Thầy"), Author("Phạm Thị Dung", "Cô")],
        ),
        ("Nguyễn Thị Hương (Trường TH Yên Bình)", [Author("Nguyễn Thị Hương", note="Trường TH Yên Bình")]),
        ("Trương Văn Hải, Tô Thị Lan", [Author("Trương Văn Hải"), Author("Tô Thị Lan")]),
        ("ThS. Hoàng Minh Tú, giáo viên", [Author("Hoàng Minh Tú", "giáo viên")]),
        ("1. Lê A\n2. Lê B", [Author("Lê A"), Author("Lê B")]),
    ],
)
def test_author_cells(cell: str, authors: list[Author]) -> None:
    assert parse_author_cell(cell) == authors


def test_title_case_only_for_capitals() -> None:
    assert title_case("LÊ THỊ NGỌC ÁNH") == "Lê Thị Ngọc Ánh"
    assert title_case("Lê Thị ngọc Ánh") == "Lê Thị ngọc Ánh"


def test_canonical_form_reads_back_the_same() -> None:
    cell = "Đ/c NGUYỄN VĂN AN - Phó Chủ tịch, Thầy Lê Văn Cường, Trần Thị Bình, Kế toán, Trường TH Yên Bình"
    text = canonical_authors(cell)
    assert (
        text
        == "Nguyễn Văn An - Phó Chủ tịch, Thầy Lê Văn Cường, Trần Thị Bình - Kế toán (Trường TH Yên Bình)"
    )
    assert parse_author_cell(text) == [
        Author("Nguyễn Văn An", "Phó Chủ tịch"),
        Author("Lê Văn Cường", "Thầy"),
        Author("Trần Thị Bình", "Kế toán", note="Trường TH Yên Bình"),
    ]
    assert canonical_authors("Phạm Quang Vũ; Đặng Thùy Dương") == "Phạm Quang Vũ; Đặng Thùy Dương"


@given(
    st.lists(
        st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Đức", "Phạm Thu Hà"]), min_size=1, max_size=5
    )
)
def test_names_split_whatever_the_separator(names: list[str]) -> None:
    for sep in (", ", "; ", "\n", " và "):
        assert [a.name for a in parse_author_cell(sep.join(names))] == names
