"""The shared Excel infrastructure: text never becomes a formula, exact decimals, the NĐ 30 sheet layout."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from sangkien_desktop.services.docspec import Column, HeaderInfo
from sangkien_desktop.services.xlsx import (
    DEFAULT_FORMATS,
    MIN_PRINTED_PT,
    MONEY_FORMAT,
    SCORE_FORMAT,
    CellFormat,
    column_widths,
    estimate_lines,
    estimate_row_height,
    fit_widths,
    new_workbook,
    printed_scale,
    read_decimal,
    set_column_widths,
    set_row_heights,
    set_text,
    setup_print,
    smallest_font,
    write_row,
    write_signature_block,
    write_table_header,
    write_title_block,
)

INJECTION = '=HYPERLINK("http://x","y")'
TRICKY_TEXTS = [
    INJECTION,
    "=1+1",
    "+84 912 345 678",
    "-5",
    "- Nội dung gạch đầu dòng",
    "@SUM(A1:A2)",
    "\t=1+1",
]

COLUMNS = [
    Column("TT", center=True),
    Column("Đơn vị (đã áp dụng hoặc dự kiến áp dụng sáng kiến năm 2025)"),
    Column("Tồn tại (nêu cụ thể, rõ ràng)"),
    Column("Tên sáng kiến", group="Sáng kiến kinh nghiệm"),
    Column("Nội dung thực hiện/dự kiến thực hiện nhằm giải quyết tồn tại", group="Sáng kiến kinh nghiệm"),
    Column("Hiệu quả/dự kiến hiệu quả đạt được sau khi áp dụng sáng kiến", group="Sáng kiến kinh nghiệm"),
    Column("Phạm vi ảnh hưởng", group="Sáng kiến kinh nghiệm"),
    Column("Tác giả/nhóm tác giả"),
    Column("Điểm", numeric=True),
    Column("Tiền thưởng (đồng)", numeric=True),
]
WIDTHS = [5, 18, 22, 22, 28, 26, 12, 18, 9, 14]
HEADER = HeaderInfo(
    parent_body="ỦY BAN NHÂN DÂN THÀNH PHỐ TAM ĐIỆP",
    issuing_body="Hội đồng Sáng kiến",
    number=None,
    suffix="",
    place="Tam Điệp",
    date=None,
    year=2025,
)
LONG = "Rà soát quy trình, lập danh mục giấy tờ cần thiết, hướng dẫn người dân qua mã QR và tin nhắn. " * 3


def build_sheet(path: Path, n_rows: int = 60) -> dict[str, int]:
    wb, ws = new_workbook("Tổng hợp đăng ký")
    set_column_widths(ws, fit_widths(WIDTHS))  # 12 pt text printed at 9 pt or more
    row = write_title_block(
        ws, HEADER, "TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM NĂM 2025", "(Kèm theo Văn bản số 1577)", 10
    )
    head = row
    row = write_table_header(ws, row, COLUMNS)
    first = row
    f = DEFAULT_FORMATS
    for i in range(n_rows):
        author = TRICKY_TEXTS[i % len(TRICKY_TEXTS)] if i < len(TRICKY_TEXTS) else "Đặng Thị Hường"
        values = [
            i + 1,
            "Phòng Kinh tế",
            "Ngắn",
            "Ứng dụng phần mềm",
            LONG if i % 2 else "Ngắn",
            "Hiệu quả",
            "Cấp phường",
        ]
        write_row(
            ws,
            row,
            [*values, author, Decimal("85.50"), 2_000_000],
            formats=[f.integer, *[f.text] * 7, f.score, f.money],
        )
        row += 1
    last = row - 1
    set_row_heights(ws, first, last)
    end = write_signature_block(ws, row + 1, title="Thủ trưởng đơn vị", note="(Ký, ghi rõ họ tên)", ncols=10)
    setup_print(ws, landscape=True, repeat_rows=f"{head}:{first - 1}")
    wb.save(path)
    return {"head": head, "first": first, "last": last, "end": end}


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("xlsx") / "tong_hop.xlsx"
    rows = build_sheet(path)
    return path, rows


def load(path: Path) -> Worksheet:
    ws = load_workbook(path).active
    assert ws is not None
    return ws


# --- cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_set_text_never_stores_a_formula(tmp_path: Path, text: str) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    set_text(ws["A1"], text)
    assert ws["A1"].data_type == "s"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    cell = load(path)["A1"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited


def test_set_text_normalises_and_cleans(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    set_text(ws["A1"], "Nguye\u0302\u0303n\x00 Văn\x07 A\nTổ 2")
    set_text(ws["A2"], "")
    set_text(ws["A3"], None)
    set_text(ws["A4"], "Bình thường")
    assert ws["A1"].value == "Nguyễn Văn A\nTổ 2"
    assert ws["A2"].value is None and ws["A3"].value is None
    assert not ws["A4"].quotePrefix


def test_write_row_types_and_formats(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    write_row(ws, 2, ["a", 3, Decimal("85.5"), date(2025, 1, 5), None, 1.5], start_col=2)
    assert [ws.cell(2, c).value for c in range(2, 8)] == [
        "a",
        3,
        Decimal("85.5"),
        date(2025, 1, 5),
        None,
        1.5,
    ]
    assert ws.cell(2, 5).number_format == "DD/MM/YYYY"
    write_row(ws, 5, [date(2025, 1, 5)], formats=DEFAULT_FORMATS.date)
    assert ws["A5"].number_format == "DD/MM/YYYY" and ws["A5"].alignment.horizontal == "center"
    write_row(ws, 3, [1, 2], formats=CellFormat(number_format=MONEY_FORMAT))
    assert ws["A3"].number_format == MONEY_FORMAT and ws["B3"].number_format == MONEY_FORMAT
    with pytest.raises(ValueError):
        write_row(ws, 4, [1, 2], formats=[None])
    with pytest.raises(TypeError):
        write_row(ws, 4, [True])
    with pytest.raises(TypeError):
        write_row(ws, 4, [object()])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        write_row(ws, 4, [float("nan")])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        (79.99, Decimal("79.99")),
        (85.5, Decimal("85.5")),
        (0.1 + 0.2, Decimal("0.30000000000000004")),
        (80, Decimal(80)),
        (Decimal("70.25"), Decimal("70.25")),
        ("79,99", Decimal("79.99")),
        ("79.99", Decimal("79.99")),
        (" 85 ", Decimal(85)),
        ("-1,5", Decimal("-1.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("2.000.000", Decimal(2000000)),
        ("1,234,567", Decimal(1234567)),
        ("2 000 000", Decimal(2000000)),
        (".5", Decimal("0.5")),
    ],
)
def test_read_decimal(value: object, expected: Decimal | None) -> None:
    got = read_decimal(value)
    assert got == expected
    if expected is not None:
        assert str(got) == str(expected)


def test_read_decimal_never_goes_through_binary_float() -> None:
    assert read_decimal(79.99) != Decimal(79.99)  # noqa: RUF032 - the binary float, on purpose
    assert str(read_decimal(79.99)) == "79.99"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("abc", "không phải là số"),
        ("85 điểm", "không phải là số"),
        ("1,2,3.4.5", "không phải là số"),
        (True, "không phải là số"),
        (float("nan"), "không phải là số hợp lệ"),
        (float("inf"), "không phải là số hợp lệ"),
        (Decimal("NaN"), "không phải là số hợp lệ"),
        (datetime(2025, 1, 5), "ngày tháng"),
        (date(2025, 1, 5), "ngày tháng"),
        ([1], "không phải là số"),
    ],
)
def test_read_decimal_refuses(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        read_decimal(value)


# --- layout --------------------------------------------------------------------------------------


def test_new_workbook_default_font_is_times(tmp_path: Path) -> None:
    wb, ws = new_workbook("Tổng hợp đăng ký sáng kiến kinh nghiệm năm 2025 (bản chính)")
    assert len(ws.title) <= 31 and ws.title.startswith("Tổng hợp")
    ws["A1"] = "x"
    wb.save(tmp_path / "f.xlsx")
    back = load_workbook(tmp_path / "f.xlsx")
    assert back.active["A1"].font.name == "Times New Roman"  # type: ignore[index]
    assert back._fonts[0].name == "Times New Roman"  # the default every unstyled cell uses


def test_title_block_merges_and_text(sheet: tuple[Path, dict[str, int]]) -> None:
    path, rows = sheet
    ws = load(path)
    merged = {str(r) for r in ws.merged_cells.ranges}
    values = {ws.cell(r, c).value: (r, c) for r in range(1, rows["head"]) for c in (1, 2, 3, 4, 5, 6)}
    assert values["ỦY BAN NHÂN DÂN THÀNH PHỐ TAM ĐIỆP"] == (1, 1)
    assert values["HỘI ĐỒNG SÁNG KIẾN"] == (2, 1)
    nation_col = values["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"][1]
    assert values["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"][0] == 1
    assert values["Độc lập - Tự do - Hạnh phúc"] == (2, nation_col)
    assert values["Số:      /"] == (4, 1)
    assert values["Tam Điệp, ngày      tháng      năm 2025"] == (4, nation_col)
    assert f"A1:{chr(64 + nation_col - 1)}1" in merged
    assert f"{chr(64 + nation_col)}1:J1" in merged
    title = values["TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM NĂM 2025"]
    assert f"A{title[0]}:J{title[0]}" in merged
    assert ws.cell(*title).font.b and ws.cell(*title).font.sz == 14
    assert ws.cell(2, 1).font.b and not ws.cell(1, 1).font.b
    assert ws.cell(1, nation_col).font.b and ws.cell(4, nation_col).font.i
    assert all(ws.cell(r, c).font.name == "Times New Roman" for r, c in values.values() if r != 3)
    # Short rules under the issuing body and the motto.
    rule_left, rule_right = ws.cell(3, 1).value, ws.cell(3, nation_col).value
    assert set(rule_left) == {"─"} and set(rule_right) == {"─"}
    assert len(rule_left) < len(rule_right)
    # Left block is about 40% of the width.
    widths = column_widths(ws, 10)
    left = sum(widths[: nation_col - 1]) / sum(widths)
    assert 0.25 < left < 0.55


def test_title_block_with_subject_and_forced_split(tmp_path: Path) -> None:
    _wb, ws = new_workbook("S")
    set_column_widths(ws, [12, 12, 20, 20])
    info = HeaderInfo(
        "", "PHÒNG KINH TẾ", "5", "TB-KT", "Tam Điệp", date(2025, 2, 3), 2025, subject="V/v đăng ký"
    )
    nxt = write_title_block(ws, info, "THÔNG BÁO", None, 4, split_col=2)
    assert ws["A1"].value == "PHÒNG KINH TẾ"
    assert ws["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["A4"].value == "Số: 05/TB-KT"
    assert ws["C4"].value == "Tam Điệp, ngày 03 tháng 02 năm 2025"
    assert ws["A5"].value == "V/v đăng ký"
    assert ws["A7"].value == "THÔNG BÁO"
    assert nxt == 9
    with pytest.raises(ValueError):
        write_title_block(ws, info, "X", None, 1)
    with pytest.raises(ValueError):
        write_title_block(ws, info, "X", None, 4, split_col=4)


def test_table_header_grouped(sheet: tuple[Path, dict[str, int]]) -> None:
    path, rows = sheet
    ws = load(path)
    h = rows["head"]
    assert rows["first"] == h + 2
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"D{h}:G{h}" in merged  # the group over four columns
    for col in "ABCHIJ":
        assert f"{col}{h}:{col}{h + 1}" in merged  # ungrouped titles span both rows
    assert ws[f"D{h}"].value == "Sáng kiến kinh nghiệm"
    assert ws[f"D{h + 1}"].value == "Tên sáng kiến" and ws[f"G{h + 1}"].value == "Phạm vi ảnh hưởng"
    # Every cell has a thin border on each side that is an outer edge of its (merged) cell.
    ranges = [r for r in ws.merged_cells.ranges if r.min_row >= h and r.max_row <= h + 1]
    for col in range(1, 11):
        for r in (h, h + 1):
            rng = next(
                (m for m in ranges if m.min_col <= col <= m.max_col and m.min_row <= r <= m.max_row), None
            )
            b = ws.cell(r, col).border
            edges = {
                "left": rng is None or col == rng.min_col,
                "right": rng is None or col == rng.max_col,
                "top": rng is None or r == rng.min_row,
                "bottom": rng is None or r == rng.max_row,
            }
            for side, outer in edges.items():
                if outer:
                    assert getattr(b, side).style == "thin", (ws.cell(r, col).coordinate, side)
    assert (
        ws[f"A{h}"].font.b
        and ws[f"A{h}"].alignment.horizontal == "center"
        and ws[f"A{h}"].alignment.wrap_text
    )
    assert ws.freeze_panes == f"A{rows['first']}"
    assert ws.row_dimensions[h + 1].height and ws.row_dimensions[h].height


def test_table_header_plain_rows_and_widths() -> None:
    _wb, ws = new_workbook("S")
    nxt = write_table_header(ws, 3, [["A", "B"]], [10, 20], freeze=False)
    assert nxt == 4 and ws["A3"].value == "A" and ws.column_dimensions["B"].width == 20
    assert ws.freeze_panes is None
    with pytest.raises(ValueError):
        write_table_header(ws, 5, [["A", "B"]], [10])


def test_body_cells(sheet: tuple[Path, dict[str, int]]) -> None:
    path, rows = sheet
    ws = load(path)
    r = rows["first"]
    assert ws[f"I{r}"].value == Decimal("85.5") or ws[f"I{r}"].value == 85.5
    assert ws[f"I{r}"].number_format == SCORE_FORMAT
    assert ws[f"J{r}"].value == 2_000_000 and ws[f"J{r}"].number_format == MONEY_FORMAT
    assert ws[f"J{r}"].alignment.horizontal == "right"
    assert ws[f"B{r}"].alignment.wrap_text and ws[f"B{r}"].border.top.style == "thin"
    assert ws[f"B{r}"].font.name == "Times New Roman"
    for i, text in enumerate(TRICKY_TEXTS):
        cell = ws[f"H{r + i}"]
        assert cell.data_type == "s" and cell.value == text


def test_row_heights_follow_content(sheet: tuple[Path, dict[str, int]]) -> None:
    path, rows = sheet
    ws = load(path)
    short = ws.row_dimensions[rows["first"] + 8].height  # short texts only
    tall = ws.row_dimensions[rows["first"] + 9].height  # LONG in the fifth column
    assert short is not None and tall is not None
    assert short == pytest.approx(12 * 1.3125 + 3, abs=0.5)
    expected_lines = estimate_lines(LONG, column_widths(ws, 5)[4])
    assert expected_lines >= 5
    assert tall == pytest.approx(expected_lines * 15.75 + 3, abs=0.5)


def test_estimates() -> None:
    assert estimate_lines("", 10) == 1
    assert estimate_lines("a\nb\nc", 50) == 3
    assert estimate_lines("x" * 200, 10) > 5  # one very long word is broken
    one = estimate_row_height(["ngắn"], [20])
    more = estimate_row_height([LONG], [20])
    assert one == pytest.approx(15.75 + 3)
    assert more > estimate_row_height([LONG], [40]) > one
    assert estimate_row_height([None, LONG], [10, 40]) == estimate_row_height([LONG], [40])
    assert estimate_row_height(["x"], [10], font_size=13) > one


def test_signature_block(sheet: tuple[Path, dict[str, int]]) -> None:
    path, rows = sheet
    ws = load(path)
    r = rows["last"] + 2
    found = {
        ws.cell(r + i, c).value: (r + i, c) for i in range(3) for c in range(1, 11) if ws.cell(r + i, c).value
    }
    assert "THỦ TRƯỞNG ĐƠN VỊ" in found and "(Ký, ghi rõ họ tên)" in found
    row, col = found["THỦ TRƯỞNG ĐƠN VỊ"]
    assert col > 3 and ws.cell(row, col).font.b
    assert rows["end"] > row + 4


def test_print_setup(sheet: tuple[Path, dict[str, int]]) -> None:
    path, rows = sheet
    ws = load(path)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == f"${rows['head']}:${rows['first'] - 1}"
    # NĐ 30: the page number centred at the top from page 2 on, none on page 1, no "Trang 1 / 8" foot
    assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst
    assert not ws.firstHeader.center.text and not ws.oddFooter.center.text
    # a landscape page is bound along its top edge: 30 mm there
    assert ws.page_margins.top == pytest.approx(30 / 25.4)
    assert ws.page_margins.left == pytest.approx(20 / 25.4)
    assert ws.print_options.horizontalCentered
    assert smallest_font(ws) * printed_scale(ws) >= MIN_PRINTED_PT


def test_too_wide_sheet_keeps_nine_points(tmp_path: Path) -> None:
    """Fitting to the page width never prints below 9 pt: a sheet too wide for that is narrowed by
    ``fit_widths`` (more lines, more pages tall), or, left as it is, printed at the scale that keeps 9 pt
    and continued on more pages across."""
    assert sum(fit_widths([40] * 12, font_size=12)) < 40 * 12
    assert fit_widths([5, 10, 12], font_size=12) == [5, 10, 12]  # what fits is left alone
    _wb, ws = new_workbook("S")
    set_column_widths(ws, [40] * 12)
    write_row(ws, 1, ["chữ"] * 12)
    setup_print(ws, landscape=True)
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 75
    assert smallest_font(ws) * printed_scale(ws) >= MIN_PRINTED_PT


def test_print_setup_portrait() -> None:
    _wb, ws = new_workbook("S")
    setup_print(ws, landscape=False, fit_width=False)
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_margins.left == pytest.approx(30 / 25.4)
    assert ws.print_title_rows is None


# --- LibreOffice: what a person opening the file sees --------------------------------------------

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice/pdftotext missing",
)


def soffice_convert(src: Path, fmt: str, out: Path) -> Path:
    env = {**os.environ, "XDG_CACHE_HOME": str(out / "xdg")}
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{out / 'lo_profile'}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    return out / (src.stem + "." + fmt.split(":")[0])


@pytest.mark.slow
@needs_soffice
def test_libreoffice_shows_injection_as_text(sheet: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    path, rows = sheet
    csv_path = soffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    with csv_path.open(encoding="utf-8") as fh:
        table = list(csv.reader(fh))
    authors = [table[rows["first"] - 1 + i][7] for i in range(len(TRICKY_TEXTS))]
    assert authors == TRICKY_TEXTS


@pytest.mark.slow
@needs_soffice
def test_libreoffice_pdf_repeats_header_and_fits_width(
    sheet: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path, _ = sheet
    pdf = soffice_convert(path, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 2
    assert "841.89 x 595" in info  # landscape A4
    texts = []
    for p in range(1, pages + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        texts.append(" ".join(out.split()))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts[0] and "Độc lập - Tự do - Hạnh phúc" in texts[0]
    assert "=HYPERLINK(" in texts[0]
    for p, text in enumerate(texts, start=1):
        assert "Sáng kiến kinh nghiệm" in text and "Tên sáng kiến" in text, p
        assert "Trang" not in text
        assert text.startswith(f"{p} ") == (p > 1), p  # the page number on top, from page 2 on
    # All ten columns on the page width: the last column title is on every page.
    assert all("Tiền thưởng" in t for t in texts)
