"""The Sở KH&CN workbook, the year-end figures and workbook, the person history and the certificate
register: read back and compared with the database; the workbooks open in LibreOffice."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import DossierStatus
from sangkien_desktop.domain.text import name_sort_key
from sangkien_desktop.models import Authorship, Certificate, Dossier, GradeResult, Person, Round
from sangkien_desktop.services.documents import certificate_register, dost_export, year_report
from sangkien_desktop.services.documents.year_data import load_year, person_history

from .conftest import needs_pdftotext, needs_soffice, pdf_text, round_id, soffice_convert

RECOGNIZED = ("A", "B", "C", "CN")


def _table(ws, first_title: str) -> tuple[list[str], list[list[object]]]:  # type: ignore[no-untyped-def]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == first_title)
    header = [str(v) if v is not None else "" for v in rows[head]]
    body: list[list[object]] = []
    for r in rows[head + 1 :]:
        if not isinstance(r[0], int | float):
            if body:
                break
            continue  # the second row of a grouped head
        body.append(r)
    return header, body


def _db_recognized(db: Database, year: int) -> dict[str, dict[str, object]]:
    """title → what the database says about each recognized initiative of the year."""
    out: dict[str, dict[str, object]] = {}
    with db.reading() as session:
        rows = session.execute(
            select(Dossier, GradeResult, Round).join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .join(Round, Round.id == Dossier.round_id)
            .where(Dossier.year == year, GradeResult.grade.in_(RECOGNIZED))
        ).all()  # fmt: skip
        for d, g, r in rows:
            authors = session.execute(
                select(Person.full_name, Authorship.contribution)
                .join(Authorship, Authorship.person_id == Person.id)
                .where(Authorship.dossier_id == d.id)
                .order_by(Authorship.position)
            ).all()
            certs = session.scalars(
                select(Certificate.register_no).where(
                    Certificate.dossier_id == d.id, Certificate.voided_at.is_(None)
                )
            ).all()
            out[d.title] = {
                "unit": d.unit.name,
                "round": r.number,
                "grade": g.grade,
                "mean": g.mean,
                "reward": g.reward,
                "authors": [n for n, _ in authors],
                "contrib": [c for _, c in authors],
                "decision": r.decision_no,
                "decision_date": r.decision_date,
                "certs": sorted(certs),
            }
    return out


def test_dost_workbook_matches_database(graded_db: Database, tmp_path: Path) -> None:
    certificate_register.allocate_round(graded_db, round_id(graded_db, 1))
    with graded_db.reading() as session:
        data = load_year(session, 2026)
    content = dost_export.dost_xlsx(data)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.active
    header, body = _table(ws, "TT")
    assert header == [t for t, _ in dost_export.COLUMNS]
    expected = _db_recognized(graded_db, 2026)
    assert len(body) == len(expected)
    col = {t: i for i, t in enumerate(header)}
    for r in body:
        title = r[col["Tên sáng kiến"]]
        e = expected[title]  # type: ignore[index]
        assert r[col["Năm"]] == 2026 and r[col["Đợt"]] == e["round"]
        assert r[col["Đơn vị"]] == e["unit"]
        assert r[col["Xếp loại"]] == e["grade"]
        assert Decimal(str(r[col["Điểm bình quân"]])) == Decimal(e["mean"]).quantize(Decimal("0.01"))  # type: ignore[arg-type]
        assert (r[col["Tiền thưởng (đồng)"]] or 0) == e["reward"]
        authors = str(r[col["Tác giả (tỷ lệ đóng góp)"]]).split("\n")
        assert [a.rsplit(" (", 1)[0] for a in authors] == e["authors"]
        assert all(a.endswith("%)") for a in authors)
        if e["decision"]:
            assert r[col["Số quyết định công nhận"]] == f"{e['decision']}/QĐ-UBND"
            assert r[col["Ngày quyết định"]].date() == e["decision_date"]  # type: ignore[union-attr]
        certs = [c for c in str(r[col["Số giấy chứng nhận"]] or "").split("\n") if c]
        assert certs == [f"{n:03d}/2026" for n in e["certs"]]  # type: ignore[union-attr]
    assert ws.auto_filter.ref


def test_year_figures_match_database(graded_db: Database) -> None:
    with graded_db.reading() as session:
        data = load_year(session, 2026)
        dossiers = session.execute(select(Dossier.id, Dossier.status)).all()
        grades = dict(session.execute(select(GradeResult.dossier_id, GradeResult.grade)).all())
        rewards = dict(session.execute(select(GradeResult.dossier_id, GradeResult.reward)).all())
    fig = year_report.year_figures(data)
    assert fig.total.received == len(dossiers)
    valid = [d for d, s in dossiers if s in (DossierStatus.VALID, DossierStatus.COMPLETE) or d in grades]
    assert fig.total.valid == len(valid)
    recognized = [d for d, _ in dossiers if grades.get(d) in RECOGNIZED]
    assert fig.total.recognized == len(recognized)
    assert fig.total.reward == sum(rewards[d] for d in recognized)
    assert sum(r.received for r in fig.rounds) == fig.total.received
    assert sum(r.recognized for r in fig.unit_types) == fig.total.recognized
    assert sum(r.recognized for r in fig.fields) == fig.total.recognized
    assert {g.code: g.initiatives for g in fig.grades} == dict(Counter(grades[d] for d in recognized))


@needs_soffice
def test_workbooks_open_in_libreoffice_and_read_back(graded_db: Database, tmp_path: Path) -> None:
    certificate_register.allocate_round(graded_db, round_id(graded_db, 1))
    with graded_db.reading() as session:
        data = load_year(session, 2026)
        records = person_history(session)
    fig = year_report.year_figures(data)
    dost = tmp_path / "so-khcn.xlsx"
    dost.write_bytes(dost_export.dost_xlsx(data))
    report = tmp_path / "tong-ket.xlsx"
    report.write_bytes(year_report.year_report_xlsx(data, records))
    for path in (dost, report):
        pdf = soffice_convert(path, tmp_path)
        assert pdf.stat().st_size > 2000
    # LibreOffice reads them and saves them again: what it saved still says what the database says
    saved = tmp_path / "lo"
    saved.mkdir()
    wb = openpyxl.load_workbook(soffice_convert(report, saved, "xlsx"))
    assert wb.sheetnames == [
        "Theo đợt", "Theo xếp loại", "Theo loại đơn vị", "Theo lĩnh vực", "Theo đơn vị", "Cá nhân", "Cá nhân theo năm",
    ]  # fmt: skip
    _, body = _table(wb["Theo đợt"], "TT")
    assert [r[1] for r in body] == [r.label for r in fig.rounds]
    assert [r[2] for r in body] == [r.received for r in fig.rounds]
    assert [r[4] for r in body] == [r.recognized for r in fig.rounds]
    _, people = _table(wb["Cá nhân"], "TT")
    assert len(people) == len(records)
    assert [p[1] for p in people] == [r.name for r in records]
    dost_back = openpyxl.load_workbook(soffice_convert(dost, saved, "xlsx"))
    header, body = _table(dost_back.active, "TT")
    titles = {r[header.index("Tên sáng kiến")] for r in body}
    assert titles == set(_db_recognized(graded_db, 2026))


def test_person_history_counts_each_author(graded_db: Database) -> None:
    with graded_db.reading() as session:
        records = person_history(session)
        expected = session.execute(
            select(func.count()).select_from(Authorship)
            .join(GradeResult, GradeResult.dossier_id == Authorship.dossier_id)
            .where(GradeResult.grade.in_(RECOGNIZED))
        ).scalar()  # fmt: skip
    assert len(records) == expected
    assert all(r.year == 2026 for r in records)
    keys = [name_sort_key(r.name) for r in records]
    assert keys == sorted(keys)


@needs_pdftotext
def test_register_and_reports_render(graded_db: Database, tmp_path: Path) -> None:
    certificate_register.allocate_round(graded_db, round_id(graded_db, 1))
    with graded_db.reading() as session:
        rows = certificate_register.register_rows(session, 2026)
        data = load_year(session, 2026)
        records = person_history(session)
    assert [r.number for r in rows] == [f"{i:03d}/2026" for i in range(1, len(rows) + 1)]
    text = pdf_text(certificate_register.register_pdf(rows, dict(data.settings), 2026), tmp_path)
    assert "SỔ CẤP GIẤY CHỨNG NHẬN SÁNG KIẾN NĂM 2026" in text and rows[0].name in text
    text = pdf_text(year_report.year_report_pdf(data), tmp_path)
    fig = year_report.year_figures(data)
    assert "Số liệu tổng kết công tác sáng kiến năm 2026" in text
    assert f"tiếp nhận {fig.total.received:02d} hồ sơ" in text
    text = pdf_text(year_report.person_history_pdf(records, dict(data.settings), 2026, "HĐSK"), tmp_path)
    assert records[0].name in text


@pytest.mark.parametrize("year", [2025])
def test_year_without_rounds_is_a_clear_error(graded_db: Database, year: int) -> None:
    from sangkien_desktop.domain.errors import NotFoundError

    with pytest.raises(NotFoundError, match="chưa có đợt"), graded_db.reading() as session:
        load_year(session, year)
