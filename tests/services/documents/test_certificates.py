"""Certificates: the register (numbers allocated once, never reused), the pages (text fitted inside the
page and the border, even for a 250-character title and a long name), pre-printed blanks and offsets."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm
from sqlalchemy import func, select, update

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.models import AuditEntry, Certificate, GradeResult, NumberSeries, Round, Setting
from sangkien_desktop.services.documents import certificate_layout, certificate_register, certificates
from sangkien_desktop.services.documents.certificate_layout import FIELDS, PAGE_H, PAGE_W, Offsets
from sangkien_desktop.services.documents.certificates import Token, fit_tokens, line_width
from sangkien_desktop.services.documents.round_data import RoundData, load_round

from .conftest import needs_pdftotext, pdf_text, round_id

LONG_TITLE = (
    "Giải pháp ứng dụng công nghệ số trong quản lý, theo dõi, đánh giá chất lượng dịch vụ hành chính công "
    "và mức độ hài lòng của người dân, doanh nghiệp đối với các thủ tục hành chính thuộc thẩm quyền giải "
    "quyết của Ủy ban nhân dân phường Tam Điệp, tỉnh Ninh Bình, giai đoạn 2026–2030 và những năm tiếp theo"
)[:250]
LONG_NAME = "Tôn Nữ Thị Hoàng Yến Phương Thảo Nguyễn Ngọc Bích Trâm Anh Khuê"
LONG_UNIT = (
    "Trung tâm Văn hóa, Thể thao và Truyền thanh phường Tam Điệp, tỉnh Ninh Bình, kiêm Bộ phận một cửa"
)


def _load(db: Database, number: int = 1) -> RoundData:
    with db.reading() as session:
        return load_round(session, round_id(db, number))


def _certs(db: Database) -> list[tuple[int, int, int, int, bool]]:
    with db.reading() as session:
        return [
            (c.year, c.register_no, c.dossier_id, c.person_id, c.voided_at is not None)
            for c in session.scalars(select(Certificate).order_by(Certificate.register_no))
        ]


def test_allocation_numbers_each_author_once(graded_db: Database) -> None:
    data = _load(graded_db)
    authors = [(d.id, a.person_id) for d in data.recognized() for a in d.authors]
    report = certificate_register.allocate_round(graded_db, data.id)
    assert len(report.numbered) == len(authors)
    rows = _certs(graded_db)
    assert [r[1] for r in rows] == list(range(1, len(authors) + 1))
    assert [(r[2], r[3]) for r in rows] == authors  # in the order of the attached list
    assert "001/2026" in report.summary()
    again = certificate_register.allocate_round(graded_db, data.id)
    assert not again.numbered and _certs(graded_db) == rows
    with graded_db.reading() as session:
        series = session.get(NumberSeries, (2026, "GCN"))
        assert series is not None and series.last_number == len(authors)
        assert session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.entity == "certificate")
        ) == len(authors)
    # round 2 continues the year's register
    data2 = _load(graded_db, 2)
    report2 = certificate_register.allocate_round(graded_db, data2.id)
    if report2.numbered:
        assert report2.numbered[0].register_no == len(authors) + 1


def test_regrading_voids_and_never_reuses(graded_db: Database) -> None:
    data = _load(graded_db)
    certificate_register.allocate_round(graded_db, data.id)
    last = data.recognized()[-1]
    with graded_db.session() as session:
        session.execute(update(GradeResult).where(GradeResult.dossier_id == last.id).values(grade="KCN"))
    report = certificate_register.allocate_round(graded_db, data.id)
    assert report.voided == len(last.authors) and not report.numbered
    voided = [r for r in _certs(graded_db) if r[4]]
    assert {r[2] for r in voided} == {last.id}
    # a new recognized initiative gets a new number, after the voided ones
    top = max(r[1] for r in _certs(graded_db))
    with graded_db.session() as session:
        session.execute(update(GradeResult).where(GradeResult.dossier_id == last.id).values(grade="CN"))
    report = certificate_register.allocate_round(graded_db, data.id)
    assert report.restored == len(last.authors) and not report.numbered  # its old numbers come back
    assert max(r[1] for r in _certs(graded_db)) == top
    numbers = [r[1] for r in _certs(graded_db)]
    assert len(numbers) == len(set(numbers))


def test_finalized_round_refuses_numbering(graded_db: Database) -> None:
    data = _load(graded_db)
    with graded_db.session() as session:
        session.get(Round, data.id).status = RoundStatus.FINALIZED  # type: ignore[union-attr]
    with pytest.raises(RoundLockedError):
        certificate_register.allocate_round(graded_db, data.id)
    assert _certs(graded_db) == []


@needs_pdftotext
def test_certificate_text(graded_db: Database, tmp_path: Path) -> None:
    data = _load(graded_db)
    certificate_register.allocate_round(graded_db, data.id)
    data = _load(graded_db)
    items = certificates.certificate_items(data)
    assert len(items) == sum(len(d.authors) for d in data.recognized())
    pdf = certificates.certificates_pdf(items[:6])
    pages = [pdf_text(pdf, tmp_path)]
    text = pages[0]
    assert text.count("GIẤY CHỨNG NHẬN SÁNG KIẾN") == 6
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Quyết định số 15/QĐ-UBND ngày 05/6/2026 của Ủy ban nhân dân phường Tam Điệp" in text
    assert "Tam Điệp, ngày ……… tháng ……… năm 2026" in text  # no date set: room to write it
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Đinh Công Thành" in text  # the body signs
    for item in items[:6]:
        assert item.name.upper() in text
        assert item.register in text
        assert " ".join(item.title.split()[:4]) in text
        for co in item.co_authors:
            assert co in text
    # a co-authored initiative: one certificate per author, each naming the others
    shared = next(d for d in data.recognized() if len(d.authors) > 1)
    mine = [i for i in items if i.dossier_code == shared.code]
    assert len(mine) == len(shared.authors)
    for item in mine:
        assert item.name not in item.co_authors and len(item.co_authors) == len(shared.authors) - 1


def _chars_inside(pdf: bytes, left: float, top: float, right: float, bottom: float) -> int:
    """Number of characters checked; fails on any glyph box outside the rectangle (points, top-left)."""
    checked = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            assert page.width == pytest.approx(PAGE_W * mm, abs=1) and page.height == pytest.approx(
                PAGE_H * mm, abs=1
            )
            for ch in page.chars:
                if not ch["text"].strip():
                    continue
                checked += 1
                assert ch["x0"] >= left - 0.5 and ch["x1"] <= right + 0.5, ch
                assert ch["top"] >= top - 0.5 and ch["bottom"] <= bottom + 0.5, ch
    return checked


def test_long_title_and_name_stay_inside(graded_db: Database) -> None:
    data = _load(graded_db)
    base = certificates.certificate_items(data)[0]
    assert len(LONG_TITLE) == 250
    long = dataclasses.replace(
        base,
        name=LONG_NAME,
        title=LONG_TITLE,
        unit=LONG_UNIT,
        co_authors=(
            "Nguyễn Thị Phương Thảo",
            "Trần Đình Quốc Khánh",
            "Lê Hoàng Bảo Ngọc",
            "Phạm Thị Minh Nguyệt",
        ),
    )
    pdf = certificates.certificates_pdf([long, base])
    inner = certificates.BORDER_INNER * mm
    n = _chars_inside(pdf, inner, inner, PAGE_W * mm - inner, PAGE_H * mm - inner)
    assert n > 400
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = doc.pages[0].extract_text()
    compact = "".join(text.split())
    assert "".join(LONG_TITLE.split())[:120] in compact  # the title is all there, not cut
    assert "".join(LONG_NAME.upper().split()) in compact


def test_each_field_stays_in_its_box() -> None:
    """Every value box, filled with far too much text, keeps its glyphs inside the box."""
    crowded = dataclasses.replace(
        certificates.SAMPLE,
        name=LONG_NAME * 2,
        unit=LONG_UNIT * 2,
        title=LONG_TITLE * 2,
        co_authors=tuple(LONG_NAME for _ in range(6)),
        field=LONG_UNIT,
        decision="số 1234/QĐ-HĐSK ngày 05/6/2026 " * 3,
    )
    pdf = certificates.certificates_pdf([crowded], preprinted=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [c for c in doc.pages[0].chars if c["text"].strip()]
    boxes = [(f.x * mm, f.y * mm, (f.x + f.w) * mm, (f.y + f.h) * mm) for f in FIELDS]
    for ch in chars:
        assert any(
            ch["x0"] >= x0 - 0.5
            and ch["x1"] <= x1 + 0.5
            and ch["top"] >= y0 - 0.5
            and ch["bottom"] <= y1 + 0.5
            for x0, y0, x1, y1 in boxes
        ), ch


words = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ", min_size=1, max_size=25
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(words, min_size=1, max_size=80),
    st.floats(min_value=40, max_value=700),
    st.floats(min_value=12, max_value=90),
)
def test_fit_tokens_never_overflows(ws: list[str], width: float, height: float) -> None:
    tokens = [Token(" ".join(ws), bold=True)]
    size, lines = fit_tokens(tokens, width, height, 20, 8)
    assert 8 <= size <= 20
    assert len(lines) * size * certificates.LEADING <= height + 0.01 or len(lines) == 1
    for line in lines:
        assert line_width(line, size) <= width + 0.01


@needs_pdftotext
def test_preprinted_prints_values_only_with_offsets(graded_db: Database, tmp_path: Path) -> None:
    item = certificates.SAMPLE
    plain = certificates.certificates_pdf([item], preprinted=True)
    text = pdf_text(plain, tmp_path)
    assert "GIẤY CHỨNG NHẬN" not in text and "CỘNG HÒA" not in text and "Số vào sổ" not in text
    assert item.name.upper() in text and item.register in text and "15/QĐ-UBND" in text

    def name_x(pdf: bytes) -> tuple[float, float]:
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            first = next(c for c in doc.pages[0].chars if c["text"] == item.name.upper()[0])
        return first["x0"], first["top"]

    x0, y0 = name_x(plain)
    moved = certificates.certificates_pdf(
        [item], preprinted=True, offsets=Offsets((1.0, 0.0), {"name": (4.0, -3.0)})
    )
    x1, y1 = name_x(moved)
    assert x1 - x0 == pytest.approx(5 * mm, abs=0.3)
    assert y1 - y0 == pytest.approx(-3 * mm, abs=0.3)
    calib = pdf_text(certificates.calibration_pdf(Offsets((1.0, 0.0), {"name": (4.0, -3.0)})), tmp_path)
    assert "TRANG CĂN CHỈNH" in calib and "Họ và tên (+4.0; -3.0)" in calib


def test_offsets_saved_in_settings_and_logged(db: Database) -> None:
    with db.session() as session:
        changed = certificate_layout.save_offsets(session, Offsets((1.5, -2.0), {"name": (0.5, 0.0)}))
    assert changed == 2
    offsets = certificate_layout.load_offsets(db)
    assert (
        offsets.page == (1.5, -2.0)
        and offsets.of("name") == (2.0, -2.0)
        and offsets.of("title") == (1.5, -2.0)
    )
    with db.reading() as session:
        assert session.get(Setting, "cert_offset.page").value == "1.5;-2"  # type: ignore[union-attr]
        logged = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.entity_id.like("cert_offset.%"))
        )
    assert logged == 2
    with pytest.raises(ValidationError, match="quá lớn"), db.session() as session:
        certificate_layout.save_offsets(session, Offsets((99.0, 0.0)))
    with pytest.raises(ValidationError), db.session() as session:
        certificate_layout.save_offsets(session, Offsets((0.0, 0.0), {"nope": (1.0, 1.0)}))


def test_progress_is_reported_per_page() -> None:
    seen: list[tuple[int, int]] = []
    certificates.certificates_pdf([certificates.SAMPLE] * 5, progress=lambda d, t, _s: seen.append((d, t)))
    assert seen == [(i, 5) for i in range(1, 6)]


def test_nothing_to_print_is_a_clear_error(demo_db: Database) -> None:
    data = _load(demo_db)  # not graded
    assert certificates.certificate_items(data) == []
    with pytest.raises(Exception, match="chưa có sáng kiến được công nhận"):
        certificates.certificates_pdf([])
