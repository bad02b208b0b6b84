"""Every Excel file the app writes, read back: dates stored as dates, ranks and counts as numbers, money
as numbers shown "#,##0" (2.000.000 in a Vietnamese Excel), printed fitted to the page width without any
text smaller than 9 pt, the page number at the top from page 2 on."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from sangkien_desktop.services import receipts, reconciliation_report, registration_export
from sangkien_desktop.services.documents import catalog
from sangkien_desktop.services.xlsx import MIN_PRINTED_PT, MONEY_FORMAT, printed_scale, smallest_font

from .conftest import SeedDatabases, round_id

AS_TEXT = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4}|-?\d+([.,]\d+)?|\d{1,3}(\.\d{3})+( đ| đồng)?)$")


def _workbooks(seed_dbs: SeedDatabases) -> dict[str, bytes]:
    db = seed_dbs.get(1)
    rid = round_id(db, 1)
    out = {}
    for spec in catalog.CATALOG:
        if "xlsx" in spec.formats:
            req = catalog.DocRequest(round_id=rid, allocate=False)
            out[spec.key] = catalog.produce(db, spec.key, req, "xlsx").data
    out["receipt-book"] = receipts.receipt_book_xlsx(receipts.load_book(db, rid))
    out["reconciliation"] = reconciliation_report.report_xlsx(reconciliation_report.load_report(db, rid))
    out["registrations"] = registration_export.build_xlsx_bytes(db, 2026)
    return out


@pytest.fixture(scope="module")
def workbooks(seed_dbs: SeedDatabases) -> dict[str, bytes]:
    return _workbooks(seed_dbs)


def test_values_are_typed(workbooks: dict[str, bytes]) -> None:
    problems = []
    for key, data in workbooks.items():
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    v = c.value
                    where = f"{key} / {ws.title} / {c.coordinate}"
                    if isinstance(v, str) and AS_TEXT.match(v.strip()) and not c.font.b:
                        problems.append(f"{where}: «{v}» is text")
                    if isinstance(v, dt.datetime | dt.date) and c.number_format.upper() != "DD/MM/YYYY":
                        problems.append(f"{where}: date shown as {c.number_format}")
                    money = isinstance(v, int | float) and not isinstance(v, bool) and v >= 10_000
                    if money and c.number_format != MONEY_FORMAT:
                        problems.append(f"{where}: {v} shown as {c.number_format}")
    assert not problems, "\n".join(problems[:30])


def test_printed_at_nine_points_or_more_with_page_numbers_on_top(workbooks: dict[str, bytes]) -> None:
    for key, data in workbooks.items():
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            where = f"{key} / {ws.title}"
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, where
            assert smallest_font(ws) * printed_scale(ws) >= MIN_PRINTED_PT, where
            assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst, where
            assert not ws.oddFooter.center.text, where
