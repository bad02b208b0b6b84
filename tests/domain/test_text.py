from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import text


def test_fold_removes_accents_and_folds_d() -> None:
    assert text.fold("Đổi  mới\nSÁNG TẠO") == "doi moi sang tao"
    assert text.fold("Đất đai") == "dat dai"
    assert text.fold("Ứng dụng phần mềm quản lý hồ sơ") == "ung dung phan mem quan ly ho so"
    assert text.fold(None) == ""


def test_fold_equates_old_and_new_tone_placement_and_nfd() -> None:
    assert text.fold("hoá") == text.fold("hóa") == "hoa"
    assert text.fold("Uỷ ban") == text.fold("Ủy ban")
    nfd = unicodedata.normalize("NFD", "Đổi mới")
    assert text.fold(nfd) == "doi moi"


def test_fold_key_drops_punctuation() -> None:
    assert text.fold_key("Văn phòng HĐND và UBND (phường)!") == "van phong hdnd va ubnd phuong"


def test_clean_keeps_line_breaks_and_normalises() -> None:
    nfd = unicodedata.normalize("NFD", "  Tên   sáng kiến \r\n  dòng hai ")
    assert text.clean(nfd) == "Tên sáng kiến\ndòng hai"
    assert text.one_line("a \n  b") == "a b"


def test_split_names() -> None:
    assert text.split_names("Nguyễn Văn A, Trần Thị B; Lê C\nPhạm D") == [
        "Nguyễn Văn A",
        "Trần Thị B",
        "Lê C",
        "Phạm D",
    ]
    assert text.split_names("1. Đỗ Văn Hùng\n2. Mai Thị Lan") == ["Đỗ Văn Hùng", "Mai Thị Lan"]
    assert text.split_names("- Hoàng Minh Tú\n- Vũ Thu Hà và Đinh Công Sơn") == [
        "Hoàng Minh Tú",
        "Vũ Thu Hà",
        "Đinh Công Sơn",
    ]
    assert text.split_names("") == []


def test_vietnamese_sort_order() -> None:
    words = ["Đức", "Dũng", "Anh", "Ân", "Ăn", "Bình", "Ê", "E"]
    assert sorted(words, key=text.sort_key) == ["Anh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "E", "Ê"]
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Đức", "Phạm Dũng"]
    assert sorted(names, key=text.name_sort_key) == ["Nguyễn Thị An", "Trần Văn Bình", "Phạm Dũng", "Lê Đức"]


@given(st.text())
def test_fold_is_ascii_lowercase_idempotent_for_vietnamese(value: str) -> None:
    folded = text.fold(value)
    assert text.fold(folded) == folded
    assert "  " not in folded


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ĐĂÂÊÔƠƯ"
    )
)
def test_fold_of_vietnamese_letters_is_plain_ascii(value: str) -> None:
    assert text.fold(value).isascii()
