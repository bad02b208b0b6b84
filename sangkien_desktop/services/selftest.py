"""``sangkien-desktop --self-test``: prove an installation (or the frozen bundle) works end to end.

Opens a temporary database, migrates it, fills a little demo data, renders one PDF and one xlsx with
Vietnamese text, reads them back, and returns a list of the checks that passed. Raises on the first failure.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..db.database import Database
from ..db.migrate import head_revision
from . import demo

PROBE = "Hội đồng Sáng kiến — Đổi mới, sáng tạo"


def run_self_test(
    report: Callable[[str], None] = print, check_pdf: Callable[[bytes], str] | None = None
) -> list[str]:
    """Run the checks; ``check_pdf`` (given by the GUI, using QtPdf) returns the PDF's text to verify."""
    passed: list[str] = []

    def ok(text: str) -> None:
        passed.append(text)
        report(f"OK  {text}")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sangkien-selftest-") as folder:
        db = Database.open(Path(folder) / "selftest.db", backup_dir=Path(folder) / "backups")
        try:
            assert db.migration is not None and db.migration.after == head_revision()
            ok(f"cơ sở dữ liệu tạm đã tạo và nâng cấp tới {head_revision()}")
            summary = demo.create_demo(db, dossiers=6, seed=1)
            ok(f"dữ liệu mẫu: {summary.units} đơn vị, {summary.dossiers} hồ sơ")
            ok(_second_process(db))
        finally:
            db.dispose()

    from .pdf.document import build_pdf
    from .pdf.styles import get_styles, para

    pdf = build_pdf([para(PROBE, get_styles().doc_type)], title="Kiểm tra")
    assert pdf.startswith(b"%PDF") and b"LiberationSerif" in pdf
    ok(f"PDF với phông chữ tiếng Việt nhúng sẵn ({len(pdf)} byte)")
    if check_pdf is not None:
        text = check_pdf(pdf)
        assert "Đổi mới" in text, f"văn bản đọc lại từ PDF sai: {text!r}"
        ok("PDF đọc lại đúng chữ tiếng Việt")

    import openpyxl

    from .xlsx.cells import set_text
    from .xlsx.layout import new_workbook

    wb, ws = new_workbook("Kiểm tra")
    set_text(ws["A1"], PROBE)
    set_text(ws["A2"], "=1+1")
    buffer = io.BytesIO()
    wb.save(buffer)
    back = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert back.active["A1"].value == PROBE and back.active["A2"].data_type == "s"
    ok("tệp Excel ghi và đọc lại đúng")
    ok(f"xong trong {time.perf_counter() - started:.1f} giây")
    return passed


def _second_process(db: Database) -> str:
    """The round's documents made by the worker process alone (``services.document_workers``): the frozen
    bundle must be able to start it."""
    from sqlalchemy import select

    from ..models import Round
    from . import document_workers, round_documents
    from .documents.round_data import sharing_loads

    with db.reading() as session:
        round_id = session.scalars(select(Round.id).order_by(Round.id)).first()
    assert round_id is not None
    items = round_documents.registered()
    from_worker: list[str] = []
    with sharing_loads():
        outcomes = document_workers.run(
            db,
            round_id,
            items,
            lambda _done, _total, text: from_worker.append(text) if text.startswith("Đã lập") else None,
            take_here=False,
        )
    assert len(from_worker) == len(items), f"tiến trình phụ chỉ lập {len(from_worker)}/{len(items)} văn bản"
    errors = [f"{item.label}: {o.message}" for item, o in zip(items, outcomes, strict=True) if o.error]
    assert not errors, "không lập được: " + "; ".join(errors)
    files = sum(len(outcome.files) for outcome in outcomes)
    return f"tiến trình phụ lập đủ {len(items)} loại văn bản của đợt ({files} tệp)"
