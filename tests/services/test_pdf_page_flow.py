"""Page flow of every PDF document, on several demo databases: no page without a line of body text — no
page holding only a header block, a title, a repeated table header, a group heading, a total row, notes,
a signature or "Nơi nhận" (issue 15 §2).

What each page holds is recorded while the documents are drawn: the style of every paragraph (body text,
or one of the styles of headers, titles, signatures, notes) and the kind of every table row (data, group
heading, total). A page may not end with a heading either. The giấy chứng nhận (one certificate a page, drawn to a fixed design) are not flowed and
are left out.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Round
from sangkien_desktop.services import (
    demo,
    receipts,
    reconciliation_report,
    registration_export,
)
from sangkien_desktop.services.documents import catalog
from sangkien_desktop.services.pdf import table

from .documents.grading import grade_demo

SEEDS = (1, 4, 7)
HEADINGS = frozenset({"DocType", "Subject", "SectionHeading", "group"})
ROUND_DOCS = ("score-sheets", "score-summary", "minutes", "submission", "decision")
YEAR_DOCS = ("certificate-register", "year-report", "person-history")
NOT_BODY = frozenset(
    {
        "HeaderParent", "HeaderBody", "HeaderNumber", "HeaderSubject", "HeaderNation", "HeaderMotto",
        "HeaderDate", "DocType", "Subject", "Subtitle", "Note", "SectionHeading", "SignTitle", "SignNote",
        "SignName", "RecipientsTitle", "RecipientsItem", "PageNumber", "Copy",
    }
)  # fmt: skip


class PageLog:
    """What is drawn on each page: ("body" | a style name | a row kind, text)."""

    def __init__(self) -> None:
        self.pages: dict[int, list[tuple[str, str]]] = defaultdict(list)

    def stranded(self) -> list[tuple[int, str]]:
        """Pages whose last line is a heading (its text went to the next page)."""
        last = max(self.pages, default=0)
        return [
            (page, items[-1][1])
            for page, items in sorted(self.pages.items())
            if page < last and items[-1][0] in HEADINGS
        ]

    def bodyless(self) -> list[tuple[int, list[str]]]:
        out = []
        for page, items in sorted(self.pages.items()):
            if not any(kind == "body" for kind, _text in items):
                out.append((page, [f"{kind}: {text[:40]}" for kind, text in items]))
        return out


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A demo database of the seed, both rounds graded (one per seed, shared by the module)."""
    path = tmp_path_factory.mktemp(f"flow{request.param}") / "demo.db"
    db = Database.open(path)
    demo.create_demo(db, seed=request.param)
    grade_demo(db)
    yield db
    db.dispose()


def _documents(db: Database) -> Iterator[tuple[str, Callable[[], bytes]]]:
    with db.reading() as session:
        rounds = session.scalars(select(Round).order_by(Round.number)).all()
        ids = [(r.id, r.year) for r in rounds]
    year = ids[0][1]
    for rid, _year in ids:
        for key in ROUND_DOCS:
            yield (
                f"{key} {rid}",
                lambda k=key, r=rid: catalog.produce(db, k, catalog.DocRequest(round_id=r), "pdf").data,
            )
        yield f"receipt-book {rid}", lambda r=rid: receipts.receipt_book_pdf(receipts.load_book(db, r))
        yield (
            f"reconciliation {rid}",
            lambda r=rid: reconciliation_report.report_pdf(reconciliation_report.load_report(db, r)),
        )
    for key in YEAR_DOCS:
        yield key, lambda k=key: catalog.produce(db, k, catalog.DocRequest(year=year), "pdf").data
    yield "registrations", lambda: registration_export.build_pdf_bytes(db, year)


def test_every_page_has_body_text(seeded: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = []
    for name, render in _documents(seeded):
        with monkeypatch.context() as m:
            log = PageLog()
            _record(m, log)
            data = render()
        pages = len(PdfReader(io.BytesIO(data)).pages)
        assert sorted(log.pages) == list(range(1, pages + 1)), f"{name}: a page drew nothing we know of"
        problems += [f"{name}, page {page}: {items}" for page, items in log.bodyless()]
        problems += [f"{name}, page {page} ends with the heading {text!r}" for page, text in log.stranded()]
    assert not problems, "\n".join(problems)


def _record(m: pytest.MonkeyPatch, log: PageLog) -> None:
    draw_paragraph = Paragraph.draw
    draw_rows = table.TableLayout.draw_rows

    def paragraph(self: Paragraph) -> None:
        text = self.getPlainText().strip()
        if text:
            kind = "body" if self.style.name not in NOT_BODY else self.style.name
            log.pages[self.canv.getPageNumber()].append((kind, text))
        draw_paragraph(self)

    def rows(self: table.TableLayout, canv: Any, *args: Any) -> float:
        page = canv.getPageNumber()
        for index, _first, _lines in args[-1]:
            kind = self.rows[index].kind
            log.pages[page].append(("body" if kind == "data" else kind, ""))
        return draw_rows(self, canv, *args)

    m.setattr(Paragraph, "draw", paragraph)
    m.setattr(table.TableLayout, "draw_rows", rows)


def test_registration_table_prints_its_header_once_a_page_and_no_row_cut(seeded: Database) -> None:
    """The merged registration table (issue 15 §1: on seed 7 its two-level header came again mid-page and
    the next row was cut in two): one header at the top of each page, each TT on one page, in order."""
    import pdfplumber

    year = 2026
    data = registration_export.build_pdf_bytes(seeded, year)
    numbers: list[int] = []
    with pdfplumber.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            words = page.extract_words()
            assert page.extract_text().count("Sáng kiến kinh nghiệm") == 1, f"page {page.page_number}"
            tt = next(w for w in words if w["text"] == "TT")  # the TT column's title
            numbers += [
                int(w["text"])
                for w in words
                if w["x1"] <= tt["x1"] + 8 and w["top"] > tt["bottom"] and w["text"].isdigit()
            ]
    assert numbers == list(range(1, len(numbers) + 1))
    assert numbers


def test_reconciliation_report_renders(seeded: Database) -> None:
    """``export reconciliation --round 1 -o x.pdf`` on seed 7 died with "'_CellParagraph' object has no
    attribute 'blPara'"."""
    with seeded.reading() as session:
        first = session.scalars(select(Round.id).order_by(Round.number)).first()
    data = reconciliation_report.report_pdf(reconciliation_report.load_report(seeded, first))
    assert PdfReader(io.BytesIO(data)).pages
