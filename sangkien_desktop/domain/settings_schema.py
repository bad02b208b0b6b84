"""The council's settings: every key the app knows, with its Vietnamese label and default value.

Settings are stored as key/value rows (``models.Setting``). Everything that differs between councils
(issuing body, level, place, signers, legal bases, number suffixes, money wording) is a setting, never a
constant in code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: str = ""
    multiline: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    group: str = "Hội đồng"


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("issuing_parent", "Cơ quan chủ quản (dòng trên, không đậm)", "ỦY BAN NHÂN DÂN PHƯỜNG"),
    SettingSpec("issuing_body", "Cơ quan ban hành (dòng dưới, chữ đậm)", "HỘI ĐỒNG SÁNG KIẾN"),
    SettingSpec("council_name", "Tên Hội đồng", "Hội đồng Sáng kiến"),
    SettingSpec(
        "council_level",
        "Cấp Hội đồng",
        "xa",
        choices=(
            ("xa", "Cấp xã/phường"),
            ("tinh", "Cấp tỉnh"),
            ("co_so", "Cấp cơ sở (cơ quan, đơn vị)"),
            ("huyen", "Cấp huyện (trước 01/7/2025)"),
        ),
    ),
    SettingSpec("place_name", "Địa danh ghi ở dòng ngày tháng", ""),
    SettingSpec("standing_office", "Cơ quan thường trực", "Phòng Kinh tế"),
    SettingSpec("chair_authority", "Thẩm quyền ký (dòng trên chữ ký)", "TM. HỘI ĐỒNG", group="Người ký"),
    SettingSpec("chair_title", "Chức vụ người ký", "CHỦ TỊCH", group="Người ký"),
    SettingSpec("chair_name", "Họ tên Chủ tịch Hội đồng", "", group="Người ký"),
    SettingSpec("secretary_title", "Chức danh thư ký", "THƯ KÝ", group="Người ký"),
    SettingSpec("secretary_name", "Họ tên thư ký", "", group="Người ký"),
    SettingSpec("head_authority", "Thẩm quyền ký của thủ trưởng", "TM. ỦY BAN NHÂN DÂN", group="Người ký"),
    SettingSpec("head_title", "Chức vụ thủ trưởng", "CHỦ TỊCH", group="Người ký"),
    SettingSpec("head_name", "Họ tên thủ trưởng", "", group="Người ký"),
    SettingSpec("legal_bases", "Căn cứ pháp lý (mỗi dòng một căn cứ)", "", multiline=True, group="Văn bản"),
    SettingSpec("suffix_decision", "Ký hiệu quyết định", "QĐ-HĐSK", group="Văn bản"),
    SettingSpec("suffix_submission", "Ký hiệu tờ trình", "TTr-HĐSK", group="Văn bản"),
    SettingSpec("suffix_minutes", "Ký hiệu biên bản", "BB-HĐSK", group="Văn bản"),
    SettingSpec("suffix_receipt", "Ký hiệu giấy biên nhận", "BN-HĐSK", group="Văn bản"),
    SettingSpec(
        "money_zero_ten",
        "Đọc số 0 ở hàng chục (105 = một trăm … năm)",
        "linh",
        choices=(("linh", "linh"), ("lẻ", "lẻ")),
        group="Văn bản",
    ),
    SettingSpec(
        "money_four",
        "Đọc số 4 sau hàng chục (24 = hai mươi …)",
        "tư",
        choices=(("tư", "tư"), ("bốn", "bốn")),
        group="Văn bản",
    ),
)

SPECS: dict[str, SettingSpec] = {s.key: s for s in SETTINGS}


def defaults() -> dict[str, str]:
    return {s.key: s.default for s in SETTINGS}
