"""Issue 15 §3–§5: who issues the decision, numbers and dates that stick (the same "01/QĐ-UBND" in every
output, never reused in its yearly series), certificates that leave room to write and sign, the year
report and person history."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.domain.settings_schema import SPECS
from sangkien_desktop.models import AuditEntry, Certificate, NumberSeries, Person, Round
from sangkien_desktop.services import finalize, numbering, settings_preview
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.services.documents import (
    catalog,
    certificate_register,
    certificates,
    decision,
    dost_export,
    year_report,
)
from sangkien_desktop.services.documents.round_data import load_round
from sangkien_desktop.services.documents.year_data import load_year, person_history

from .conftest import docx_text, needs_pdftotext, pdf_text, round_id


def _data(db: Database, number: int = 1):  # type: ignore[no-untyped-def]
    with db.reading() as session:
        return load_round(session, round_id(db, number))


def _settings(db: Database, values: dict[str, str]) -> None:
    with db.session() as session:
        settings_service.put(session, values)


# §3 who issues the decision ------------------------------------------------------------------------
@needs_pdftotext
def test_the_body_issues_the_decision_on_the_councils_submission(graded_db: Database, tmp_path: Path) -> None:
    rid = round_id(graded_db, 1)
    numbering.update_round(graded_db, rid, {"submission_no": "4", "submission_date": dt.date(2026, 5, 25)})
    data = _data(graded_db)
    pdf = pdf_text(decision.decision_pdf(data), tmp_path)
    word = docx_text(decision.decision_docx(data))
    for text in (pdf, word):
        assert text.startswith("ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP") or "ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP" in text
        assert "HỘI ĐỒNG SÁNG KIẾN CỘNG HÒA" not in text  # the council's header is not the issuer's
        assert "Số: 15/QĐ-UBND" in text
        assert (
            "Theo đề nghị của Hội đồng Sáng kiến phường Tam Điệp tại Tờ trình số 04/TTr-HĐSK ngày 25/5/2026"
            in text
        )
        assert "TM. ỦY BAN NHÂN DÂN" in text and "Đinh Công Thành" in text  # head_name, by default
        assert "TM. HỘI ĐỒNG" not in text and "CHỦ TỊCH HỘI ĐỒNG" not in text
    # the authority line above the căn cứ names the collective body that signs "TM."
    assert re.search(
        r"Về việc công nhận sáng kiến đợt 1 năm 2026 ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP Căn cứ", pdf
    )


@needs_pdftotext
def test_a_deputy_signs_for_the_head(graded_db: Database, tmp_path: Path) -> None:
    _settings(graded_db, {"head_signs": "deputy", "deputy_name": "Phạm Thị Dung"})
    text = pdf_text(decision.decision_pdf(_data(graded_db)), tmp_path)
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and "Phạm Thị Dung" in text
    assert "Đinh Công Thành" not in text


@needs_pdftotext
def test_a_head_with_authority_of_their_own_never_signs_tm(graded_db: Database, tmp_path: Path) -> None:
    _settings(graded_db, {"head_authority": "", "issuing_parent": "UBND XÃ VẠN PHÚC"})
    text = pdf_text(decision.decision_pdf(_data(graded_db)), tmp_path)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ VẠN PHÚC Căn cứ" in text
    assert "TM." not in text
    assert "của Chủ tịch Ủy ban nhân dân xã Vạn Phúc)" in text  # the attached list cites the issuer
    _, issues = settings_service.validate({"head_authority": "KT. CHỦ TỊCH"})
    assert any("TM." in i.text() and not i.is_error for i in issues)  # a warning, NĐ 30


@needs_pdftotext
def test_a_council_given_the_power_issues_it_itself(graded_db: Database, tmp_path: Path) -> None:
    _settings(graded_db, {"decision_issuer": "council"})
    data = _data(graded_db)
    text = pdf_text(decision.decision_pdf(data), tmp_path)
    assert "UBND PHƯỜNG TAM ĐIỆP HỘI ĐỒNG SÁNG KIẾN" in text and "Số: 15/QĐ-HĐSK" in text
    assert "HỘI ĐỒNG SÁNG KIẾN PHƯỜNG TAM ĐIỆP Căn cứ" in text  # collective body, signed TM.
    assert "TM. HỘI ĐỒNG CHỦ TỊCH" in text and data.settings["chair_name"] in text
    assert "Tờ trình số" not in text
    item = certificates.certificate_items(data)[0]
    assert item.decision_by == "của Hội đồng Sáng kiến phường Tam Điệp"
    assert item.signer_lines == ("TM. HỘI ĐỒNG", "CHỦ TỊCH")


@needs_pdftotext
def test_settings_preview_shows_both_blocks(db: Database, tmp_path: Path) -> None:
    from sangkien_desktop.services.demo import DEMO_SETTINGS

    values = {**settings_service.get_all(db), **DEMO_SETTINGS, "chair_name": "Nguyễn Văn An"}
    pdf = settings_preview.preview_pdf(values, date=dt.date(2026, 6, 5))
    text = pdf_text(pdf, tmp_path)
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 2
    assert "Số: /QĐ-UBND" in text.replace("  ", " ") or "/QĐ-UBND" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Đinh Công Thành" in text  # the body's block
    assert "/TTr-HĐSK" in text and "TM. HỘI ĐỒNG" in text and "Nguyễn Văn An" in text  # the council's
    assert len(pdfplumber.open(io.BytesIO(pdf)).pages) == 1


def test_settings_keep_their_keys() -> None:
    old = {
        "issuing_parent", "issuing_body", "council_name", "council_level", "place_name", "standing_office",
        "chair_authority", "chair_title", "chair_name", "secretary_title", "secretary_name",
        "head_authority", "head_title", "head_name", "legal_bases", "number_mode", "suffix_decision",
        "suffix_submission", "suffix_minutes", "suffix_receipt", "suffix_notice", "suffix_report",
        "money_zero_ten", "money_four", "backup_dir",
    }  # fmt: skip
    assert old <= set(SPECS)
    assert SPECS["suffix_decision"].default == "QĐ-HĐSK"  # an existing key keeps its meaning


# §4 numbers and dates that stick -------------------------------------------------------------------
def test_numbers_are_allocated_once_stored_and_never_reused(graded_db: Database) -> None:
    rid1, rid2 = round_id(graded_db, 1), round_id(graded_db, 2)
    ref, message = catalog.issue_number(graded_db, "minutes", 2026, rid1)
    assert ref == "01/BB-HĐSK" and "Đã cấp số 01/BB-HĐSK" in message
    again, message = catalog.issue_number(graded_db, "minutes", 2026, rid1)
    assert again == "01/BB-HĐSK" and "không cấp số mới" in message
    # typed by hand for round 2: the series moves past it; the same number for round 1 is refused
    numbering.update_round(graded_db, rid2, {"minutes_no": "5"})
    with pytest.raises(ValidationError, match="05/BB-HĐSK đã là số biên bản họp Hội đồng của Đợt 2"):
        numbering.update_round(graded_db, rid1, {"minutes_no": "05/BB-HĐSK"})
    numbering.update_round(graded_db, rid2, {"minutes_no": ""})  # cleared: 05 is not handed out again
    with graded_db.session() as session:
        rnd = session.get(Round, rid2)
        assert rnd is not None
        assert numbering.allocate_for_round_in(session, rnd, "minutes")[0] == "06/BB-HĐSK"
        series = session.scalar(select(NumberSeries).where(NumberSeries.kind == "BB"))
        assert series is not None and series.last_number == 6
        log = [
            e.summary
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.entity == "round").order_by(AuditEntry.id)
            )
        ]
    assert any("Ghi số biên bản họp Hội đồng 01/BB-HĐSK vào Đợt 1" in e for e in log)
    assert any("số biên bản" in e and "Đợt 2" in e for e in log)


def test_a_finalized_round_keeps_its_numbers(graded_db: Database) -> None:
    rid = round_id(graded_db, 1)
    with graded_db.session() as session:
        session.get(Round, rid).status = "finalized"  # type: ignore[union-attr]
    with pytest.raises(RoundLockedError):
        numbering.update_round(graded_db, rid, {"submission_no": "2"})
    assert numbering.update_round(graded_db, rid, {"decision_no": "15"}) == {}  # unchanged: allowed


@needs_pdftotext
def test_one_decision_number_in_every_output(graded_db: Database, tmp_path: Path) -> None:
    """ "01/QĐ-UBND" in the PDF, the Word file, the Sở workbook, the register, DOC-TOI.txt and the archive."""
    rid = round_id(graded_db, 1)
    with graded_db.session() as session:
        session.get(Round, rid).decision_no = ""  # type: ignore[union-attr]
    ref, _ = catalog.issue_number(graded_db, "decision", 2026, rid)
    assert ref == "01/QĐ-UBND"
    numbering.update_round(graded_db, rid, {"decision_date": dt.date(2026, 6, 5)})
    certificate_register.allocate_round(graded_db, rid)
    req = catalog.DocRequest(round_id=rid, allocate=False)
    assert "Số: 01/QĐ-UBND" in pdf_text(catalog.produce(graded_db, "decision", req, "pdf").data, tmp_path)
    assert "Số: 01/QĐ-UBND" in docx_text(catalog.produce(graded_db, "decision", req, "docx").data)
    assert "Quyết định số 01/QĐ-UBND" in pdf_text(
        catalog.produce(graded_db, "certificates", req, "pdf").data, tmp_path
    )
    with graded_db.reading() as session:
        rows = dost_export.dost_rows(load_year(session, 2026, rid))
        assert {r.decision_no for r in rows} == {"01/QĐ-UBND"}
        assert {r.decision for r in certificate_register.register_rows(session, 2026)} == {
            "01/QĐ-UBND ngày 05/6/2026"
        }
        assert {
            r.decision for r in person_history(session, year_to=2026) if r.round_label == "Đợt 1 năm 2026"
        } == {"01/QĐ-UBND"}
    wb = openpyxl.load_workbook(io.BytesIO(catalog.produce(graded_db, "dost", req, "xlsx").data))
    assert any(c.value == "01/QĐ-UBND" for row in wb.active.iter_rows() for c in row)
    result = finalize.finalize_round(graded_db, rid, archive_root=tmp_path / "archive")
    assert result.archive is not None
    readme = (result.archive.folder / "DOC-TOI.txt").read_text(encoding="utf-8")
    assert "Quyết định số 01/QĐ-UBND ngày 05/06/2026" in readme or "số 01/QĐ-UBND" in readme
    assert "số 1 " not in readme and "/QĐ-HĐSK" not in readme
    archived = result.archive.folder / "van-ban"
    docs = {p.name: p for p in archived.iterdir()}
    dec = next(p for n, p in docs.items() if n.startswith("quyet-dinh") and n.endswith(".pdf"))
    assert "Số: 01/QĐ-UBND" in pdf_text(dec.read_bytes(), tmp_path)


def test_legacy_bare_numbers_print_spelled(graded_db: Database) -> None:
    """A number stored as "15" before numbers were spelled prints "15/QĐ-UBND" everywhere."""
    data = _data(graded_db)
    assert data.decision_no == "15/QĐ-UBND"
    assert decision.decision_citation(data) == "Quyết định số 15/QĐ-UBND ngày 05/6/2026"


# §5 certificates ---------------------------------------------------------------------------------------
def _words(pdf: bytes, page: int = 0) -> list[dict]:  # type: ignore[type-arg]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return doc.pages[page].extract_words()


@needs_pdftotext
def test_certificate_date_room_to_sign_and_salutation(graded_db: Database, tmp_path: Path) -> None:
    rid = round_id(graded_db, 1)
    certificate_register.allocate_round(graded_db, rid)
    data = _data(graded_db)
    items = certificates.certificate_items(data)
    pdf = certificates.certificates_pdf(items[:1])
    assert "Tam Điệp, ngày ……… tháng ……… năm 2026" in pdf_text(pdf, tmp_path)
    # ≥ 30 mm between the signer's title and the name, for the signature and the seal
    words = _words(pdf)
    title_bottom = max(w["bottom"] for w in words if w["text"] == "TỊCH")
    name = data.settings["head_name"].split()[0]
    name_top = min(w["top"] for w in words if w["text"] == name and w["top"] > title_bottom)
    assert (name_top - title_bottom) / 72 * 25.4 >= 30
    # a deputy's three lines still leave 30 mm
    _settings(graded_db, {"head_signs": "deputy", "deputy_name": "Phạm Thị Dung"})
    pdf = certificates.certificates_pdf(certificates.certificate_items(_data(graded_db))[:1])
    words = _words(pdf)
    title_bottom = max(w["bottom"] for w in words if w["text"] == "TỊCH")
    name_top = min(w["top"] for w in words if w["text"] == "Phạm" and w["top"] > title_bottom)
    assert (name_top - title_bottom) / 72 * 25.4 >= 30
    # a date set on the round is printed (and on the register)
    numbering.update_round(graded_db, rid, {"certificate_date": dt.date(2026, 6, 10)})
    data = _data(graded_db)
    assert "Tam Điệp, ngày 10 tháng 6 năm 2026" in pdf_text(
        certificates.certificates_pdf(certificates.certificate_items(data)[:1]), tmp_path
    )
    with graded_db.reading() as session:
        dates = set(session.scalars(select(Certificate.issued_on).where(Certificate.voided_at.is_(None))))
    assert dates == {dt.date(2026, 6, 10)}
    # no gender: no "Ông"/"Bà" guessed, unless the secretary asks for "Ông/Bà"
    first = data.recognized()[0].authors[0]
    with graded_db.session() as session:
        session.get(Person, first.person_id).gender = ""  # type: ignore[union-attr]
    data = _data(graded_db)
    item = next(i for i in certificates.certificate_items(data) if i.person_id == first.person_id)
    assert item.salutation == "" and first.name in certificates.without_gender(data)
    asked = certificates.certificate_items(data, unknown_salutation=True)
    assert next(i for i in asked if i.person_id == first.person_id).salutation == "Ông/Bà"
    result = catalog.produce(graded_db, "certificates", catalog.DocRequest(round_id=rid), "pdf")
    assert any("chưa ghi giới tính" in m for m in result.messages)


def test_certificate_pdfs_embed_every_font(graded_db: Database, tmp_path: Path) -> None:
    import shutil

    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts missing")
    rid = round_id(graded_db, 1)
    for req in (
        catalog.DocRequest(round_id=rid),
        catalog.DocRequest(round_id=rid, preprinted=True),
    ):
        path = tmp_path / "gcn.pdf"
        path.write_bytes(catalog.produce(graded_db, "certificates", req, "pdf").data)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(" yes " in r for r in rows), fonts
        assert "Helvetica" not in fonts
    path.write_bytes(certificates.calibration_pdf())
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Helvetica" not in fonts


# §5 year report and person history ---------------------------------------------------------------------
@needs_pdftotext
def test_year_report_names_a_round_not_graded(graded_db: Database, tmp_path: Path) -> None:
    rid2 = round_id(graded_db, 2)
    from sangkien_desktop.models import Dossier, GradeResult

    with graded_db.session() as session:
        for g in session.scalars(select(GradeResult).join(Dossier).where(Dossier.round_id == rid2)):
            session.delete(g)
    with graded_db.reading() as session:
        year = load_year(session, 2026)
    fig = year_report.year_figures(year)
    second = fig.rounds[1]
    assert second.label == "Đợt 2 năm 2026 (chưa xếp loại)" and second.recognized_value is None
    assert fig.total.recognized == fig.rounds[0].recognized
    text = pdf_text(year_report.year_report_pdf(year), tmp_path)
    assert "Đợt 2 năm 2026 (chưa xếp loại)" in text and "chưa tính vào số được công nhận" in text
    wb = openpyxl.load_workbook(io.BytesIO(year_report.year_report_xlsx(year, [])))
    ws = wb["Theo đợt"]
    row = next(r for r in ws.iter_rows() if r[1].value == "Đợt 2 năm 2026 (chưa xếp loại)")
    assert row[4].value is None and row[5].value is None  # not "0 recognized, 0 %"


@needs_pdftotext
def test_person_history_subtitle_and_signature(graded_db: Database, tmp_path: Path) -> None:
    with graded_db.reading() as session:
        records = person_history(session, year_to=2026)
        values = settings_service.load(session)
    text = pdf_text(year_report.person_history_pdf(records, values, 2026, "HĐSK"), tmp_path)
    assert "Năm 2026" in text and "Các năm" not in text
    assert "NGƯỜI LẬP" in text and "TM. HỘI ĐỒNG" in text and values["chair_name"] in text
    assert year_report.years_text([2020, 2026, 2023], 2026) == "Các năm 2020–2026"
    wb = openpyxl.load_workbook(io.BytesIO(year_report.person_history_xlsx(records, values, 2026, "HĐSK")))
    cells = [c.value for row in wb["Cá nhân"].iter_rows() for c in row if c.value]
    assert "Năm 2026 — HĐSK" in cells and values["chair_name"] in cells
