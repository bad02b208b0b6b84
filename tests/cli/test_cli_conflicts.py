"""`sangkien council conflict-add / conflict-remove`: conflicts of interest recorded by hand, listed by
`council conflicts` and respected by `assign auto`; `assign unset` is kept by `assign auto --replace`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.services import assignment as assignment_service
from tests.helpers.grading import build_round


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_conflict_by_hand_from_the_command_line(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    b = build_round(db, dossiers=3, members=3, assign=False)
    code = assignment_service.get_grid(db, b.round_id).dossiers[0].code
    base = ["--db", db_url, "council"]
    args = ["--round", "2026/1", "--dossier", code, "--member", "2"]
    assert main([*base, "conflict-add", *args, "--kind", "other"]) == 1  # "other" needs a reason
    assert main([*base, "conflict-add", *args, "--reason", "vợ của tác giả"]) == 0
    assert "người thân" in capsys.readouterr().out
    listed = run_json(capsys, *base, "conflicts", "--round", "2026/1", "--json")
    assert [(c["code"], "vợ của tác giả" in c["conflict"]) for c in listed] == [(code, True)]
    assert main(["--db", db_url, "assign", "auto", "--round", "2026/1", "--k", "3"]) == 0
    grid = assignment_service.get_grid(db, b.round_id)
    assert not grid.cell(grid.dossiers[0].id, b.members[1]).assigned
    assert grid.assigned_count(grid.dossiers[0].id) == 2
    assert main([*base, "conflict-remove", *args]) == 0
    assert run_json(capsys, *base, "conflicts", "--round", "2026/1", "--json") == []


def test_unset_by_hand_is_kept_by_a_fresh_automatic_assignment(db: Database, db_url: str) -> None:
    b = build_round(db, dossiers=2, members=3)
    code = assignment_service.get_grid(db, b.round_id).dossiers[1].code
    unset = ["assign", "unset", "--round", "2026/1", "--dossier", code, "--member", "1"]
    assert main(["--db", db_url, *unset]) == 0
    assert main(["--db", db_url, "assign", "auto", "--round", "2026/1", "--k", "3", "--replace"]) == 0
    grid = assignment_service.get_grid(db, b.round_id)
    assert not grid.cell(grid.dossiers[1].id, b.members[0]).assigned
