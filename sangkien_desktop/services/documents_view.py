"""What the In ấn & Xuất page reads and writes, each call in its own transaction (the page opens no session).

- ``round_and_years(db, round_id)`` — the round's document data (without the score cells) and the years that have rounds.
- ``years(db)`` — the years that have rounds (no round chosen).
- ``next_certificate_number(db, year)`` — the number the next certificate of ``year`` would get.
- ``year_figures(db, year)`` — the year-end figures behind the charts.
- ``produce_file(db, key, request, fmt, path, progress)`` — produce a document and write it to ``path``.
- ``save_certificate_offsets(db, offsets)`` — store the print offsets; returns the previous ones (its undo).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..db.database import Database
from . import settings as settings_service
from .documents import catalog, certificate_layout, certificate_register
from .documents.common import ProgressFn, write_file
from .documents.round_data import RoundData, load_round
from .documents.year_data import load_year, years_with_rounds

if (
    TYPE_CHECKING
):  # its module draws the report too (openpyxl, reportlab): imported when the figures are asked
    from .documents import year_report


def round_and_years(db: Database, round_id: int) -> tuple[RoundData, list[int]]:
    with db.reading() as session:
        return load_round(session, round_id, with_points=False), years_with_rounds(session)


def years(db: Database) -> list[int]:
    with db.reading() as session:
        return years_with_rounds(session)


def next_certificate_number(db: Database, year: int) -> int:
    with db.reading() as session:
        return certificate_register.next_number(session, year)


def year_figures(db: Database, year: int) -> year_report.YearFigures:
    from .documents import year_report

    with db.reading() as session:
        return year_report.year_figures(load_year(session, year))


def produce_file(
    db: Database,
    key: str,
    request: catalog.DocRequest,
    fmt: str,
    path: Path,
    progress: ProgressFn | None = None,
) -> catalog.DocResult:
    """``catalog.produce`` and the file written (atomically) at ``path``."""
    result = catalog.produce(db, key, request, fmt, progress)
    write_file(path, result.data)
    return result


def save_certificate_offsets(db: Database, offsets: certificate_layout.Offsets) -> certificate_layout.Offsets:
    """Store the certificate print offsets in one transaction; returns the offsets stored before."""
    with db.session() as session:
        old = certificate_layout.offsets_from_settings(settings_service.load(session))
        certificate_layout.save_offsets(session, offsets)
        return old
