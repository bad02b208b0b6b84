"""The registration commands of ``sangkien``: import, export, search, registrations list/add/edit/…"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.models import AuditEntry, Registration
from sangkien_desktop.services import demo
from tests.helpers.registration_files import SAMPLE_ROWS, write_docx, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_url(demo_db: Database) -> str:
    return demo_db.url.render_as_string(hide_password=False)


def count(db: Database, model: type = Registration) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(model.id))) or 0


def test_import_xlsx_and_docx(
    demo_db: Database, demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = count(demo_db)
    path = write_xlsx(tmp_path / "bac-son.xlsx", year=2025)
    code = main(
        [
            "--db",
            demo_url,
            "import",
            "registrations",
            str(path),
            "--year",
            "2025",
            "--received-on",
            "01/09/2025",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Đã nhập 3 đăng ký năm 2025 từ tệp bac-son.xlsx (3 mới)." in out
    assert count(demo_db) == before + 3
    other = [dict(r, **{form.TITLE: r[form.TITLE] + " lần 2"}) for r in SAMPLE_ROWS]
    docx = write_docx(tmp_path / "nam-son.docx", other, year=2025, unit_line="ĐƠN VỊ: Trường THCS Nam Sơn")
    assert main(["import", "registrations", str(docx), "--year", "2025", "--db", demo_url]) == 0
    assert count(demo_db) == before + 6


def test_broken_file_refused_row_by_row(
    demo_db: Database, demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [dict(r) for r in SAMPLE_ROWS]
    rows[0][form.AUTHORS] = ""
    rows[2][form.TITLE] = ""
    path = write_xlsx(tmp_path / "hong.xlsx", rows, year=2025)
    before = (count(demo_db), count(demo_db, AuditEntry))
    code = main(["--db", demo_url, "import", "registrations", str(path), "--year", "2025"])
    err = capsys.readouterr().err
    assert code == 1
    assert "chưa nhập được, cơ sở dữ liệu không thay đổi. 2 lỗi:" in err
    assert "Dòng 9 (TT 1), cột Tác giả: Thiếu tác giả" in err
    assert "Dòng 11 (TT 3), cột Tên sáng kiến: Thiếu tên sáng kiến." in err
    assert (count(demo_db), count(demo_db, AuditEntry)) == before


def test_dry_run_and_json(
    demo_db: Database, demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "bac-son.xlsx", year=2025)
    before = count(demo_db)
    assert main(["--db", demo_url, "import", "registrations", str(path), "--year", "2025", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "không ghi gì" in out and "3 dòng đăng ký (3 mới)" in out
    assert (
        main(
            ["--db", demo_url, "import", "registrations", str(path), "--year", "2025", "--dry-run", "--json"]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["dry_run"] and report["unit"] == "Trường THCS Bắc Sơn"
    assert report["columns"][form.TITLE] == "Tên sáng kiến"
    assert [r["values"][form.TITLE] for r in report["rows"]] == [r[form.TITLE] for r in SAMPLE_ROWS]
    assert count(demo_db) == before
    assert main(["--db", demo_url, "import", "registrations", str(path), "--year", "2025", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["imported"] and done["created"] == 3 and len(done["ids"]) == 3


def test_unknown_unit_needs_create_units(
    demo_db: Database, demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [dict(r, **{form.APPLIED_UNIT: ""}) for r in SAMPLE_ROWS]  # the letterhead names the unit
    path = write_xlsx(tmp_path / "moi.xlsx", rows, year=2025, unit_line="ĐƠN VỊ: Trường Mầm non Hoa Sen")
    assert main(["--db", demo_url, "import", "registrations", str(path), "--year", "2025"]) == 1
    err = capsys.readouterr().err
    assert "Trường Mầm non Hoa Sen" in err and "--create-units" in err
    args = ["--db", demo_url, "import", "registrations", str(path), "--year", "2025", "--create-units"]
    assert main(args) == 0
    assert "thêm đơn vị: Trường Mầm non Hoa Sen" in capsys.readouterr().out
    assert (
        main(["--db", demo_url, "import", "registrations", str(path), "--year", "2026", "--unit", "Không Có"])
        == 1
    )
    assert "Lỗi: Không có đơn vị 'Không Có'" in capsys.readouterr().err


def test_export_pdf_and_xlsx(demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "all.pdf"
    assert main(["--db", demo_url, "export", "registrations", "--year", "2026", "-o", str(pdf)]) == 0
    assert "(75 sáng kiến)" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "bac-son.xlsx"
    args = [
        "--db",
        demo_url,
        "export",
        "registrations",
        "--year",
        "2026",
        "--unit",
        "THCS Bắc Sơn",
        "-o",
        str(xlsx),
    ]
    assert main(args) == 0
    assert xlsx.read_bytes().startswith(b"PK")
    assert (
        main(["--db", demo_url, "export", "registrations", "--year", "2026", "-o", str(tmp_path / "x.doc")])
        == 1
    )
    assert "đuôi .pdf hoặc .xlsx" in capsys.readouterr().err


def test_search(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", demo_url, "search", "doi", "moi", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and set(hits[0]) == {
        "kind",
        "id",
        "year",
        "unit",
        "title",
        "authors",
        "grade",
        "code",
        "score",
    }
    assert any(h["title"].startswith("Đổi mới") for h in hits)
    assert main(["--db", demo_url, "search", "doi moi"]) == 0
    assert "Đổi mới" in capsys.readouterr().out
    assert main(["--db", demo_url, "search", "khongcodau xyz"]) == 0
    assert "Không tìm thấy" in capsys.readouterr().out


def test_registrations_commands(demo_db: Database, demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", demo_url, "registrations", "list", "--year", "2026", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 75 and {"id", "unit_name", "title", "authors_text", "dossiers"} <= set(rows[0])
    add = [
        "--db", demo_url, "registrations", "add", "--year", "2027", "--unit", "Phòng Kinh tế",
        "--title", "Ứng dụng Zalo OA trong tuyên truyền, phổ biến pháp luật đến tổ dân phố",
        "--authors", "Lê Thị Hoa, Trần Văn Bình", "--registered-on", "01/03/2027", "--json",
    ]  # fmt: skip
    assert main(add) == 0
    reg_id = json.loads(capsys.readouterr().out)["id"]
    assert main(["--db", demo_url, "registrations", "edit", str(reg_id), "--scope", "Toàn phường"]) == 0
    capsys.readouterr()
    assert main(["--db", demo_url, "registrations", "list", "--year", "2027", "--unit", "Phòng Kinh tế"]) == 0
    assert "Ứng dụng Zalo OA" in capsys.readouterr().out
    assert main(["--db", demo_url, "registrations", "duplicates", "--year", "2027", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report and report[0]["id"] == reg_id and report[0]["matches"][0]["year"] == 2026
    assert (
        main(["--db", demo_url, "registrations", "not-duplicate", str(reg_id), "--note", "Khác nội dung"])
        == 0
    )
    capsys.readouterr()
    assert main(["--db", demo_url, "registrations", "duplicates", "--year", "2027"]) == 0
    assert "Không có đăng ký nào năm 2027" in capsys.readouterr().out
    assert main(["--db", demo_url, "registrations", "delete", str(reg_id)]) == 0
    assert "Đã xóa đăng ký" in capsys.readouterr().out
    assert main(["--db", demo_url, "registrations", "add", "--year", "2027", "--unit", "Phòng Kinh tế",
                 "--title", "", "--authors", "A"]) == 1  # fmt: skip
    assert "Thiếu tên sáng kiến" in capsys.readouterr().err


def test_subprocess_exit_codes(tmp_path: Path) -> None:
    """The real command: exit 0 with a summary, non-zero with the rows' problems."""
    db_path = tmp_path / "sk.db"
    database = Database.open(db_path)
    demo.create_demo(database, seed=1, dossiers=5)
    database.dispose()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    good = write_xlsx(tmp_path / "ok.xlsx", year=2025)
    run = subprocess.run(
        [sys.executable, "-m", "sangkien_desktop", "--db", str(db_path), "import", "registrations", str(good), "--year", "2025"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Đã nhập 3 đăng ký" in run.stdout
    rows = [dict(r) for r in SAMPLE_ROWS]
    rows[1][form.TITLE] = ""
    bad = write_xlsx(tmp_path / "bad.xlsx", rows, year=2025)
    run = subprocess.run(
        [sys.executable, "-m", "sangkien_desktop", "--db", str(db_path), "import", "registrations", str(bad), "--year", "2026"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Dòng 10 (TT 2), cột Tên sáng kiến: Thiếu tên sáng kiến." in run.stderr
