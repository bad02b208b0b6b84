"""How the Nhật ký thay đổi page shows an audit entry: Vietnamese field names, numbers with a decimal comma,
dates dd/mm/yyyy, dicts and lists as readable text, and what was done ("Nhập" a first score, not "Sửa").

The stored log is never changed (its hash chain covers the raw values): this is display only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ...domain import registration_form
from ...domain.enums import (
    DossierStatus,
    MemberRole,
    RoundField,
    RoundStatus,
    SolutionKind,
    TiePolicy,
    VoteMethod,
)
from ...domain.money import format_money
from ...domain.settings_schema import SPECS
from ...services.audit import AuditRow, action_label

# field names found in the log's old/new values (services/*.py), in Vietnamese
FIELD_LABELS: dict[str, str] = {
    # grading
    "budget": "Tổng tiền thưởng",
    "changed": "Số hồ sơ đổi kết quả",
    "counts": "Số hồ sơ theo loại",
    "results": "Số kết quả đã lưu trước đó",
    "decimals": "Số chữ số thập phân",
    "certificate_threshold": "Điểm công nhận",
    "tie_policy": "Khi đồng điểm ở ranh giới",
    "tie_break_criterion": "Tiêu chí phân định",
    "bands": "Các mức xếp loại",
    "order": "Thứ tự Hội đồng quyết định",
    "note": "Ghi chú",
    # round setup
    "name": "Tên",
    "year": "Năm",
    "number": "Số đợt",
    "field": "Lĩnh vực",
    "receive_from": "Nhận hồ sơ từ ngày",
    "receive_until": "Hạn nộp hồ sơ",
    "meeting_on": "Ngày họp Hội đồng",
    "decision_no": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "co_author_limit": "Số đồng tác giả tối đa",
    "copies_required": "Số bản đơn",
    "members_per_dossier": "Số thành viên chấm mỗi hồ sơ",
    "score_spread_limit": "Độ lệch điểm cần xem lại",
    "double_entry": "Nhập điểm hai lần",
    "quorum": "Số thành viên có mặt tối thiểu",
    "approval_numerator": "Tỷ lệ tán thành (tử số)",
    "approval_denominator": "Tỷ lệ tán thành (mẫu số)",
    "checklist": "Danh mục giấy tờ",
    "rubric": "Tiêu chí chấm",
    "criteria": "Tiêu chí chấm",
    "rules": "Quy tắc xếp loại",
    "source_round": "Chép từ đợt",
    "copy_members": "Chép cả Hội đồng",
    "status": "Trạng thái",
    "reason": "Lý do",
    "folder": "Thư mục",
    "files": "Số tệp",
    "file": "Tệp",
    "safety_copy": "Bản sao an toàn",
    "made_at": "Thời điểm sao lưu",
    "created": "Đã tạo",
    # council, votes, assignment
    "person_id": "Mã người",
    "role": "Vai trò",
    "expertise": "Lĩnh vực chuyên môn",
    "active": "Đang tham gia",
    "scores": "Số điểm đã nhập",
    "assignments": "Số phân công",
    "members_total": "Tổng số thành viên",
    "present": "Số có mặt",
    "in_favour": "Số tán thành",
    "against": "Số không tán thành",
    "method": "Hình thức",
    "dossier": "Hồ sơ",
    "member": "Thành viên",
    "override": "Lý do phân công dù vướng xung đột",
    "added": "Số phân công thêm",
    "k": "Số thành viên mỗi hồ sơ",
    # dossiers
    "receipt_no": "Số tiếp nhận",
    "received_on": "Ngày nhận",
    "round_id": "Đợt",
    "unit_id": "Mã đơn vị",
    "registration_id": "Mã đăng ký",
    "title": "Tên sáng kiến",
    "kind": "Loại giải pháp",
    "first_applied_on": "Ngày áp dụng lần đầu",
    "accepted_on": "Ngày hồ sơ hợp lệ",
    "status_note": "Ghi chú trạng thái",
    "supplement_requested_on": "Ngày yêu cầu bổ sung",
    "delivered_by": "Người nộp",
    "result_due_on": "Hạn trả kết quả",
    "authors": "Tác giả",
    "contribution": "Tỷ lệ đóng góp (%)",
    "received": "Đã nhận",
    "copies": "Số bản",
    # registrations, units
    "seq": "TT",
    "registered_on": "Ngày đăng ký",
    "source": "Nguồn",
    "not_duplicate": "Đã xác nhận không trùng",
    "not_duplicate_note": "Ghi chú không trùng",
    "short_name": "Tên viết tắt",
    "aliases": "Tên gọi khác",
    "merged_unit_id": "Mã đơn vị gộp vào",
    "kept_unit_id": "Mã đơn vị giữ lại",
    "moved": "Số dòng đã chuyển",
    # rules inside lists
    "code": "Mã",
    "label": "Tên",
    "min_mean": "từ điểm",
    "quota": "số suất",
    "amount": "thưởng",
    "conditions": "điều kiện",
    "max": "tối đa",
    "min": "tối thiểu",
    "last": "Số cuối đã cấp",
}
_MONEY_FIELDS = frozenset({"budget", "amount"})
_ENUMS: dict[str, tuple[type[StrEnum], ...]] = {
    "status": (DossierStatus, RoundStatus),
    "role": (MemberRole,),
    "field": (RoundField,),
    "kind": (SolutionKind,),
    "method": (VoteMethod,),
}
_TIE_POLICY = {TiePolicy.COUNCIL.value: "Hội đồng quyết định", TiePolicy.CRITERION.value: "Xét một tiêu chí"}
_DECIMAL = re.compile(r"-?\d+\.\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def field_label(entity: str, key: str) -> str:
    """The Vietnamese name of a field of an entry (a score's fields are already the criteria's names)."""
    if entity == "setting" and key in SPECS:
        return SPECS[key].label
    if key in SPECS and key not in FIELD_LABELS:
        return SPECS[key].label
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    if key in registration_form.COLUMN_BY_FIELD:
        return registration_form.short_label(key)
    return key


def _number(value: Decimal | int | float) -> str:
    if isinstance(value, float):
        value = Decimal(str(value))
    text = str(value) if isinstance(value, int) else format(value, "f")
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    if len(whole) > 4:  # 12.345 (a thousands dot only where it helps: never in a year like 2026)
        whole = format_money(int(whole))
    return sign + whole + ("," + frac if dot else "")


def _enum_label(key: str, value: str) -> str | None:
    if key == "tie_policy":
        return _TIE_POLICY.get(value)
    for enum in _ENUMS.get(key, ()):
        try:
            return str(enum(value).label)  # type: ignore[attr-defined]
        except (ValueError, AttributeError):
            continue
    return None


def format_value(value: Any, key: str = "", entity: str = "") -> str:
    """One old/new value as a person reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if key in _MONEY_FIELDS and isinstance(value, int | str) and str(value).lstrip("-").isdigit():
        return format_money(int(value)) + " đ"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL.fullmatch(text):
            try:
                return _number(Decimal(text))
            except InvalidOperation:
                return value
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
        if _DATETIME.fullmatch(text):
            return dt.datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
        label = _enum_label(key, text)
        if label:
            return label
        if entity == "setting" and key in SPECS and SPECS[key].choices:
            return dict(SPECS[key].choices).get(value, value)
        return value
    if isinstance(value, dict):
        if "name" in value:  # a criterion, an author, a checklist line: its name first
            rest = [
                f"{field_label(entity, k)} {format_value(v, k, entity)}"
                for k, v in value.items()
                if k != "name" and v not in (None, "", [], {})
            ]
            return str(value["name"]) + (f" ({', '.join(rest)})" if rest else "")
        return "; ".join(
            f"{k if len(k) <= 3 else field_label(entity, k)}: {format_value(v, k, entity)}"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        parts = [format_value(v, key, entity) for v in value]
        joiner = "; " if any(isinstance(v, dict | list) for v in value) else ", "
        return joiner.join(p for p in parts if p) or "(trống)"
    return str(value)


def action_text(row: AuditRow) -> str:
    """What the entry did: "Nhập" for a first score (stored as an update with no old values), "Thêm" for a
    first value elsewhere, "Xóa" when every value was removed, otherwise the recorded action's label."""
    if row.action == "update" and row.new:
        olds = [v for v in row.old.values() if v not in (None, "")]
        news = [v for v in row.new.values() if v not in (None, "")]
        if not olds and news:
            return "Nhập" if row.entity == "score" else "Thêm"
        if olds and not news:
            return "Xóa"
    return action_label(row.action)


def change_rows(row: AuditRow) -> list[tuple[str, str, str, str]]:
    """(Vietnamese field name, old, new, raw field name) for each field of the entry."""
    return [
        (
            field_label(row.entity, key),
            format_value(old, key, row.entity),
            format_value(new, key, row.entity),
            key,
        )
        for key, old, new in row.changes()
    ]
