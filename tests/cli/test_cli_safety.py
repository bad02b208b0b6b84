"""``sangkien backup / restore / check / rounds finalize|reopen|archive|verify-archive / audit list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.services import stats


@pytest.fixture
def demo_url(demo_db: Database) -> str:
    return demo_db.url.render_as_string(hide_password=False)


def test_check_passes_on_demo_data(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", demo_url, "check"]) == 0
    out = capsys.readouterr().out
    assert "Chuỗi mã băm của nhật ký thay đổi" in out and "cơ sở dữ liệu tốt" in out
    assert main(["--db", demo_url, "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["errors"] == 0


def test_editing_an_audit_row_makes_check_fail_naming_the_row(
    demo_db: Database, demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = 'Sửa cài đặt: không có gì' WHERE id = 4"))
    assert main(["--db", demo_url, "check"]) == 1
    captured = capsys.readouterr()
    assert "LỖI: Nhật ký dòng 4" in captured.out and "đã bị sửa sau khi ghi" in captured.out
    assert "có 1 lỗi" in captured.err
    assert main(["--db", demo_url, "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(p["rule"], p["table"], p["row_id"]) for p in report["problems"]] == [
        ("audit_chain", "audit_log", 4)
    ]


def test_backup_and_restore_commands(
    demo_db: Database, demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "ban sao.db"
    assert main(["--db", demo_url, "backup", "-o", str(out_file)]) == 0
    assert str(out_file) in capsys.readouterr().out
    assert main(["--db", demo_url, "backup"]) == 0
    assert "Đã sao lưu vào" in capsys.readouterr().out
    assert main(["--db", demo_url, "backup", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and listed[0]["kind"] == "thu-cong"

    with demo_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM votes"))
    assert main(["--db", demo_url, "restore", str(out_file), "--preview"]) == 0
    out = capsys.readouterr().out
    assert "Bản sao lưu chứa:" in out and "Hồ sơ: 60" in out
    assert main(["--db", demo_url, "restore", str(out_file)]) == 1  # not a terminal and no --yes
    assert "--yes" in capsys.readouterr().err
    assert main(["--db", demo_url, "restore", str(out_file), "--yes", "--json"]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["safety_copy"] and Path(restored["safety_copy"]).is_file()
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM votes")).scalar() == 40
    assert stats.get_stats(demo_db).dossiers == 60


def test_restore_of_a_bad_file_is_a_clear_error(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "x.db"
    bad.write_text("không phải", encoding="utf-8")
    assert main(["--db", demo_url, "restore", str(bad), "--yes"]) == 1
    assert "Lỗi: Tệp x.db không phải" in capsys.readouterr().err


def test_finalize_reopen_and_audit_list(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive_dir = tmp_path / "luu tru"
    assert (
        main(
            [
                "--db",
                demo_url,
                "rounds",
                "finalize",
                "--round",
                "2026/1",
                "--decision-no",
                "15/QĐ-HĐSK",
                "--decision-date",
                "25/05/2026",
                "--archive-dir",
                str(archive_dir),
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    folder = Path(result["archive"])
    assert folder.parent == archive_dir and "SHA256SUMS" not in result["files"]
    assert main(["--db", demo_url, "rounds", "verify-archive", str(folder)]) == 0
    assert "khớp" in capsys.readouterr().out
    (folder / "DOC-TOI.txt").write_text("sửa", encoding="utf-8")
    assert main(["--db", demo_url, "rounds", "verify-archive", str(folder)]) == 1
    assert "DOC-TOI.txt đã bị thay đổi" in capsys.readouterr().out

    assert main(["--db", demo_url, "rounds", "list", "--json"]) == 0
    statuses = {r["number"]: r["status"] for r in json.loads(capsys.readouterr().out)}
    assert statuses[1] == "finalized" and statuses[2] != "finalized"
    assert main(["--db", demo_url, "rounds", "finalize", "--round", "2026/1", "--no-archive"]) == 1
    assert "đã được chốt" in capsys.readouterr().err

    assert main(["--db", demo_url, "rounds", "reopen", "--round", "2026/1", "--reason", "ngắn"]) == 1
    assert "lý do" in capsys.readouterr().err
    assert (
        main(["--db", demo_url, "rounds", "reopen", "--round", "2026/1", "--reason", "Sửa điểm nhập nhầm"])
        == 0
    )
    assert "Đã mở lại Đợt 1 năm 2026" in capsys.readouterr().out

    assert main(["--db", demo_url, "audit", "list", "--entity", "round", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in entries[:3]] == ["reopen", "archive", "finalize"]
    assert entries[0]["new"]["reason"] == "Sửa điểm nhập nhầm"
    assert main(["--db", demo_url, "audit", "list", "--action", "reopen"]) == 0
    out = capsys.readouterr().out
    assert "Mở lại đợt" in out and "Sửa điểm nhập nhầm" in out
    assert main(["--db", demo_url, "audit", "list", "--user", "không-ai"]) == 0
    assert "Không có dòng nhật ký nào" in capsys.readouterr().out

    assert (
        main(["--db", demo_url, "rounds", "archive", "--round", "2026/1", "--archive-dir", str(archive_dir)])
        == 0
    )
    assert "Đã ghi thư mục lưu trữ" in capsys.readouterr().out
    assert len([p for p in archive_dir.iterdir() if p.is_dir()]) == 2


def test_rounds_status_finalized_also_writes_the_archive(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sangkien_desktop.services import finalize

    assert main(["--db", demo_url, "rounds", "status", "2026/1", "finalized"]) == 0
    out = capsys.readouterr().out
    assert "Hồ sơ lưu trữ:" in out
    folder = Path(out.split("Hồ sơ lưu trữ: ")[1].splitlines()[0])
    assert finalize.verify_archive(folder) == []
    # the setup area's status command and this area's reopen share the lifecycle table
    assert (
        main(["--db", demo_url, "rounds", "reopen", "--round", "2026/1", "--reason", "Sửa điểm nhập sai"])
        == 0
    )
    assert main(["--db", demo_url, "rounds", "status", "2026/1", "open"]) == 0
    capsys.readouterr()
    assert main(["--db", demo_url, "rounds", "finalize", "--round", "2026/1", "--no-archive"]) == 1
    assert "Không chuyển thẳng" in capsys.readouterr().err
