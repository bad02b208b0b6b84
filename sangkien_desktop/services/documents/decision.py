"""Tờ trình đề nghị công nhận sáng kiến and Quyết định công nhận sáng kiến (NĐ 30, Mẫu 1.3: a decision
approving an attached list), each with its danh sách kèm theo: recognized initiatives by grade, with
authors (and their contributions), units, means and rewards. PDF and .docx.

The council's tờ trình asks the head of the body to recognize the initiatives; the body issues the
decision (``letterhead.Issuer``: its header, its ký hiệu "QĐ-UBND", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"),
citing the tờ trình among its bases, unless the settings give that power to the council. Numbers and dates
are the round's (``Round.submission_no`` …, stored spelled as printed); left blank ("Số:      /QĐ-UBND",
"ngày … tháng … năm 2026") until they are given. Money is written with the council's "linh"/"lẻ" and
"tư"/"bốn" settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from ...domain.money import format_decimal_vn, format_money
from ...domain.text import upper_vn
from ...domain.vndate import long_date, short_date
from ..docspec import Column
from ..pdf import Run
from .blocks import (
    Basis,
    Block,
    Closing,
    Gap,
    Header,
    NewSection,
    TableBlock,
    Text,
    Title,
    render_docx,
    render_pdf,
)
from .common import body_in_sentence, chair_signer, council_title, filing_line, header, money_text, score_text
from .minutes import conclusion_parts, round_phrase
from .round_data import DossierInfo, RoundData

__all__ = [
    "attached_list",
    "decision_blocks",
    "decision_citation",
    "decision_docx",
    "decision_pdf",
    "default_recipient",
    "submission_blocks",
    "submission_citation",
    "submission_docx",
    "submission_pdf",
]

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _citation(doc: str, number: str, suffix: str, day: dt.date | None, year: int) -> str:
    ref = number or f"……/{suffix}"
    return f"{doc} số {ref} ngày {short_date(day) if day else f'……/……/{year}'}"


def decision_citation(data: RoundData) -> str:
    """ "Quyết định số 01/QĐ-UBND ngày 05/6/2026" (dotted blanks while not given)."""
    return _citation("Quyết định", data.decision_no, data.suffix("decision"), data.decision_date, data.year)


def submission_citation(data: RoundData) -> str:
    """ "Tờ trình số 01/TTr-HĐSK ngày 25/5/2026" (dotted blanks while not given)."""
    return _citation(
        "Tờ trình", data.submission_no, data.suffix("submission"), data.submission_date, data.year
    )


def default_recipient(settings: Mapping[str, str]) -> str:
    """Whom the tờ trình is addressed to: "Chủ tịch UBND phường Tam Điệp" (from the head's title and
    the parent body in the settings)."""
    title = (settings.get("head_title") or "Chủ tịch").strip()
    title = title[:1].upper() + title[1:].lower()
    body = body_in_sentence(settings.get("issuing_parent", ""))
    return f"{title} {body}".strip()


def percent(value: Decimal) -> str:
    """A contribution as printed: 60 → "60", 33.5 → "33,5"."""
    if value == value.to_integral():
        return format_decimal_vn(value, 0)
    return format_decimal_vn(value, 2).rstrip("0").rstrip(",")


def authors_text(d: DossierInfo) -> str:
    """One author per line; co-authors with their contribution: "Nguyễn Văn A (60%)"."""
    if len(d.authors) == 1:
        return d.authors[0].name
    return "\n".join(f"{a.name} ({percent(a.contribution)}%)" for a in d.authors)


def attached_list(data: RoundData, *, with_certificates: bool = False) -> TableBlock:
    """The danh sách kèm theo: recognized initiatives grouped by grade, with a total row."""
    columns = [
        Column("TT", 2.6, center=True),
        Column("Tên sáng kiến", 17),
        Column("Tác giả (tỷ lệ đóng góp)", 10),
        Column("Đơn vị", 9),
        Column("Lĩnh vực", 7),
        Column("Điểm bình quân", 4.4, numeric=True),
        Column("Tiền thưởng (đồng)", 5.8, numeric=True),
    ]
    if with_certificates:
        columns.append(Column("Số GCN", 5, center=True))
    ncols = len(columns)
    rows: list[tuple[object, ...]] = []
    groups: list[int] = []
    n = 0
    for i, (code, dossiers) in enumerate(data.by_grade()):
        label = data.grade_label(code)
        head = (
            f"{ROMAN[i] if i < len(ROMAN) else i + 1}. Sáng kiến xếp {label[:1].lower() + label[1:]}"
            if code in {b.code for b in data.bands}
            else f"{ROMAN[i] if i < len(ROMAN) else i + 1}. Sáng kiến được công nhận (không xếp loại thưởng)"
        )
        groups.append(len(rows))
        rows.append((f"{head} ({len(dossiers):02d} sáng kiến)", *[""] * (ncols - 1)))
        for d in dossiers:
            n += 1
            g = data.grades[d.id]
            row: list[object] = [
                str(n),
                d.title,
                authors_text(d),
                d.unit_name,
                d.field,
                score_text(data.mean(d.id)),
                format_money(g.reward) if g.reward else "",
            ]
            if with_certificates:
                nums = [c.number_text for a in d.authors if (c := data.certificate(d.id, a.person_id))]
                row.append("\n".join(nums))
            rows.append(tuple(row))
    if not rows:
        rows.append(
            ("", "Chưa có sáng kiến nào được công nhận (chưa áp dụng xếp loại).", *[""] * (ncols - 2))
        )
    else:
        total = data.total_reward()
        rows.append(
            (
                "",
                Run(f"Tổng cộng: {n:02d} sáng kiến", bold=True),
                "",
                "",
                "",
                "",
                Run(format_money(total), bold=True) if total else "",
                *[""] * (ncols - 7),
            )
        )
    return TableBlock(tuple(columns), tuple(rows), font_size=11.5, group_rows=tuple(groups))  # type: ignore[arg-type]


def _list_title(data: RoundData, heading: str, attached_to: str) -> list[Block]:
    return [
        Text(upper_vn(heading), "heading"),
        Text(attached_to, "subtitle"),
        Gap(8),
        attached_list(data),
    ]


def _results_sentence(data: RoundData) -> str:
    parts = conclusion_parts(data)
    return "; ".join(parts)


# tờ trình -------------------------------------------------------------------------------------------
def submission_blocks(data: RoundData, recipient: str | None = None) -> list[Block]:
    s = data.settings
    council = council_title(s)
    recipient = (recipient or "").strip() or default_recipient(s)
    info = header(
        s, "suffix_submission", number=data.submission_no or None, date=data.submission_date, year=data.year
    )
    recognized = data.recognized()
    considered = data.considered()
    meeting = long_date(data.meeting_on) if data.meeting_on else f"ngày ……  tháng …… năm {data.year}"
    bases = [line for line in (s.get("legal_bases") or "").splitlines() if line.strip()]
    blocks: list[Block] = [
        Header(info),
        Title("Tờ trình", f"Về việc đề nghị công nhận sáng kiến {round_phrase(data)}"),
        Text(f"Kính gửi: {recipient}.", "center"),
        Gap(4),
        *[Text(line.strip().rstrip(";.") + ";") for line in bases],
        Text(
            f"{council} đã tiếp nhận {len(data.dossiers):02d} hồ sơ đề nghị công nhận sáng kiến "
            f"{round_phrase(data)}, trong đó {len(considered):02d} hồ sơ hợp lệ được đưa ra xét. Ngày "
            f"{meeting.removeprefix('ngày ')}, Hội đồng đã họp, chấm điểm và biểu quyết; kết quả: "
            f"{len(recognized):02d} sáng kiến đạt yêu cầu được đề nghị công nhận"
            + (f" ({_results_sentence(data)})." if recognized else ".")
        ),
        Text(
            f"{council} kính đề nghị {recipient} xem xét, quyết định công nhận {len(recognized):02d} sáng "
            f"kiến {round_phrase(data)} (có danh sách kèm theo)"
            + (
                f" và khen thưởng theo quy định với tổng số tiền {money_text(s, data.total_reward())}."
                if data.total_reward()
                else "."
            )
        ),
        Text(f"Kính trình {recipient} xem xét, quyết định./."),
        Closing(chair_signer(s), ("Như trên", filing_line(s))),
        NewSection(landscape=True),
        *_list_title(
            data,
            f"Danh sách sáng kiến đề nghị công nhận {round_phrase(data)}",
            f"(Kèm theo {submission_citation(data)} của {council})",
        ),
    ]
    return blocks


def submission_pdf(data: RoundData, recipient: str | None = None) -> bytes:
    title = f"Tờ trình đề nghị công nhận sáng kiến — {data.label}"
    return render_pdf(submission_blocks(data, recipient), title=title)


def submission_docx(data: RoundData, recipient: str | None = None) -> bytes:
    title = f"Tờ trình đề nghị công nhận sáng kiến — {data.label}"
    return render_docx(submission_blocks(data, recipient), title=title)


# quyết định -----------------------------------------------------------------------------------------
def _decision_bases(data: RoundData) -> list[str]:
    """The căn cứ lines: the settings' legal bases, the council's minutes and, when the body issues the
    decision, the council's tờ trình ("Theo đề nghị của …")."""
    s = data.settings
    council = council_title(s)
    bases = [line for line in (s.get("legal_bases") or "").splitlines() if line.strip()]
    meeting = short_date(data.meeting_on) if data.meeting_on else f"……/……/{data.year}"
    minutes = f" số {data.minutes_no}" if data.minutes_no else ""
    bases.append(f"Căn cứ Biên bản{minutes} ngày {meeting} họp {council}")
    if data.issuer.by_council:
        office = (s.get("standing_office") or "").strip()
        bases.append(f"Theo đề nghị của {office or 'Thường trực Hội đồng'}")
    else:
        bases.append(f"Theo đề nghị của {council} tại {submission_citation(data)}")
    return bases


def _last_article(data: RoundData, number: int) -> Text:
    s = data.settings
    office = (s.get("standing_office") or "").strip()
    doers = [] if data.issuer.by_council else [council_title(s)]
    doers += [office] if office else []
    return Text(
        [
            Run(f"Điều {number}. ", bold=True),
            "Quyết định có hiệu lực kể từ ngày ký. "
            + "".join(f"{d}, " for d in doers)
            + "các đơn vị và cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
        ]
    )


def decision_blocks(data: RoundData) -> list[Block]:
    s = data.settings
    issuer = data.issuer
    info = issuer.header(s, data.decision_no or None, data.decision_date, data.year)
    recognized = data.recognized()
    prized = [part for part in conclusion_parts(data) if "thưởng" in part]
    reward_lines = [f"- {part}{';' if i < len(prized) - 1 else '.'}" for i, part in enumerate(prized)]
    blocks: list[Block] = [
        Header(info),
        Title("Quyết định", f"Về việc công nhận sáng kiến {round_phrase(data)}"),
        Text(issuer.authority_line, "heading"),
        Gap(4),
        Basis(tuple(_decision_bases(data))),
        Text("QUYẾT ĐỊNH:", "heading"),
        Gap(4),
        Text(
            [
                Run("Điều 1. ", bold=True),
                f"Công nhận {len(recognized):02d} sáng kiến {round_phrase(data)} của các tập thể, cá nhân "
                "(có danh sách kèm theo).",
            ]
        ),
    ]
    last = 2
    if data.total_reward():
        blocks.append(Text([Run("Điều 2. ", bold=True), "Khen thưởng các sáng kiến được xếp loại như sau:"]))
        blocks += [Text(line) for line in reward_lines]
        blocks.append(
            Text(
                f"Tổng số tiền thưởng: {money_text(s, data.total_reward())}. Kinh phí khen thưởng chi từ nguồn "
                f"kinh phí thi đua, khen thưởng năm {data.year} theo quy định."
            )
        )
        last = 3
    recipients = (
        (f"Như Điều {last}", f"{default_recipient(s)} (để b/c)", filing_line(s))
        if issuer.by_council
        else (f"Như Điều {last}", filing_line(s))
    )
    blocks += [
        _last_article(data, last),
        Closing(issuer.signer, recipients),
        NewSection(landscape=True),
        *_list_title(
            data,
            f"Danh sách sáng kiến được công nhận {round_phrase(data)}",
            f"(Kèm theo {decision_citation(data)} của {issuer.in_sentence})",
        ),
    ]
    return blocks


def decision_pdf(data: RoundData) -> bytes:
    return render_pdf(decision_blocks(data), title=f"Quyết định công nhận sáng kiến — {data.label}")


def decision_docx(data: RoundData) -> bytes:
    return render_docx(decision_blocks(data), title=f"Quyết định công nhận sáng kiến — {data.label}")
