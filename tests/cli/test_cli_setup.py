from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Dossier, Registration, Unit
from sangkien_desktop.services.rounds import ensure_year


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_settings_show_and_set(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--db", db_url, "settings", "set", "issuing_parent", "ủy ban nhân dân xã Vạn Phúc"]) == 0
    assert "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC" in capsys.readouterr().out
    assert main(["--db", db_url, "settings", "set", "place_name", "Vạn Phúc"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("Căn cứ A\nCăn cứ B\n"))
    assert main(["--db", db_url, "settings", "set", "legal_bases", "-"]) == 0
    capsys.readouterr()
    values = _json(capsys, ["--db", db_url, "settings", "show", "--json"])
    assert isinstance(values, dict)
    assert values["place_name"] == "Vạn Phúc" and values["legal_bases"] == "Căn cứ A\nCăn cứ B"
    assert values["suffix_decision"] == "QĐ-HĐSK"
    assert main(["--db", db_url, "settings", "show"]) == 0
    out = capsys.readouterr().out
    assert "Địa danh ghi ở dòng ngày tháng" in out and "Căn cứ A (+1 dòng)" in out
    assert main(["--db", db_url, "settings", "set", "suffix_decision", "QĐ HĐSK"]) == 1
    assert "Ký hiệu quyết định" in capsys.readouterr().err
    assert main(["--db", db_url, "settings", "set", "khong_co", "x"]) == 1
    assert "Không có cài đặt 'khong_co'" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing")
def test_settings_preview(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "settings", "set", "place_name", "Vạn Phúc"]) == 0
    out = tmp_path / "xem-truoc.pdf"
    assert main(["--db", db_url, "settings", "preview", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Vạn Phúc, ngày" in text and "QUYẾT ĐỊNH" in text


def test_settings_series(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(
        capsys, ["--db", db_url, "settings", "series", "--year", "2026", "--set", "QD", "12", "--json"]
    )
    assert isinstance(rows, list)
    qd = next(r for r in rows if r["kind"] == "QD")
    assert qd["last_number"] == 12 and qd["next_number"] == 13 and qd["suffix"] == "QĐ-UBND"


def test_rounds_create_copy_and_list(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "demo", "--dossiers", "10"]) == 0
    capsys.readouterr()
    created = _json(
        capsys,
        ["--db", db_url, "rounds", "create", "--year", "2027", "--number", "1", "--copy-from", "2026/1",
         "--with-members", "--until", "30/4/2027", "--json"],
    )  # fmt: skip
    assert isinstance(created, dict)
    assert created["label"] == "Đợt 1 năm 2027" and created["status"] == "open"
    assert created["receive_until"] == "2027-04-30" and created["meeting_on"] == "2027-05-20"
    assert created["members"] == 7 and len(created["rubric"]) == 4 and len(created["checklist"]) == 5
    assert [b["code"] for b in created["rules"]["bands"]] == ["A", "B", "C"]
    assert main(["--db", db_url, "rounds", "create", "--year", "2027", "--number", "2"]) == 0
    assert "Đã tạo Đợt 2 năm 2027" in capsys.readouterr().out
    listed = _json(capsys, ["--db", db_url, "rounds", "list", "--json"])
    assert isinstance(listed, list)
    assert [(r["year"], r["number"]) for r in listed] == [(2027, 2), (2027, 1), (2026, 2), (2026, 1)]
    assert set(listed[0]) == {"id", "year", "number", "label", "field", "status", "receive_until", "dossiers"}
    assert main(["--db", db_url, "rounds", "create", "--year", "2027", "--number", "1"]) == 1
    assert "đã có đợt 1" in capsys.readouterr().err
    assert (
        main(["--db", db_url, "rounds", "create", "--year", "2027", "--number", "3", "--copy-from", "1999/1"])
        == 1
    )
    assert "Không tìm thấy đợt" in capsys.readouterr().err
    assert main(["--db", db_url, "rounds", "show", "2027/1"]) == 0
    out = capsys.readouterr().out
    assert "Đang nhận hồ sơ" in out and "A: điểm ≥ 80, tối đa 5 suất, thưởng 2.000.000 đồng" in out


def test_rounds_status_and_delete(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "rounds", "create", "--year", "2026", "--number", "1"]) == 0
    assert main(["--db", db_url, "rounds", "status", "2026/1", "finalized"]) == 1
    assert "Không chuyển thẳng" in capsys.readouterr().err
    assert main(["--db", db_url, "rounds", "status", "2026/1", "scoring"]) == 0
    assert main(["--db", db_url, "rounds", "status", "2026/1", "finalized"]) == 0
    assert main(["--db", db_url, "rounds", "status", "2026/1", "scoring"]) == 1
    assert "lý do" in capsys.readouterr().err
    assert main(["--db", db_url, "rounds", "status", "2026/1", "scoring", "--reason", "Chấm lại"]) == 0
    assert "Đã chốt kết quả → Đang chấm điểm" in capsys.readouterr().out
    rules = _json(capsys, ["--db", db_url, "rounds", "rules", "--json"])
    assert isinstance(rules, list) and rules[0]["name"] == "Tam Điệp 2024"
    assert main(["--db", db_url, "rounds", "delete", "2026/1"]) == 0
    assert "Đã xóa Đợt 1 năm 2026" in capsys.readouterr().out
    assert _json(capsys, ["--db", db_url, "rounds", "list", "--json"]) == []


def test_units_import_list_merge(
    db_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Tên đơn vị", "Viết tắt", "Loại đơn vị", "Tên khác"])
    ws.append([1, "Xã Vạn Phúc", "VP", "Xã, phường", ""])
    ws.append([2, "UBND xã Vạn Phúc (cũ)", "", "", ""])
    ws.append([3, "Trường THCS Vạn Phúc", "THCS VP", "", "Trường Trung học cơ sở Vạn Phúc"])
    path = tmp_path / "don-vi.xlsx"
    wb.save(path)
    assert main(["--db", db_url, "units", "import", str(path), "--dry-run"]) == 0
    assert "Kiểm tra (chưa ghi): don-vi.xlsx: 3 đơn vị mới" in capsys.readouterr().out
    assert main(["--db", db_url, "units", "import", str(path)]) == 0
    assert "Đã nhập" in capsys.readouterr().out
    rows = _json(capsys, ["--db", db_url, "units", "list", "--json"])
    assert isinstance(rows, list) and len(rows) == 3
    types = {r["name"]: r["type_name"] for r in rows}
    assert types["Trường THCS Vạn Phúc"] == "Trường THCS"
    with db.session() as s:
        ensure_year(s, 2026)
        a = s.scalar(select(Unit).where(Unit.name == "Xã Vạn Phúc"))
        b = s.scalar(select(Unit).where(Unit.name == "UBND xã Vạn Phúc (cũ)"))
        s.add(Registration(year=2026, unit_id=b.id, title="Sáng kiến của đơn vị cũ"))
        s.add(Registration(year=2026, unit_id=a.id, title="Sáng kiến của xã"))
    assert main(["--db", db_url, "units", "merge", "Xã Vạn Phúc", "UBND xã Vạn Phúc (cũ)"]) == 0
    assert "chuyển 1 đăng ký" in capsys.readouterr().out
    with db.reading() as s:
        assert s.scalar(select(func.count(Registration.id)).where(Registration.unit_id == a.id)) == 2
        assert s.scalar(select(func.count(Unit.id))) == 2
        assert s.scalar(select(func.count(Dossier.id))) == 0
    assert main(["--db", db_url, "units", "list"]) == 0
    assert "UBND xã Vạn Phúc (cũ)" in capsys.readouterr().out  # now an alias
    assert main(["--db", db_url, "units", "types", "--set-deadline", "thcs", "30/9"]) == 0
    assert "30/09" in capsys.readouterr().out
    assert (
        main(["--db", db_url, "units", "add", "Phòng Nội vụ", "--type", "phong_ban", "--alias", "P. Nội vụ"])
        == 0
    )
    assert main(["--db", db_url, "units", "merge", "1", "999"]) == 1
    assert "Không tìm thấy đơn vị '999'" in capsys.readouterr().err


def test_units_import_errors_exit_1(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Tên đơn vị", "Loại đơn vị"])
    wb.active.append(["Xã A", "Không biết"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    assert main(["--db", db_url, "units", "import", str(path)]) == 1
    assert "Dòng 2 (Xã A): loại đơn vị 'Không biết' không có" in capsys.readouterr().err


def test_rounds_apply_round_trips_show_json(
    db_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "rounds", "create", "--year", "2026", "--number", "1"]) == 0
    capsys.readouterr()
    data = _json(capsys, ["--db", db_url, "rounds", "show", "2026/1", "--json"])
    assert isinstance(data, dict)
    data["co_author_limit"] = 3
    data["receive_until"] = "2026-04-15"
    data["checklist"].append({"name": "Bản sao bằng chứng nhận", "copies_required": 2, "required": False})
    data["rubric"][0]["name"] = "Tính mới"
    data["rules"]["bands"][0]["conditions"] = [{"position": 0, "min_points": "25"}]
    data["rules"]["effective_from"] = "2026-03-01"
    path = tmp_path / "dot.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", db_url, "rounds", "apply", "2026/1", str(path)]) == 0
    assert "Đã lưu thiết lập Đợt 1 năm 2026" in capsys.readouterr().out
    again = _json(capsys, ["--db", db_url, "rounds", "show", "2026/1", "--json"])
    assert isinstance(again, dict)
    assert again["co_author_limit"] == 3 and again["receive_until"] == "2026-04-15"
    assert again["checklist"][-1] == {
        "name": "Bản sao bằng chứng nhận",
        "copies_required": 2,
        "required": False,
    }
    assert again["rubric"][0]["name"] == "Tính mới"
    band = again["rules"]["bands"][0]
    assert band["conditions"] == [{"position": 0, "criterion": "Tính mới", "min_points": "25.00"}]
    assert again["rules"]["effective_from"] == "2026-03-01"
    # a bad value names its key and changes nothing
    path.write_text(json.dumps({"co_author_limit": "hai", "receive_until": "15/4"}), encoding="utf-8")
    assert main(["--db", db_url, "rounds", "apply", "2026/1", str(path)]) == 1
    err = capsys.readouterr().err
    assert "co_author_limit" in err and "receive_until" in err
    path.write_text("[1, 2]", encoding="utf-8")
    assert main(["--db", db_url, "rounds", "apply", "2026/1", str(path)]) == 1


def test_units_alias_and_delete(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "units", "add", "Xã Vạn Phúc"]) == 0
    assert main(["--db", db_url, "units", "alias", "Xã Vạn Phúc", "UBND Vạn Phúc"]) == 0
    assert "Đã thêm tên khác" in capsys.readouterr().out
    rows = _json(capsys, ["--db", db_url, "units", "list", "--json"])
    assert isinstance(rows, list) and rows[0]["aliases"] == ["UBND Vạn Phúc"]
    assert main(["--db", db_url, "units", "delete", "UBND Vạn Phúc"]) == 0
    assert "Đã xóa đơn vị Xã Vạn Phúc" in capsys.readouterr().out


def test_rounds_numbers_shown_edited_and_in_show(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "demo", "--dossiers", "10"]) == 0
    capsys.readouterr()
    numbers = _json(
        capsys,
        ["--db", db_url, "rounds", "numbers", "2026/1", "--decision-no", "2", "--decision-date", "05/06/2026",
         "--cap-so", "minutes", "--certificate-date", "10/06/2026", "--json"],
    )  # fmt: skip
    assert isinstance(numbers, dict)
    assert numbers["decision_no"] == "02/QĐ-UBND" and numbers["decision_date"] == "2026-06-05"
    assert numbers["minutes_no"] == "01/BB-HĐSK" and numbers["certificate_date"] == "2026-06-10"
    shown = _json(capsys, ["--db", db_url, "rounds", "show", "2026/1", "--json"])
    assert isinstance(shown, dict)
    for key in (
        "minutes_no",
        "submission_no",
        "submission_date",
        "decision_no",
        "decision_date",
        "certificate_date",
    ):
        assert key in shown
    assert shown["decision_no"] == "02/QĐ-UBND"
    assert main(["--db", db_url, "rounds", "show", "2026/1"]) == 0
    out = capsys.readouterr().out
    assert "Số quyết định: 02/QĐ-UBND" in out and "Số tờ trình: (để trống, ghi tay)" in out
    assert main(["--db", db_url, "rounds", "numbers", "2026/2", "--decision-no", "02/QĐ-UBND"]) == 1
    assert "đã là số quyết định công nhận của Đợt 1 năm 2026" in capsys.readouterr().err
    assert main(["--db", db_url, "rounds", "numbers", "2026/2", "--decision-no", "x"]) == 1
    assert "Số quyết định" in capsys.readouterr().err
