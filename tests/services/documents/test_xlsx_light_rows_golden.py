"""The round's and the year's workbooks written with light rows and the fast writer are, part for part, the
files openpyxl writes from one openpyxl cell per value (what these documents were before light rows)."""

from __future__ import annotations

import datetime as dt
import io
import weakref
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.services import round_documents
from sangkien_desktop.services.documents import dost_export, score_sheets, summary
from sangkien_desktop.services.documents.round_data import RoundData
from sangkien_desktop.services.documents.year_data import load_year
from sangkien_desktop.services.xlsx import cells, fast_save

from .conftest import round_id


class _NoLightRows(weakref.WeakKeyDictionary):  # type: ignore[type-arg]
    """A store that never keeps a sheet: write_row writes openpyxl cells."""

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return default


def _plain_save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # core: the time saved


def _assert_same_as_openpyxl(make: Callable[[], bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = make()
    with monkeypatch.context() as m:
        m.setattr(cells, "_LIGHT", _NoLightRows())
        m.setattr(cells, "_plain", lambda value: None)  # every cell through set_value and CellFormat.apply
        m.setattr(fast_save, "workbook_bytes", _plain_save)
        plain = make()
    a, b = _parts(plain), _parts(fast)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name  # byte for byte


def test_round_data_workbook(graded_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(round_documents, "now", lambda: dt.datetime(2026, 6, 5, 9, 30))
    rid = round_id(graded_db, 1)
    _assert_same_as_openpyxl(lambda: round_documents.round_data_workbook(graded_db, rid)[0][1], monkeypatch)


def test_score_sheets(round1: RoundData, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same_as_openpyxl(lambda: score_sheets.score_sheets_xlsx(round1), monkeypatch)


def test_score_summary(round1: RoundData, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same_as_openpyxl(lambda: summary.summary_xlsx(round1), monkeypatch)


def test_dost_list(graded_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with graded_db.reading() as session:
        data = load_year(session, 2026)
    _assert_same_as_openpyxl(lambda: dost_export.dost_xlsx(data), monkeypatch)
