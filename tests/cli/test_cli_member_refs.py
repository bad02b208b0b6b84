"""``--member`` means the same in every command: a plain number is the TT in ``council list``, ``TV05`` the code
printed on the member's score sheet (TV + database id), anything else a name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database


def _url(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _sheet_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_council_list_shows_the_sheet_code(demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(demo_db)
    roster = _json(capsys, "--db", url, "council", "list", "--round", "2026/2", "--json")
    second = roster["members"][1]
    assert second["number"] == 2 and second["sheet_code"] == f"TV{second['id']:02d}"
    capsys.readouterr()
    assert main(["--db", url, "council", "list", "--round", "2026/2"]) == 0
    out = capsys.readouterr().out
    assert "Mã phiếu" in out and second["sheet_code"] in out


def test_export_score_sheets_takes_tt_and_sheet_code(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(demo_db)
    members = _json(capsys, "--db", url, "council", "list", "--round", "2026/2", "--json")["members"]
    second, third = members[1], members[2]
    assert second["id"] != 2  # round 2's members are not ids 1..7: TT and TV code differ
    by_tt, by_code = tmp_path / "tt.xlsx", tmp_path / "code.xlsx"
    common = ["--db", url, "export", "score-sheets", "--round", "2026/2"]
    assert main([*common, "--member", "2", "-o", str(by_tt)]) == 0
    assert main([*common, "--member", second["sheet_code"], "-o", str(by_code)]) == 0
    for path in (by_tt, by_code):
        text = _sheet_text(path)
        assert second["name"] in text and third["name"] not in text
        assert second["sheet_code"] in text
    capsys.readouterr()
    # TV02 is a member of round 1, not round 2: a clear message, no file
    assert main([*common, "--member", "TV02", "-o", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "TV02" in err and "Mã phiếu" in err and "council list" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_score_commands_take_tt_and_sheet_code(demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(demo_db)
    members = _json(capsys, "--db", url, "council", "list", "--round", "2026/1", "--json")["members"]
    third = members[2]
    common = ["--db", url, "score", "sheet", "--round", "2026/1", "--json", "--member"]
    by_tt = _json(capsys, *common, "3")
    by_code = _json(capsys, *common, third["sheet_code"].lower())
    by_name = _json(capsys, *common, third["name"])
    assert by_tt == by_code == by_name and by_tt["member"] == third["name"]


def test_member_help_texts_say_both_forms(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["score", "set", "--help"], ["export", "score-sheets", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = " ".join(capsys.readouterr().out.split())
        assert "số TT" in out and "TV05" in out, argv
