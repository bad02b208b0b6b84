"""A realistic Vietnamese demo database: one council, two rounds, ~40 units, registrations, dossiers with
authors, 7 council members, assignments, scores and votes. Deterministic for a given seed.

Everything is invented; names are built from common Vietnamese family, middle and given names.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.defaults import DEFAULT_UNIT_TYPES, SOLUTION_FIELDS
from ..domain.enums import DossierStatus, MemberRole, RoundField, RoundStatus, SolutionKind, VoteMethod
from ..domain.errors import ValidationError
from ..models import (
    Assignment,
    Authorship,
    CouncilMember,
    Dossier,
    DossierChecklistItem,
    Person,
    Registration,
    RegistrationAuthor,
    Round,
    Score,
    Setting,
    Unit,
    UnitAlias,
    UnitType,
    Vote,
)
from . import settings as settings_service
from .rounds import create_round

# Stored in the settings table of every database the demo fills: its window says "DỮ LIỆU MẪU".
DEMO_MARKER = "demo_data"

DEMO_SETTINGS = {
    "issuing_parent": "UBND PHƯỜNG TAM ĐIỆP",
    "issuing_body": "HỘI ĐỒNG SÁNG KIẾN",
    "council_name": "Hội đồng Sáng kiến phường Tam Điệp",
    "council_level": "xa",
    "place_name": "Tam Điệp",
    "standing_office": "Phòng Kinh tế, Hạ tầng và Đô thị",
    "chair_authority": "TM. HỘI ĐỒNG",
    "chair_title": "CHỦ TỊCH",
    "secretary_title": "THƯ KÝ",
    "head_authority": "TM. ỦY BAN NHÂN DÂN",
    "head_title": "CHỦ TỊCH",
    "head_name": "Đinh Công Thành",
    "legal_bases": "\n".join(
        [
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ ban hành Điều lệ Sáng kiến;",
            "Căn cứ Thông tư số 18/2013/TT-BKHCN ngày 01/8/2013 của Bộ Khoa học và Công nghệ hướng dẫn thi "
            "hành một số quy định của Điều lệ Sáng kiến;",
            "Căn cứ Kế hoạch số 25/KH-UBND ngày 12/3/2026 của UBND phường Tam Điệp về triển khai công tác "
            "sáng kiến năm 2026.",
        ]
    ),
}

# (unit type code, name, short name, aliases)
DEMO_UNITS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("phong_ban", "Văn phòng HĐND và UBND phường", "VP HĐND-UBND", ("Văn phòng Hội đồng nhân dân và UBND",)),
    ("phong_ban", "Phòng Kinh tế, Hạ tầng và Đô thị", "P. KT-HT-ĐT", ("Phòng Kinh tế",)),
    ("phong_ban", "Phòng Văn hóa - Xã hội", "P. VH-XH", ("Phòng VHXH",)),
    ("phong_ban", "Trung tâm Phục vụ hành chính công phường", "TT PVHCC", ("Bộ phận một cửa",)),
    ("phong_ban", "Ban Chỉ huy Quân sự phường", "BCH QS", ()),
    ("phong_ban", "Công an phường Tam Điệp", "CA phường", ()),
    ("su_nghiep", "Trạm Y tế phường Tam Điệp", "Trạm Y tế", ()),
    ("su_nghiep", "Trung tâm Văn hóa, Thể thao và Truyền thanh", "TT VH-TT-TT", ()),
    ("doan_the", "Ủy ban Mặt trận Tổ quốc Việt Nam phường", "UB MTTQ", ("Mặt trận Tổ quốc phường",)),
    ("doan_the", "Hội Liên hiệp Phụ nữ phường", "Hội LHPN", ("Hội Phụ nữ phường",)),
    ("doan_the", "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường", "Đoàn TN", ("Đoàn Thanh niên phường",)),
    ("doan_the", "Hội Cựu chiến binh phường", "Hội CCB", ()),
    ("mam_non", "Trường Mầm non Bắc Sơn", "MN Bắc Sơn", ()),
    ("mam_non", "Trường Mầm non Nam Sơn", "MN Nam Sơn", ()),
    ("mam_non", "Trường Mầm non Trung Sơn", "MN Trung Sơn", ()),
    ("mam_non", "Trường Mầm non Tây Sơn", "MN Tây Sơn", ()),
    ("mam_non", "Trường Mầm non Quang Sơn", "MN Quang Sơn", ()),
    ("tieu_hoc", "Trường Tiểu học Bắc Sơn", "TH Bắc Sơn", ()),
    ("tieu_hoc", "Trường Tiểu học Nam Sơn", "TH Nam Sơn", ()),
    ("tieu_hoc", "Trường Tiểu học Trung Sơn", "TH Trung Sơn", ()),
    ("tieu_hoc", "Trường Tiểu học Tây Sơn", "TH Tây Sơn", ()),
    ("tieu_hoc", "Trường Tiểu học Yên Bình", "TH Yên Bình", ()),
    ("thcs", "Trường THCS Bắc Sơn", "THCS Bắc Sơn", ("Trường Trung học cơ sở Bắc Sơn",)),
    ("thcs", "Trường THCS Nam Sơn", "THCS Nam Sơn", ("Trường Trung học cơ sở Nam Sơn",)),
    ("thcs", "Trường THCS Trung Sơn", "THCS Trung Sơn", ()),
    ("thcs", "Trường THCS Lê Hồng Phong", "THCS LHP", ()),
    ("thcs", "Trường THCS Quang Sơn", "THCS Quang Sơn", ()),
    ("xa_phuong", "Tổ dân phố Bắc Sơn 1", "TDP Bắc Sơn 1", ()),
    ("xa_phuong", "Tổ dân phố Bắc Sơn 2", "TDP Bắc Sơn 2", ()),
    ("xa_phuong", "Tổ dân phố Nam Sơn", "TDP Nam Sơn", ()),
    ("xa_phuong", "Tổ dân phố Trung Sơn", "TDP Trung Sơn", ()),
    ("xa_phuong", "Tổ dân phố Tây Sơn", "TDP Tây Sơn", ()),
    ("xa_phuong", "Tổ dân phố Quang Sơn", "TDP Quang Sơn", ()),
    ("xa_phuong", "Tổ dân phố Yên Bình", "TDP Yên Bình", ()),
    ("xa_phuong", "Tổ dân phố Đông Sơn", "TDP Đông Sơn", ()),
    ("xa_phuong", "Tổ dân phố Tân Bình", "TDP Tân Bình", ()),
    ("khac", "Hợp tác xã Nông nghiệp Yên Sơn", "HTX Yên Sơn", ()),
    ("khac", "Chi nhánh Điện lực Tam Điệp", "Điện lực", ()),
    ("khac", "Bưu điện phường Tam Điệp", "Bưu điện", ()),
    ("khac", "Trung tâm Y tế khu vực Tam Điệp", "TTYT khu vực", ()),
)

FAMILY = [
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 5), ("Đặng", 3), ("Bùi", 4),
    ("Đỗ", 4), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Đinh", 3), ("Mai", 2), ("Trịnh", 2), ("Lương", 1),
    ("Tạ", 1), ("Phan", 2), ("Đào", 2), ("Lưu", 1),
]  # fmt: skip
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Ngọc", "Công", "Trọng", "Mạnh", "Tiến"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Thùy", "Bích"]
GIVEN_M = [
    "Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Long", "Thắng", "Cường", "Quân", "Sơn", "Trung", "Hiếu", "Khánh",
    "Đạt", "Tùng", "Phong", "Bình", "Thành", "Việt", "Hoàng", "Đức", "Kiên", "Lâm", "Tú",
]  # fmt: skip
GIVEN_F = [
    "Hương", "Lan", "Hà", "Huyền", "Thảo", "Trang", "Linh", "Ngọc", "Nhung", "Dung", "Phương", "Yến", "Hằng",
    "Mai", "Thủy", "Loan", "Oanh", "Giang", "Vân", "Hạnh", "Nga", "Liên", "Quyên", "Hiền",
]  # fmt: skip

OFFICE_TITLES = [
    "Ứng dụng phần mềm quản lý hồ sơ một cửa tại {unit}",
    "Giải pháp số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại {unit}",
    "Nâng cao hiệu quả tiếp công dân, giải quyết đơn thư tại {unit}",
    "Đổi mới quy trình lấy ý kiến người dân về chất lượng dịch vụ hành chính công",
    "Ứng dụng Zalo OA trong tuyên truyền, phổ biến pháp luật đến tổ dân phố",
    "Quản lý trật tự xây dựng đô thị bằng bản đồ số dùng chung",
    "Đẩy mạnh thanh toán không dùng tiền mặt trong thu phí, lệ phí tại {unit}",
    "Xây dựng cơ sở dữ liệu đất đai dùng chung trên địa bàn phường Tam Điệp",
    "Một số giải pháp nâng cao tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình",
    "Nâng cao chất lượng công tác lưu trữ hồ sơ, tài liệu tại {unit}",
    "Theo dõi thu ngân sách bằng bảng tính trực tuyến dùng chung tại {unit}",
    "Đổi mới công tác tuyên truyền phòng, chống dịch bệnh tại cộng đồng dân cư",
    "Ứng dụng mã QR trong tra cứu thủ tục hành chính và tình trạng hồ sơ",
    "Giải pháp phân loại rác thải sinh hoạt tại nguồn ở khu dân cư",
    "Đổi mới cách tổ chức hội nghị trực tuyến tiết kiệm chi phí tại {unit}",
    "Quản lý đoàn viên, hội viên bằng phần mềm trên điện thoại di động",
    "Xây dựng mô hình camera an ninh kết nối cộng đồng tại {unit}",
    "Chuẩn hóa quy trình tiếp nhận, xử lý văn bản đến trên hệ thống quản lý văn bản điện tử",
]
EXTRA_OFFICE_TITLES = [
    "Lập sổ tay hướng dẫn thủ tục đăng ký hộ tịch cho người dân",
    "Ký số văn bản đi trên thiết bị di động cho lãnh đạo đơn vị",
    "Tổ chức ngày thứ Bảy xanh làm sạch kênh mương trên địa bàn",
    "Quản lý người lao động đi làm việc ở nước ngoài bằng bảng theo dõi dùng chung",
    "Rà soát, cập nhật hộ nghèo, cận nghèo bằng biểu mẫu điện tử",
    "Mô hình tổ tự quản về an ninh trật tự ở khu dân cư mới",
    "Tuyên truyền phòng cháy, chữa cháy qua bản tin phát thanh hằng tuần",
    "Số hóa sổ theo dõi đối tượng bảo trợ xã hội và chi trả không dùng tiền mặt",
    "Nhắn tin tự động nhắc lịch nộp thuế cho hộ kinh doanh",
    "Sắp xếp kho lưu trữ theo mã hộp, tra cứu bằng bảng tính",
    "Điều tra nhanh nhu cầu học nghề của thanh niên bằng biểu mẫu trực tuyến",
    "Bản đồ điểm nóng ngập úng mùa mưa phục vụ chỉ đạo ứng phó",
    "Quy trình phối hợp xử lý vi phạm lấn chiếm vỉa hè trong 48 giờ",
    "Chấm điểm thi đua các tổ dân phố bằng bộ tiêu chí công khai",
    "Tập huấn kỹ năng sử dụng dịch vụ công cho người cao tuổi tại nhà văn hóa",
    "Lịch trực tiếp dân điện tử công khai trên cổng thông tin phường",
    "Tiết kiệm điện trong trụ sở bằng hẹn giờ điều hòa và chiếu sáng",
    "Ghi hình lưu trữ các cuộc hòa giải ở cơ sở",
    "Phiếu khảo sát sự hài lòng bằng máy tính bảng tại quầy tiếp nhận",
    "Kết nối camera giao thông với phòng điều hành của Công an phường",
    "Mô hình chợ an toàn thực phẩm có truy xuất nguồn gốc",
    "Chuẩn hóa mẫu biên bản kiểm tra cơ sở kinh doanh dịch vụ",
    "Hướng dẫn hội viên trồng rau hữu cơ theo nhóm hộ liên kết",
    "Quỹ tiết kiệm xoay vòng giúp hội viên phụ nữ khởi nghiệp",
    "Đội thanh niên tình nguyện hỗ trợ người dân làm thủ tục trực tuyến",
]
SCHOOL_TITLES = [
    "Một số biện pháp giúp trẻ 5-6 tuổi phát triển ngôn ngữ qua hoạt động kể chuyện tại {unit}",
    "Ứng dụng công nghệ thông tin trong dạy học môn Toán lớp 4 tại {unit}",
    "Biện pháp nâng cao chất lượng giáo dục kỹ năng sống cho học sinh tại {unit}",
    "Đổi mới phương pháp dạy học môn Ngữ văn 8 theo hướng phát triển năng lực",
    "Xây dựng môi trường học tập thân thiện, lấy trẻ làm trung tâm tại {unit}",
    "Phát triển thể chất cho trẻ mẫu giáo qua trò chơi dân gian",
    "Sử dụng sơ đồ tư duy trong dạy học Lịch sử và Địa lý lớp 7",
    "Kinh nghiệm bồi dưỡng học sinh giỏi môn Tiếng Anh lớp 9 tại {unit}",
    "Nâng cao chất lượng bữa ăn bán trú, bảo đảm an toàn thực phẩm tại {unit}",
    "Ứng dụng trò chơi trực tuyến trong ôn tập kiến thức môn Khoa học lớp 5",
    "Quản lý hồ sơ học sinh bằng phần mềm trực tuyến tại {unit}",
    "Rèn kỹ năng đọc hiểu cho học sinh lớp 2 qua thư viện xanh",
    "Giáo dục STEM qua hoạt động trải nghiệm cho học sinh {unit}",
    "Phối hợp giữa nhà trường và cha mẹ học sinh qua nhóm lớp trực tuyến",
]
EXTRA_SCHOOL_TITLES = [
    "Dạy trẻ nhà trẻ 24-36 tháng nhận biết màu sắc qua đồ chơi tự làm",
    "Góc thiên nhiên trong lớp giúp trẻ mẫu giáo khám phá khoa học",
    "Tổ chức giờ ăn cho trẻ biếng ăn ở lớp mẫu giáo bé",
    "Làm quen chữ cái cho trẻ 5 tuổi qua trò chơi vận động",
    "Âm nhạc dân gian trong hoạt động chiều cho trẻ mẫu giáo lớn",
    "Dạy giải toán có lời văn cho học sinh lớp 3 bằng sơ đồ đoạn thẳng",
    "Rèn chữ viết đẹp cho học sinh lớp 1 theo nhóm đôi",
    "Phiếu học tập phân hóa trong dạy Tiếng Việt lớp 4",
    "Câu lạc bộ tiếng Anh cuối tuần cho học sinh tiểu học",
    "Dạy bơi an toàn cho học sinh lớp 5 phối hợp với gia đình",
    "Thí nghiệm đơn giản từ vật liệu tái chế trong môn Khoa học tự nhiên 6",
    "Dạy học dự án môn Địa lý 8 về biến đổi khí hậu ở địa phương",
    "Ôn thi vào lớp 10 môn Toán theo chuyên đề cho học sinh trung bình",
    "Tư vấn tâm lý học đường qua hộp thư bí mật",
    "Đánh giá học sinh bằng hồ sơ học tập trong môn Ngữ văn 7",
    "Ứng dụng bảng tương tác trong tiết Tin học lớp 8",
    "Xây dựng thư viện lớp học do học sinh tự quản",
    "Giáo dục an toàn giao thông qua sa bàn mô phỏng",
    "Sân chơi trải nghiệm cuối tuần về văn hóa truyền thống",
    "Kèm cặp học sinh chưa hoàn thành chương trình theo nhóm bạn học",
    "Sổ liên lạc điện tử thông báo kết quả học tập hằng tuần",
    "Quản lý thiết bị dạy học bằng mã vạch và sổ mượn điện tử",
]
HEALTH_TITLES = [
    "Quản lý bệnh nhân tăng huyết áp bằng sổ theo dõi điện tử tại {unit}",
    "Đổi mới truyền thông tiêm chủng mở rộng qua loa truyền thanh và mạng xã hội",
    "Ứng dụng hồ sơ sức khỏe điện tử trong khám sức khỏe người cao tuổi",
]
PROBLEMS = [
    "Việc {x} còn làm thủ công, mất nhiều thời gian, dễ sai sót",
    "Người dân phải đi lại nhiều lần; thông tin chưa được công khai kịp thời",
    "Số liệu phân tán ở nhiều sổ sách, khó tổng hợp, báo cáo chậm",
    "Hiệu quả chưa cao, một bộ phận chưa tích cực tham gia",
]
CONTENTS = [
    "Xây dựng quy trình mới, hướng dẫn cán bộ thực hiện thống nhất; lập biểu mẫu dùng chung",
    "Triển khai phần mềm, tập huấn cho người sử dụng, theo dõi và điều chỉnh hằng tháng",
    "Phân công rõ trách nhiệm, lập lịch thực hiện và kiểm tra định kỳ",
    "Lồng ghép nội dung vào hoạt động thường xuyên, phối hợp với các đoàn thể",
]
EFFECTS = [
    "Rút ngắn {p}% thời gian xử lý, giảm chi phí in ấn, người dân hài lòng hơn",
    "Tỷ lệ hoàn thành tăng từ {a}% lên {b}%; số liệu báo cáo chính xác, kịp thời",
    "Tiết kiệm khoảng {m} triệu đồng mỗi năm; chất lượng công việc được nâng lên",
]
SCOPES = [
    "Trong phạm vi {unit}",
    "Áp dụng tại {unit}, có thể nhân rộng ra các đơn vị trên địa bàn phường",
    "Toàn phường Tam Điệp",
]
JOB_TITLES_OFFICE = ["Chuyên viên", "Trưởng phòng", "Phó Trưởng phòng", "Công chức", "Kế toán", "Cán bộ"]
JOB_TITLES_SCHOOL = [
    "Giáo viên",
    "Giáo viên",
    "Giáo viên",
    "Hiệu trưởng",
    "Phó Hiệu trưởng",
    "Tổ trưởng chuyên môn",
]
QUALIFICATIONS_OFFICE = [
    "Cử nhân Kinh tế",
    "Cử nhân Luật",
    "Thạc sĩ Quản lý công",
    "Kỹ sư Xây dựng",
    "Cử nhân Công nghệ thông tin",
    "Cử nhân Hành chính",
]
QUALIFICATIONS_SCHOOL = [
    "Cử nhân Sư phạm Toán",
    "Cử nhân Sư phạm Ngữ văn",
    "Cử nhân Giáo dục Tiểu học",
    "Cao đẳng Sư phạm Mầm non",
    "Cử nhân Giáo dục Mầm non",
    "Thạc sĩ Quản lý giáo dục",
]

# Seven council members: (role, job title, unit index in DEMO_UNITS, expertise)
COUNCIL = (
    (MemberRole.CHAIR, "Phó Chủ tịch UBND phường", 0, "Quản lý nhà nước"),
    (
        MemberRole.VICE_CHAIR,
        "Trưởng phòng Kinh tế, Hạ tầng và Đô thị",
        1,
        "Kinh tế, tài chính; Đất đai, xây dựng",
    ),
    (MemberRole.SECRETARY, "Chuyên viên Phòng Kinh tế, Hạ tầng và Đô thị", 1, "Cải cách hành chính"),
    (MemberRole.MEMBER, "Trưởng phòng Văn hóa - Xã hội", 2, "Giáo dục và đào tạo; Văn hóa, xã hội"),
    (MemberRole.MEMBER, "Chủ tịch Công đoàn phường", 0, "Văn hóa, xã hội"),
    (MemberRole.MEMBER, "Hiệu trưởng Trường THCS Bắc Sơn", 22, "Giáo dục và đào tạo"),
    (MemberRole.MEMBER, "Trạm trưởng Trạm Y tế phường", 6, "Y tế"),
)


DEMO_NEAR_COPIES = 3  # registrations that repeat another unit's title, for the duplicate warning


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    year: int
    units: int
    registrations: int
    dossiers: int
    members: int
    scores: int


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.families = [f for f, _ in FAMILY]
        self.weights = [w for _, w in FAMILY]

    def person(self) -> tuple[str, str]:
        for _ in range(1000):
            female = self.rng.random() < 0.55
            family = self.rng.choices(self.families, self.weights)[0]
            middle = self.rng.choice(MIDDLE_F if female else MIDDLE_M)
            given = self.rng.choice(GIVEN_F if female else GIVEN_M)
            name = f"{family} {middle} {given}"
            if name not in self.used:
                self.used.add(name)
                return name, "Nữ" if female else "Nam"
        raise RuntimeError("ran out of demo names")


def _is_school(type_code: str) -> bool:
    return type_code in {"mam_non", "tieu_hoc", "thcs"}


def _authors_cell(authors: list[Person], unit: Unit, units: list[tuple[Unit, str]]) -> str:
    """The Tác giả cell: an author of another unit has it in brackets (as units write it), so the co-author
    rule counts them there — its short name when the name holds "và", which the cell reads as a separator."""
    by_id = {u.id: u for u, _ in units}

    def label(other: Unit) -> str:
        return other.short_name if " và " in other.name.lower() and other.short_name else other.name

    return ", ".join(
        a.full_name if a.unit_id in (None, unit.id) else f"{a.full_name} ({label(by_id[a.unit_id])})"
        for a in authors
    )


def _make_person(
    session: Session,
    rng: random.Random,
    names: _Names,
    unit: Unit,
    type_code: str,
    job_title: str | None = None,
) -> Person:
    name, gender = names.person()
    school = _is_school(type_code)
    person = Person(
        full_name=name,
        gender=gender,
        birth_date=dt.date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28)),
        unit_id=unit.id,
        workplace=unit.name,
        job_title=job_title or rng.choice(JOB_TITLES_SCHOOL if school else JOB_TITLES_OFFICE),
        qualification=rng.choice(QUALIFICATIONS_SCHOOL if school else QUALIFICATIONS_OFFICE),
        phone=f"09{rng.randint(10_000_000, 99_999_999)}",
    )
    session.add(person)
    return person


def _title_pool(type_code: str, unit: Unit, *, extra: bool = False) -> list[str]:
    if _is_school(type_code):
        pool = SCHOOL_TITLES + (EXTRA_SCHOOL_TITLES if extra else [])
    elif unit.name.startswith(("Trạm Y tế", "Trung tâm Y tế")):
        pool = HEALTH_TITLES + OFFICE_TITLES[:4]
    else:
        pool = OFFICE_TITLES + (EXTRA_OFFICE_TITLES if extra else [])
    return [t.format(unit=unit.name) for t in pool]


def _field_for(type_code: str, title: str) -> str:
    if _is_school(type_code):
        return "Giáo dục và đào tạo"
    lowered = title.lower()
    if "y tế" in lowered or "bệnh" in lowered or "tiêm" in lowered or "sức khỏe" in lowered:
        return "Y tế"
    if "đất đai" in lowered or "xây dựng" in lowered:
        return "Đất đai, xây dựng, đô thị"
    if "thủ tục" in lowered or "một cửa" in lowered or "dịch vụ công" in lowered:
        return "Cải cách hành chính"
    if "phần mềm" in lowered or "số" in lowered or "mã qr" in lowered:
        return "Khoa học, công nghệ, chuyển đổi số"
    return SOLUTION_FIELDS[1]


def _split_contribution(rng: random.Random, n: int) -> list[Decimal]:
    options = {1: [[100]], 2: [[60, 40], [50, 50], [70, 30]], 3: [[50, 30, 20], [40, 30, 30], [34, 33, 33]]}
    return [Decimal(v) for v in rng.choice(options[n])]


def is_empty(session: Session) -> bool:
    return not (session.scalar(select(func.count(Unit.id))) or session.scalar(select(func.count(Round.id))))


def build_demo(session: Session, *, dossiers: int = 60, seed: int = 1, year: int = 2026) -> DemoSummary:
    """Fill an empty database with demo data in the caller's transaction."""
    if dossiers < 0 or dossiers > 5000:
        raise ValidationError(f"Số hồ sơ mẫu phải từ 0 đến 5000 (đang là {dossiers}).")
    if not is_empty(session):
        raise ValidationError(
            "Cơ sở dữ liệu này đã có dữ liệu. Dữ liệu mẫu chỉ được tạo trong một cơ sở dữ liệu trống "
            "(hãy chọn một tệp mới, ví dụ: sangkien --db demo.db demo)."
        )
    rng = random.Random(seed)
    names = _Names(rng)
    settings_service.put(session, DEMO_SETTINGS)
    session.add(Setting(key=DEMO_MARKER, value="1"))

    types: dict[str, UnitType] = {}
    for i, spec in enumerate(DEFAULT_UNIT_TYPES):
        ut = UnitType(
            code=spec.code,
            name=spec.name,
            deadline_month=spec.deadline_month,
            deadline_day=spec.deadline_day,
            position=i,
        )
        session.add(ut)
        types[spec.code] = ut
    session.flush()

    units: list[tuple[Unit, str]] = []
    for type_code, name, short, aliases in DEMO_UNITS:
        unit = Unit(name=name, short_name=short, unit_type_id=types[type_code].id)
        for alias in aliases:
            unit.aliases.append(UnitAlias(alias=alias))
        session.add(unit)
        units.append((unit, type_code))
    session.flush()

    # Council members (the same seven people sit in both rounds).
    member_people: list[tuple[Person, MemberRole, str]] = []
    for role, job, unit_index, expertise in COUNCIL:
        unit, type_code = units[unit_index]
        person = _make_person(session, rng, names, unit, type_code, job_title=job)
        if role is MemberRole.CHAIR:
            person.qualification = "Thạc sĩ Quản lý công"
        member_people.append((person, role, expertise))
    session.flush()
    settings_service.put(
        session,
        {
            "chair_name": member_people[0][0].full_name,
            "secretary_name": member_people[2][0].full_name,
        },
    )

    round1 = create_round(
        session,
        year,
        1,
        field=RoundField.GENERAL,
        receive_from=dt.date(year, 2, 15),
        receive_until=dt.date(year, 4, 10),
        meeting_on=dt.date(year, 5, 20),
    )
    round2 = create_round(
        session,
        year,
        2,
        field=RoundField.GENERAL,
        receive_from=dt.date(year, 9, 1),
        receive_until=dt.date(year, 11, 15),
        meeting_on=dt.date(year, 11, 28),
    )
    round1.status = RoundStatus.SCORING  # intake closed, every sheet typed in
    round2.status = RoundStatus.OPEN  # still taking dossiers; a few sheets already typed in
    rounds = [round1, round2]
    for rnd in rounds:
        for pos, (person, role, expertise) in enumerate(member_people):
            rnd.members.append(
                CouncilMember(person_id=person.id, role=role, expertise=expertise, position=pos)
            )
    session.flush()

    # Registrations: units with more staff register more; schools and offices most.
    weights = []
    for _unit, type_code in units:
        weights.append(
            3
            if _is_school(type_code)
            else 4
            if type_code == "phong_ban"
            else 2
            if type_code in {"su_nghiep", "doan_the"}
            else 1
        )
    n_registrations = dossiers + max(2, dossiers // 4)
    used_titles: set[str] = set()
    used_templates: set[str] = set()
    drawn_titles: set[str] = set()  # what the main generator drew (keeps its sequence independent of swaps)
    repeats_kept = 0
    template_of = {
        t.format(unit=unit.name): t
        for unit, _ in units
        for t in (*OFFICE_TITLES, *EXTRA_OFFICE_TITLES, *SCHOOL_TITLES, *EXTRA_SCHOOL_TITLES, *HEALTH_TITLES)
    }
    title_rng = random.Random(seed * 7_919 + 17)
    registrations: list[tuple[Registration, Unit, str, list[Person]]] = []
    per_unit_seq: dict[int, int] = {}
    staff: dict[int, list[Person]] = {}
    for _ in range(n_registrations):
        unit, type_code = rng.choices(units, weights)[0]
        pool = [t for t in _title_pool(type_code, unit) if t not in drawn_titles]
        if not pool:
            continue
        title = rng.choice(pool)
        drawn_titles.add(title)
        if template_of[title] in used_templates:
            # Another unit already has this title. Keep the first few repeats (the near-copies a secretary
            # meets in real tables, for the duplicate warning); give the rest a fresh title from a separate
            # generator, so every other demo value stays as it was.
            fresh = [
                t for t in _title_pool(type_code, unit, extra=True) if template_of[t] not in used_templates
            ]
            if fresh and repeats_kept >= DEMO_NEAR_COPIES:
                title = title_rng.choice(fresh)
            else:
                repeats_kept += 1
        used_titles.add(title)
        used_templates.add(template_of[title])
        n_authors = rng.choices([1, 2, 3], [55, 35, 10])[0]
        people_here = staff.setdefault(unit.id, [])
        authors: list[Person] = []
        for k in range(n_authors):
            if k < 2:
                # at most two co-authors from the same unit (seed 000, the round's default limit)
                if people_here and rng.random() < 0.3:
                    candidate = rng.choice(people_here)
                    if candidate not in authors:
                        authors.append(candidate)
                        continue
                person = _make_person(session, rng, names, unit, type_code)
                people_here.append(person)
                authors.append(person)
            else:
                other_unit, other_type = rng.choice([u for u in units if u[0].id != unit.id])
                person = _make_person(session, rng, names, other_unit, other_type)
                staff.setdefault(other_unit.id, []).append(person)
                authors.append(person)
        session.flush()
        per_unit_seq[unit.id] = per_unit_seq.get(unit.id, 0) + 1
        deadline_month = 9 if _is_school(type_code) else 3
        registered_on = dt.date(year, rng.randint(1, deadline_month), rng.randint(1, 28))
        if rng.random() < 0.06:  # a few late registrations (a warning, not a block)
            registered_on = dt.date(year, deadline_month + 1, rng.randint(1, 28))
        reg = Registration(
            year=year,
            unit_id=unit.id,
            seq=per_unit_seq[unit.id],
            applied_unit=unit.name,
            problem=rng.choice(PROBLEMS).format(x="quản lý, theo dõi"),
            title=title,
            content=rng.choice(CONTENTS),
            effect=rng.choice(EFFECTS).format(
                p=rng.randint(20, 60), a=rng.randint(50, 70), b=rng.randint(80, 98), m=rng.randint(5, 60)
            ),
            scope=rng.choice(SCOPES).format(unit=unit.name),
            authors_text=_authors_cell(authors, unit, units),
            department=", ".join(dict.fromkeys(a.job_title for a in authors)),
            registered_on=registered_on,
            source="Dữ liệu mẫu",
        )
        for pos, a in enumerate(authors):
            reg.authors.append(
                RegistrationAuthor(
                    position=pos, full_name=a.full_name, department=a.job_title, person_id=a.id
                )
            )
        session.add(reg)
        registrations.append((reg, unit, type_code, authors))
    session.flush()

    # Dossiers: two thirds in round 1, the rest in round 2; most registered, a few not.
    chosen = rng.sample(registrations, min(dossiers, len(registrations)))
    n_round1 = round(len(chosen) * 2 / 3)
    dossier_rows: list[tuple[Dossier, Round, Unit, list[Person], float]] = []
    plan: list[tuple[dt.date, Round, tuple[Registration, Unit, str, list[Person]]]] = []
    for i, item in enumerate(chosen):
        rnd = round1 if i < n_round1 else round2
        start = rnd.receive_from or dt.date(year, 1, 1)
        end = rnd.receive_until or start
        received = start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))
        plan.append((received, rnd, item))
    plan.sort(key=lambda p: (p[0], p[2][0].id))
    for receipt_no, (received, rnd, (reg, unit, type_code, authors)) in enumerate(plan, start=1):
        unregistered = rng.random() < 0.08
        if unregistered:
            # handed in without registration: a different title, flagged at intake
            title = f"{reg.title} (bổ sung)"
        else:
            title = reg.title
        first_applied = received - dt.timedelta(days=rng.randint(60, 300))
        if rng.random() < 0.05:
            first_applied = received - dt.timedelta(days=rng.randint(380, 500))  # beyond the 1-year limit
        status = DossierStatus.VALID
        note = ""
        if rnd is round2:
            status = rng.choices(
                [
                    DossierStatus.VALID,
                    DossierStatus.COMPLETE,
                    DossierStatus.INCOMPLETE,
                    DossierStatus.WITHDRAWN,
                ],
                [70, 12, 12, 6],
            )[0]
            if status is DossierStatus.INCOMPLETE:
                note = "Thiếu minh chứng hiệu quả áp dụng"
        dossier = Dossier(
            year=year,
            round_id=rnd.id,
            receipt_no=receipt_no,
            received_on=received,
            unit_id=unit.id,
            registration_id=None if unregistered else reg.id,
            title=title,
            kind=rng.choices(list(SolutionKind), [15, 35, 40, 10])[0],
            field=_field_for(type_code, title),
            first_applied_on=first_applied,
            accepted_on=received + dt.timedelta(days=rng.randint(3, 15))
            if status is DossierStatus.VALID
            else None,
            investor=unit.name,
            summary=reg.content,
            status=status,
            status_note=note,
            supplement_requested_on=received + dt.timedelta(days=5)
            if status is DossierStatus.INCOMPLETE
            else None,
            delivered_by=authors[0].full_name,
        )
        for pos, (person, share) in enumerate(
            zip(authors, _split_contribution(rng, len(authors)), strict=True)
        ):
            dossier.authorships.append(Authorship(person_id=person.id, position=pos, contribution=share))
        for pos, template in enumerate(rnd.checklist_template):
            received_item = not (
                status is DossierStatus.INCOMPLETE and template.name.startswith("Minh chứng")
            )
            dossier.checklist.append(
                DossierChecklistItem(
                    position=pos,
                    name=template.name,
                    required=template.required,
                    received=received_item,
                    copies=template.copies_required if received_item else None,
                    copies_required=template.copies_required,
                )
            )
        session.add(dossier)
        quality = min(97.0, max(35.0, rng.gauss(71, 11)))
        dossier_rows.append((dossier, rnd, unit, authors, quality))
    session.flush()

    # Assignments, scores and votes.
    n_scores = 0
    members_by_round = {rnd.id: list(rnd.members) for rnd in rounds}
    bias = {person.id: rng.gauss(0, 3) for person, _, _ in member_people}
    for dossier, rnd, unit, authors, quality in dossier_rows:
        if dossier.status not in (DossierStatus.VALID, DossierStatus.COMPLETE):
            continue
        author_ids = {a.id for a in authors}
        eligible = [
            m
            for m in members_by_round[rnd.id]
            if m.person.unit_id != unit.id and m.person_id not in author_ids  # conflicts of interest
        ]
        complete = rnd is round1 or rng.random() < 0.5
        for member in eligible:
            session.add(Assignment(dossier_id=dossier.id, member_id=member.id))
            if not complete and rng.random() < 0.5:
                continue  # sheet not typed in yet
            for crit in rnd.criteria:
                level = (quality + bias[member.person_id] + rng.gauss(0, 4)) / 100
                points = Decimal(round(float(crit.max_points) * min(1.0, max(0.1, level))))
                session.add(
                    Score(dossier_id=dossier.id, member_id=member.id, criterion_id=crit.id, points=points)
                )
                n_scores += 1
        if rnd is round1:
            present = len(members_by_round[rnd.id]) - (1 if rng.random() < 0.3 else 0)
            in_favour = present if quality >= 55 else rng.randint(present // 3, present - 1)
            session.add(
                Vote(
                    dossier_id=dossier.id,
                    members_total=len(members_by_round[rnd.id]),
                    present=present,
                    in_favour=in_favour,
                    against=present - in_favour,
                    method=VoteMethod.SHOW_OF_HANDS,
                )
            )
    session.flush()
    _decide_ties(session, round1.id)
    return DemoSummary(
        seed=seed,
        year=year,
        units=len(units),
        registrations=len(registrations),
        dossiers=len(dossier_rows),
        members=len(member_people),
        scores=n_scores,
    )


def _decide_ties(session: Session, round_id: int) -> None:
    """A demo council has met: every tie at a quota's edge gets the council's order (deciding one edge can
    bring the next band's edge into play, so repeat until none is left)."""
    from .grading import compute, decide_tie

    for _ in range(20):
        groups = compute(session, round_id).grading.tie_groups()
        if not groups:
            return
        for group in groups:
            decide_tie(session, round_id, group.codes, "Hội đồng biểu quyết tại cuộc họp (dữ liệu mẫu)")
        session.flush()


def create_demo(db: Database, *, dossiers: int = 60, seed: int = 1, year: int = 2026) -> DemoSummary:
    with db.session() as session:
        return build_demo(session, dossiers=dossiers, seed=seed, year=year)


def is_demo(db: Database) -> bool:
    """True for a database filled with the invented demo data."""
    with db.reading() as session:
        return session.get(Setting, DEMO_MARKER) is not None


def database_is_empty(db: Database) -> bool:
    with db.reading() as session:
        return is_empty(session)
