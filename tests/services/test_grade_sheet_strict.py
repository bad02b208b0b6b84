"""``grade-sheet`` never drops a score (issue 14 §4): every refusal names the cell."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sangkien_desktop.cli import main
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.services import grade_sheet as sheet_service
from sangkien_desktop.services.safe_files import FileRejected

HEADER = ["Mã hồ sơ", "Tên sáng kiến", "An", "Bình"]


def workbook(path: Path, rows: list[list[Any]], header: list[Any] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Điểm"
    ws.append(header if header is not None else HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def refusal(path: Path) -> str:
    with pytest.raises((ValidationError, FileRejected)) as info:
        sheet_service.read_score_sheet(path)
    return str(info.value)


def test_a_value_under_an_empty_header_is_refused(tmp_path: Path) -> None:
    # 60 | (no header) 90 | 99: reading only the named columns would give 79,50 instead of 83,00
    path = workbook(
        tmp_path / "a.xlsx", [["HS1", "a", 60, 90, 99]], ["Mã hồ sơ", "Tên sáng kiến", "An", None, "Cường"]
    )
    message = refusal(path)
    assert "Ô D1: cột D không có tiêu đề nhưng có giá trị (ô D2 = 90)" in message


def test_a_value_right_of_the_last_header_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [["HS1", "a", 60, 99, 90]])
    assert "Ô E1: cột E không có tiêu đề nhưng có giá trị (ô E2 = 90)" in refusal(path)


@pytest.mark.parametrize("typed", ["1.000", "1,000", "85.500"])
def test_grouped_digits_typed_as_text_are_ambiguous(tmp_path: Path, typed: str) -> None:
    path = workbook(tmp_path / "a.xlsx", [["HS1", "a", typed, 80]])
    message = refusal(path)
    assert f"Ô C2 (An, hồ sơ HS1): “{typed}” gõ dạng chữ, không rõ là số nghìn hay số thập phân" in message


def test_codes_differing_only_in_case_or_spaces_are_duplicates(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [["HS1", "a", 80, 80], ["hs1 ", "b", 70, 70]])
    assert "Ô A3: mã hồ sơ hs1 trùng với dòng 2" in refusal(path)


def test_a_header_only_sheet_is_an_error(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [])
    assert "không có hồ sơ nào dưới dòng tiêu đề (dòng 1)" in refusal(path)


def test_a_formula_without_a_cached_value_names_the_cell(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [["HS1", "a", "=40+45", 80], ["HS2", "b", 70, 70]])
    message = refusal(path)  # openpyxl writes formulas without results, like many programs other than Excel
    assert "Ô C2 (An, hồ sơ HS1): ô có công thức nhưng tệp không lưu kết quả tính" in message
    assert "mở tệp bằng Excel rồi lưu lại" in message


def test_a_zip_that_is_no_workbook_and_a_folder_get_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    message = refusal(path)
    assert "là một tệp nén nhưng không phải bảng tính Excel (.xlsx)" in message
    assert "KeyError" not in message
    assert "là một thư mục, không phải tệp Excel" in refusal(tmp_path)


def test_cli_prints_the_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path / "a.xlsx", [["HS1", "a", 60, 99, 90]])
    assert main(["grade-sheet", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Lỗi: Bảng điểm a.xlsx có lỗi, chưa xếp loại" in captured.err
    assert main(["grade-sheet", str(tmp_path)]) == 1
    assert "là một thư mục" in capsys.readouterr().err


def test_good_sheet_still_grades(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "a.xlsx", [["HS1", "a", 60, 99], ["HS2", "b", "85,5", "-"], ["HS3", "c", None, 70]]
    )
    result = sheet_service.grade_sheet(path)
    by = result.grading.by_code()
    assert str(by["HS1"].mean) == "79.50" and str(by["HS2"].mean) == "85.50" and by["HS3"].grade == "THIEU"


def test_json_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    """``sangkien … --json | head``: the reader stops early; no BrokenPipeError traceback."""
    rows = [[f"HS{i}", "Sáng kiến " * 20, 80, 81] for i in range(1, 1500)]
    path = workbook(tmp_path / "big.xlsx", rows)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sangkien_desktop", "grade-sheet", str(path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()  # what `head` does once it has its lines
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141  # the output (~600 kB) outgrew the pipe: the early stop was met
    assert "Traceback" not in err and "BrokenPipe" not in err
