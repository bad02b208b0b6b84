"""The acceptance corpus of issue 16: unit tables made the way district offices make them — Word and Excel,
old and new, LibreOffice, CSV from an online form, typed in TCVN3 or VNI, with merged author rows, continued
tables, several sheets, hidden rows and columns, compiled tables, signature and total rows, dates, author cells
with positions and ranks, invisible characters, extra columns and tracked changes.

``build(folder)`` writes every case's native file (.xlsx, .docx, .csv, .html) and returns the cases; the
.xls, .ods, .doc, .odt and .rtf cases are then made from those by LibreOffice, one ``soffice`` run per target
format for the whole corpus (``convert(folder, cases)``). ``scripts/make_unit_corpus.py`` does both into a
folder to look at. Each case says what must be imported, field by field, or why the file must be refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sangkien_desktop.domain import legacy_encoding as le
from sangkien_desktop.domain import registration_form as form

YEAR = 2026
TODAY = "today"  # expected date: the import day (the file gives none)
SIGNED = dt.date(2026, 3, 25)

Row = dict[str, str]


@dataclass(frozen=True)
class Expected:
    title: str
    authors: str
    unit: str
    registered_on: dt.date | str = TODAY
    field: str = ""
    note: str = ""
    job_titles: tuple[str, ...] | None = None  # positions of the authors, in order


@dataclass
class Case:
    name: str  # file name in the corpus
    covers: str  # what it shows
    rows: list[Expected] = field(default_factory=list)  # what must be imported
    args: list[str] = field(default_factory=list)  # extra CLI options
    refused: list[str] = field(default_factory=list)  # the refusal names these (nothing imported)
    says: list[str] = field(default_factory=list)  # the output (notes, warnings) contains these
    convert_from: str | None = None  # made by LibreOffice from this native corpus file


# ----------------------------------------------------------------------------------------------------------
# Table layout shared by the writers


@dataclass
class Table:
    rows: list[Row]
    unit_line: str | None = "ĐƠN VỊ: Trường THCS Bắc Sơn"
    title: str | None = form.form_title(YEAR)
    date_line: str | None = None  # written under the table, over the signature
    signature: bool = True
    encoding: str = le.UNICODE  # text typed in TCVN3 or VNI
    fonts: bool = True  # write the legacy font names (else only the text tells)
    extra_columns: list[tuple[str, str]] = field(default_factory=list)  # (title, row key)
    merged_authors: dict[int, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # row → more (author, dept)
    hidden_rows: list[int] = field(default_factory=list)  # data rows (0-based) the file hides
    hidden_duplicate_title: bool = False  # a hidden column "Tên sáng kiến" before the visible one
    total_row: str | None = None
    signer_names: bool = False
    header_legacy: bool = True  # the header typed in the legacy encoding too (whole file)
    numbered: bool = True


COLUMNS = [(c.field, form.column_title(c.field, YEAR)) for c in form.COLUMNS]


def legacy(text: str, encoding: str, capitals: bool = False) -> str:
    if encoding == le.TCVN3:
        return le.to_tcvn3(text, capitals=capitals)
    if encoding == le.VNI:
        return le.to_vni(text)
    return text


def font_for(encoding: str, capitals: bool = False) -> str:
    return {le.TCVN3: ".VnTimeH" if capitals else ".VnTime", le.VNI: "VNI-Times"}.get(
        encoding, "Times New Roman"
    )


def _header(t: Table) -> list[tuple[str | None, str]]:
    columns: list[tuple[str | None, str]] = [(f, title) for f, title in COLUMNS]
    columns += [(key, title) for title, key in t.extra_columns]
    if t.hidden_duplicate_title:
        columns.insert(3, ("_hidden_title", "Tên sáng kiến"))
    return columns


def _cells(t: Table, n: int, row: Row, columns: list[tuple[str | None, str]]) -> list[str]:
    values = []
    for key, _title in columns:
        if key == form.SEQ:
            values.append(row.get(form.SEQ, str(n) if t.numbered else ""))
        elif key == "_hidden_title":
            values.append("Bản nháp cũ: " + row.get(form.TITLE, ""))
        else:
            values.append(row.get(key or "", ""))
    return values


# ----------------------------------------------------------------------------------------------------------
# Excel


def _xlsx_sheet(ws, t: Table) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Font

    enc = t.encoding
    columns = _header(t)

    def put(r: int, c: int, text: str, capitals: bool = False, is_header: bool = False) -> None:
        if not text:
            return
        use = enc if (not is_header or t.header_legacy) else le.UNICODE
        cell = ws.cell(row=r, column=c, value=legacy(text, use, capitals))
        if t.fonts or use == le.UNICODE:
            cell.font = Font(name=font_for(use, capitals))

    r = 1
    if t.unit_line:
        put(r, 1, t.unit_line, is_header=True)
        put(r, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", capitals=True, is_header=True)
        r += 2
    if t.title:
        put(r, 1, t.title, capitals=True, is_header=True)
        r += 2
    header = r
    for c, (_key, title) in enumerate(columns, start=1):
        put(header, c, title, is_header=True)
        if t.hidden_duplicate_title and _key == "_hidden_title":
            ws.column_dimensions[chr(64 + c)].hidden = True
    r = header + 1
    for n, row in enumerate(t.rows, start=1):
        values = _cells(t, n, row, columns)
        extra = t.merged_authors.get(n - 1, [])
        for c, value in enumerate(values, start=1):
            put(r, c, value)
        if extra:
            keys = [k for k, _ in columns]
            a, d = keys.index(form.AUTHORS) + 1, keys.index(form.DEPARTMENT) + 1
            for i, (author, dept) in enumerate(extra, start=1):
                put(r + i, a, author)
                put(r + i, d, dept)
            for c, (key, _title) in enumerate(columns, start=1):
                if key not in (form.AUTHORS, form.DEPARTMENT):
                    ws.merge_cells(start_row=r, start_column=c, end_row=r + len(extra), end_column=c)
        if n - 1 in t.hidden_rows:
            ws.row_dimensions[r].hidden = True
        r += 1 + len(extra)
    if t.total_row:
        put(r, 1, t.total_row)
        r += 1
    r += 1
    if t.date_line:
        put(r, 6, t.date_line)
        r += 1
    if t.signature:
        put(r, 2, "NGƯỜI LẬP BIỂU", capitals=True)
        put(r, 7, form.UNIT_SIGNER_TITLE, capitals=True)
        put(r + 1, 7, "(Ký, ghi rõ họ tên)")
        if t.signer_names:
            put(r + 4, 2, "Phạm Thị Lập")
            put(r + 4, 7, "Nguyễn Văn Trưởng")


def write_xlsx(path: Path, sheets: list[tuple[str, Table]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for name, table in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name
        _xlsx_sheet(ws, table)
    wb.save(path)
    return path


# ----------------------------------------------------------------------------------------------------------
# Word


def _run(paragraph, text: str, t: Table, capitals: bool = False, is_header: bool = False) -> None:  # type: ignore[no-untyped-def]
    use = t.encoding if (not is_header or t.header_legacy) else le.UNICODE
    run = paragraph.add_run(legacy(text, use, capitals))
    if t.fonts or use == le.UNICODE:
        run.font.name = font_for(use, capitals)


def _docx_table(document, t: Table, rows: list[Row], first_number: int) -> None:  # type: ignore[no-untyped-def]
    columns = _header(t)
    extra_count = sum(len(t.merged_authors.get(first_number - 1 + i, [])) for i in range(len(rows)))
    table = document.add_table(rows=1 + len(rows) + extra_count, cols=len(columns))
    table.style = "Table Grid"
    for c, (_key, title) in enumerate(columns):
        _run(table.cell(0, c).paragraphs[0], title, t, is_header=True)
    r = 1
    keys = [k for k, _ in columns]
    for i, row in enumerate(rows):
        n = first_number + i
        values = _cells(t, n, row, columns)
        for c, value in enumerate(values):
            if value:
                _run(table.cell(r, c).paragraphs[0], value, t)
        extra = t.merged_authors.get(n - 1, [])
        for j, (author, dept) in enumerate(extra, start=1):
            _run(table.cell(r + j, keys.index(form.AUTHORS)).paragraphs[0], author, t)
            _run(table.cell(r + j, keys.index(form.DEPARTMENT)).paragraphs[0], dept, t)
        if extra:
            for c, key in enumerate(keys):
                if key not in (form.AUTHORS, form.DEPARTMENT):
                    table.cell(r, c).merge(table.cell(r + len(extra), c))
        r += 1 + len(extra)


def write_docx(path: Path, t: Table, split_at: int | None = None, repeat_header: bool = True) -> Path:
    """The table in Word; ``split_at``: rows from this one go in a second table ("(tiếp theo)")."""
    import docx

    document = docx.Document()
    if t.unit_line:
        _run(document.add_paragraph(), t.unit_line, t, is_header=True)
        _run(document.add_paragraph(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", t, capitals=True, is_header=True)
    if t.title:
        _run(document.add_paragraph(), t.title, t, capitals=True, is_header=True)
    rows = t.rows if split_at is None else t.rows[:split_at]
    _docx_table(document, t, rows, 1)
    if split_at is not None:
        document.add_page_break()
        _run(document.add_paragraph(), "(tiếp theo)", t)
        rest = t.rows[split_at:]
        if repeat_header:
            _docx_table(document, t, rest, split_at + 1)
        else:
            _docx_table(document, t, rest, split_at + 1)
            document.tables[-1]._tbl.remove(document.tables[-1].rows[0]._tr)
    if t.date_line:
        _run(document.add_paragraph(), t.date_line, t)
    if t.signature:
        _run(document.add_paragraph(), form.UNIT_SIGNER_TITLE, t, capitals=True)
        _run(document.add_paragraph(), "(Ký, ghi rõ họ tên)", t)
    document.save(str(path))
    return path


def with_tracked_changes(path: Path, inserted: str, deleted: str) -> Path:
    """Mark ``inserted`` (in the document) as a tracked insertion and add ``deleted`` as a tracked deletion
    next to it: Word shows both until the changes are accepted."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    text_at = body.index(f">{inserted}</w:t>")
    at = max(body.rfind("<w:r>", 0, text_at), body.rfind("<w:r ", 0, text_at))
    end = body.index("</w:r>", text_at) + len("</w:r>")
    run = body[at:end]
    tracked = (
        f'<w:ins w:id="901" w:author="Tổ trưởng" w:date="2026-03-20T08:00:00Z">{run}</w:ins>'
        f'<w:del w:id="902" w:author="Tổ trưởng" w:date="2026-03-20T08:00:00Z">'
        f"<w:r><w:delText>{deleted}</w:delText></w:r></w:del>"
    )
    body = body[:at] + tracked + body[end:]
    assert f'xmlns:w="{w}"' in body
    parts["word/document.xml"] = body.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


# ----------------------------------------------------------------------------------------------------------
# Other native formats


def cp1258_form(text: str) -> str:
    """Text the way Windows-1258 holds it: letters with their shape (â ơ ư …) precomposed, tones as marks."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        base, *marks = unicodedata.normalize("NFD", ch)
        shape = "".join(m for m in marks if m not in tones)
        out.append(unicodedata.normalize("NFC", base + shape) + "".join(m for m in marks if m in tones))
    return "".join(out)


def write_csv(path: Path, t: Table, encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    columns = _header(t)
    writer.writerow([title.replace("\n", " ") for _k, title in columns])
    for n, row in enumerate(t.rows, start=1):
        writer.writerow(_cells(t, n, row, columns))
    text = buffer.getvalue()
    path.write_bytes((cp1258_form(text) if encoding == "cp1258" else text).encode(encoding))
    return path


def write_html_xls(path: Path, t: Table) -> Path:
    """A table saved by Excel as a web page but named .xls (what some online forms export)."""
    columns = _header(t)
    head = "".join(f"<td>{title}</td>" for _k, title in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in _cells(t, n, row, columns)) + "</tr>"
        for n, row in enumerate(t.rows, start=1)
    )
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><table>'
        f"<tr><td colspan=4>{t.unit_line}</td></tr><tr><td colspan=9>{t.title}</td></tr>"
        f"<tr>{head}</tr>{body}</table></body></html>"
    )
    path.write_text(html, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------------------
# The cases

BAC_SON = "Trường THCS Bắc Sơn"
NAM_SON = "Trường THCS Nam Sơn"
TH_YEN_BINH = "Trường Tiểu học Yên Bình"


def row(title: str, authors: str, dept: str = "", unit: str = BAC_SON, **extra: str) -> Row:
    return {
        form.APPLIED_UNIT: unit,
        form.PROBLEM: "Học sinh còn ngại phát biểu",
        form.TITLE: title,
        form.CONTENT: "Tổ chức hoạt động nhóm theo tuần",
        form.EFFECT: "Kết quả học tập tiến bộ rõ",
        form.SCOPE: "Toàn trường",
        form.AUTHORS: authors,
        form.DEPARTMENT: dept,
        **extra,
    }


def three(prefix: str) -> list[Row]:
    """Three ordinary rows whose titles start with ``prefix`` (no capital with a tone: TCVN3 has none)."""
    return [
        row(
            f"{prefix} một số biện pháp giúp trẻ mạnh dạn",
            "Nguyễn Thị Hương, Trần Văn Đức",
            "Tổ Ngữ văn\nTổ Toán",
        ),
        row(f"{prefix} dạy học hình học lớp 9 bằng phần mềm", "Lê Văn Tám", "Tổ Toán - Tin"),
        row(
            f"{prefix} rèn kỹ năng thuyết trình qua trải nghiệm",
            "Phạm Quang Vũ; Đặng Thùy Dương",
            "Tổ Khoa học",
        ),
    ]


def expect(rows: list[Row], unit: str = BAC_SON, date: dt.date | str = TODAY) -> list[Expected]:
    return [Expected(r[form.TITLE], r[form.AUTHORS], unit, date) for r in rows]


Builder = Callable[[Path], Path]


def _cases() -> list[tuple[Case, Builder | None]]:
    found: list[tuple[Case, Builder | None]] = []

    def add(case: Case, builder: Builder | None = None) -> None:
        found.append((case, builder))

    # 1-3: the form as Unicode in Excel and Word -----------------------------------------------------------
    rows = three("Unicode")
    add(Case("01-mau-unicode.xlsx", "the seed form in Excel", expect(rows, date=SIGNED)),
        lambda p: write_xlsx(p, [("Đăng ký", Table(rows, date_line="Tam Điệp, ngày 25 tháng 3 năm 2026"))]))  # fmt: skip
    rows2 = three("Word")
    add(Case("02-mau-word.docx", "the seed form in Word", expect(rows2, date=SIGNED)),
        lambda p: write_docx(p, Table(rows2, date_line="Tam Điệp, ngày 25 tháng 3 năm 2026")))  # fmt: skip

    # 3-10: legacy encodings -----------------------------------------------------------------------------
    tcvn_rows = three("Tcvn3")
    tcvn = Table(tcvn_rows, unit_line="Đơn vị: Trường THCS Bắc Sơn", encoding=le.TCVN3)
    add(Case("03-tcvn3-ca-tep.xlsx", "a whole file in TCVN3 (.VnTime, header included)", expect(tcvn_rows),
             says=["đã chuyển từ TCVN3"]), lambda p: write_xlsx(p, [("Sheet1", tcvn)]))  # fmt: skip
    vni_rows = three("Vni")
    vni = Table(vni_rows, encoding=le.VNI)
    add(Case("04-vni-ca-tep.xlsx", "a whole file in VNI-Times", expect(vni_rows), says=["đã chuyển từ VNI"]),
        lambda p: write_xlsx(p, [("Sheet1", vni)]))  # fmt: skip
    mixed_rows = three("Dòng")
    mixed = Table(mixed_rows, encoding=le.TCVN3, header_legacy=False)
    add(Case("05-tcvn3-chi-du-lieu.xlsx", "a Unicode template with rows typed in TCVN3", expect(mixed_rows),
             says=["đã chuyển từ TCVN3"]), lambda p: write_xlsx(p, [("Sheet1", mixed)]))  # fmt: skip
    nofont_rows = three("Không phông")
    nofont = Table(nofont_rows, unit_line="Đơn vị: Trường THCS Bắc Sơn", encoding=le.TCVN3, fonts=False)
    add(Case("06-tcvn3-khong-ten-phong.xlsx", "TCVN3 with no font named: found by the text itself",
             expect(nofont_rows), says=["đã chuyển từ TCVN3"]), lambda p: write_xlsx(p, [("Sheet1", nofont)]))  # fmt: skip
    wt_rows = three("Word tcvn3")
    wt = Table(wt_rows, unit_line="Đơn vị: Trường THCS Bắc Sơn", encoding=le.TCVN3)
    add(Case("07-tcvn3-word.docx", "Word typed in TCVN3 (.VnTime runs)", expect(wt_rows), says=["đã chuyển từ TCVN3"]),
        lambda p: write_docx(p, wt))  # fmt: skip
    wv_rows = three("Word vni")
    wv = Table(wv_rows, encoding=le.VNI)
    add(Case("08-vni-word.docx", "Word typed in VNI-Times", expect(wv_rows), says=["đã chuyển từ VNI"]),
        lambda p: write_docx(p, wv))  # fmt: skip
    nf_rows = three("Vni không phông")
    nf = Table(nf_rows, encoding=le.VNI, fonts=False)
    add(Case("09-vni-khong-ten-phong.docx", "VNI in Word with no font named", expect(nf_rows), says=["đã chuyển từ VNI"]),
        lambda p: write_docx(p, nf))  # fmt: skip

    # 10-12: CSV ------------------------------------------------------------------------------------------------
    csv_rows = three("Biểu mẫu trực tuyến")
    for n, (enc, label) in enumerate(
        (("utf-8-sig", "UTF-8 with BOM"), ("utf-8", "UTF-8"), ("cp1258", "Windows-1258"))
    ):
        rows_n = [dict(r, **{form.TITLE: f"{r[form.TITLE]} {n}"}) for r in csv_rows]
        add(Case(f"{10 + n}-bieu-mau-{enc}.csv", f"an online form's CSV in {label}", expect(rows_n), args=["--unit", BAC_SON]),
            lambda p, rows_n=rows_n, enc=enc: write_csv(p, Table(rows_n), encoding=enc, delimiter=";" if enc == "cp1258" else ","))  # fmt: skip

    # 13-16: layouts ---------------------------------------------------------------------------------------
    merged_rows = three("Gộp ô")
    more = [("Hoàng Văn Nam", "Tổ Toán - Tin"), ("Vũ Thị Mai (Trường THCS Nam Sơn)", "Tổ Hóa")]
    merged = Table(merged_rows, merged_authors={1: more})
    merged_expect = expect(merged_rows)
    merged_expect[1] = Expected(
        merged_rows[1][form.TITLE], "Lê Văn Tám\nHoàng Văn Nam\nVũ Thị Mai (Trường THCS Nam Sơn)", BAC_SON
    )
    add(Case("13-o-gop-tac-gia.xlsx", "a title merged over three author rows (Excel)", merged_expect),
        lambda p: write_xlsx(p, [("Sheet1", merged)]))  # fmt: skip
    add(Case("14-o-gop-tac-gia.docx", "a title vertically merged over author rows (Word)", merged_expect),
        lambda p: write_docx(p, merged))  # fmt: skip
    long_rows = three("Bảng dài") + [
        row(f"Bảng dài phần hai số {i}", "Lê Thị Hoa", "Tổ Văn") for i in range(1, 4)
    ]
    add(Case("15-bang-tiep-theo.docx", "a table continued as a second table, header repeated ('(tiếp theo)')",
             expect(long_rows)), lambda p: write_docx(p, Table(long_rows), split_at=3))  # fmt: skip
    add(Case("16-bang-ngat-trang.docx", "a table split at a page break without its header", expect(long_rows)),
        lambda p: write_docx(p, Table(long_rows), split_at=3, repeat_header=False))  # fmt: skip

    # 17-19: several sheets ------------------------------------------------------------------------------
    old = [row("Năm trước: sổ tay chủ nhiệm điện tử", "Lê Văn Tám", "Tổ Toán")]
    now = three("Năm nay")
    year_sheets = [("2025", Table(old, title=form.form_title(2025))), ("2026", Table(now))]
    add(Case("17-hai-nam.xlsx", "two sheets, one per year: --year picks its sheet", expect(now)),
        lambda p: write_xlsx(p, year_sheets))  # fmt: skip
    two = [
        ("Khối 6-7", Table(three("Khối sáu"), title=None)),
        ("Khối 8-9", Table(three("Khối tám"), title=None)),
    ]
    add(Case("18-hai-bang-can-chon.xlsx", "two registration sheets: the CLI needs --sheet",
             refused=["có 2 bảng chứa bảng đăng ký", "--sheet"]), lambda p: write_xlsx(p, two))  # fmt: skip
    add(
        Case(
            "18-hai-bang-can-chon.xlsx",
            "the same with --sheet",
            expect(three("Khối tám")),
            args=["--sheet", "Khối 8-9"],
        )
    )
    add(Case("19-sai-nam.xlsx", "a sheet whose title year differs from --year is an error",
             refused=["ghi năm 2025, đang nhập vào năm 2026"]),
        lambda p: write_xlsx(p, [("Sheet1", Table(three("Sai năm"), title=form.form_title(2025)))]))  # fmt: skip

    # 20-21: hidden columns and rows --------------------------------------------------------------------------
    hc_rows = three("Cột ẩn")
    add(Case("20-cot-an.xlsx", "a hidden column with the same heading loses to the visible one", expect(hc_rows)),
        lambda p: write_xlsx(p, [("Sheet1", Table(hc_rows, hidden_duplicate_title=True))]))  # fmt: skip
    hr_rows = three("Dòng ẩn")
    hidden = Table(hr_rows, hidden_rows=[1])
    add(Case("21-dong-an.xlsx", "a hidden row is skipped and listed", expect([hr_rows[0], hr_rows[2]]),
             says=["Các dòng ẩn trong tệp không được nhập: 7"]), lambda p: write_xlsx(p, [("Sheet1", hidden)]))  # fmt: skip
    add(
        Case(
            "21-dong-an.xlsx",
            "with --include-hidden it is imported",
            expect(hr_rows),
            args=["--include-hidden"],
        )
    )

    # 22: a compiled table -----------------------------------------------------------------------------
    compiled = [
        row("Tổng hợp: thư viện xanh cho học sinh", "Nguyễn Văn An", "Tổ Văn", unit=BAC_SON),
        row("Tổng hợp: góc đọc sách ở mỗi lớp", "Trần Thị Bình", "Tổ Toán", unit=NAM_SON),
        row("Tổng hợp: em yêu chữ đẹp", "Lê Thị Cúc", "Khối 3", unit=TH_YEN_BINH),
    ]
    add(Case("22-bang-tong-hop.xlsx", "a compiled table naming a unit per row, a unit in the letterhead too",
             [Expected(r[form.TITLE], r[form.AUTHORS], r[form.APPLIED_UNIT]) for r in compiled],
             says=["nhập cho đơn vị ghi ở dòng đó"]),
        lambda p: write_xlsx(p, [("Sheet1", Table(compiled, unit_line="ĐƠN VỊ: Trường THCS Bắc Sơn"))]))  # fmt: skip

    # 23-24: signature, totals and dates -------------------------------------------------------------------
    sig_rows = three("Chữ ký")
    sig = Table(sig_rows, date_line="Tam Điệp, ngày 25 tháng 3 năm 2026", total_row="Tổng cộng: 3 sáng kiến",
                signer_names=True)  # fmt: skip
    add(Case("23-chu-ky-tong-cong.xlsx", "signature lines, names under them and a total row are never data",
             expect(sig_rows, date=SIGNED)), lambda p: write_xlsx(p, [("Sheet1", sig)]))  # fmt: skip
    dated = [dict(r, registered=f"{10 + i}/03/2026") for i, r in enumerate(three("Có ngày"))]
    add(Case("24-cot-ngay-dang-ky.xlsx", "a 'Ngày đăng ký' column gives each row's date",
             [Expected(r[form.TITLE], r[form.AUTHORS], BAC_SON, dt.date(2026, 3, 10 + i)) for i, r in enumerate(dated)]),
        lambda p: write_xlsx(p, [("Sheet1", Table(dated, extra_columns=[("Ngày đăng ký", "registered")]))]))  # fmt: skip

    # 25-27: cells -----------------------------------------------------------------------------------------
    people = [
        row("Tác giả: thư viện số", "Nguyễn Văn An, Hiệu trưởng, Trường THCS Bắc Sơn", "Ban giám hiệu"),
        row("Tác giả: sân chơi an toàn", "Đ/c TRẦN THỊ BÌNH - Phó Chủ tịch UBND phường", "Lãnh đạo"),
        row("Tác giả: tuần tra ban đêm", "Đại úy Lê Văn Cường và Thiếu tá Phạm Văn Dũng", "Công an"),
        row("Tác giả: lớp học vui", "Thầy Hoàng Minh Tú; Cô Vũ Thu Hà", "Tổ Toán\nTổ Văn"),
    ]
    add(Case("25-o-tac-gia.xlsx", "author cells: position and unit, Đ/c, ranks, Thầy/Cô, 'và', capitals", [
        Expected(people[0][form.TITLE], "Nguyễn Văn An - Hiệu trưởng (Trường THCS Bắc Sơn)", BAC_SON, job_titles=("Hiệu trưởng",)),
        Expected(people[1][form.TITLE], "Trần Thị Bình - Phó Chủ tịch UBND phường", BAC_SON, job_titles=("Phó Chủ tịch UBND phường",)),
        Expected(people[2][form.TITLE], "Lê Văn Cường - Đại úy, Phạm Văn Dũng - Thiếu tá", BAC_SON, job_titles=("Đại úy", "Thiếu tá")),
        Expected(people[3][form.TITLE], "Thầy Hoàng Minh Tú, Cô Vũ Thu Hà", BAC_SON, job_titles=("Thầy", "Cô")),
    ]), lambda p: write_xlsx(p, [("Sheet1", Table(people))]))  # fmt: skip
    hidden_chars = [
        row("Ký tự\u200b ẩn: mã QR cho thư viện", "Nguyễn\u200d Thị Lan", "Tổ Văn"),
        row("Điều khiển\u202e hướng chữ: bảng tin điện tử", "Trần\u2066 Văn Hải\u2069", "Tổ Toán"),
    ]
    add(Case("26-ky-tu-an.xlsx", "zero-width characters and bidi controls are removed", [
        Expected("Ký tự ẩn: mã QR cho thư viện", "Nguyễn Thị Lan", BAC_SON),
        Expected("Điều khiển hướng chữ: bảng tin điện tử", "Trần Văn Hải", BAC_SON),
    ]), lambda p: write_xlsx(p, [("Sheet1", Table(hidden_chars))]))  # fmt: skip
    extra = [
        dict(r, field_area="Giáo dục", note=f"Ghi chú {i}", grade="A")
        for i, r in enumerate(three("Cột thêm"))
    ]
    add(Case("27-cot-them.xlsx", "Lĩnh vực and Ghi chú kept, Xếp loại listed as not imported",
             [Expected(r[form.TITLE], r[form.AUTHORS], BAC_SON, field="Giáo dục", note=f"Ghi chú {i}") for i, r in enumerate(extra)],
             says=["không thuộc mẫu, không nhập", "Xếp loại"]),
        lambda p: write_xlsx(p, [("Sheet1", Table(extra, extra_columns=[("Lĩnh vực", "field_area"), ("Ghi chú", "note"),
                                                                          ("Xếp loại", "grade")]))]))  # fmt: skip

    # 28: tracked changes ----------------------------------------------------------------------------------
    tracked = three("Sửa đổi")
    add(Case("28-theo-doi-thay-doi.docx", "tracked changes left in Word: the accepted text, said in the output",
             expect(tracked), says=["Track Changes"]),
        lambda p: with_tracked_changes(write_docx(p, Table(tracked)), tracked[1][form.TITLE], "Tên cũ bị xóa"))  # fmt: skip

    # 29: HTML saved as .xls ---------------------------------------------------------------------------------
    html_rows = three("Trang web")
    add(Case("29-trang-web.xls", "a web page saved as .xls (through LibreOffice)", expect(html_rows)),
        lambda p: write_html_xls(p, Table(html_rows)))  # fmt: skip

    # 30-35: old formats made by LibreOffice -------------------------------------------------------------
    add(Case("30-tcvn3-excel97.xls", "Excel 97-2003 typed in TCVN3", expect(tcvn_rows), says=["đã chuyển từ TCVN3"],
             convert_from="03-tcvn3-ca-tep.xlsx"))  # fmt: skip
    add(
        Case(
            "31-o-gop.xls",
            "Excel 97-2003 with merged author rows",
            merged_expect,
            convert_from="13-o-gop-tac-gia.xlsx",
        )
    )
    add(Case("32-vni.ods", "LibreOffice Calc typed in VNI", expect(vni_rows), says=["đã chuyển từ VNI"],
             convert_from="04-vni-ca-tep.xlsx"))  # fmt: skip
    add(Case("33-tcvn3-word97.doc", "Word 97-2003 typed in TCVN3", expect(wt_rows), says=["đã chuyển từ TCVN3", "LibreOffice"],
             convert_from="07-tcvn3-word.docx"))  # fmt: skip
    add(Case("34-mau.odt", "LibreOffice Writer", expect(rows2, date=SIGNED), convert_from="02-mau-word.docx"))
    add(
        Case(
            "35-o-gop.rtf", "RTF with merged author rows", merged_expect, convert_from="14-o-gop-tac-gia.docx"
        )
    )

    # 36-37: refusals ----------------------------------------------------------------------------------------
    bad = three("Lỗi")
    bad[1][form.TITLE] = ""
    add(Case("36-thieu-ten.xlsx", "a row without a title: all refused, the row named",
             refused=["Dòng 7 (TT 2), cột Tên sáng kiến: Thiếu tên sáng kiến."]),
        lambda p: write_xlsx(p, [("Sheet1", Table(bad))]))  # fmt: skip
    undecided = three("Không rõ")
    undecided[2][form.DEPARTMENT] = "Tæ To¸n"  # TCVN3 typed into a Unicode row: decided by its text
    undecided[2]["note"] = "Mét"  # "Mét" in Unicode or "Một" in TCVN3: the row and the file hold both
    add(Case("37-o-khong-ro-bang-ma.xlsx", "a cell whose encoding cannot be decided is refused, named",
             refused=["Ô J8", "không xác định được"]),
        lambda p: write_xlsx(p, [("Sheet1", Table(undecided, extra_columns=[("Ghi chú", "note")]))]))  # fmt: skip
    return found


def build(folder: Path) -> list[Case]:
    """Write every native corpus file into ``folder``; returns the cases (converted ones not yet made)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for case, builder in _cases():
        if builder is not None:
            builder(folder / case.name)
        cases.append(case)
    return cases


def convert(folder: Path, cases: list[Case]) -> None:
    """Make the LibreOffice cases: one soffice run per target format, all formats at once."""
    import subprocess
    import tempfile

    from sangkien_desktop.services.importers.readers.convert import find_soffice

    soffice = find_soffice()
    assert soffice is not None
    by_target: dict[str, list[Case]] = {}
    for case in cases:
        if case.convert_from:
            by_target.setdefault(Path(case.name).suffix.lstrip("."), []).append(case)
    with tempfile.TemporaryDirectory(prefix="corpus-lo-") as tmp:
        running = []
        for target, targets in by_target.items():
            out = Path(tmp) / target
            out.mkdir()
            sources = []
            for case in targets:  # LibreOffice names its output after the source: copy under the case's name
                assert case.convert_from is not None
                source = out / (Path(case.name).stem + Path(case.convert_from).suffix)
                source.write_bytes((folder / case.convert_from).read_bytes())
                sources.append(str(source))
            profile = (Path(tmp) / f"profile-{target}").as_uri()
            running.append(
                subprocess.Popen(
                    [
                        soffice,
                        f"-env:UserInstallation={profile}",
                        "--headless",
                        "--norestore",
                        "--convert-to",
                        target,
                        "--outdir",
                        str(folder),
                        *sources,
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    stdin=subprocess.DEVNULL,
                )
            )
        for proc in running:
            proc.wait(timeout=600)
    missing = [c.name for c in cases if c.convert_from and not (folder / c.name).is_file()]
    assert not missing, f"LibreOffice did not make {missing}"
