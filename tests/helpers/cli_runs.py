"""Run every command of a CLI group with plausible arguments (tests that must cover every exporter, including
exporters other areas add later): required options are filled from a table of sample values."""

from __future__ import annotations

import argparse
from pathlib import Path

from sangkien_desktop.cli import build_parser

SAMPLES = {
    "round": "2026/1",
    "dossier": "HS26-001",
    "code": "HS26-001",
    "year": "2026",
}


def group_commands(group: str) -> dict[str, argparse.ArgumentParser]:
    """``{name: parser}`` of the subcommands of ``sangkien GROUP`` ({} when the group does not exist)."""
    top = build_parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    parser = commands.choices.get(group)
    if parser is None:
        return {}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(subs[0].choices) if subs else {}


def top_commands() -> dict[str, argparse.ArgumentParser]:
    top = build_parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


def arguments(parser: argparse.ArgumentParser, output: Path | None) -> list[str] | None:
    """Arguments filling every required option and positional of ``parser`` from SAMPLES (``output`` for
    -o/--output); None when one of them has no sample value."""
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest in ("db", "help"):
            continue
        positional = not action.option_strings
        if not (positional or action.required):
            continue
        if action.dest in ("output", "out", "file") and output is not None:
            value = str(output)
        elif action.dest in SAMPLES:
            value = SAMPLES[action.dest]
        else:
            return None
        argv += [value] if positional else [action.option_strings[-1], value]
    for group in parser._mutually_exclusive_groups:
        if not group.required:
            continue
        choice = next((a for a in group._group_actions if a.dest in SAMPLES), None)
        if choice is None:
            return None
        argv += [choice.option_strings[-1], SAMPLES[choice.dest]]
    # documents that take "a year or a round" (checked when run): give them the sample round
    dests = {a.dest: a for a in parser._actions if a.option_strings}
    given = set(argv)
    has_round = "round" in dests and given & set(dests["round"].option_strings)
    has_year = "year" in dests and given & set(dests["year"].option_strings)
    if "round" in dests and not has_round and not has_year:
        argv += [dests["round"].option_strings[-1], SAMPLES["round"]]
    return argv
