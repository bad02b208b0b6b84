"""Intake rules: contributions total exactly 100 (Decimal), co-author limit, receipt numbers, checklist,
status transitions and what each status needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import intake_rules as r
from sangkien_desktop.domain.enums import DossierStatus as S

TODAY = dt.date(2026, 4, 20)


def authors(*shares: str | None, units: tuple[str, ...] = ()) -> list[r.AuthorFacts]:
    out = []
    for i, share in enumerate(shares):
        unit = units[i] if i < len(units) else f"u{i}"
        out.append(
            r.AuthorFacts(
                f"Nguyễn Văn Người{i}",
                dt.date(1980, 1, 1 + i),
                None if share is None else Decimal(share),
                unit,
                f"Đơn vị {unit}",
            )
        )
    return out


def errors(issues: list) -> list[str]:
    return [i.text() for i in issues if i.is_error]


# contributions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("60", "60"),
        ("33,5", "33.5"),
        ("33.5 %", "33.5"),
        (" 40% ", "40"),
        (40, "40"),
        (Decimal("12.25"), "12.25"),
    ],
)
def test_parse_contribution(text: object, value: str) -> None:
    assert r.parse_contribution(text) == Decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "abc", "6O", "1/2", None, True])
def test_parse_contribution_refuses_text(text: object) -> None:
    with pytest.raises(ValueError):
        r.parse_contribution(text)  # type: ignore[arg-type]


def test_contributions_adding_to_90_are_refused_with_the_total() -> None:
    issues = r.check_contributions([Decimal("60"), Decimal("30")])
    assert errors(issues) == [
        "Tác giả: Tổng tỷ lệ đóng góp của các tác giả phải bằng đúng 100% (đang là 90%)."
    ]


def test_contributions_exactly_100_pass_even_with_thirds() -> None:
    assert r.check_contributions([Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]) == []
    assert r.check_contributions([Decimal("100")]) == []


def test_three_decimals_are_refused() -> None:
    issues = r.check_contributions([Decimal("33.333"), Decimal("66.667")])
    assert len(errors(issues)) == 2
    assert "tối đa 2 chữ số thập phân" in errors(issues)[0]


@pytest.mark.parametrize("bad", ["0", "-5", "100.01"])
def test_each_share_in_range(bad: str) -> None:
    issues = r.check_contributions([Decimal(bad), Decimal("100")])
    assert any("lớn hơn 0% và không quá 100%" in e for e in errors(issues))


def test_missing_share_is_named() -> None:
    assert errors(r.check_contributions([Decimal("50"), None])) == [
        "Tác giả thứ 2: chưa ghi tỷ lệ đóng góp (%)."
    ]


@given(st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6))
def test_total_rule_is_exact(cents: list[int]) -> None:
    shares = [Decimal(c).scaleb(-2) for c in cents]
    issues = r.check_contributions(shares)
    in_range = all(s <= 100 for s in shares)
    if in_range and sum(shares) == 100:
        assert issues == []
    else:
        assert errors(issues)


def test_float_like_shares_summing_to_100_are_exact() -> None:
    # 0.1 + 0.2 style rounding must never wrongly refuse a correct total
    assert r.check_contributions([Decimal("10.1"), Decimal("20.2"), Decimal("69.7")]) == []


# authors ----------------------------------------------------------------------------------------------


def test_check_authors_happy() -> None:
    assert r.check_authors(authors("60", "40"), co_author_limit=2, today=TODAY) == []


def test_no_authors() -> None:
    assert errors(r.check_authors([], co_author_limit=2, today=TODAY)) == [
        "Tác giả: Hồ sơ phải có ít nhất một tác giả."
    ]


def test_co_author_limit_from_the_round() -> None:
    three_same = authors("40", "30", "30", units=("a", "a", "a"))
    issues = r.check_authors(three_same, co_author_limit=2, today=TODAY)
    assert len(errors(issues)) == 1
    assert "có 3 đồng tác giả cùng đơn vị «Đơn vị a»" in errors(issues)[0]
    assert "tối đa 2 người" in errors(issues)[0]
    assert r.check_authors(three_same, co_author_limit=3, today=TODAY) == []
    assert r.check_authors(three_same, co_author_limit=0, today=TODAY) == []  # 0 = no limit
    mixed = authors("40", "30", "30", units=("a", "a", "b"))
    assert r.check_authors(mixed, co_author_limit=2, today=TODAY) == []


def test_unknown_units_are_not_counted() -> None:
    assert r.check_co_author_limit(authors("50", "50", units=("", "")), 1) == []


def test_duplicate_author_and_blank_name() -> None:
    a = r.AuthorFacts("Trần Thị Hà", dt.date(1990, 5, 5), Decimal("50"))
    b = r.AuthorFacts("TRAN THI  HA", dt.date(1990, 5, 5), Decimal("50"))
    assert any(
        "đã có ở dòng tác giả thứ 1" in e
        for e in errors(r.check_authors([a, b], co_author_limit=2, today=TODAY))
    )
    blank = r.AuthorFacts("  ", None, Decimal("100"))
    assert errors(r.check_authors([blank], co_author_limit=2, today=TODAY)) == [
        "Tác giả thứ 1: chưa ghi họ và tên."
    ]


def test_birth_dates() -> None:
    future = r.AuthorFacts("Lê Văn Nam", dt.date(2030, 1, 1), Decimal("100"))
    assert "ở sau ngày hôm nay" in errors(r.check_authors([future], co_author_limit=2, today=TODAY))[0]
    child = r.AuthorFacts("Lê Văn Nam", dt.date(2020, 1, 1), Decimal("100"))
    issues = r.check_authors([child], co_author_limit=2, today=TODAY)
    assert not errors(issues) and "chưa đủ 15 tuổi" in issues[0].message


# receipt numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, n", [("7", 7), ("007", 7), ("HS26-007", 7), ("hs26-12", 12), (" HS 26 - 3 ", 3), (5, 5)]
)
def test_parse_receipt_no(text: str | int, n: int) -> None:
    assert r.parse_receipt_no(text, 2026) == n


@pytest.mark.parametrize("text", ["0", "-1", "abc", "HS25-007", "100000", "7a"])
def test_parse_receipt_no_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        r.parse_receipt_no(text, 2026)


def test_next_and_duplicate_receipt_no() -> None:
    assert r.next_receipt_no([]) == 1
    assert r.next_receipt_no([1, 2, 7]) == 8
    taken = {7: "HS26-007 «Số hóa hồ sơ»"}
    issues = r.check_receipt_no(7, 2026, taken)
    assert errors(issues) == [
        "Số tiếp nhận: số 7 của năm 2026 đã dùng cho hồ sơ HS26-007 «Số hóa hồ sơ». Mỗi số tiếp nhận chỉ "
        "dùng một lần trong năm; số kế tiếp còn trống là 8."
    ]
    assert r.check_receipt_no(8, 2026, taken) == []


# checklist --------------------------------------------------------------------------------------------


def test_missing_items_and_suggested_status() -> None:
    items = [
        r.ChecklistFacts("Tờ trình (M-01)", received=True),
        r.ChecklistFacts("Đơn yêu cầu (M-02)", received=True, copies=8, copies_required=12),
        r.ChecklistFacts("Minh chứng hiệu quả", received=False),
        r.ChecklistFacts("Ảnh minh họa", required=False, received=False),
    ]
    assert r.missing_items(items) == ["Đơn yêu cầu (M-02): mới có 8/12 bản", "Minh chứng hiệu quả"]
    assert r.suggested_status(items) is S.INCOMPLETE
    full = [r.ChecklistFacts("Tờ trình", received=True), r.ChecklistFacts("Đơn", True, True, 12, 12)]
    assert r.suggested_status(full) is S.COMPLETE


def test_check_checklist() -> None:
    issues = r.check_checklist(
        [r.ChecklistFacts("Đơn"), r.ChecklistFacts("ĐƠN"), r.ChecklistFacts("", copies=-1)]
    )
    assert [i.where for i in issues] == ["Thành phần hồ sơ thứ 2", "Thành phần hồ sơ thứ 3"]


# status -----------------------------------------------------------------------------------------------


RECEIVED = dt.date(2026, 4, 2)


def change(status: S, **kw: object) -> list:
    return r.check_status_change(S.RECEIVED, r.StatusChange(status, **kw), received_on=RECEIVED, today=TODAY)  # type: ignore[arg-type]


def test_incomplete_needs_what_and_when() -> None:
    texts = errors(change(S.INCOMPLETE))
    assert texts == [
        "Trạng thái «Thiếu — cần bổ sung»: ghi rõ hồ sơ còn thiếu giấy tờ gì.",
        "Trạng thái «Thiếu — cần bổ sung»: ghi ngày đề nghị bổ sung.",
    ]
    assert change(S.INCOMPLETE, note="Thiếu minh chứng", requested_on=dt.date(2026, 4, 5)) == []
    early = change(S.INCOMPLETE, note="x", requested_on=dt.date(2026, 3, 1))
    assert "ở trước ngày nhận hồ sơ" in errors(early)[0]


def test_invalid_needs_reason_valid_needs_date() -> None:
    assert errors(change(S.INVALID)) == ["Trạng thái «Không hợp lệ»: ghi lý do hồ sơ không hợp lệ."]
    assert change(S.INVALID, note="Trùng sáng kiến đã công nhận năm 2024") == []
    assert errors(change(S.VALID)) == ["Trạng thái «Hợp lệ»: ghi ngày chấp nhận hồ sơ."]
    assert change(S.VALID, accepted_on=dt.date(2026, 4, 10)) == []
    assert change(S.WITHDRAWN) == []


def test_transitions() -> None:
    for old in S:
        assert r.can_change(old, old)
    assert r.can_change(S.WITHDRAWN, S.RECEIVED)
    assert not r.can_change(S.WITHDRAWN, S.VALID)
    issues = r.check_status_change(
        S.WITHDRAWN, r.StatusChange(S.VALID, accepted_on=RECEIVED), received_on=RECEIVED, today=TODAY
    )
    assert "không chuyển được từ «Rút hồ sơ» sang «Hợp lệ»" in errors(issues)[0]
    assert "Mới tiếp nhận" in errors(issues)[0]
    assert not r.can_change(S.VALID, S.RECEIVED)


# dossier ----------------------------------------------------------------------------------------------


def test_check_dossier() -> None:
    ok = r.DossierFacts("Số hóa hồ sơ", RECEIVED, 2026, first_applied_on=dt.date(2025, 9, 1))
    assert r.check_dossier(ok, today=TODAY) == []
    blank = r.DossierFacts(" ", None, 2026, unit_known=False)
    assert [i.where for i in blank_errors(blank)] == ["Tên sáng kiến", "Đơn vị", "Ngày nhận"]
    unregistered = r.DossierFacts("X", RECEIVED, 2026, registered=False, first_applied_on=RECEIVED)
    issues = r.check_dossier(unregistered, today=TODAY)
    assert [i.where for i in issues] == ["Đăng ký"] and not issues[0].is_error
    future = r.DossierFacts("X", dt.date(2026, 5, 1), 2026, first_applied_on=RECEIVED)
    assert "ở sau ngày hôm nay" in errors(r.check_dossier(future, today=TODAY))[0]


def blank_errors(facts: r.DossierFacts) -> list:
    return [i for i in r.check_dossier(facts, today=TODAY) if i.is_error]


def test_format_percent() -> None:
    assert r.format_percent(Decimal("33.50")) == "33,5%"
    assert r.format_percent(Decimal("100.00")) == "100%"
    assert r.format_percent(Decimal("0.25")) == "0,25%"
