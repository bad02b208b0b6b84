"""Long tables are laid out page by page (measured once) and look exactly as reportlab's own split."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.platypus import Spacer

from sangkien_desktop.services.docspec import Column
from sangkien_desktop.services.pdf import document
from sangkien_desktop.services.pdf.document import build_pdf, column_table, frame_width

COLUMNS = [
    Column("TT", 10, center=True),
    Column("Tên sáng kiến", 60),
    Column("Tác giả", 30),
    Column("Số tiền", 20, numeric=True),
]


def _rows(n: int, tall_at: int | None = None) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        title = f"Đổi mới phương pháp dạy học số {i} " + "rèn kỹ năng đọc hiểu " * (i % 5)
        if i == tall_at:
            title = "Một dòng rất dài không vừa một trang giấy. " * 120
        rows.append([str(i), title, f"Nguyễn Thị Hương {i}", f"{i * 1000:,}".replace(",", ".")])
    return rows


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize(("tall_at", "lead"), [(None, 0), (150, 0), (None, 385), (2, 300)])
def test_paged_table_matches_one_big_table(
    monkeypatch: pytest.MonkeyPatch, tall_at: int | None, lead: float
) -> None:
    """``lead``: space used above the table, so that its first row only partly fits on page 1."""
    rows = _rows(260, tall_at)

    def pdf() -> bytes:
        story = [Spacer(1, lead), column_table(COLUMNS, rows, frame_width(landscape=True))]
        return build_pdf(story, title="Bảng", landscape=True)

    paged = pdf()
    monkeypatch.setattr(document, "_PAGED_FROM", 10**9)
    plain = pdf()
    assert _pages(paged) == _pages(plain)
    texts = _pages(paged)
    assert len(texts) > 5
    assert all("Tên sáng kiến" in t for t in texts)  # the header on every page
    assert "Nguyễn Thị Hương 260" in texts[-1]


def test_short_tables_stay_plain_tables() -> None:
    from reportlab.platypus import Table

    assert isinstance(column_table(COLUMNS, _rows(20), 700), Table)
    assert not isinstance(column_table(COLUMNS, _rows(200), 700), Table)
