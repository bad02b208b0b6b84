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
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from ..domain.agency import body_in_sentence, spelled_out
from ..domain.settings_schema import SPECS, legal_basis_lines
from ..domain.text import one_line, upper_vn
from ..services.docspec import HeaderInfo, Signer
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


def head_signer_from(values: Mapping[str, str]) -> Signer:
    """The body's signature on its decision: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / name", or with a deputy
    signing (``head_signs`` = "deputy") "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name"."""
    authority = values.get("head_authority", "").strip()
    title = values.get("head_title", "").strip() or "CHỦ TỊCH"
    if values.get("head_signs") == "deputy":
        lines = [x for x in (authority, f"KT. {title}") if x]
        return Signer(values.get("deputy_title", "").strip(), values.get("deputy_name", ""), "\n".join(lines))
    return Signer(title, values.get("head_name", ""), authority)


@dataclass(frozen=True)
class Issuer:
    """Who issues the decision recognizing initiatives, and signs their certificates.

    By default the body (``issuing_parent``, spelled out: "ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP") on the
    council's tờ trình, numbered in the body's series (``suffix_decision_body``, "QĐ-UBND") and signed by
    its head; with ``decision_issuer`` = "council" the council itself (its header, "QĐ-HĐSK", its chair).
    NĐ 30: "TM." goes with a collective body, so the authority line above the căn cứ names the body when
    the signature reads "TM. …", and the person ("CHỦ TỊCH ỦY BAN NHÂN DÂN …") when it does not."""

    by_council: bool
    header_parent: str  # upright line of the header ("" when none)
    header_body: str  # bold line of the header
    suffix_key: str  # the ký hiệu setting of the decision
    authority_line: str  # in capitals under the trích yếu: "ỦY BAN NHÂN DÂN PHƯỜNG TAM ĐIỆP"
    in_sentence: str  # "Ủy ban nhân dân phường Tam Điệp": "(Kèm theo Quyết định số … của …)"
    signer: Signer

    def header(
        self, values: Mapping[str, str], number: str | None, date: dt.date | None, year: int
    ) -> HeaderInfo:
        return HeaderInfo(
            parent_body=self.header_parent,
            issuing_body=self.header_body,
            number=number,
            suffix=values.get(self.suffix_key, SPECS[self.suffix_key].default),
            place=values.get("place_name", ""),
            date=date,
            year=year,
        )


def _capitalised(text: str) -> str:
    text = one_line(text)
    return text[:1].upper() + text[1:].lower()


def issuer_from(values: Mapping[str, str]) -> Issuer:
    """The decision's issuer as the settings say (see :class:`Issuer`)."""
    if values.get("decision_issuer") == "council":
        council = one_line(values.get("council_name", "")) or "Hội đồng Sáng kiến"
        signer = signer_from(values, "chair")
        collective = signer.authority.strip().startswith("TM.")
        title = signer.title.strip() or "CHỦ TỊCH"
        return Issuer(
            by_council=True,
            header_parent=values.get("issuing_parent", ""),
            header_body=values.get("issuing_body", ""),
            suffix_key="suffix_decision",
            authority_line=upper_vn(council if collective else f"{title} {council}"),
            in_sentence=council if collective else f"{_capitalised(title)} {council}",
            signer=signer,
        )
    body = spelled_out(values.get("issuing_parent", "")) or upper_vn(values.get("issuing_body", ""))
    signer = head_signer_from(values)
    collective = values.get("head_authority", "").strip().startswith("TM.")
    title = values.get("head_title", "").strip() or "CHỦ TỊCH"
    sentence = body_in_sentence(body.replace("\n", " "))
    return Issuer(
        by_council=False,
        header_parent=values.get("body_parent", ""),
        header_body=body,
        suffix_key="suffix_decision_body",
        authority_line=(body if collective else f"{title} {body}").replace("\n", " "),
        in_sentence=sentence if collective else f"{_capitalised(title)} {sentence}",
        signer=signer,
    )


def filing_line(values: Mapping[str, str]) -> str:
    """The last "Nơi nhận" line: "Lưu: VT, <cơ quan thường trực>"."""
    office = values.get("standing_office", "").strip()
    return f"Lưu: VT, {office}" if office else "Lưu: VT"
