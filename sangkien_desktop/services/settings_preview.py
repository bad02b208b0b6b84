"""The Cài đặt page's preview: the top and bottom of the council's documents exactly as they print (same
NĐ 30 blocks, same letterhead mapping), from values that may not be saved yet. Both blocks are shown:

- the decision recognizing initiatives, as its issuer prints it (by default the body: "ỦY BAN NHÂN DÂN
  PHƯỜNG …", "Số: …/QĐ-UBND", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"; or the council when the settings say so);
- a document of the council itself (the tờ trình): its header and "TM. HỘI ĐỒNG / CHỦ TỊCH".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ..domain.text import upper_vn
from .letterhead import filing_line, header_from, issuer_from, legal_bases_from, signer_from
from .pdf import Run, basis_lines, build_pdf, closing_block, get_styles, header_block, para, title_block
from .pdf.nd30 import HRule


def _decision(
    values: Mapping[str, str], year: int, date: dt.date | None, number: int | None
) -> list[Flowable]:
    st = get_styles()
    issuer = issuer_from(values)
    council = values.get("council_name", "").strip() or "Hội đồng Sáng kiến"
    bases = legal_bases_from(values)
    if not issuer.by_council:
        bases.append(f"Theo đề nghị của {council} tại Tờ trình số ……/{values.get('suffix_submission', '')}.")
    story: list[Flowable] = [
        header_block(issuer.header(values, None if number is None else str(number), date, year)),
        *title_block("QUYẾT ĐỊNH", f"Về việc công nhận sáng kiến năm {year}"),
        para(issuer.authority_line, st.doc_type),
    ]
    story += basis_lines(bases) if bases else [para("(Chưa có căn cứ pháp lý trong cài đặt.)", st.note)]
    story += [
        para(Run("QUYẾT ĐỊNH:", bold=True), st.body_center),
        para(
            [Run("Điều 1. ", bold=True), f"Công nhận sáng kiến năm {year} (có danh sách kèm theo)."], st.body
        ),
        para([Run("Điều 2. ", bold=True), "Quyết định có hiệu lực kể từ ngày ký./."], st.body),
        closing_block(issuer.signer, ["Như Điều 2", filing_line(values)]),
    ]
    return story


def _council_document(values: Mapping[str, str], year: int, date: dt.date | None) -> list[Flowable]:
    st = get_styles()
    council = values.get("council_name", "").strip() or "Hội đồng Sáng kiến"
    return [
        para(f"Văn bản của {council} (tờ trình, biên bản):", st.note),
        Spacer(1, 4),
        header_block(header_from(values, "suffix_submission", None, date, year=year)),
        Spacer(1, 6),
        # room to sign shortened so that both samples fit on the page shown in the Cài đặt page
        closing_block(signer_from(values, "chair"), ["Như trên", filing_line(values)], sign_space=12 * mm),
    ]


def preview_pdf(
    values: Mapping[str, str], *, date: dt.date | None = None, number: int | None = None
) -> bytes:
    """A one-page sample: the decision as its issuer prints it, then the header and signature of a
    document of the council (the tờ trình)."""
    year = date.year if date else dt.date.today().year
    council = values.get("council_name", "").strip() or "Hội đồng Sáng kiến"
    story = [
        *_decision(values, year, date, number),
        HRule(1e6, space_before=4, space_after=6),
        *_council_document(values, year, date),
    ]
    return build_pdf(story, title=f"Xem trước tiêu đề văn bản — {upper_vn(council)}", invariant=True)
