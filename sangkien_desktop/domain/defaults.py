"""Default rules and catalogues a new round starts from. The secretary edits them; nothing here is law.

Grade rules default to Tam Điệp 2024 (seed 003): A ≥ 80 at most 5 (2.000.000 đ), B ≥ 70 at most 10
(1.000.000 đ), C ≥ 60 at most 10 (500.000 đ), certificate ≥ 50, filled from the top down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    max_points: Decimal
    min_points: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class BandSpec:
    code: str
    label: str
    min_mean: Decimal
    quota: int | None
    amount: int
    # (criterion position, minimum points) pairs, e.g. A needs tính mới ≥ 30
    conditions: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True)
class GradeRulesSpec:
    name: str
    bands: tuple[BandSpec, ...]
    certificate_threshold: Decimal = Decimal("50")
    decimals: int = 2
    tie_policy: str = "council"


@dataclass(frozen=True)
class ChecklistSpec:
    name: str
    copies_required: int | None = None
    required: bool = True


@dataclass(frozen=True)
class UnitTypeSpec:
    code: str
    name: str
    deadline_month: int | None
    deadline_day: int | None


DEFAULT_RUBRIC: tuple[CriterionSpec, ...] = (
    CriterionSpec(
        "Tính mới, tính sáng tạo",
        Decimal("30"),
        description="Không trùng giải pháp đã có; mức độ cải tiến so với cách làm trước đây.",
    ),
    CriterionSpec(
        "Khả năng áp dụng, nhân rộng",
        Decimal("25"),
        description="Đã áp dụng hoặc áp dụng thử; có thể nhân rộng ra các đơn vị khác.",
    ),
    CriterionSpec(
        "Hiệu quả, lợi ích thiết thực",
        Decimal("30"),
        description="Lợi ích kinh tế - xã hội đo được: thời gian, chi phí, chất lượng.",
    ),
    CriterionSpec(
        "Phạm vi ảnh hưởng",
        Decimal("15"),
        description="Trong bộ phận, toàn đơn vị, hay toàn địa bàn.",
    ),
)

TAM_DIEP_2024 = GradeRulesSpec(
    name="Tam Điệp 2024",
    bands=(
        BandSpec("A", "Loại A", Decimal("80"), 5, 2_000_000),
        BandSpec("B", "Loại B", Decimal("70"), 10, 1_000_000),
        BandSpec("C", "Loại C", Decimal("60"), 10, 500_000),
    ),
    certificate_threshold=Decimal("50"),
    decimals=2,
    tie_policy="council",
)

DEFAULT_GRADE_RULES = TAM_DIEP_2024

DEFAULT_CHECKLIST: tuple[ChecklistSpec, ...] = (
    ChecklistSpec("Tờ trình đề nghị công nhận sáng kiến (M-01)"),
    ChecklistSpec("Đơn yêu cầu công nhận sáng kiến (M-02)", copies_required=12),
    ChecklistSpec("Báo cáo / bản mô tả sáng kiến"),
    ChecklistSpec("Minh chứng hiệu quả áp dụng"),
    ChecklistSpec("Xác nhận của thủ trưởng đơn vị"),
)

DEFAULT_UNIT_TYPES: tuple[UnitTypeSpec, ...] = (
    UnitTypeSpec("phong_ban", "Phòng, ban chuyên môn", 3, 31),
    UnitTypeSpec("su_nghiep", "Đơn vị sự nghiệp", 3, 31),
    UnitTypeSpec("doan_the", "Mặt trận, đoàn thể", 3, 31),
    UnitTypeSpec("xa_phuong", "Xã, phường, tổ dân phố", 3, 31),
    UnitTypeSpec("mam_non", "Trường Mầm non", 9, 15),
    UnitTypeSpec("tieu_hoc", "Trường Tiểu học", 9, 15),
    UnitTypeSpec("thcs", "Trường THCS", 9, 15),
    UnitTypeSpec("khac", "Đơn vị khác", None, None),
)

DEFAULT_CO_AUTHOR_LIMIT = 2
DEFAULT_COPIES_REQUIRED = 12
DEFAULT_SCORE_SPREAD = Decimal("20")

SOLUTION_FIELDS: tuple[str, ...] = (
    "Cải cách hành chính",
    "Quản lý nhà nước",
    "Kinh tế, tài chính",
    "Đất đai, xây dựng, đô thị",
    "Giáo dục và đào tạo",
    "Y tế",
    "Văn hóa, xã hội",
    "Khoa học, công nghệ, chuyển đổi số",
    "Nông nghiệp, môi trường",
    "Quốc phòng, an ninh",
)


@dataclass(frozen=True)
class RoundDefaults:
    rubric: tuple[CriterionSpec, ...] = DEFAULT_RUBRIC
    grade_rules: GradeRulesSpec = DEFAULT_GRADE_RULES
    checklist: tuple[ChecklistSpec, ...] = DEFAULT_CHECKLIST
    co_author_limit: int = DEFAULT_CO_AUTHOR_LIMIT
    copies_required: int = DEFAULT_COPIES_REQUIRED
    fields: tuple[str, ...] = field(default=SOLUTION_FIELDS)
