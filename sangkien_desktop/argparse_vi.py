"""argparse in Vietnamese: its own messages, the "Cách dùng:" usage line and the -h option, for the
``sangkien`` command and the desktop program's options alike. Standard library only: the desktop program
imports it at start without importing the command line's modules."""

from __future__ import annotations

import argparse
from typing import Any

_ARGPARSE_VI = {
    "usage: ": "Cách dùng: ",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "show program's version number and exit": "hiện số phiên bản rồi thoát",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn không rõ: %(option)s có thể là %(matches)s",
}


def install_vietnamese_argparse() -> None:
    """argparse's own messages (errors included) in Vietnamese. argparse looks its gettext function up in
    its module globals at call time, so replacing it translates every message it prints."""
    original = argparse._  # type: ignore[attr-defined]
    if getattr(original, "_sangkien", False):
        return

    def translate(message: str) -> str:
        return _ARGPARSE_VI.get(message, original(message))

    translate._sangkien = True  # type: ignore[attr-defined]
    argparse._ = translate  # type: ignore[attr-defined]


class VietnameseHelpFormatter(argparse.HelpFormatter):
    """argparse's own words in Vietnamese ("Cách dùng:")."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "Cách dùng: ")


def vietnamese_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Give a parser built with ``add_help=False`` a Vietnamese -h and section titles."""
    parser.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")
    parser._optionals.title = "tùy chọn"
    parser._positionals.title = "tham số"
    return parser
