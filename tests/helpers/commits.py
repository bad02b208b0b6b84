"""Watch every database commit of the process: which ones wrote, on which thread, and during what.

``CommitWatch`` listens on SQLAlchemy's ``Engine`` class (so every engine, every thread): a connection that runs
an ``INSERT``/``UPDATE``/``DELETE``/``REPLACE`` (an ORM flush, a Core statement, ``text()`` or
``exec_driver_sql``) is marked, and its next commit is recorded as a writing commit; a rollback forgets the mark.
This sees the commits of ``db.session()`` and of ``engine.begin()`` alike. ``where()`` is called at each commit,
on the committing thread, to say what was going on (the test's current action, ``operations.active()`` …)::

    with CommitWatch(where=lambda: operations.active()) as watch:
        do_something()
    assert [c.where for c in watch.writes] == [1]
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
TABLE = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.IGNORECASE
)


@dataclass(frozen=True)
class Commit:
    wrote: bool  # the transaction ran at least one writing statement
    statements: tuple[str, ...]  # its first writing statements (shortened), to name what was written
    thread: str
    where: Any  # what ``where()`` answered at the commit

    @property
    def tables(self) -> set[str]:
        """The tables its writing statements name."""
        return {m.group(1) for m in map(TABLE.match, self.statements) if m}


@dataclass
class CommitWatch:
    where: Callable[[], Any] = lambda: None
    commits: list[Commit] = field(default_factory=list)
    _pending: dict[int, list[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def writes(self) -> list[Commit]:
        """The commits that wrote something."""
        with self._lock:
            return [c for c in self.commits if c.wrote]

    def clear(self) -> None:
        with self._lock:
            self.commits.clear()

    # listeners ----------------------------------------------------------------------------------------
    def _on_sql(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if WRITE.match(statement):
            with self._lock:
                seen = self._pending.setdefault(id(conn), [])
                shown = " ".join(statement.split())[:80]
                if len(seen) < 50 and shown not in seen:
                    seen.append(shown)

    def _on_commit(self, conn: Any) -> None:
        where = self.where()
        with self._lock:
            statements = self._pending.pop(id(conn), [])
            self.commits.append(
                Commit(bool(statements), tuple(statements), threading.current_thread().name, where)
            )

    def _on_rollback(self, conn: Any) -> None:
        with self._lock:
            self._pending.pop(id(conn), None)

    def __enter__(self) -> CommitWatch:
        event.listen(Engine, "before_cursor_execute", self._on_sql)
        event.listen(Engine, "commit", self._on_commit)
        event.listen(Engine, "rollback", self._on_rollback)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._on_sql)
        event.remove(Engine, "commit", self._on_commit)
        event.remove(Engine, "rollback", self._on_rollback)
