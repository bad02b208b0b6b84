"""The ``sangkien`` command: every feature of the app, scriptable, without Qt.

Each area registers its subcommands in its own module (``core``, ``registration``, ``recognized``, ``intake``,
``grading``, ``documents``, ``safety``, ``setup``, ``move``); ``import`` and ``export`` are shared groups, so
``sangkien import registrations …`` and ``sangkien import scores …`` live in different modules.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..domain.errors import DatabaseBusyError, SangKienError
from . import core, documents, grading, intake, move, recognized, registration, safety, setup
from .common import (
    BUSY_EXIT_CODE,
    Registry,
    VietnameseHelpFormatter,
    clean_arguments,
    db_parent,
    install_vietnamese_argparse,
    vietnamese_parser,
)

# Imported statically (not by name) so the PyInstaller bundle finds every command module.
AREA_MODULES = (core, registration, recognized, intake, grading, documents, safety, setup, move)


def build_parser() -> argparse.ArgumentParser:
    install_vietnamese_argparse()
    parser = argparse.ArgumentParser(
        prog="sangkien",
        description="Sáng kiến Desktop — dòng lệnh cho thư ký Hội đồng Sáng kiến (không cần mạng).",
        parents=[db_parent(top_level=True)],
        add_help=False,
        formatter_class=VietnameseHelpFormatter,
    )
    vietnamese_parser(parser)
    parser.add_argument(
        "--version", action="version", version=f"sangkien {__version__}", help="in phiên bản rồi thoát"
    )
    commands = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")
    registry = Registry(commands)
    for module in AREA_MODULES:
        module.register(registry)
    return parser


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Output piped into a reader that stops early (``sangkien … --json | head``) ends
    quietly with the usual SIGPIPE status 141, never with a BrokenPipeError traceback."""
    try:
        try:
            return _run(argv)
        finally:
            sys.stdout.flush()  # inside the try: a closed pipe is noticed here, not at interpreter exit
    except BrokenPipeError:
        _discard_stdout()
        return 141


def _discard_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit has nowhere to fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _run(argv: Sequence[str] | None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        # a group without its subcommand, or no command at all
        target = getattr(args, "group_parser", parser)
        target.print_help()
        return 2
    clean_arguments(args)
    try:
        return int(handler(args) or 0)
    except DatabaseBusyError as exc:  # another writer held the database: nothing written, try again later
        print(f"Lỗi: {exc}", file=sys.stderr)
        return BUSY_EXIT_CODE
    except SangKienError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
