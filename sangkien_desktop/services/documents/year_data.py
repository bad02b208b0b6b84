"""A year's rounds (for the Sở KH&CN workbook and the year-end report) and every person's recognized
initiatives across years (for emulation titles)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.errors import NotFoundError
from ...domain.text import name_sort_key
from ...models import RecognizedAuthor, RecognizedInitiative, Round
from ..recognized import IMPORTED_MARK
from .round_data import RoundData, load_round
from .year_history import HistoryRow, year_history

__all__ = ["PersonRecord", "YearData", "load_year", "person_history", "years_with_rounds"]


@dataclass
class YearData:
    year: int
    rounds: list[RoundData]
    history: list[HistoryRow] = field(default_factory=list)  # every year up to this one (imported lists too)

    @property
    def settings(self):  # type: ignore[no-untyped-def]
        return self.rounds[0].settings if self.rounds else {}


def years_with_rounds(session: Session) -> list[int]:
    return sorted({y for (y,) in session.execute(select(Round.year).distinct())}, reverse=True)


def load_year(session: Session, year: int, round_id: int | None = None) -> YearData:
    """Every round of ``year`` (or only ``round_id``), in order."""
    query = select(Round.id).where(Round.year == year).order_by(Round.number)
    if round_id is not None:
        query = query.where(Round.id == round_id)
    ids = list(session.scalars(query))
    if not ids:
        raise NotFoundError(f"Năm {year} chưa có đợt xét sáng kiến nào.")
    return YearData(year, [load_round(session, rid) for rid in ids], year_history(session, year))


@dataclass(frozen=True)
class PersonRecord:
    """One recognized initiative of one person (an author), as emulation committees look them up."""

    person_id: int
    name: str
    birth_date: dt.date | None
    unit: str
    job_title: str
    year: int
    round_label: str
    title: str
    contribution: Decimal | None  # None: not known (an earlier year's list imported)
    co_authors: int
    grade: str
    grade_label: str
    mean: Decimal | None
    decision: str  # "15/QĐ-HĐSK"
    decision_date: dt.date | None
    certificate: str  # "007/2026"
    imported: bool = False  # from an earlier year's decision list (round_label says so)


def person_history(
    session: Session, *, year_from: int | None = None, year_to: int | None = None
) -> list[PersonRecord]:
    """Every author's recognized initiatives in the years chosen (all years by default), sorted by name
    then year."""
    query = select(Round.id).order_by(Round.year, Round.number)
    if year_from is not None:
        query = query.where(Round.year >= year_from)
    if year_to is not None:
        query = query.where(Round.year <= year_to)
    out: list[PersonRecord] = []
    for rid in session.scalars(query):
        data = load_round(session, rid)
        decision = data.decision_no
        for d in data.recognized():
            g = data.grades[d.id]
            for a in d.authors:
                cert = data.certificate(d.id, a.person_id)
                out.append(
                    PersonRecord(
                        person_id=a.person_id,
                        name=a.name,
                        birth_date=a.birth_date,
                        unit=a.unit_name,
                        job_title=a.job_title,
                        year=data.year,
                        round_label=data.label,
                        title=d.title,
                        contribution=a.contribution,
                        co_authors=len(d.authors) - 1,
                        grade=g.grade,
                        grade_label=data.grade_label(g.grade),
                        mean=data.mean(d.id),
                        decision=decision,
                        decision_date=data.decision_date,
                        certificate=cert.number_text if cert is not None else "",
                    )
                )
    out += imported_records(session, year_from=year_from, year_to=year_to)
    out.sort(key=lambda r: (name_sort_key(r.name), r.person_id, r.year, r.round_label))
    return out


def imported_records(
    session: Session, *, year_from: int | None = None, year_to: int | None = None
) -> list[PersonRecord]:
    """The authors of earlier years' decision lists imported, as person records (marked imported)."""
    query = (
        select(RecognizedInitiative)
        .options(
            selectinload(RecognizedInitiative.batch),
            selectinload(RecognizedInitiative.unit),
            selectinload(RecognizedInitiative.authors).selectinload(RecognizedAuthor.person),
            selectinload(RecognizedInitiative.authors).selectinload(RecognizedAuthor.unit),
        )
        .order_by(RecognizedInitiative.year, RecognizedInitiative.id)
    )
    if year_from is not None:
        query = query.where(RecognizedInitiative.year >= year_from)
    if year_to is not None:
        query = query.where(RecognizedInitiative.year <= year_to)
    return [
        PersonRecord(
            person_id=a.person_id,
            name=a.full_name,
            birth_date=a.person.birth_date,
            unit=(a.unit or i.unit).name,
            job_title=a.job_title,
            year=i.year,
            round_label=f"Năm {i.year} ({IMPORTED_MARK})",
            title=i.title,
            contribution=None,
            co_authors=len(i.authors) - 1,
            grade=i.grade,
            grade_label=i.grade_label or i.grade,
            mean=i.points,
            decision=i.batch.decision_no,
            decision_date=i.batch.decision_date,
            certificate=a.certificate_no,
            imported=True,
        )
        for i in session.scalars(query)
        for a in i.authors
    ]
