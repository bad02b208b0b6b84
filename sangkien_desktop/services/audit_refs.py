"""Readable names for the objects the audit log points at (its ``entity_id`` column holds internal keys:
a database id, ``"42:10"`` = dossier 42 scored by council member 10, a settings key …), for the Nhật ký page.

Only reads; an object deleted since the entry was written keeps its raw key (the summary still names it)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.settings_schema import SPECS
from ..models import CouncilMember, Dossier, Person, Registration, Round, Unit
from ..models.dossier import dossier_code

# entities whose entity_id is a round id
ROUND_ENTITIES = frozenset({"round", "grade_rules", "rubric", "tie_decision", "grade_results"})
# entities whose entity_id is "dossier id:member id"
PAIR_ENTITIES = frozenset({"score", "assignment"})


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def describe(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``{(entity, entity_id): readable reference}`` for the keys that can be named."""
    keys = {(e, i or "") for e, i in keys}
    dossier_ids: set[int] = set()
    member_ids: set[int] = set()
    round_ids: set[int] = set()
    unit_ids: set[int] = set()
    registration_ids: set[int] = set()
    for entity, key in keys:
        if entity in PAIR_ENTITIES and ":" in key:
            d, _, m = key.partition(":")
            if (di := _int(d)) is not None and (mi := _int(m)) is not None:
                dossier_ids.add(di)
                member_ids.add(mi)
        elif (n := _int(key)) is None:
            continue
        elif entity == "dossier":
            dossier_ids.add(n)
        elif entity == "member":
            member_ids.add(n)
        elif entity in ROUND_ENTITIES or entity == "assignment":
            round_ids.add(n)
        elif entity == "unit":
            unit_ids.add(n)
        elif entity == "registration":
            registration_ids.add(n)

    dossiers: dict[int, str] = {}
    if dossier_ids:
        for d_id, year, receipt_no in session.execute(
            select(Dossier.id, Dossier.year, Dossier.receipt_no).where(Dossier.id.in_(dossier_ids))
        ):
            dossiers[d_id] = dossier_code(year, receipt_no)
    members: dict[int, str] = {}
    if member_ids:
        for m_id, name in session.execute(
            select(CouncilMember.id, Person.full_name)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CouncilMember.id.in_(member_ids))
        ):
            members[m_id] = name
    rounds: dict[int, str] = {}
    if round_ids:
        for r_id, number, year in session.execute(
            select(Round.id, Round.number, Round.year).where(Round.id.in_(round_ids))
        ):
            rounds[r_id] = f"Đợt {number}/{year}"
    units: dict[int, str] = {}
    if unit_ids:
        units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).tuples().all())
    registrations: dict[int, str] = {}
    if registration_ids:
        for r_id, year, seq in session.execute(
            select(Registration.id, Registration.year, Registration.seq).where(
                Registration.id.in_(registration_ids)
            )
        ):
            registrations[r_id] = f"Đăng ký {year}" + (f", TT {seq}" if seq else "")

    out: dict[tuple[str, str], str] = {}
    for entity, key in keys:
        text = ""
        if entity in PAIR_ENTITIES and ":" in key:
            d, _, m = key.partition(":")
            di, mi = _int(d), _int(m)
            if di in dossiers or mi in members:
                text = f"{dossiers.get(di or 0, d)} — {members.get(mi or 0, 'thành viên ' + m)}"
        elif entity == "setting" and key in SPECS:
            text = SPECS[key].label
        elif (n := _int(key)) is not None:
            if entity == "dossier":
                text = dossiers.get(n, "")
            elif entity == "member":
                text = members.get(n, "")
            elif entity in ROUND_ENTITIES or entity == "assignment":
                text = rounds.get(n, "")
            elif entity == "unit":
                text = units.get(n, "")
            elif entity == "registration":
                text = registrations.get(n, "")
        if text:
            out[(entity, key)] = text
    return out
