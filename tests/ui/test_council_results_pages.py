"""The Hội đồng and Kết quả pages driven with pytest-qt (offscreen)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Assignment, GradeResult, GradeRuleSet
from sangkien_desktop.services import grading as grading_service
from sangkien_desktop.ui import messages
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import council_page as council_module
from sangkien_desktop.ui.pages import results_page as results_module
from sangkien_desktop.ui.pages.council_page import AutoAssignDialog, CouncilPage, MemberDialog
from sangkien_desktop.ui.pages.results_page import ResultsPage
from tests.helpers.grading import build_round, put_scores, split_total
from tests.helpers.qt import press, type_text

D = Decimal


def open_page(qtbot: QtBot, db: Database, key: str) -> tuple[MainWindow, Any]:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    win.show_page(key)
    page = win.current_page()
    if isinstance(page, ResultsPage):
        settle(qtbot, page)
    return win, page


def settle(qtbot: QtBot, page: ResultsPage) -> None:
    """Wait for the page's background grading (page shown, data changed, what-if) to be shown."""
    qtbot.waitUntil(lambda: not page.busy() and page.current is not None, timeout=20000)


def test_roster_add_member_through_the_dialog(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_round(db, dossiers=2, members=2)
    _win, page = open_page(qtbot, db, "council")
    assert isinstance(page, CouncilPage)
    roster = page.roster_tab
    assert roster.model.rowCount() == 2

    def fill(dialog: MemberDialog) -> QDialog.DialogCode:
        type_text(dialog.name, "Phạm Thu Hà")
        dialog.role.setCurrentIndex(dialog.role.findText("Ủy viên thư ký"))
        dialog.unit.setCurrentIndex(dialog.unit.findText("Đơn vị 1-2"))
        type_text(dialog.expertise, "Y tế; Giáo dục và đào tạo")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MemberDialog, "exec", fill)
    roster.add_member()
    assert roster.model.rowCount() == 3
    added = roster.model.record(2)
    assert (added.name, added.role.label, added.unit_name) == ("Phạm Thu Hà", "Ủy viên thư ký", "Đơn vị 1-2")
    assert roster.issues.text() == ""
    _win.ctx.undo_stack.undo()  # Ctrl+Z takes the new member off again
    assert roster.model.rowCount() == 2
    _win.ctx.undo_stack.redo()
    assert roster.model.rowCount() == 3


def test_roster_shows_missing_chair_and_saves_settings(qtbot: QtBot, db: Database) -> None:
    b = build_round(db, dossiers=1, members=2)
    with db.session() as s:
        from sangkien_desktop.domain.enums import MemberRole
        from sangkien_desktop.models import CouncilMember

        s.get(CouncilMember, b.members[0]).role = MemberRole.MEMBER
    _win, page = open_page(qtbot, db, "council")
    roster = page.roster_tab
    assert "chưa có Chủ tịch" in roster.issues.text()
    roster.k_spin.setValue(2)
    roster.quorum.setValue(2)
    roster.double_entry.setChecked(True)
    roster.save_settings_button.click()
    from sangkien_desktop.models import Round

    with db.reading() as s:
        rnd = s.get(Round, b.round_id)
        assert (rnd.members_per_dossier, rnd.quorum, rnd.double_entry) == (2, 2, True)


def test_assignment_grid_toggle_conflict_and_auto(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_round(db, dossiers=4, members=3, member_units=[None, 0, None], assign=False)
    win, page = open_page(qtbot, db, "council")
    page.tabs.setCurrentIndex(1)
    tab = page.assignment_tab
    grid = tab.model.grid
    assert grid is not None and tab.model.rowCount() == 4
    # member 2 (column 5) works in the unit of dossier 1: the cell is flagged
    conflict_index = tab.model.index(0, 5)
    assert tab.model.data(conflict_index) == "⚠"
    assert "cùng đơn vị" in tab.model.data(conflict_index, Qt.ItemDataRole.ToolTipRole)
    # a plain toggle by keyboard (Space), then undone with the undo stack
    tab.view.setCurrentIndex(tab.model.index(0, 4))
    tab.view.setFocus()
    press(tab.view, Qt.Key.Key_Space)
    assert tab.model.data(tab.model.index(0, 4)) == "✓"
    win.ctx.undo_stack.undo()
    assert tab.model.data(tab.model.index(0, 4)) == ""
    # the conflict needs a reason; cancelling leaves it alone
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: None)
    tab.toggle(conflict_index)
    assert tab.model.data(conflict_index) == "⚠"
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Thiếu người có chuyên môn")
    tab.toggle(conflict_index)
    assert tab.model.data(conflict_index) == "✓ ⚠"
    assert "Thiếu người có chuyên môn" in tab.model.data(conflict_index, Qt.ItemDataRole.ToolTipRole)

    # automatic assignment: preview in the dialog, applied at once
    def run(dialog: AutoAssignDialog) -> QDialog.DialogCode:
        dialog.k_spin.setValue(2)
        assert dialog.plan is not None and "Sẽ thêm" in dialog.summary.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AutoAssignDialog, "exec", run)
    tab.auto_assign()
    with db.reading() as s:
        assert s.scalar(select(func.count(Assignment.id))) == 4 * 2
    assert all(tab.model.grid.assigned_count(d.id) == 2 for d in tab.model.grid.dossiers)
    win.ctx.undo_stack.undo()
    with db.reading() as s:
        assert s.scalar(select(func.count(Assignment.id))) == 1  # the overridden one stays
    assert council_module.CONFLICT_BACKGROUND is not None


def _scored_round(db: Database) -> Any:
    b = build_round(db, dossiers=5, members=2)
    with db.session() as s:
        for d, total in enumerate(["92", "88", "85", "85", "60"]):
            for m in range(2):
                put_scores(s, b, d, m, split_total(total))
    return b


def test_results_page_what_if_does_not_write_and_apply_saves(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = _scored_round(db)
    with db.session() as s:
        grading_service.save_rules(s, b.round_id, grading_service.default_rules().with_band("A", quota=2))
    _win, page = open_page(qtbot, db, "results")
    assert isinstance(page, ResultsPage)
    rows = page.model.records()
    assert [r.grade for r in rows] == ["A", "A", "B", "B", "C"]
    assert "chưa lưu" in page.banner.text()
    # what-if: three A places
    page.bands.item(0, 3).setText("3")
    qtbot.waitUntil(lambda: page.current is not None and page.current.rules.band("A").quota == 3)
    settle(qtbot, page)
    grades = {r.code: r.grade for r in page.model.records()}
    assert grades["HS26-103"] == "A" and grades["HS26-104"] == "A"  # the two 85s tie for the third A
    assert all(r.tie for r in page.model.records() if r.code in {"HS26-103", "HS26-104"})
    moves = [page.moves_list.item(i).text() for i in range(page.moves_list.count())]
    assert moves == [
        "HS26-103: B → A hoặc B (đồng điểm, chờ Hội đồng)",
        "HS26-104: B → A hoặc B (đồng điểm, chờ Hội đồng)",
    ]
    assert "+ <b>3.000.000 đ</b> chờ Hội đồng chọn" in page.budget.text()
    assert "theo quy tắc đã lưu" in page.budget.text()
    with db.reading() as s:
        assert s.scalar(select(func.count(GradeResult.id))) == 0
        rs = s.scalar(select(GradeRuleSet).where(GradeRuleSet.round_id == b.round_id))
        assert rs.bands[0].quota == 2  # nothing saved by the what-if
    # back to the saved rules, then apply
    page.revert_rules()
    assert [r.grade for r in page.model.records()] == ["A", "A", "B", "B", "C"]
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.apply_button.click()
    settle(qtbot, page)
    saved = grading_service.load_saved_results(db, b.round_id)
    assert [(s.code, s.grade) for s in saved] == [
        ("HS26-101", "A"),
        ("HS26-102", "A"),
        ("HS26-103", "B"),
        ("HS26-104", "B"),
        ("HS26-105", "C"),
    ]
    assert "khớp" in page.banner.text()


def test_results_page_apply_what_if_saves_rules(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = _scored_round(db)
    _win, page = open_page(qtbot, db, "results")
    page.bands.item(0, 2).setText("90")
    page.recompute()
    settle(qtbot, page)
    assert [r.grade for r in page.model.records()][:2] == ["A", "B"]
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.apply()
    settle(qtbot, page)
    with db.reading() as s:
        assert grading_service.rules_of_round(s, b.round_id).band("A").min_mean == D(90)
    assert grading_service.load_saved_results(db, b.round_id)[1].grade == "B"


def test_tie_decision_and_vote_dialogs(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    b = _scored_round(db)
    with db.session() as s:
        grading_service.save_rules(s, b.round_id, grading_service.default_rules().with_band("A", quota=3))
    _win, page = open_page(qtbot, db, "results")
    assert "đồng điểm" in page.banner.text()

    def decide(dialog: results_module.TieDialog) -> QDialog.DialogCode:
        assert dialog.order() == ["HS26-103", "HS26-104"]
        dialog.order_list.setCurrentRow(1)
        dialog._move(-1)
        type_text(dialog.note, "Biểu quyết 2/2")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(results_module.TieDialog, "exec", decide)
    page.decide_ties()
    settle(qtbot, page)
    grades = {r.code: (r.grade, r.tie) for r in page.model.records()}
    assert grades["HS26-104"] == ("A", False) and grades["HS26-103"] == ("B", False)

    def vote(dialog: results_module.VoteDialog) -> QDialog.DialogCode:
        dialog.present.setValue(2)
        dialog.in_favour.setValue(1)
        dialog.against.setValue(1)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(results_module.VoteDialog, "exec", vote)
    page.table.setCurrentIndex(page.table.model().index(0, 0))
    page.record_vote()
    settle(qtbot, page)
    first = page.model.records()[0]
    assert first.vote is not None and not first.vote.passed
    assert "chưa đạt 2/3" in page._vote_text(first)
    assert page._vote_background(first) is results_module.REFUSED_BACKGROUND
    # Ctrl+Z takes the vote back, then the tie order; Ctrl+Y puts both back (one transaction each way)
    undo = _win.ctx.undo_stack
    undo.undo()
    settle(qtbot, page)
    assert page.model.records()[0].vote is None
    undo.undo()
    settle(qtbot, page)
    assert {r.code: r.tie for r in page.model.records()}["HS26-104"]
    undo.redo()
    undo.redo()
    settle(qtbot, page)
    grades = {r.code: (r.grade, r.tie) for r in page.model.records()}
    assert grades["HS26-104"] == ("A", False) and page.model.records()[0].vote is not None


def test_demo_pages_open(qtbot: QtBot, window: MainWindow) -> None:
    for key in ("council", "scoring", "results"):
        window.show_page(key)
        page = window.current_page()
        assert page.findChild(QLabel, "placeholder_message") is None
    results = window.page("results")
    assert isinstance(results, ResultsPage)
    settle(qtbot, results)
    assert results.model.rowCount() > 0


def test_conflict_by_hand_and_removal_kept_by_auto_assign(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = build_round(db, dossiers=3, members=3)
    win, page = open_page(qtbot, db, "council")
    page.tabs.setCurrentIndex(1)
    tab = page.assignment_tab
    # a removal by hand shows ✗ and a fresh automatic assignment does not add it back
    tab.toggle(tab.model.index(0, 4))
    assert tab.model.data(tab.model.index(0, 4)) == "✗"

    def accept(dialog: AutoAssignDialog) -> QDialog.DialogCode:
        dialog.k_spin.setValue(3)
        dialog.replace_box.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AutoAssignDialog, "exec", accept)
    tab.auto_assign()
    assert tab.model.data(tab.model.index(0, 4)) == "✗"
    # a relative of an author, recorded by hand on the current cell, then undone in one step
    monkeypatch.setattr(
        council_module.ConflictDialog,
        "exec",
        lambda dialog: (dialog.reason.setText("con rể"), QDialog.DialogCode.Accepted)[1],
    )
    tab.view.setCurrentIndex(tab.model.index(1, 5))
    tab.conflict_button.click()
    assert "người thân" in tab.model.data(tab.model.index(1, 5), Qt.ItemDataRole.ToolTipRole)
    assert tab.model.data(tab.model.index(1, 5)) == "✓ ⚠"  # still assigned, now flagged
    win.ctx.undo_stack.undo()
    assert tab.model.data(tab.model.index(1, 5)) == "✓"
    assert b.round_id == win.ctx.round_id


def test_assignment_title_header_is_never_cut(qtbot: QtBot, demo_db: Database) -> None:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.resize(1024, 700)
    win.show()
    win.show_page("council")
    page = win.page("council")
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    QApplication.processEvents()
    view = page.assignment_tab.view  # type: ignore[attr-defined]
    header = view.horizontalHeader()
    need = header.fontMetrics().horizontalAdvance("Tên sáng kiến")
    assert view.columnWidth(1) >= need + 2 * council_module.TITLE_PADDING
