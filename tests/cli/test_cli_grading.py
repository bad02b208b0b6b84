"""``sangkien grade-sheet`` and ``sangkien grade`` and the council/assignment/score commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.services import grade_sheet as sheet_service
from tests.helpers.grading import build_round

HEADER = ["Mã hồ sơ", "Tên sáng kiến", "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


def workbook(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tổng hợp điểm"
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_grade_sheet_json_keys_rounding_and_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(
        tmp_path / "diem.xlsx",
        [
            ["HS26-001", "Sổ tay điện tử", 79.99, 80, 80],  # (79.99 + 80 + 80) / 3 = 79.99666… → 80.00
            ["HS26-002", "Bản đồ số", 79.99, 80, None],  # blank: missing, never zero
            ["HS26-003", "Mã QR", 90, 92, "-"],  # "-": the member does not score this one
            ["HS26-004", "Thư viện xanh", "75,5", 70, 71],
            ["HS26-005", "Zalo OA", 40, 45, 41],
        ],
    )
    rows = run_json(capsys, "grade-sheet", str(path), "--json")
    assert [set(r) for r in rows] == [{"code", "mean", "rank", "grade", "reward", "tie", "reason"}] * 5
    by = {r["code"]: r for r in rows}
    assert by["HS26-001"]["mean"] == "80.00" and by["HS26-001"]["grade"] == "A"
    assert by["HS26-001"]["reward"] == 2000000 and by["HS26-001"]["tie"] is False
    assert by["HS26-002"] == {
        "code": "HS26-002",
        "mean": None,
        "rank": None,
        "grade": "THIEU",
        "reward": 0,
        "tie": False,
        "reason": "Chưa xếp loại: thiếu điểm của Lê Văn Cường",
    }
    assert by["HS26-003"]["mean"] == "91.00" and by["HS26-003"]["rank"] == 1
    assert by["HS26-004"]["mean"] == "72.17" and by["HS26-004"]["grade"] == "B"
    assert by["HS26-005"]["grade"] == "KCN" and by["HS26-005"]["reward"] == 0
    assert [r["code"] for r in rows] == ["HS26-003", "HS26-001", "HS26-004", "HS26-005", "HS26-002"]


def test_grade_sheet_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path / "diem.xlsx", [["HS26-001", "Sổ tay", 85, 84, 86]])
    assert main(["grade-sheet", str(path)]) == 0
    out = capsys.readouterr().out
    assert "HS26-001: Loại A: 85,00 điểm" in out and "Nguyễn Văn An" in out
    assert "tổng tiền thưởng 2.000.000 đ" in out


def test_grade_sheet_ties_and_quota_cascade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [[f"HS26-{i:03d}", f"SK {i}", 95 - i, 95 - i, 95 - i] for i in range(1, 5)]  # 94..91
    rows += [
        ["HS26-010", "SK 10", 85, 85, 85],
        ["HS26-011", "SK 11", 85, 85, 85],
        ["HS26-012", "SK 12", 84.5, 84.5, 84.5],
    ]
    path = workbook(tmp_path / "diem.xlsx", rows)
    by = {r["code"]: r for r in run_json(capsys, "grade-sheet", str(path), "--json")}
    assert by["HS26-010"]["tie"] and by["HS26-011"]["tie"] and by["HS26-010"]["grade"] == "A"
    assert by["HS26-012"]["grade"] == "B" and not by["HS26-012"]["tie"]
    assert by["HS26-012"]["reason"] == "Loại B: 84,50 điểm, đủ điểm loại A nhưng đã đủ 5 suất loại A"


def test_grade_sheet_with_rules_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        tmp_path / "diem.xlsx",
        [["HS26-001", "a", 88, 88, 88], ["HS26-002", "b", 86, 86, 86], ["HS26-003", "c", 55.5, 55.5, 55.5]],
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(
        """
name = "Quy tắc thử"
decimals = 1
certificate_threshold = 60
tie_policy = "council"

[[bands]]
code = "A"
label = "Loại A"
min_mean = 85
quota = 1
amount = 3000000

[[bands]]
code = "B"
min_mean = 75
amount = 1500000
""",
        encoding="utf-8",
    )
    by = {r["code"]: r for r in run_json(capsys, "grade-sheet", str(path), "--rules", str(rules), "--json")}
    assert by["HS26-001"]["mean"] == "88.0" and by["HS26-001"]["reward"] == 3000000
    assert by["HS26-002"]["grade"] == "B" and by["HS26-002"]["reward"] == 1500000
    assert by["HS26-003"]["grade"] == "KCN"


def test_grade_sheet_rules_synonyms_and_blank_skip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(
        tmp_path / "diem.xlsx", [["HS26-001", "a", 90, None, 80], ["HS26-002", "b", None, None, None]]
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(
        """
certificate = 50
blank = "skip"

[bands.A]
threshold = 85
limit = 2
reward = "2.000.000"

[bands.B]
threshold = 70
reward = 1000000
""",
        encoding="utf-8",
    )
    by = {r["code"]: r for r in run_json(capsys, "grade-sheet", str(path), "--rules", str(rules), "--json")}
    assert by["HS26-001"]["mean"] == "85.00" and by["HS26-001"]["grade"] == "A"
    assert by["HS26-001"]["reward"] == 2000000
    assert by["HS26-002"]["grade"] == "THIEU"
    assert by["HS26-002"]["reason"] == "Chưa xếp loại: không thành viên nào chấm hồ sơ này"


def test_grade_sheet_errors_name_the_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        tmp_path / "diem.xlsx", [["HS26-001", "a", 105, 80, 80], ["HS26-002", "b", "tám", 80, 80]]
    )
    assert main(["grade-sheet", str(path), "--json"]) == 1
    err = capsys.readouterr().err
    assert "Ô C2 (Nguyễn Văn An, hồ sơ HS26-001): 105 nằm ngoài 0..100 điểm" in err
    assert "Ô C3" in err and "không phải là số điểm" in err
    no_header = workbook(tmp_path / "sai.xlsx", [["x"]], header=["STT", "Tên"])
    assert main(["grade-sheet", str(no_header)]) == 1
    assert "Mã hồ sơ" in capsys.readouterr().err
    bad_rules = tmp_path / "bad.toml"
    bad_rules.write_text('decimal = 2\n[[bands]]\ncode = "A"\nmin_mean = 80\n', encoding="utf-8")
    assert main(["grade-sheet", str(path), "--rules", str(bad_rules)]) == 1
    assert "không có mục “decimal”" in capsys.readouterr().err
    assert main(["grade-sheet", str(tmp_path / "khong-co.xlsx")]) == 1
    assert "Không tìm thấy tệp" in capsys.readouterr().err


def test_sheet_ignores_computed_columns_and_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "diem.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BẢNG TỔNG HỢP ĐIỂM"])
    ws.append([])
    ws.append(
        ["Mã hồ sơ", "Tên sáng kiến", "Tống Văn Dũng", "Hàng Thị Mai", "Điểm TB", "Xếp loại", "Ghi chú"]
    )
    ws.append(["HS26-001", "a", 80, 90, 85, "A", ""])
    wb.save(path)
    data = sheet_service.read_score_sheet(path)
    assert data.members == ["Tống Văn Dũng", "Hàng Thị Mai"]
    assert data.ignored_columns == ["Điểm TB", "Xếp loại", "Ghi chú"]


def test_rules_toml_round_trip() -> None:
    from sangkien_desktop.services.grading import default_rules

    text = sheet_service.rules_to_toml(default_rules())
    parsed = sheet_service.parse_rules_toml(text)
    assert parsed.rules.bands == default_rules().bands
    assert parsed.rules.certificate_threshold == 50 and parsed.options.blank_missing


# ---------------------------------------------------------------------------------------------- database
def test_grade_on_database_matches_grade_sheet_format(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_round(db, dossiers=3, members=2)
    for dossier, points in (("HS26-101", ["30", "25", "30", "10"]), ("HS26-102", ["20", "20", "20", "10"])):
        for member in ("1", "Thành Viên B"):
            assert (
                main(
                    [
                        "--db",
                        db_url,
                        "score",
                        "set",
                        "--round",
                        "2026/1",
                        "--member",
                        member,
                        "--dossier",
                        dossier,
                        *points,
                    ]
                )
                == 0
            )
    capsys.readouterr()
    rows = run_json(capsys, "--db", db_url, "grade", "--round", "2026/1", "--json")
    assert [set(r) for r in rows] == [{"code", "mean", "rank", "grade", "reward", "tie", "reason"}] * 3
    assert [(r["code"], r["mean"], r["grade"]) for r in rows] == [
        ("HS26-101", "95.00", "A"),
        ("HS26-102", "70.00", "B"),
        ("HS26-103", None, "THIEU"),
    ]
    # nothing saved without --apply
    assert main(["--db", db_url, "grade", "--round", "2026/1", "--apply"]) == 0
    assert "Đã lưu kết quả xếp loại" in capsys.readouterr().out


def test_score_set_refuses_out_of_range(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_round(db, dossiers=1, members=1)
    assert (
        main(
            [
                "--db",
                db_url,
                "score",
                "set",
                "--round",
                "2026/1",
                "--member",
                "1",
                "--dossier",
                "HS26-101",
                "31",
            ]
        )
        == 1
    )
    assert "tối đa là 30 (đã nhập 31)" in capsys.readouterr().err
    assert (
        main(
            ["--db", db_url, "score", "set", "--round", "2026/1", "--member", "1", "--dossier", "101", "8,5"]
        )
        == 0
    )
    assert "tổng chưa đủ tiêu chí" in capsys.readouterr().out
    sheet = run_json(capsys, "--db", db_url, "score", "sheet", "--round", "2026/1", "--member", "1", "--json")
    assert sheet["rows"][0]["points"][:2] == ["8.50", None]
    missing = run_json(capsys, "--db", db_url, "score", "missing", "--round", "2026/1", "--json")
    assert missing[0]["criteria"] == [
        "Khả năng áp dụng, nhân rộng",
        "Hiệu quả, lợi ích thiết thực",
        "Phạm vi ảnh hưởng",
    ]


def test_council_and_assign_commands(db: Database, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    build_round(db, dossiers=4, members=2, assign=False)
    assert (
        main(
            [
                "--db",
                db_url,
                "council",
                "add",
                "--round",
                "2026/1",
                "--name",
                "Phạm Thu Hà",
                "--role",
                "Ủy viên thư ký",
                "--unit",
                "Đơn vị 1-1",
                "--expertise",
                "Y tế",
            ]
        )
        == 0
    )
    members = run_json(capsys, "--db", db_url, "council", "list", "--round", "2026/1", "--json")["members"]
    assert [m["role"] for m in members] == ["chu_tich", "uy_vien", "uy_vien_thu_ky"]
    assert members[2]["unit"] == "Đơn vị 1-1"
    assert (
        main(["--db", db_url, "council", "add", "--round", "2026/1", "--name", "X", "--role", "chu tich"])
        == 1
    )
    assert "đã có Chủ tịch" in capsys.readouterr().err
    plan = run_json(
        capsys, "--db", db_url, "assign", "auto", "--round", "2026/1", "--k", "2", "--dry-run", "--json"
    )
    assert len(plan["pairs"]) == 8 and not plan["applied"]
    assert all(not (p["code"] == "HS26-101" and p["member"] == "Phạm Thu Hà") for p in plan["pairs"])
    grid = run_json(capsys, "--db", db_url, "assign", "list", "--round", "2026/1", "--json")
    assert all(g["members"] == [] for g in grid)
    assert grid[0]["conflicts"] == ["Phạm Thu Hà"]
    assert main(["--db", db_url, "assign", "auto", "--round", "2026/1", "--k", "2"]) == 0
    grid = run_json(capsys, "--db", db_url, "assign", "list", "--round", "2026/1", "--json")
    assert all(len(g["members"]) == 2 for g in grid)
    assert (
        main(["--db", db_url, "assign", "set", "--round", "2026/1", "--dossier", "HS26-101", "--member", "3"])
        == 1
    )
    assert "cùng đơn vị" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                db_url,
                "assign",
                "set",
                "--round",
                "2026/1",
                "--dossier",
                "HS26-101",
                "--member",
                "3",
                "--override",
                "Thiếu người",
            ]
        )
        == 0
    )
    conflicts = run_json(capsys, "--db", db_url, "council", "conflicts", "--round", "2026/1", "--json")
    assert conflicts[0]["assigned"] and conflicts[0]["override"] == "Thiếu người"
    assert (
        main(
            [
                "--db",
                db_url,
                "council",
                "settings",
                "--round",
                "2026/1",
                "--k",
                "2",
                "--double-entry",
                "on",
                "--quorum",
                "2",
            ]
        )
        == 0
    )
    settings = run_json(capsys, "--db", db_url, "council", "settings", "--round", "2026/1", "--json")
    assert settings == {
        "quorum": 2,
        "members_per_dossier": 2,
        "score_spread_limit": "20.00",
        "double_entry": True,
        "approval": "2/3",
        "votes_required": False,
    }
    assert (
        main(
            [
                "--db",
                db_url,
                "council",
                "vote",
                "--round",
                "2026/1",
                "--dossier",
                "HS26-101",
                "--present",
                "3",
                "--for",
                "2",
                "--against",
                "1",
            ]
        )
        == 0
    )
    assert "2/3 tán thành" in capsys.readouterr().out
    assert (
        main(["--db", db_url, "rubric", "set", "--round", "2026/1", "--criterion", "4", "--max", "20"]) == 0
    )
    rubric = run_json(capsys, "--db", db_url, "rubric", "show", "--round", "2026/1", "--json")
    assert rubric[3]["max"] == "20.00"
    assert main(["--db", db_url, "grade-rules", "--round", "2026/1"]) == 0
    assert 'code = "A"' in capsys.readouterr().out


def test_grade_rules_template_and_set(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_round(db, dossiers=1, members=1)
    assert main(["grade-rules"]) == 0
    template = capsys.readouterr().out
    path = tmp_path / "r.toml"
    path.write_text(
        template.replace("quota = 5", "quota = 3\nconditions = [{ criterion = 1, min = 25 }]"),
        encoding="utf-8",
    )
    assert main(["--db", db_url, "grade-rules", "--round", "2026/1", "--set", str(path)]) == 0
    assert "A ≥ 80 × 3 (2.000.000 đ), Tính mới, tính sáng tạo ≥ 25" in capsys.readouterr().out
    assert main(["--db", db_url, "grade-rules", "--round", "2026/1"]) == 0
    assert 'conditions = [{ criterion = "Tính mới, tính sáng tạo", min = 25 }]' in capsys.readouterr().out
