"""bench/run.py's report: every measurement with a target carries ``target`` and ``ok`` (issue 19), the PDF
export's target is half of LibreOffice's time in the same run. (Nothing is timed here.)"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import run


def test_a_target_gives_target_and_ok() -> None:
    met = run.Result("finalize", "finalize", runs=[4.0, 6.0, 5.0], target=5.0).as_dict()
    assert met["median"] == 5.0 and met["target"] == 5.0 and met["ok"] is True
    missed = run.Result("peak_rss_mb", "memory", runs=[230.0], unit="MB", target=200).as_dict()
    assert missed["ok"] is False and missed["unit"] == "MB"
    plain = run.Result("page_council", "page", runs=[0.2]).as_dict()
    assert "target" not in plain and "ok" not in plain


def test_nothing_measured_is_not_ok_or_missed() -> None:
    pending = run.Result("finalize", "finalize", target=5.0, error="boom").as_dict()
    assert pending["target"] == 5.0 and pending["ok"] is None and pending["error"] == "boom"


def test_the_pdf_export_target_is_half_of_libreoffice() -> None:
    pdf = run.Result("export_pdf", "pdf", runs=[2.0])
    lo = run.Result("libreoffice_xlsx_to_pdf", "lo", runs=[6.0, 7.0, 8.0])
    run._export_pdf_target([pdf, lo])
    assert pdf.target == 3.5 and pdf.ok is True
    assert "3.5× faster" in pdf.note
