from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import AuditEntry, Setting
from sangkien_desktop.services import letterhead, numbering, settings, settings_preview

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())  # words in reading order; wrapped lines joined


COUNCIL = {
    "issuing_parent": "Ủy ban nhân dân xã Vạn Phúc",
    "issuing_body": "Hội đồng sáng kiến",
    "council_name": "Hội đồng Sáng kiến xã Vạn Phúc",
    "place_name": "Vạn Phúc",
    "chair_name": "Nguyễn Văn An",
    "legal_bases": "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ\nCăn cứ Kế hoạch số 5/KH-UBND",
    "suffix_decision": "/QĐ-HĐSK",
    "standing_office": "Văn phòng HĐND và UBND",
}


def test_settings_are_normalized_and_audited(db: Database) -> None:
    with db.session() as s:
        changed = settings.put(s, COUNCIL)
        assert changed["issuing_parent"] == "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC"
        assert changed["suffix_decision"] == "QĐ-HĐSK"
        assert settings.put(s, COUNCIL) == {}  # nothing changes the second time
        assert settings.is_configured(s)
        with pytest.raises(ValidationError, match="Ký hiệu quyết định"):
            settings.put(s, {"suffix_decision": "QĐ HĐSK", "place_name": "X"})
        assert settings.load(s)["place_name"] == "Vạn Phúc"  # the refused batch changed nothing
        with pytest.raises(ValidationError, match="Không có mục cài đặt"):
            settings.put(s, {"nope": "1"})
    with db.reading() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "setting")))
        assert {e.entity_id for e in entries} == set(COUNCIL)
        rows = {r.key: r for r in settings.rows(s)}
        assert rows["place_name"].stored and not rows["suffix_minutes"].stored
        assert rows["council_level"].choice_label == "Cấp xã/phường"


def test_untouched_empty_defaults_are_not_stored(db: Database) -> None:
    with db.session() as s:
        assert settings.put(s, {"head_name": "", "place_name": ""}) == {}
        assert s.get(Setting, "head_name") is None
        assert not settings.is_configured(s)


def test_header_info_reads_the_settings(db: Database) -> None:
    with db.session() as s:
        settings.put(s, COUNCIL)
        info = letterhead.header_info(s, "suffix_decision", number=3, date=dt.date(2026, 1, 5))
        assert info.parent_lines == ["ỦY BAN NHÂN DÂN XÃ VẠN PHÚC"]
        assert info.issuing_lines == ["HỘI ĐỒNG SÁNG KIẾN"]
        assert info.number_text == "Số: 03/QĐ-HĐSK"
        assert info.date_text == "Vạn Phúc, ngày 05 tháng 01 năm 2026"
        blank = letterhead.header_info(s, "suffix_minutes", year=2026)
        assert blank.number_text.startswith("Số:") and blank.number_text.endswith("/BB-HĐSK")
        assert blank.date_text.startswith("Vạn Phúc, ngày ") and blank.date_text.endswith("năm 2026")
        assert letterhead.legal_bases(s)[-1].endswith("5/KH-UBND.")
        chair = letterhead.signer(s, "chair")
        assert (chair.authority, chair.title, chair.name) == ("TM. HỘI ĐỒNG", "CHỦ TỊCH", "Nguyễn Văn An")
        assert letterhead.signer(s, "head").authority == "TM. ỦY BAN NHÂN DÂN"
        with pytest.raises(KeyError):
            letterhead.header_info(s, "place_name")


@needs_pdftotext
def test_preview_pdf_prints_the_council(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        settings.put(s, COUNCIL)
        values = settings.load(s)
    text = pdf_text(settings_preview.preview_pdf(values, date=dt.date(2026, 3, 12)), tmp_path)
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC",
        "HỘI ĐỒNG SÁNG KIẾN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Vạn Phúc, ngày 12 tháng 3 năm 2026",
        "/QĐ-UBND",  # the decision: issued by the body (the default)
        "/TTr-HĐSK",  # the council's own block
        "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ;",
        "Nguyễn Văn An",
        "Lưu: VT, Văn phòng HĐND và UBND.",
    ):
        assert expected in text, expected


def test_number_series(db: Database) -> None:
    with db.session() as s:
        assert numbering.peek_next(s, 2026, "QD") == 1
        assert numbering.allocate(s, 2026, "QD", "Quyết định công nhận đợt 1") == 1
        assert numbering.allocate(s, 2026, "qd") == 2
        assert numbering.allocate(s, 2027, "QD") == 1  # a new year starts again at 01
        numbering.set_last(s, 2026, "BB", 7)
        rows = {r.kind: r for r in numbering.series(s, 2026)}
        assert rows["QD"].next_number == 3 and rows["BB"].next_number == 8
        assert rows["QD"].suffix == "QĐ-UBND" and rows["BN"].last_number == 0  # the body issues decisions
        settings.put(s, {"decision_issuer": "council"})
        assert {r.kind: r for r in numbering.series(s, 2026)}["QD"].suffix == "QĐ-HĐSK"
        assert numbering.number_for_document(s, 2026, "QD") is None  # default: the văn thư writes it
        settings.put(s, {"number_mode": "auto"})
        assert numbering.number_for_document(s, 2026, "QD") == 3
        with pytest.raises(ValidationError):
            numbering.set_last(s, 2026, "QD", -1)
    with db.reading() as s:
        log = [
            e.summary
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.entity == "number_series").order_by(AuditEntry.id)
            )
        ]
        assert log[0] == "Cấp số 01 (Quyết định năm 2026): Quyết định công nhận đợt 1"
