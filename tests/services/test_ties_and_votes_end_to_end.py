"""Issue 14 end to end through the ``sangkien`` command: the worked tie example, the guard before anything
is printed or finalized, the council's order, the recognition vote and the "vote every dossier" setting."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.services.documents import summary
from sangkien_desktop.services.documents.round_data import load_round
from tests.helpers.grading import build_round, put_scores, split_total

MEANS = ["90", "89", "88", "87", "85", "85", *[str(79 - i) for i in range(9)], "70.5"]


def issue_round(db: Database, members: int = 3) -> int:
    """The issue's example: every member gives the same total, 16 dossiers HS26-101 … HS26-116."""
    b = build_round(db, dossiers=len(MEANS), members=members)
    with db.session() as s:
        for d, total in enumerate(MEANS):
            for m in range(members):
                put_scores(s, b, d, m, split_total(total))
    return b.round_id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def grade_json(capsys: pytest.CaptureFixture[str], db_url: str) -> dict[str, dict[str, Any]]:
    code, out, err = run(capsys, "--db", db_url, "grade", "--round", "2026/1", "--json")
    assert code == 0, err
    return {r["code"]: r for r in json.loads(out)}


def test_worked_example_through_the_command(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_round(db)
    by = grade_json(capsys, db_url)
    assert (by["HS26-116"]["mean"], by["HS26-116"]["grade"], by["HS26-116"]["reward"]) == (
        "70.50",
        "C",
        500_000,
    )
    assert by["HS26-116"]["tie"] is False
    assert set(by["HS26-116"]) == {"code", "mean", "rank", "grade", "reward", "tie", "reason"}
    for code in ("HS26-105", "HS26-106"):
        row = by[code]
        assert row["tie"] is True and row["grade"] == "A" and row["reward"] is None
        assert (row["reward_if_chosen"], row["grade_if_not_chosen"], row["reward_if_not_chosen"]) == (
            2_000_000,
            "B",
            1_000_000,
        )
        assert "2 hồ sơ bằng điểm 85,00, còn 1 suất Loại A: Hội đồng chọn" in row["reason"]
    decided = sum(r["reward"] for r in by.values() if r["reward"] is not None)
    assert decided + 2_000_000 + 1_000_000 <= 5 * 2_000_000 + 10 * 1_000_000 + 10 * 500_000
    code, out, _ = run(capsys, "--db", db_url, "grade", "--round", "2026/1")
    assert code == 0
    assert "tổng tiền thưởng 17.500.000 đ; 2 hồ sơ đồng điểm chờ Hội đồng quyết định" in out
    assert "chưa tính 3.000.000 đ" in out and "chờ HĐ (2.000.000/1.000.000)" in out


def test_nothing_final_is_printed_while_a_tie_is_undecided(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_round(db)
    assert run(capsys, "--db", db_url, "grade", "--round", "2026/1", "--apply")[0] == 0
    for argv in (
        ["export", "decision", "--round", "2026/1", "-o", str(tmp_path / "qd.pdf")],
        ["export", "certificates", "--round", "2026/1", "-o", str(tmp_path / "gcn.pdf")],
        ["export", "dost", "--year", "2026", "-o", str(tmp_path / "so.xlsx")],
        ["rounds", "finalize", "--round", "2026/1", "--no-archive"],
    ):
        code, _out, err = run(capsys, "--db", db_url, *argv)
        assert code == 1, argv
        assert "Nhóm đồng điểm HS26-105, HS26-106: 2 hồ sơ bằng điểm 85,00, còn 1 suất Loại A" in err
        assert (
            "sangkien council tie --round 2026/1 --order HS26-105,HS26-106" in err and "trang Kết quả" in err
        )
    assert not (tmp_path / "qd.pdf").exists() and not (tmp_path / "so.xlsx").exists()
    # the working summary shows the undecided amount apart
    with db.reading() as s:
        data = load_round(s, 1)
    notes = summary._notes(data, summary.summary_rows(data))
    assert any("Chưa tính 3.000.000 đồng" in n and "2 hồ sơ đồng điểm" in n for n in notes)
    # a partial order does not settle it
    code, _out, err = run(
        capsys, "--db", db_url, "council", "tie", "--round", "2026/1", "--order", "HS26-106", "--note", "x"
    )
    assert code == 1
    # the council's order, then the results saved again
    code, _out, err = run(
        capsys, "--db", db_url, "council", "tie", "--round", "2026/1", "--order", "HS26-106,HS26-105",
        "--note", "Biểu quyết 5/7 ngày 20/5",
    )  # fmt: skip
    assert code == 0, err
    code, _out, err = run(
        capsys, "--db", db_url, "export", "decision", "--round", "2026/1", "-o", str(tmp_path / "qd.pdf")
    )
    assert code == 1 and "lưu lại kết quả xếp loại" in err
    before = grade_json(capsys, db_url)
    assert run(capsys, "--db", db_url, "grade", "--round", "2026/1", "--apply")[0] == 0
    assert (before["HS26-106"]["grade"], before["HS26-105"]["grade"]) == ("A", "B")
    assert before["HS26-116"]["grade"] == "C" and not any(r["tie"] for r in before.values())
    code, _out, err = run(
        capsys, "--db", db_url, "export", "decision", "--round", "2026/1", "-o", str(tmp_path / "qd.pdf")
    )
    assert code == 0, err
    code, _out, err = run(
        capsys, "--db", db_url, "export", "dost", "--year", "2026", "-o", str(tmp_path / "so.xlsx")
    )
    assert code == 0, err


def test_a_failed_vote_is_not_recognized_and_its_place_passes_down(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_round(db, members=7)
    assert (
        run(capsys, "--db", db_url, "grade", "--round", "2026/1", "--apply")[0] == 0
    )  # saved before the vote
    code, out, err = run(
        capsys, "--db", db_url, "council", "vote", "--round", "2026/1", "--dossier", "HS26-103",
        "--present", "7", "--for", "3", "--against", "4",
    )  # fmt: skip
    assert code == 0, err
    assert "3/7 tán thành, 4 không — chưa đạt 2/3" in out and "sẽ không được công nhận" in out
    by = grade_json(capsys, db_url)
    refused = by["HS26-103"]
    assert (refused["grade"], refused["reward"], refused["tie"]) == ("KCN", 0, False)
    assert refused["reason"] == "Không công nhận: 88,00 điểm, Hội đồng biểu quyết không đạt 2/3: 3/7"
    # its A place passes down: both 85s are now the 4th and 5th A, no tie left
    assert [by[c]["grade"] for c in ("HS26-104", "HS26-105", "HS26-106")] == ["A", "A", "A"]
    assert not any(r["tie"] for r in by.values())
    votes = json.loads(run(capsys, "--db", db_url, "council", "votes", "--round", "2026/1", "--json")[1])
    assert votes[0]["fraction"] == "3/7" and votes[0]["text"].startswith("3/7 tán thành")
    # the results saved before the vote still recognize it: check and the guard say so
    code, out, _err = run(capsys, "--db", db_url, "check")
    assert (
        code == 1
        and "Hội đồng biểu quyết không đạt 2/3: 3/7 nhưng kết quả xếp loại đã lưu vẫn công nhận" in out
    )
    code, _out, err = run(
        capsys, "--db", db_url, "export", "decision", "--round", "2026/1", "-o", str(tmp_path / "qd.pdf")
    )
    assert code == 1 and "Hồ sơ HS26-103: Hội đồng biểu quyết không đạt 2/3: 3/7" in err
    assert run(capsys, "--db", db_url, "grade", "--round", "2026/1", "--apply")[0] == 0
    report = json.loads(run(capsys, "--db", db_url, "check", "--json")[1])
    assert [r["problems"] for r in report["rules"] if r["rule"] == "failed_votes"] == [0]
    # every document agrees: the summary shows 3/7 (in favour / all members) and KCN, no reward
    with db.reading() as s:
        data = load_round(s, 1)
    rows = {r.dossier.code: r for r in summary.summary_rows(data)}
    assert (rows["HS26-103"].vote, rows["HS26-103"].grade, rows["HS26-103"].reward) == ("3/7", "KCN", 0)
    out_path = tmp_path / "qd.docx"
    assert run(capsys, "--db", db_url, "export", "decision", "--round", "2026/1", "-o", str(out_path))[0] == 0
    text = _docx_text(out_path.read_bytes())
    assert "Sáng kiến số 3" not in text and "Sáng kiến số 4" in text


def test_a_round_may_require_a_vote_on_every_recognized_dossier(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = build_round(db, dossiers=3, members=3)
    with db.session() as s:
        for d, total in enumerate(["90", "75", "40"]):
            for m in range(3):
                put_scores(s, b, d, m, split_total(total))
    settings = ["--db", db_url, "council", "settings", "--round", "2026/1"]
    assert run(capsys, *settings, "--require-votes", "on")[0] == 0
    assert json.loads(run(capsys, *settings, "--json")[1])["votes_required"] is True
    assert run(capsys, "--db", db_url, "grade", "--round", "2026/1", "--apply")[0] == 0
    code, _out, err = run(
        capsys, "--db", db_url, "export", "decision", "--round", "2026/1", "-o", str(tmp_path / "qd.pdf")
    )
    assert code == 1 and "2 hồ sơ được công nhận chưa có kết quả biểu quyết (HS26-101, HS26-102)" in err
    code, _out, err = run(capsys, "--db", db_url, "rounds", "finalize", "--round", "2026/1", "--no-archive")
    assert code == 1 and "HS26-101, HS26-102" in err
    for code_ in ("HS26-101", "HS26-102"):
        vote = ["council", "vote", "--round", "2026/1", "--dossier", code_, "--present", "3", "--for", "3"]
        assert run(capsys, "--db", db_url, *vote)[0] == 0
    code, _out, err = run(
        capsys, "--db", db_url, "export", "decision", "--round", "2026/1", "-o", str(tmp_path / "qd.pdf")
    )
    assert code == 0, err


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
