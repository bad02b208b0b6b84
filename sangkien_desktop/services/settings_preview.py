"""The Cài đặt page's preview: the top and bottom of a decision exactly as the council's documents print
them (same NĐ 30 blocks, same letterhead mapping), from values that may not be saved yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..domain.text import upper_vn
from .letterhead import filing_line, header_from, legal_bases_from, signer_from
from .pdf import Run, basis_lines, build_pdf, closing_block, get_styles, header_block, para, title_block


def preview_pdf(
    values: Mapping[str, str], *, date: dt.date | None = None, number: int | None = None
) -> bytes:
    """A one-page sample decision: header, title, căn cứ, one article, signature and Nơi nhận."""
    st = get_styles()
    year = date.year if date else dt.date.today().year
    council = values.get("council_name", "").strip() or "Hội đồng Sáng kiến"
    story = [
        header_block(header_from(values, "suffix_decision", number, date, year=year)),
        *title_block("QUYẾT ĐỊNH", f"Về việc công nhận sáng kiến năm {year}"),
        para(upper_vn(f"{values.get('chair_title', '') or 'CHỦ TỊCH'} {council}"), st.doc_type),
    ]
    bases = legal_bases_from(values)
    story += basis_lines(bases) if bases else [para("(Chưa có căn cứ pháp lý trong cài đặt.)", st.note)]
    story += [
        para(Run("QUYẾT ĐỊNH:", bold=True), st.body_center),
        para(
            [Run("Điều 1. ", bold=True), f"Công nhận sáng kiến năm {year} (có danh sách kèm theo)."], st.body
        ),
        para([Run("Điều 2. ", bold=True), "Quyết định có hiệu lực kể từ ngày ký."], st.body),
        closing_block(signer_from(values, "chair"), ["Như Điều 2", filing_line(values)]),
    ]
    return build_pdf(story, title=f"Xem trước tiêu đề văn bản — {council}", invariant=True)
