"""The council's settings: every key the app knows, with its Vietnamese label and default value.

Settings are stored as key/value rows (``models.Setting``). Everything that differs between councils
(issuing body, level, place, signers, legal bases, number suffixes, money wording) is a setting, never a
constant in code. ``normalize`` and ``check`` are the one place that says what a valid value is; the
settings service, the first-run wizard, the Cài đặt page and ``sangkien settings set`` all go through them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import Issue
from .text import clean, one_line, upper_vn


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: str = ""
    multiline: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    group: str = "Hội đồng"
    placeholder: str = ""  # an example shown in empty fields
    upper: bool = False  # printed in capitals (NĐ 30): stored in capitals
    suffix: bool = False  # a document ký hiệu such as "QĐ-HĐSK"
    recommended: bool = False  # a warning (not an error) when left empty
    help: str = ""


GROUPS: tuple[str, ...] = ("Hội đồng", "Người ký", "Văn bản", "Sao lưu")

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "issuing_parent",
        "Cơ quan chủ quản (dòng trên, không đậm)",
        "ỦY BAN NHÂN DÂN PHƯỜNG",
        placeholder="ỦY BAN NHÂN DÂN XÃ VẠN PHÚC",
        upper=True,
        help="Dòng đầu bên trái tiêu đề văn bản của Hội đồng; có thể viết tắt UBND. Khi cơ quan ban hành "
        "quyết định công nhận (mặc định), tên này (viết đầy đủ) đứng tên quyết định và giấy chứng nhận.",
    ),
    SettingSpec(
        "body_parent",
        "Cơ quan chủ quản của cơ quan ban hành quyết định",
        "",
        placeholder="SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH NINH BÌNH",
        upper=True,
        help="Dòng trên tên cơ quan ở tiêu đề quyết định công nhận (ví dụ trường học thuộc Sở). Ủy ban nhân "
        "dân xã/phường/tỉnh không có dòng này: để trống.",
    ),
    SettingSpec(
        "issuing_body",
        "Cơ quan ban hành (dòng dưới, chữ đậm)",
        "HỘI ĐỒNG SÁNG KIẾN",
        placeholder="HỘI ĐỒNG SÁNG KIẾN",
        upper=True,
        recommended=True,
        help="Tên cơ quan đứng tên văn bản, in đậm, có gạch ngắn bên dưới.",
    ),
    SettingSpec(
        "council_name",
        "Tên Hội đồng",
        "Hội đồng Sáng kiến",
        placeholder="Hội đồng Sáng kiến xã Vạn Phúc",
        recommended=True,
        help="Tên đầy đủ dùng trong câu văn (biên bản, quyết định).",
    ),
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
    SettingSpec(
        "place_name",
        "Địa danh ghi ở dòng ngày tháng",
        "",
        placeholder="Vạn Phúc",
        recommended=True,
        help='In nghiêng trước ngày tháng: "Vạn Phúc, ngày 05 tháng 01 năm 2026".',
    ),
    SettingSpec(
        "standing_office",
        "Cơ quan thường trực",
        "Phòng Kinh tế",
        placeholder="Phòng Kinh tế",
        help="Bộ phận giúp việc Hội đồng (nơi thư ký công tác), ghi ở dòng Lưu của văn bản.",
    ),
    SettingSpec(
        "decision_issuer",
        "Ai ban hành quyết định công nhận sáng kiến",
        "body",
        choices=(
            ("body", "Cơ quan ban hành, theo tờ trình của Hội đồng"),
            ("council", "Hội đồng ban hành (khi quy chế giao quyền)"),
        ),
        group="Người ký",
        help="Theo Điều lệ Sáng kiến, Hội đồng xét và tham mưu; thủ trưởng cơ quan ban hành quyết định công "
        "nhận. Chỉ chọn «Hội đồng ban hành» khi quy chế của địa phương giao quyền đó cho Hội đồng.",
    ),
    SettingSpec(
        "chair_authority",
        "Thẩm quyền ký (dòng trên chữ ký)",
        "TM. HỘI ĐỒNG",
        group="Người ký",
        upper=True,
        placeholder="TM. HỘI ĐỒNG",
    ),
    SettingSpec(
        "chair_title", "Chức vụ người ký", "CHỦ TỊCH", group="Người ký", upper=True, placeholder="CHỦ TỊCH"
    ),
    SettingSpec(
        "chair_name",
        "Họ tên Chủ tịch Hội đồng",
        "",
        group="Người ký",
        placeholder="Nguyễn Văn An",
        recommended=True,
    ),
    SettingSpec(
        "secretary_title",
        "Chức danh thư ký",
        "THƯ KÝ",
        group="Người ký",
        upper=True,
        placeholder="THƯ KÝ",
    ),
    SettingSpec(
        "secretary_name",
        "Họ tên thư ký",
        "",
        group="Người ký",
        placeholder="Trần Thị Bình",
        recommended=True,
    ),
    SettingSpec(
        "head_authority",
        "Thẩm quyền ký của thủ trưởng",
        "TM. ỦY BAN NHÂN DÂN",
        group="Người ký",
        upper=True,
        placeholder="TM. ỦY BAN NHÂN DÂN",
    ),
    SettingSpec(
        "head_title", "Chức vụ thủ trưởng", "CHỦ TỊCH", group="Người ký", upper=True, placeholder="CHỦ TỊCH"
    ),
    SettingSpec("head_name", "Họ tên thủ trưởng", "", group="Người ký", placeholder="Lê Văn Cường"),
    SettingSpec(
        "head_signs",
        "Ai ký quyết định của cơ quan",
        "head",
        choices=(("head", "Thủ trưởng ký"), ("deputy", "Cấp phó ký thay (KT.)")),
        group="Người ký",
        help="Cấp phó ký thay: «KT. CHỦ TỊCH» trên dòng chức vụ của cấp phó (NĐ 30).",
    ),
    SettingSpec(
        "deputy_title",
        "Chức vụ cấp phó",
        "PHÓ CHỦ TỊCH",
        group="Người ký",
        upper=True,
        placeholder="PHÓ CHỦ TỊCH",
    ),
    SettingSpec("deputy_name", "Họ tên cấp phó", "", group="Người ký", placeholder="Phạm Thị Dung"),
    SettingSpec(
        "legal_bases",
        "Căn cứ pháp lý (mỗi dòng một căn cứ)",
        "",
        multiline=True,
        group="Văn bản",
        placeholder="Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ ban hành Điều lệ Sáng kiến;",
        help="In nghiêng đầu quyết định; mỗi căn cứ một dòng, kết thúc bằng dấu chấm phẩy, căn cứ cuối bằng dấu chấm.",
    ),
    SettingSpec(
        "number_mode",
        "Cách ghi số văn bản",
        "blank",
        choices=(
            ("blank", "Để trống số, văn thư ghi tay khi phát hành"),
            ("auto", "Phần mềm tự cấp số tiếp theo trong năm"),
        ),
        group="Văn bản",
        help="Hội đồng đứng tên văn bản phải có hệ thống số riêng, bắt đầu lại từ số 01 mỗi năm.",
    ),
    SettingSpec(
        "suffix_decision",
        "Ký hiệu quyết định",
        "QĐ-HĐSK",
        group="Văn bản",
        suffix=True,
        placeholder="QĐ-HĐSK",
        help="Ký hiệu quyết định của Hội đồng (khi Hội đồng ban hành quyết định công nhận).",
    ),
    SettingSpec(
        "suffix_decision_body",
        "Ký hiệu quyết định của cơ quan",
        "QĐ-UBND",
        group="Văn bản",
        suffix=True,
        placeholder="QĐ-UBND",
        help="Ký hiệu quyết định công nhận do cơ quan ban hành (mặc định), theo sổ số văn bản của cơ quan.",
    ),
    SettingSpec(
        "suffix_submission",
        "Ký hiệu tờ trình",
        "TTr-HĐSK",
        group="Văn bản",
        suffix=True,
        placeholder="TTr-HĐSK",
    ),
    SettingSpec(
        "suffix_minutes", "Ký hiệu biên bản", "BB-HĐSK", group="Văn bản", suffix=True, placeholder="BB-HĐSK"
    ),
    SettingSpec(
        "suffix_receipt",
        "Ký hiệu giấy biên nhận",
        "BN-HĐSK",
        group="Văn bản",
        suffix=True,
        placeholder="BN-HĐSK",
    ),
    SettingSpec(
        "suffix_notice",
        "Ký hiệu thông báo (đề nghị bổ sung hồ sơ)",
        "TB-HĐSK",
        group="Văn bản",
        suffix=True,
        placeholder="TB-HĐSK",
    ),
    SettingSpec(
        "suffix_report", "Ký hiệu báo cáo", "BC-HĐSK", group="Văn bản", suffix=True, placeholder="BC-HĐSK"
    ),
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
    SettingSpec(
        "backup_dir",
        "Thư mục sao lưu",
        "",
        group="Sao lưu",
        placeholder="(để trống: thư mục backups cạnh tệp dữ liệu)",
        help="Nên chọn một ổ khác hoặc USB để không mất dữ liệu khi hỏng ổ đĩa.",
    ),
)

SPECS: dict[str, SettingSpec] = {s.key: s for s in SETTINGS}

# Number-series kinds (``models.NumberSeries.kind``) and the suffix setting each one prints with.
SERIES_SUFFIX_KEYS: dict[str, str] = {
    "QD": "suffix_decision",
    "TTR": "suffix_submission",
    "BB": "suffix_minutes",
    "BN": "suffix_receipt",
    "TB": "suffix_notice",
    "BC": "suffix_report",
}
AUTHORITY_KEYS = ("chair_authority", "head_authority")


def series_suffix_key(values: Mapping[str, str], kind: str) -> str:
    """The ký hiệu setting a series prints with: decisions ("QD") follow who issues them."""
    if kind == "QD" and values.get("decision_issuer", "body") != "council":
        return "suffix_decision_body"
    return SERIES_SUFFIX_KEYS.get(kind, "")


SERIES_LABELS: dict[str, str] = {
    "QD": "Quyết định",
    "TTR": "Tờ trình",
    "BB": "Biên bản",
    "BN": "Giấy biên nhận",
    "TB": "Thông báo",
    "BC": "Báo cáo",
}

_SUFFIX = re.compile(r"^[0-9A-Za-zÀ-ỹĐđ]+(?:[-.][0-9A-Za-zÀ-ỹĐđ]+)*$")


def defaults() -> dict[str, str]:
    return {s.key: s.default for s in SETTINGS}


def normalize(key: str, value: str) -> str:
    """The stored form of a value: NFC, trimmed; capitals where the form prints capitals; a ký hiệu without
    the leading "/" a user may type ("/QĐ-HĐSK" → "QĐ-HĐSK")."""
    spec = SPECS[key]
    if spec.multiline:
        lines = [line for line in clean(value).split("\n") if line.strip()]
        return "\n".join(lines)
    text = one_line(value)
    if spec.upper:
        text = upper_vn(text)
    if spec.suffix:
        text = text.lstrip("/").strip()
    return text


def check(key: str, value: str) -> list[Issue]:
    """Problems of one (normalized) value: errors block saving, warnings are shown."""
    spec = SPECS[key]
    issues: list[Issue] = []
    if spec.choices and value not in {c for c, _ in spec.choices}:
        allowed = ", ".join(f"{c} ({label})" for c, label in spec.choices)
        issues.append(Issue(f"chỉ nhận một trong các giá trị: {allowed}", where=spec.label))
    if spec.suffix and value and not _SUFFIX.match(value):
        issues.append(
            Issue(
                'ký hiệu chỉ gồm chữ và số nối bằng dấu "-", không có khoảng trắng (ví dụ QĐ-HĐSK)',
                where=spec.label,
            )
        )
    if key in AUTHORITY_KEYS and value and not value.startswith("TM."):
        issues.append(
            Issue(
                "NĐ 30: dòng thẩm quyền chỉ ghi «TM. …» (thay mặt một tập thể như Ủy ban nhân dân, Hội đồng); "
                "người ký với thẩm quyền riêng thì để trống dòng này",
                where=spec.label,
                severity="warning",
            )
        )
    if spec.suffix and not value:
        issues.append(Issue("chưa có ký hiệu văn bản", where=spec.label, severity="warning"))
    if spec.recommended and not value:
        issues.append(Issue("chưa điền (sẽ để trống trên văn bản in)", where=spec.label, severity="warning"))
    if len(value) > 2000:
        issues.append(Issue("quá dài (tối đa 2000 ký tự)", where=spec.label))
    return issues


def legal_basis_lines(value: str) -> list[str]:
    """The căn cứ lines as printed: one per line, each ending ";" and the last ".". (NĐ 30)"""
    lines = [one_line(line).rstrip(";.,: ") for line in clean(value).split("\n")]
    lines = [line for line in lines if any(ch.isalnum() for ch in line)]
    return [line + ("." if i == len(lines) - 1 else ";") for i, line in enumerate(lines)]
