"""The names of dossiers' authors, in the order of the đơn (one query for many dossiers)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ..models import Authorship, Person


def author_names(session: Session, which: ColumnElement[bool] | None = None) -> dict[int, list[str]]:
    """Dossier id → its authors' names, for the authorships matching ``which`` (every one without it),
    e.g. ``Authorship.dossier_id.in_(ids)``."""
    query = (
        select(Authorship.dossier_id, Person.full_name)
        .join(Person, Person.id == Authorship.person_id)
        .order_by(Authorship.dossier_id, Authorship.position, Authorship.id)
    )
    if which is not None:
        query = query.where(which)
    names: dict[int, list[str]] = {}
    for dossier_id, name in session.execute(query):
        names.setdefault(dossier_id, []).append(name)
    return names
