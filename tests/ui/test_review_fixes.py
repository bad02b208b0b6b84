"""What the user-guide screenshot review found, checked at the window sizes a secretary has (1280×800 and
1366×768): the Kết quả table and what-if panel fit, the audit log reads in Vietnamese, the settings' decimal
comma, and the Tra cứu page says where a hit matched."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QDoubleSpinBox, QTableView, QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.models import CouncilMember, Criterion, Dossier, Round
from sangkien_desktop.services import audit, grading, scoring
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages.results_page import ResultsPage
from sangkien_desktop.ui.pages.safety_page import SafetyPage
from sangkien_desktop.ui.pages.search_page import SearchPage
from sangkien_desktop.ui.pages.settings_page import SettingsPage
from sangkien_desktop.ui.widgets import audit_display
from tests.helpers.qt import type_text

SIZES = [(1280, 800), (1366, 768)]


def _open(qtbot: QtBot, db: Database, key: str, size: tuple[int, int], round_number: int = 1) -> Any:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    with db.reading() as s:
        round_id = s.scalar(select(Round.id).where(Round.number == round_number))
    win.ctx.select_round(round_id)
    win.show_page(key)
    qtbot.wait(50)
    page = win.current_page()
    if isinstance(page, ResultsPage):  # it grades the round on a worker thread
        qtbot.waitUntil(lambda: not page.busy() and page.current is not None, timeout=20000)
    return page


def _visible(view: QTableView, column: int) -> bool:
    header = view.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return left >= 0 and left + header.sectionSize(column) <= view.viewport().width() + 1


def _text_fits(view: QTableView, column: int, text: str, extra: int = 0) -> bool:
    return (
        view.horizontalHeader().sectionSize(column) >= view.fontMetrics().horizontalAdvance(text) + 8 + extra
    )


@pytest.mark.parametrize("size", SIZES)
def test_results_table_and_what_if_fit_the_window(
    qtbot: QtBot, demo_db: Database, size: tuple[int, int]
) -> None:
    page = _open(qtbot, demo_db, "results", size)
    assert isinstance(page, ResultsPage)
    table = page.table
    titles = [c.title for c in page.model.columns]
    reason = titles.index("Lý do")
    assert _visible(table, reason)  # the reason column is on screen, not past the right edge
    assert table.horizontalHeader().sectionSize(reason) >= 140
    assert not table.horizontalScrollBar().isVisible()
    # "Hạng" beside its sort arrow; the longest grade and vote texts whole
    assert _text_fits(table, titles.index("Hạng"), "Hạng", extra=14)
    assert _text_fits(table, titles.index("Xếp loại"), "Không công nhận")
    assert _text_fits(table, titles.index("Biểu quyết"), "7/7 tán thành — đạt")
    # the chosen row's reason in full under the table
    first = page.table.current_record()
    assert first is not None and first.reason in page.detail.text()
    # the what-if bands: the conditions column on screen, no horizontal scroll bar
    bands = page.bands
    assert _visible(bands, 5) and bands.horizontalHeader().sectionSize(5) >= 100
    assert not bands.horizontalScrollBar().isVisible()


def test_reason_column_drops_the_grade_it_repeats(qtbot: QtBot, demo_db: Database) -> None:
    page = _open(qtbot, demo_db, "results", SIZES[0])
    row = page.model.record(0)
    reason_col = [c.title for c in page.model.columns].index("Lý do")
    shown = page.model.data(page.model.index(0, reason_col))
    assert row.reason.startswith(row.outcome.label + ": ") and shown == row.reason.split(": ", 1)[1]
    tooltip = page.model.data(page.model.index(0, reason_col), 3)  # ToolTipRole: the whole reason
    assert tooltip == row.reason


def test_settings_spread_uses_the_decimal_comma(qtbot: QtBot, demo_db: Database) -> None:
    page = _open(qtbot, demo_db, "settings", SIZES[0])
    assert isinstance(page, SettingsPage)
    spins = [s for s in page.findChildren(QDoubleSpinBox) if s.suffix() == " điểm"]
    assert spins
    for spin in spins:
        spin.setValue(20)
        assert spin.text() == "20,00 điểm"


def _grade_and_type_first_score(db: Database) -> tuple[str, str]:
    """Save round 1's grades, then type one member's scores of a dossier again from blank (a first entry)."""
    with db.session() as s:
        round_id = s.scalar(select(Round.id).where(Round.number == 1))
        assert round_id is not None
        assert s.get(Round, round_id).status is RoundStatus.SCORING  # type: ignore[union-attr]
    grading.apply_grading(db, round_id)
    with db.session() as s:
        member = s.scalars(select(CouncilMember).where(CouncilMember.round_id == round_id)).first()
        dossier = s.scalars(select(Dossier).where(Dossier.round_id == round_id).order_by(Dossier.id)).first()
        assert member is not None and dossier is not None
        criteria = s.scalars(select(Criterion).where(Criterion.round_id == round_id)).all()
        for c in criteria:
            scoring.set_score(s, round_id, member.id, dossier.id, c.id, None)
    with db.session() as s:
        for c in criteria:
            scoring.set_score(s, round_id, member.id, dossier.id, c.id, Decimal("12.5"))
        return dossier.code, member.person.full_name


def test_audit_detail_reads_in_vietnamese(qtbot: QtBot, demo_db: Database) -> None:
    code, name = _grade_and_type_first_score(demo_db)
    page = _open(qtbot, demo_db, "safety", SIZES[0])
    assert isinstance(page, SafetyPage)
    page.tabs.setCurrentWidget(page.audit)
    tab = page.audit
    tab.refresh()
    newest = tab.model.record(0)
    assert newest.entity == "score" and all(v is None for v in newest.old.values())
    titles = [c.title for c in tab.model.columns]
    assert tab.model.data(tab.model.index(0, titles.index("Việc"))) == "Nhập"  # a first score, not "Sửa"
    ref = tab.model.data(tab.model.index(0, titles.index("Đối tượng")))
    assert ref == f"{code} — {name}"
    assert newest.entity_id in tab.model.data(tab.model.index(0, titles.index("Đối tượng")), 3)
    tab.view.selectRow(0)
    detail = page.findChild(QTableWidget, "audit_detail")
    assert detail is not None and detail.rowCount() >= 1
    assert detail.item(0, 2).text() == "12,50" and detail.item(0, 1).text() == ""
    # the grading entry: Vietnamese field names, counts as "A: 5; …", money with dots
    grading = next(i for i, r in enumerate(tab.model.records()) if r.action == "grade")
    tab.view.selectRow(grading)
    fields = {detail.item(r, 0).text(): detail.item(r, 2).text() for r in range(detail.rowCount())}
    assert "counts" not in fields and "budget" not in fields
    assert fields["Số hồ sơ theo loại"].startswith("A: ")
    assert fields["Tổng tiền thưởng"].endswith(" đ") and "." in fields["Tổng tiền thưởng"]
    # a settings entry: its label in the Đối tượng column, the key in the tooltip
    setting = next(i for i, r in enumerate(tab.model.records()) if r.entity == "setting")
    record = tab.model.record(setting)
    shown = tab.model.data(tab.model.index(setting, titles.index("Đối tượng")))
    assert shown != record.entity_id and record.entity_id in tab.model.data(
        tab.model.index(setting, titles.index("Đối tượng")), 3
    )


def test_audit_value_formatting() -> None:
    f = audit_display.format_value
    assert f("12.00") == "12,00" and f(Decimal("7.5")) == "7,5" and f(2026) == "2026"
    assert f(25000000, "budget") == "25.000.000 đ" and f(12345) == "12.345"
    assert f({"A": 5, "B": 10, "KCN": 1}) == "A: 5; B: 10; KCN: 1"
    assert f(True) == "có" and f(None) == "" and f("2026-05-20") == "20/05/2026"
    assert f([{"name": "Tính mới", "max": "30.00", "min": None}]) == "Tính mới (tối đa 30,00)"
    assert audit_display.field_label("setting", "secretary_name") != "secretary_name"
    assert audit_display.field_label("round", "score_spread_limit") == "Độ lệch điểm cần xem lại"
    row = audit.AuditRow(1, None, "u", "update", "score", "1:2", "", {"TC": None}, {"TC": "5"})  # type: ignore[arg-type]
    assert audit_display.action_text(row) == "Nhập"
    row = audit.AuditRow(1, None, "u", "update", "score", "1:2", "", {"TC": "5"}, {"TC": "6"})  # type: ignore[arg-type]
    assert audit_display.action_text(row) == "Sửa"
    row = audit.AuditRow(1, None, "u", "update", "score", "1:2", "", {"TC": "5"}, {"TC": None})  # type: ignore[arg-type]
    assert audit_display.action_text(row) == "Xóa"


def test_search_page_says_where_a_hit_matched(qtbot: QtBot, demo_db: Database) -> None:
    page = _open(qtbot, demo_db, "search", SIZES[0])
    assert isinstance(page, SearchPage)
    type_text(page.query, "so hoa")
    page.run_search()
    titles = [c.title for c in page.model.columns]
    where = titles.index("Khớp ở")
    assert _visible(page.view, where)
    first = page.model.record(0)
    assert "số hóa" in first.title.lower()
    assert not first.matched  # filled once typing pauses, so a keystroke does not wait for it
    page.view.selectRow(3)
    qtbot.waitUntil(lambda: bool(page.model.record(0).matched), timeout=5000)
    assert page.view.selectionModel().selectedRows()[0].row() == 3  # the selection stays where it was
    texts = [page.model.data(page.model.index(r, where)) for r in range(page.model.rowCount())]
    assert all(texts)  # every hit says where it matched
    assert any("(hoa → hoạt" in t for t in texts)  # a prefix-only match says so
