"""Typed errors raised by the library. The UI turns them into dialogs, the CLI into messages.

Every message is in Vietnamese and says where the problem is.
"""

from __future__ import annotations

from dataclasses import dataclass


class SangKienError(Exception):
    """Base of every error the user should see as a plain message (never a traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Issue:
    """One problem found in user input.

    ``where`` names the place (e.g. "Dòng 7, cột Tên sáng kiến"); ``severity`` is "error" (blocks saving)
    or "warning" (shown, does not block).
    """

    message: str
    where: str = ""
    severity: str = "error"
    row: int | None = None
    column: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ValidationError(SangKienError):
    """Input was refused; ``issues`` lists every problem found (errors and warnings)."""

    def __init__(self, issues: list[Issue] | Issue | str, title: str = "Dữ liệu không hợp lệ") -> None:
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: list[Issue] = list(issues)
        lines = [title + ":"] + ["  - " + i.text() for i in self.issues]
        super().__init__("\n".join(lines))


class NotFoundError(SangKienError):
    """A referenced record (round, unit, dossier …) does not exist."""


class DatabaseError(SangKienError):
    """The database cannot be opened, migrated or written (locked, newer than the app, damaged …)."""


class RoundLockedError(SangKienError):
    """The round is finalized: its scores, grades and certificates are read-only."""


class DatabaseBusyError(DatabaseError):
    """Another writer held the database longer than the busy timeout ("database is locked"). Nothing was
    written; trying again later works. The CLI exits with code 3 for it."""
