"""Biên bản họp Hội đồng (NĐ 30, Mẫu 1.9), prefilled from the round: date, members present, quorum,
results and votes, conclusion. PDF, and .docx for the secretary to edit before signing.

What the database does not know (start and end time, meeting room, names of absent members) is left as
dotted blanks to fill in by hand or in Word.
"""

from __future__ import annotations

from ...domain.vndate import long_date
from ..docspec import Column
from ..pdf import Run, Signer
from .blocks import Block, Gap, Header, Signatures, TableBlock, Text, Title, render_docx, render_pdf
from .common import council_title, header, money_text, score_text
from .round_data import RoundData

__all__ = ["minutes_blocks", "minutes_docx", "minutes_pdf"]

DOTS = "……"


def round_phrase(data: RoundData) -> str:
    """ "đợt 1 năm 2026" (the round's label as written inside a sentence)."""
    label = data.label
    return label[:1].lower() + label[1:] if label.startswith("Đợt") else label


def _n(value: int) -> str:
    return f"{value:02d}"


def results_table(data: RoundData, *, font_size: float = 12) -> TableBlock:
    """Dossiers put to the council with mean, grade and vote, by rank."""
    columns = (
        Column("TT", 2.9, center=True),
        Column("Tên sáng kiến", 15),
        Column("Tác giả", 8),
        Column("Đơn vị", 8),
        Column("Điểm bình quân", 4.2, numeric=True),
        Column("Xếp loại", 4.2, center=True),
        Column("Biểu quyết tán thành", 4.8, center=True),
    )
    rows: list[tuple[str, ...]] = []
    for n, d in enumerate(data.ranked(), start=1):
        g = data.grades.get(d.id)
        vote = data.votes.get(d.id)
        rows.append(
            (
                str(n),
                d.title,
                d.author_names,
                d.unit_name,
                score_text(data.mean(d.id)),
                g.grade if g is not None else "",
                vote.text if vote is not None else "",
            )
        )
    if not rows:
        rows.append(("", "Chưa có hồ sơ nào được đưa ra xét.", "", "", "", "", ""))
    return TableBlock(columns, tuple(rows), font_size=font_size)


def conclusion_parts(data: RoundData) -> list[str]:
    """ "Loại A: 05 sáng kiến (mỗi sáng kiến thưởng 2.000.000 đồng (Hai triệu đồng))" …"""
    parts: list[str] = []
    for gc in data.grade_counts():
        text = f"{gc.label}: {_n(gc.count)} sáng kiến"
        if gc.reward_each:
            text += f", mỗi sáng kiến thưởng {money_text(data.settings, gc.reward_each)}"
        parts.append(text)
    return parts


def _named(salutation: str, name: str) -> str:
    """ "Ông Nguyễn Văn A"; the name alone when the gender is not known."""
    return f"{salutation} {name}" if salutation else name


def minutes_blocks(data: RoundData) -> list[Block]:
    s = data.settings
    council = council_title(s)
    info = header(s, "suffix_minutes", number=data.minutes_no or None, date=data.meeting_on, year=data.year)
    members = data.active_members
    present = data.present_count()
    quorum = data.quorum_needed()
    chair = next((m for m in members if m.role.value == "chu_tich"), None)
    secretary = next((m for m in members if m.role.value == "uy_vien_thu_ky"), None)
    chair_name = chair.name if chair else s.get("chair_name", "") or DOTS
    secretary_name = secretary.name if secretary else s.get("secretary_name", "") or DOTS
    chair_hello = f"{chair.salutation} " if chair and chair.salutation else ""
    secretary_hello = f"{secretary.salutation} " if secretary and secretary.salutation else ""
    day = long_date(data.meeting_on) if data.meeting_on else f"ngày {DOTS} tháng {DOTS} năm {data.year}"
    considered = data.considered()
    received = len(data.dossiers)
    blocks: list[Block] = [
        Header(info),
        Title("Biên bản", f"Họp {council} xét công nhận sáng kiến {round_phrase(data)}"),
        Text(f"Thời gian bắt đầu: {DOTS} giờ {DOTS} phút, {day}."),
        Text(f"Địa điểm: {DOTS}{DOTS}{DOTS}{DOTS}{DOTS}{DOTS}"),
        Text(Run("Thành phần tham dự:", bold=True)),
    ]
    for i, m in enumerate(members):
        job = f", {m.job_title}" if m.job_title else ""
        end = ";" if i < len(members) - 1 else "."
        blocks.append(Text(f"- {_named(m.salutation, m.name)}{job}, {m.role_label} Hội đồng{end}", "left"))
    if present >= len(members):
        attendance = f"Có mặt: {_n(present)}/{_n(len(members))} thành viên Hội đồng."
    else:
        attendance = (
            f"Có mặt: {_n(present)}/{_n(len(members))} thành viên Hội đồng; vắng mặt: {DOTS}{DOTS}{DOTS} "
            "(lý do: " + DOTS + ")."
        )
    blocks.append(Text(attendance))
    if present >= quorum:
        blocks.append(
            Text(
                f"Số thành viên có mặt bảo đảm điều kiện để Hội đồng họp (tối thiểu {_n(quorum)} thành viên)."
            )
        )
    else:
        blocks.append(
            Text(
                f"Số thành viên có mặt chưa đủ điều kiện để Hội đồng họp (cần tối thiểu {_n(quorum)} thành viên)."
            )
        )
    blocks += [
        Text(["Chủ trì: " + chair_hello, Run(chair_name, bold=True), ", Chủ tịch Hội đồng."]),
        Text(["Thư ký: " + secretary_hello, Run(secretary_name, bold=True), ", Ủy viên thư ký Hội đồng."]),
        Text("NỘI DUNG CUỘC HỌP", "heading"),
        Text(
            [
                Run("1. Báo cáo tiếp nhận hồ sơ. ", bold=True),
                f"Thư ký Hội đồng báo cáo: {round_phrase(data)} tiếp nhận {_n(received)} hồ sơ đề nghị công "
                f"nhận sáng kiến; {_n(len(considered))} hồ sơ hợp lệ được đưa ra xét"
                + (
                    f"; {_n(received - len(considered))} hồ sơ không đưa ra xét (thiếu, không hợp lệ hoặc rút)."
                    if received > len(considered)
                    else "."
                ),
            ]
        ),
    ]
    crit = "; ".join(f"{c.name} (tối đa {score_text(c.max_points, 0)} điểm)" for c in data.criteria)
    blocks.append(
        Text(
            [
                Run("2. Chấm điểm. ", bold=True),
                f"Các thành viên Hội đồng chấm điểm độc lập theo {_n(len(data.criteria))} tiêu chí: {crit}. "
                "Điểm của mỗi sáng kiến là bình quân tổng điểm của các thành viên chấm, lấy hai chữ số thập "
                f"phân. Sáng kiến được công nhận khi có từ {data.approval_numerator}/{data.approval_denominator} "
                "số thành viên Hội đồng trở lên biểu quyết tán thành.",
            ]
        )
    )
    blocks.append(
        Text(
            [
                Run("3. Kết quả chấm điểm và biểu quyết ", bold=True),
                "(xếp theo điểm bình quân từ cao xuống thấp):",
            ]
        )
    )
    blocks.append(results_table(data, font_size=12))
    ties = [d for d in data.ranked() if d.id in data.grades and data.grades[d.id].tie]
    if ties:
        notes = "; ".join(
            f"{d.code} ({score_text(data.mean(d.id))} điểm)"
            + (f": {data.grades[d.id].council_note}" if data.grades[d.id].council_note else "")
            for d in ties
        )
        blocks.append(
            Text(f"Các hồ sơ đồng điểm ở ranh giới số suất của một loại, Hội đồng đã xem xét: {notes}.")
        )
    recognized = data.recognized()
    if data.graded:
        not_recognized = len(
            [d for d in considered if d.id in data.grades and not data.grades[d.id].recognized]
        )
        text = (
            f"Hội đồng thống nhất đề nghị công nhận {_n(len(recognized))} sáng kiến {round_phrase(data)}"
            + (", trong đó: " + "; ".join(conclusion_parts(data)) if recognized else "")
            + f". Không công nhận {_n(not_recognized)} sáng kiến."
        )
        if data.total_reward():
            text += f" Tổng số tiền thưởng đề nghị: {money_text(s, data.total_reward())}."
    else:
        text = (
            "Hội đồng chưa áp dụng xếp loại; kết luận về số sáng kiến được công nhận và mức thưởng: "
            f"{DOTS}{DOTS}{DOTS}{DOTS}"
        )
    blocks += [
        Text([Run("4. Kết luận. ", bold=True), text]),
        Text(
            f"Cuộc họp kết thúc vào {DOTS} giờ {DOTS} phút cùng ngày. Biên bản được đọc lại cho các thành viên "
            "dự họp cùng nghe và thống nhất thông qua./."
        ),
        Gap(6),
        Signatures(
            Signer("THƯ KÝ", secretary_name if secretary_name != DOTS else ""),
            Signer("CHỦ TỌA", chair_name if chair_name != DOTS else ""),
        ),
    ]
    return blocks


def _title(data: RoundData) -> str:
    return f"Biên bản họp Hội đồng — {data.label}"


def minutes_pdf(data: RoundData) -> bytes:
    return render_pdf(minutes_blocks(data), title=_title(data))


def minutes_docx(data: RoundData) -> bytes:
    return render_docx(minutes_blocks(data), title=_title(data))
