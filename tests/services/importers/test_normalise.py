"""Normalisation: each cell decided Unicode, TCVN3 or VNI (font, text, then the cells around it), converted,
cleaned; what cannot be decided is left and listed."""

from __future__ import annotations

from sangkien_desktop.domain import legacy_encoding as le
from sangkien_desktop.services.importers.grid import Grid, Source
from sangkien_desktop.services.importers.normalise import normalise


def _source(
    rows: list[list[object]], fonts: dict[tuple[int, int], str] | None = None, **kw: object
) -> Source:
    grid = Grid(name="trang tính 'A'", title="A", rows=rows, fonts=fonts or {}, **kw)  # type: ignore[arg-type]
    return Source("a.xlsx", "xlsx", [grid])


def test_cells_converted_by_font_and_by_text() -> None:
    source = _source(
        [["Tªn s¸ng kiÕn", "Moät soá", "Mét", "Một số", "TT"]],
        fonts={(0, 2): ".VnTime"},
    )
    report = normalise(source)
    (row,) = source.grids[0].rows
    assert row == ["Tên sáng kiến", "Một số", "Một", "Một số", "TT"]
    assert source.grids[0].converted == {(0, 0): le.TCVN3, (0, 1): le.VNI, (0, 2): le.TCVN3}
    assert report.converted == {le.TCVN3: 2, le.VNI: 1}
    assert any("đã chuyển từ TCVN3" in n for n in source.notes)
    assert any("đã chuyển từ VNI" in n for n in source.notes)


def test_ambiguous_cell_follows_its_row_or_the_file() -> None:
    source = _source([["Mét sè biÖn ph¸p", "Mét"], ["Toán học", "Mét"]])
    normalise(source)
    rows = source.grids[0].rows
    assert rows[0][1] == "Một"  # its row is TCVN3
    assert rows[1][1] == "Mét"  # its row is Unicode


def test_ambiguous_cell_in_a_unicode_file_stays_unicode() -> None:
    source = _source([["Mét", "Hoàng Văn Nam"]])
    normalise(source)
    assert source.grids[0].rows[0][0] == "Mét" and not source.grids[0].undecided


def test_undecidable_cell_is_listed_not_converted() -> None:
    source = _source([["Nguyễn Văn An", "Tæ To¸n", "Mét"]])
    report = normalise(source)
    grid = source.grids[0]
    assert grid.undecided == {(0, 2)} and grid.rows[0][2] == "Mét" and report.undecided == 1
    assert any("không xác định được bảng mã" in n for n in source.notes)


def test_capitals_font_and_invisible_characters() -> None:
    source = _source([["tæng hîp", "Nguy\u200bễn\u202e Văn\x07 An\ufeff"]], fonts={(0, 0): ".VnTimeH"})
    normalise(source)
    assert source.grids[0].rows[0] == ["TỔNG HỢP", "Nguyễn Văn An"]


def test_lines_around_tables_are_converted() -> None:
    grid = Grid(name="bảng 1", title="", rows=[["Mét sè biÖn ph¸p"]], spreadsheet=False)
    grid.lines_before = ["Tæng hîp ®¨ng ký s¸ng kiÕn n¨m 2026"]
    source = Source("a.docx", "docx", [grid], lines=list(grid.lines_before))
    normalise(source)
    assert grid.lines_before == ["Tổng hợp đăng ký sáng kiến năm 2026"]
