"""PDF documents with reportlab: fonts, styles, the NĐ 30 blocks and the page builder.

Typical use::

    from sangkien_desktop.services.pdf import (
        HeaderInfo, Signer, build_pdf, closing_block, header_block, para, get_styles, title_block,
    )

    st = get_styles()
    story = [
        header_block(info),
        *title_block("QUYẾT ĐỊNH", "Về việc công nhận sáng kiến năm 2025"),
        para("Điều 1. …", st.body),
        closing_block(Signer("CHỦ TỊCH", "Nguyễn Văn A", "TM. HỘI ĐỒNG"), ["Như Điều 3", "Lưu: VT"]),
    ]
    pdf_bytes = build_pdf(story, title="Quyết định công nhận sáng kiến")
"""

from sangkien_desktop.services.docspec import Column, HeaderGrid, HeaderInfo, header_grid

from .document import (
    LANDSCAPE_MARGINS,
    PORTRAIT_MARGINS,
    Margins,
    build_pdf,
    column_table,
    data_table,
    frame_size,
    frame_width,
    restart_page_numbers,
    scale_widths,
    switch_orientation,
)
from .fonts import register_fonts, text_width
from .nd30 import (
    HRule,
    Signer,
    basis_lines,
    closing_block,
    header_block,
    recipients_block,
    signature_block,
    signature_lines,
    title_block,
    two_signatures,
)
from .styles import Run, cell_styles, get_styles, markup, para

__all__ = [
    "LANDSCAPE_MARGINS",
    "PORTRAIT_MARGINS",
    "Column",
    "HRule",
    "HeaderGrid",
    "HeaderInfo",
    "Margins",
    "Run",
    "Signer",
    "basis_lines",
    "build_pdf",
    "cell_styles",
    "closing_block",
    "column_table",
    "data_table",
    "frame_size",
    "frame_width",
    "get_styles",
    "header_block",
    "header_grid",
    "markup",
    "para",
    "recipients_block",
    "register_fonts",
    "restart_page_numbers",
    "scale_widths",
    "signature_block",
    "signature_lines",
    "switch_orientation",
    "text_width",
    "title_block",
    "two_signatures",
]
