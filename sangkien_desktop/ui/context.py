"""What every page receives: the database and the current round, with signals when they change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..db.database import Database
from ..services import rounds as rounds_service
from ..services.rounds import RoundInfo


class AppContext(QObject):
    """Shared state of one main window. Pages read ``db`` and ``round``; they never keep a session open.

    Signals:
        roundChanged(object): the selected round's ``RoundInfo`` (or None when there is no round).
        dataChanged(str): something was written; the argument names the area ("registrations", "dossiers" …)
            so other pages can refresh.
        firstRunRequested(): a page asks for the first-run wizard (Cài đặt → Trình hướng dẫn thiết lập); the
            main window runs it (modal: when ``emit`` returns, the wizard is closed). Pages never import the
            main window or ``ui.first_run``: they ask through this context.
    """

    roundChanged = Signal(object)
    dataChanged = Signal(str)
    firstRunRequested = Signal()

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.round: RoundInfo | None = None
        self.rounds: list[RoundInfo] = []
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(100)

    def push_undo(self, text: str, undo: Callable[[], None], redo: Callable[[], None], area: str) -> None:
        """Record a change that was just made (``redo`` is not run now) so Ctrl+Z can take it back.

        ``undo``/``redo`` call services; ``area`` is announced through ``dataChanged`` after each step."""
        self.undo_stack.push(_ServiceCommand(self, text, undo, redo, area))

    @property
    def round_id(self) -> int | None:
        return self.round.id if self.round else None

    def reload_rounds(self) -> list[RoundInfo]:
        self.rounds = rounds_service.list_rounds(self.db)
        return self.rounds

    def select_round(self, round_id: int | None) -> None:
        info = next((r for r in self.rounds if r.id == round_id), None)
        if info == self.round:
            return
        self.round = info
        if info is not None:
            self._settings().setValue(self._last_round_key(), info.id)
        self.roundChanged.emit(info)

    def last_round_id(self) -> int | None:
        value = self._settings().value(self._last_round_key())
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def notify(self, area: str) -> None:
        self.dataChanged.emit(area)

    def _settings(self) -> QSettings:
        return QSettings()

    def _last_round_key(self) -> str:
        return "last_round/" + self.db.description.replace("/", "|").replace("\\", "|")


class _ServiceCommand(QUndoCommand):
    def __init__(
        self, ctx: AppContext, text: str, undo: Callable[[], None], redo: Callable[[], None], area: str
    ) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._undo = undo
        self._redo = redo
        self._area = area
        self._first = True

    def redo(self) -> None:
        if self._first:  # the change was already made when the command was pushed
            self._first = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, fn: Callable[[], None]) -> None:
        from ..domain.errors import SangKienError

        try:
            fn()
        except SangKienError as exc:
            self.setObsolete(True)
            from . import messages

            messages.show_error(None, exc)
        self._ctx.notify(self._area)
