"""Duplicate warnings: does a registration resemble an initiative already registered (any year) or
recognized (a dossier graded A/B/C/CN)?

Titles are compared on folded text (accents, case and đ removed), with common abbreviations unified and
the boilerplate of Vietnamese titles ("Một số biện pháp nâng cao chất lượng …") weighed less, so two
titles that share only the boilerplate do not look alike. When both sides have a content description and
it is closer than the titles, it raises the score (a quarter weight); it never lowers it. The secretary can mark a registration "không trùng".
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.text import fold_key, one_line
from ..models import Dossier, GradeResult, Registration, Unit

DEFAULT_THRESHOLD = 85.0
RECOGNIZED_GRADES = ("A", "B", "C", "CN")
# Up to this many known initiatives every title is compared with every other (rapidfuzz, in C). Beyond it
# (a large council's ten years) candidates come from the title words they share, rarest words first.
EXACT_LIMIT = 1500
SHORTLIST = 200
_WORD_POOL = 200  # the word path: initiatives sharing the most rare title words …
_WORD_SHORTLIST = 40  # … of which the closest by token_set_ratio (as the exact path) are scored
_WORD_BUDGET = 4_000  # postings read per query on the word path

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
    return abbreviate(fold_key(text))


def abbreviate(key: str) -> str:
    """A folded key (``text.fold_key``) with abbreviations unified."""
    key = f" {key} "
    for long, short in _ABBREVIATIONS:
        if long in key:
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
    return _title_similarity(a, core_words(a), b, core_words(b))


def _title_similarity(a: str, ca: str, b: str, cb: str) -> float:
    if not a or not b:
        return 0.0
    whole = (fuzz.token_sort_ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2
    if not ca or not cb:
        return whole
    core = (fuzz.token_sort_ratio(ca, cb) + fuzz.ratio(ca, cb)) / 2
    return 0.4 * whole + 0.6 * core


def content_similarity(a: str, b: str) -> float | None:
    if len(a) < 20 or len(b) < 20:
        return None
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


@dataclass(frozen=True, slots=True)
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
    content: str = ""  # the raw content, normalised only when this initiative is a candidate

    def content_key(self) -> str:
        return self.content_norm or (normalise(self.content) if self.content else "")


class ProgressLike(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...

    def check(self) -> None: ...


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
        self._cores: list[str | None] = [None] * len(self.known)
        self._postings: dict[str, list[int]] | None = None
        self._contents: dict[int, str] = {}
        # answers already given (an import's preview, then the import itself, ask the same questions)
        self._answers: dict[tuple[object, ...], list[DuplicateMatch]] = {}

    @classmethod
    def cached(cls, session: Session) -> DuplicateIndex:
        """``load``, reused while the database has not changed (an import's preview and the import
        itself, the registration page's checks): a large council's index takes a second to build."""
        engine = session.get_bind().engine
        stamp = _fingerprint(session)
        with _CACHE_LOCK:
            found = _CACHE.get(engine)
        if found is not None and stamp is not None and found[0] == stamp:
            return found[1]
        index = cls.load(session)
        if stamp is not None:
            with _CACHE_LOCK:
                _CACHE[engine] = (stamp, index)
        return index

    @classmethod
    def load(cls, session: Session) -> DuplicateIndex:
        """Every registration and recognized dossier. Titles come folded from the database (``title_key``);
        contents are normalised only for the candidates of a query."""
        known: list[Known] = []
        names: dict[str, str] = {}  # one string per unit name (600 units, 70,000 initiatives)
        regs = session.execute(
            select(
                Registration.id,
                Registration.year,
                Unit.name,
                Registration.title,
                Registration.title_key,
                Registration.content,
                Registration.unit_id,
            ).join(Unit, Unit.id == Registration.unit_id)
        )
        for reg_id, year, unit_name, title, title_key, content, unit_id in regs:
            known.append(
                Known(
                    "registration",
                    reg_id,
                    year,
                    names.setdefault(unit_name, unit_name),
                    title,
                    abbreviate(title_key) if title_key else normalise(title),
                    "",
                    unit_id=unit_id,
                    content=content or "",
                )
            )
        dossiers = session.execute(
            select(
                Dossier.id,
                Dossier.year,
                Unit.name,
                Dossier.title,
                Dossier.title_key,
                Dossier.summary,
                GradeResult.grade,
                Dossier.receipt_no,
                Dossier.unit_id,
            )
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .join(Unit, Unit.id == Dossier.unit_id)
            .where(GradeResult.grade.in_(RECOGNIZED_GRADES))
        )
        for d_id, year, unit_name, title, title_key, summary, grade, receipt_no, unit_id in dossiers:
            known.append(
                Known(
                    "recognized",
                    d_id,
                    year,
                    names.setdefault(unit_name, unit_name),
                    title,
                    abbreviate(title_key) if title_key else normalise(title),
                    "",
                    grade=grade,
                    code=f"HS{year % 100:02d}-{receipt_no:03d}",
                    unit_id=unit_id,
                    content=summary or "",
                )
            )
        return cls(known)

    def _content(self, index: int) -> str:
        found = self._contents.get(index)
        if found is None:
            found = self._contents[index] = self.known[index].content_key()
        return found

    def _core(self, index: int) -> str:
        core = self._cores[index]
        if core is None:
            core = self._cores[index] = core_words(self._titles[index])
        return core

    def _word_postings(self) -> dict[str, list[int]]:
        """Title word → the initiatives whose title has it (built on the first query of a large index)."""
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for i, title in enumerate(self._titles):
                for word in set(title.split()):
                    postings.setdefault(word, []).append(i)
            self._postings = postings
        return self._postings

    def _shortlist(self, norm: str, threshold: float) -> list[int]:
        if len(self.known) <= EXACT_LIMIT:
            found = process.extract(
                norm,
                self._titles,
                scorer=fuzz.token_set_ratio,
                score_cutoff=max(0.0, threshold - 25),
                limit=SHORTLIST,
            )
            return [index for _, _, index in found]
        # Large index: the initiatives sharing the most title words with the query, the rarest words
        # read first (a duplicate shares what the title is about, not only its boilerplate).
        postings = self._word_postings()
        words = sorted((w for w in set(norm.split()) if w in postings), key=lambda w: len(postings[w]))
        counts: Counter[int] = Counter()
        read = 0
        for word in words:
            ids = postings[word]
            if read and read + len(ids) > _WORD_BUDGET:
                break
            counts.update(ids)
            read += len(ids)
        pool = {index: self._titles[index] for index, _ in counts.most_common(_WORD_POOL)}
        found = process.extract(
            norm,
            pool,
            scorer=fuzz.token_set_ratio,
            score_cutoff=max(0.0, threshold - 25),
            limit=_WORD_SHORTLIST,
        )
        return [index for _, _, index in found]

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
        return self.matches_key(
            normalise(title),
            normalise(content),
            exclude_registration=exclude_registration,
            threshold=threshold,
            limit=limit,
        )

    def matches_key(
        self,
        norm: str,
        content_norm: str = "",
        *,
        exclude_registration: int | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[DuplicateMatch]:
        """``matches`` for a title (and content) already normalised."""
        if not norm or not self._titles:
            return []
        key = (norm, content_norm, exclude_registration, threshold, limit)
        answer = self._answers.get(key)
        if answer is None:
            if len(self._answers) > 50_000:
                self._answers.clear()
            answer = self._answers[key] = self._matches(
                norm, content_norm, exclude_registration, threshold, limit
            )
        return list(answer)

    def _matches(
        self, norm: str, content_norm: str, exclude_registration: int | None, threshold: float, limit: int
    ) -> list[DuplicateMatch]:
        core = core_words(norm)
        # content similarity can only raise a score by a quarter of what the title misses
        needed = (threshold - 25) / 0.75 if len(content_norm) >= 20 else threshold
        found: list[DuplicateMatch] = []
        for index in self._shortlist(norm, threshold):
            k = self.known[index]
            if k.kind == "registration" and k.ref_id == exclude_registration:
                continue
            score = _title_similarity(norm, core, k.title_norm, self._core(index))
            if score < needed:
                continue
            other = content_similarity(content_norm, self._content(index))
            if other is not None:
                score = max(score, 0.75 * score + 0.25 * other)  # similar content raises, never lowers
            if score >= threshold:
                found.append(
                    DuplicateMatch(
                        k.kind,
                        k.ref_id,
                        k.year,
                        k.unit_name,
                        one_line(k.title),
                        round(score, 1),
                        k.grade,
                        k.code,
                    )
                )
        found.sort(key=lambda m: (-m.score, -m.year))
        return found[:limit]


_CACHE: weakref.WeakKeyDictionary[Engine, tuple[tuple[object, ...], DuplicateIndex]] = (
    weakref.WeakKeyDictionary()
)
_CACHE_LOCK = threading.Lock()


def _fingerprint(session: Session) -> tuple[object, ...] | None:
    """What the index depends on, cheaply (indexed columns); None when a change may be too recent to
    tell apart (``updated_at`` has second precision), so the index is built again."""
    row = session.execute(
        select(
            select(func.count(Registration.id)).scalar_subquery(),
            select(func.max(Registration.id)).scalar_subquery(),
            select(func.max(Registration.updated_at)).scalar_subquery(),
            select(func.count(GradeResult.id)).scalar_subquery(),
            select(func.max(GradeResult.id)).scalar_subquery(),
            select(func.max(GradeResult.computed_at)).scalar_subquery(),
            select(func.max(Dossier.updated_at)).scalar_subquery(),
            select(func.max(Unit.updated_at)).scalar_subquery(),
        )
    ).one()
    newest = max((v for v in (row[2], row[5], row[6], row[7]) if isinstance(v, dt.datetime)), default=None)
    if newest is not None and newest >= dt.datetime.now() - dt.timedelta(seconds=2):
        return None
    return tuple(row)


def matches_for(
    db: Database, registration_id: int, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[DuplicateMatch]:
    """The initiatives a registration resembles (itself and the dossiers filed for it excluded)."""
    with db.reading() as session:
        reg = session.get(Registration, registration_id)
        if reg is None:
            return []
        index = DuplicateIndex.cached(session)
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
        index = DuplicateIndex.cached(session)
    return index.matches(
        title, content, exclude_registration=exclude_registration, threshold=threshold, limit=limit
    )


def year_report(
    db: Database,
    year: int,
    threshold: float = DEFAULT_THRESHOLD,
    include_confirmed: bool = False,
    progress: ProgressLike | None = None,
) -> dict[int, list[DuplicateMatch]]:
    """For every registration of ``year``: its closest matches (registrations marked "không trùng" are
    left out unless ``include_confirmed``). ``progress`` (a worker's) is told how far it got and may
    cancel."""
    with db.reading() as session:
        index = DuplicateIndex.cached(session)
        regs = session.execute(
            select(
                Registration.id,
                Registration.title_key,
                Registration.title,
                Registration.content,
                Registration.not_duplicate,
            ).where(Registration.year == year)
        ).all()
        own: dict[int, set[int]] = {}
        for d_id, reg_id in session.execute(
            select(Dossier.id, Dossier.registration_id).where(Dossier.registration_id.is_not(None))
        ):
            own.setdefault(reg_id, set()).add(d_id)
    report: dict[int, list[DuplicateMatch]] = {}
    total = len(regs)
    for done, (reg_id, title_key, title, content, confirmed) in enumerate(regs):
        if progress is not None and done % 50 == 0:
            progress.check()
            progress.report(done, total, f"Dò trùng {done}/{total}")
        if confirmed and not include_confirmed:
            continue
        norm = abbreviate(title_key) if title_key else normalise(title)
        found = [
            m
            for m in index.matches_key(
                norm, normalise(content or ""), exclude_registration=reg_id, threshold=threshold, limit=8
            )
            if not (m.kind == "recognized" and m.ref_id in own.get(reg_id, set()))
        ][:5]
        if found:
            report[reg_id] = found
    return report
