"""Search across all years: registrations and recognized initiatives (dossiers graded A/B/C/CN).

Accent-insensitive with đ folded to d: "doi moi" finds "Đổi mới". Everything is matched on folded text
(``text.fold_key``): ``registrations.search_key`` (kept by the model), dossiers' ``title_key`` plus their
folded summary, authors and unit.

* SQLite with FTS5: a TEMP FTS5 table per connection holds the folded texts, rebuilt when the data
  changed (a cheap fingerprint query decides), queried with prefix terms and ranked by bm25 (title first).
  Being TEMP, it never enters the schema or the migrations.
* SQLite without FTS5 (some Python builds) and PostgreSQL: LIKE on the folded columns, ranked in Python.
Both paths return the same hits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, selectinload

from ..db.database import Database
from ..domain.text import fold_key, fold_words, one_line
from ..models import Authorship, Dossier, GradeResult, Person, Registration, Unit
from .duplicates import RECOGNIZED_GRADES

log = logging.getLogger(__name__)

KIND_REGISTRATION = "registration"
KIND_RECOGNIZED = "recognized"
_FTS_TABLE = "temp.sk_search_fts"
_FINGERPRINT_KEY = "sangkien_search_fingerprint"
_PROBE_KEY = "sangkien_fts5"


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "registration" | "recognized"
    ref_id: int
    year: int
    unit_name: str
    title: str
    authors: str
    grade: str = ""
    code: str = ""  # dossier code (HS26-007) for a recognized initiative
    score: float = 0.0

    @property
    def kind_label(self) -> str:
        if self.kind == KIND_RECOGNIZED:
            return f"Đã công nhận ({self.grade})"
        return "Đăng ký"

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


def search(db: Database, query: str, *, limit: int = 50, year: int | None = None) -> list[SearchHit]:
    """Registrations and recognized initiatives matching every word of ``query`` (prefixes allowed),
    best first."""
    words = fold_words(query)
    if not words:
        return []
    if db.is_sqlite:
        with db.engine.connect() as conn:
            if fts5_available(conn):
                ranked = _fts_search(conn, words, limit * 3)
                conn.commit()
                with db.reading() as session:
                    return _hydrate(session, ranked, year, limit)
    with db.reading() as session:
        return _like_search(session, words, limit, year)


def search_like(db: Database, query: str, *, limit: int = 50, year: int | None = None) -> list[SearchHit]:
    """The portable path (LIKE on folded columns), used on PostgreSQL and where FTS5 is missing."""
    words = fold_words(query)
    if not words:
        return []
    with db.reading() as session:
        return _like_search(session, words, limit, year)


# ----------------------------------------------------------------------------------------------------
# FTS5


def fts5_available(conn: Connection) -> bool:
    """Whether this SQLite has FTS5 (probed once per connection)."""
    info = conn.connection.info
    if _PROBE_KEY not in info:
        try:
            conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.sk_fts5_probe USING fts5(a)")
            conn.exec_driver_sql("DROP TABLE temp.sk_fts5_probe")
            conn.commit()
            info[_PROBE_KEY] = True
        except Exception:  # sqlite3.OperationalError: no such module: fts5
            conn.rollback()
            info[_PROBE_KEY] = False
            log.info("SQLite has no FTS5: search falls back to LIKE")
    return bool(info[_PROBE_KEY])


def _fingerprint(conn: Connection) -> tuple[Any, ...]:
    row = conn.execute(
        text(
            "SELECT (SELECT count(*) FROM registrations),"
            " (SELECT max(updated_at) FROM registrations),"
            " (SELECT total(length(search_key)) FROM registrations),"
            " (SELECT max(id) FROM registrations),"
            " (SELECT count(*) FROM dossiers),"
            " (SELECT max(updated_at) FROM dossiers),"
            " (SELECT total(length(title_key)) + total(length(summary)) FROM dossiers),"
            " (SELECT count(*) FROM authorships),"
            " (SELECT total(person_id) FROM authorships),"
            " (SELECT count(*) FROM units),"
            " (SELECT max(updated_at) FROM units)"
        )
    ).one()
    return tuple(row)


def _dossier_texts(session_or_conn: Any) -> Iterable[tuple[int, str, str]]:
    """(dossier id, folded title, folded body) for every dossier."""
    authors: dict[int, list[str]] = {}
    for dossier_id, name in session_or_conn.execute(
        select(Authorship.dossier_id, Person.full_name)
        .join(Person, Person.id == Authorship.person_id)
        .order_by(Authorship.dossier_id, Authorship.position)
    ):
        authors.setdefault(dossier_id, []).append(name)
    for d_id, title_key, summary, field, unit_name in session_or_conn.execute(
        select(Dossier.id, Dossier.title_key, Dossier.summary, Dossier.field, Unit.name).join(
            Unit, Unit.id == Dossier.unit_id
        )
    ):
        body = fold_key(" ".join([summary or "", field or "", unit_name or "", *authors.get(d_id, [])]))
        yield d_id, title_key or "", body


def _rebuild(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_FTS_TABLE}")
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {_FTS_TABLE} USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2')"
    )
    rows: list[dict[str, Any]] = []
    for reg_id, title_key, search_key, unit_name in conn.execute(
        select(Registration.id, Registration.title_key, Registration.search_key, Unit.name).join(
            Unit, Unit.id == Registration.unit_id
        )
    ):
        rows.append(
            {"k": "r", "i": reg_id, "t": title_key or "", "b": f"{search_key or ''} {fold_key(unit_name)}"}
        )
    for d_id, title_key, body in _dossier_texts(conn):
        rows.append({"k": "d", "i": d_id, "t": title_key, "b": body})
    if rows:
        conn.execute(
            text(f"INSERT INTO {_FTS_TABLE} (kind, ref_id, title, body) VALUES (:k, :i, :t, :b)"), rows
        )


def _fts_search(conn: Connection, words: list[str], limit: int) -> list[tuple[str, int, float]]:
    info = conn.connection.info
    fingerprint = _fingerprint(conn)
    if info.get(_FINGERPRINT_KEY) != fingerprint:
        _rebuild(conn)
        conn.commit()
        info[_FINGERPRINT_KEY] = fingerprint
    match = " AND ".join(f'"{w}"*' for w in words)
    found = conn.execute(
        text(
            f"SELECT kind, ref_id, bm25(sk_search_fts, 0, 0, 8.0, 1.0) AS rank FROM {_FTS_TABLE} "
            "WHERE sk_search_fts MATCH :q ORDER BY rank LIMIT :n"
        ),
        {"q": match, "n": limit},
    ).all()
    # bm25 is lower for better matches; turn it into a positive score
    return [("registration" if k == "r" else "dossier", int(i), -float(rank)) for k, i, rank in found]


# ----------------------------------------------------------------------------------------------------
# LIKE (portable)


def _score(words: list[str], title_key: str, body: str) -> float:
    """A simple rank: the whole phrase in the title first, then words in the title, then elsewhere."""
    phrase = " ".join(words)
    title_words = title_key.split()
    score = 0.0
    if phrase in title_key:
        score += 10.0
    for w in words:
        if any(t.startswith(w) for t in title_words):
            score += 3.0
        elif f" {w}" in f" {body}":
            score += 1.0
    return score


def _like_search(session: Session, words: list[str], limit: int, year: int | None) -> list[SearchHit]:
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
    recognized = set(
        session.scalars(select(GradeResult.dossier_id).where(GradeResult.grade.in_(RECOGNIZED_GRADES))).all()
    )
    if recognized:
        for d_id, title_key, body in _dossier_texts(session):
            if d_id not in recognized:
                continue
            text_ = f" {title_key} {body}"
            if all(f" {w}" in text_ for w in words):
                ranked.append(("dossier", d_id, _score(words, title_key, body)))
    ranked.sort(key=lambda r: -r[2])
    return _hydrate(session, ranked, year, limit)


# ----------------------------------------------------------------------------------------------------
# Turning ids into hits


def _hydrate(
    session: Session, ranked: list[tuple[str, int, float]], year: int | None, limit: int
) -> list[SearchHit]:
    reg_ids = [i for k, i, _ in ranked if k == "registration"]
    dossier_ids = [i for k, i, _ in ranked if k == "dossier"]
    regs: dict[int, Registration] = {}
    if reg_ids:
        query = (
            select(Registration).options(selectinload(Registration.unit)).where(Registration.id.in_(reg_ids))
        )
        regs = {r.id: r for r in session.scalars(query)}
    dossiers: dict[int, tuple[Dossier, str]] = {}
    if dossier_ids:
        query = (
            select(Dossier, GradeResult.grade)
            .join(GradeResult, GradeResult.dossier_id == Dossier.id)
            .options(
                selectinload(Dossier.unit),
                selectinload(Dossier.authorships).selectinload(Authorship.person),
            )
            .where(Dossier.id.in_(dossier_ids), GradeResult.grade.in_(RECOGNIZED_GRADES))
        )
        dossiers = {d.id: (d, grade) for d, grade in session.execute(query)}
    hits: list[SearchHit] = []
    for kind, ref_id, score in ranked:
        if kind == "registration" and ref_id in regs:
            r = regs[ref_id]
            if year is not None and r.year != year:
                continue
            hits.append(
                SearchHit(
                    KIND_REGISTRATION,
                    r.id,
                    r.year,
                    r.unit.name,
                    one_line(r.title),
                    one_line(r.authors_text),
                    score=score,
                )
            )
        elif kind == "dossier" and ref_id in dossiers:
            d, grade = dossiers[ref_id]
            if year is not None and d.year != year:
                continue
            hits.append(
                SearchHit(
                    KIND_RECOGNIZED,
                    d.id,
                    d.year,
                    d.unit.name,
                    one_line(d.title),
                    ", ".join(a.person.full_name for a in d.authorships),
                    grade=grade,
                    code=d.code,
                    score=score,
                )
            )
        if len(hits) >= limit:
            break
    return hits
