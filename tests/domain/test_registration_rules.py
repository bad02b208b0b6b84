"""The rules a registration row follows, and their Vietnamese messages."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain import registration_form as form
from sangkien_desktop.domain import registration_rules as rules
from sangkien_desktop.domain.registration_rules import AuthorEntry, RowFacts


def facts(**changes: object) -> RowFacts:
    base: dict[str, object] = {
        "line": 9,
        "values": {
            form.SEQ: "1",
            form.TITLE: "Đổi mới sinh hoạt chuyên môn",
            form.AUTHORS: "Nguyễn Văn A, Trần Thị B",
        },
        "year": 2026,
        "unit_name": "Trường THCS Bắc Sơn",
        "authors_by_unit": {"Trường THCS Bắc Sơn": 2},
    }
    base.update(changes)
    return RowFacts(**base)  # type: ignore[arg-type]


def test_clean_row_has_no_issue() -> None:
    assert rules.check_row(facts()) == []


def test_missing_title_and_author_name_row_and_column() -> None:
    issues = rules.check_row(
        facts(values={form.SEQ: "2", form.TITLE: " ", form.AUTHORS: ""}, authors_by_unit={})
    )
    assert [i.text() for i in issues] == [
        "Dòng 9 (TT 2), cột Tên sáng kiến: Thiếu tên sáng kiến.",
        "Dòng 9 (TT 2), cột Tác giả: Thiếu tác giả (họ tên người thực hiện sáng kiến).",
    ]
    assert all(i.is_error and i.row == 9 for i in issues)
    assert [i.column for i in issues] == [form.TITLE, form.AUTHORS]


def test_form_being_typed_has_no_row() -> None:
    (issue,) = rules.check_row(facts(line=None, values={form.TITLE: "", form.AUTHORS: "Lê A"}))
    assert issue.where == "ô Tên sáng kiến"  # a form has fields, not columns


def test_unknown_unit_with_suggestion() -> None:
    (issue,) = rules.check_row(
        facts(unit_name=None, unit_text="THCS Bac Son", unit_suggestions=("Trường THCS Bắc Sơn",))
    )
    assert issue.is_error and issue.column == form.APPLIED_UNIT
    assert (
        "Đơn vị 'THCS Bac Son' chưa có trong danh mục đơn vị. Có phải: Trường THCS Bắc Sơn?" in issue.text()
    )
    (blank,) = rules.check_row(facts(unit_name=None, unit_text=""))
    assert "ô Đơn vị để trống" in blank.message


def test_co_author_limit() -> None:
    (issue,) = rules.check_row(facts(authors_by_unit={"Trường THCS Bắc Sơn": 3}, co_author_limit=2))
    assert issue.is_error
    assert issue.text() == (
        "Dòng 9 (TT 1), cột Tác giả: Có 3 tác giả cùng đơn vị Trường THCS Bắc Sơn; mỗi sáng kiến chỉ được "
        "tối đa 2 đồng tác giả trong cùng một đơn vị."
    )
    assert rules.check_row(facts(authors_by_unit={"A": 2, "B": 2}, co_author_limit=2)) == []
    assert rules.check_row(facts(authors_by_unit={"A": 3}, co_author_limit=3)) == []


def test_deadline_is_a_warning() -> None:
    deadline = rules.deadline_for(2026, 9, 15)
    late = rules.check_row(
        facts(registered_on=dt.date(2026, 9, 16), deadline=deadline, unit_type_name="Trường THCS")
    )
    (issue,) = late
    assert issue.severity == "warning"
    assert "sau hạn 15/09/2026" in issue.message and "Trường THCS" in issue.message
    on_time = facts(registered_on=dt.date(2026, 9, 15), deadline=deadline)
    assert rules.check_row(on_time) == []
    assert rules.check_row(facts(registered_on=dt.date(2026, 12, 1), deadline=None)) == []


def test_deadline_for() -> None:
    assert rules.deadline_for(2026, 3, 31) == dt.date(2026, 3, 31)
    assert rules.deadline_for(2026, 2, 30) == dt.date(2026, 2, 28)
    assert rules.deadline_for(2028, 2, 30) == dt.date(2028, 2, 29)
    assert rules.deadline_for(2026, None, 5) is None
    assert rules.deadline_for(2026, 13, 5) is None


def test_same_title_checks() -> None:
    in_file = rules.check_row(facts(earlier_rows_same_title=(9, 10)))
    assert in_file[0].is_error and "trùng với dòng 9, 10 trong cùng tệp" in in_file[0].message
    again = rules.check_row(facts(registered_same_unit=True))
    assert (
        again[0].is_error
        and "đã đăng ký sáng kiến 'Đổi mới sinh hoạt chuyên môn' năm 2026" in again[0].message
    )
    other = rules.check_row(facts(registered_other_units=("Trường THCS Nam Sơn",)))
    assert other[0].severity == "warning" and "Trường THCS Nam Sơn" in other[0].message


def test_warnings_for_odd_cells_and_errors_first() -> None:
    long_title = "Đổi mới " * 80
    issues = rules.check_row(
        facts(
            values={form.TITLE: long_title, form.AUTHORS: "Lê A 0912345678"},
            unit_name=None,
            unit_text="X",
            unit_note="Đơn vị cũ đã gộp",
        )
    )
    assert [i.severity for i in issues] == ["error", "warning", "warning", "warning"]
    assert "dài bất thường" in issues[1].message
    assert "không giống một họ tên" in issues[2].message


def test_parse_authors() -> None:
    assert rules.parse_authors("Nguyễn Văn A (Tổ trưởng), Trần Thị B;\nLê C và Phạm D") == [
        AuthorEntry("Nguyễn Văn A", position="Tổ trưởng"),
        AuthorEntry("Trần Thị B"),
        AuthorEntry("Lê C"),
        AuthorEntry("Phạm D"),
    ]
    assert rules.parse_authors("1. Lê A\n2. Lê B") == [AuthorEntry("Lê A"), AuthorEntry("Lê B")]
    assert rules.parse_authors("") == []
    assert rules.parse_authors(" , ; ") == []


def test_split_departments() -> None:
    assert rules.split_departments("Tổ Toán\nTổ Văn", 2) == ["Tổ Toán", "Tổ Văn"]
    assert rules.split_departments("Tổ Toán - Tin", 2) == ["Tổ Toán - Tin", "Tổ Toán - Tin"]
    assert rules.split_departments("", 3) == ["", "", ""]


@given(
    st.lists(
        st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Đức", "Phạm Thu Hà"]), min_size=1, max_size=6
    )
)
def test_parse_authors_roundtrip(names: list[str]) -> None:
    for sep in (", ", "; ", "\n"):
        assert [a.name for a in rules.parse_authors(sep.join(names))] == names
