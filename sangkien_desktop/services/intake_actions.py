"""What the Hồ sơ page and its dialogs ask of the database beyond ``intake``'s own calls, each one call and
one transaction: receiving, editing, changing the status of and deleting a dossier with an exact undo (each
returns the rows it changed as they were, with their ids — the dossier, its authors and checklist, what went
with it, and the people records its authors touched — and ``put_back`` restores them), a receipt or the
receipt book built off the GUI thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.enums import DossierStatus
from ..domain.text import fold_key
from ..models import Authorship, Person
from . import intake, row_snapshots
from .intake import AuthorInput, DossierInput, SaveResult
from .row_snapshots import Keys, Rows
from .undo_entry import returns_inverse


@dataclass(frozen=True)
class Saved:
    """A dossier saved, and the rows it changed as they were before (``put_back`` restores them)."""

    result: SaveResult
    before: Rows

    @property
    def code(self) -> str:
        return self.result.code


@dataclass(frozen=True)
class Deleted:
    """A dossier deleted: its code and its rows with everything that went with it (``put_back``)."""

    dossier_id: int
    code: str
    before: Rows


def _scope(session: Session, dossier_id: int | None, authors: Sequence[AuthorInput] = ()) -> Keys:
    """The rows a write of this dossier may change: the dossier with every row that goes with it, and the
    people its authors are (or may be matched to, by id or by name)."""
    rows = row_snapshots.family(session, "dossiers", [] if dossier_id is None else [dossier_id])
    people: set[int] = set()
    if dossier_id is not None:
        people |= set(
            session.scalars(select(Authorship.person_id).where(Authorship.dossier_id == dossier_id))
        )
    people |= {a.person_id for a in authors if a.person_id is not None}
    names = sorted({fold_key(a.full_name) for a in authors})
    if names:
        people |= set(session.scalars(select(Person.id).where(Person.name_key.in_(names))))
    return row_snapshots.merge(rows, {"people": people})


def _saved(
    db: Database,
    dossier_id: int | None,
    authors: Sequence[AuthorInput],
    write: Callable[[Session], SaveResult],
) -> Saved:
    with db.session() as session:
        held: dict[str, int | None] = {"id": dossier_id}

        def run() -> SaveResult:
            result = write(session)
            held["id"] = result.dossier_id
            return result

        result, before = row_snapshots.around_in(session, lambda: _scope(session, held["id"], authors), run)
        return Saved(result, before)


def receive(db: Database, data: DossierInput) -> Saved:
    """``intake.receive``; its undo (``put_back``) removes the dossier and puts back the people it touched."""
    return _saved(db, None, data.authors, lambda s: intake.receive_in(s, data))


def update(db: Database, dossier_id: int, data: DossierInput) -> Saved:
    """``intake.update`` of the dossier form, with what its undo puts back."""
    return _saved(db, dossier_id, data.authors, lambda s: intake.update_in(s, dossier_id, data))


def change_status(
    db: Database,
    dossier_id: int,
    status: DossierStatus,
    *,
    note: str = "",
    requested_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
) -> Saved:
    """``intake.change_status``, with what its undo puts back."""
    return _saved(
        db,
        dossier_id,
        (),
        lambda s: intake.change_status_in(
            s, dossier_id, status, note=note, requested_on=requested_on, accepted_on=accepted_on
        ),
    )


def delete(db: Database, dossier_id: int) -> Deleted:
    """``intake.delete_dossier``; its undo (``put_back``) brings the dossier back with its id, its authors,
    checklist and whatever went with it."""
    with db.session() as session:
        code = intake.find_dossier(session, dossier_id).code
        _, before = row_snapshots.around_in(
            session,
            lambda: _scope(session, dossier_id),
            lambda: intake.delete_dossier_in(session, dossier_id),
        )
        return Deleted(dossier_id, code, before)


@returns_inverse
def put_back(db: Database, done: Saved | Deleted) -> Saved | Deleted:
    """Undo of ``receive``, ``update``, ``change_status`` or ``delete``: the rows as they were (one
    transaction). Returns the same kind of value holding the rows it overwrote: ``put_back`` of it redoes
    the action exactly (a dossier received comes back with its id)."""
    if isinstance(done, Deleted):
        dossier_id, code = done.dossier_id, done.code
    else:
        dossier_id, code = done.result.dossier_id, done.result.code
    inverse = row_snapshots.restore(
        db,
        done.before,
        entity="dossier",
        entity_id=dossier_id,
        summary=f"Hoàn tác thao tác trên hồ sơ {code}",
    )
    return replace(done, before=inverse)


@dataclass(frozen=True)
class Receipt:
    code: str
    pdf: bytes


def receipt(db: Database, dossier_id: int, copies: int = 2) -> Receipt:
    """The receipt of a dossier as a PDF (``copies`` on one sheet), with the dossier's code."""
    from . import receipts  # openpyxl and reportlab: read when first needed

    detail = intake.get_dossier(db, dossier_id)
    return Receipt(detail.code, receipts.receipt_pdf(db, dossier_id, copies=copies))


@dataclass(frozen=True)
class BookPdf:
    round_label: str
    pdf: bytes


def book_pdf(db: Database, round_id: int, printed_on: dt.date | None = None) -> BookPdf:
    """The round's receipt book as a PDF."""
    from . import receipts

    book = receipts.load_book(db, round_id, printed_on=printed_on)
    return BookPdf(book.round_label, receipts.receipt_book_pdf(book))


def write_book_xlsx(db: Database, round_id: int, path: Path, printed_on: dt.date | None = None) -> Path:
    """Write the round's receipt book as an Excel workbook."""
    from . import receipts
    from .output import write_document

    book = receipts.load_book(db, round_id, printed_on=printed_on)
    write_document(path, receipts.receipt_book_xlsx(book))
    return path
