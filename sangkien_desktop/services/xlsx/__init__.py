"""Excel files with openpyxl: safe cells (text never becomes a formula, exact decimals) and the one
NĐ 30-style sheet layout (header block, title, grouped table head, row heights, print setup)."""

from sangkien_desktop.services.docspec import Column, HeaderGrid, HeaderInfo, header_grid

from .cells import CellFormat, read_decimal, set_text, set_value, write_row
from .layout import (
    DATE_FORMAT,
    DEFAULT_FORMATS,
    FONT_NAME,
    INTEGER_FORMAT,
    MONEY_FORMAT,
    SCORE_FORMAT,
    TableFormats,
    column_widths,
    estimate_lines,
    estimate_row_height,
    new_workbook,
    set_column_widths,
    set_row_heights,
    setup_print,
    table_formats,
    write_signature_block,
    write_table_header,
    write_title_block,
)

__all__ = [
    "DATE_FORMAT",
    "DEFAULT_FORMATS",
    "FONT_NAME",
    "INTEGER_FORMAT",
    "MONEY_FORMAT",
    "SCORE_FORMAT",
    "CellFormat",
    "Column",
    "HeaderGrid",
    "HeaderInfo",
    "TableFormats",
    "column_widths",
    "estimate_lines",
    "estimate_row_height",
    "header_grid",
    "new_workbook",
    "read_decimal",
    "set_column_widths",
    "set_row_heights",
    "set_text",
    "set_value",
    "setup_print",
    "table_formats",
    "write_row",
    "write_signature_block",
    "write_table_header",
    "write_title_block",
]
