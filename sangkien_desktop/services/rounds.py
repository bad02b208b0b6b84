"""Years and rounds: create a round with its default rubric, checklist and grade rules; list rounds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.defaults import RoundDefaults
from ..domain.enums import RoundField, RoundStatus
from ..domain.errors import NotFoundError, ValidationError
from ..models import Criterion, Dossier, GradeBand, GradeRuleSet, Round, RoundChecklistItem, Year
from . import audit


@dataclass(frozen=True)
class RoundInfo:
    id: int
    year: int
    number: int
    label: str
    field: RoundField
    status: RoundStatus
    receive_until: dt.date | None
    dossiers: int


def ensure_year(session: Session, year: int) -> Year:
    row = session.get(Year, year)
    if row is None:
        row = Year(year=year, note="")
        session.add(row)
        session.flush()
    return row


def create_round(
    session: Session,
    year: int,
    number: int,
    *,
    field: RoundField = RoundField.GENERAL,
    name: str = "",
    receive_from: dt.date | None = None,
    receive_until: dt.date | None = None,
    meeting_on: dt.date | None = None,
    defaults: RoundDefaults | None = None,
) -> Round:
    """Add a round with the default rubric, checklist and grade rules (the secretary edits them later)."""
    if not 1900 < year < 3000:
        raise ValidationError(f"Năm {year} không hợp lệ.")
    if number < 1:
        raise ValidationError(f"Số đợt phải từ 1 trở lên (đang là {number}).")
    existing = session.scalar(select(Round).where(Round.year == year, Round.number == number))
    if existing is not None:
        raise ValidationError(f"Năm {year} đã có đợt {number}.")
    d = defaults or RoundDefaults()
    ensure_year(session, year)
    rnd = Round(
        year=year,
        number=number,
        name=name or f"Đợt {number} năm {year}",
        field=field,
        status=RoundStatus.OPEN,
        receive_from=receive_from,
        receive_until=receive_until,
        meeting_on=meeting_on,
        co_author_limit=d.co_author_limit,
        copies_required=d.copies_required,
    )
    session.add(rnd)
    for i, item in enumerate(d.checklist):
        rnd.checklist_template.append(
            RoundChecklistItem(
                position=i, name=item.name, copies_required=item.copies_required, required=item.required
            )
        )
    criteria = []
    for i, crit in enumerate(d.rubric):
        c = Criterion(
            position=i,
            name=crit.name,
            max_points=crit.max_points,
            min_points=crit.min_points,
            description=crit.description,
        )
        rnd.criteria.append(c)
        criteria.append(c)
    rules = d.grade_rules
    rule_set = GradeRuleSet(
        name=rules.name,
        effective_from=dt.date(year, 1, 1),
        decimals=rules.decimals,
        certificate_threshold=rules.certificate_threshold,
        tie_policy=rules.tie_policy,
    )
    for i, band in enumerate(rules.bands):
        rule_set.bands.append(
            GradeBand(
                position=i,
                code=band.code,
                label=band.label,
                min_mean=band.min_mean,
                quota=band.quota,
                amount=band.amount,
            )
        )
    rnd.rule_set = rule_set
    session.flush()
    audit.record(session, "create", "round", rnd.id, f"Tạo {rnd.label}", new={"year": year, "number": number})
    return rnd


def round_infos(session: Session) -> list[RoundInfo]:
    query = select(Dossier.round_id, func.count(Dossier.id)).group_by(Dossier.round_id)
    counts = {round_id: n for round_id, n in session.execute(query)}
    rows = session.scalars(select(Round).order_by(Round.year.desc(), Round.number.desc())).all()
    return [
        RoundInfo(
            id=r.id,
            year=r.year,
            number=r.number,
            label=r.label,
            field=r.field,
            status=r.status,
            receive_until=r.receive_until,
            dossiers=counts.get(r.id, 0),
        )
        for r in rows
    ]


def list_rounds(db: Database) -> list[RoundInfo]:
    with db.reading() as session:
        return round_infos(session)


def find_round(session: Session, ref: str | int) -> Round:
    """Find a round by id ("3"), or by "YEAR/NUMBER" / "YEAR-NUMBER" ("2026/1")."""
    text = str(ref).strip()
    rnd: Round | None = None
    for sep in ("/", "-", "."):
        if sep in text:
            year_text, _, number_text = text.partition(sep)
            if year_text.isdigit() and number_text.isdigit():
                rnd = session.scalar(
                    select(Round).where(Round.year == int(year_text), Round.number == int(number_text))
                )
            break
    else:
        if text.isdigit():
            rnd = session.get(Round, int(text))
    if rnd is None:
        raise NotFoundError(
            f"Không tìm thấy đợt '{text}'. Ghi mã đợt (số) hoặc NĂM/ĐỢT, ví dụ 2026/1; "
            "xem danh sách bằng lệnh: sangkien rounds list"
        )
    return rnd
