"""The intake commands: dossiers list/show/add/status/next-number/reconcile/delete, and the exports
receipt-book, reconciliation and receipt."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Dossier
from sangkien_desktop.services import intake, reconciliation

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "today", lambda: TODAY)


@pytest.fixture
def url(demo_db: Database) -> str:
    return demo_db.url.render_as_string(hide_password=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(Dossier.id))) or 0


def test_list_json(url: str, demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", url, "dossiers", "list", "--round", "2026/1", "--json")
    assert code == 0
    rows = json.loads(out)
    with demo_db.reading() as s:
        expected = s.scalars(
            select(Dossier.receipt_no)
            .join(Dossier.round)
            .where(Dossier.round.has(number=1))
            .order_by(Dossier.receipt_no)
        ).all()
    assert [r["receipt_no"] for r in rows] == list(expected)
    first = rows[0]
    assert first["code"].startswith("HS26-") and first["status"] in {"valid", "complete"}
    assert set(first["clocks"]) == {"first_application", "decision", "round_deadline"}
    assert sum(float(a["contribution"]) for a in first["authors"]) == 100
    code, out, _ = run(
        capsys, "--db", url, "dossiers", "list", "--round", "2026/1", "--unregistered", "--json"
    )
    assert all(not r["registered"] for r in json.loads(out))
    code, out, _ = run(capsys, "--db", url, "dossiers", "list", "--round", "2026/2")
    assert code == 0 and "Đợt 2 năm 2026" in out and "HS26-045" in out


def test_list_unknown_round(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", url, "dossiers", "list", "--round", "2019/3")
    assert code == 1 and "Không tìm thấy đợt '2019/3'" in err


def test_show(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", url, "dossiers", "show", "HS26-045")
    assert code == 0 and "Thiếu — cần bổ sung" in out and "[ ] Minh chứng hiệu quả áp dụng" in out
    code, out, _ = run(capsys, "--db", url, "dossiers", "show", "HS26-045", "--json")
    data = json.loads(out)
    assert data["code"] == "HS26-045" and data["missing"] == ["Minh chứng hiệu quả áp dụng"]


SPEC = {
    "round": "2026/2",
    "unit": "Phòng VHXH",
    "title": "Số hóa sổ theo dõi hộ nghèo, hộ cận nghèo",
    "received_on": "20/11/2026",
    "kind": "Giải pháp quản lý",
    "field": "Văn hóa, xã hội",
    "first_applied_on": "01/3/2026",
    "delivered_by": "Lê Thị Hoa",
    "authors": [
        {"name": "Lê Thị Hoa", "birth_date": "12/05/1988", "job_title": "Chuyên viên", "contribution": 60},
        {"name": "Trần Văn Bình", "birth_date": "1979-01-02", "contribution": "30"},
    ],
    "missing": ["minh chứng"],
}


def test_add_refuses_90_percent_then_accepts_100(
    url: str, demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hs.json"
    path.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    before = count(demo_db)
    code, _, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 1
    assert "Tổng tỷ lệ đóng góp của các tác giả phải bằng đúng 100% (đang là 90%)" in err
    assert count(demo_db) == before

    spec = dict(SPEC, authors=[SPEC["authors"][0], dict(SPEC["authors"][1], contribution="40")])  # type: ignore[arg-type]
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "--db", url, "dossiers", "add", str(path), "--json")
    assert code == 0
    result = json.loads(out)
    assert result[0]["code"] == "HS26-061" and result[0]["status"] == "incomplete"
    detail = intake.get_dossier(demo_db, "HS26-061")
    assert [a.full_name for a in detail.authors] == ["Lê Thị Hoa", "Trần Văn Bình"]
    assert detail.missing == ["Minh chứng hiệu quả áp dụng"]
    assert detail.kind is not None and detail.kind.value == "quan_ly"

    spec["receipt_no"] = "HS26-007"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 1 and "số 7 của năm 2026 đã dùng cho hồ sơ HS26-007" in err
    assert count(demo_db) == before + 1


def test_add_toml(url: str, demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hs.toml"
    path.write_text(
        """
[[dossiers]]
round = "2026/2"
unit = "Trạm Y tế phường Tam Điệp"
title = "Nhắc lịch tiêm chủng qua tin nhắn"
received_on = 2026-11-02
registration = "auto"

[[dossiers.authors]]
name = "Hoàng Thị Mai"
birth_date = 1991-04-30
""",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 0, err
    assert "Đã tiếp nhận hồ sơ HS26-061 (Đủ)" in out
    assert "chưa gắn với đăng ký" in err  # warned, not refused


def test_add_bad_input(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 1 and "Không đọc được bad.json" in err
    path.write_text(json.dumps(dict(SPEC, colour="blue")), encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 1 and "không hiểu các mục: colour" in err
    path.write_text(json.dumps(dict(SPEC, unit="Không có đơn vị này")), encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 1 and "Không tìm thấy đơn vị «Không có đơn vị này»" in err


def test_status_and_next_number(url: str, demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", url, "dossiers", "status", "HS26-045", "invalid")
    assert code == 1 and "ghi lý do hồ sơ không hợp lệ" in err
    code, out, _ = run(capsys, "--db", url, "dossiers", "status", "HS26-045", "valid", "--date", "20/11/2026")
    assert code == 0 and "Thiếu — cần bổ sung → Hợp lệ" in out
    assert intake.get_dossier(demo_db, "HS26-045").accepted_on == dt.date(2026, 11, 20)
    code, out, _ = run(capsys, "--db", url, "dossiers", "next-number", "--round", "2026/2")
    assert out.split() == ["61", "HS26-061"]


def test_reconcile_json_matches_service(
    url: str, demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", url, "dossiers", "reconcile", "--round", "2026/1", "--json")
    assert code == 0
    data = json.loads(out)
    r = reconciliation.reconcile(demo_db, "2026/1")
    assert [m["registration_id"] for m in data["registered_without_dossier"]] == [
        m.registration_id for m in r.registered_without_dossier
    ]
    assert [u["code"] for u in data["dossiers_without_registration"]] == [
        u.code for u in r.dossiers_without_registration
    ]
    code, out, _ = run(capsys, "--db", url, "dossiers", "reconcile", "--round", "2026/1")
    assert "II. Đã nộp hồ sơ nhưng chưa đăng ký" in out


def test_exports(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf, xlsx = tmp_path / "so.pdf", tmp_path / "so.xlsx"
    assert run(capsys, "--db", url, "export", "receipt-book", "--round", "2026/1", "-o", str(pdf))[0] == 0
    assert run(capsys, "--db", url, "export", "receipt-book", "--round", "2026/1", "-o", str(xlsx))[0] == 0
    assert len(PdfReader(str(pdf)).pages) >= 2
    assert openpyxl.load_workbook(xlsx).active.title == "Sổ tiếp nhận"  # type: ignore[union-attr]
    rec = tmp_path / "doi-chieu.xlsx"
    code, out, _ = run(capsys, "--db", url, "export", "reconciliation", "--round", "2026/1", "-o", str(rec))
    assert code == 0 and "Đã ghi báo cáo đối chiếu" in out and rec.exists()
    bn = tmp_path / "bn.pdf"
    code, out, _ = run(capsys, "--db", url, "export", "receipt", "--dossier", "HS26-007", "-o", str(bn))
    assert code == 0 and len(PdfReader(str(bn)).pages) == 1
    code, _, err = run(capsys, "--db", url, "export", "receipt", "--dossier", "HS26-999", "-o", str(bn))
    assert code == 1 and "Không tìm thấy hồ sơ «HS26-999»" in err


def test_delete_needs_yes(
    url: str, demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hs.json"
    spec = dict(SPEC, authors=[{"name": "Lê Thị Hoa", "birth_date": "12/05/1988"}])
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "--db", url, "dossiers", "add", str(path))[0] == 0
    code, _, err = run(capsys, "--db", url, "dossiers", "delete", "HS26-061")
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, "--db", url, "dossiers", "delete", "HS26-061", "--yes")
    assert code == 0 and "Đã xóa hồ sơ HS26-061" in out
    code, _, err = run(capsys, "--db", url, "dossiers", "delete", "HS26-001", "--yes")
    assert code == 1 and "đã có điểm chấm" in err


def test_add_takes_the_authors_gender(
    url: str, demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dossiers add` records each author's gender (certificates say "Ông"/"Bà" only from it)."""
    authors = [
        dict(SPEC["authors"][0], gender="nữ"),  # type: ignore[index]
        dict(SPEC["authors"][1], contribution="40", gender="Ông/Bà"),  # type: ignore[index]
    ]
    path = tmp_path / "hs.json"
    path.write_text(json.dumps(dict(SPEC, authors=authors), ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 1 and "Tác giả thứ 2" in err and "Nam hoặc Nữ" in err
    authors[1]["gender"] = "Nam"
    path.write_text(json.dumps(dict(SPEC, authors=authors), ensure_ascii=False), encoding="utf-8")
    code, _, _ = run(capsys, "--db", url, "dossiers", "add", str(path))
    assert code == 0
    assert [a.gender for a in intake.get_dossier(demo_db, "HS26-061").authors] == ["Nữ", "Nam"]


def test_link_a_probable_match(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", url, "dossiers", "reconcile", "--round", "2026/1", "--json")
    assert code == 0 and "probable_matches" in json.loads(out)
    code, out, _ = run(capsys, "--db", url, "dossiers", "reconcile", "--round", "2026/1")
    assert "IV. Có thể là cùng một sáng kiến (cần xác nhận)" in out
    code, _, err = run(capsys, "--db", url, "dossiers", "link", "HS26-001", "--registration", "999999")
    assert code == 1 and "Không tìm thấy đăng ký có mã 999999" in err
