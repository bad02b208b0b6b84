"""Enumerations of the domain. Values are stored in the database as these short ASCII strings."""

from __future__ import annotations

from enum import StrEnum


class RoundStatus(StrEnum):
    OPEN = "open"  # receiving dossiers
    SCORING = "scoring"  # council is scoring
    FINALIZED = "finalized"  # decision signed, locked

    @property
    def label(self) -> str:
        return {"open": "Đang nhận hồ sơ", "scoring": "Đang chấm điểm", "finalized": "Đã chốt kết quả"}[
            self.value
        ]


class RoundField(StrEnum):
    GENERAL = "general"
    EDUCATION = "education"

    @property
    def label(self) -> str:
        return {"general": "Các lĩnh vực", "education": "Giáo dục"}[self.value]


class CouncilLevel(StrEnum):
    COMMUNE = "xa"  # xã / phường / đặc khu
    DISTRICT = "huyen"  # legacy, before 01/7/2025
    PROVINCE = "tinh"
    AGENCY = "co_so"  # an agency's own council

    @property
    def label(self) -> str:
        return {
            "xa": "Cấp xã/phường",
            "huyen": "Cấp huyện (trước 01/7/2025)",
            "tinh": "Cấp tỉnh",
            "co_so": "Cấp cơ sở (cơ quan, đơn vị)",
        }[self.value]


class SolutionKind(StrEnum):
    """The four kinds of giải pháp in Điều lệ Sáng kiến (NĐ 13/2012, Điều 3)."""

    TECHNICAL = "ky_thuat"
    MANAGEMENT = "quan_ly"
    OPERATIONAL = "tac_nghiep"
    TECH_APPLICATION = "ung_dung"

    @property
    def label(self) -> str:
        return {
            "ky_thuat": "Giải pháp kỹ thuật",
            "quan_ly": "Giải pháp quản lý",
            "tac_nghiep": "Giải pháp tác nghiệp",
            "ung_dung": "Giải pháp ứng dụng tiến bộ kỹ thuật",
        }[self.value]


class DossierStatus(StrEnum):
    RECEIVED = "received"  # just logged, not checked yet
    COMPLETE = "complete"  # Đủ
    INCOMPLETE = "incomplete"  # Thiếu — cần bổ sung
    VALID = "valid"  # Hợp lệ
    INVALID = "invalid"  # Không hợp lệ
    WITHDRAWN = "withdrawn"  # Rút hồ sơ

    @property
    def label(self) -> str:
        return {
            "received": "Mới tiếp nhận",
            "complete": "Đủ",
            "incomplete": "Thiếu — cần bổ sung",
            "valid": "Hợp lệ",
            "invalid": "Không hợp lệ",
            "withdrawn": "Rút hồ sơ",
        }[self.value]


class MemberRole(StrEnum):
    CHAIR = "chu_tich"
    VICE_CHAIR = "pho_chu_tich"
    SECRETARY = "uy_vien_thu_ky"
    MEMBER = "uy_vien"

    @property
    def label(self) -> str:
        return {
            "chu_tich": "Chủ tịch",
            "pho_chu_tich": "Phó Chủ tịch",
            "uy_vien_thu_ky": "Ủy viên thư ký",
            "uy_vien": "Ủy viên",
        }[self.value]


class TiePolicy(StrEnum):
    COUNCIL = "council"  # mark all tied dossiers and leave the decision to the council
    CRITERION = "criterion"  # break the tie by the mean of a named criterion, then leave it to the council


class Grade(StrEnum):
    """Grade codes as printed by ``grade`` / ``grade-sheet`` (issue 5)."""

    A = "A"
    B = "B"
    C = "C"
    RECOGNIZED = "CN"  # recognized, certificate, no prize
    NOT_RECOGNIZED = "KCN"
    MISSING = "THIEU"  # missing scores: not graded

    @property
    def label(self) -> str:
        return {
            "A": "Loại A",
            "B": "Loại B",
            "C": "Loại C",
            "CN": "Công nhận",
            "KCN": "Không công nhận",
            "THIEU": "Thiếu điểm",
        }[self.value]


class VoteMethod(StrEnum):
    SHOW_OF_HANDS = "bieu_quyet"
    SECRET_BALLOT = "bo_phieu_kin"

    @property
    def label(self) -> str:
        return {"bieu_quyet": "Biểu quyết", "bo_phieu_kin": "Bỏ phiếu kín"}[self.value]
