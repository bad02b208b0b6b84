"""THE mapping from the council's settings to what every document prints at its top and bottom.

Every document renderer gets its NĐ 30 header, its căn cứ lines and its signers here, so a change on the
Cài đặt page (issuing body, place name, ký hiệu, signers) shows on the next document printed::

    from sangkien_desktop.services import letterhead
    from sangkien_desktop.services.pdf import basis_lines, closing_block, header_block

    with db.reading() as session:
        info = letterhead.header_info(session, "suffix_decision", number=None, date=decision_date)
        bases = letterhead.legal_bases(session)
        chair = letterhead.signer(session, "chair")
    story = [header_block(info), ..., *basis_lines(bases), ..., closing_block(chair, ["Như Điều 3", "Lưu: VT"])]

``number`` None prints "Số:      /QĐ-HĐSK" for the văn thư to fill in; to number automatically when the council
chose it, pass ``numbering.number_for_document(session, year, "QD")``. The functions ending in ``_from`` take a
settings mapping instead of a session (the Cài đặt page previews values not saved yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from sqlalchemy.orm import Session

from ..domain.settings_schema import SPECS, legal_basis_lines
from ..services.docspec import HeaderInfo
from ..services.pdf.nd30 import Signer
from . import settings as settings_service

Role = Literal["chair", "secretary", "head"]


def header_info(
    session: Session,
    suffix_key: str = "suffix_decision",
    number: int | str | None = None,
    date: dt.date | None = None,
    *,
    year: int | None = None,
    subject: str | None = None,
) -> HeaderInfo:
    """The NĐ 30 header of a document: issuing bodies and place from the settings, the ký hiệu named by
    ``suffix_key`` ("suffix_decision", "suffix_minutes", "suffix_submission", "suffix_receipt",
    "suffix_notice", "suffix_report"). With neither ``date`` nor ``year``, the current year is printed
    under a blank day and month."""
    return header_from(settings_service.load(session), suffix_key, number, date, year=year, subject=subject)


def header_from(
    values: Mapping[str, str],
    suffix_key: str = "suffix_decision",
    number: int | str | None = None,
    date: dt.date | None = None,
    *,
    year: int | None = None,
    subject: str | None = None,
) -> HeaderInfo:
    if suffix_key not in SPECS or not SPECS[suffix_key].suffix:
        raise KeyError(f"{suffix_key!r} is not a document suffix setting")
    if year is None and date is None:
        year = dt.date.today().year
    return HeaderInfo.from_settings(
        values,
        suffix=values.get(suffix_key, SPECS[suffix_key].default),
        number=None if number is None else str(number),
        date=date,
        year=year,
        subject=subject,
    )


def unnumbered_header_from(
    values: Mapping[str, str], date: dt.date | None = None, *, year: int | None = None
) -> HeaderInfo:
    """The header of a list or report that carries no "Số:" line (sổ tiếp nhận, đối chiếu, bảng tổng hợp)."""
    if year is None and date is None:
        year = dt.date.today().year
    return HeaderInfo.from_settings(values, suffix="", date=date, year=year, show_number=False)


def legal_bases(session: Session) -> list[str]:
    """The căn cứ lines of the settings, each ending ";" and the last "." (empty list when none)."""
    return legal_bases_from(settings_service.load(session))


def legal_bases_from(values: Mapping[str, str]) -> list[str]:
    return legal_basis_lines(values.get("legal_bases", ""))


def signer(session: Session, role: Role = "chair", *, note: str = "") -> Signer:
    """Who signs for the council ("chair": TM. HỘI ĐỒNG / CHỦ TỊCH), writes the minutes ("secretary") or
    signs for the agency ("head": TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH), as set on the Cài đặt page."""
    return signer_from(settings_service.load(session), role, note=note)


def signer_from(values: Mapping[str, str], role: Role = "chair", *, note: str = "") -> Signer:
    if role == "chair":
        return Signer(
            values.get("chair_title", ""),
            values.get("chair_name", ""),
            values.get("chair_authority", ""),
            note,
        )
    if role == "secretary":
        return Signer(values.get("secretary_title", ""), values.get("secretary_name", ""), "", note)
    if role == "head":
        return Signer(
            values.get("head_title", ""), values.get("head_name", ""), values.get("head_authority", ""), note
        )
    raise KeyError(f"unknown signer role {role!r}")


def filing_line(values: Mapping[str, str]) -> str:
    """The last "Nơi nhận" line: "Lưu: VT, <cơ quan thường trực>"."""
    office = values.get("standing_office", "").strip()
    return f"Lưu: VT, {office}" if office else "Lưu: VT"
