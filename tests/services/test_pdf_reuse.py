"""What the PDF engine works out once and writes again (issue 19: a round's big PDFs) stays right: a
table's header in a second document, page numbers of separately numbered parts, cells wrapped once per
content, a certificate's role line in the batch's form."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pdfplumber
from pypdf import PdfReader
from reportlab.platypus import PageBreak

from sangkien_desktop.services.documents import certificates
from sangkien_desktop.services.pdf import (
    Run,
    build_pdf,
    data_table,
    frame_width,
    restart_page_numbers,
    scale_widths,
)
from sangkien_desktop.services.pdf.table import RuledTable


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _table(rows: int) -> RuledTable:
    header = [["TT", "Tên sáng kiến", "Điểm đánh giá"]]
    body = [[str(i), f"Sáng kiến số {i} về cải cách hành chính", ""] for i in range(1, rows + 1)]
    return data_table(header, body, scale_widths([1, 8, 3], frame_width()), center_cols=[0])


def test_a_table_drawn_into_a_second_document_has_its_header_on_every_page() -> None:
    table = _table(120)
    first = build_pdf([table], title="Một")
    second = build_pdf([RuledTable(table.layout)], title="Hai")  # the same measured table, a new document
    assert _texts(first) == _texts(second)
    pages = _texts(second)
    assert len(pages) > 2
    for text in pages:
        assert "Tên sáng kiến" in text and "Điểm đánh giá" in text


def test_separately_numbered_parts_number_their_pages_again() -> None:
    story = [_table(70), PageBreak(), restart_page_numbers(), _table(70)]
    pdf = build_pdf(story, title="Hai phần", landscape=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        tops = [[w["text"] for w in page.extract_words() if w["top"] < 60] for page in doc.pages]
    half = len(tops) // 2
    assert len(tops) == 2 * half and half >= 2
    expected = [[]] + [[str(n)] for n in range(2, half + 1)]
    assert tops == expected + expected


def test_cells_wrapped_once_keep_their_own_text() -> None:
    widths = scale_widths([1, 4], frame_width())
    rows = [
        ["1", [Run("Tên", bold=True), "\nTác giả: A"]],
        ["2", (Run("Tên", bold=True), "\nTác giả: A")],  # the same runs as a tuple
        ["3", [Decimal("1.0")]],
        ["4", [1]],  # equal to Decimal("1.0"), printed otherwise
    ]
    text = "\n".join(_texts(build_pdf([data_table([["TT", "Nội dung"]], rows, widths)], title="T")))
    assert text.count("Tác giả: A") == 2
    assert "3 1.0" in text and "4 1\n" in text + "\n"


def test_each_certificate_names_its_authors_role() -> None:
    alone = replace(certificates.SAMPLE, co_authors=(), name="Lê Văn Một")
    items = [certificates.SAMPLE, alone, certificates.SAMPLE, alone]
    pages = _texts(certificates.certificates_pdf(items))
    assert len(pages) == 4
    for item, text in zip(items, pages, strict=True):
        assert item.name.upper() in text
        if item.co_authors:
            assert "Là đồng tác giả sáng kiến:" in text
        else:
            assert "Là tác giả sáng kiến:" in text and "đồng tác giả" not in text
