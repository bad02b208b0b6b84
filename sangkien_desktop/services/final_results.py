"""Is a round's saved grading final? The one guard before anything is printed or locked as final.

The decision (and its tờ trình), the certificates, the Sở KH&CN workbook and finalizing call
``check_final`` first. It refuses, naming each dossier and saying what to do, while:

- a tie at a quota's edge is undecided (the council has not recorded its order: ``sangkien council tie`` or
  the Kết quả page), or was decided after the results were saved (save them again);
- a dossier whose recorded council vote failed (less than 2/3 of all members in favour) is still recognized
  in the saved results (they were saved before the vote: save them again);
- the round requires a vote on every recognized dossier (``council settings --require-votes on``) and some
  recognized dossiers have none.

A round without saved results is not refused here: the documents say themselves that nothing is graded yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.enums import Grade
from ..domain.errors import Issue, ValidationError
from ..models import Dossier, GradeResult, Round, dossier_code
from .council import VoteRow, votes_of_round
from .grading import compute
from .rounds import find_round

NOT_RECOGNIZED = (Grade.NOT_RECOGNIZED.value, Grade.MISSING.value)


@dataclass(frozen=True)
class _Saved:
    dossier_id: int
    code: str
    grade: str
    tie: bool

    @property
    def recognized(self) -> bool:
        return self.grade not in NOT_RECOGNIZED


def _saved(session: Session, round_id: int) -> list[_Saved]:
    query = (
        select(GradeResult.dossier_id, Dossier.year, Dossier.receipt_no, GradeResult.grade, GradeResult.tie)
        .join(Dossier, Dossier.id == GradeResult.dossier_id)
        .where(Dossier.round_id == round_id)
        .order_by(GradeResult.rank, Dossier.receipt_no)
    )
    return [
        _Saved(dossier_id, dossier_code(year, receipt_no), grade, tie)
        for dossier_id, year, receipt_no, grade, tie in session.execute(query)
    ]


def final_issues(session: Session, round_id: int) -> list[Issue]:
    """Everything that keeps the round's saved results from being printed as final (empty: final)."""
    rnd = session.get(Round, round_id)
    if rnd is None:
        return []
    saved = _saved(session, round_id)
    if not saved:
        return []
    ref = f"{rnd.year}/{rnd.number}"
    issues = _tie_issues(session, round_id, ref) if any(s.tie for s in saved) else []
    votes = votes_of_round(session, round_id)
    again = f"lưu lại kết quả xếp loại (sangkien grade --round {ref} --apply, hoặc trang Kết quả)"
    for s in saved:
        vote = votes.get(s.dossier_id)
        if s.recognized and vote is not None and vote.refusal:
            issues.append(
                Issue(f"{vote.refusal} nhưng kết quả đã lưu vẫn công nhận: {again}", f"Hồ sơ {s.code}")
            )
    if rnd.votes_required:
        missing = [s.code for s in saved if s.recognized and s.dossier_id not in votes]
        if missing:
            issues.append(
                Issue(
                    f"{len(missing)} hồ sơ được công nhận chưa có kết quả biểu quyết ({', '.join(missing)}); đợt "
                    f"này yêu cầu biểu quyết từng hồ sơ: ghi bằng sangkien council vote --round {ref} --dossier "
                    "MÃ --present … --for … --against …, hoặc nút “Ghi biểu quyết…” trên trang Kết quả",
                    "Biểu quyết",
                )
            )
    return issues


def _tie_issues(session: Session, round_id: int, ref: str) -> list[Issue]:
    groups = compute(session, round_id).grading.tie_groups()
    if not groups:
        return [
            Issue(
                "Hội đồng đã ghi thứ tự cho các hồ sơ đồng điểm nhưng kết quả đã lưu chưa cập nhật: lưu lại kết "
                f"quả xếp loại (sangkien grade --round {ref} --apply, hoặc trang Kết quả)",
                "Đồng điểm",
            )
        ]
    return [
        Issue(
            f"{g.note}, chưa ghi quyết định. Ghi thứ tự Hội đồng chọn bằng sangkien council tie --round {ref} "
            f'--order {",".join(g.codes)} --note "…" (hoặc trang Kết quả → “Hội đồng quyết định đồng '
            "điểm…”), rồi lưu lại kết quả xếp loại",
            f"Nhóm đồng điểm {', '.join(g.codes)}",
        )
        for g in groups
    ]


def check_final_in(session: Session, round_id: int, what: str) -> None:
    """Raise ``ValidationError`` (titled "Chưa <what> …") when ``final_issues`` finds anything."""
    issues = final_issues(session, round_id)
    if issues:
        rnd = session.get(Round, round_id)
        label = rnd.label if rnd is not None else str(round_id)
        raise ValidationError(issues, f"Chưa {what} của {label}: kết quả xếp loại chưa phải kết quả cuối")


def check_final(db: Database, round_ref: str | int, what: str) -> None:
    """``check_final_in`` in its own read-only session; ``what`` is the action ("in quyết định công nhận")."""
    with db.reading() as session:
        check_final_in(session, find_round(session, round_ref).id, what)


def check_final_year(db: Database, year: int, round_id: int | None, what: str) -> None:
    """``check_final`` for one round, or for every round of ``year`` (the Sở KH&CN workbook)."""
    with db.reading() as session:
        if round_id is not None:
            ids = [round_id]
        else:
            ids = list(session.scalars(select(Round.id).where(Round.year == year).order_by(Round.number)))
        for rid in ids:
            check_final_in(session, rid, what)


def failed_votes_still_recognized(session: Session) -> list[tuple[int, str, str]]:
    """(grade result id, "HS26-007 (Đợt 1 năm 2026)", refusal) of every saved result that recognizes a
    dossier whose recorded vote failed, in every round (for ``sangkien check``)."""
    query = (
        select(GradeResult.id, GradeResult.dossier_id, Dossier.year, Dossier.receipt_no, Round)
        .join(Dossier, Dossier.id == GradeResult.dossier_id)
        .join(Round, Round.id == Dossier.round_id)
        .where(GradeResult.grade.not_in(NOT_RECOGNIZED))
        .order_by(Round.year, Round.number, Dossier.receipt_no)
    )
    out: list[tuple[int, str, str]] = []
    votes: dict[int, dict[int, VoteRow]] = {}
    for result_id, dossier_id, year, receipt_no, rnd in session.execute(query):
        if rnd.id not in votes:
            votes[rnd.id] = votes_of_round(session, rnd.id)
        vote = votes[rnd.id].get(dossier_id)
        if vote is not None and vote.refusal:
            out.append((result_id, f"{dossier_code(year, receipt_no)} ({rnd.label})", vote.refusal))
    return out
