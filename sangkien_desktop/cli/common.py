"""Shared pieces of the CLI: the registry areas add commands to, opening the database, JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..argparse_vi import (  # noqa: F401 (re-exported for the command modules)
    VietnameseHelpFormatter,
    install_vietnamese_argparse,
    vietnamese_parser,
)
from ..db.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models import CouncilMember

Handler = Callable[[argparse.Namespace], int | None]
BUSY_EXIT_CODE = 3  # the database stayed locked by another writer (``DatabaseBusyError``)
# options naming a file or folder keep their text as typed (the file system decides what a name may hold)
_PATH_OPTIONS = frozenset(
    {"db", "file", "files", "out", "output", "archive_dir", "folder", "path", "rules", "dest"}
)


def clean_arguments(args: argparse.Namespace) -> None:
    """Remove control, bidi-override and zero-width characters from every text option (``$'Nguy\\x01ễn'``
    becomes "Nguyễn"): the same cleaning as every other entry (``domain.text.strip_unsafe``)."""
    from ..domain.text import strip_unsafe

    for name, value in vars(args).items():
        if name in _PATH_OPTIONS or callable(value):
            continue
        if isinstance(value, str):
            setattr(args, name, strip_unsafe(value))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            setattr(args, name, [strip_unsafe(v) for v in value])


def db_parent(top_level: bool = False) -> argparse.ArgumentParser:
    """``--db`` accepted both before and after the command (``sangkien --db x.db stats``)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="ĐƯỜNG_DẪN",
        default=None if top_level else argparse.SUPPRESS,
        help="tệp cơ sở dữ liệu SQLite (hoặc một URL SQLAlchemy); mặc định: biến SANGKIEN_DB_URL, "
        "rồi tệp sangkien.db trong thư mục dữ liệu người dùng",
    )
    return parent


class Registry:
    """Where area modules add their commands."""

    def __init__(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self._commands = commands
        self._groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}

    def command(self, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        """Add a top-level command ``sangkien NAME``."""
        parser = self._add(self._commands, name, help)
        parser.set_defaults(handler=handler)
        return parser

    @staticmethod
    def _add(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str
    ) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(
            name,
            help=help,
            description=help,
            parents=[db_parent()],
            add_help=False,
            formatter_class=VietnameseHelpFormatter,
        )
        return vietnamese_parser(parser)

    def group(self, name: str, help: str = "") -> argparse._SubParsersAction[argparse.ArgumentParser]:
        """A command with subcommands (``import``, ``export``, ``rounds`` …), shared between areas."""
        if name not in self._groups:
            parser = self._add(self._commands, name, help)
            parser.set_defaults(group_parser=parser)
            self._groups[name] = parser.add_subparsers(dest=f"{name}_kind", metavar="LOẠI")
        return self._groups[name]

    def subcommand(self, group: str, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        """Add ``sangkien GROUP NAME`` (e.g. group "export", name "registrations")."""
        parser = self._add(self.group(group), name, help)
        parser.set_defaults(handler=handler)
        return parser


def open_db(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    return Database.open(getattr(args, "db", None), migrate=migrate)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """A plain aligned text table for the terminal."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(v.ljust(widths[i]) for i, v in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


# council members ----------------------------------------------------------------------------------------
MEMBER_HELP = (
    "thành viên: số TT trong “sangkien council list” (ví dụ 5), mã in trên phiếu chấm (ví dụ TV05) "
    "hoặc họ tên"
)
_SHEET_CODE = re.compile(r"\s*TV\s*0*(\d+)\s*", re.IGNORECASE)


def sheet_code(member_id: int) -> str:
    """The member's code printed on the score sheet (TV + database id), as ``MemberInfo.sheet_code``."""
    return f"TV{member_id:02d}"


def find_member(session: Session, round_id: int, text: str) -> CouncilMember:
    """A council member of the round, the same way in every command: a plain number is the TT in
    ``council list``; ``TV05`` is the code printed on the member's score sheet; anything else a name."""
    from ..domain.errors import NotFoundError
    from ..services import council as council_service

    match = _SHEET_CODE.fullmatch(text)
    if match is None:
        return council_service.find_member(session, round_id, text)
    try:
        return council_service.find_member(session, round_id, f"#{int(match.group(1))}")
    except NotFoundError:
        raise NotFoundError(
            f"Không có thành viên mã {sheet_code(int(match.group(1)))} trong Hội đồng của đợt này (mã TV là "
            "mã in trên phiếu chấm của đợt; xem cột “Mã phiếu” của: sangkien council list --round …). "
            "Hoặc ghi số TT, ví dụ --member 5."
        ) from None
