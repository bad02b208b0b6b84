"""What every document takes from the council's settings: signers, money wording, names, file names.

Settings keys are declared in ``domain.settings_schema``; the header block itself is built by
``services.docspec.HeaderInfo.from_settings`` and drawn by ``services.pdf`` / ``services.xlsx`` /
:mod:`.docx_writer`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from ...domain.agency import body_in_sentence
from ...domain.money import format_decimal_vn, money_phrase
from ...domain.text import fold_words, one_line
from .. import letterhead
from ..docspec import HeaderInfo, Signer
from ..output import write_document

__all__ = [
    "ProgressFn",
    "body_in_sentence",
    "chair_signer",
    "council_title",
    "filing_line",
    "head_signer",
    "header",
    "money_text",
    "score_text",
    "secretary_signer",
    "slug",
    "write_file",
]

ProgressFn = Callable[[int, int, str], None]
"""``progress(done, total, text)``: called by long producers (certificates); may raise to cancel."""


def money_text(settings: Mapping[str, str], amount: int) -> str:
    """ "2.000.000 đồng (Hai triệu đồng)" with the council's "linh"/"lẻ" and "tư"/"bốn" settings."""
    return money_phrase(
        int(amount),
        zero_ten=settings.get("money_zero_ten") or "linh",
        four=settings.get("money_four") or "tư",
    )


def score_text(value: Decimal | None, places: int = 2) -> str:
    """A score as printed: "85,50"; "" for None."""
    return "" if value is None else format_decimal_vn(value, places)


def header(
    settings: Mapping[str, str],
    suffix_key: str | None,
    *,
    number: str | None = None,
    date: dt.date | None = None,
    year: int | None = None,
) -> HeaderInfo:
    """The NĐ 30 header from the settings (``services.letterhead``): ``suffix_key`` names the ký hiệu
    setting ("suffix_minutes" …); None gives a form without a "Số:" line (score sheets, tables)."""
    if suffix_key is None:
        info = letterhead.header_from(settings, "suffix_report", None, date, year=year)
        return dataclasses.replace(info, show_number=False)
    return letterhead.header_from(settings, suffix_key, number, date, year=year)


def chair_signer(settings: Mapping[str, str], note: str = "") -> Signer:
    """ "TM. HỘI ĐỒNG / CHỦ TỊCH / <name>" from the settings."""
    return letterhead.signer_from(settings, "chair", note=note)


def secretary_signer(settings: Mapping[str, str], note: str = "") -> Signer:
    return letterhead.signer_from(settings, "secretary", note=note)


def head_signer(settings: Mapping[str, str]) -> Signer:
    return letterhead.signer_from(settings, "head")


def filing_line(settings: Mapping[str, str]) -> str:
    """ "Lưu: VT, <cơ quan thường trực>": the last "Nơi nhận" line."""
    return letterhead.filing_line(settings)


def council_title(settings: Mapping[str, str]) -> str:
    """The council's name as written in a sentence: "Hội đồng Sáng kiến phường Tam Điệp"."""
    return one_line(settings.get("council_name", "")) or "Hội đồng Sáng kiến"


def slug(text: str, limit: int = 60) -> str:
    """An ASCII file-name part: "Đợt 1 năm 2026" → "dot-1-nam-2026"."""
    value = "-".join(fold_words(text))
    value = re.sub(r"-+", "-", value).strip("-")
    return value[:limit].rstrip("-") or "van-ban"


def write_file(path: Path, data: bytes) -> None:
    """Write a produced document through :func:`services.output.write_document` (atomic, same folder)."""
    write_document(path, data)
