"""The shared PDF infrastructure: fonts, NĐ 30 header, signature and Nơi nhận, page numbers, long tables."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from sangkien_desktop.services.docspec import (
    MOTTO,
    NATIONAL_TITLE,
    Column,
    HeaderInfo,
    header_grid,
    number_line,
)
from sangkien_desktop.services.pdf import (
    Run,
    Signer,
    basis_lines,
    build_pdf,
    closing_block,
    column_table,
    data_table,
    frame_width,
    get_styles,
    header_block,
    markup,
    para,
    recipients_block,
    register_fonts,
    restart_page_numbers,
    scale_widths,
    signature_block,
    switch_orientation,
    text_width,
    title_block,
    two_signatures,
)

PT_PER_MM = 72 / 25.4
SPECIAL_WORDS = ["đường", "những", "kỹ thuật", "sắc", "Hữu Nghị", "Mỹ Đức", "Đặng Thị Hường", "ắc quy"]

HEADER = HeaderInfo(
    parent_body="ỦY BAN NHÂN DÂN THÀNH PHỐ TAM ĐIỆP",
    issuing_body="Hội đồng Sáng kiến",  # lower case on purpose: printed in capitals
    number="12",
    suffix="QĐ-HĐSK",
    place="Tam Điệp",
    date=date(2025, 1, 5),
    year=2025,
)

REG_COLUMNS = [
    Column("TT", 3, center=True),
    Column("Đơn vị", 11),
    Column("Tồn tại", 13),
    Column("Tên sáng kiến", 13, group="Sáng kiến kinh nghiệm"),
    Column("Nội dung thực hiện", 15, group="Sáng kiến kinh nghiệm"),
    Column("Hiệu quả đạt được", 14, group="Sáng kiến kinh nghiệm"),
    Column("Phạm vi ảnh hưởng", 8, group="Sáng kiến kinh nghiệm"),
    Column("Tác giả/nhóm tác giả", 10),
    Column("Điểm", 6, numeric=True),
]


def portrait_story() -> list[Flowable]:
    st = get_styles()
    return [
        header_block(HEADER),
        *title_block("Quyết định", "Về việc công nhận sáng kiến cấp cơ sở năm 2024"),
        *basis_lines(
            [
                "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ;",
                "Căn cứ Thông tư số 18/2013/TT-BKHCN",
            ]
        ),
        para([Run("Điều 1. ", bold=True), "Công nhận sáng kiến: " + ", ".join(SPECIAL_WORDS) + "."], st.body),
        para("Hợp tác xã <Tân Tiến> & Cộng sự; a<b>c</b>", st.body),
        closing_block(
            Signer("CHỦ TỊCH", "Nguyễn Văn Thắng", "TM. HỘI ĐỒNG"),
            ["Như Điều 3", "- Lưu: VT, HĐSK;"],
        ),
    ]


def table_rows(n: int) -> list[list[str]]:
    return [
        [
            str(i + 1),
            f"Phòng Kinh tế {i + 1}",
            "Thời gian giải quyết hồ sơ còn kéo dài; người dân phải đi lại nhiều lần.",
            f"Ứng dụng phần mềm số {i + 1}",
            "Rà soát quy trình, lập danh mục giấy tờ cần thiết, hướng dẫn người dân qua mã QR và tin nhắn.",
            "Giảm 30% thời gian giải quyết; người dân hài lòng hơn.",
            "Cấp phường",
            "Đặng Thị Hường",
            "85,50",
        ]
        for i in range(n)
    ]


def landscape_story(n_rows: int) -> list[Flowable]:
    st = get_styles()
    return [
        para("TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM", st.doc_type),
        Spacer(1, 6),
        column_table(REG_COLUMNS, table_rows(n_rows), frame_width(landscape=True), font_size=11),
    ]


@pytest.fixture(scope="module")
def portrait_pdf() -> bytes:
    return build_pdf(portrait_story(), title="Quyết định công nhận sáng kiến", author="Hội đồng Sáng kiến")


@pytest.fixture(scope="module")
def landscape_pdf() -> bytes:
    # 3 pages of table: find the row count that gives exactly 3 pages.
    for n in range(8, 60):
        pdf = build_pdf(landscape_story(n), title="Tổng hợp đăng ký", landscape=True)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        if pages == 3:
            return pdf
        assert pages < 3
    raise AssertionError("never reached 3 pages")


def page_texts(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def words_of(pdf: bytes, page: int) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return doc.pages[page].extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)


def line_with(words: list[dict], phrase: str, max_gap: float = 12) -> list[dict]:
    """The run of words on one line that starts with ``phrase`` (a word or several), extended to the
    right and left until a gap wider than ``max_gap`` points (so the two header columns are told apart)."""
    tokens = phrase.split()
    for start in words:
        if start["text"] != tokens[0]:
            continue
        same = sorted((w for w in words if abs(w["top"] - start["top"]) < 2), key=lambda w: w["x0"])
        i = same.index(start)
        if [w["text"] for w in same[i : i + len(tokens)]] != tokens:
            continue
        lo = hi = i
        while lo > 0 and same[lo]["x0"] - same[lo - 1]["x1"] <= max_gap:
            lo -= 1
        while hi < len(same) - 1 and same[hi + 1]["x0"] - same[hi]["x1"] <= max_gap:
            hi += 1
        return same[lo : hi + 1]
    raise AssertionError(f"{phrase!r} not found")


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
needs_pdffonts = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts not installed")


def pdftotext(pdf: bytes, tmp_path: Path, *args: str) -> str:
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *args, str(src), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


# --- text and fonts ------------------------------------------------------------------------------


def flat(text: str) -> str:
    """Text with line breaks (where a paragraph wrapped) turned into single spaces."""
    return " ".join(text.split())


def test_portrait_text_comes_out_exactly(portrait_pdf: bytes) -> None:
    raw = page_texts(portrait_pdf)[0]
    assert unicodedata.is_normalized("NFC", raw)
    text = flat(raw)
    for needle in [
        NATIONAL_TITLE,
        MOTTO,
        "HỘI ĐỒNG SÁNG KIẾN",
        "Số: 12/QĐ-HĐSK",
        "Tam Điệp, ngày 05 tháng 01 năm 2025",
        "QUYẾT ĐỊNH",
        "Nơi nhận:",
        "TM. HỘI ĐỒNG",
        "Nguyễn Văn Thắng",
        "Hợp tác xã <Tân Tiến> & Cộng sự; a<b>c</b>",
        *SPECIAL_WORDS,
    ]:
        assert needle in text, needle


@needs_pdftotext
def test_pdftotext_sees_nfc_vietnamese(portrait_pdf: bytes, tmp_path: Path) -> None:
    raw = pdftotext(portrait_pdf, tmp_path)
    assert unicodedata.is_normalized("NFC", raw)
    text = flat(raw)
    for needle in [NATIONAL_TITLE, MOTTO, "Tam Điệp, ngày 05 tháng 01 năm 2025", *SPECIAL_WORDS]:
        assert needle in text, needle


def test_nfd_input_is_rendered_as_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hường, kỹ thuật đường")
    pdf = build_pdf([para(nfd, get_styles().body)], title=unicodedata.normalize("NFD", "Thử"))
    text = page_texts(pdf)[0]
    assert "Nguyễn Thị Hường, kỹ thuật đường" in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Thử"


def test_only_liberation_serif_draws_text(portrait_pdf: bytes, landscape_pdf: bytes) -> None:
    family = {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }
    for pdf in (portrait_pdf, landscape_pdf):
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            fonts = {c["fontname"].split("+")[-1] for p in doc.pages for c in p.chars}
        assert fonts <= family
        if pdf is portrait_pdf:
            assert fonts == family


def test_fonts_are_embedded(portrait_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(portrait_pdf))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            if "Liberation" in name:
                descriptor = font["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor, name
                embedded.add(name.split("+")[-1])
    assert {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    } <= embedded


@needs_pdffonts
def test_pdffonts_lists_liberation_embedded(portrait_pdf: bytes, tmp_path: Path) -> None:
    src = tmp_path / "doc.pdf"
    src.write_bytes(portrait_pdf)
    out = subprocess.run(["pdffonts", str(src)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    liberation = [r for r in rows if "LiberationSerif" in r[0]]
    assert len(liberation) == 4
    for r in liberation:
        assert r[-5] == "yes", r  # emb column


def test_metadata(portrait_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(portrait_pdf)).metadata
    assert meta.title == "Quyết định công nhận sáng kiến"
    assert meta.author == "Hội đồng Sáng kiến"
    assert meta.creator == "Sáng kiến Desktop"


def test_default_author_is_app_name() -> None:
    pdf = build_pdf([para("x", get_styles().body)], title="T")
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Sáng kiến Desktop"


def test_register_fonts_is_idempotent() -> None:
    register_fonts()
    register_fonts()
    assert text_width("Đ", 12) > 0


def test_invariant_output_is_reproducible() -> None:
    a = build_pdf(portrait_story(), title="T", invariant=True)
    b = build_pdf(portrait_story(), title="T", invariant=True)
    assert a == b


def test_empty_story_is_refused() -> None:
    with pytest.raises(ValueError):
        build_pdf([], title="T")


# --- markup safety -------------------------------------------------------------------------------


def test_markup_escapes_and_keeps_breaks_and_spaces() -> None:
    assert markup("a<b> & c") == "a&lt;b&gt; &amp; c"
    assert markup("dòng 1\ndòng 2") == "dòng 1<br/>dòng 2"
    assert markup("ngày      tháng") == "ngày" + "&nbsp;" * 6 + "tháng"
    assert markup([Run("Điều 1.", bold=True), " nội dung"]) == "<b>Điều 1.</b> nội dung"
    assert markup(Run("x", italic=True, underline=True)) == "<i><u>x</u></i>"
    nfd = unicodedata.normalize("NFD", "Đức")
    assert markup(nfd) == "Đức"


def test_every_style_names_a_liberation_font() -> None:
    st = get_styles()
    for name in st.__dataclass_fields__:
        assert getattr(st, name).fontName.startswith("LiberationSerif"), name


def test_body_style_matches_nd30() -> None:
    st = get_styles()
    assert st.body.fontSize in (13, 14)
    assert st.body.firstLineIndent == pytest.approx(10 * PT_PER_MM)
    assert st.body.alignment == 4  # justified
    assert st.recipients_title.fontSize == 12 and st.recipients_title.fontName == "LiberationSerif-BoldItalic"
    assert st.recipients_item.fontSize == 11


# --- header block geometry -----------------------------------------------------------------------


def centre(ws: list[dict]) -> float:
    return (min(w["x0"] for w in ws) + max(w["x1"] for w in ws)) / 2


def test_header_block_layout(portrait_pdf: bytes) -> None:
    words = words_of(portrait_pdf, 0)
    nation = line_with(words, "CỘNG")
    motto = line_with(words, "Độc")
    date_ = line_with(words, "Tam")
    number = line_with(words, "Số:")
    body = line_with(words, "HỘI ĐỒNG SÁNG")
    parent = line_with(words, "ỦY")
    # Right column: quốc hiệu, tiêu ngữ and date centred on one axis.
    assert abs(centre(nation) - centre(motto)) < 1.5
    assert abs(centre(date_) - centre(motto)) < 1.5
    # Left column: chủ quản, ban hành and Số centred on one axis, left of the right column.
    assert abs(centre(parent) - centre(body)) < 1.5
    assert abs(centre(number) - centre(body)) < 1.5
    assert max(w["x1"] for w in body) < min(w["x0"] for w in nation)
    # Số and the date line share a line; the quốc hiệu is at the top of the page.
    assert abs(number[0]["top"] - date_[0]["top"]) < 1.5
    assert abs(nation[0]["top"] - parent[0]["top"]) < 1.5
    assert nation[0]["top"] < 25 * PT_PER_MM
    # Styles: quốc hiệu bold 12, tiêu ngữ bold 13, date italic, chủ quản upright, ban hành bold.
    assert all(
        w["fontname"].endswith("LiberationSerif-Bold") and w["size"] == pytest.approx(12) for w in nation
    )
    assert all(
        w["fontname"].endswith("LiberationSerif-Bold") and w["size"] == pytest.approx(13) for w in motto
    )
    assert all(w["fontname"].endswith("LiberationSerif-Italic") for w in date_)
    assert all(w["fontname"].endswith("LiberationSerif") for w in parent)
    assert all(w["fontname"].endswith("LiberationSerif-Bold") for w in body)
    # Long chủ quản names break before the level word.
    assert " ".join(w["text"] for w in parent) == "ỦY BAN NHÂN DÂN"
    assert " ".join(w["text"] for w in line_with(words, "THÀNH")) == "THÀNH PHỐ TAM ĐIỆP"


def test_header_rules(portrait_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(portrait_pdf)) as doc:
        page = doc.pages[0]
        rules = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.01]
        words = page.extract_words()
    motto = line_with(words, "Độc")
    body = line_with(words, "HỘI ĐỒNG SÁNG")
    motto_w = max(w["x1"] for w in motto) - min(w["x0"] for w in motto)
    body_w = max(w["x1"] for w in body) - min(w["x0"] for w in body)
    under_motto = [r for r in rules if 0 < r["top"] - motto[0]["bottom"] < 8]
    under_body = [
        r for r in rules if 0 < r["top"] - body[0]["bottom"] < 8 and r["x1"] < min(w["x0"] for w in motto)
    ]
    assert len(under_motto) == 1 and len(under_body) == 1
    assert under_motto[0]["width"] == pytest.approx(motto_w, abs=1.5)  # as long as the motto
    assert abs((under_motto[0]["x0"] + under_motto[0]["x1"]) / 2 - centre(motto)) < 1.5
    assert body_w / 3 - 1 <= under_body[0]["width"] <= body_w / 2 + 1  # 1/3 to 1/2 of the issuing body
    assert abs((under_body[0]["x0"] + under_body[0]["x1"]) / 2 - centre(body)) < 1.5


def test_blank_number_and_date_for_handwriting(tmp_path: Path) -> None:
    info = HeaderInfo(
        "", "ĐƠN VỊ: PHÒNG KINH TẾ", None, "", "Tam Điệp", None, 2026, subject="V/v đăng ký sáng kiến"
    )
    pdf = build_pdf([header_block(info)], title="T")
    words = words_of(pdf, 0)
    date_line = line_with(words, "Tam", max_gap=40)
    line = " ".join(w["text"] for w in date_line)
    assert line == "Tam Điệp, ngày tháng năm 2026"
    gap = [w for w in date_line if w["text"] in ("ngày", "tháng")]
    assert gap[1]["x0"] - gap[0]["x1"] > 10  # room to write the day
    assert "Số:" in [w["text"] for w in words]
    assert "V/v đăng ký sáng kiến" in page_texts(pdf)[0]


def test_header_adapts_to_landscape() -> None:
    pdf = build_pdf([header_block(HEADER)], title="T", landscape=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert page.width > page.height
        words = page.extract_words()
    nation = line_with(words, "CỘNG")
    assert max(w["x1"] for w in nation) < page.width - 15 * PT_PER_MM
    assert centre(nation) > page.width / 2


def test_number_line() -> None:
    assert number_line("12", "QĐ-HĐSK") == "Số: 12/QĐ-HĐSK"
    assert number_line("5", "QĐ-HĐSK") == "Số: 05/QĐ-HĐSK"
    assert number_line(7, "BN-HĐSK") == "Số: 07/BN-HĐSK"
    assert number_line(None, "QĐ-HĐSK") == "Số:      /QĐ-HĐSK"
    assert number_line("  ", "QĐ-HĐSK") == "Số:      /QĐ-HĐSK"
    assert number_line("", "") == "Số:      /"
    assert number_line("12", "") == "Số: 12"


def test_header_info_from_settings() -> None:
    info = HeaderInfo.from_settings(
        {"issuing_parent": "UBND PHƯỜNG X", "issuing_body": "HỘI ĐỒNG SÁNG KIẾN", "place_name": "Tam Điệp"},
        suffix="QĐ-HĐSK",
        date=date(2025, 3, 1),
    )
    assert info.year == 2025 and info.place == "Tam Điệp" and info.number is None
    assert info.date_text == "Tam Điệp, ngày 01 tháng 3 năm 2025"
    with pytest.raises(ValueError):
        HeaderInfo.from_settings({}, suffix="QĐ")


# --- signature and Nơi nhận ----------------------------------------------------------------------


def test_closing_block_layout(portrait_pdf: bytes) -> None:
    words = words_of(portrait_pdf, 0)
    page_w = 210 * PT_PER_MM
    recipients = line_with(words, "Nơi")
    authority = line_with(words, "TM.")
    name = line_with(words, "Nguyễn")
    assert abs(recipients[0]["top"] - authority[0]["top"]) < 4  # level, side by side
    assert max(w["x1"] for w in recipients) < page_w / 2
    assert min(w["x0"] for w in authority) > page_w / 2
    assert all(w["fontname"].endswith("BoldItalic") and w["size"] == pytest.approx(12) for w in recipients)
    assert all(w["fontname"].endswith("Bold") for w in authority + name)
    assert abs(centre(authority) - centre(name)) < 1.5
    assert name[0]["top"] - authority[0]["top"] > 25 * PT_PER_MM  # room to sign
    items = [w for w in words if w["text"] == "Như" or w["text"] == "Lưu:"]
    assert all(w["size"] == pytest.approx(11) for w in items)
    text = page_texts(portrait_pdf)[0]
    assert "- Như Điều 3;" in text and "- Lưu: VT, HĐSK." in text


def test_basis_lines_punctuation(portrait_pdf: bytes) -> None:
    text = page_texts(portrait_pdf)[0]
    assert "ngày 02/3/2012 của Chính phủ;" in text
    assert "Thông tư số 18/2013/TT-BKHCN." in text


def test_two_signatures_names_level() -> None:
    pdf = build_pdf(
        [
            two_signatures(
                Signer("THƯ KÝ", "Lê Thị Mỹ Hạnh"), Signer("CHỦ TỊCH", "Nguyễn Văn Thắng", "TM. HỘI ĐỒNG")
            )
        ],
        title="T",
    )
    words = words_of(pdf, 0)
    left, right = line_with(words, "Lê"), line_with(words, "Nguyễn")
    assert abs(left[0]["top"] - right[0]["top"]) < 1
    assert centre(left) < 105 * PT_PER_MM < centre(right)
    assert abs(line_with(words, "THƯ")[0]["top"] - line_with(words, "TM.")[0]["top"]) < 1


@pytest.mark.parametrize("align", ["right", "left", "center"])
def test_signature_block_alone(align: str) -> None:
    pdf = build_pdf(
        [signature_block("", "Thủ trưởng đơn vị", "", note="(Ký, ghi rõ họ tên)", align=align)], title="T"
    )
    words = words_of(pdf, 0)
    head = line_with(words, "THỦ")
    assert " ".join(w["text"] for w in head) == "THỦ TRƯỞNG ĐƠN VỊ"
    c = centre(head)
    frame_left, frame_right = 30 * PT_PER_MM, 190 * PT_PER_MM
    mid = (frame_left + frame_right) / 2
    if align == "right":
        assert c > mid
    elif align == "left":
        assert c < mid
    else:
        assert abs(c - mid) < 2
    assert "(Ký, ghi rõ họ tên)" in page_texts(pdf)[0]


def test_recipients_block_alone() -> None:
    pdf = build_pdf([recipients_block(["Như trên", "Lưu: VT"])], title="T")
    assert "Nơi nhận:\n- Như trên;\n- Lưu: VT." in page_texts(pdf)[0]


# --- pages, orientation, numbering, long tables --------------------------------------------------


def top_numbers(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Digit-only words in the top margin of each page, with their horizontal centre."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            top = [w for w in page.extract_words() if w["bottom"] < 20 * PT_PER_MM and w["text"].isdigit()]
            out.append([(w["text"], (w["x0"] + w["x1"]) / 2 - float(page.width) / 2) for w in top])
    return out


def test_landscape_table_three_pages_with_repeated_header(landscape_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(landscape_pdf))
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
    texts = [flat(t) for t in page_texts(landscape_pdf)]
    for text in texts:
        for title in ("Sáng kiến kinh nghiệm", "Tên sáng kiến", "Phạm vi ảnh hưởng", "Tác giả/nhóm tác giả"):
            assert title in text
    # All rows are there, once each, in order.
    body = " ".join(texts)
    positions = [body.index(f"Ứng dụng phần mềm số {i} ") for i in range(1, 4)]
    assert positions == sorted(positions)


def test_grouped_header_spans(landscape_pdf: bytes) -> None:
    words = words_of(landscape_pdf, 1)
    group = line_with(words, "Sáng")
    first, last = line_with(words, "Tên"), line_with(words, "Phạm")
    # The group title sits above and centred over its four columns.
    assert group[0]["top"] < first[0]["top"]
    assert min(w["x0"] for w in first) - 10 < centre(group) < max(w["x1"] for w in last) + 10
    assert min(w["x0"] for w in first) < centre(group) < max(w["x1"] for w in last)


def test_numeric_column_is_right_aligned(landscape_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(landscape_pdf)) as doc:
        page = doc.pages[0]
        scores = [w for w in page.extract_words() if w["text"] == "85,50"]
        right_edge = max(float(r["x1"]) for r in page.lines) if page.lines else float(page.width)
    assert scores
    assert len({round(w["x1"], 1) for w in scores}) == 1
    assert right_edge - scores[0]["x1"] < 6


def test_page_numbers_from_page_two(landscape_pdf: bytes) -> None:
    numbers = top_numbers(landscape_pdf)
    assert numbers[0] == []
    for i, found in enumerate(numbers[1:], start=2):
        assert [t for t, _ in found] == [str(i)]
        assert abs(found[0][1]) < 2  # centred


def test_first_page_number_option() -> None:
    pdf = build_pdf(landscape_story(3), title="T", landscape=True, first_page_number=True)
    assert [t for t, _ in top_numbers(pdf)[0]] == ["1"]


def test_mixed_orientation_with_separately_numbered_attachment() -> None:
    story = [
        *portrait_story(),
        PageBreak(),
        para("Trang 2 dọc", get_styles().body),
        *switch_orientation(landscape=True),
        restart_page_numbers(),
        *landscape_story(25),
        *switch_orientation(landscape=False),
        para("Trở lại trang dọc", get_styles().body),
    ]
    pdf = build_pdf(story, title="T")
    reader = PdfReader(io.BytesIO(pdf))
    shapes = ["L" if float(p.mediabox.width) > float(p.mediabox.height) else "P" for p in reader.pages]
    assert shapes[:2] == ["P", "P"] and shapes[-1] == "P" and set(shapes[2:-1]) == {"L"}
    numbers = [[t for t, _ in found] for found in top_numbers(pdf)]
    assert numbers[0] == [] and numbers[1] == ["2"]
    assert numbers[2] == []  # first page of the attached list: no number
    assert numbers[3] == ["2"]
    # Portrait page after the list continues the list's numbering.
    assert numbers[-1] == [str(len(shapes) - 2)]


def test_margins_portrait() -> None:
    pdf = build_pdf([para("Lề trái " * 60, get_styles().body_left)], title="T")
    words = words_of(pdf, 0)
    assert min(w["x0"] for w in words) == pytest.approx(30 * PT_PER_MM, abs=0.5)
    assert max(w["x1"] for w in words) <= 190 * PT_PER_MM + 0.5
    assert min(w["top"] for w in words) >= 20 * PT_PER_MM - 0.5


def test_very_tall_row_splits_across_pages() -> None:
    long_text = "Nội dung rất dài của sáng kiến. " * 400
    table = data_table([["TT", "Nội dung"]], [["1", long_text]], scale_widths([1, 10], frame_width()))
    pdf = build_pdf([table], title="T")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2


def test_data_table_checks_row_length() -> None:
    with pytest.raises(ValueError, match="every row needs 3 cells"):
        data_table([["a", "b", "c"]], [["1", "2"]], [10, 10, 10])


def test_data_table_accepts_plain_rows_with_spans() -> None:
    grid = header_grid(REG_COLUMNS)
    table = data_table(
        list(grid.rows), [["x"] * 9], scale_widths([1] * 9, frame_width(True)), spans=grid.spans
    )
    pdf = build_pdf([table], title="T", landscape=True)
    text = page_texts(pdf)[0]
    assert text.count("Sáng kiến kinh nghiệm") == 1  # one cell over its four columns
    assert "Tên sáng kiến" in text


def test_scale_widths() -> None:
    assert scale_widths([1, 3], 100) == [25, 75]
    with pytest.raises(ValueError):
        scale_widths([0, 0], 100)


def test_frame_widths() -> None:
    assert frame_width() == pytest.approx(160 * mm)
    assert frame_width(landscape=True) == pytest.approx(257 * mm)
