"""Table finding: the grids holding a registration table, continued tables joined, the year's sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.services.importers.normalise import normalise
from sangkien_desktop.services.importers.readers import read_file
from sangkien_desktop.services.importers.tables import choose, find_tables
from tests.helpers.unit_corpus import Table, row, three, write_docx, write_xlsx


def _tables(path: Path):  # type: ignore[no-untyped-def]
    source = read_file(path)
    normalise(source)
    return source, find_tables(source)


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "page-break"])
def test_continued_word_table_is_one_table(tmp_path: Path, repeat_header: bool) -> None:
    rows = three("A") + [row(f"Phần hai {i}", "Lê Thị Hoa") for i in range(3)]
    _source, (table,) = _tables(write_docx(tmp_path / "a.docx", Table(rows), 3, repeat_header))
    assert table.parts == [0, 1]
    titles = [r[table.header.columns[form.TITLE]] for r in table.grid.rows[table.header.data_start :]]
    assert [t for t in titles if t] == [r[form.TITLE] for r in rows]
    assert table.grid.part(len(table.grid.rows) - 1) == "bảng 2" and table.grid.line(
        len(table.grid.rows) - 1
    ) == (4 if repeat_header else 3)


def test_sheet_chosen_by_year_else_asked(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [("2025", Table(three("cũ"), title=form.form_title(2025))), ("2026", Table(three("mới")))],
    )
    _source, tables = _tables(path)
    assert [t.year for t in tables] == [2025, 2026]
    assert choose(tables, 2026, None, "a.xlsx", "bảng đăng ký").grid.title == "2026"
    assert choose(tables, 2024, "2025", "a.xlsx", "bảng đăng ký").grid.title == "2025"
    with pytest.raises(
        ValidationError, match="có 2 bảng chứa bảng đăng ký: trang tính '2025' \\(năm 2025\\)"
    ):
        choose(tables, 2024, None, "a.xlsx", "bảng đăng ký")
    with pytest.raises(ValidationError, match="không có bảng 'Khác'"):
        choose(tables, 2026, "Khác", "a.xlsx", "bảng đăng ký")


def test_lines_above_a_word_table_include_a_letterhead_table(tmp_path: Path) -> None:
    from tests.helpers.registration_files import write_docx as seed_docx

    _source, (table,) = _tables(seed_docx(tmp_path / "a.docx", year=2026))
    assert "ĐƠN VỊ: Trường THCS Bắc Sơn" in table.lines_above and table.year == 2026
