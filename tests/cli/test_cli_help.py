"""Every command's --help renders (a stray "%" in a help text crashes argparse) and is in Vietnamese."""

from __future__ import annotations

import argparse

from sangkien_desktop.cli import build_parser


def _walk(
    parser: argparse.ArgumentParser, path: str = "sangkien"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _walk(sub, f"{path} {name}")
    return found


def test_every_help_renders_in_vietnamese() -> None:
    parsers = _walk(build_parser())
    assert len(parsers) > 20
    for path, parser in parsers:
        text = parser.format_help()
        assert "Cách dùng:" in text, path
        assert "show this help" not in text, path
