"""``sangkien export DOC --round R -o OUT`` for every document, ``import scores``, ``certificates …``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Round
from sangkien_desktop.services.documents import catalog
from tests.services.documents.conftest import docx_text, needs_pdftotext, pdf_text
from tests.services.documents.grading import grade_demo

EXPECT = {
    "score-sheets": "PHIẾU CHẤM ĐIỂM SÁNG KIẾN",
    "score-summary": "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM SÁNG KIẾN",
    "minutes": "BIÊN BẢN",
    "submission": "TỜ TRÌNH",
    "decision": "QUYẾT ĐỊNH",
    "certificates": "GIẤY CHỨNG NHẬN SÁNG KIẾN",
    "certificate-calibration": "TRANG CĂN CHỈNH",
    "certificate-register": "SỔ CẤP GIẤY CHỨNG NHẬN SÁNG KIẾN NĂM 2026",
    "dost": "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN ĐỢT 1 NĂM 2026",  # --round: that round only
    "year-report": "TỔNG KẾT CÔNG TÁC SÁNG KIẾN",
    "person-history": "DANH SÁCH CÁ NHÂN CÓ SÁNG KIẾN ĐƯỢC CÔNG NHẬN",
}
CASES = [(spec.key, fmt) for spec in catalog.CATALOG for fmt in spec.formats]


@pytest.fixture
def graded_url(demo_db: Database) -> str:
    grade_demo(demo_db)
    return demo_db.url.render_as_string(hide_password=False)


def _xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return " ".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    )


@needs_pdftotext
def test_every_document_exports(graded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert {k for k, _ in CASES} == set(EXPECT)
    for key, fmt in CASES:
        out = tmp_path / f"{key}.{fmt}"
        assert main(["--db", graded_url, "export", key, "--round", "2026/1", "-o", str(out)]) == 0, key
        printed = capsys.readouterr().out
        assert "Đã ghi" in printed and str(out) in printed
        data = out.read_bytes()
        if fmt == "pdf":
            text = pdf_text(data, tmp_path)
        elif fmt == "docx":
            text = docx_text(data)
        else:
            text = _xlsx_text(data)
        assert EXPECT[key].upper() in text.upper(), (key, fmt)
        assert "Tam Điệp" in text or key in {"certificate-calibration"}, (key, fmt)
    assert not list(tmp_path.glob(".sangkien-*"))  # no temporary files left behind
    year = tmp_path / "nam.xlsx"
    assert main(["--db", graded_url, "export", "dost", "--year", "2026", "-o", str(year)]) == 0
    assert "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM 2026" in _xlsx_text(year.read_bytes())


def test_certificates_export_numbers_them(
    graded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gcn.pdf"
    assert main(["--db", graded_url, "export", "certificates", "--round", "2026/1", "-o", str(out)]) == 0
    assert "Đã cấp" in capsys.readouterr().out
    assert main(["--db", graded_url, "certificates", "list", "--round", "2026/1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and [r["register_no"] for r in rows] == [f"{i:03d}/2026" for i in range(1, len(rows) + 1)]
    assert main(["--db", graded_url, "certificates", "allocate", "--round", "2026/1"]) == 0
    assert "đã đầy đủ" in capsys.readouterr().out
    one = tmp_path / "mot.pdf"
    code = rows[0]["dossier"]
    assert main(["--db", graded_url, "export", "certificates", "--round", "2026/1", "--dossier", code, "--phoi",
                 "-o", str(one)]) == 0  # fmt: skip


def test_wrong_extension_and_missing_round(
    graded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--db", graded_url, "export", "minutes", "--round", "2026/1", "-o", str(tmp_path / "x.xlsx")])
        == 1
    )
    err = capsys.readouterr().err
    assert "Lỗi:" in err and ".pdf" in err and ".docx" in err
    assert (
        main(["--db", graded_url, "export", "decision", "--round", "2031/4", "-o", str(tmp_path / "x.pdf")])
        == 1
    )
    assert "Không tìm thấy đợt" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_import_scores_cli(demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = demo_db.url.render_as_string(hide_password=False)
    sheet = tmp_path / "phieu.xlsx"
    assert (
        main(
            ["--db", url, "export", "score-sheets", "--round", "2026/1", "--member", "TV02", "-o", str(sheet)]
        )
        == 0
    )
    capsys.readouterr()
    wb = openpyxl.load_workbook(sheet)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 40) if ws.cell(row=r, column=2).value == "Mã hồ sơ")
    for c, v in enumerate([30, 25, 30, 15]):
        ws.cell(row=header + 1, column=6 + c).value = v
    ws.cell(row=header + 2, column=6).value = 31
    for c in range(1, 4):
        ws.cell(row=header + 2, column=6 + c).value = 1
    wb.save(sheet)
    assert main(["--db", url, "import", "scores", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert f"ô F{header + 2}" in err and "0 – 30" in err
    ws.cell(row=header + 2, column=6).value = 30
    wb.save(sheet)
    assert main(["--db", url, "import", "scores", str(sheet), "--dry-run"]) == 0
    assert "Kiểm tra xong" in capsys.readouterr().out
    assert main(["--db", url, "import", "scores", str(sheet)]) == 0
    assert "Đã nhập" in capsys.readouterr().out


def test_offsets_cli(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["--db", db_url, "certificates", "offsets", "--set", "name=1,5;-2", "--set", "page=0;1", "--json"]
        )
        == 0
    )
    out = capsys.readouterr().out
    rows = {r["field"]: (r["dx"], r["dy"]) for r in json.loads(out[out.index("[") :])}
    assert rows["name"] == (1.5, -2.0) and rows["page"] == (0.0, 1.0)
    assert main(["--db", db_url, "certificates", "offsets", "--set", "bogus=1;1"]) == 1
    assert "Không có ô" in capsys.readouterr().err
    assert main(["--db", db_url, "certificates", "offsets", "--reset", "--json"]) == 0
    out = capsys.readouterr().out
    assert all(r["dx"] == 0 and r["dy"] == 0 for r in json.loads(out[out.index("[") :]))


@needs_pdftotext
def test_document_numbers(
    graded_url: str, demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bb.pdf"
    assert (
        main(["--db", graded_url, "export", "minutes", "--round", "2026/1", "--so", "7", "-o", str(out)]) == 0
    )
    assert "Số: 07/BB-HĐSK" in pdf_text(out.read_bytes(), tmp_path)
    capsys.readouterr()
    # a number given once sticks: printed again without --so, in every format
    assert main(["--db", graded_url, "export", "minutes", "--round", "2026/1", "-o", str(out)]) == 0
    assert "Số: 07/BB-HĐSK" in pdf_text(out.read_bytes(), tmp_path)
    assert "Số: 07/BB-HĐSK" in docx_text(_export(graded_url, "minutes", tmp_path / "bb.docx"))
    out = tmp_path / "ttr.pdf"
    for said in ("Đã cấp số 01/TTr-HĐSK", "đã có số tờ trình 01/TTr-HĐSK: không cấp số mới"):
        assert (
            main(
                ["--db", graded_url, "export", "submission", "--round", "2026/1", "--cap-so", "-o", str(out)]
            )
            == 0
        )
        assert said in capsys.readouterr().out
        assert "Số: 01/TTr-HĐSK" in pdf_text(out.read_bytes(), tmp_path)
    # a decision number is written into its round, spelled as printed; a round that has one keeps it
    out = tmp_path / "qd2.pdf"
    assert (
        main(["--db", graded_url, "export", "decision", "--round", "2026/2", "--cap-so", "-o", str(out)]) == 0
    )
    assert "Đã cấp số 01/QĐ-UBND cho quyết định công nhận Đợt 2 năm 2026" in capsys.readouterr().out
    assert "Số: 01/QĐ-UBND" in pdf_text(out.read_bytes(), tmp_path)
    with demo_db.reading() as session:
        assert session.scalar(select(Round.decision_no).where(Round.number == 2)) == "01/QĐ-UBND"
    assert (
        main(["--db", graded_url, "export", "decision", "--round", "2026/1", "--cap-so", "-o", str(out)]) == 0
    )
    assert "đã có số quyết định công nhận 15/QĐ-UBND" in capsys.readouterr().out
    assert "Số: 15/QĐ-UBND" in pdf_text(out.read_bytes(), tmp_path)


def _export(url: str, key: str, out: Path, *extra: str) -> bytes:
    assert main(["--db", url, "export", key, "--round", "2026/1", *extra, "-o", str(out)]) == 0
    return out.read_bytes()
