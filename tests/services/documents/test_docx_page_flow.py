"""Page flow of the Word documents (minutes, tờ trình, decision) as LibreOffice lays them out: every page
carries a line of body text — never a page of only a signature, "Nơi nhận", a heading, a repeated table
head or a total. Rows never break across pages, table heads repeat, the last article keeps with the
signature. All files of the run are converted by ONE LibreOffice call (session fixture)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from sangkien_desktop.services.documents import decision, minutes
from sangkien_desktop.services.documents.blocks import Block, render_docx
from sangkien_desktop.services.documents.round_data import RoundData, load_round
from tests.helpers.page_flow import furniture_of, pages_without_body

from .conftest import SeedDatabases, needs_soffice, round_id

SEEDS = (1, 7)
DOCUMENTS: dict[str, Callable[[RoundData], list[Block]]] = {
    "minutes": minutes.minutes_blocks,
    "submission": decision.submission_blocks,
    "decision": decision.decision_blocks,
}


@dataclass(frozen=True)
class Rendered:
    name: str
    docx: bytes
    pdf: Path
    furniture: list[str]


@pytest.fixture(scope="session")
def rendered(seed_dbs: SeedDatabases, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """Every document of both rounds of each seed as .docx, converted to PDF by one soffice call."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext missing")
    out = tmp_path_factory.mktemp("docx-flow")
    made: dict[str, tuple[bytes, list[str]]] = {}
    for seed in SEEDS:
        db = seed_dbs.get(seed)
        for number in (1, 2):
            with db.reading() as session:
                data = load_round(session, round_id(db, number))
            for key, build in DOCUMENTS.items():
                blocks = build(data)
                name = f"{key}-seed{seed}-round{number}"
                made[name] = (render_docx(blocks, title=name), furniture_of(blocks))
                (out / f"{name}.docx").write_bytes(made[name][0])
    env = {"HOME": str(out), "XDG_CACHE_HOME": str(out / "xdg"), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out / 'lo_profile'}", "--headless", "--convert-to",
         "pdf", "--outdir", str(out), *sorted(str(p) for p in out.glob("*.docx"))],
        check=True, capture_output=True, timeout=300, env=env,
    )  # fmt: skip
    return {name: Rendered(name, data, out / f"{name}.pdf", furn) for name, (data, furn) in made.items()}


@needs_soffice
def test_every_page_has_body_text(rendered: dict[str, Rendered]) -> None:
    bad = {}
    for name, r in rendered.items():
        assert r.pdf.is_file(), f"LibreOffice did not convert {name}"
        pages = pages_without_body(r.pdf, r.furniture)
        if pages:
            bad[name] = pages
    assert not bad, f"pages with no body text: {bad}"


@needs_soffice
def test_rows_never_split_heads_repeat_last_article_keeps_with_signature(
    rendered: dict[str, Rendered],
) -> None:
    for name, r in rendered.items():
        document = docx.Document(io.BytesIO(r.docx))
        for table in document.tables:
            for row in table.rows:
                assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None, name
        lists = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
        if lists:
            first = lists[0].rows[0]._tr.trPr
            assert first.find(qn("w:tblHeader")) is not None, name
        body = document.element.body
        closing = next(
            (t for t in body.iterchildren(qn("w:tbl")) if "Nơi nhận:" in "".join(t.itertext())), None
        )
        if closing is not None:
            before = closing.getprevious()
            assert before.tag == qn("w:p") and before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, (
                name
            )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing")
def test_checker_flags_a_page_of_furniture_only(tmp_path: Path) -> None:
    """The check itself: a signature and "Nơi nhận" pushed alone onto a page are caught."""
    import datetime as dt

    from sangkien_desktop.services.docspec import HeaderInfo
    from sangkien_desktop.services.documents.blocks import (
        Closing,
        Header,
        NewSection,
        Text,
        Title,
        render_pdf,
    )
    from sangkien_desktop.services.pdf import Signer

    info = HeaderInfo("UBND PHƯỜNG X", "HỘI ĐỒNG SÁNG KIẾN", "01", "QĐ-HĐSK", "X", dt.date(2026, 6, 5), 2026)
    signer = Signer("CHỦ TỊCH", "Nguyễn Văn An", "TM. HỘI ĐỒNG")
    blocks: list[Block] = [
        Header(info),
        Title("Quyết định", "Về việc công nhận sáng kiến"),
        Text("Điều 1. Công nhận các sáng kiến có tên trong danh sách kèm theo."),
        NewSection(landscape=False),
        Closing(signer, ("Như Điều 1", "Lưu: VT")),
    ]
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(render_pdf(blocks, title="x"))
    assert [n for n, _text in pages_without_body(pdf, furniture_of(blocks))] == [2]
