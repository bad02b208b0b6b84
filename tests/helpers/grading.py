"""Builders for council/scoring tests: a round with units, members, dossiers and (optionally) scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import DossierStatus, MemberRole, RoundStatus
from sangkien_desktop.models import (
    Assignment,
    Authorship,
    CouncilMember,
    Criterion,
    Dossier,
    Person,
    Score,
    Unit,
)
from sangkien_desktop.services.rounds import create_round


@dataclass
class Built:
    round_id: int
    units: list[int]
    members: list[int]  # council member ids, roster order
    persons: list[int]  # their person ids
    dossiers: list[int]  # dossier ids, receipt order
    criteria: list[int]  # criterion ids, rubric order


def build_round(
    db: Database,
    *,
    dossiers: int = 4,
    members: int = 3,
    year: int = 2026,
    number: int = 1,
    assign: bool = True,
    member_units: list[int | None] | None = None,
    statuses: list[DossierStatus] | None = None,
    fields: list[str] | None = None,
) -> Built:
    """A round with ``members`` council members (the first is Chủ tịch), ``dossiers`` valid dossiers, each
    from its own unit "Đơn vị k" with one author, every member assigned to every dossier when ``assign``.
    ``member_units[i]`` gives member i the unit of dossier j (index) or no unit (None)."""
    with db.session() as s:
        rnd = create_round(s, year, number)
        rnd.status = RoundStatus.SCORING  # intake closed: the council scores and grades
        units = []
        for i in range(max(dossiers, 1)):
            u = Unit(name=f"Đơn vị {number}-{i + 1}")
            s.add(u)
            units.append(u)
        s.flush()
        people = []
        council = []
        for i in range(members):
            unit_index = member_units[i] if member_units is not None and i < len(member_units) else None
            p = Person(
                full_name=f"Thành Viên {chr(ord('A') + i)}",
                unit_id=units[unit_index].id if unit_index is not None else None,
            )
            s.add(p)
            s.flush()
            people.append(p)
            m = CouncilMember(
                round_id=rnd.id,
                person_id=p.id,
                role=MemberRole.CHAIR if i == 0 else MemberRole.MEMBER,
                position=i,
                expertise="",
            )
            s.add(m)
            council.append(m)
        s.flush()
        ds = []
        for i in range(dossiers):
            author = Person(full_name=f"Tác Giả {i + 1}", unit_id=units[i].id)
            s.add(author)
            s.flush()
            d = Dossier(
                year=year,
                round_id=rnd.id,
                receipt_no=number * 100 + i + 1,
                received_on=dt.date(year, 3, 1),
                unit_id=units[i].id,
                title=f"Sáng kiến số {i + 1}",
                status=statuses[i] if statuses is not None else DossierStatus.VALID,
                field=fields[i] if fields is not None else "",
            )
            d.authorships.append(Authorship(person_id=author.id, position=0, contribution=Decimal(100)))
            s.add(d)
            ds.append(d)
        s.flush()
        if assign:
            for d in ds:
                for m in council:
                    if m.person.unit_id != d.unit_id:
                        s.add(Assignment(dossier_id=d.id, member_id=m.id))
        s.flush()
        return Built(
            round_id=rnd.id,
            units=[u.id for u in units],
            members=[m.id for m in council],
            persons=[p.id for p in people],
            dossiers=[d.id for d in ds],
            criteria=[c.id for c in rnd.criteria],
        )


def put_scores(session: Session, built: Built, dossier: int, member: int, points: list[str | int]) -> None:
    """Raw score rows (bypassing the service) for dossier index and member index."""
    for cid, value in zip(built.criteria, points, strict=True):
        session.add(
            Score(
                dossier_id=built.dossiers[dossier],
                member_id=built.members[member],
                criterion_id=cid,
                points=Decimal(str(value)),
            )
        )


def split_total(total: str | int | Decimal, criteria: list[Criterion] | None = None) -> list[Decimal]:
    """Split a total over the default rubric (30, 25, 30, 15) without exceeding any maximum."""
    maxima = [Decimal(30), Decimal(25), Decimal(30), Decimal(15)]
    left = Decimal(str(total))
    out = []
    for m in maxima:
        take = min(m, left)
        out.append(take)
        left -= take
    if left:
        raise ValueError("total above 100")
    return out
