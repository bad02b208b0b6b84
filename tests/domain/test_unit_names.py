from __future__ import annotations

import pytest

from sangkien_desktop.domain.unit_names import canonical_key, guess_type_code


@pytest.mark.parametrize(
    "a,b",
    [
        ("UBND xã Vạn Phúc", "Xã Vạn Phúc"),
        ("Ủy ban nhân dân phường Tam Điệp", "phường Tam Điệp"),
        ("Trường THCS Bắc Sơn", "Trung học cơ sở Bắc Sơn"),
        ("Trường MN Hoa Sen", "Mầm non Hoa Sen"),
        ("TDP Bắc Sơn 1", "Tổ dân phố Bắc Sơn 1"),
        ("Trường Tiểu học  Yên Bình", "TH Yên Bình"),
    ],
)
def test_same_unit_written_two_ways(a: str, b: str) -> None:
    assert canonical_key(a) == canonical_key(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Ủy ban Mặt trận Tổ quốc phường", "Mặt trận Tổ quốc phường"),  # not an UBND prefix
        ("Trường THCS Bắc Sơn", "Trường Tiểu học Bắc Sơn"),
        ("Xã Vạn Phúc", "Phường Vạn Phúc"),
    ],
)
def test_different_units_stay_apart(a: str, b: str) -> None:
    assert canonical_key(a) != canonical_key(b)


@pytest.mark.parametrize(
    "name,code",
    [
        ("Trường Mầm non Bắc Sơn", "mam_non"),
        ("Trường TH Nam Sơn", "tieu_hoc"),
        ("THCS Lê Hồng Phong", "thcs"),
        ("UBND xã Vạn Phúc", "xa_phuong"),
        ("Tổ dân phố Yên Bình", "xa_phuong"),
        ("Phòng Văn hóa - Xã hội", "phong_ban"),
        ("Ban Chỉ huy Quân sự phường", "phong_ban"),
        ("Trạm Y tế phường", "su_nghiep"),
        ("Hội Cựu chiến binh phường", "doan_the"),
        ("Hợp tác xã Nông nghiệp Yên Sơn", None),
    ],
)
def test_guess_type(name: str, code: str | None) -> None:
    assert guess_type_code(name) == code
