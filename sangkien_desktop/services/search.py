"""Search across all years: registrations and recognized initiatives (dossiers graded A/B/C/CN, and the
initiatives of earlier years' decision lists imported, kind "imported").

Accent-insensitive with đ folded to d: "doi moi" finds "Đổi mới". Everything is matched on folded text
(``text.fold_key``): ``registrations.search_key`` (kept by the model) plus the unit, and for recognized
dossiers their ``title_key`` plus their folded summary, field, unit and authors.

* SQLite with FTS5: a ``SearchIndex`` per database keeps one SQLite connection of its own holding a TEMP
  FTS5 table (being TEMP, it never enters the schema or the migrations). It is built on the first search
  (or ahead of it, ``warm_up``) and kept up to date incrementally: ``PRAGMA data_version`` tells, for free,
  whether another connection committed; only then are the rows whose ``updated_at``, unit, authors or
  grade changed re-indexed. A keystroke therefore costs one FTS5 query and the hydration of the hits.
  Hits are ranked by bm25 (title first) when a query matches up to ``RANK_LIMIT`` documents; a broader
  query (one or two letters typed) lists title matches first, newest years first.
* SQLite without FTS5 (some Python builds), a SQLite file on a network location (one connection for the
  whole process: ``db.engine``) and PostgreSQL: LIKE on the folded columns, ranked in Python.
Both paths return the same hits for queries narrower than ``RANK_LIMIT`` matches.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain.text import fold_key, fold_words, one_line, strip_marks
from ..models import (
    Authorship,
    Dossier,
    GradeResult,
    RecognizedAuthor,
    RecognizedImport,
    RecognizedInitiative,
    Registration,
    Unit,
)
from ..models.dossier import dossier_code
from .dossier_authors import author_names
from .duplicates import RECOGNIZED_GRADES

log = logging.getLogger(__name__)

_PAGE_CACHE_KIB = -500  # the search connection's page cache per schema (negative: KiB, SQLite's unit)

KIND_REGISTRATION = "registration"
KIND_RECOGNIZED = "recognized"
KIND_IMPORTED = "imported"  # an earlier year's decision list imported (services/recognized)
RANK_LIMIT = 3000  # more matches than this: no bm25 ranking (it would cost more than a keystroke)
_YEAR_SPAN = (
    10**9
)  # FTS rowid = year · 10⁹ + 3 · id (+ 1 for a dossier, + 2 for an imported one): newest years largest
_GRADES_SQL = ", ".join(f"'{g}'" for g in RECOGNIZED_GRADES)
# hits kept between keystrokes (the Tra cứu page shows 300 a query: a few queries typed; ~0.8 KB a hit)
_HIT_CACHE = 2_000
_RECENT = dt.timedelta(seconds=2)  # updated_at has second precision: rows this recent are re-read


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "registration" | "recognized" | "imported"
    ref_id: int
    year: int
    unit_name: str
    title: str
    authors: str
    grade: str = ""
    code: str = ""  # dossier code (HS26-007) of a recognized dossier; "QĐ 45/QĐ-UBND" of an imported one
    score: float = 0.0
    matched: str = ""  # where the words were found, for the Tra cứu page ("tồn tại: “…số liệu…”")

    @property
    def kind_label(self) -> str:
        if self.kind == KIND_RECOGNIZED:
            return f"Đã công nhận ({self.grade})"
        if self.kind == KIND_IMPORTED:
            return (
                f"Đã công nhận ({self.grade}, dữ liệu nhập)" if self.grade else "Đã công nhận (dữ liệu nhập)"
            )
        return "Đăng ký"

    @property
    def recognized(self) -> bool:
        return self.kind in (KIND_RECOGNIZED, KIND_IMPORTED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.ref_id,
            "year": self.year,
            "unit": self.unit_name,
            "title": self.title,
            "authors": self.authors,
            "grade": self.grade,
            "code": self.code,
            "score": round(self.score, 3),
        }


def search(
    db: Database, query: str, *, limit: int = 50, year: int | None = None, with_matches: bool = True
) -> list[SearchHit]:
    """Registrations and recognized initiatives matching every word of ``query`` (prefixes allowed),
    best first. ``with_matches=False`` leaves ``SearchHit.matched`` empty (the Tra cứu page fills it with
    ``describe_hits`` once typing pauses: it costs more than the search itself)."""
    words = fold_words(query)
    if not words:
        return []
    if db.is_sqlite and db.network is None:  # the index keeps a connection of its own: not on a network file
        index = SearchIndex.of(db)
        if index.available():
            return index.search(words, limit, year, with_matches)
    with db.reading() as session:
        return _like_search(session, words, limit, year, with_matches)


def describe_hits(db: Database, hits: list[SearchHit], query: str) -> list[SearchHit]:
    """``hits`` with ``matched`` filled: where the words of ``query`` were found in each."""
    words = fold_words(query)
    if not words or not hits:
        return hits
    with db.reading() as session:
        return _with_matches(hits, words, lambda ids: _texts_orm(session, ids))


def search_like(db: Database, query: str, *, limit: int = 50, year: int | None = None) -> list[SearchHit]:
    """The portable path (LIKE on folded columns), used on PostgreSQL and where FTS5 is missing."""
    words = fold_words(query)
    if not words:
        return []
    with db.reading() as session:
        return _like_search(session, words, limit, year)


def warm_up(db: Database) -> None:
    """Build (or bring up to date) the search index now, e.g. in the background when the Tra cứu page
    opens, so that the first keystroke does not pay for it."""
    if db.is_sqlite and db.network is None:  # the index keeps a connection of its own: not on a network file
        index = SearchIndex.of(db)
        if index.available():
            index.sync()


# ----------------------------------------------------------------------------------------------------
# FTS5


def fts5_available(conn: Any) -> bool:
    """Whether this SQLite (a DBAPI connection) has FTS5."""
    try:
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.sk_fts5_probe USING fts5(a)")
        conn.execute("DROP TABLE temp.sk_fts5_probe")
        conn.commit()
        return True
    except Exception:  # sqlite3.OperationalError: no such module: fts5
        conn.rollback()
        log.info("SQLite has no FTS5: search falls back to LIKE")
        return False


_INDEXES: weakref.WeakKeyDictionary[Database, SearchIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


class SearchIndex:
    """The FTS5 index of one SQLite database, on a connection of its own (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self._engine = db.engine  # not the Database: the registry is keyed weakly by it
        self._lock = threading.RLock()
        self._fairy: Any = None  # SQLAlchemy's pooled connection, kept checked out
        self._available: bool | None = None
        self._version: int | None = None
        self._synced_at: str = ""
        # id → its rowid and the hash of what its indexed text depends on (unit, updated_at, and a dossier's
        # grade and authors), to see what changed since the last sync (``_entry``)
        self._regs = _Rows()
        self._dossiers = _Rows()
        self._imported = _Rows()
        self._units: dict[int, str] = {}
        self._hits: dict[int, SearchHit] = {}  # rowid → hit of recent searches (see _hydrate)
        self.rebuilds = 0  # how many rows were (re)indexed, for tests and benchmarks
        event.listen(db.engine, "engine_disposed", self._on_dispose)

    @classmethod
    def of(cls, db: Database) -> SearchIndex:
        with _INDEXES_LOCK:
            index = _INDEXES.get(db)
            if index is None:
                index = _INDEXES[db] = cls(db)
            return index

    def _on_dispose(self, _engine: Any) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._fairy is not None:
                try:
                    self._fairy.invalidate()  # closes the SQLite connection (its TEMP table goes with it)
                except Exception:  # pragma: no cover - closing a broken connection
                    log.exception("closing the search connection")
                self._fairy = None
            self._version = None
            self._regs.clear()
            self._dossiers.clear()
            self._imported.clear()
            self._units.clear()
            self._hits.clear()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        with self._lock:
            if self._fairy is None:
                self._fairy = self._engine.raw_connection()
                self._version = None
                # The index's TEMP table in a temporary file, not in memory: some 70 MB less for ten years
                # of initiatives, no slower (the OS caches the file).
                self._fairy.driver_connection.execute("PRAGMA temp_store=FILE")
                # Its page caches small (500 KB each instead of 2 MB): the build reads every row once, and a
                # query reads a few pages of the FTS table, which the OS caches anyway (~3 MB less, as fast).
                for schema in ("main", "temp"):
                    self._fairy.driver_connection.execute(f"PRAGMA {schema}.cache_size={_PAGE_CACHE_KIB}")
            yield self._fairy.driver_connection

    def available(self) -> bool:
        if self._available is None:
            with self._connection() as raw:
                self._available = fts5_available(raw)
        return self._available

    def _hydrate(self, raw: Any, ranked: list[tuple[int, float]]) -> list[SearchHit]:
        """The hits of ``ranked`` (rowid, score), read from the database once while it does not change:
        one letter more typed mostly finds what the last one found."""
        missing = [rowid for rowid, _ in ranked if rowid not in self._hits]
        if missing:
            if len(self._hits) + len(missing) > _HIT_CACHE:
                self._hits.clear()
            self._hits.update(_hydrate_raw(raw, missing))
        return [
            _with_score(hit, score) for rowid, score in ranked if (hit := self._hits.get(rowid)) is not None
        ]

    # keeping up to date -------------------------------------------------------------------------
    def sync(self) -> None:
        """Bring the index up to date with the database (nothing to do when no one committed since)."""
        with self._connection() as raw:
            version = raw.execute("PRAGMA data_version").fetchone()[0]
            if version == self._version:
                return
            self._hits.clear()
            try:
                self._sync(raw)
                raw.commit()
            except BaseException:
                raw.rollback()
                self._fairy.invalidate()
                self._fairy = None
                self._version = None
                raise
            self._version = version

    def _sync(self, raw: Any) -> None:
        fresh = self._version is None or (not self._regs and not self._dossiers and not self._imported)
        if self._version is None:
            raw.execute("DROP TABLE IF EXISTS temp.sk_search_fts")
            raw.execute(
                "CREATE VIRTUAL TABLE temp.sk_search_fts USING fts5("
                "title, body, prefix='1 2 3', tokenize='unicode61 remove_diacritics 2')"
            )
            self._regs.clear()
            self._dossiers.clear()
            self._imported.clear()
            self._units.clear()
        recent = self._synced_at
        self._synced_at = (dt.datetime.now() - _RECENT).strftime("%Y-%m-%d %H:%M:%S")

        units = dict(raw.execute("SELECT id, name FROM units").fetchall())
        renamed = {i for i, name in units.items() if self._units.get(i) != name}
        self._units = units
        unit_keys: dict[int, str] = {}

        def unit_key(unit_id: int) -> str:
            if unit_id not in unit_keys:
                unit_keys[unit_id] = fold_key(units.get(unit_id, ""))
            return unit_keys[unit_id]

        # registrations (row by row: ten years of them are never all in memory at once)
        seen = _IdSet()
        stale: array[int] = array("q")  # numbers, not a list of objects: all of them on the first sync
        for reg_id, year, unit_id, updated in raw.execute(
            "SELECT id, year, unit_id, updated_at FROM registrations"
        ):
            seen.add(reg_id)
            if (
                self._regs.get(reg_id) != _entry(_rowid(year, reg_id, False), hash((unit_id, updated)))
                or unit_id in renamed
                or (not fresh and str(updated) >= recent)
            ):
                stale.append(reg_id)
        gone = [i for i in self._regs if i not in seen]
        del seen
        self._delete(raw, [_rowid_of(self._regs.pop(i)) for i in gone])
        self._delete(raw, [_rowid_of(self._regs[i]) for i in stale if i in self._regs])
        rows: list[tuple[int, str, str]] = []
        for chunk in _chunks(stale):
            marks = ", ".join("?" * len(chunk))
            for reg_id, year, unit_id, updated, title_key, search_key in raw.execute(
                "SELECT id, year, unit_id, updated_at, title_key, search_key FROM registrations "
                f"WHERE id IN ({marks})",
                chunk,
            ):
                rowid = _rowid(year, reg_id, False)
                self._regs[reg_id] = _entry(rowid, hash((unit_id, updated)))
                rows.append((rowid, title_key or "", f"{search_key or ''} {unit_key(unit_id)}"))
            self._insert(raw, rows)  # chunk by chunk: ten years of texts are never all in memory at once
        # recognized dossiers (with the people who wrote them)
        authors_sig = {
            row[0]: row[1:]
            for row in raw.execute(
                "SELECT a.dossier_id, count(*), total(a.person_id * 1000 + a.position), max(p.updated_at) "
                "FROM authorships a JOIN people p ON p.id = a.person_id "
                "JOIN grade_results g ON g.dossier_id = a.dossier_id "
                f"WHERE g.grade IN ({_GRADES_SQL}) GROUP BY a.dossier_id"
            ).fetchall()
        }
        current_d: dict[int, int] = {}  # id → _entry(rowid, signature) of the recognized dossiers
        stale_d: list[int] = []
        for d_id, year, unit_id, updated, grade in raw.execute(
            "SELECT d.id, d.year, d.unit_id, d.updated_at, g.grade FROM dossiers d "
            f"JOIN grade_results g ON g.dossier_id = d.id WHERE g.grade IN ({_GRADES_SQL})"
        ):
            authors = authors_sig.get(d_id)
            signature = current_d[d_id] = _entry(
                _rowid(year, d_id, True),
                hash((unit_id, updated, grade, authors)),
            )
            if (
                self._dossiers.get(d_id) != signature
                or unit_id in renamed
                or (not fresh and (str(updated) >= recent or str((authors or ("",) * 3)[2]) >= recent))
            ):
                stale_d.append(d_id)
        del authors_sig
        gone_d = [i for i in self._dossiers if i not in current_d]
        self._delete(raw, [_rowid_of(self._dossiers.pop(i)) for i in gone_d])
        self._delete(raw, [_rowid_of(self._dossiers[i]) for i in stale_d if i in self._dossiers])
        for d_id, title_key, body in _dossier_texts_raw(raw, stale_d, unit_key):
            self._dossiers[d_id] = current_d[d_id]
            rows.append((_rowid_of(current_d[d_id]), title_key, body))
            if len(rows) >= _CHUNK:
                self._insert(raw, rows)
        self._insert(raw, rows)
        self._sync_imported(raw, fresh, recent, renamed, unit_key)

    def _sync_imported(self, raw: Any, fresh: bool, recent: str, renamed: set[int], unit_key: Any) -> None:
        """Earlier years' imported initiatives: re-indexed when they, their import (its decision) or their
        unit changed."""
        current: dict[int, int] = {}
        stale: list[int] = []
        for i_id, year, unit_id, updated, batch_updated in raw.execute(
            "SELECT i.id, i.year, i.unit_id, i.updated_at, b.updated_at FROM recognized_initiatives i "
            "JOIN recognized_imports b ON b.id = i.import_id"
        ):
            signature = current[i_id] = _entry(_rowid(year, i_id, 2), hash((unit_id, updated, batch_updated)))
            changed = not fresh and (str(updated) >= recent or str(batch_updated) >= recent)
            if self._imported.get(i_id) != signature or unit_id in renamed or changed:
                stale.append(i_id)
        gone = [i for i in self._imported if i not in current]
        self._delete(raw, [_rowid_of(self._imported.pop(i)) for i in gone])
        self._delete(raw, [_rowid_of(self._imported[i]) for i in stale if i in self._imported])
        rows: list[tuple[int, str, str]] = []
        for chunk in _chunks(stale):
            marks = ", ".join("?" * len(chunk))
            for i_id, title_key, search_key, unit_id, decision in raw.execute(
                "SELECT i.id, i.title_key, i.search_key, i.unit_id, b.decision_no FROM recognized_initiatives i "
                f"JOIN recognized_imports b ON b.id = i.import_id WHERE i.id IN ({marks})",
                chunk,
            ):
                self._imported[i_id] = current[i_id]
                body = f"{search_key or ''} {unit_key(unit_id)} {fold_key(decision)}"
                rows.append((_rowid_of(current[i_id]), title_key or "", body))
            self._insert(raw, rows)

    def _insert(self, raw: Any, rows: list[tuple[int, str, str]]) -> None:
        """Index ``rows`` (rowid, folded title, folded body) and empty the list."""
        if rows:
            raw.executemany("INSERT INTO temp.sk_search_fts (rowid, title, body) VALUES (?, ?, ?)", rows)
            self.rebuilds += len(rows)
            rows.clear()

    @staticmethod
    def _delete(raw: Any, rowids: list[int]) -> None:
        if rowids:
            raw.executemany("DELETE FROM temp.sk_search_fts WHERE rowid = ?", [(r,) for r in rowids])

    # querying -----------------------------------------------------------------------------------
    def search(
        self, words: list[str], limit: int, year: int | None, with_matches: bool = True
    ) -> list[SearchHit]:
        self.sync()
        match = _prefix_query(words)
        exact = _exact_query(words)
        low, high = (year * _YEAR_SPAN, (year + 1) * _YEAR_SPAN - 1) if year is not None else (0, 2**62)
        with self._connection() as raw:
            where = "sk_search_fts MATCH ? AND rowid BETWEEN ? AND ?"
            (matches,) = raw.execute(  # counted in SQLite: no row comes to Python
                f"SELECT count(*) FROM (SELECT 1 FROM temp.sk_search_fts WHERE {where} LIMIT ?)",
                (match, low, high, RANK_LIMIT + 1),
            ).fetchone()
            ranked: list[tuple[int, float]] = []
            seen: set[int] = set()
            if matches <= RANK_LIMIT:
                # tiers: the phrase in the title, the words in the title (whole, then as prefixes, as typed),
                # every word whole anywhere, then the rest; bm25 (title first) inside a tier. "so hoa" lists
                # "Số hóa …" first and "Âm nhạc … hoạt động" (a "hoa…" word and "sổ" in its text) last.
                for bonus, query in _tiers(words, match, exact):
                    found = raw.execute(
                        f"SELECT rowid, bm25(sk_search_fts, 8.0, 1.0) AS rank FROM temp.sk_search_fts "
                        f"WHERE {where} ORDER BY rank LIMIT ?",
                        (query, low, high, limit),
                    ).fetchall()
                    for rowid, rank in found:
                        if rowid not in seen and len(ranked) < limit:
                            seen.add(rowid)
                            ranked.append((rowid, bonus - float(rank)))
                    if len(ranked) >= limit:
                        break
            else:  # a broad query: title matches first (whole words first), then the rest, newest years first
                for query in (f"title : ({exact})", f"title : ({match})", exact, match):
                    for (rowid,) in raw.execute(
                        f"SELECT rowid FROM temp.sk_search_fts WHERE {where} ORDER BY rowid DESC LIMIT ?",
                        (query, low, high, limit),
                    ):
                        if rowid not in seen and len(ranked) < limit:
                            seen.add(rowid)
                            ranked.append((rowid, 0.0))
            hits = self._hydrate(raw, ranked)
            return _with_matches(hits, words, lambda ids: _texts_raw(raw, ids)) if with_matches else hits


# rank tiers (a hit's score is its tier's bonus plus, inside the tier, bm25 or the LIKE path's word points)
PHRASE_BONUS = 400.0  # the words, in order, as whole words in the title
TITLE_WORDS_BONUS = 300.0  # every word a whole word of the title
TITLE_PREFIX_BONUS = 200.0  # every word starts a word of the title (as the secretary types)
WHOLE_WORDS_BONUS = (
    100.0  # every word found as a whole word somewhere (not only as the start of a longer one)
)


def _prefix_query(words: list[str]) -> str:
    return " AND ".join(f'"{w}"*' for w in words)


def _exact_query(words: list[str]) -> str:
    return " AND ".join(f'"{w}"' for w in words)


def _tiers(words: list[str], prefix: str, exact: str) -> list[tuple[float, str]]:
    phrase = '"' + " ".join(words) + '"'
    return [
        (PHRASE_BONUS, f"title : {phrase}"),
        (TITLE_WORDS_BONUS, f"title : ({exact})"),
        (TITLE_PREFIX_BONUS, f"title : ({prefix})"),
        (WHOLE_WORDS_BONUS, exact),
        (0.0, prefix),
    ]


def _rowid(year: int, ref_id: int, kind: int) -> int:
    """``kind``: 0 a registration, 1 a recognized dossier, 2 an imported initiative."""
    return int(year) * _YEAR_SPAN + 3 * int(ref_id) + int(kind)


_HASH_MASK = (1 << 64) - 1


def _entry(rowid: int, signature: int) -> int:
    """A row's rowid and signature (a ``hash``) as one number: 85,000 rows take ~4 MB instead of ~11 MB as
    tuples of two numbers."""
    return (rowid << 64) | (signature & _HASH_MASK)


def _rowid_of(entry: int) -> int:
    return entry >> 64


_DENSE_IDS = 10_000_000  # ids below this are kept in the arrays, any above in a dict


class _Rows:
    """id → ``_entry(rowid, signature)`` of the rows indexed, as two arrays of 8-byte numbers indexed by id
    (ids are small and dense): ten years of rows take ~1 MB instead of ~8 MB as a dict of numbers."""

    def __init__(self) -> None:
        self._rowids = array("q")  # 0: no row (a rowid is never 0)
        self._signatures = array("Q")
        self._far: dict[int, int] = {}  # ids too large for the arrays
        self._count = 0

    def get(self, row_id: int) -> int | None:
        if row_id >= _DENSE_IDS or row_id < 0:
            return self._far.get(row_id)
        if row_id < len(self._rowids) and self._rowids[row_id]:
            return _entry(self._rowids[row_id], self._signatures[row_id])
        return None

    def __getitem__(self, row_id: int) -> int:
        found = self.get(row_id)
        if found is None:
            raise KeyError(row_id)
        return found

    def __contains__(self, row_id: int) -> bool:
        return self.get(row_id) is not None

    def __setitem__(self, row_id: int, entry: int) -> None:
        if row_id >= _DENSE_IDS or row_id < 0:
            self._far[row_id] = entry
            return
        if row_id >= len(self._rowids):
            grow = max(row_id + 1, 2 * len(self._rowids)) - len(self._rowids)
            self._rowids.extend(array("q", bytes(8 * grow)))
            self._signatures.extend(array("Q", bytes(8 * grow)))
        if not self._rowids[row_id]:
            self._count += 1
        self._rowids[row_id] = _rowid_of(entry)
        self._signatures[row_id] = entry & _HASH_MASK

    def pop(self, row_id: int) -> int:
        if row_id >= _DENSE_IDS or row_id < 0:
            return self._far.pop(row_id)
        entry = self[row_id]
        self._rowids[row_id] = 0
        self._signatures[row_id] = 0
        self._count -= 1
        return entry

    def __iter__(self) -> Iterator[int]:
        rowids = self._rowids
        yield from (i for i in range(len(rowids)) if rowids[i])
        yield from list(self._far)

    def __len__(self) -> int:
        return self._count + len(self._far)

    def clear(self) -> None:
        self._rowids = array("q")
        self._signatures = array("Q")
        self._far.clear()
        self._count = 0


_CHUNK = 500


def _chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


class _IdSet:
    """A set of row ids as one byte per id (ids are small and dense; any past ``_DENSE_IDS`` in a set): the
    ids of ten years of registrations in ~50 KB instead of ~3 MB."""

    def __init__(self) -> None:
        self._marks = bytearray()
        self._far: set[int] = set()

    def add(self, row_id: int) -> None:
        if not 0 <= row_id < _DENSE_IDS:
            self._far.add(row_id)
            return
        if row_id >= len(self._marks):
            self._marks.extend(bytes(max(row_id + 1, 2 * len(self._marks)) - len(self._marks)))
        self._marks[row_id] = 1

    def __contains__(self, row_id: int) -> bool:
        if not 0 <= row_id < _DENSE_IDS:
            return row_id in self._far
        return row_id < len(self._marks) and self._marks[row_id] == 1


def _author_names_raw(raw: Any, dossier_ids: list[int]) -> dict[int, list[str]]:
    """Dossier id → its authors' names in the order of the đơn (a chunk of ids, on a DBAPI connection)."""
    marks = ", ".join("?" * len(dossier_ids))
    names: dict[int, list[str]] = {}
    for dossier_id, name in raw.execute(
        "SELECT a.dossier_id, p.full_name FROM authorships a JOIN people p ON p.id = a.person_id "
        f"WHERE a.dossier_id IN ({marks}) ORDER BY a.dossier_id, a.position",
        dossier_ids,
    ):
        names.setdefault(dossier_id, []).append(name)
    return names


def _dossier_texts_raw(raw: Any, ids: list[int], unit_key: Any) -> Iterator[tuple[int, str, str]]:
    """(dossier id, folded title, folded body) of some dossiers, on a DBAPI connection."""
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        authors = _author_names_raw(raw, chunk)
        for d_id, title_key, summary, field, unit_id in raw.execute(
            f"SELECT id, title_key, summary, field, unit_id FROM dossiers WHERE id IN ({marks})", chunk
        ):
            body = " ".join(
                [fold_key(" ".join([summary or "", field or "", *authors.get(d_id, [])])), unit_key(unit_id)]
            )
            yield d_id, title_key or "", body


def _hydrate_raw(raw: Any, rowids: list[int]) -> dict[int, SearchHit]:
    """Index rowid → its hit (score 0) for some rowids of the index, on a DBAPI connection."""
    reg_ids = [(r % _YEAR_SPAN) // 3 for r in rowids if r % _YEAR_SPAN % 3 == 0]
    dossier_ids = [(r % _YEAR_SPAN) // 3 for r in rowids if r % _YEAR_SPAN % 3 == 1]
    imported_ids = [(r % _YEAR_SPAN) // 3 for r in rowids if r % _YEAR_SPAN % 3 == 2]
    hits: dict[int, SearchHit] = {}
    for chunk in _chunks(reg_ids):
        marks = ", ".join("?" * len(chunk))
        for reg_id, year, unit_name, title, authors in raw.execute(
            "SELECT r.id, r.year, u.name, r.title, r.authors_text FROM registrations r "
            f"JOIN units u ON u.id = r.unit_id WHERE r.id IN ({marks})",
            chunk,
        ):
            hits[_rowid(year, reg_id, False)] = SearchHit(
                KIND_REGISTRATION, reg_id, year, unit_name, one_line(title), one_line(authors)
            )
    for chunk in _chunks(dossier_ids):
        marks = ", ".join("?" * len(chunk))
        names = _author_names_raw(raw, chunk)
        for d_id, year, receipt_no, unit_name, title, grade in raw.execute(
            "SELECT d.id, d.year, d.receipt_no, u.name, d.title, g.grade FROM dossiers d "
            "JOIN units u ON u.id = d.unit_id JOIN grade_results g ON g.dossier_id = d.id "
            f"WHERE d.id IN ({marks})",
            chunk,
        ):
            hits[_rowid(year, d_id, True)] = SearchHit(
                KIND_RECOGNIZED,
                d_id,
                year,
                unit_name,
                one_line(title),
                ", ".join(names.get(d_id, [])),
                grade=grade,
                code=dossier_code(year, receipt_no),
            )
    for chunk in _chunks(imported_ids):
        marks = ", ".join("?" * len(chunk))
        names = {}
        for i_id, name in raw.execute(
            "SELECT initiative_id, full_name FROM recognized_authors "
            f"WHERE initiative_id IN ({marks}) ORDER BY initiative_id, position",
            chunk,
        ):
            names.setdefault(i_id, []).append(name)
        for row in raw.execute(
            "SELECT i.id, i.year, u.name, i.title, i.grade_label, i.grade, b.decision_no "
            "FROM recognized_initiatives i JOIN units u ON u.id = i.unit_id "
            f"JOIN recognized_imports b ON b.id = i.import_id WHERE i.id IN ({marks})",
            chunk,
        ):
            hits[_rowid(row[1], row[0], 2)] = _imported_hit(row, names.get(row[0], []))
    return hits


def _imported_hit(row: Any, authors: list[str], score: float = 0.0) -> SearchHit:
    """The hit of an imported initiative from (id, year, unit, title, grade label, grade, decision)."""
    i_id, year, unit_name, title, grade_label, grade, decision = row
    return SearchHit(
        KIND_IMPORTED,
        i_id,
        year,
        unit_name,
        one_line(title),
        ", ".join(authors),
        grade=grade_label or grade,
        code=f"QĐ {decision}" if decision else "",
        score=score,
    )


def _with_score(hit: SearchHit, score: float) -> SearchHit:
    # the constructor, not dataclasses.replace: 300 hits per keystroke
    return SearchHit(
        hit.kind,
        hit.ref_id,
        hit.year,
        hit.unit_name,
        hit.title,
        hit.authors,
        hit.grade,
        hit.code,
        score,
        hit.matched,
    )


# ----------------------------------------------------------------------------------------------------
# LIKE (portable)


def _dossier_texts(
    session: Session, recognized_only: bool = False, year: int | None = None
) -> Iterable[tuple[int, str, str]]:
    """(dossier id, folded title, folded body) for every dossier (or every recognized one, of a year)."""
    recognized = select(GradeResult.dossier_id).where(GradeResult.grade.in_(RECOGNIZED_GRADES))
    if year is not None:
        recognized = recognized.join(Dossier, Dossier.id == GradeResult.dossier_id).where(
            Dossier.year == year
        )
    authors = author_names(session, Authorship.dossier_id.in_(recognized) if recognized_only else None)
    query = select(Dossier.id, Dossier.title_key, Dossier.summary, Dossier.field, Unit.name).join(
        Unit, Unit.id == Dossier.unit_id
    )
    if recognized_only:
        query = query.where(Dossier.id.in_(recognized))
    for d_id, title_key, summary, field, unit_name in session.execute(query):
        body = " ".join(
            [fold_key(" ".join([summary or "", field or "", *authors.get(d_id, [])])), fold_key(unit_name)]
        )
        yield d_id, title_key or "", body


def _score(words: list[str], title_key: str, body: str) -> float:
    """The rank of the FTS path: the same tiers (phrase in the title, words whole in the title, words starting
    title words, words whole anywhere, the rest); inside a tier, words in the title before words elsewhere."""
    title_words = title_key.split()
    title_set = set(title_words)
    body_set = set(body.split())
    if f" {' '.join(words)} " in f" {title_key} ":
        score = PHRASE_BONUS
    elif all(w in title_set for w in words):
        score = TITLE_WORDS_BONUS
    elif all(any(t.startswith(w) for t in title_words) for w in words):
        score = TITLE_PREFIX_BONUS
    elif all(w in title_set or w in body_set for w in words):
        score = WHOLE_WORDS_BONUS
    else:
        score = 0.0
    for w in words:
        if w in title_set:
            score += 3.0
        elif any(t.startswith(w) for t in title_words):
            score += 2.0
        elif f" {w}" in f" {body}":
            score += 1.0
    return score


def _like_search(
    session: Session, words: list[str], limit: int, year: int | None, with_matches: bool = True
) -> list[SearchHit]:
    ranked: list[tuple[str, int, float]] = []
    query = select(Registration.id, Registration.title_key, Registration.search_key, Unit.name).join(
        Unit, Unit.id == Registration.unit_id
    )
    if year is not None:
        query = query.where(Registration.year == year)
    haystack = " " + Registration.search_key + " " + Unit.name_key
    for w in words:  # a word starting with w, as FTS5's prefix query "w"*
        query = query.where(haystack.contains(" " + w, autoescape=True))
    for reg_id, title_key, search_key, _unit in session.execute(query):
        ranked.append(("registration", reg_id, _score(words, title_key or "", search_key or "")))
    for d_id, title_key, body in _dossier_texts(session, recognized_only=True, year=year):
        text_ = f" {title_key} {body}"
        if all(f" {w}" in text_ for w in words):
            ranked.append(("dossier", d_id, _score(words, title_key, body)))
    imported = select(
        RecognizedInitiative.id, RecognizedInitiative.title_key, RecognizedInitiative.search_key
    ).join(Unit, Unit.id == RecognizedInitiative.unit_id)
    if year is not None:
        imported = imported.where(RecognizedInitiative.year == year)
    haystack = " " + RecognizedInitiative.search_key + " " + Unit.name_key
    for w in words:
        imported = imported.where(haystack.contains(" " + w, autoescape=True))
    for i_id, title_key, search_key in session.execute(imported):
        ranked.append((KIND_IMPORTED, i_id, _score(words, title_key or "", search_key or "")))
    ranked.sort(key=lambda r: -r[2])
    hits = _hydrate(session, ranked[:limit])
    return _with_matches(hits, words, lambda ids: _texts_orm(session, ids)) if with_matches else hits


def _hydrate(session: Session, wanted: list[tuple[str, int, float]]) -> list[SearchHit]:
    reg_ids = [i for k, i, _ in wanted if k == "registration"]
    dossier_ids = [i for k, i, _ in wanted if k == "dossier"]
    regs: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(reg_ids):
        for row in session.execute(
            select(
                Registration.id, Registration.year, Unit.name, Registration.title, Registration.authors_text
            )
            .join(Unit, Unit.id == Registration.unit_id)
            .where(Registration.id.in_(chunk))
        ):
            regs[row[0]] = tuple(row)
    dossiers: dict[int, tuple[Any, ...]] = {}
    names: dict[int, list[str]] = {}
    for chunk in _chunks(dossier_ids):
        for drow in session.execute(
            select(Dossier.id, Dossier.year, Dossier.receipt_no, Unit.name, Dossier.title, GradeResult.grade)
            .join(Unit, Unit.id == Dossier.unit_id)
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .where(Dossier.id.in_(chunk), GradeResult.grade.in_(RECOGNIZED_GRADES))
        ):
            dossiers[drow[0]] = tuple(drow)
        names.update(author_names(session, Authorship.dossier_id.in_(chunk)))
    imported: dict[int, tuple[Any, ...]] = {}
    imported_names: dict[int, list[str]] = {}
    for chunk in _chunks([i for k, i, _ in wanted if k == KIND_IMPORTED]):
        for irow in session.execute(
            select(
                RecognizedInitiative.id,
                RecognizedInitiative.year,
                Unit.name,
                RecognizedInitiative.title,
                RecognizedInitiative.grade_label,
                RecognizedInitiative.grade,
                RecognizedImport.decision_no,
            )
            .join(Unit, Unit.id == RecognizedInitiative.unit_id)
            .join(RecognizedImport, RecognizedImport.id == RecognizedInitiative.import_id)
            .where(RecognizedInitiative.id.in_(chunk))
        ):
            imported[irow[0]] = tuple(irow)
        for i_id, name in session.execute(
            select(RecognizedAuthor.initiative_id, RecognizedAuthor.full_name)
            .where(RecognizedAuthor.initiative_id.in_(chunk))
            .order_by(RecognizedAuthor.initiative_id, RecognizedAuthor.position)
        ):
            imported_names.setdefault(i_id, []).append(name)
    hits: list[SearchHit] = []
    for kind, ref_id, score in wanted:
        if kind == "registration" and ref_id in regs:
            _, year_, unit_name, title, authors = regs[ref_id]
            hits.append(
                SearchHit(
                    KIND_REGISTRATION,
                    ref_id,
                    year_,
                    unit_name,
                    one_line(title),
                    one_line(authors),
                    score=score,
                )
            )
        elif kind == "dossier" and ref_id in dossiers:
            _, year_, receipt_no, unit_name, title, grade = dossiers[ref_id]
            hits.append(
                SearchHit(
                    KIND_RECOGNIZED,
                    ref_id,
                    year_,
                    unit_name,
                    one_line(title),
                    ", ".join(names.get(ref_id, [])),
                    grade=grade,
                    code=dossier_code(year_, receipt_no),
                    score=score,
                )
            )
        elif kind == KIND_IMPORTED and ref_id in imported:
            hits.append(_imported_hit(imported[ref_id], imported_names.get(ref_id, []), score))
    return hits


# ----------------------------------------------------------------------------------------------------
# where a hit matched (shown beside it: a hit whose title does not show the words says why it is there)

# (column, label) in the order they are looked at; the title first
_REG_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "tên sáng kiến"),
    ("problem", "tồn tại"),
    ("content", "nội dung"),
    ("effect", "hiệu quả"),
    ("scope", "phạm vi"),
    ("applied_unit", "đơn vị áp dụng"),
    ("authors_text", "tác giả"),
    ("department", "bộ phận"),
)
_DOSSIER_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "tên sáng kiến"),
    ("summary", "tóm tắt"),
    ("field", "lĩnh vực"),
)
_IMPORTED_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "tên sáng kiến"),
    ("authors_text", "tác giả"),
    ("unit_text", "đơn vị"),
    ("grade_label", "xếp loại"),
    ("field", "lĩnh vực"),
    ("note", "ghi chú"),
)
_TITLE = "tên sáng kiến"
_WORD = re.compile(r"\w+")
_FOLDED_WORD = re.compile(r"[a-z0-9]+")
SNIPPET_CHARS = 70

Texts = dict[tuple[str, int], list[tuple[str, str]]]  # (kind, id) → [(label, original text)]


def _texts_raw(raw: Any, ids: list[tuple[str, int]]) -> Texts:
    """The searched texts of some hits, on the index's DBAPI connection (SQLite)."""
    out: Texts = {}
    regs = [i for k, i in ids if k == KIND_REGISTRATION]
    dossiers = [i for k, i in ids if k == KIND_RECOGNIZED]
    columns = ", ".join(f"r.{c}" for c, _ in _REG_FIELDS)
    for chunk in _chunks(regs):
        marks = ", ".join("?" * len(chunk))
        for row in raw.execute(
            f"SELECT r.id, {columns}, u.name FROM registrations r JOIN units u ON u.id = r.unit_id "
            f"WHERE r.id IN ({marks})",
            chunk,
        ):
            labels = [label for _, label in _REG_FIELDS] + ["đơn vị"]
            out[(KIND_REGISTRATION, row[0])] = list(zip(labels, (v or "" for v in row[1:]), strict=True))
    for chunk in _chunks(dossiers):
        marks = ", ".join("?" * len(chunk))
        names = _author_names_raw(raw, chunk)
        for d_id, title, summary, field, unit in raw.execute(
            "SELECT d.id, d.title, d.summary, d.field, u.name FROM dossiers d JOIN units u ON u.id = d.unit_id "
            f"WHERE d.id IN ({marks})",
            chunk,
        ):
            out[(KIND_RECOGNIZED, d_id)] = _dossier_fields(title, summary, field, names.get(d_id, []), unit)
    columns = ", ".join(f"i.{c}" for c, _ in _IMPORTED_FIELDS)
    for chunk in _chunks([i for k, i in ids if k == KIND_IMPORTED]):
        marks = ", ".join("?" * len(chunk))
        for row in raw.execute(
            f"SELECT i.id, {columns}, u.name FROM recognized_initiatives i JOIN units u ON u.id = i.unit_id "
            f"WHERE i.id IN ({marks})",
            chunk,
        ):
            out[(KIND_IMPORTED, row[0])] = _imported_fields(row[1:])
    return out


def _imported_fields(values: Any) -> list[tuple[str, str]]:
    labels = [label for _, label in _IMPORTED_FIELDS] + ["đơn vị"]
    return list(zip(labels, (v or "" for v in values), strict=True))


def _texts_orm(session: Session, ids: list[tuple[str, int]]) -> Texts:
    """The same on any database (the portable path)."""
    out: Texts = {}
    regs = [i for k, i in ids if k == KIND_REGISTRATION]
    dossiers = [i for k, i in ids if k == KIND_RECOGNIZED]
    columns = [getattr(Registration, c) for c, _ in _REG_FIELDS]
    for chunk in _chunks(regs):
        for row in session.execute(
            select(Registration.id, *columns, Unit.name)
            .join(Unit, Unit.id == Registration.unit_id)
            .where(Registration.id.in_(chunk))
        ):
            labels = [label for _, label in _REG_FIELDS] + ["đơn vị"]
            out[(KIND_REGISTRATION, row[0])] = list(zip(labels, (v or "" for v in row[1:]), strict=True))
    for chunk in _chunks(dossiers):
        names = author_names(session, Authorship.dossier_id.in_(chunk))
        for d_id, title, summary, field, unit in session.execute(
            select(Dossier.id, Dossier.title, Dossier.summary, Dossier.field, Unit.name)
            .join(Unit, Unit.id == Dossier.unit_id)
            .where(Dossier.id.in_(chunk))
        ):
            out[(KIND_RECOGNIZED, d_id)] = _dossier_fields(title, summary, field, names.get(d_id, []), unit)
    imported_columns = [getattr(RecognizedInitiative, c) for c, _ in _IMPORTED_FIELDS]
    for chunk in _chunks([i for k, i in ids if k == KIND_IMPORTED]):
        for row in session.execute(
            select(RecognizedInitiative.id, *imported_columns, Unit.name)
            .join(Unit, Unit.id == RecognizedInitiative.unit_id)
            .where(RecognizedInitiative.id.in_(chunk))
        ):
            out[(KIND_IMPORTED, row[0])] = _imported_fields(row[1:])
    return out


def _dossier_fields(
    title: Any, summary: Any, field: Any, authors: list[str], unit: Any
) -> list[tuple[str, str]]:
    return [
        (_TITLE, title or ""),
        ("tóm tắt", summary or ""),
        ("lĩnh vực", field or ""),
        ("tác giả", ", ".join(authors)),
        ("đơn vị", unit or ""),
    ]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) of each word of ``text``, positions in the original text."""
    folded = strip_marks(text).casefold()
    if len(folded) == len(text):  # one folded letter per letter (NFC Vietnamese): positions carry over
        return [(m.group(), m.start(), m.end()) for m in _FOLDED_WORD.finditer(folded)]
    out = []
    for m in _WORD.finditer(text):
        words = fold_words(m.group())
        if words:
            out.append((words[0], m.start(), m.end()))
    return out


def _snippet(text: str, start: int, end: int) -> str:
    text_one = text.replace("\n", " ")
    left = max(0, start - SNIPPET_CHARS // 3)
    right = min(len(text_one), max(end, left + SNIPPET_CHARS))
    while left > 0 and text_one[left - 1].isalnum():
        left -= 1
    while right < len(text_one) and text_one[right].isalnum():
        right += 1
    piece = " ".join(text_one[left:right].split())
    return ("…" if left > 0 else "") + piece + ("…" if right < len(text_one) else "")


def describe_match(words: list[str], fields: list[tuple[str, str]]) -> str:
    """Where the (folded) words are found in ``fields`` [(label, text)], title first, whole words before
    prefixes: "tên sáng kiến", "tồn tại: “…số liệu phân tán ở nhiều sổ sách…”", or with a word found only as
    the start of a longer one, "tên sáng kiến (hoa → hoạt)"."""
    # A field is folded only when it is looked at, and split into located words only when its folded
    # words hold the word: most hits match in the title, and a keystroke describes up to 300 hits.
    keys: dict[int, str] = {}
    located: dict[int, list[tuple[str, int, int]]] = {}

    def holds(i: int, needle: str) -> bool:
        if i not in keys:
            keys[i] = f" {fold_key(fields[i][1])} "
        return needle in keys[i]

    chosen: dict[int, list[tuple[str, int, int, bool]]] = {}  # field index → [(word, start, end, exact)]
    for w in words:
        best: tuple[int, int, int, bool] | None = None
        for exact in (True, False):
            needle = f" {w} " if exact else f" {w}"
            for i in range(len(fields)):
                if not holds(i, needle):
                    continue
                if i not in located:
                    located[i] = _tokens(fields[i][1])
                hit = next(((s, e) for t, s, e in located[i] if (t == w if exact else t.startswith(w))), None)
                if hit is not None:
                    best = (i, hit[0], hit[1], exact)
                    break
            if best is not None:
                break
        if best is not None:
            chosen.setdefault(best[0], []).append((w, best[1], best[2], best[3]))
    parts = []
    for i in sorted(chosen):
        label, text = fields[i]
        found = chosen[i]
        near = ", ".join(f"{w} → {text[s:e]}" for w, s, e, exact in found if not exact)
        if label == _TITLE:
            part = label
        else:
            start = min(s for _w, s, _e, _x in found)
            end = max(e for _w, _s, e, _x in found)
            part = f"{label}: “{_snippet(text, start, end)}”"
        parts.append(part + (f" ({near})" if near else ""))
    return "; ".join(parts)


def _with_matches(hits: list[SearchHit], words: list[str], fetch: Any) -> list[SearchHit]:
    if not hits:
        return hits
    texts: Texts = fetch([(h.kind, h.ref_id) for h in hits])
    return [replace(h, matched=describe_match(words, texts.get((h.kind, h.ref_id), []))) for h in hits]
