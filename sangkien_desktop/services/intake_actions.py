"""What the Hồ sơ page and its dialogs ask of the database beyond ``intake``'s own calls, each one call and
one transaction: the undo and redo of an edit or a status change (the dossier as it was, put back whatever
its status), a receipt or the receipt book built off the GUI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..db.database import Database
from . import intake
from .intake import DossierInput, SaveResult


def put_back(db: Database, dossier_id: int, data: DossierInput, *, action: str = "undo") -> SaveResult:
    """Put a dossier back as ``data`` says (any earlier status allowed): the undo of an edit or a status
    change, and the redo of an edit."""
    return intake.update(db, dossier_id, data, enforce_transition=False, action=action)


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
