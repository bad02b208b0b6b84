"""What Ctrl+Y runs (``services/undo_entry.UndoEntry``): the page's redo, else the undo's inverse put back when
the undo is marked ``@returns_inverse``, else the action again."""

from __future__ import annotations

from typing import Any

from sangkien_desktop.services.undo_entry import UndoEntry, gives_inverse, returns_inverse

DB: Any = None  # the entry passes the database through; these functions do not use it


def test_a_marked_undo_redoes_with_its_own_answer_not_by_running_the_action_again() -> None:
    calls: list[str] = []
    state = {"rows": "before"}

    def run(_db: Any) -> str:
        calls.append("run")
        state["rows"] = "after"
        return "before"  # what undo needs: the rows as they were

    @returns_inverse
    def put(_db: Any, rows: str) -> str:
        calls.append(f"put {rows}")
        old, state["rows"] = state["rows"], rows
        return old

    entry = UndoEntry(run, put, None, run(DB))
    for _ in range(2):
        entry.undo(DB)
        assert state["rows"] == "before"
        entry.redo(DB)
        assert state["rows"] == "after"
    assert calls == ["run", "put before", "put after", "put before", "put after"]
    assert gives_inverse(put)


def test_an_unmarked_undo_redoes_by_running_the_action_and_a_given_redo_wins() -> None:
    calls: list[str] = []
    entry = UndoEntry(lambda _db: calls.append("run"), lambda _db, _r: calls.append("undo"), None, None)
    entry.undo(DB)
    entry.redo(DB)
    assert calls == ["undo", "run"]

    @returns_inverse
    def marked(_db: Any, _r: Any) -> str:
        calls.append("marked")
        return "x"

    given = UndoEntry(lambda _db: None, marked, lambda _db: calls.append("given redo"), None)
    given.undo(DB)
    given.redo(DB)
    assert calls[-2:] == ["marked", "given redo"]
