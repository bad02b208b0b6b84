from __future__ import annotations

import itertools

import pytest

from sangkien_desktop.domain import round_lifecycle as lc
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import RoundLockedError, ValidationError
from sangkien_desktop.domain.round_lifecycle import RoundAction


def test_every_status_and_action_is_in_the_table() -> None:
    assert set(lc.ALLOWED) == set(RoundStatus)
    for status in RoundStatus:
        info = lc.info(status)
        assert set(info.allowed) | set(info.forbidden) == set(RoundAction)
        assert not set(info.allowed) & set(info.forbidden)
        assert info.label == status.label
        assert all(a.label for a in RoundAction)


def test_what_each_status_allows() -> None:
    assert lc.allows(RoundStatus.OPEN, RoundAction.RECEIVE_DOSSIERS)
    assert not lc.allows(RoundStatus.SCORING, RoundAction.RECEIVE_DOSSIERS)
    assert not lc.allows(RoundStatus.OPEN, RoundAction.GRADE)
    assert lc.allows(RoundStatus.SCORING, RoundAction.GRADE)
    # a finalized round only prints and can be reopened
    assert set(lc.info(RoundStatus.FINALIZED).allowed) == {RoundAction.PRINT, RoundAction.REOPEN}
    for status in RoundStatus:
        assert lc.allows(status, RoundAction.PRINT)


@pytest.mark.parametrize("status,action", list(itertools.product(RoundStatus, RoundAction)))
def test_check_matches_allows(status: RoundStatus, action: RoundAction) -> None:
    if lc.allows(status, action):
        lc.check(status, action)
        return
    expected = RoundLockedError if status is RoundStatus.FINALIZED else ValidationError
    with pytest.raises(expected) as err:
        lc.check(status, action, "Đợt 1 năm 2026")
    assert "Đợt 1 năm 2026" in str(err.value) and status.label in str(err.value)


@pytest.mark.parametrize("current,target", list(itertools.product(RoundStatus, RoundStatus)))
def test_transitions(current: RoundStatus, target: RoundStatus) -> None:
    legal = {
        (RoundStatus.OPEN, RoundStatus.SCORING),
        (RoundStatus.SCORING, RoundStatus.OPEN),
        (RoundStatus.SCORING, RoundStatus.FINALIZED),
        (RoundStatus.FINALIZED, RoundStatus.SCORING),
    }
    assert lc.can_move(current, target) == ((current, target) in legal)
    if (current, target) in legal:
        if lc.needs_reason(current, target):
            with pytest.raises(ValidationError, match="lý do"):
                lc.check_move(current, target, "  ")
        lc.check_move(current, target, "Hội đồng họp lại")
        assert (current, target) in lc.TRANSITION_LABELS
    else:
        with pytest.raises(ValidationError):
            lc.check_move(current, target, "lý do")


def test_only_reopening_a_finalized_round_needs_a_reason() -> None:
    assert [k for k, v in lc.TRANSITIONS.items() if v] == [(RoundStatus.FINALIZED, RoundStatus.SCORING)]


def test_explanation_lists_allowed_and_forbidden() -> None:
    text = lc.info(RoundStatus.FINALIZED).explanation()
    assert "✓ In văn bản, xuất Excel" in text and "✗ Nhập điểm, biểu quyết" in text
    assert lc.info(RoundStatus.OPEN).summary().startswith("Đang nhận hồ sơ: được tiếp nhận hồ sơ mới")
