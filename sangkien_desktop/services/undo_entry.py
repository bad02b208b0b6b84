"""One entry of the undo stack, without Qt: what Ctrl+Z and Ctrl+Y run for an action done.

An action's service returns what its undo needs; the undo is one service call (one transaction). Redo is,
in order of preference:

- the page's own ``redo`` when it gives one;
- when the undo function is marked ``@returns_inverse``, the undo function again with what the undo returned:
  such an undo answers the rows it overwrote (the state just after the action, ids included), of the same kind
  as its argument, so the redo puts back exactly the rows the action had made — a dossier received gets its
  own id again on PostgreSQL too, whose sequences never hand out an id twice;
- otherwise the action run again (right for actions that change rows in place: a setting, a status).

``ui/operations.Op`` pushes one ``UndoEntry`` per action; tests drive the same class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..db.database import Database

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "_sangkien_returns_inverse"


def returns_inverse(fn: F) -> F:
    """Mark an undo function ``fn(db, done) -> inverse`` whose answer, passed to ``fn`` again, redoes exactly."""
    setattr(fn, _MARK, True)
    return fn


def gives_inverse(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, _MARK, False))


@dataclass
class UndoEntry:
    """An action done: ``result`` is what ``run`` returned (what ``undo_fn`` needs)."""

    run: Callable[[Database], Any]
    undo_fn: Callable[[Database, Any], Any]
    redo_fn: Callable[[Database], Any] | None = None
    result: Any = None
    _inverse: Any = field(default=None, repr=False)

    def undo(self, db: Database) -> None:
        self._inverse = self.undo_fn(db, self.result)

    def redo(self, db: Database) -> None:
        if self.redo_fn is not None:
            self.result = self.redo_fn(db)
        elif gives_inverse(self.undo_fn) and self._inverse is not None:
            self.result = self.undo_fn(db, self._inverse)
        else:
            self.result = self.run(db)
