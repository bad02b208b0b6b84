"""Write sample documents made with the shared document infrastructure, to look at them.

Usage::

    python scripts/render_samples.py OUT_DIR

Writes ``sample_decision.pdf`` (portrait NĐ 30 decision with a landscape attached list numbered on its
own), ``sample_minutes.pdf`` (two signatures, công văn header with "V/v"), ``sample_table.pdf``
(landscape, three pages, grouped header repeated on every page) and ``sample_registration.xlsx`` (the
registration table with the NĐ 30 title block). Render them with ``pdftoppm -r 80 -png`` and, for the
xlsx, ``soffice --headless --convert-to pdf``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

# Import the package of this checkout (the script may be run from anywhere, with any venv).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.platypus import Flowable, Spacer

from sangkien_desktop.domain.money import format_money, money_phrase
from sangkien_desktop.services.docspec import Column, HeaderInfo
from sangkien_desktop.services.pdf import (
    Run,
    Signer,
    basis_lines,
    build_pdf,
    closing_block,
    column_table,
    frame_width,
    get_styles,
    header_block,
    para,
    restart_page_numbers,
    switch_orientation,
    title_block,
    two_signatures,
)
from sangkien_desktop.services.xlsx import (
    DEFAULT_FORMATS,
    new_workbook,
    set_column_widths,
    set_row_heights,
    setup_print,
    write_row,
    write_signature_block,
    write_table_header,
    write_title_block,
)

UNITS = [
    "Phòng Kinh tế",
    "Phòng Nội vụ",
    "UBND phường Bắc Sơn",
    "Trường THCS Nguyễn Trãi",
    "Trung tâm Văn hóa – Thể thao và Truyền thông",
]
TITLES = [
    "Ứng dụng phần mềm quản lý hồ sơ đất đai trên địa bàn phường",
    "Đổi mới cách tổ chức dạy học môn Ngữ văn theo hướng phát triển năng lực học sinh",
    "Giải pháp nâng cao hiệu quả công tác cải cách hành chính tại bộ phận một cửa",
    "Xây dựng mô hình chữ ký số trong xử lý văn bản điện tử",
    "Sử dụng mã QR để tra cứu thủ tục hành chính, giảm thời gian chờ của người dân",
]
PEOPLE = ["Nguyễn Thị Hồng Nhung", "Trần Văn Đức", "Lê Thị Mỹ Hạnh", "Phạm Quốc Khánh", "Đỗ Thị Thu Hường"]

REGISTRATION_COLUMNS = [
    Column("TT", 3, center=True),
    Column("Đơn vị (đã áp dụng hoặc dự kiến áp dụng sáng kiến năm 2025)", 11),
    Column("Tồn tại (nêu cụ thể, rõ ràng)", 13),
    Column("Tên sáng kiến", 13, group="Sáng kiến kinh nghiệm"),
    Column(
        "Nội dung thực hiện/dự kiến thực hiện nhằm giải quyết tồn tại",
        15,
        group="Sáng kiến kinh nghiệm",
    ),
    Column(
        "Hiệu quả/dự kiến hiệu quả đạt được sau khi áp dụng sáng kiến",
        14,
        group="Sáng kiến kinh nghiệm",
    ),
    Column("Phạm vi ảnh hưởng", 8, group="Sáng kiến kinh nghiệm"),
    Column("Tác giả/nhóm tác giả", 10),
    Column("Bộ phận công tác", 9),
]


def registration_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        rows.append(
            [
                str(i + 1),
                UNITS[i % len(UNITS)],
                "Thời gian giải quyết hồ sơ còn kéo dài; người dân phải đi lại nhiều lần để bổ sung giấy tờ.",
                TITLES[i % len(TITLES)],
                "Rà soát quy trình, lập danh mục giấy tờ cần thiết, hướng dẫn người dân qua mã QR và "
                "tin nhắn; theo dõi tiến độ bằng bảng tính dùng chung." * (1 + i % 2),
                "Giảm 30% thời gian giải quyết; không còn hồ sơ quá hạn; người dân hài lòng hơn.",
                "Cấp phường",
                PEOPLE[i % len(PEOPLE)],
                "Bộ phận một cửa",
            ]
        )
    return rows


def header(number: str | None, suffix: str, d: date | None, subject: str | None = None) -> HeaderInfo:
    return HeaderInfo(
        parent_body="ỦY BAN NHÂN DÂN THÀNH PHỐ TAM ĐIỆP",
        issuing_body="HỘI ĐỒNG SÁNG KIẾN",
        number=number,
        suffix=suffix,
        place="Tam Điệp",
        date=d,
        year=2025,
        subject=subject,
    )


def decision_pdf() -> bytes:
    st = get_styles()
    story: list[Flowable] = [
        header_block(header("12", "QĐ-HĐSK", date(2025, 1, 5))),
        *title_block("Quyết định", "Về việc công nhận sáng kiến cấp cơ sở năm 2024"),
        para("HỘI ĐỒNG SÁNG KIẾN THÀNH PHỐ TAM ĐIỆP", st.doc_type),  # collective: signed "TM."
        Spacer(1, 6),
        *basis_lines(
            [
                "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ ban hành Điều lệ Sáng kiến",
                "Căn cứ Thông tư số 18/2013/TT-BKHCN ngày 01/8/2013 của Bộ Khoa học và Công nghệ",
                "Theo đề nghị của Thường trực Hội đồng Sáng kiến.",
            ]
        ),
        para("QUYẾT ĐỊNH:", st.doc_type),
        Spacer(1, 6),
        para(
            [
                Run("Điều 1. ", bold=True),
                "Công nhận 05 sáng kiến cấp cơ sở năm 2024 (có danh sách kèm theo). Mức thưởng sáng kiến "
                f"loại A: {money_phrase(2_000_000)}; loại B: {money_phrase(1_000_000)}.",
            ],
            st.body,
        ),
        para(
            [
                Run("Điều 2. ", bold=True),
                "Quyết định có hiệu lực kể từ ngày ký. Nguồn kinh phí chi thưởng được bố trí từ dự toán ngân "
                "sách năm 2025 của đơn vị; ghi chú thử các chữ đặc biệt: đường, những, kỹ thuật, sắc, "
                "Hữu Nghị, Mỹ Đức, Hợp tác xã <Tân Tiến> & Cộng sự.",
            ],
            st.body,
        ),
        para(
            [
                Run("Điều 3. ", bold=True),
                "Chánh Văn phòng, Trưởng phòng Kinh tế, Thủ trưởng các đơn vị có liên quan và các cá nhân có "
                "tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
            ],
            st.body,
        ),
        closing_block(
            Signer("CHỦ TỊCH", "Nguyễn Văn Thắng", "TM. HỘI ĐỒNG"),
            ["Như Điều 3", "Chủ tịch UBND thành phố (để b/c)", "Lưu: VT, HĐSK"],
        ),
        *switch_orientation(landscape=True),
        restart_page_numbers(),
        para("DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN", st.doc_type),
        para("(Kèm theo Quyết định số 12/QĐ-HĐSK ngày 05/01/2025 của Hội đồng Sáng kiến)", st.subtitle),
        Spacer(1, 8),
        column_table(
            [
                Column("TT", 3, center=True),
                Column("Tên sáng kiến", 20),
                Column("Tác giả", 10),
                Column("Đơn vị", 10),
                Column("Điểm bình quân", 5, numeric=True),
                Column("Xếp loại", 4, center=True),
                Column("Tiền thưởng (đồng)", 6, numeric=True),
            ],
            [
                [
                    str(i + 1),
                    TITLES[i % 5],
                    PEOPLE[i % 5],
                    UNITS[i % 5],
                    "85,50",
                    "A",
                    format_money(2_000_000),
                ]
                for i in range(30)
            ],
            frame_width(landscape=True),
        ),
    ]
    return build_pdf(story, title="Quyết định công nhận sáng kiến", author="Hội đồng Sáng kiến")


def minutes_pdf() -> bytes:
    st = get_styles()
    story: list[Flowable] = [
        header_block(header(None, "BB-HĐSK", None, subject="V/v họp xét công nhận sáng kiến đợt 1 năm 2025")),
        *title_block("Biên bản", "Họp Hội đồng Sáng kiến xét công nhận sáng kiến đợt 1 năm 2025"),
        para("Thời gian bắt đầu: 08 giờ 00 phút, ngày 10 tháng 4 năm 2025.", st.body),
        para("Địa điểm: Phòng họp tầng 2, trụ sở Ủy ban nhân dân thành phố.", st.body),
        para("Cuộc họp kết thúc vào 11 giờ 30 phút cùng ngày./.", st.body),
        two_signatures(
            Signer("THƯ KÝ", "Lê Thị Mỹ Hạnh"),
            Signer("CHỦ TỊCH", "Nguyễn Văn Thắng", "TM. HỘI ĐỒNG"),
        ),
    ]
    return build_pdf(story, title="Biên bản họp Hội đồng Sáng kiến")


def table_pdf() -> bytes:
    st = get_styles()
    story: list[Flowable] = [
        header_block(
            HeaderInfo(
                parent_body="",
                issuing_body="ĐƠN VỊ: PHÒNG KINH TẾ",
                number=None,
                suffix="",
                place="Tam Điệp",
                date=None,
                year=2025,
            )
        ),
        para("TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM ÁP DỤNG TẠI ĐƠN VỊ NĂM 2025", st.doc_type),
        Spacer(1, 8),
        column_table(REGISTRATION_COLUMNS, registration_rows(6), frame_width(landscape=True), font_size=11),
        Spacer(1, 10),
        closing_block(Signer("THỦ TRƯỞNG ĐƠN VỊ", note="(Ký, ghi rõ họ tên)")),
    ]
    return build_pdf(story, title="Tổng hợp đăng ký sáng kiến năm 2025", landscape=True)


def registration_xlsx(path: Path) -> None:
    wb, ws = new_workbook("Tổng hợp đăng ký")
    ncols = len(REGISTRATION_COLUMNS)
    set_column_widths(ws, [5, 20, 24, 24, 30, 28, 14, 20, 16])
    row = write_title_block(
        ws,
        header(None, "", None),
        "TỔNG HỢP ĐĂNG KÝ SÁNG KIẾN KINH NGHIỆM ÁP DỤNG TẠI ĐƠN VỊ NĂM 2025",
        "(Kèm theo Văn bản số 1577/UBND-NV ngày 26/7/2024)",
        ncols,
    )
    header_top = row
    row = write_table_header(ws, row, REGISTRATION_COLUMNS)
    first = row
    formats = DEFAULT_FORMATS
    for values in registration_rows(40):
        values[7] = '=HYPERLINK("http://x","y")' if values[0] == "3" else values[7]
        write_row(ws, row, [int(values[0]), *values[1:]], formats=[formats.center, *[formats.text] * 8])
        row += 1
    set_row_heights(ws, first, row - 1)
    row = write_signature_block(
        ws, row + 1, title="THỦ TRƯỞNG ĐƠN VỊ", note="(Ký, ghi rõ họ tên)", ncols=ncols
    )
    setup_print(ws, landscape=True, repeat_rows=f"{header_top}:{first - 1}")
    wb.save(path)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "sample_decision.pdf").write_bytes(decision_pdf())
    (out / "sample_minutes.pdf").write_bytes(minutes_pdf())
    (out / "sample_table.pdf").write_bytes(table_pdf())
    registration_xlsx(out / "sample_registration.xlsx")
    for name in sorted(p.name for p in out.iterdir()):
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
