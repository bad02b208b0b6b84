"""Council rules: the roster (exactly one Chủ tịch), the quorum of a meeting and the recognition vote
(≥ 2/3 of the members in favour by default, TT 18/2013 Điều 8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .enums import MemberRole
from .errors import Issue


@dataclass(frozen=True)
class RosterMember:
    name: str
    role: MemberRole
    active: bool = True


def roster_issues(members: Sequence[RosterMember]) -> list[Issue]:
    """Exactly one Chủ tịch among the active members; at most one Ủy viên thư ký (a warning)."""
    active = [m for m in members if m.active]
    issues: list[Issue] = []
    if not active:
        return [Issue("Hội đồng chưa có thành viên nào.")]
    chairs = [m.name for m in active if m.role is MemberRole.CHAIR]
    if not chairs:
        issues.append(Issue("Hội đồng chưa có Chủ tịch (phải có đúng một Chủ tịch)."))
    elif len(chairs) > 1:
        issues.append(Issue(f"Hội đồng có {len(chairs)} Chủ tịch ({', '.join(chairs)}); chỉ được có một."))
    secretaries = [m.name for m in active if m.role is MemberRole.SECRETARY]
    if len(secretaries) > 1:
        issues.append(
            Issue(f"Có {len(secretaries)} Ủy viên thư ký ({', '.join(secretaries)}).", severity="warning")
        )
    return issues


def default_quorum(members: int) -> int:
    """More than half of the members."""
    return members // 2 + 1


def quorum_of(members: int, quorum: int | None) -> int:
    return default_quorum(members) if quorum is None else quorum


@dataclass(frozen=True)
class VoteCount:
    members_total: int
    present: int
    in_favour: int
    against: int


def vote_issues(vote: VoteCount) -> list[Issue]:
    issues: list[Issue] = []
    if min(vote.members_total, vote.present, vote.in_favour, vote.against) < 0:
        issues.append(Issue("Số phiếu không được âm."))
    if vote.present > vote.members_total:
        issues.append(Issue(f"Số có mặt ({vote.present}) lớn hơn số thành viên ({vote.members_total})."))
    if vote.in_favour + vote.against > vote.present:
        issues.append(
            Issue(
                f"Số tán thành ({vote.in_favour}) cộng không tán thành ({vote.against}) lớn hơn số có mặt "
                f"({vote.present})."
            )
        )
    return issues


def vote_passes(in_favour: int, members_total: int, numerator: int = 2, denominator: int = 3) -> bool:
    """At least numerator/denominator of all members in favour (integers, no rounding)."""
    if members_total <= 0 or denominator <= 0:
        return False
    return in_favour * denominator >= numerator * members_total


def vote_text(vote: VoteCount, numerator: int = 2, denominator: int = 3, quorum: int | None = None) -> str:
    """One line for the results table: "6/7 tán thành, 1 không — đạt"."""
    if not vote_recorded(vote):
        return "Chưa biểu quyết"
    passed = vote_passes(vote.in_favour, vote.members_total, numerator, denominator)
    text = f"{vote_fraction(vote)} tán thành"
    if vote.against:
        text += f", {vote.against} không"
    text += " — đạt" if passed else f" — chưa đạt {numerator}/{denominator}"
    need = quorum_of(vote.members_total, quorum)
    if vote.present < need:
        text += f" (chỉ {vote.present} người dự, cần {need})"
    return text


def vote_recorded(vote: VoteCount) -> bool:
    """A vote counts once someone took part in it (0 present and 0 in favour: not voted yet)."""
    return not (vote.present == 0 and vote.in_favour == 0)


def vote_fraction(vote: VoteCount) -> str:
    """ "3/7": in favour / all members of the council (the 2/3 rule counts every member, not those present)."""
    return f"{vote.in_favour}/{vote.members_total}"


def vote_refusal(vote: VoteCount, numerator: int = 2, denominator: int = 3) -> str:
    """Why a recorded vote refuses recognition ("Hội đồng biểu quyết không đạt 2/3: 3/7"), or "" when it
    passes or was not taken."""
    if not vote_recorded(vote) or vote_passes(vote.in_favour, vote.members_total, numerator, denominator):
        return ""
    return f"Hội đồng biểu quyết không đạt {numerator}/{denominator}: {vote_fraction(vote)}"
