"""Accent-insensitive search across years (FTS5 and the portable path) and duplicate warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Dossier, GradeResult, Registration
from sangkien_desktop.services import duplicates, registrations, search
from sangkien_desktop.services.duplicates import DuplicateIndex, Known, normalise, title_similarity
from sangkien_desktop.services.registrations import RegistrationData


def add(db: Database, year: int, title: str, unit: str = "Trường THCS Bắc Sơn", content: str = "") -> int:
    reg_id, _ = registrations.create(
        db,
        RegistrationData(
            year=year,
            unit_id=registrations.find_unit(db, unit).id,
            title=title,
            authors_text="Đặng Thị Hoa",
            content=content,
            registered_on=dt.date(year, 3, 1),
        ),
    )
    return reg_id


def recognize(db: Database, count: int, grade: str = "A") -> list[int]:
    """Give the first ``count`` dossiers a saved grade (the demo data has none)."""
    with db.session() as s:
        ids = list(s.scalars(select(Dossier.id).order_by(Dossier.id).limit(count)))
        for i in ids:
            s.add(GradeResult(dossier_id=i, grade=grade, reward=0))
    return ids


def test_doi_moi_finds_doi_moi(demo_db: Database) -> None:
    reg_id = add(demo_db, 2024, "Đổi mới công tác lưu trữ hồ sơ địa chính")
    hits = search.search(demo_db, "doi moi luu tru")
    assert hits[0].ref_id == reg_id and hits[0].year == 2024 and hits[0].kind == "registration"
    assert hits[0].title == "Đổi mới công tác lưu trữ hồ sơ địa chính"
    assert search.search(demo_db, "ĐỔI MỚI lưu trữ")[0].ref_id == reg_id
    assert search.search(demo_db, "Đoi moi luu tru")[0].ref_id == reg_id
    assert search.search(demo_db, "doi mo luu")[0].ref_id == reg_id  # prefixes, as the user types
    assert search.search(demo_db, "   ") == []
    assert search.search(demo_db, "xyzzy khong co") == []


def test_search_by_author_unit_and_year(demo_db: Database) -> None:
    reg_id = add(demo_db, 2023, "Sổ tay điện tử cho giáo viên chủ nhiệm", unit="Trường THCS Nam Sơn")
    assert reg_id in [h.ref_id for h in search.search(demo_db, "dang thi hoa")]
    assert reg_id in [h.ref_id for h in search.search(demo_db, "so tay nam son")]
    assert reg_id not in [h.ref_id for h in search.search(demo_db, "so tay", year=2026)]
    assert [h.ref_id for h in search.search(demo_db, "so tay giao vien", year=2023)] == [reg_id]


def test_index_follows_changes(demo_db: Database) -> None:
    assert search.search(demo_db, "khinh khi cau") == []
    reg_id = add(demo_db, 2025, "Khinh khí cầu trong giờ Vật lý")
    assert [h.ref_id for h in search.search(demo_db, "khinh khi cau")] == [reg_id]
    data = registrations.get_registration(demo_db, reg_id).data()
    data.title = "Tên lửa nước trong giờ Vật lý"
    registrations.update(demo_db, reg_id, data)
    assert search.search(demo_db, "khinh khi cau") == []
    assert [h.ref_id for h in search.search(demo_db, "ten lua nuoc")] == [reg_id]
    registrations.delete(demo_db, reg_id)
    assert search.search(demo_db, "ten lua nuoc") == []


def test_recognized_initiatives_are_found(demo_db: Database) -> None:
    (dossier_id,) = recognize(demo_db, 1, "B")
    with demo_db.reading() as s:
        dossier = s.get(Dossier, dossier_id)
        assert dossier is not None
        title = dossier.title
    words = " ".join(title.split()[:4])
    hits = search.search(demo_db, words, limit=200)
    recognized = [h for h in hits if h.kind == "recognized"]
    assert [h.ref_id for h in recognized] == [dossier_id]
    assert recognized[0].grade == "B" and recognized[0].code.startswith("HS26-")
    assert recognized[0].kind_label == "Đã công nhận (B)"
    assert recognized[0].authors


def test_fts_and_like_paths_agree(demo_db: Database) -> None:
    recognize(demo_db, 10)
    for query in ("doi moi", "ung dung phan mem", "truong mam non", "nguyen thi", "so hoa ho so"):
        fts = {(h.kind, h.ref_id) for h in search.search(demo_db, query, limit=500)}
        like = {(h.kind, h.ref_id) for h in search.search_like(demo_db, query, limit=500)}
        assert fts == like, query
        assert fts


def test_fallback_when_fts5_is_missing(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "fts5_available", lambda conn: False)
    reg_id = add(demo_db, 2022, "Đổi mới sổ theo dõi đoàn viên")
    assert search.search(demo_db, "doi moi so theo doi doan vien")[0].ref_id == reg_id


def test_title_similarity_cases() -> None:
    def score(a: str, b: str) -> float:
        return title_similarity(normalise(a), normalise(b))

    assert score("Ứng dụng phần mềm quản lý hồ sơ một cửa tại UBND huyện Thanh Trì",
                 "Ung dung phan mem quan ly ho so 1 cua tai Uỷ ban nhân dân huyện Thanh Trì") > 95  # fmt: skip
    assert score("Đổi mới phương pháp dạy học môn Ngữ văn 8 theo hướng phát triển năng lực",
                 "Đổi mới phương pháp dạy học môn Ngữ văn 9 theo hướng phát triển năng lực học sinh") > 85  # fmt: skip
    # sharing only the boilerplate is not a duplicate
    assert score("Một số biện pháp nâng cao chất lượng dạy học môn Toán",
                 "Một số biện pháp nâng cao chất lượng dạy học môn Tiếng Việt") < 80  # fmt: skip
    assert score("Phát triển thể chất cho trẻ mẫu giáo qua trò chơi dân gian",
                 "Quản lý bệnh nhân tăng huyết áp bằng sổ theo dõi điện tử") < 50  # fmt: skip
    assert score("", "x") == 0


def test_duplicate_index_ranks_and_thresholds() -> None:
    def known(i: int, title: str, year: int) -> Known:
        return Known("registration", i, year, "Đơn vị", title, normalise(title), "")

    index = DuplicateIndex(
        [
            known(1, "Ứng dụng mã QR trong tra cứu thủ tục hành chính", 2023),
            known(2, "Ứng dụng mã QR trong tra cứu thủ tục hành chính và tình trạng hồ sơ", 2024),
            known(3, "Giáo dục STEM cho học sinh lớp 5", 2024),
        ]
    )
    found = index.matches("Ứng dụng mã QR trong tra cứu thủ tục hành chính và tình trạng hồ sơ")
    assert [m.ref_id for m in found] == [2, 1]
    assert found[0].score == 100
    assert index.matches("Ứng dụng mã QR", exclude_registration=2, threshold=99) == []
    assert "đã đăng ký năm 2024" in found[0].label


def test_near_copy_of_an_earlier_year_is_flagged(demo_db: Database) -> None:
    old_id = add(
        demo_db, 2024, "Ứng dụng Zalo OA trong tuyên truyền phổ biến pháp luật cho người dân tổ dân phố",
        content="Lập tài khoản Zalo OA, đăng tin hằng tuần",
    )  # fmt: skip
    new_id = add(
        demo_db, 2027, "Ứng dụng Zalo OA trong tuyên truyền, phổ biến pháp luật đến người dân các tổ dân phố",
        content="Lập tài khoản Zalo OA và đăng tin mỗi tuần",
    )  # fmt: skip
    found = duplicates.matches_for(demo_db, new_id)
    assert found and found[0].ref_id == old_id and found[0].year == 2024 and found[0].score >= 85
    report = duplicates.year_report(demo_db, 2027)
    assert old_id in [m.ref_id for m in report[new_id]]
    registrations.set_not_duplicate(demo_db, new_id, True)
    assert new_id not in duplicates.year_report(demo_db, 2027)
    assert new_id in duplicates.year_report(demo_db, 2027, include_confirmed=True)
    typed = duplicates.matches_for_text(demo_db, "Ứng dụng Zalo OA trong tuyên truyền pháp luật tổ dân phố")
    assert old_id in [m.ref_id for m in typed]


def test_recognized_dossier_of_the_same_registration_is_not_its_duplicate(demo_db: Database) -> None:
    with demo_db.reading() as s:
        dossier = s.scalars(select(Dossier).where(Dossier.registration_id.is_not(None)).limit(1)).one()
        reg_id, dossier_id = dossier.registration_id, dossier.id
        reg = s.get(Registration, reg_id)
        assert reg is not None
    with demo_db.session() as s:
        s.add(GradeResult(dossier_id=dossier_id, grade="A", reward=0))
    assert reg_id is not None
    found = duplicates.matches_for(demo_db, reg_id, threshold=0, limit=200)
    assert dossier_id not in [m.ref_id for m in found if m.kind == "recognized"]
