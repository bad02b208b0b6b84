"""Finding the header of a unit's registration table and mapping its columns by their titles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sangkien_desktop.domain import column_matching as cm
from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.domain.text import strip_marks

YEAR = 2024


def seed_header_xlsx() -> list[list[object]]:
    """The seed form's two-row header as openpyxl reads it: merged cells are None after the first."""
    top: list[object] = []
    below: list[object] = []
    for col in form.COLUMNS:
        if col.field in form.GROUP_FIELDS:
            top.append(form.GROUP_TITLE if col.field == form.TITLE else None)
            below.append(form.column_title(col.field, YEAR))
        else:
            top.append(form.column_title(col.field, YEAR))
            below.append(None)
    return [top, below]


def seed_header_docx() -> list[list[object]]:
    """The same header as a Word table reads: a horizontal merge repeats its text, a vertical one is ""."""
    top: list[object] = []
    below: list[object] = []
    for col in form.COLUMNS:
        if col.field in form.GROUP_FIELDS:
            top.append(form.GROUP_TITLE)
            below.append(form.column_title(col.field, YEAR))
        else:
            top.append(form.column_title(col.field, YEAR))
            below.append("")
    return [top, below]


TITLE_ROWS: list[list[object]] = [
    ["ĐƠN VỊ: Trường THCS Bắc Sơn", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    ["Số: /", None, None, None, None, "Thanh Trì, ngày tháng năm 2024"],
    [],
    [form.form_title(YEAR)],
    [],
]


def data_row(n: int, title: str = "Đổi mới sinh hoạt chuyên môn") -> list[object]:
    return [
        n,
        "Trường THCS Bắc Sơn",
        "Tồn tại",
        title,
        "Nội dung",
        "Hiệu quả",
        "Toàn trường",
        "Lê Văn A",
        "Tổ Toán",
    ]


@pytest.mark.parametrize("header", [seed_header_xlsx(), seed_header_docx()], ids=["xlsx", "docx"])
def test_seed_header_maps_every_column(header: list[list[object]]) -> None:
    rows = [*TITLE_ROWS, *header, data_row(1), data_row(2, "Ứng dụng GeoGebra")]
    match = cm.find_header(rows)
    assert match is not None
    assert match.header_row == len(TITLE_ROWS)
    assert match.two_rows
    assert match.data_start == len(TITLE_ROWS) + 2
    assert match.columns == {c.field: i for i, c in enumerate(form.COLUMNS)}
    assert match.title_of(form.TITLE) == "Tên sáng kiến"
    extracted = cm.extract_rows(rows, match)
    assert [r.get(form.TITLE) for r in extracted] == ["Đổi mới sinh hoạt chuyên môn", "Ứng dụng GeoGebra"]
    assert extracted[0].line == len(TITLE_ROWS) + 3  # 1-based row of the sheet
    assert extracted[0].get(form.SEQ) == "1"
    assert extracted[0].get(form.DEPARTMENT) == "Tổ Toán"


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("STT", form.SEQ),
        ("Số TT", form.SEQ),
        ("Tên SKKN", form.TITLE),
        ("TÊN SÁNG KIẾN", form.TITLE),
        ("Tên\nsáng kiến", form.TITLE),
        ("Ten sang kien", form.TITLE),
        ("Tên sáng kíên", form.TITLE),  # misplaced tone mark
        ("Tên đề tài, giải pháp", form.TITLE),
        ("Họ và tên tác giả", form.AUTHORS),
        ("Tác giả/ nhóm tác giả", form.AUTHORS),
        ("Đơn vị công tác", form.DEPARTMENT),
        ("Chức vụ, đơn vị công tác", form.DEPARTMENT),
        ("Đơn vị áp dụng", form.APPLIED_UNIT),
        ("Tồn tại, hạn chế", form.PROBLEM),
        ("Nội dung giải pháp", form.CONTENT),
        ("Hiệu quả dự kiến", form.EFFECT),
        ("Phạm vi áp dụng", form.SCOPE),
        ("Bộ phận", form.DEPARTMENT),
    ],
)
def test_wording_variants(title: str, field: str) -> None:
    scores = cm.field_scores(title)
    best = max(scores, key=lambda k: scores[k])
    assert best == field, scores


def test_group_cell_is_not_a_title() -> None:
    scores = cm.field_scores("Sáng kiến kinh nghiệm")
    assert max(scores, key=lambda k: scores[k]) == cm.GROUP


def test_single_row_header_with_column_numbers() -> None:
    header = ["STT", "Tên sáng kiến", "Tác giả", "Đơn vị", "Hiệu quả"]
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)"]
    rows: list[list[object]] = [
        ["DANH SÁCH ĐĂNG KÝ"],
        header,
        numbers,
        [1, "A", "Lê B", "Phòng Kinh tế", "Tốt"],
    ]
    match = cm.find_header(rows)
    assert match is not None and not match.two_rows
    assert match.header_row == 1
    assert match.data_start == 3  # the "(1) (2) …" row is skipped
    assert match.columns[form.APPLIED_UNIT] == 3
    assert [r.get(form.AUTHORS) for r in cm.extract_rows(rows, match)] == ["Lê B"]


def test_no_header_found() -> None:
    rows: list[list[object]] = [["Họ tên", "Ngày sinh"], ["Lê A", "01/01/1990"]]
    assert cm.find_header(rows) is None


def test_rows_stop_at_signature_and_skip_blank_numbered_rows() -> None:
    rows = [
        *seed_header_xlsx(),
        data_row(1),
        [2, None, None, None, None, None, None, None, None],  # the blank form's numbered row
        ["...", None, None, None],
        ["…"],
        [None] * 9,
        ["Cộng: 1 sáng kiến"],
        [None, None, None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"],
        [None, None, None, None, None, None, "(Ký, ghi rõ họ tên)"],
        [None, None, None, None, None, None, "Nguyễn Văn Trưởng"],
    ]
    match = cm.find_header(rows)
    assert match is not None
    found = cm.extract_rows(rows, match)
    assert [(r.kind, r.line) for r in found] == [("data", 3)]


def test_title_starting_with_cong_is_not_a_total_row() -> None:
    rows = [
        *seed_header_xlsx(),
        [None, None, None, "Công tác tuyên truyền pháp luật", None, None, None, None, None],
    ]
    match = cm.find_header(rows)
    assert match is not None
    found = cm.extract_rows(rows, match)
    assert [r.kind for r in found] == ["data"]


def test_numbered_row_with_missing_title_is_kept_for_the_error() -> None:
    rows = [
        *seed_header_xlsx(),
        [3, "Trường THCS Bắc Sơn", "Tồn tại", None, "Nội dung", None, None, "Lê A", None],
    ]
    match = cm.find_header(rows)
    assert match is not None
    (row,) = cm.extract_rows(rows, match)
    assert row.kind == "data" and row.get(form.TITLE) == "" and row.get(form.AUTHORS) == "Lê A"


def test_section_rows() -> None:
    rows = [
        *seed_header_docx(),
        ["I", "KHỐI TRƯỜNG HỌC", "KHỐI TRƯỜNG HỌC", "KHỐI TRƯỜNG HỌC", "", "", "", "", ""],
        data_row(1),
        ["Trường Tiểu học Nam Sơn"] * 9,  # a merged row across the table in Word
        data_row(1, "Khác"),
    ]
    match = cm.find_header(rows)
    assert match is not None
    found = cm.extract_rows(rows, match)
    assert [(r.kind, r.text) for r in found] == [
        ("section", "KHỐI TRƯỜNG HỌC"),
        ("data", ""),
        ("section", "Trường Tiểu học Nam Sơn"),
        ("data", ""),
    ]


def test_remembered_mapping_wins() -> None:
    header: list[object] = ["TT", "Giải pháp đề xuất", "Người đề xuất", "Tên sáng kiến"]
    rows: list[list[object]] = [header, [1, "Làm X", "Lê A", "Tên"]]
    plain = cm.find_header(rows)
    assert plain is None or form.CONTENT not in plain.columns
    remembered = {"giai phap de xuat": form.CONTENT, "nguoi de xuat": form.AUTHORS}
    match = cm.find_header(rows, remembered)
    assert match is not None
    assert match.columns[form.CONTENT] == 1 and match.columns[form.AUTHORS] == 2
    assert match.remembered_form()["giai phap de xuat"] == form.CONTENT


def test_remap_moves_a_field() -> None:
    rows = [*seed_header_xlsx(), data_row(1)]
    match = cm.find_header(rows)
    assert match is not None
    moved = cm.remap(match, {form.DEPARTMENT: 1, form.SCOPE: None})
    assert moved.columns[form.DEPARTMENT] == 1
    assert form.APPLIED_UNIT not in moved.columns  # column 1 now holds the department
    assert form.SCOPE not in moved.columns


def test_unit_hints() -> None:
    hints = cm.unit_hints(
        ["ĐƠN VỊ: Trường THCS Bắc Sơn", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    )
    assert hints == [cm.UnitHint("Trường THCS Bắc Sơn", True)]
    assert (
        cm.unit_hints(["ĐƠN VỊ.....", "Số: /", "Thanh Trì, ngày tháng năm 2024", form.form_title(2024)]) == []
    )
    loose = cm.unit_hints(["UBND PHƯỜNG TAM ĐIỆP", "TRƯỜNG MẦM NON BẮC SƠN", "Số: 12/BC-MN"])
    assert [h.text for h in loose] == ["TRƯỜNG MẦM NON BẮC SƠN", "UBND PHƯỜNG TAM ĐIỆP"]
    assert not any(h.explicit for h in loose)
    assert cm.unit_hints(["Tên đơn vị: Phòng Kinh tế."]) == [cm.UnitHint("Phòng Kinh tế", True)]


def test_year_in_title() -> None:
    assert cm.year_in_title(["ĐƠN VỊ", form.form_title(2025)]) == 2025
    assert cm.year_in_title(["Thanh Trì, ngày 1 tháng 2 năm 2024"]) is None


def test_cell_text() -> None:
    assert cm.cell_text(None) == ""
    assert cm.cell_text(3.0) == "3"
    assert cm.cell_text(2.5) == "2.5"
    assert cm.cell_text(Decimal("4.50")) == "4.5"
    assert cm.cell_text(dt.datetime(2026, 3, 5)) == "05/03/2026"
    assert cm.cell_text(dt.date(2026, 3, 5)) == "05/03/2026"
    assert cm.cell_text("  Tổ   Toán \r\n Tin ") == "Tổ Toán\nTin"
    assert cm.is_blank("...") and cm.is_blank("…") and cm.is_blank(" - ") and not cm.is_blank("Lê A")


def _variant(text: str, how: int) -> str:
    if how == 0:
        return text.upper()
    if how == 1:
        return strip_marks(text).lower()
    if how == 2:
        return text.replace("\n", " ")
    return text.replace(" ", "  ")


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(len(form.COLUMNS))), how=st.integers(0, 3))
def test_any_column_order_and_spelling_single_row(order: list[int], how: int) -> None:
    """Titles typed in capitals, without accents, on one line or with extra spaces, in any order."""
    fields = [form.COLUMNS[i].field for i in order]
    header: list[object] = [_variant(form.column_title(f, YEAR), how) for f in fields]
    rows: list[list[object]] = [header, [f"v{i}" for i in range(len(fields))]]
    match = cm.find_header(rows)
    assert match is not None
    assert match.columns == {f: i for i, f in enumerate(fields)}


# ----------------------------------------------------------------------------------------------------------
# Row building (issue 16): merged author rows, hidden rows, signature and date lines, totals, dates.


def _merged_author_rows() -> tuple[list[list[object]], dict[tuple[int, int], tuple[int, int]]]:
    rows = [*seed_header_xlsx(), data_row(1), data_row(2, "Ứng dụng GeoGebra"), data_row(3, "Câu lạc bộ")]
    extra = [None] * 9
    extra[7], extra[8] = "Hoàng Văn Nam", "Tổ Hóa"
    rows.insert(4, extra)  # under row TT 2, its title cell merged down
    covered = {(4, c): (3, c) for c in range(9) if c not in (7, 8)}
    return rows, covered


def test_rows_under_a_merged_title_add_authors() -> None:
    rows, covered = _merged_author_rows()
    match = cm.find_header(rows)
    assert match is not None
    found = cm.read_table_rows(rows, match, covered).rows
    assert [r.get(form.AUTHORS) for r in found] == ["Lê Văn A", "Lê Văn A\nHoàng Văn Nam", "Lê Văn A"]
    assert [r.get(form.DEPARTMENT) for r in found][1] == "Tổ Toán\nTổ Hóa"
    assert found[1].continued == (4,) and found[1].indexes == (3, 4)


def test_row_with_only_an_author_continues_the_row_above() -> None:
    rows = [*seed_header_xlsx(), data_row(1), [None] * 7 + ["Trần Thị B", "Tổ Văn"]]
    match = cm.find_header(rows)
    assert match is not None
    (found,) = cm.read_table_rows(rows, match).rows
    assert found.get(form.AUTHORS) == "Lê Văn A\nTrần Thị B"


def test_hidden_rows_skipped_and_listed_unless_asked() -> None:
    rows = [*seed_header_xlsx(), data_row(1), data_row(2, "Ẩn"), data_row(3, "Hiện")]
    match = cm.find_header(rows)
    assert match is not None
    table = cm.read_table_rows(rows, match, hidden_rows={3})
    assert [r.get(form.TITLE) for r in table.rows] == ["Đổi mới sinh hoạt chuyên môn", "Hiện"]
    assert table.hidden == [4]
    assert len(cm.read_table_rows(rows, match, hidden_rows={3}, include_hidden=True).rows) == 3


@pytest.mark.parametrize(
    "ending",
    [
        [[None, "Tam Điệp, ngày 25 tháng 3 năm 2026"], [None, "Nguyễn Văn Trưởng"]],
        [
            [None, "NGƯỜI LẬP BIỂU", None, None, "THỦ TRƯỞNG ĐƠN VỊ"],
            [None, "Lê Thị Lập", None, None, "Trần Văn Trưởng"],
        ],
        [[None, "HIỆU TRƯỞNG"], [None, "Phạm Văn Hiệu"]],
    ],
)
def test_signature_block_ends_the_table(ending: list[list[object]]) -> None:
    rows = [*seed_header_xlsx(), data_row(1), ["Tổng cộng: 1 sáng kiến"], *ending]
    match = cm.find_header(rows)
    assert match is not None
    table = cm.read_table_rows(rows, match)
    assert [r.get(form.TITLE) for r in table.rows] == ["Đổi mới sinh hoạt chuyên môn"]
    assert table.end == 4


def test_dates() -> None:
    assert cm.dates_in(["Tam Điệp, ngày 25 tháng 3 năm 2026"]) == [dt.date(2026, 3, 25)]
    assert cm.dates_in(["ngày ... tháng ... năm 2026"]) == []
    assert cm.parse_date("5/3/2026") == dt.date(2026, 3, 5)
    assert cm.parse_date(dt.datetime(2026, 3, 5, 8, 0)) == dt.date(2026, 3, 5)
    assert cm.parse_date("2026-03-05") == dt.date(2026, 3, 5)
    assert cm.parse_date("31/2/2026") is None


def test_long_cells_are_never_fuzzy_matched() -> None:
    assert cm.field_scores("Tên sáng kiến/" * 10_000) == {}
    assert cm.field_scores("Tên sáng kein")[form.TITLE] >= 60


def test_hidden_column_loses_to_the_visible_one_with_the_same_heading() -> None:
    header = ["TT", "Tên sáng kiến", "Tên sáng kiến", "Tác giả", "Đơn vị"]
    rows = [header, [1, "nháp", "Đổi mới", "Lê A", "Trường B"]]
    match = cm.find_header(rows, hidden={1})
    assert match is not None and match.columns[form.TITLE] == 2


def test_phrase_table_is_an_argument() -> None:
    spec = cm.HeaderSpec(
        {"name": ("ten don vi", "don vi"), "note": ("ghi chu",)}, ("name", "note"), "name", 1, 1
    )
    match = cm.find_header([["STT", "Tên đơn vị", "Ghi chú"], [1, "Trường A", ""]], spec=spec)
    assert match is not None and match.columns == {"name": 1, "note": 2}
