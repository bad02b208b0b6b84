"""ui/operations.Op: the one helper every page action goes through."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import SangKienError
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.ui import messages, operations
from sangkien_desktop.ui.context import AppContext
from sangkien_desktop.ui.workers import Progress


@pytest.fixture
def ctx(db: Database) -> AppContext:
    return AppContext(db)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, e, *a, **k: shown.append(str(e)))
    return shown


def test_foreground_action_pushes_one_undo_entry_and_notifies(ctx: AppContext, errors: list[str]) -> None:
    areas: list[str] = []
    ctx.dataChanged.connect(areas.append)
    key = "place_name"

    def change(db: Database) -> str:
        before = settings_service.get_all(db).get(key, "")
        settings_service.set_many(db, {key: "Mới"})
        return before

    before = settings_service.get_all(ctx.db)[key]
    op = operations.Op(
        None,
        "Đổi giá trị",
        change,
        ctx=ctx,
        area="settings",
        undo=lambda db, before: settings_service.set_many(db, {key: before}),
    ).start()
    assert op.ok and not errors
    assert settings_service.get_all(ctx.db)[key] == "Mới"
    assert areas == ["settings"]
    assert ctx.undo_stack.count() == 1 and ctx.undo_stack.undoText() == "Đổi giá trị"
    ctx.undo_stack.undo()
    assert settings_service.get_all(ctx.db)[key] == before
    ctx.undo_stack.redo()
    assert settings_service.get_all(ctx.db)[key] == "Mới"
    assert areas == ["settings"] * 3
    assert operations.started[-1] == "Đổi giá trị"


def test_a_service_error_becomes_the_dialog_and_nothing_is_pushed(ctx: AppContext, errors: list[str]) -> None:
    def fail(_db: Database) -> None:
        raise SangKienError("Điểm 105 vượt quá 100 (dòng 3).")

    done: list[Any] = []
    op = operations.Op(None, "Nhập điểm", fail, ctx=ctx, undo=lambda db, r: None, on_done=done.append).start()
    assert not op.ok and isinstance(op.error, SangKienError)
    assert errors == ["Điểm 105 vượt quá 100 (dòng 3)."]
    assert ctx.undo_stack.count() == 0 and not done


def test_background_action_gets_progress_and_reports_on_the_gui_thread(
    qtbot: QtBot, ctx: AppContext, errors: list[str]
) -> None:
    seen: list[Any] = []

    def work(_db: Database, progress: Progress) -> int:
        progress.report(1, 2, "nửa chừng")
        return 42

    op = operations.Op(None, "Việc dài", work, ctx=ctx, on_done=seen.append).in_background().start()
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    assert op.ok and seen == [42] and not errors


def test_background_failure_is_shown(qtbot: QtBot, ctx: AppContext, errors: list[str]) -> None:
    def work(_db: Database) -> None:
        raise SangKienError("Tệp không đọc được.")

    op = operations.Op(None, "Việc dài", work, ctx=ctx).in_background(progress_dialog=False).start()
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    assert errors == ["Tệp không đọc được."]


def test_active_counts_the_run_its_undo_and_its_redo(ctx: AppContext, errors: list[str]) -> None:
    seen: list[int] = []

    def note(_db: Database, _result: Any = None) -> int:
        seen.append(operations.active())
        return 1

    assert operations.active() == 0
    operations.Op(None, "Đếm", note, ctx=ctx, area="settings", undo=note).start()
    assert operations.active() == 0
    ctx.undo_stack.undo()
    ctx.undo_stack.redo()
    assert seen == [1, 1, 1] and operations.active() == 0


def test_active_falls_back_to_zero_after_a_failure(ctx: AppContext, errors: list[str]) -> None:
    def fail(_db: Database) -> None:
        assert operations.active() == 1
        raise SangKienError("Không được.")

    operations.Op(None, "Hỏng", fail, ctx=ctx).start()
    assert errors == ["Không được."] and operations.active() == 0


def test_a_background_action_counts_while_its_worker_runs(
    qtbot: QtBot, ctx: AppContext, errors: list[str]
) -> None:
    seen: list[int] = []

    def work(_db: Database) -> None:
        seen.append(operations.active())

    op = operations.Op(None, "Việc nền", work, ctx=ctx).in_background(progress_dialog=False).start()
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    assert seen == [1] and operations.active() == 0 and not errors
