"""Earlier years' decision lists made the way offices made them, for the issue-20 tests: "DANH SÁCH SÁNG KIẾN
ĐƯỢC CÔNG NHẬN NĂM 2023 (Kèm theo Quyết định số 45/QĐ-UBND …)" in Excel or Word, typed in Unicode or TCVN3,
authors on merged rows or in one cell, the table continued on a second page with its header repeated.

``write_xlsx`` / ``write_docx`` write one list; the .xls is made from an .xlsx by LibreOffice (``to_xls``, one
``soffice`` run for every file asked for)."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sangkien_desktop.domain import legacy_encoding as le
from tests.helpers.unit_corpus import font_for, legacy

YEAR = 2023
DECISION_NO = "45/QĐ-UBND"
DECISION_DATE = dt.date(2023, 12, 20)
BAC_SON = "Trường THCS Bắc Sơn"
VAN_PHUC = "Trường Tiểu học Vạn Phúc"
VAN_PHUC_ALIAS = "TH Vạn Phúc"  # an alias in the catalog
KINH_TE = "Phòng Kinh tế"
UNITS = (BAC_SON, VAN_PHUC, KINH_TE)


@dataclass(frozen=True)
class Author:
    name: str
    job: str
    unit: str  # as written in the list
    certificate: str


@dataclass(frozen=True)
class Row:
    title: str
    authors: tuple[Author, ...]
    grade: str
    points: Decimal | None
    amount: int | None

    @property
    def unit(self) -> str:
        return self.authors[0].unit


ROWS: tuple[Row, ...] = (
    Row(
        "Sử dụng phần mềm GeoGebra trong dạy học hình học lớp 9",
        (
            Author("Nguyễn Văn An", "Giáo viên", BAC_SON, "001/GCN"),
            Author("Trần Thị Bình", "Tổ trưởng", BAC_SON, "002/GCN"),
        ),
        "Loại A",
        Decimal("86.50"),
        2_000_000,
    ),
    Row(
        "Số hóa hồ sơ một cửa tại UBND xã Vạn Phúc",
        (Author("Lê Văn Cường", "Chuyên viên", KINH_TE, "003/GCN"),),
        "Loại B",
        Decimal("75.25"),
        1_000_000,
    ),
    Row(
        "Một số biện pháp rèn kỹ năng đọc cho học sinh lớp 1",
        (Author("Phạm Thị Dung", "Giáo viên", VAN_PHUC_ALIAS, "004/GCN"),),
        "Loại C",
        Decimal("65.00"),
        500_000,
    ),
    Row(
        "Đổi mới sinh hoạt tổ chuyên môn theo hướng nghiên cứu bài học",
        (
            Author("Hoàng Minh Tú", "Phó hiệu trưởng", BAC_SON, "005/GCN"),
            Author("Đỗ Thu Hà", "Giáo viên", BAC_SON, "006/GCN"),
        ),
        "Loại B",
        Decimal("72.00"),
        1_000_000,
    ),
    Row(
        "Xây dựng thư viện thân thiện cho học sinh tiểu học",
        (Author("Vũ Thị Hoa", "Nhân viên", VAN_PHUC_ALIAS, "007/GCN"),),
        "Công nhận",
        Decimal("55.50"),
        None,
    ),
    Row(
        "Quản lý tài sản công bằng bảng tính dùng chung",
        (Author("Bùi Quang Huy", "Kế toán", KINH_TE, "008/GCN"),),
        "Công nhận",
        None,
        None,
    ),
)
EXISTING_PERSON = ("Nguyễn Văn An", BAC_SON)  # already in the database before the import

HEADER = ("TT", "Tên sáng kiến", "Họ và tên tác giả", "Chức vụ", "Đơn vị công tác", "Xếp loại", "Điểm",
          "Số tiền thưởng (đồng)", "Số GCN")  # fmt: skip


def title_lines(
    year: int = YEAR, decision: str = f"{DECISION_NO} ngày 20 tháng 12 năm 2023"
) -> tuple[str, ...]:
    return (
        "ỦY BAN NHÂN DÂN HUYỆN THANH TRÌ",
        f"DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM {year}",
        f"(Kèm theo Quyết định số {decision} của UBND huyện Thanh Trì)",
    )


@dataclass
class Layout:
    encoding: str = le.UNICODE
    merged_authors: bool = True  # one author per row, the other cells merged down (else one cell, lines)
    split_at: int | None = None  # rows from here on a "second page": the header written again
    amounts_as_text: bool = False  # "2.000.000" typed as text
    title: tuple[str, ...] = field(default_factory=title_lines)  # the lines above the table


def _money(amount: int | None, text: bool) -> object:
    if amount is None:
        return None
    return f"{amount:,}".replace(",", ".") if text else amount


def _values(n: int, row: Row, layout: Layout) -> list[object]:
    return [
        n,
        row.title,
        row.authors[0].name,
        row.authors[0].job,
        row.authors[0].unit,
        row.grade,
        float(row.points) if row.points is not None else None,
        _money(row.amount, layout.amounts_as_text),
        row.authors[0].certificate,
    ]


def _joined(row: Row) -> tuple[str, str, str, str]:
    a = row.authors
    return (
        "\n".join(x.name for x in a),
        "\n".join(x.job for x in a),
        "\n".join(dict.fromkeys(x.unit for x in a)),
        "\n".join(x.certificate for x in a),
    )


# ----------------------------------------------------------------------------------------------------------
# Excel


def write_xlsx(path: Path, rows: tuple[Row, ...] = ROWS, layout: Layout | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    layout = layout or Layout()
    wb = Workbook()
    ws = wb.active
    ws.title = f"QĐ {YEAR}"

    def put(r: int, c: int, value: object, capitals: bool = False) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str):
            cell = ws.cell(row=r, column=c, value=legacy(value, layout.encoding, capitals))
            cell.font = Font(name=font_for(layout.encoding, capitals))
        else:
            ws.cell(row=r, column=c, value=value)

    r = 1
    for i, line in enumerate(layout.title):
        put(r, 1 if i == 0 else 2, line, capitals=line.isupper())
        r += 1
    r += 1

    def header() -> None:
        nonlocal r
        for c, title in enumerate(HEADER, start=1):
            put(r, c, title)
        r += 1

    header()
    for n, row in enumerate(rows, start=1):
        if layout.split_at is not None and n - 1 == layout.split_at:
            header()  # the printed second page repeats the header
        values = _values(n, row, layout)
        if not layout.merged_authors:
            names, jobs, units, certs = _joined(row)
            values[2:5] = [names, jobs, units]
            values[8] = certs
        for c, value in enumerate(values, start=1):
            put(r, c, value)
        extra = row.authors[1:] if layout.merged_authors else ()
        for i, a in enumerate(extra, start=1):
            put(r + i, 3, a.name)
            put(r + i, 4, a.job)
            put(r + i, 9, a.certificate)
            if a.unit != row.unit:
                put(r + i, 5, a.unit)
        if extra:
            for c in (1, 2, 6, 7, 8) + ((5,) if all(a.unit == row.unit for a in extra) else ()):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + len(extra), end_column=c)
        r += 1 + len(extra)
    wb.save(path)
    return path


# ----------------------------------------------------------------------------------------------------------
# Word


def _run(paragraph, text: str, layout: Layout, capitals: bool = False) -> None:  # type: ignore[no-untyped-def]
    run = paragraph.add_run(legacy(text, layout.encoding, capitals))
    run.font.name = font_for(layout.encoding, capitals)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _docx_table(document, rows: tuple[Row, ...], first: int, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    extra = sum(len(r.authors) - 1 for r in rows) if layout.merged_authors else 0
    table = document.add_table(rows=1 + len(rows) + extra, cols=len(HEADER))
    table.style = "Table Grid"
    for c, title in enumerate(HEADER):
        _run(table.cell(0, c).paragraphs[0], title, layout)
    r = 1
    for i, row in enumerate(rows):
        values = _values(first + i, row, layout)
        if not layout.merged_authors:
            names, jobs, units, certs = _joined(row)
            values[2:5] = [names, jobs, units]
            values[8] = certs
        for c, value in enumerate(values):
            text = _text(value)
            if text:
                cell = table.cell(r, c)
                for k, line in enumerate(text.split("\n")):
                    _run(cell.paragraphs[0] if k == 0 else cell.add_paragraph(), line, layout)
        more = row.authors[1:] if layout.merged_authors else ()
        for j, a in enumerate(more, start=1):
            _run(table.cell(r + j, 2).paragraphs[0], a.name, layout)
            _run(table.cell(r + j, 3).paragraphs[0], a.job, layout)
            _run(table.cell(r + j, 8).paragraphs[0], a.certificate, layout)
        if more:
            for c in (0, 1, 4, 5, 6, 7):
                table.cell(r, c).merge(table.cell(r + len(more), c))
        r += 1 + len(more)


def write_docx(path: Path, rows: tuple[Row, ...] = ROWS, layout: Layout | None = None) -> Path:
    import docx

    layout = layout or Layout()
    document = docx.Document()
    for line in layout.title:
        _run(document.add_paragraph(), line, layout, capitals=line.isupper())
    first = rows if layout.split_at is None else rows[: layout.split_at]
    _docx_table(document, first, 1, layout)
    if layout.split_at is not None:
        document.add_page_break()
        _run(document.add_paragraph(), "(tiếp theo)", layout)
        _docx_table(document, rows[layout.split_at :], layout.split_at + 1, layout)
    document.save(str(path))
    return path


# ----------------------------------------------------------------------------------------------------------
# LibreOffice


def to_xls(sources: list[Path], folder: Path) -> list[Path]:
    """Each .xlsx saved as .xls by LibreOffice in ``folder``, all in one soffice run."""
    from sangkien_desktop.services.importers.readers.convert import find_soffice

    soffice = find_soffice()
    assert soffice is not None
    with tempfile.TemporaryDirectory(prefix="decision-lists-lo-") as tmp:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(tmp).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xls",
                "--outdir",
                str(folder),
                *map(str, sources),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            timeout=600,
            check=False,
        )
    made = [folder / (s.stem + ".xls") for s in sources]
    missing = [p.name for p in made if not p.is_file()]
    assert not missing, f"LibreOffice did not make {missing}"
    return made
