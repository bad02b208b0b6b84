"""Replaying the audit log against the tables, and finding a log cut at its end (used by ``check``).

``row_differences``: the log's entries are read in id order and the last recorded values of every audited row
(``audit_rows``) are compared with the table, naming each difference: "điểm #1234 của HS26-017, TV03: nhật
ký ghi 26, bảng có 25". A row never recorded, a row recorded as deleted but still there and a recorded row
that is gone are named too.

``head_problems``: the chain's head kept in the setting ``audit_head`` must be the log's newest entry, and
every head written into a finalized round's archive (``MOC-NHAT-KY.json``) must still be in the log, so an
emptied log or one cut at its end is named even though the rest of its chain is intact.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .. import paths
from ..db.database import Database
from ..models import dossier_code
from . import audit_rows
from .audit_rows import AUDITED, SPECS, describe_value

HEAD_FILE = "MOC-NHAT-KY.json"  # in each archive folder: the chain's head when the archive was written
ARCHIVE_DIR_NAME = "luu-tru"
_MISSING = object()  # a column the log's entry did not have (added to the table later)

# a column's name in messages ("" = the row's main value, named by the row itself)
COLUMN_LABELS: dict[tuple[str, str], str] = {
    ("scores", "points"): "",
    ("scores", "check_points"): "điểm nhập lần hai",
    ("settings", "value"): "",
    ("grade_results", "grade"): "xếp loại",
    ("grade_results", "mean"): "điểm bình quân",
    ("grade_results", "rank"): "thứ hạng",
    ("grade_results", "reward"): "tiền thưởng",
    ("votes", "in_favour"): "số phiếu đồng ý",
    ("votes", "against"): "số phiếu không đồng ý",
    ("votes", "present"): "số người có mặt",
    ("dossiers", "title"): "tên sáng kiến",
    ("dossiers", "unit_id"): "đơn vị",
    ("dossiers", "status"): "trạng thái",
    ("rounds", "status"): "trạng thái",
    ("rounds", "decision_no"): "số quyết định",
    ("rounds", "decision_date"): "ngày quyết định",
    ("people", "full_name"): "họ tên",
    ("authorships", "contribution"): "tỷ lệ đóng góp",
    ("certificates", "register_no"): "số vào sổ",
}


@dataclass(frozen=True)
class RowDifference:
    table: str
    key: str
    message: str


@dataclass
class _Found:
    table: str
    key: str
    kind: str  # "changed" | "unrecorded" | "deleted_outside" | "not_deleted"
    logged: list[Any] | None  # fields aligned on the table's current columns (_MISSING where unknown)
    current: list[str] | None


# a row's last recorded state: None (deleted), the hash of its line (the usual case: the entry had the
# table's current columns), or its fields aligned on the current columns (an entry from an older schema)
_State = int | list[Any] | None


def _entries(conn: Connection) -> Iterator[tuple[str, tuple[str, ...], dict[str, str | None]]]:
    for (stored,) in conn.exec_driver_sql(
        "SELECT row_values FROM audit_log WHERE row_values <> '' ORDER BY id"
    ):
        yield from audit_rows.decode(stored)


def _aligned(spec_columns: tuple[str, ...], columns: tuple[str, ...], line: str) -> list[Any]:
    values = audit_rows.fields(line)
    index = {c: i for i, c in enumerate(columns)}
    return [values[index[c]] if c in index and index[c] < len(values) else _MISSING for c in spec_columns]


def _logged_states(conn: Connection) -> dict[str, dict[str, _State]]:
    """table → key → the last recorded state of the row (see ``_State``), replaying the log in id order."""
    expected: dict[str, dict[str, _State]] = {name: {} for name in AUDITED}
    for (stored,) in conn.exec_driver_sql(
        "SELECT row_values FROM audit_log WHERE row_values <> '' ORDER BY id"
    ):
        for table, columns, block in audit_rows.decode_blocks(stored):
            target = expected[table]
            spec_columns = SPECS[table].columns
            same = columns == spec_columns
            for line in block.split("\n"):  # one pass: 700,000 lines in a ten-year database
                key, tab, rest = line.partition("\t")
                if not tab:
                    target[key] = None
                else:
                    target[key] = hash(rest) if same else _aligned(spec_columns, columns, rest)
    return expected


def _logged_values(conn: Connection, wanted: dict[str, set[str]]) -> dict[tuple[str, str], list[Any]]:
    """The last recorded fields of a few rows (for the messages), aligned on the current columns."""
    found: dict[tuple[str, str], list[Any]] = {}
    for table, columns, rows in _entries(conn):
        keys = wanted.get(table)
        if keys:
            for key in keys & rows.keys():
                line = rows[key]
                if line is not None:
                    found[(table, key)] = _aligned(SPECS[table].columns, columns, line)
    return found


def _differs(was: list[Any], current: list[str]) -> bool:
    return any(w is not _MISSING and w != c for w, c in zip(was, current, strict=False))


def _compare(conn: Connection, expected: dict[str, dict[str, _State]]) -> Iterator[_Found]:
    for name in AUDITED:
        logged = expected.pop(name, {})
        for key, line in audit_rows.iter_table(conn, SPECS[name]):
            was = logged.pop(key, _MISSING)
            if was is _MISSING:
                yield _Found(name, key, "unrecorded", None, audit_rows.fields(line))
            elif was is None:
                yield _Found(name, key, "not_deleted", None, audit_rows.fields(line))
            elif isinstance(was, int):
                if was != hash(line):
                    yield _Found(name, key, "changed", None, audit_rows.fields(line))
            elif _differs(was, audit_rows.fields(line)):  # type: ignore[arg-type]
                yield _Found(name, key, "changed", was, audit_rows.fields(line))  # type: ignore[arg-type]
        for key, was in logged.items():
            if was is not None:
                yield _Found(name, key, "deleted_outside", None, None)


def _value(found: _Found, column: str) -> Any:
    columns = SPECS[found.table].columns
    values = found.current if found.current is not None else found.logged
    if values is None or column not in columns:
        return None
    value = values[columns.index(column)]
    if value is _MISSING or not isinstance(value, str):
        return None
    text_ = audit_rows.unescape(value)
    return int(text_) if text_ is not None and text_.isdigit() else text_


class _Names:
    """Looks up what the messages print: dossier codes, round labels, people's names."""

    def __init__(self, conn: Connection, found: list[_Found]) -> None:
        dossier_ids = {_value(f, "dossier_id") for f in found} | {
            int(f.key) for f in found if f.table == "dossiers"
        }
        self.dossiers = self._lookup(conn, "SELECT id, year, receipt_no FROM dossiers", dossier_ids)
        round_ids = {int(f.key) for f in found if f.table == "rounds"}
        self.rounds = self._lookup(conn, "SELECT id, year, number, name FROM rounds", round_ids)
        person_ids = {_value(f, "person_id") for f in found} | {
            int(f.key) for f in found if f.table == "people"
        }
        self.people = self._lookup(conn, "SELECT id, full_name FROM people", person_ids)

    @staticmethod
    def _lookup(conn: Connection, sql: str, ids: Iterable[Any]) -> dict[int, tuple[Any, ...]]:
        wanted = sorted({int(i) for i in ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())})
        if not wanted:
            return {}
        found: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(wanted), 500):
            chunk = ", ".join(str(i) for i in wanted[start : start + 500])
            for row in conn.execute(text(f"{sql} WHERE id IN ({chunk})")):
                found[int(row[0])] = tuple(row[1:])
        return found

    def dossier(self, dossier_id: Any) -> str:
        row = self.dossiers.get(dossier_id) if isinstance(dossier_id, int) else None
        return dossier_code(row[0], row[1]) if row else f"hồ sơ #{dossier_id}"

    def what(self, found: _Found) -> str:
        label = AUDITED[found.table]
        table, key = found.table, found.key
        if table == "settings":
            return f"{label} «{key}»"
        head = f"{label} #{key}"
        dossier_id = _value(found, "dossier_id")
        if table == "scores":
            member = _value(found, "member_id")
            return f"{head} của {self.dossier(dossier_id)}, TV{member:02d}" if member is not None else head
        if table == "dossiers":
            return f"{label} {self.dossier(int(key))} (#{key})"
        if table == "rounds":
            row = self.rounds.get(int(key))
            return f"{head} ({row[2] or f'Đợt {row[1]} năm {row[0]}'})" if row else head
        if table == "people":
            name = _value(found, "full_name")
            return f"{head} ({name})" if name else head
        if table == "certificates":
            number, year = _value(found, "register_no"), _value(found, "year")
            return f"{head} (số {number}/{year}) của {self.dossier(dossier_id)}"
        if dossier_id is not None:
            return f"{head} của {self.dossier(dossier_id)}"
        return head


def _message(found: _Found, names: _Names) -> str:
    what = names.what(found)
    if found.kind == "unrecorded":
        return f"{what}: có trong bảng nhưng nhật ký chưa ghi lần nào — dòng được thêm ngoài phần mềm"
    if found.kind == "not_deleted":
        return f"{what}: nhật ký ghi đã xóa nhưng bảng vẫn còn dòng này"
    if found.kind == "deleted_outside":
        return f"{what}: nhật ký ghi còn dòng này nhưng bảng không còn — bị xóa ngoài phần mềm"
    assert found.current is not None
    parts = []
    logged = found.logged or [_MISSING] * len(found.current)
    for column, was, now_ in zip(SPECS[found.table].columns, logged, found.current, strict=True):
        if was is _MISSING or was == now_:
            continue
        label = COLUMN_LABELS.get((found.table, column), column)
        prefix = f"{label}: " if label else ""
        parts.append(f"{prefix}nhật ký ghi {describe_value(was)}, bảng có {describe_value(now_)}")
    return f"{what}: " + ("; ".join(parts) or "giá trị trong bảng khác với giá trị nhật ký ghi lần cuối")


def row_differences(conn: Connection, limit: int = 200) -> Iterator[RowDifference | int]:
    """Every difference between the log's last recorded values and the tables; the first ``limit`` as
    messages, then the number of the others (an ``int``) when there are more."""
    found: list[_Found] = []
    extra = 0
    for item in _compare(conn, _logged_states(conn)):
        if len(found) < limit:
            found.append(item)
        else:
            extra += 1
    missing: dict[str, set[str]] = {}
    for item in found:
        if item.logged is None and item.kind in ("changed", "deleted_outside"):
            missing.setdefault(item.table, set()).add(item.key)
    if missing:
        values = _logged_values(conn, missing)
        for item in found:
            if item.logged is None and item.kind in ("changed", "deleted_outside"):
                item.logged = values.get((item.table, item.key))
    found = [
        f
        for f in found
        if not (f.kind == "changed" and f.logged is not None and not _differs(f.logged, f.current or []))
    ]
    names = _Names(conn, found)
    for item in found:
        yield RowDifference(item.table, item.key, _message(item, names))
    if extra:
        yield extra


# the chain's head -----------------------------------------------------------------------------------------
def _last_entry(conn: Connection) -> tuple[int, str] | None:
    row = conn.exec_driver_sql("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first()
    return (int(row[0]), str(row[1] or "")) if row else None


def _entry_hash(conn: Connection, entry_id: int) -> str | None:
    row = conn.execute(text("SELECT hash FROM audit_log WHERE id = :id"), {"id": entry_id}).first()
    return None if row is None else str(row[0] or "")


def _stored_head(conn: Connection) -> tuple[int, str] | str | None:
    row = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": audit_rows.HEAD_KEY}).first()
    if row is None:
        return None
    parts = str(row[0] or "").split()
    if len(parts) != 2 or not parts[0].isdigit():
        return str(row[0])
    return int(parts[0]), parts[1]


def settings_head_problems(conn: Connection) -> Iterator[str]:
    """The head kept in the settings against the log's newest entry."""
    last = _last_entry(conn)
    head = _stored_head(conn)
    if isinstance(head, str):
        yield f"Mốc cuối của nhật ký (cài đặt {audit_rows.HEAD_KEY}) bị sửa thành «{head[:40]}»"
        return
    if head is None:
        if last is not None:
            yield (
                f"Không còn mốc cuối của nhật ký (cài đặt {audit_rows.HEAD_KEY}) dù nhật ký có {last[0]} dòng "
                "— mốc đã bị xóa ngoài phần mềm"
            )
        return
    head_id, head_hash = head
    if last is None:
        yield f"Nhật ký thay đổi đã bị xóa hết: mốc cuối ghi dòng {head_id} (mã {head_hash[:12]}…)"
        return
    if last[0] < head_id:
        yield (
            f"Nhật ký bị cắt ở cuối: dòng cuối còn lại là {last[0]}, nhưng mốc cuối ghi dòng {head_id} "
            f"(mất ít nhất {head_id - last[0]} dòng)"
        )
    elif last[0] > head_id:
        yield (
            f"Nhật ký có {last[0] - head_id} dòng sau mốc cuối (dòng {head_id}): các dòng từ {head_id + 1} được "
            "thêm ngoài phần mềm"
        )
    elif last[1] != head_hash:
        yield f"Dòng cuối của nhật ký (dòng {head_id}) không khớp mốc cuối đã ghi: nhật ký bị viết lại"


@dataclass(frozen=True)
class ArchiveHead:
    folder: Path
    database: str
    entry_id: int
    entry_hash: str
    written_at: dt.datetime | None


def read_archive_head(folder: Path) -> ArchiveHead | None:
    try:
        raw = json.loads((folder / HEAD_FILE).read_text(encoding="utf-8"))
        at = raw.get("at")
        return ArchiveHead(
            folder,
            str(raw.get("database", "")),
            int(raw["head_id"]),
            str(raw["head_hash"]),
            dt.datetime.fromisoformat(at) if at else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def archive_heads(roots: Iterable[Path], database: str) -> list[ArchiveHead]:
    """The heads written into the archive folders under ``roots`` for this database."""
    found: dict[Path, ArchiveHead] = {}
    for root in roots:
        try:
            folders = [p for p in Path(root).iterdir() if p.is_dir() and not p.name.endswith(".part")]
        except OSError:
            continue
        for folder in folders:
            head = read_archive_head(folder)
            if head is not None and head.database == database and head.entry_id > 0:
                found[folder.resolve()] = head
    return sorted(found.values(), key=lambda h: h.entry_id)


def default_archive_root(db: Database) -> Path:
    """Where finalize writes its archives: ``luu-tru/`` beside a database file, else in the user data folder."""
    path = db.path
    if path is not None:
        return path.parent / ARCHIVE_DIR_NAME
    return paths.data_dir() / ARCHIVE_DIR_NAME


def logged_archive_roots(conn: Connection) -> list[Path]:
    """The folders holding the archives the log mentions (an archive written with ``--archive-dir``)."""
    roots: list[Path] = []
    for (stored,) in conn.exec_driver_sql(
        "SELECT new_values FROM audit_log WHERE action = 'archive' AND entity = 'round'"
    ):
        try:
            folder = json.loads(stored or "{}").get("folder")
        except (ValueError, AttributeError):
            continue
        if isinstance(folder, str) and folder:
            roots.append(Path(folder).parent)
    return list(dict.fromkeys(roots))


def _last_restore(conn: Connection) -> dt.datetime | None:
    row = conn.exec_driver_sql(
        "SELECT at FROM audit_log WHERE action = 'restore' AND entity = 'database' ORDER BY id DESC LIMIT 1"
    ).first()
    if row is None or row[0] is None:
        return None
    return row[0] if isinstance(row[0], dt.datetime) else dt.datetime.fromisoformat(str(row[0]))


def archive_head_problems(conn: Connection, heads: list[ArchiveHead]) -> Iterator[tuple[str, bool]]:
    """(message, is_error) for every archive whose recorded head is not in the log any more. An archive
    written before the data was restored from an older backup gives a warning, not an error."""
    restored_at = _last_restore(conn)
    for head in heads:
        found = _entry_hash(conn, head.entry_id)
        if found == head.entry_hash:
            continue
        what = "không còn dòng" if found is None else "có dòng khác ở vị trí"
        message = (
            f"Hồ sơ lưu trữ {head.folder.name} ghi nhật ký tới dòng {head.entry_id} (mã {head.entry_hash[:12]}…), "
            f"nhưng nhật ký hiện tại {what} {head.entry_id}"
        )
        older_backup = restored_at is not None and (head.written_at is None or head.written_at <= restored_at)
        if older_backup:
            yield message + " — dữ liệu đã được khôi phục từ bản sao lưu sau khi lập hồ sơ này", False
        else:
            yield message + ": nhật ký đã bị cắt hoặc viết lại", True
