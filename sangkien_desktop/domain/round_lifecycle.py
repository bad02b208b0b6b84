"""What a round's status allows, and which status changes are possible: one pure table.

A round goes open (receiving dossiers) → scoring (intake closed, the council scores) → finalized (decision
signed, results locked). Going back is possible: scoring → open reopens intake; finalized → scoring reopens
a signed round and needs a written reason (it is logged). Every page and command reads this table to say
what the current status allows, and services call :func:`check` before doing an action.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .enums import RoundStatus
from .errors import RoundLockedError, ValidationError


class RoundAction(StrEnum):
    """Things a secretary does with a round's data."""

    RECEIVE_DOSSIERS = "receive_dossiers"  # log new dossiers in the receipt book
    EDIT_DOSSIERS = "edit_dossiers"  # change a dossier's details, checklist, status
    EDIT_RULES = "edit_rules"  # rubric, checklist template, grade rules, co-author limit
    EDIT_COUNCIL = "edit_council"  # members of the council
    ASSIGN = "assign"  # assign dossiers to members
    ENTER_SCORES = "enter_scores"  # type in the score sheets, votes
    GRADE = "grade"  # rank and grade, settle ties
    ISSUE_CERTIFICATES = "issue_certificates"  # number certificates in the register
    PRINT = "print"  # print and export documents
    REOPEN = "reopen"  # go back to the previous status

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS: dict[RoundAction, str] = {
    RoundAction.RECEIVE_DOSSIERS: "Tiếp nhận hồ sơ mới",
    RoundAction.EDIT_DOSSIERS: "Sửa thông tin hồ sơ, giấy tờ, tình trạng",
    RoundAction.EDIT_RULES: "Sửa tiêu chí chấm, danh mục giấy tờ, quy tắc xếp loại",
    RoundAction.EDIT_COUNCIL: "Sửa thành viên Hội đồng",
    RoundAction.ASSIGN: "Phân công chấm",
    RoundAction.ENTER_SCORES: "Nhập điểm, biểu quyết",
    RoundAction.GRADE: "Xếp loại",
    RoundAction.ISSUE_CERTIFICATES: "Cấp số giấy chứng nhận",
    RoundAction.PRINT: "In văn bản, xuất Excel",
    RoundAction.REOPEN: "Mở lại (quay về bước trước)",
}

_A = RoundAction
ALLOWED: dict[RoundStatus, frozenset[RoundAction]] = {
    RoundStatus.OPEN: frozenset(
        {
            _A.RECEIVE_DOSSIERS,
            _A.EDIT_DOSSIERS,
            _A.EDIT_RULES,
            _A.EDIT_COUNCIL,
            _A.ASSIGN,
            _A.ENTER_SCORES,
            _A.PRINT,
        }
    ),
    RoundStatus.SCORING: frozenset(
        {
            _A.EDIT_DOSSIERS,
            _A.EDIT_RULES,
            _A.EDIT_COUNCIL,
            _A.ASSIGN,
            _A.ENTER_SCORES,
            _A.GRADE,
            _A.ISSUE_CERTIFICATES,
            _A.PRINT,
            _A.REOPEN,
        }
    ),
    RoundStatus.FINALIZED: frozenset({_A.PRINT, _A.REOPEN}),
}

# (from, to) → whether a written reason is required
TRANSITIONS: dict[tuple[RoundStatus, RoundStatus], bool] = {
    (RoundStatus.OPEN, RoundStatus.SCORING): False,
    (RoundStatus.SCORING, RoundStatus.OPEN): False,
    (RoundStatus.SCORING, RoundStatus.FINALIZED): False,
    (RoundStatus.FINALIZED, RoundStatus.SCORING): True,
}

# What the button that makes each transition says.
TRANSITION_LABELS: dict[tuple[RoundStatus, RoundStatus], str] = {
    (RoundStatus.OPEN, RoundStatus.SCORING): "Kết thúc nhận hồ sơ, chuyển sang chấm điểm",
    (RoundStatus.SCORING, RoundStatus.OPEN): "Mở lại việc nhận hồ sơ",
    (RoundStatus.SCORING, RoundStatus.FINALIZED): "Chốt kết quả (đã có quyết định công nhận)",
    (RoundStatus.FINALIZED, RoundStatus.SCORING): "Mở lại đợt đã chốt (phải ghi lý do)",
}

STATUS_ORDER: tuple[RoundStatus, ...] = (RoundStatus.OPEN, RoundStatus.SCORING, RoundStatus.FINALIZED)


@dataclass(frozen=True)
class StatusInfo:
    status: RoundStatus
    label: str
    allowed: tuple[RoundAction, ...]
    forbidden: tuple[RoundAction, ...]
    next_statuses: tuple[RoundStatus, ...]

    def summary(self) -> str:
        """One Vietnamese sentence: what can be done now."""
        return f"{self.label}: được " + "; ".join(_lower_first(a.label) for a in self.allowed) + "."

    def explanation(self) -> str:
        """Several lines for a tooltip or a help box: allowed and not allowed actions."""
        lines = [self.label, "Được làm:"]
        lines += [f"  ✓ {a.label}" for a in self.allowed]
        if self.forbidden:
            lines.append("Không được làm:")
            lines += [f"  ✗ {a.label}" for a in self.forbidden]
        return "\n".join(lines)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def allows(status: RoundStatus, action: RoundAction) -> bool:
    return action in ALLOWED[RoundStatus(status)]


def info(status: RoundStatus) -> StatusInfo:
    status = RoundStatus(status)
    allowed = tuple(a for a in RoundAction if a in ALLOWED[status])
    forbidden = tuple(a for a in RoundAction if a not in ALLOWED[status])
    nexts = tuple(t for (f, t) in TRANSITIONS if f is status)
    return StatusInfo(status, status.label, allowed, forbidden, nexts)


def check(status: RoundStatus, action: RoundAction, round_label: str = "Đợt này") -> None:
    """Raise when ``action`` is not allowed in ``status`` (RoundLockedError for a finalized round)."""
    status = RoundStatus(status)
    if allows(status, action):
        return
    message = (
        f"{round_label} đang ở trạng thái '{status.label}' nên không được: {_lower_first(action.label)}."
    )
    if status is RoundStatus.FINALIZED:
        raise RoundLockedError(
            message + " Muốn sửa, hãy mở lại đợt (phải ghi lý do; việc mở lại được ghi vào nhật ký)."
        )
    hint = {
        RoundStatus.OPEN: " Hãy chuyển đợt sang 'Đang chấm điểm' trước.",
        RoundStatus.SCORING: " Muốn nhận thêm hồ sơ, hãy mở lại việc nhận hồ sơ.",
    }[status]
    raise ValidationError(message + hint, title="Không thực hiện được")


def can_move(current: RoundStatus, target: RoundStatus) -> bool:
    return (RoundStatus(current), RoundStatus(target)) in TRANSITIONS


def needs_reason(current: RoundStatus, target: RoundStatus) -> bool:
    return TRANSITIONS.get((RoundStatus(current), RoundStatus(target)), False)


def check_move(current: RoundStatus, target: RoundStatus, reason: str = "") -> None:
    """Raise ``ValidationError`` unless ``current → target`` is a transition of the table (with its reason)."""
    current, target = RoundStatus(current), RoundStatus(target)
    if current is target:
        raise ValidationError(f"Đợt đã ở trạng thái '{current.label}'.", title="Không đổi trạng thái")
    if not can_move(current, target):
        possible = ", ".join(f"'{t.label}'" for t in info(current).next_statuses)
        raise ValidationError(
            f"Không chuyển thẳng từ '{current.label}' sang '{target.label}'. Từ trạng thái này chỉ chuyển "
            f"được sang: {possible}.",
            title="Không đổi trạng thái",
        )
    if needs_reason(current, target) and not reason.strip():
        raise ValidationError(
            f"Chuyển từ '{current.label}' sang '{target.label}' phải ghi lý do (được lưu vào nhật ký).",
            title="Thiếu lý do",
        )
