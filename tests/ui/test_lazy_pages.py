"""Start-up builds only the first page; the others are built (and learn the current round) when shown."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.ui.main_window import MainWindow
from sangkien_desktop.ui.pages import PAGE_SPECS


def test_page_specs_match_their_classes() -> None:
    for spec in PAGE_SPECS:
        cls = spec.load()
        assert (cls.key, cls.title) == (spec.key, spec.title)


def test_only_the_first_page_is_built_at_start(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert [p.key for p in window.built_pages()] == ["overview"]
    assert window.nav.count() == len(PAGE_SPECS)


def test_a_page_shown_later_gets_the_current_round(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.round_combo.setCurrentIndex(1)  # round 1 of 2026, before the page exists
    window.show_page("dossiers")
    page = window.current_page()
    assert page.key == "dossiers"
    assert window.stack.currentWidget().widget() is page  # type: ignore[attr-defined]
    assert window.stack.indexOf(page.parentWidget().parentWidget()) == [s.key for s in PAGE_SPECS].index(
        "dossiers"
    )
    assert {p.key for p in window.built_pages()} == {"overview", "dossiers"}
    window.show_page("registrations")
    registrations = window.current_page()
    assert registrations.selected_year() == 2026  # type: ignore[attr-defined]
    assert registrations.model.rowCount() > 0  # type: ignore[attr-defined]


def test_first_show_refreshes_exactly_once(qtbot: QtBot, demo_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sangkien_desktop.ui.pages.dossiers_page import DossiersPage

    calls: list[int] = []
    original = DossiersPage.refresh
    monkeypatch.setattr(DossiersPage, "refresh", lambda self: (calls.append(1), original(self))[1])
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dossiers")
    assert len(calls) == 1
    window.show_page("overview")
    window.show_page("dossiers")
    assert len(calls) == 2
