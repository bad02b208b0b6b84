"""Rules files are strict (issue 14 §3): each refusal names the key and the line, in Vietnamese."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.services import rules_file
from sangkien_desktop.services.grading import default_rules
from sangkien_desktop.services.safe_files import FileRejected
from tests.helpers.grading import build_round

OUT_OF_ORDER = """name = "Thử"
certificate_threshold = 50

[[bands]]
code = "C"
min_mean = 60
amount = 500000

[[bands]]
code = "A"
min_mean = 80
quota = 5
amount = 2000000

[[bands]]
code = "B"
min_mean = 70
amount = 1000000
"""


def refused(text: str) -> str:
    with pytest.raises(ValidationError) as info:
        rules_file.parse_rules_toml(text, "r.toml")
    return str(info.value)


def test_bands_out_of_order_are_refused_with_the_line() -> None:
    message = refused(OUT_OF_ORDER)
    assert (
        "Tệp r.toml, dòng 11 (loại thứ 2, min_mean): ngưỡng 80 điểm của loại A cao hơn loại C đứng trước"
        in message
    )
    assert "hãy ghi loại cao trước" in message


@pytest.mark.parametrize("text", ["", "# chỉ có chú thích\n", 'name = "X"\ndecimals = 2\n'])
def test_empty_file_or_no_bands_is_refused(text: str) -> None:
    message = refused(text)
    assert "Tệp r.toml: thiếu mục “bands”" in message
    assert "[[bands]]" in message


def test_explicit_empty_bands_is_recognition_only() -> None:
    parsed = rules_file.parse_rules_toml("bands = []\ncertificate_threshold = 60\n", "r.toml")
    assert parsed.rules.bands == () and parsed.rules.certificate_threshold == 60


def test_band_without_amount_is_refused() -> None:
    message = refused(
        '[[bands]]\ncode = "A"\nmin_mean = 80\nquota = 5\n\n[[bands]]\ncode = "B"\nmin_mean = 70\n'
    )
    assert "Tệp r.toml, dòng 1 (loại thứ 1): thiếu amount" in message
    assert "Tệp r.toml, dòng 6 (loại thứ 2): thiếu amount" in message
    assert "amount = 0" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('quota = "năm"', "dòng 5 (loại thứ 1, quota): số suất phải là số nguyên"),
        ("quota = 2.5", "dòng 5 (loại thứ 1, quota): số suất phải là số nguyên"),
        ('amount = "hai triệu"', "dòng 5 (loại thứ 1, amount): tiền thưởng (đồng) phải là số nguyên"),
    ],
)
def test_quota_and_amount_errors_do_not_speak_of_points(line: str, expected: str) -> None:
    text = f'[[bands]]\ncode = "A"\nmin_mean = 80\namount = 1\n{line}\n'
    if line.startswith("amount"):
        text = f'[[bands]]\ncode = "A"\nmin_mean = 80\nquota = 1\n{line}\n'
    message = refused(text)
    assert expected in message
    assert "số điểm" not in message and "Điểm" not in message


@pytest.mark.parametrize("value", ['"hai"', "1.5", "9"])
def test_decimals_errors_do_not_speak_of_points(value: str) -> None:
    message = refused(f'decimals = {value}\n\n[[bands]]\ncode = "A"\nmin_mean = 80\namount = 1\n')
    assert "Tệp r.toml, dòng 1 (decimals): số chữ số thập phân" in message
    assert "số điểm" not in message and "Điểm" not in message


def test_unknown_key_and_a_threshold_below_recognition_name_their_line() -> None:
    message = refused('decimal = 2\n[[bands]]\ncode = "A"\nmin_mean = 40\namount = 0\n')
    assert "Tệp r.toml, dòng 1 (decimal): không có mục “decimal”" in message
    message = refused('[[bands]]\ncode = "A"\nmin_mean = 40\namount = 0\n')
    assert "Tệp r.toml, dòng 1 (loại thứ 1): ngưỡng 40 điểm thấp hơn ngưỡng công nhận 50 điểm" in message


def test_threshold_above_the_rubric_maximum_is_refused() -> None:
    parsed = rules_file.parse_rules_toml(
        'certificate_threshold = 50\n[[bands]]\ncode = "A"\nmin_mean = 120\namount = 1\n', "r.toml"
    )
    with pytest.raises(ValidationError) as info:
        rules_file.resolve(parsed, [(1, "Tính mới")], Decimal(100))
    assert (
        "Tệp r.toml, dòng 4 (loại thứ 1, min_mean): ngưỡng 120 điểm của loại A cao hơn điểm tối đa 100"
        in str(info.value)
    )


def test_template_round_trips_and_a_folder_is_named(tmp_path: Path) -> None:
    text = rules_file.rules_to_toml(default_rules())
    assert rules_file.parse_rules_toml(text).rules.bands == default_rules().bands
    with pytest.raises(FileRejected, match="là một thư mục"):
        rules_file.read_rules_file(tmp_path)


def test_cli_refuses_bad_rules_for_grade_rules_set_and_grade_sheet(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_round(db, dossiers=1, members=1)
    path = tmp_path / "r.toml"
    path.write_text(OUT_OF_ORDER, encoding="utf-8")
    assert main(["--db", db_url, "grade-rules", "--round", "2026/1", "--set", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: Tệp quy tắc xếp loại chưa đúng") and "dòng 11 (loại thứ 2, min_mean)" in err
    path.write_text('[[bands]]\ncode = "A"\nmin_mean = 300\namount = 1\n', encoding="utf-8")
    assert main(["--db", db_url, "grade-rules", "--round", "2026/1", "--set", str(path)]) == 1
    assert "cao hơn điểm tối đa 100 của bộ tiêu chí của đợt" in capsys.readouterr().err
    assert main(["--db", db_url, "grade", "--round", "2026/1", "--rules", str(path)]) == 1
    assert "cao hơn điểm tối đa" in capsys.readouterr().err
    sheet = tmp_path / "diem.xlsx"
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Mã hồ sơ", "Tên sáng kiến", "An"])
    wb.active.append(["HS1", "a", 90])
    wb.save(sheet)
    path.write_text('max_total = 10\n[[bands]]\ncode = "A"\nmin_mean = 80\namount = 1\n', encoding="utf-8")
    assert main(["grade-sheet", str(sheet), "--rules", str(path)]) == 1
    assert "cao hơn điểm tối đa 10 của một thành viên (max_total)" in capsys.readouterr().err
