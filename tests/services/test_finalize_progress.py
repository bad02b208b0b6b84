"""Finalizing reports its steps; stopping before the point of no return changes nothing, and the point of no
return is announced (the GUI's Huỷ button is disabled there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.services import finalize, rounds


class Stop(Exception):
    pass


def _status(db: Database, ref: str) -> RoundStatus:
    return next(r for r in rounds.list_rounds(db) if r.label == ref).status


def test_stopped_before_the_commit_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    def progress(_done: int, _total: int, text: str) -> None:
        raise Stop(text)

    with pytest.raises(Stop, match="kiểm tra"):
        finalize.finalize_round(demo_db, "2026/1", archive_root=tmp_path, progress=progress)
    assert _status(demo_db, "Đợt 1 năm 2026") is RoundStatus.SCORING
    assert not list(tmp_path.iterdir())


def test_steps_and_point_of_no_return(demo_db: Database, tmp_path: Path) -> None:
    steps: list[tuple[bool, str]] = []
    passed = [False]

    def committed() -> None:
        passed[0] = True

    result = finalize.finalize_round(
        demo_db,
        "2026/1",
        archive_root=tmp_path,
        progress=lambda d, t, text: steps.append((passed[0], text)),
        committed=committed,
    )
    assert result.archive is not None and passed[0]
    before = [text for after, text in steps if not after]
    after = [text for after, text in steps if after]
    assert before == ["Đang kiểm tra đợt…", "Đang chốt kết quả…"]
    assert after[0].startswith("Đang chép cơ sở dữ liệu")
    assert len(after) > 3 and all(t.startswith("Đang lập ") for t in after[1:])
