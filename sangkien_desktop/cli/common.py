"""Shared pieces of the CLI: the registry areas add commands to, opening the database, JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from ..db.database import Database

Handler = Callable[[argparse.Namespace], int | None]


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
        parser = self._commands.add_parser(name, help=help, description=help, parents=[db_parent()])
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, help: str = "") -> argparse._SubParsersAction[argparse.ArgumentParser]:
        """A command with subcommands (``import``, ``export``, ``rounds`` …), shared between areas."""
        if name not in self._groups:
            parser = self._commands.add_parser(name, help=help, description=help, parents=[db_parent()])
            parser.set_defaults(group_parser=parser)
            self._groups[name] = parser.add_subparsers(dest=f"{name}_kind", metavar="LOẠI")
        return self._groups[name]

    def subcommand(self, group: str, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        """Add ``sangkien GROUP NAME`` (e.g. group "export", name "registrations")."""
        parser = self.group(group).add_parser(name, help=help, description=help, parents=[db_parent()])
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
