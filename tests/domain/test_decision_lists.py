"""Reading earlier years' decision lists: the header by its titles, the decision in the title lines, and the
cells (grade as written, points, amounts, certificate numbers, per-author cells)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sangkien_desktop.domain import column_matching as cm
from sangkien_desktop.domain import decision_lists as dl


@pytest.mark.parametrize(
    ("line", "number", "date"),
    [
        (
            "(Kèm theo Quyết định số 45/QĐ-UBND ngày 20 tháng 12 năm 2023 của UBND huyện Thanh Trì)",
            "45/QĐ-UBND",
            dt.date(2023, 12, 20),
        ),
        ("KÈM THEO QUYẾT ĐỊNH SỐ 1234 / QĐ-HĐSK NGÀY 05/01/2024", "1234/QĐ-HĐSK", dt.date(2024, 1, 5)),
        ("Kèm theo QĐ số: 07/QĐ-UBND, ngày 3 tháng 2 năm 2022", "07/QĐ-UBND", dt.date(2022, 2, 3)),
        ("Kèm theo Quyết định số 12/QĐ-UBND của Chủ tịch UBND", "12/QĐ-UBND", None),
        ("Kèm theo Quyết định số     /QĐ-UBND ngày    tháng   năm 2023", "", None),
    ],
)
def test_decision_read_from_the_title_line(line: str, number: str, date: dt.date | None) -> None:
    found = dl.decision_in_lines(["ỦY BAN NHÂN DÂN HUYỆN THANH TRÌ", line])
    assert (found.number, found.date) == (number, date)


def test_title_year_is_the_list_year_not_the_decisions() -> None:
    lines = [
        "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM 2023",
        "(Kèm theo Quyết định số 4/QĐ-UBND ngày 10 tháng 01 năm 2024)",
    ]
    assert dl.year_in_title(lines) == 2023
    assert dl.year_in_title(["(Kèm theo Quyết định số 4/QĐ-UBND ngày 10 tháng 01 năm 2024)"]) is None


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Loại A", "A"),
        ("A", "A"),
        ("xếp loại b", "B"),
        ("C", "C"),
        ("Công nhận", "CN"),
        ("Xuất sắc", "CN"),
        ("", "CN"),
    ],
)
def test_grade_code(label: str, code: str) -> None:
    assert dl.grade_code(label) == code


def test_a_grade_that_was_not_recognized_is_refused() -> None:
    with pytest.raises(dl.CellError, match="Không công nhận"):
        dl.grade_code("Không công nhận")


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (85.5, "85.50"),
        (79.99, "79.99"),
        ("85,5", "85.50"),
        ("85.50 điểm", "85.50"),
        ("90", "90.00"),
        (None, None),
    ],
)
def test_points(value: object, points: str | None) -> None:
    assert dl.parse_points(value) == (Decimal(points) if points else None)


@pytest.mark.parametrize("value", ["tám mươi", "-5", "2000", True])
def test_points_refused(value: object) -> None:
    with pytest.raises(dl.CellError):
        dl.parse_points(value)


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (2000000, 2_000_000),
        (1500000.0, 1_500_000),
        ("2.000.000", 2_000_000),
        ("2,000,000 đ", 2_000_000),
        ("500.000đồng", 500_000),
        ("2 triệu", 2_000_000),
        ("1,5 triệu đồng", 1_500_000),
        ("-", None),
        ("", None),
        (0, None),
    ],
)
def test_amounts(value: object, amount: int | None) -> None:
    assert dl.parse_amount(value) == amount


@pytest.mark.parametrize("value", ["hai triệu", "2.00.0", 12.5])
def test_amounts_refused(value: object) -> None:
    with pytest.raises(dl.CellError):
        dl.parse_amount(value)


def test_certificate_numbers() -> None:
    assert dl.certificate_number("015/GCN-UBND") == dl.CertificateNumber("015/GCN-UBND", 15, None)
    assert dl.certificate_number("007/2023") == dl.CertificateNumber("007/2023", 7, 2023)
    assert dl.certificate_number("Số 12/GCN") == dl.CertificateNumber("Số 12/GCN", 12, None)
    assert dl.certificate_number("") == dl.CertificateNumber("", None, None)
    assert dl.split_certificates("015\n016", 2) == ["015", "016"]
    assert dl.split_certificates("015/GCN", 2) == ["015/GCN", "015/GCN"]
    assert dl.split_certificates("", 2) == ["", ""]


def test_position_and_unit_cell() -> None:
    assert dl.position_and_unit("Giáo viên, Trường THCS Bắc Sơn") == ("Giáo viên", "Trường THCS Bắc Sơn")
    assert dl.position_and_unit("Trường THCS Bắc Sơn") == ("", "Trường THCS Bắc Sơn")
    assert dl.position_and_unit("Hiệu trưởng") == ("Hiệu trưởng", "")


def test_section_rows_naming_a_grade() -> None:
    assert dl.section_grade("I. SÁNG KIẾN XẾP LOẠI A") == "Loại A"
    assert dl.section_grade("II - Loại B") == "Loại B"
    assert (
        dl.section_grade("III. Công nhận sáng kiến (không xếp loại)")
        == "Công nhận sáng kiến (không xếp loại)"
    )
    assert dl.section_grade("KHỐI TRƯỜNG HỌC") is None


def test_header_of_a_decision_list_is_found_by_its_titles() -> None:
    rows: list[list[object]] = [
        ["ỦY BAN NHÂN DÂN HUYỆN THANH TRÌ"],
        ["DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM 2023"],
        [
            "STT",
            "Tên sáng kiến",
            "Họ và tên tác giả",
            "Chức vụ",
            "Đơn vị công tác",
            "Xếp loại",
            "Điểm bình quân",
            "Số tiền thưởng (đồng)",
            "Số GCN",
            "Ghi chú",
        ],
        [1, "Đổi mới", "Lê Văn A", "Giáo viên", "Trường THCS Bắc Sơn", "A", 85.5, 2000000, "01/GCN", ""],
    ]
    match = cm.find_header(rows, spec=dl.SPEC)
    assert match is not None and match.header_row == 2
    assert match.columns == {
        dl.SEQ: 0,
        dl.TITLE: 1,
        dl.AUTHORS: 2,
        dl.JOB_TITLE: 3,
        dl.UNIT: 4,
        dl.GRADE: 5,
        dl.POINTS: 6,
        dl.AMOUNT: 7,
        dl.CERTIFICATE: 8,
        dl.NOTE: 9,
    }
