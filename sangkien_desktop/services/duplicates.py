"""Duplicate warnings: does a registration resemble an initiative already registered (any year) or
recognized (a dossier graded A/B/C/CN)?

Titles are compared on folded text (accents, case and đ removed), with common abbreviations unified and
the boilerplate of Vietnamese titles ("Một số biện pháp nâng cao chất lượng …") weighed less, so two
titles that share only the boilerplate do not look alike. When both sides have a content description and
it is closer than the titles, it raises the score (a quarter weight); it never lowers it. The secretary can mark a registration "không trùng".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.text import fold_key, one_line
from ..models import Dossier, GradeResult, Registration, Unit

DEFAULT_THRESHOLD = 85.0
RECOGNIZED_GRADES = ("A", "B", "C", "CN")

_ABBREVIATIONS = (
    ("uy ban nhan dan", "ubnd"),
    ("hoi dong nhan dan", "hdnd"),
    ("cong nghe thong tin", "cntt"),
    ("trung hoc co so", "thcs"),
    ("mot cua", "1 cua"),
    ("chuyen doi so", "cds"),
)
_BOILERPLATE = (
    "mot so bien phap",
    "mot so giai phap",
    "mot so kinh nghiem",
    "kinh nghiem",
    "giai phap",
    "bien phap",
    "sang kien",
    "nang cao",
    "chat luong",
    "hieu qua",
    "cong tac",
    "day hoc",
    "hoc sinh",
    "mon",
)
_STOP_WORDS = frozenset(
    ["tai", "trong", "cho", "va", "voi", "ve", "nham", "qua", "theo", "cac", "nhung", "tren", "o"]
)


def normalise(text: str) -> str:
    """Folded text with abbreviations unified."""
    key = f" {fold_key(text)} "
    for long, short in _ABBREVIATIONS:
        key = key.replace(f" {long} ", f" {short} ")
    return key.strip()


def core_words(key: str) -> str:
    """A normalised title without its boilerplate: what the initiative is actually about."""
    key = f" {key} "
    for phrase in _BOILERPLATE:
        key = key.replace(f" {phrase} ", " ")
    return " ".join(w for w in key.split() if w not in _STOP_WORDS)


def title_similarity(a: str, b: str) -> float:
    """0 … 100 for two normalised titles."""
    if not a or not b:
        return 0.0
    whole = (fuzz.token_sort_ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2
    ca, cb = core_words(a), core_words(b)
    if not ca or not cb:
        return whole
    core = (fuzz.token_sort_ratio(ca, cb) + fuzz.ratio(ca, cb)) / 2
    return 0.4 * whole + 0.6 * core


def content_similarity(a: str, b: str) -> float | None:
    if len(a) < 20 or len(b) < 20:
        return None
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


@dataclass(frozen=True)
class Known:
    """An initiative to compare against."""

    kind: str  # "registration" | "recognized"
    ref_id: int
    year: int
    unit_name: str
    title: str
    title_norm: str
    content_norm: str
    grade: str = ""
    code: str = ""
    unit_id: int | None = None


@dataclass(frozen=True)
class DuplicateMatch:
    kind: str
    ref_id: int
    year: int
    unit_name: str
    title: str
    score: float  # 0 … 100, one decimal
    grade: str = ""
    code: str = ""

    @property
    def label(self) -> str:
        what = f"đã công nhận ({self.grade})" if self.kind == "recognized" else "đã đăng ký"
        return f"{self.title} — {self.unit_name}, {what} năm {self.year} ({self.score:.0f}%)"

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.ref_id,
            "year": self.year,
            "unit": self.unit_name,
            "title": self.title,
            "score": self.score,
            "grade": self.grade,
            "code": self.code,
        }


class DuplicateIndex:
    """Everything registered or recognized, ready to be compared with a title quickly."""

    def __init__(self, known: Iterable[Known]) -> None:
        self.known = list(known)
        self._titles = [k.title_norm for k in self.known]

    @classmethod
    def load(cls, session: Session) -> DuplicateIndex:
        known: list[Known] = []
        regs = session.execute(
            select(
                Registration.id,
                Registration.year,
                Unit.name,
                Registration.title,
                Registration.content,
                Registration.unit_id,
            ).join(Unit, Unit.id == Registration.unit_id)
        )
        for reg_id, year, unit_name, title, content, unit_id in regs:
            known.append(
                Known(
                    "registration",
                    reg_id,
                    year,
                    unit_name,
                    one_line(title),
                    normalise(title),
                    normalise(content or ""),
                    unit_id=unit_id,
                )
            )
        dossiers = session.execute(
            select(
                Dossier.id,
                Dossier.year,
                Unit.name,
                Dossier.title,
                Dossier.summary,
                GradeResult.grade,
                Dossier.receipt_no,
                Dossier.registration_id,
                Dossier.unit_id,
            )
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .join(Unit, Unit.id == Dossier.unit_id)
            .where(GradeResult.grade.in_(RECOGNIZED_GRADES))
        )
        for d_id, year, unit_name, title, summary, grade, receipt_no, _reg_id, unit_id in dossiers:
            known.append(
                Known(
                    "recognized",
                    d_id,
                    year,
                    unit_name,
                    one_line(title),
                    normalise(title),
                    normalise(summary or ""),
                    grade=grade,
                    code=f"HS{year % 100:02d}-{receipt_no:03d}",
                    unit_id=unit_id,
                )
            )
        return cls(known)

    def matches(
        self,
        title: str,
        content: str = "",
        *,
        exclude_registration: int | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[DuplicateMatch]:
        """The closest known initiatives scoring at least ``threshold``, best first."""
        norm = normalise(title)
        if not norm or not self._titles:
            return []
        content_norm = normalise(content)
        # A quick shortlist on the whole title, then the finer score.
        shortlist = process.extract(
            norm, self._titles, scorer=fuzz.token_set_ratio, score_cutoff=max(0.0, threshold - 25), limit=200
        )
        found: list[DuplicateMatch] = []
        for _, _, index in shortlist:
            k = self.known[index]
            if k.kind == "registration" and k.ref_id == exclude_registration:
                continue
            score = title_similarity(norm, k.title_norm)
            other = content_similarity(content_norm, k.content_norm)
            if other is not None:
                score = max(score, 0.75 * score + 0.25 * other)  # similar content raises, never lowers
            if score >= threshold:
                found.append(
                    DuplicateMatch(
                        k.kind, k.ref_id, k.year, k.unit_name, k.title, round(score, 1), k.grade, k.code
                    )
                )
        found.sort(key=lambda m: (-m.score, -m.year))
        return found[:limit]


def matches_for(
    db: Database, registration_id: int, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[DuplicateMatch]:
    """The initiatives a registration resembles (itself and the dossiers filed for it excluded)."""
    with db.reading() as session:
        reg = session.get(Registration, registration_id)
        if reg is None:
            return []
        index = DuplicateIndex.load(session)
        own_dossiers = set(
            session.scalars(select(Dossier.id).where(Dossier.registration_id == registration_id)).all()
        )
        found = index.matches(
            reg.title, reg.content, exclude_registration=reg.id, threshold=threshold, limit=limit + 5
        )
    return [m for m in found if not (m.kind == "recognized" and m.ref_id in own_dossiers)][:limit]


def matches_for_text(
    db: Database,
    title: str,
    content: str = "",
    exclude_registration: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
) -> list[DuplicateMatch]:
    """For a title being typed in the form."""
    with db.reading() as session:
        index = DuplicateIndex.load(session)
    return index.matches(
        title, content, exclude_registration=exclude_registration, threshold=threshold, limit=limit
    )


def year_report(
    db: Database, year: int, threshold: float = DEFAULT_THRESHOLD, include_confirmed: bool = False
) -> dict[int, list[DuplicateMatch]]:
    """For every registration of ``year``: its closest matches (registrations marked "không trùng" are
    left out unless ``include_confirmed``)."""
    with db.reading() as session:
        index = DuplicateIndex.load(session)
        regs = session.execute(
            select(
                Registration.id, Registration.title, Registration.content, Registration.not_duplicate
            ).where(Registration.year == year)
        ).all()
        own: dict[int, set[int]] = {}
        for d_id, reg_id in session.execute(
            select(Dossier.id, Dossier.registration_id).where(Dossier.registration_id.is_not(None))
        ):
            own.setdefault(reg_id, set()).add(d_id)
    report: dict[int, list[DuplicateMatch]] = {}
    for reg_id, title, content, confirmed in regs:
        if confirmed and not include_confirmed:
            continue
        found = [
            m
            for m in index.matches(title, content, exclude_registration=reg_id, threshold=threshold, limit=8)
            if not (m.kind == "recognized" and m.ref_id in own.get(reg_id, set()))
        ][:5]
        if found:
            report[reg_id] = found
    return report
