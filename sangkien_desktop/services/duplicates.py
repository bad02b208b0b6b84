"""Duplicate warnings: does a registration resemble an initiative already registered (any year) or
recognized (a dossier graded A/B/C/CN, or an initiative of an earlier year's decision list imported, kind
"imported")?

Titles are compared on folded text (accents, case and đ removed), with common abbreviations unified and
the boilerplate of Vietnamese titles ("Một số biện pháp nâng cao chất lượng …") weighed less, so two
titles that share only the boilerplate do not look alike. When both sides have a content description and
it is closer than the titles, it raises the score (a quarter weight); it never lowers it. The secretary can mark a registration "không trùng".
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, islice
from typing import Any, Protocol, cast, overload

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.text import fold_key, one_line
from ..gc_pause import paused_gc
from ..models import Dossier, GradeResult, RecognizedImport, RecognizedInitiative, Registration, Unit

DEFAULT_THRESHOLD = 85.0
RECOGNIZED_GRADES = ("A", "B", "C", "CN")
IMPORTED = "imported"  # an initiative of an earlier year's decision list (services/recognized)
# Up to this many known initiatives every title is compared with every other (rapidfuzz, in C). Beyond it
# (a large council's ten years) candidates come from the title words they share, rarest words first.
EXACT_LIMIT = 1500
SHORTLIST = 200
_WORD_POOL = 100  # the word path: distinct titles sharing the most rare title words …
_WORD_SHORTLIST = 24  # … of which the closest by token_set_ratio (as the exact path) are scored
_WORD_BUDGET = 4_000  # postings read per query on the word path
_TEXT_CHUNK = 500  # candidates' texts read per database query
# candidates' texts kept between queries (a title typed in a form, asked again letter by letter); a batch's
# texts (a year's check: ~40,000 on a ten-year database, ~20 MB) are read for it and not kept
_TEXT_CACHE = 5_000
_POOL_CACHE = 1_000  # candidate pools kept (by the title words counted; an array of ~100 numbers each)
_PREPARED_POOLS = 200  # pools asked for again, prepared for the score bound (~25 KB each)

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


# the index's rows are read a few thousand at a time, not all at once (70,000 rows fetched together took
# ~20 MB more at their peak than the index they become)
_STREAMED = {"yield_per": 2000}

_SLACK = 1e-6  # cutoffs are lowered by this much: rounding never drops a pair at the boundary


def title_similarity(a: str, b: str) -> float:
    """0 … 100 for two normalised titles."""
    return _title_similarity(a, core_words(a), b, core_words(b))


def _title_similarity(a: str, ca: str, b: str, cb: str, needed: float = 0.0) -> float:
    """``title_similarity`` of two normalised titles and their core words. With ``needed``, a pair that cannot
    reach it may stop early and answer a lower score (rapidfuzz's cutoffs): the score is exact whenever it is
    at least ``needed``."""
    if not a or not b:
        return 0.0
    whole = (fuzz.token_sort_ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2
    if not ca or not cb:
        return whole
    # 0.4 × whole + 0.6 × (sort + plain) / 2 ≥ needed: what the two core ratios must reach together
    pair = 2 * (needed - 0.4 * whole) / 0.6 - _SLACK
    if pair > 200:
        return 0.4 * whole + 60.0  # even identical cores stay below ``needed``
    sort = fuzz.token_sort_ratio(ca, cb, score_cutoff=max(0.0, pair - 100))
    plain = fuzz.ratio(ca, cb, score_cutoff=max(0.0, pair - sort))
    return 0.4 * whole + 0.6 * (sort + plain) / 2


def sorted_words(key: str) -> str:
    """The words of a normalised text sorted and joined by single spaces: ``fuzz.ratio`` of two such forms is
    ``fuzz.token_sort_ratio`` of the texts (rapidfuzz splits on the same whitespace and sorts by code point)."""
    return " ".join(sorted(key.split()))


def _ratios(query: str, choices: Sequence[str], cutoff: float) -> dict[int, float]:
    """``fuzz.ratio(query, c)`` of the choices reaching ``cutoff``, by their position (one call into rapidfuzz;
    every other choice scores below ``cutoff``)."""
    return {
        i: score
        for _choice, score, i in process.extract(
            query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
        )
    }


def content_similarity(a: str, b: str) -> float | None:
    if len(a) < 20 or len(b) < 20:
        return None
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


@dataclass(frozen=True, slots=True)
class Known:
    """An initiative to compare against. An index loaded from the database keeps only the folded title
    (``title``, ``content`` empty): the texts of the few candidates of a query are read when asked for."""

    kind: str  # "registration" | "recognized" | "imported"
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
    decision: str = ""  # an imported initiative's decision ("45/QĐ-UBND")

    def content_key(self) -> str:
        return self.content_norm or (normalise(self.content) if self.content else "")


_KINDS = ("registration", "recognized", IMPORTED)


class KnownTable(Sequence[Known]):
    """The initiatives of an index loaded from the database as columns of numbers (a ten-year council has
    70,000 of them: as objects they took ~20 MB): a :class:`Known` is built when one is asked for. Strings
    met many times (unit names, grades, decisions) are kept once."""

    def __init__(self) -> None:
        self.titles: list[str] = []  # normalised titles (the index compares them)
        self._kinds = bytearray()
        self._ref_ids = array("q")
        self._years = array("i")
        self._unit_ids = array("q")  # -1: none
        self._receipts = array("i")  # a recognized dossier's receipt number (its code), -1: none
        self._names = array("i")  # unit name, grade, decision: positions in ``_strings``
        self._grades = array("i")
        self._decisions = array("i")
        self._strings: list[str] = [""]
        self._string_ids: dict[str, int] = {"": 0}
        self._title_ids: dict[str, str] = {}  # one string per title (a registration and its dossier share it)

    def _string(self, value: str) -> int:
        found = self._string_ids.get(value)
        if found is None:
            found = self._string_ids[value] = len(self._strings)
            self._strings.append(value)
        return found

    def append(
        self,
        kind: str,
        ref_id: int,
        year: int,
        unit_name: str,
        title_norm: str,
        *,
        grade: str = "",
        receipt_no: int | None = None,
        unit_id: int | None = None,
        decision: str = "",
    ) -> None:
        self.titles.append(self._title_ids.setdefault(title_norm, title_norm))
        self._kinds.append(_KINDS.index(kind))
        self._ref_ids.append(ref_id)
        self._years.append(year)
        self._unit_ids.append(-1 if unit_id is None else unit_id)
        self._receipts.append(-1 if receipt_no is None else receipt_no)
        self._names.append(self._string(unit_name))
        self._grades.append(self._string(grade))
        self._decisions.append(self._string(decision))

    def done(self) -> KnownTable:
        """Stop taking rows (the table of distinct titles is dropped)."""
        self._title_ids = {}
        self._string_ids = {}
        return self

    def kind(self, index: int) -> str:
        return _KINDS[self._kinds[index]]

    def ref_id(self, index: int) -> int:
        return self._ref_ids[index]

    def __len__(self) -> int:
        return len(self._kinds)

    @overload
    def __getitem__(self, index: int) -> Known: ...

    @overload
    def __getitem__(self, index: slice) -> list[Known]: ...

    def __getitem__(self, index: int | slice) -> Known | list[Known]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        year, receipt, unit_id = self._years[index], self._receipts[index], self._unit_ids[index]
        return Known(
            _KINDS[self._kinds[index]],
            self._ref_ids[index],
            year,
            self._strings[self._names[index]],
            "",
            self.titles[index],
            "",
            grade=self._strings[self._grades[index]],
            code=f"HS{year % 100:02d}-{receipt:03d}" if receipt >= 0 else "",
            unit_id=None if unit_id < 0 else unit_id,
            decision=self._strings[self._decisions[index]],
        )


# The candidates of one query close enough to be scored with their texts: their positions in the index
# and their title scores, as two arrays (a year's check keeps tens of thousands of them; as tuples they
# took ~100 bytes each).
Close = tuple["array[int]", "array[float]"]

# The texts of some known initiatives: (title as written, normalised content) for each, None for one
# that is no longer there.
TextReader = Callable[[Sequence[Known]], list[tuple[str, str] | None]]


def _own_texts(items: Sequence[Known]) -> list[tuple[str, str] | None]:
    return [(k.title, k.content_key()) for k in items]


class _DatabaseTexts:
    """Reads the texts of candidates from the database the index was loaded from. Holds the engine weakly:
    the index is cached under it (``_CACHE``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = weakref.ref(engine)

    def __call__(self, items: Sequence[Known]) -> list[tuple[str, str] | None]:
        engine = self._engine()
        if engine is None:
            return [None] * len(items)
        reg_ids = [k.ref_id for k in items if k.kind == "registration"]
        dossier_ids = [k.ref_id for k in items if k.kind == "recognized"]
        imported_ids = [k.ref_id for k in items if k.kind == IMPORTED]
        texts: dict[tuple[str, int], tuple[str, str]] = {}
        with engine.connect() as conn:
            if reg_ids:
                for ref_id, title, content in conn.execute(
                    select(Registration.id, Registration.title, Registration.content).where(
                        Registration.id.in_(reg_ids)
                    )
                ):
                    texts["registration", ref_id] = (title, normalise(content) if content else "")
            if dossier_ids:
                for ref_id, title, summary in conn.execute(
                    select(Dossier.id, Dossier.title, Dossier.summary).where(Dossier.id.in_(dossier_ids))
                ):
                    texts["recognized", ref_id] = (title, normalise(summary) if summary else "")
            if imported_ids:
                for ref_id, title in conn.execute(
                    select(RecognizedInitiative.id, RecognizedInitiative.title).where(
                        RecognizedInitiative.id.in_(imported_ids)
                    )
                ):
                    texts[IMPORTED, ref_id] = (title, "")
        return [texts.get((k.kind, k.ref_id)) for k in items]


def _unfolded(title_key: Any, title: Any) -> Any:
    """The title as written only where its folded key is missing (a row written outside the app)."""
    return case((func.coalesce(title_key, "") == "", title), else_=None)


class ProgressLike(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...

    def check(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    kind: str
    ref_id: int
    year: int
    unit_name: str
    title: str
    score: float  # 0 … 100, one decimal
    grade: str = ""
    code: str = ""
    decision: str = ""  # an imported initiative's decision ("45/QĐ-UBND")

    @property
    def status(self) -> str:
        """ "đã đăng ký năm 2024", "đã công nhận (A) năm 2025", or for an earlier year's list imported
        "đã được công nhận năm 2023, QĐ 45/QĐ-UBND"."""
        if self.kind == IMPORTED:
            return f"đã được công nhận năm {self.year}" + (f", QĐ {self.decision}" if self.decision else "")
        what = f"đã công nhận ({self.grade})" if self.kind == "recognized" else "đã đăng ký"
        return f"{what} năm {self.year}"

    @property
    def label(self) -> str:
        return f"{self.title} — {self.unit_name}, {self.status} ({self.score:.0f}%)"

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
            "decision": self.decision,
            "imported": self.kind == IMPORTED,
        }


class DuplicateIndex:
    """Everything registered or recognized, ready to be compared with a title quickly."""

    def __init__(self, known: Iterable[Known] | KnownTable, texts: TextReader | None = None) -> None:
        self.known: Sequence[Known] = known if isinstance(known, KnownTable) else list(known)
        self._titles = known.titles if isinstance(known, KnownTable) else [k.title_norm for k in self.known]
        self._cores: list[str | None] = [None] * len(self.known)
        # counted title words → the pool's (cores, titles' words sorted, cores' words sorted): the score bound
        self._prepared: dict[tuple[str, ...], tuple[list[str], list[str], list[str]]] = {}
        self._postings: dict[str, array[int]] | None = None
        self._pools: dict[tuple[str, ...], array[int]] = {}  # counted title words → candidate pool
        self._unique: list[str] = []  # the distinct titles (a registration and its dossier share one)
        # distinct title → the initiatives that have it: those of title ``u`` are
        # ``_same[_same_start[u] : _same_start[u + 1]]`` (two flat arrays, not one small array per title)
        self._same: array[int] = array("i")
        self._same_start: array[int] = array("i")
        self._read_texts = texts or _own_texts
        # index → (title on one line, normalised content) of the initiatives that were candidates
        self._texts: dict[int, tuple[str, str] | None] = {}
        self._texts_lock = threading.Lock()
        # titles compared but not answered yet: a check cancelled half-way (the secretary left the Đăng ký
        # page) goes on from there the next time
        self._compared: dict[tuple[object, ...], Close] = {}
        # answers already given (an import's preview, then the import itself, ask the same questions)
        self._answers: dict[tuple[object, ...], list[DuplicateMatch]] = {}

    @classmethod
    def cached(cls, session: Session, *, registrations: bool = True) -> DuplicateIndex:
        """``load``, reused while the database has not changed (an import's preview and the import
        itself, the registration page's checks): a large council's index takes a second to build."""
        engine = session.get_bind().engine
        stamp = _fingerprint(session)
        cache = _CACHE if registrations else _RECOGNIZED_CACHE
        with _CACHE_LOCK:
            found = cache.get(engine)
        if found is not None and stamp is not None and found[0] == stamp:
            return found[1]
        index = cls.load(session, registrations=registrations)
        if stamp is not None:
            with _CACHE_LOCK:
                cache[engine] = (stamp, index)
        return index

    @classmethod
    def load(cls, session: Session, *, registrations: bool = True) -> DuplicateIndex:
        """Every registration (unless ``registrations`` is False) and recognized initiative (dossiers graded
        in the app, earlier years' lists imported) by its folded title (``title_key`` in the database); the
        titles and contents as written are read for the candidates of a query only (70,000 initiatives'
        texts are ~60 MB)."""
        with paused_gc():  # tens of thousands of small objects, no cycles
            return cls._load(session, registrations=registrations)

    @classmethod
    def _load(cls, session: Session, *, registrations: bool) -> DuplicateIndex:
        known = KnownTable()
        regs = (
            session.execute(
                select(
                    Registration.id,
                    Registration.year,
                    Unit.name,
                    Registration.title_key,
                    _unfolded(Registration.title_key, Registration.title),
                    Registration.unit_id,
                ).join(Unit, Unit.id == Registration.unit_id),
                execution_options=_STREAMED,
            )
            if registrations
            else ()
        )
        for reg_id, year, unit_name, title_key, title, unit_id in regs:
            known.append(
                "registration",
                reg_id,
                year,
                unit_name,
                abbreviate(title_key) if title_key else normalise(title or ""),
                unit_id=unit_id,
            )
        dossiers = session.execute(
            select(
                Dossier.id,
                Dossier.year,
                Unit.name,
                Dossier.title_key,
                _unfolded(Dossier.title_key, Dossier.title),
                GradeResult.grade,
                Dossier.receipt_no,
                Dossier.unit_id,
            )
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .join(Unit, Unit.id == Dossier.unit_id)
            .where(GradeResult.grade.in_(RECOGNIZED_GRADES)),
            execution_options=_STREAMED,
        )
        for d_id, year, unit_name, title_key, title, grade, receipt_no, unit_id in dossiers:
            known.append(
                "recognized",
                d_id,
                year,
                unit_name,
                abbreviate(title_key) if title_key else normalise(title or ""),
                grade=grade,
                receipt_no=receipt_no,
                unit_id=unit_id,
            )
        imported = session.execute(
            select(
                RecognizedInitiative.id,
                RecognizedInitiative.year,
                Unit.name,
                RecognizedInitiative.title_key,
                _unfolded(RecognizedInitiative.title_key, RecognizedInitiative.title),
                RecognizedInitiative.grade,
                RecognizedImport.decision_no,
                RecognizedInitiative.unit_id,
            )
            .join(Unit, Unit.id == RecognizedInitiative.unit_id)
            .join(RecognizedImport, RecognizedImport.id == RecognizedInitiative.import_id),
            execution_options=_STREAMED,
        )
        for i_id, year, unit_name, title_key, title, grade, decision, unit_id in imported:
            known.append(
                IMPORTED,
                i_id,
                year,
                unit_name,
                abbreviate(title_key) if title_key else normalise(title or ""),
                grade=grade or "",
                unit_id=unit_id,
                decision=decision or "",
            )
        return cls(known.done(), _DatabaseTexts(session.get_bind().engine))

    def forget_answers(self) -> None:
        """Drop the answers kept between queries (the next ones are computed again: benchmarks)."""
        self._answers.clear()
        self._compared.clear()
        self._pools.clear()
        self._prepared.clear()

    def _texts_of(self, indices: Sequence[int], keep: bool = True) -> list[tuple[str, str] | None]:
        """(title on one line, normalised content) of some known initiatives, read once each; kept for the
        next queries unless ``keep`` is False."""
        found: dict[int, tuple[str, str] | None] = {}
        with self._texts_lock:
            for i in indices:
                if i in self._texts:
                    found[i] = self._texts[i]
        missing = [i for i in dict.fromkeys(indices) if i not in found]
        for start in range(0, len(missing), _TEXT_CHUNK):
            chunk = missing[start : start + _TEXT_CHUNK]
            read = self._read_texts([self.known[i] for i in chunk])
            for i, text in zip(chunk, read, strict=True):
                found[i] = None if text is None else (one_line(text[0]), text[1])
        if missing and keep:
            with self._texts_lock:
                if len(self._texts) + len(missing) > _TEXT_CACHE:
                    self._texts.clear()
                self._texts.update((i, found[i]) for i in missing)
        return [found[i] for i in indices]

    def _core(self, index: int) -> str:
        core = self._cores[index]
        if core is None:
            core = self._cores[index] = core_words(self._titles[index])
        return core

    def _word_postings(self) -> dict[str, array[int]]:
        """Title word → the distinct titles that have it (built on the first query of a large index;
        arrays of 4-byte numbers: a large council's postings take a few MB). Distinct titles, because a
        registration and the dossiers filed for it share theirs: each is compared once."""
        if self._postings is None:
            first: dict[str, int] = {}
            uids = array("i", (first.setdefault(title, len(first)) for title in self._titles))
            self._unique = list(first)
            del first
            start = array("i", bytes(4 * (len(self._unique) + 1)))
            for uid in uids:
                start[uid + 1] += 1
            for uid in range(len(self._unique)):
                start[uid + 1] += start[uid]
            same = array("i", bytes(4 * len(uids)))
            fill = array("i", start)
            for i, uid in enumerate(uids):  # in the order of the index within each title
                same[fill[uid]] = i
                fill[uid] += 1
            self._same, self._same_start = same, start
            postings: dict[str, array[int]] = {}  # filled as arrays: no list of number objects on the way
            for uid, title in enumerate(self._unique):
                for word in set(title.split()):
                    found = postings.get(word)
                    if found is None:
                        found = postings[word] = array("i")
                    found.append(uid)
            self._postings = postings
        return self._postings

    def _shortlist(
        self,
        norm: str,
        threshold: float,
        core: str = "",
        needed: float | None = None,
        batch: bool = False,
    ) -> list[int]:
        """The candidates worth scoring. With ``needed`` (the title score a match needs), a pool of the word
        path none of whose titles can reach it (``_may_reach``) gives none: the answer is the same. The bound
        is worth its preparation for a pool asked for again, or in a ``batch`` (the titles of one table share
        their rare words); a single title first compares its pool's closest titles only."""
        if len(self.known) <= EXACT_LIMIT:
            found = process.extract(
                norm,
                self._titles,
                scorer=fuzz.token_set_ratio,
                score_cutoff=max(0.0, threshold - 25),
                limit=SHORTLIST,
            )
            return [index for _, _, index in found]
        # Large index: the distinct titles sharing the most title words with the query, the rarest words
        # read first (a duplicate shares what the title is about, not only its boilerplate).
        postings = self._word_postings()
        words = sorted((w for w in set(norm.split()) if w in postings), key=lambda w: (len(postings[w]), w))
        read = 0
        counted: list[str] = []
        for word in words:
            size = len(postings[word])
            if read and read + size > _WORD_BUDGET:
                break
            counted.append(word)
            read += size
        key = tuple(counted)
        again = key in self._pools
        pool = self._word_pool(key)
        if needed is not None and (again or batch) and not self._may_reach(norm, core, key, pool, needed):
            return []
        found = process.extract(
            norm,
            pool,
            scorer=fuzz.token_set_ratio,
            score_cutoff=max(0.0, threshold - 25),
            limit=_WORD_SHORTLIST,
        )
        same, start = self._same, self._same_start
        return [index for _, _, uid in found for index in same[start[uid] : start[uid + 1]]]

    def _may_reach(
        self, norm: str, core: str, words: tuple[str, ...], pool: dict[int, str], needed: float
    ) -> bool:
        """Whether a title of ``pool`` (of ``words``) may score ``needed`` with ``_title_similarity``, by an upper
        bound of it from plain ratios only (cheap: rapidfuzz tokenises nothing): ``token_set_ratio`` taken as
        100 and ``token_sort_ratio`` as the ratio of the words sorted beforehand. The ratios are asked for with
        cutoffs first: a title below all of them cannot reach ``needed``; only the others are bounded one by
        one. Most titles of a table resemble nothing: their pools are left without a single token ratio."""
        cores, sorted_titles, sorted_cores = self._pool_forms(words, pool)
        all_cores = bool(core) and all(cores)
        # a title whose ratios all stay below the cutoffs scores below ``needed``: with cores
        # 0.2 × whole_cut + 20 + 0.6 × cut, without (either side) 0.5 × whole_cut + 50
        cut = min(100.0, max(0.0, (needed - 20.0) / 0.8 - 1.0))
        whole_cut = cut if all_cores else min(cut, max(0.0, 2.0 * (needed - 50.0) - 1.0))
        below = needed - _SLACK
        norm_sorted, core_sorted = sorted_words(norm), sorted_words(core)
        whole = _ratios(norm_sorted, sorted_titles, whole_cut)
        core_sort = _ratios(core_sorted, sorted_cores, cut) if core else {}
        core_plain = _ratios(core, cores, cut) if core else {}
        if (not core or 0.2 * whole_cut + 20.0 + 0.6 * cut < below) and (
            all_cores or 0.5 * whole_cut + 50.0 < below
        ):
            checked: Iterable[int] = {*whole, *core_sort, *core_plain}  # every other title stays below
        else:
            checked = range(len(cores))
        ratio = fuzz.ratio
        for i in checked:
            ws = whole.get(i)
            if ws is None:
                ws = ratio(norm_sorted, sorted_titles[i])
            if core and cores[i]:
                cs, cp = core_sort.get(i), core_plain.get(i)
                if cs is None:
                    cs = ratio(core_sorted, sorted_cores[i])
                if cp is None:
                    cp = ratio(core, cores[i])
                # 0.4 × (sort + set) / 2 + 0.6 × (core sort + core plain) / 2, with set ≤ 100
                bound = 0.2 * ws + 20.0 + 0.3 * (cs + cp)
            else:
                bound = 0.5 * ws + 50.0  # the whole titles' score only
            if bound >= below:
                return True
        return False

    def _pool_forms(
        self, words: tuple[str, ...], pool: dict[int, str]
    ) -> tuple[list[str], list[str], list[str]]:
        """The cores, sorted words and sorted core words of the titles of ``pool`` (of ``words``), in its order."""
        forms = self._prepared.get(words)
        if forms is None:
            cores = [self._core(self._same[self._same_start[uid]]) for uid in pool]
            titles = [sorted_words(title) for title in pool.values()]
            forms = (cores, titles, [sorted_words(core) for core in cores])
            if len(self._prepared) >= _PREPARED_POOLS:
                self._prepared.clear()
            self._prepared[words] = forms
        return forms

    def _word_pool(self, words: tuple[str, ...]) -> dict[int, str]:
        """The distinct titles sharing the most of ``words`` (read in this order), ties in the order they were
        met: ``Counter.most_common`` without sorting every title counted. Kept per word tuple (the titles of one
        table share their rare words: a thousand rows ask for a few hundred pools)."""
        kept = self._pools.get(words)
        if kept is not None:
            return {uid: self._unique[uid] for uid in kept}
        postings = self._postings or {}
        counts: Counter[int] = Counter()
        for word in words:
            counts.update(postings[word])
        order, tally = list(counts), list(counts.values())
        chosen: list[int] = []
        for level in range(len(words), 0, -1):  # most shared words first, each level in the order met
            chosen += islice(compress(order, map(level.__eq__, tally)), _WORD_POOL - len(chosen))
            if len(chosen) >= _WORD_POOL:
                break
        if len(self._pools) >= _POOL_CACHE:
            self._pools.clear()
        self._pools[words] = array("i", chosen)  # the titles' numbers: their dict is made when asked for
        return {uid: self._unique[uid] for uid in chosen}

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
        return self.matches_many(
            [(norm, content_norm, exclude_registration)], threshold=threshold, limit=limit
        )[0]

    def matches_many(
        self,
        queries: Sequence[tuple[str, str, int | None]],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
        progress: ProgressLike | None = None,
        shared: dict[str, str] | None = None,
    ) -> list[list[DuplicateMatch]]:
        """``matches_key`` for many (normalised title, normalised content, registration to leave out): the
        titles are compared first, then the texts of all their close candidates are read at once. With
        ``shared`` (one dict for several batches), equal titles and codes of the answers are one string: a
        year's check finds the same few thousand initiatives for tens of thousands of matches."""
        keys: list[tuple[object, ...]] = [
            (norm, content, exclude, threshold, limit) for norm, content, exclude in queries
        ]
        close: dict[tuple[object, ...], Close] = {}
        for done, (norm, content, exclude) in enumerate(queries):
            if progress is not None:
                progress.check()  # every title: a job that yields to typing pauses promptly
                if done % 50 == 0:
                    progress.report(done, len(queries), f"Dò trùng {done}/{len(queries)}")
            key = keys[done]
            if norm and self._titles and key not in self._answers and key not in close:
                found = self._compared.get(key)
                if found is None:
                    if len(self._compared) > 50_000:
                        self._compared.clear()
                    found = self._compared[key] = self._close(
                        norm, content, exclude, threshold, len(queries) > 1
                    )
                close[key] = found
        wanted = sorted({index for indices, _ in close.values() for index in indices})
        single = len(queries) == 1
        texts = dict(zip(wanted, self._texts_of(wanted, keep=single), strict=True))
        if shared is not None:
            texts = {
                i: None if t is None else (shared.setdefault(t[0], t[0]), t[1]) for i, t in texts.items()
            }
        # a single query's answer is kept for the next keystroke; a batch's (a year's check: tens of thousands
        # of matches, ~12 MB) only go to the caller, who keeps what it shows
        answers = self._answers if single else {}
        if single and len(self._answers) + len(close) > 50_000:
            self._answers.clear()
        for done, (key, found) in enumerate(close.items()):
            if progress is not None and done % 50 == 0:
                progress.check()
            answers[key] = self._finish(found, str(key[1]), threshold, limit, texts, shared)
            self._compared.pop(key, None)
        return [list(answers.get(key) or self._answers.get(key) or []) for key in keys]

    def _close(
        self,
        norm: str,
        content_norm: str,
        exclude_registration: int | None,
        threshold: float,
        batch: bool = False,
    ) -> Close:
        """The candidates whose title is close enough that, with their content, they may match."""
        core = core_words(norm)
        # content similarity can only raise a score by a quarter of what the title misses
        needed = (threshold - 25) / 0.75 if len(content_norm) >= 20 else threshold
        indices: array[int] = array("i")
        scores: array[float] = array("d")
        scored: dict[str, float] = {}  # initiatives with the same title are scored once
        # a registration compared with the others finds its own title: no pool to leave out, no bound asked for
        bound = needed if exclude_registration is None else None
        for index in self._shortlist(norm, threshold, core, bound, batch):
            if exclude_registration is not None and self._is_registration(index, exclude_registration):
                continue
            title = self._titles[index]
            score = scored.get(title)
            if score is None:
                score = scored[title] = _title_similarity(norm, core, title, self._core(index), needed)
            if score >= needed:
                indices.append(index)
                scores.append(score)
        return indices, scores

    def _is_registration(self, index: int, ref_id: int) -> bool:
        known = self.known
        if isinstance(known, KnownTable):
            return known.ref_id(index) == ref_id and known.kind(index) == "registration"
        k = known[index]
        return k.kind == "registration" and k.ref_id == ref_id

    def _finish(
        self,
        close: Close,
        content_norm: str,
        threshold: float,
        limit: int,
        texts: dict[int, tuple[str, str] | None],
        shared: dict[str, str] | None = None,
    ) -> list[DuplicateMatch]:
        """The matches among ``close`` with the candidates' ``texts`` (read for the whole batch)."""
        found: list[DuplicateMatch] = []
        indices, scores = close
        for index, score in zip(indices, scores, strict=True):
            text = texts[index]
            if text is None:  # deleted since the index was built
                continue
            title, content = text
            other = content_similarity(content_norm, content)
            if other is not None:
                score = max(score, 0.75 * score + 0.25 * other)  # similar content raises, never lowers
            if score >= threshold:
                k = self.known[index]
                found.append(
                    DuplicateMatch(
                        k.kind,
                        k.ref_id,
                        k.year,
                        k.unit_name,
                        title,
                        round(score, 1),
                        k.grade,
                        k.code if shared is None else shared.setdefault(k.code, k.code),
                        k.decision,
                    )
                )
        found.sort(key=lambda m: (-m.score, -m.year))
        return found[:limit]


_CACHE: weakref.WeakKeyDictionary[Engine, tuple[tuple[object, ...], DuplicateIndex]] = (
    weakref.WeakKeyDictionary()
)
_RECOGNIZED_CACHE: weakref.WeakKeyDictionary[Engine, tuple[tuple[object, ...], DuplicateIndex]] = (
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
            select(func.count(RecognizedInitiative.id)).scalar_subquery(),
            select(func.max(RecognizedInitiative.id)).scalar_subquery(),
            select(func.max(RecognizedInitiative.updated_at)).scalar_subquery(),
            select(func.max(RecognizedImport.updated_at)).scalar_subquery(),
        )
    ).one()
    stamps = (row[2], row[5], row[6], row[7], row[10], row[11])
    newest = max((v for v in stamps if isinstance(v, dt.datetime)), default=None)
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


class _Shifted:
    """A worker's progress for one part of a longer check: counts from ``offset`` out of ``total``."""

    def __init__(self, progress: ProgressLike, offset: int, total: int) -> None:
        self._progress, self._offset, self._total = progress, offset, total

    def report(self, done: int, total: int, text: str = "") -> None:
        done += self._offset
        self._progress.report(done, self._total, f"Dò trùng {done}/{self._total}")

    def check(self) -> None:
        self._progress.check()


_CHECK_PART = 250  # registrations of a year's check whose contents are read and compared together


def _contents(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """The normalised contents of some registrations."""
    with db.reading() as session:
        return {
            reg_id: normalise(content or "")
            for reg_id, content in session.execute(
                select(Registration.id, Registration.content).where(Registration.id.in_(ids))
            )
        }


def year_report(
    db: Database,
    year: int,
    threshold: float = DEFAULT_THRESHOLD,
    include_confirmed: bool = False,
    progress: ProgressLike | None = None,
) -> dict[int, list[DuplicateMatch]]:
    """For every registration of ``year``: its closest matches (registrations marked "không trùng" are
    left out unless ``include_confirmed``). ``progress`` (a worker's) is told how far it got and may
    cancel. The registrations are compared a few hundred at a time, their contents read for each part (a
    large council's year is 5,000 contents: only the part's are in memory while it is compared)."""
    with db.reading() as session:
        index = DuplicateIndex.cached(session)
        checked: list[tuple[int, str]] = []  # (registration, normalised title)
        for reg_id, title_key, title, not_duplicate in session.execute(
            select(
                Registration.id,
                Registration.title_key,
                _unfolded(Registration.title_key, Registration.title),
                Registration.not_duplicate,
            ).where(Registration.year == year),
            execution_options=_STREAMED,
        ):
            if include_confirmed or not not_duplicate:
                checked.append((reg_id, abbreviate(title_key) if title_key else normalise(title)))
        own: dict[int, set[int]] = {}
        for d_id, reg_id in session.execute(
            select(Dossier.id, Dossier.registration_id).where(
                Dossier.registration_id.in_(select(Registration.id).where(Registration.year == year))
            )
        ):  # the dossiers filed for this year's registrations (not those of every year)
            own.setdefault(cast(int, reg_id), set()).add(d_id)  # registration_id IS NOT NULL
    report: dict[int, list[DuplicateMatch]] = {}
    shared: dict[str, str] = {}  # the matches' titles and codes, one string each
    for start in range(0, len(checked), _CHECK_PART):
        part = checked[start : start + _CHECK_PART]
        contents = _contents(db, [reg_id for reg_id, _ in part])
        queries: list[tuple[str, str, int | None]] = [
            (norm, contents.get(reg_id, ""), reg_id) for reg_id, norm in part
        ]
        shifted = _Shifted(progress, start, len(checked)) if progress is not None else None
        answers = index.matches_many(queries, threshold=threshold, limit=8, progress=shifted, shared=shared)
        for (reg_id, _), found in zip(part, answers, strict=True):
            mine = own.get(reg_id, set())
            kept = [m for m in found if not (m.kind == "recognized" and m.ref_id in mine)][:5]
            if kept:
                report[reg_id] = kept
    return report


def prior_recognitions(
    session: Session,
    title: str,
    content: str = "",
    *,
    exclude_dossier: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 3,
) -> list[DuplicateMatch]:
    """The recognized initiatives (graded in the app, or of an earlier year's decision list imported) that a
    dossier's title resembles: an initiative is recognized once. One index per transaction (a bulk intake)."""
    index = session.info.get("prior_recognitions")
    if index is None:
        index = session.info["prior_recognitions"] = DuplicateIndex.cached(session, registrations=False)
    found = index.matches(title, content, threshold=threshold, limit=limit + 1)
    return [m for m in found if not (m.kind == "recognized" and m.ref_id == exclude_dossier)][:limit]
