"""Backups (sao lưu) and restore (khôi phục) of the whole database.

Where: the folder of the council setting ``backup_dir`` (e.g. a USB stick), else ``backups/`` beside the database
file (for a server database: ``backups/`` in the user data folder). When the chosen folder is missing (the
stick is not plugged in) the default folder is used and the result says so; the chosen folder is never
created by the app (it is picked in a folder dialog, so it exists when chosen).

Names: ``<database>_<YYYYmmdd-HHMMSS>_<kind>.db``, e.g. ``sangkien_20261123-101500_khoi-dong.db``. The
automatic copies (start-up, exit) rotate: the newest ``keep_last`` (10) plus the newest copy of every month are
kept. Manual copies, safety copies taken before a restore and copies taken before a schema upgrade are never
deleted by the app. An automatic copy identical to the newest copy already there is not kept twice.

SQLite: the copy goes through SQLite's online backup API (``db.sqlite_copy``), consistent even while another
copy of the app writes. PostgreSQL: full server backups (roles, other databases, point-in-time recovery) are
the server administrator's job (pg_dump / pg_basebackup); the app writes a *snapshot* of its own tables into a
SQLite file with the same schema, which this module can preview and restore into the server in one
transaction. So "Sao lưu" and "Khôi phục" work the same on both databases.

Restore: the chosen file is checked (a SQLite database, sound, schema not newer than the app), a safety copy of
the current database is written first, the backup is copied and upgraded to the current schema in a temporary
file, the restore is recorded in its audit log, and the result replaces the current data in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .. import paths
from ..db import lock_triggers
from ..db.database import Database
from ..db.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine, sqlite_url
from ..db.migrate import (
    MigrationReport,
    current_revision,
    head_revision,
    known_revisions,
    newest_revision,
    stored_revision,
    upgrade_database,
)
from ..db.sqlite_copy import (
    PART_SUFFIX,
    Progress,
    copy_sqlite,
    integrity_problems,
    is_sqlite_file,
    read_only_uri,
)
from ..domain.errors import DatabaseError, SangKienError
from ..models import Base
from ..models.base import now
from . import audit, busy, restore_checks
from .output import write_text_document

log = logging.getLogger(__name__)

SETTINGS_FILE = "sao-luu.json"
STAMP_FORMAT = "%Y%m%d-%H%M%S"


class BackupError(SangKienError):
    """A backup could not be written, read or restored."""


class BackupKind(StrEnum):
    STARTUP = "khoi-dong"
    EXIT = "thoat"
    MANUAL = "thu-cong"
    BEFORE_RESTORE = "truoc-khoi-phuc"
    BEFORE_UPGRADE = "truoc-nang-cap"
    OTHER = "khac"  # a file the app did not name (chosen by the user)

    @property
    def label(self) -> str:
        return {
            "khoi-dong": "Tự động khi mở",
            "thoat": "Tự động khi thoát",
            "thu-cong": "Sao lưu thủ công",
            "truoc-khoi-phuc": "Trước khi khôi phục",
            "truoc-nang-cap": "Trước khi nâng cấp",
            "khac": "Tệp khác",
        }[self.value]

    @property
    def rotates(self) -> bool:
        return self in (BackupKind.STARTUP, BackupKind.EXIT)


NAME_RE = re.compile(r"^(?P<stem>.+)_(?P<stamp>\d{8}-\d{6})_(?P<kind>[a-z-]+)\.db$")
UPGRADE_NAME_RE = re.compile(r"^truoc-nang-cap-(?P<rev>.+)-(?P<stamp>\d{8}-\d{6})\.db$")

TABLE_LABELS: dict[str, str] = {
    "units": "Đơn vị",
    "registrations": "Đăng ký sáng kiến",
    "dossiers": "Hồ sơ",
    "people": "Người (tác giả, thành viên)",
    "rounds": "Đợt",
    "council_members": "Thành viên Hội đồng",
    "assignments": "Phân công chấm",
    "scores": "Điểm thành phần",
    "votes": "Biểu quyết",
    "grade_results": "Kết quả xếp loại",
    "certificates": "Giấy chứng nhận",
    "audit_log": "Nhật ký thay đổi",
    "settings": "Cài đặt",
    "authorships": "Tác giả của hồ sơ",
    "registration_authors": "Tác giả trong đăng ký",
    "dossier_checklist_items": "Thành phần hồ sơ",
    "unit_types": "Loại đơn vị",
    "unit_aliases": "Tên gọi khác của đơn vị",
    "years": "Năm",
    "round_checklist_items": "Thành phần hồ sơ của đợt",
    "criteria": "Tiêu chí chấm",
    "grade_rule_sets": "Quy tắc xếp loại",
    "grade_bands": "Mức xếp loại",
    "grade_conditions": "Điều kiện xếp loại",
    "number_series": "Sổ số văn bản",
    "import_mappings": "Mẫu nhập từ tệp",
    "recognized_imports": "Dữ liệu các năm trước (lần nhập)",
    "recognized_initiatives": "Sáng kiến đã công nhận (dữ liệu nhập)",
    "recognized_authors": "Tác giả của sáng kiến đã công nhận (dữ liệu nhập)",
}


# settings --------------------------------------------------------------------------------------------------
@dataclass
class BackupSettings:
    """Per-computer backup preferences (a small JSON file in the user data folder). The backup *folder* is
    the council setting ``backup_dir`` (Cài đặt page, or "Chọn thư mục sao lưu" on the Sao lưu page);
    ``folder`` here only overrides it for one call (tests, scripts) and is never saved."""

    folder: str = ""  # "" = the council setting backup_dir, else the default folder beside the database
    keep_last: int = 10
    keep_monthly: bool = True
    on_start: bool = True
    on_exit: bool = True


def settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> BackupSettings:
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BackupSettings()
    if not isinstance(raw, dict):
        return BackupSettings()
    defaults = BackupSettings()
    values: dict[str, Any] = {}
    for key, default in asdict(defaults).items():
        if key == "folder":
            continue
        value = raw.get(key, default)
        values[key] = value if isinstance(value, type(default)) else default
    values["keep_last"] = max(1, min(1000, values["keep_last"]))
    return BackupSettings(**values)


def save_settings(settings: BackupSettings, path: Path | None = None) -> None:
    path = path or settings_path()
    if not 1 <= settings.keep_last <= 1000:
        raise BackupError("Số bản sao lưu tự động giữ lại phải từ 1 đến 1000.")
    data = {k: v for k, v in asdict(settings).items() if k != "folder"}
    write_text_document(path, json.dumps(data, ensure_ascii=False, indent=2))


# where ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupFolder:
    path: Path
    chosen: str  # the folder chosen in the settings ("" = none)
    fallback: bool  # the chosen folder is missing, the default one is used

    @property
    def note(self) -> str:
        if self.fallback:
            return (
                f"Không thấy thư mục sao lưu đã chọn ({self.chosen}) — có thể chưa cắm USB. "
                f"Bản sao lưu được ghi vào {self.path}."
            )
        return ""


def database_name(db: Database) -> str:
    """The name backups of this database start with: the file name, or the server database's name."""
    path = db.path
    name = path.stem if path is not None else (db.url.database or "sangkien")
    name = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-_.") or "sangkien"
    return name


def default_folder(db: Database) -> Path:
    return db.default_backup_dir()


def council_backup_dir(db: Database) -> str:
    """The council setting ``backup_dir`` ("" when unset). Read with plain SQL, so it also works before
    migrations (the start-up backup) and on an old schema."""
    try:
        with db.engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM settings WHERE key = 'backup_dir'")).scalar()
    except SQLAlchemyError:
        return ""
    return str(value or "").strip()


def resolve_folder(db: Database, settings: BackupSettings | None = None) -> BackupFolder:
    settings = settings or load_settings()
    chosen = settings.folder.strip() or council_backup_dir(db)
    if chosen:
        folder = Path(chosen).expanduser()
        # never created here: a missing folder is an unplugged stick, and must not become a folder on the
        # system disk at the stick's mount point
        try:
            if folder.is_dir() and os.access(folder, os.W_OK):
                return BackupFolder(folder, chosen, False)
        except OSError:
            pass
        return BackupFolder(default_folder(db), chosen, True)
    return BackupFolder(default_folder(db), "", False)


# listing ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: BackupKind
    made_at: dt.datetime
    size: int
    database: str  # the database name the copy belongs to ("" = unknown)

    @property
    def name(self) -> str:
        return self.path.name


def parse_name(path: Path) -> tuple[str, dt.datetime, BackupKind] | None:
    """(database name, time, kind) from a backup's file name, or None for other names."""
    match = NAME_RE.match(path.name)
    if match:
        try:
            kind = BackupKind(match["kind"])
            made = dt.datetime.strptime(match["stamp"], STAMP_FORMAT)
        except ValueError:
            return None
        return match["stem"], made, kind
    match = UPGRADE_NAME_RE.match(path.name)
    if match:
        try:
            return "", dt.datetime.strptime(match["stamp"], STAMP_FORMAT), BackupKind.BEFORE_UPGRADE
        except ValueError:
            return None
    return None


def describe_file(path: Path) -> BackupFile:
    stat = path.stat()
    parsed = parse_name(path)
    if parsed is None:
        return BackupFile(path, BackupKind.OTHER, dt.datetime.fromtimestamp(stat.st_mtime), stat.st_size, "")
    name, made, kind = parsed
    return BackupFile(path, kind, made, stat.st_size, name)


def list_backups(folders: Iterable[Path], database: str | None = None) -> list[BackupFile]:
    """The backups in ``folders`` (of ``database`` when given; pre-upgrade copies, which do not carry the
    database's name, are listed for every database), newest first."""
    found: dict[Path, BackupFile] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.glob("*.db"):
            if not path.is_file():
                continue
            item = describe_file(path)
            if item.kind is BackupKind.OTHER:
                continue
            if database is not None and item.database not in ("", database):
                continue
            found[path.resolve()] = item
    return sorted(found.values(), key=lambda b: (b.made_at, b.path.name), reverse=True)


def backups_of(db: Database, settings: BackupSettings | None = None) -> list[BackupFile]:
    """Every backup of this database in the chosen folder and the default folder, newest first."""
    settings = settings or load_settings()
    folders = [resolve_folder(db, settings).path, default_folder(db)]
    return list_backups(dict.fromkeys(folders), database_name(db))


def rotation_victims(backups: list[BackupFile], keep_last: int, keep_monthly: bool) -> list[BackupFile]:
    """The automatic backups rotation deletes: all but the newest ``keep_last`` and the newest of each
    month. Other kinds are never returned."""
    auto = sorted((b for b in backups if b.kind.rotates), key=lambda b: b.made_at, reverse=True)
    keep: set[Path] = {b.path for b in auto[:keep_last]}
    if keep_monthly:
        seen: set[tuple[int, int]] = set()
        for b in auto:
            month = (b.made_at.year, b.made_at.month)
            if month not in seen:
                seen.add(month)
                keep.add(b.path)
    return [b for b in auto if b.path not in keep]


def rotate(folder: Path, database: str, settings: BackupSettings) -> list[Path]:
    victims = rotation_victims(list_backups([folder], database), settings.keep_last, settings.keep_monthly)
    removed = []
    for b in victims:
        if b.database != database:
            continue
        try:
            b.path.unlink()
            removed.append(b.path)
        except OSError as exc:
            log.warning("Could not delete old backup %s: %s", b.path, exc)
    return removed


def _remove_stale_parts(folder: Path, older_than_s: float = 3600) -> None:
    """Leftovers of copies interrupted by a crash (``*.db.part``)."""
    limit = time.time() - older_than_s
    for part in folder.glob("*" + PART_SUFFIX):
        try:
            if part.stat().st_mtime < limit:
                part.unlink()
        except OSError:
            pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# writing ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupResult:
    file: BackupFile
    created: bool  # False: identical to ``file``, an earlier copy (nothing new written)
    folder: BackupFolder
    removed: list[Path] = field(default_factory=list)  # old automatic copies deleted by rotation

    @property
    def message(self) -> str:
        when = self.file.made_at.strftime("%H:%M %d/%m/%Y")
        if self.created:
            text_ = f"Đã sao lưu vào {self.file.path}."
        else:
            text_ = (
                f"Dữ liệu không thay đổi từ bản sao lưu lúc {when} ({self.file.path.name}); không ghi thêm."
            )
        if self.folder.note:
            text_ += " " + self.folder.note
        return text_


def backup_file_name(database: str, kind: BackupKind, at: dt.datetime | None = None) -> str:
    return f"{database}_{(at or now()).strftime(STAMP_FORMAT)}_{kind.value}.db"


def _unique(path: Path) -> Path:
    candidate = path
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def write_copy(db: Database, dest: Path, *, progress: Progress | None = None) -> Path:
    """Write a consistent copy of the whole database to ``dest`` (a SQLite file in both cases)."""
    dest = Path(dest)
    if dest.exists() and dest.is_dir():
        raise BackupError(f"{dest} là một thư mục; hãy ghi tên tệp sao lưu, ví dụ {dest / 'sangkien.db'}.")
    try:
        if db.is_sqlite:
            path = db.path
            if path is None:
                raise BackupError("Cơ sở dữ liệu trong bộ nhớ không sao lưu được.")
            if dest.resolve() == path.resolve():
                raise BackupError("Không thể sao lưu đè lên chính cơ sở dữ liệu đang dùng.")
            with db.sqlite_connection() as connection:  # never open the live file outside SQLite
                return copy_sqlite(connection, dest, progress=progress)
        return snapshot_to_sqlite(db, dest)
    except sqlite3.Error as exc:
        raise BackupError(f"Không sao lưu được vào {dest}: {exc}.") from exc
    except OSError as exc:
        raise BackupError(f"Không ghi được tệp sao lưu {dest}: {exc.strerror or exc}.") from exc


def make_backup(
    db: Database,
    kind: BackupKind = BackupKind.MANUAL,
    *,
    dest: Path | None = None,
    settings: BackupSettings | None = None,
    progress: Progress | None = None,
) -> BackupResult:
    """Write a backup. ``dest`` = an explicit file (``sangkien backup -o FILE``); else a named copy in the
    backup folder. Automatic kinds skip a copy identical to the newest one and rotate afterwards."""
    settings = settings or load_settings()
    if dest is not None:
        path = write_copy(db, Path(dest), progress=progress)
        folder = BackupFolder(path.parent, "", False)
        return BackupResult(describe_file(path), True, folder)
    folder = resolve_folder(db, settings)
    folder.path.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(folder.path)
    name = database_name(db)
    target = _unique(folder.path / backup_file_name(name, kind))
    path = write_copy(db, target, progress=progress)
    if kind.rotates:
        live = db.path.resolve() if db.path is not None else None
        previous = [
            b
            for b in list_backups([folder.path], name)
            if b.path != path and b.database == name and b.path.resolve() != live
        ]
        if previous and _sha256(previous[0].path) == _sha256(path):
            path.unlink()
            return BackupResult(previous[0], False, folder)
    removed = rotate(folder.path, name, settings) if kind.rotates else []
    log.info("Backup (%s) written to %s", kind.value, path)
    return BackupResult(describe_file(path), True, folder, removed)


def auto_backup(
    db: Database, kind: BackupKind, settings: BackupSettings | None = None
) -> BackupResult | None:
    """The start-up / exit copy: never raises (a failed automatic copy must not stop the app); returns
    None when it is switched off, the database is empty, or the copy failed (logged)."""
    settings = settings or load_settings()
    if (kind is BackupKind.STARTUP and not settings.on_start) or (
        kind is BackupKind.EXIT and not settings.on_exit
    ):
        return None
    try:
        # read without alembic (which imports mako and pygments: ~10 MB for the whole session)
        revision = stored_revision(db.engine)
        if revision is None:
            return None  # a brand-new database: nothing to keep yet
        if not db.is_sqlite and revision != newest_revision():
            return None  # a server database at another schema: the server's own backups cover it
        return make_backup(db, kind, settings=settings)
    except Exception as exc:  # never block start or exit
        log.warning("Automatic backup (%s) failed: %s", kind.value, exc)
        return None


# PostgreSQL snapshot ----------------------------------------------------------------------------------------
def _app_tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _copy_rows(src: Connection, dst: Connection, tables: list[Table], batch: int = 1000) -> None:
    for table in tables:
        result = src.execute(select(table).order_by(*table.primary_key.columns))
        while True:
            rows = result.mappings().fetchmany(batch)
            if not rows:
                break
            dst.execute(insert(table), [dict(r) for r in rows])


def _check_no_foreign_tables(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    unknown = names - {t.name for t in _app_tables()} - {"alembic_version"}
    if unknown:
        raise BackupError(
            "Cơ sở dữ liệu có bảng lạ không thuộc phần mềm (" + ", ".join(sorted(unknown)) + "); "
            "hãy nhờ quản trị máy chủ sao lưu bằng pg_dump."
        )


def snapshot_to_sqlite(db: Database, dest: Path) -> Path:
    """Copy every table of a server database (at the app's schema) into a new SQLite file ``dest``,
    read in one REPEATABLE READ transaction (a consistent snapshot)."""
    revision = current_revision(db.engine)
    if revision != head_revision():
        raise BackupError(
            f"Cơ sở dữ liệu máy chủ đang ở phiên bản lược đồ {revision}, phần mềm cần {head_revision()}: "
            "hãy nâng cấp (sangkien migrate) rồi sao lưu."
        )
    _check_no_foreign_tables(db.engine)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + PART_SUFFIX)
    if tmp.exists():
        tmp.unlink()
    target = make_engine(sqlite_url(tmp))
    try:
        upgrade_database(target, None)
        with (
            db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as src,
            target.connect() as dst,
        ):
            dst.exec_driver_sql("PRAGMA foreign_keys=OFF")  # rows arrive table by table
            dst.commit()
            with lock_triggers.suspended(dst):  # a finalized round's rows arrive after the round
                _copy_rows(src, dst, _app_tables())
            dst.commit()
            dst.exec_driver_sql("PRAGMA journal_mode=DELETE")
            dst.commit()
            src.rollback()
    except BaseException:
        target.dispose()
        tmp.unlink(missing_ok=True)
        raise
    target.dispose()
    for extra in (tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        extra.unlink(missing_ok=True)
    tmp.replace(dest)
    return dest


def _load_into_server(
    source: Engine, db: Database, before_load: Callable[[], Path | None] = lambda: None
) -> Path | None:
    """Replace every app table of the server database by the rows of ``source`` (a SQLite file at the same
    schema) in one transaction, then move the id sequences past the restored ids. The tables are locked
    against other writers first, then ``before_load`` runs (the safety copy, which then holds every write
    committed before the lock); returns what it returned."""
    _check_no_foreign_tables(db.engine)
    tables = _app_tables()
    quoted = ", ".join(f'"{t.name}"' for t in tables)
    with db.engine.begin() as dst:
        dst.execute(text(f"LOCK TABLE {quoted} IN EXCLUSIVE MODE"))
        kept = before_load()
        with source.connect() as src, lock_triggers.suspended(dst):
            dst.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            _copy_rows(src, dst, tables)
        for table in tables:
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and pk[0].type.python_type is int:
                sequence = dst.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
                ).scalar()
                if sequence:
                    dst.execute(
                        text(
                            f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1,'
                            " false)"
                        ),
                        {"s": sequence},
                    )
    return kept


# preview ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableCount:
    table: str
    label: str
    rows: int


@dataclass(frozen=True)
class RoundLine:
    label: str
    status: str
    dossiers: int


@dataclass(frozen=True)
class BackupPreview:
    """What a backup file holds, read without changing it."""

    path: Path
    size: int
    made_at: dt.datetime | None  # from the name, else the file's modification time
    kind: BackupKind
    revision: str | None
    newer_than_app: bool
    council: str
    tables: list[TableCount]
    rounds: list[RoundLine]
    last_change: dt.datetime | None  # the newest audit log entry
    problems: list[str]  # integrity problems ([] = sound)

    def count(self, table: str) -> int:
        return next((t.rows for t in self.tables if t.table == table), 0)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.newer_than_app and self.revision is not None

    def summary_lines(self) -> list[str]:
        lines = [f"Tệp: {self.path}"]
        if self.made_at:
            lines.append(f"Thời điểm sao lưu: {self.made_at.strftime('%H:%M:%S ngày %d/%m/%Y')}")
        if self.last_change:
            lines.append(
                f"Thay đổi cuối cùng ghi trong nhật ký: {self.last_change.strftime('%H:%M %d/%m/%Y')}"
            )
        if self.council:
            lines.append(f"Hội đồng: {self.council}")
        for key in ("units", "registrations", "dossiers", "scores", "grade_results", "certificates"):
            lines.append(f"{TABLE_LABELS[key]}: {self.count(key):,}".replace(",", "."))
        for r in self.rounds:
            lines.append(f"{r.label} — {r.status} — {r.dossiers} hồ sơ")
        for problem in self.problems:
            lines.append(f"Lỗi: {problem}")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "made_at": self.made_at.isoformat(sep=" ") if self.made_at else None,
            "kind": self.kind.value,
            "revision": self.revision,
            "newer_than_app": self.newer_than_app,
            "council": self.council,
            "tables": {t.table: t.rows for t in self.tables},
            "rounds": [asdict(r) for r in self.rounds],
            "last_change": self.last_change.isoformat(sep=" ") if self.last_change else None,
            "problems": self.problems,
        }


_STATUS_LABELS = {"open": "Đang nhận hồ sơ", "scoring": "Đang chấm điểm", "finalized": "Đã chốt kết quả"}


def _connect_read_only(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=10)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.Error:
        # a read-only medium cannot hold the lock files: read it as an unchanging file
        return sqlite3.connect(read_only_uri(path, immutable=True), uri=True, timeout=10)


def _parse_time(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def inspect_backup(path: Path) -> BackupPreview:
    """Read a backup file (or any database file of the app) without changing it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp {path}.")
    if not is_sqlite_file(path):
        raise BackupError(
            f"Tệp {path.name} không phải một bản sao lưu của Sáng kiến Desktop (không phải SQLite)."
        )
    info = describe_file(path)
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise BackupError(f"Không mở được tệp {path.name}: {exc}.") from exc
    try:
        names = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if "alembic_version" not in names or "audit_log" not in names:
            raise BackupError(f"Tệp {path.name} không phải cơ sở dữ liệu của Sáng kiến Desktop.")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
        problems = [] if problems == ["ok"] else problems
        tables = []
        for name in sorted(names & set(TABLE_LABELS), key=list(TABLE_LABELS).index):
            n = conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            tables.append(TableCount(name, TABLE_LABELS[name], int(n)))
        rounds: list[RoundLine] = []
        if {"rounds", "dossiers"} <= names:
            for year, number, name, status, n in conn.execute(
                "SELECT r.year, r.number, r.name, r.status, COUNT(d.id) FROM rounds r "
                "LEFT JOIN dossiers d ON d.round_id = r.id GROUP BY r.id ORDER BY r.year, r.number"
            ):
                label = name or f"Đợt {number} năm {year}"
                rounds.append(RoundLine(label, _STATUS_LABELS.get(status, str(status)), int(n)))
        council = ""
        if "settings" in names:
            found = conn.execute("SELECT value FROM settings WHERE key='council_name'").fetchone()
            council = found[0] if found else ""
        last = conn.execute("SELECT MAX(at) FROM audit_log").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"Tệp {path.name} bị hỏng, không đọc được: {exc}.") from exc
    finally:
        conn.close()
    newer = revision is not None and revision not in known_revisions()
    made = info.made_at if info.kind is not BackupKind.OTHER else None
    return BackupPreview(
        path=path,
        size=info.size,
        made_at=made or info.made_at,
        kind=info.kind,
        revision=revision,
        newer_than_app=newer,
        council=council,
        tables=tables,
        rounds=rounds,
        last_change=_parse_time(last),
        problems=problems,
    )


# restore ----------------------------------------------------------------------------------------------------
def _has_schema(db: Database) -> bool:
    try:
        return current_revision(db.engine) is not None
    except SQLAlchemyError:
        return False


def _live_is_damaged(db: Database) -> bool:
    """A SQLite file that is not a database any more, or fails ``integrity_check``."""
    path = db.path
    if path is None or not path.exists() or path.stat().st_size == 0:
        return False
    if db.not_a_database():  # asked through SQLite: the live file is never opened by other means
        return True
    try:
        with db.sqlite_connection() as connection:
            return bool(integrity_problems(connection, limit=1))
    except (sqlite3.Error, SQLAlchemyError):
        return True


def _keep_damaged_file(db: Database, settings: BackupSettings) -> Path:
    """Keep the damaged file as it is (a technician may still rescue something from it)."""
    assert db.path is not None
    db.engine.dispose()  # copied byte by byte below: no connection of this process may be holding locks
    folder = resolve_folder(db, settings).path
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now().strftime(STAMP_FORMAT)
    target = _unique(folder / f"{database_name(db)}_{stamp}_{BackupKind.BEFORE_RESTORE.value}-tep-hong.db")
    shutil.copy2(db.path, target)
    wal = db.path.with_name(db.path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    return target


def _replace_damaged_file(source: Path, live: Path) -> None:
    """Put a sound copy in place of a damaged database file (its -wal/-shm belong to the damaged file)."""
    fresh = live.with_name(live.name + ".moi")
    shutil.copyfile(source, fresh)
    for extra in ("-wal", "-shm"):
        live.with_name(live.name + extra).unlink(missing_ok=True)
    os.replace(fresh, live)


@dataclass(frozen=True)
class RestoreResult:
    source: BackupPreview
    safety_copy: Path | None  # the database as it was just before the restore
    upgraded_from: str | None  # the backup's schema revision when it had to be upgraded

    @property
    def message(self) -> str:
        text_ = f"Đã khôi phục dữ liệu từ {self.source.path.name}."
        if self.safety_copy:
            text_ += f" Dữ liệu trước khi khôi phục được giữ ở {self.safety_copy}."
        return text_


RESTORE_DIR_PREFIX = ".khoi-phuc-"
_RESTORE_DIR_RE = re.compile(r"^\.khoi-phuc-(?P<pid>\d+)@(?P<host>[\w.]*)-[\w]+$")
_OLD_LEFTOVER_S = 24 * 3600


def _host_tag() -> str:
    return re.sub(r"[^\w.]", "_", socket.gethostname() or "?")


def remove_restore_leftovers(folder: Path) -> list[Path]:
    """Delete the work folders of restores that were killed half-way (``.khoi-phuc-<pid>@<host>-…``): their
    process is gone (this computer), or they are a day old (another computer, or an unreadable name)."""
    from .instance_lock import pid_alive

    removed: list[Path] = []
    try:
        candidates = [p for p in Path(folder).glob(RESTORE_DIR_PREFIX + "*") if p.is_dir()]
    except OSError:
        return removed
    for path in candidates:
        match = _RESTORE_DIR_RE.match(path.name)
        try:
            old = time.time() - path.stat().st_mtime > _OLD_LEFTOVER_S
        except OSError:
            continue
        mine = match is not None and match["host"] == _host_tag()
        if (mine and not pid_alive(int(match["pid"]))) or (not mine and old):  # type: ignore[index]
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
            log.info("Removed the work folder of an interrupted restore: %s", path)
    return removed


def _refuse(preview: BackupPreview, what: str, reasons: list[str]) -> BackupError:
    return BackupError(
        f"Không khôi phục từ tệp {preview.path.name}: {what}:\n{restore_checks.describe(reasons)}\n"
        "Dữ liệu hiện tại không bị thay đổi."
    )


def _prepare_copy(preview: BackupPreview, work: Path) -> MigrationReport:
    """Copy the backup to ``work``, check its schema against its revision's, upgrade it, check its content."""
    try:
        copy_sqlite(preview.path, work)
    except sqlite3.Error:
        copy_sqlite(preview.path, work, immutable_source=True)
    assert preview.revision is not None
    reasons = restore_checks.schema_problems(work, preview.revision)
    if reasons:
        raise _refuse(
            preview, f"lược đồ dữ liệu khác với lược đồ phiên bản {preview.revision} của phần mềm", reasons
        )
    engine = make_engine(sqlite_url(work))
    try:
        report = upgrade_database(engine, None)
    except DatabaseError as exc:
        raise BackupError(f"Không nâng cấp được bản sao lưu lên phiên bản hiện tại: {exc}") from exc
    finally:
        engine.dispose()
    reasons = restore_checks.content_problems(work)
    if reasons:
        raise _refuse(preview, "dữ liệu trong tệp không đáng tin", reasons)
    return report


def _record_restore(work: Path, preview: BackupPreview, safety: Path | None) -> None:
    engine = make_engine(sqlite_url(work))
    try:
        with engine.begin() as conn, Session(bind=conn) as session:
            audit.record(
                session,
                "restore",
                "database",
                "",
                f"Khôi phục dữ liệu từ bản sao lưu {preview.path.name}"
                + (f" (dữ liệu trước đó giữ ở {safety.name})" if safety else ""),
                new={"file": str(preview.path), "made_at": preview.made_at, "safety_copy": str(safety or "")},
            )
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    finally:
        engine.dispose()


def _lock_live(live: Path, work: Path) -> sqlite3.Connection:
    """A connection holding the live database's write lock, with the restored copy attached."""
    conn = sqlite3.connect(live, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("ATTACH DATABASE ? AS restored", (str(work),))
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        conn.close()
        raise BackupError(
            f"Không khôi phục được: cơ sở dữ liệu đang bận ({exc}). {busy.holders_sentence(live)}"
            "Dữ liệu hiện tại không bị thay đổi."
        ) from exc
    return conn


def _replace_in_transaction(conn: sqlite3.Connection, progress: Progress | None = None) -> None:
    """Inside the live database's write transaction: drop every object, recreate the restored copy's schema
    and copy its rows (so the live file keeps its own page size and journal mode)."""
    objects = conn.execute(
        "SELECT type, name FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN "
        "('trigger', 'view', 'index', 'table') ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 "
        "WHEN 'index' THEN 2 ELSE 3 END"
    ).fetchall()
    for kind, name in objects:
        if kind == "index" and name.startswith("sqlite_autoindex"):
            continue
        conn.execute(f'DROP {kind.upper()} IF EXISTS main."{name}"')
    wanted = conn.execute(
        "SELECT type, name, sql FROM restored.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END"
    ).fetchall()
    for n, (kind, name, sql) in enumerate(wanted, start=1):
        conn.execute(sql)
        if kind == "table":
            conn.execute(f'INSERT INTO main."{name}" SELECT * FROM restored."{name}"')
        if progress is not None:
            progress(n, len(wanted))
    has_sequence = conn.execute(
        "SELECT 1 FROM restored.sqlite_master WHERE name = 'sqlite_sequence'"
    ).fetchone()
    if has_sequence:
        conn.execute("DELETE FROM main.sqlite_sequence")
        conn.execute("INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence")
    problems = conn.execute("PRAGMA main.foreign_key_check").fetchall()
    if problems:
        raise BackupError(f"Sau khi chép, {len(problems)} dòng tham chiếu sai (bảng {problems[0][0]}).")


def _restore_sqlite(
    db: Database,
    work: Path,
    preview: BackupPreview,
    settings: BackupSettings,
    progress: Progress | None,
) -> Path | None:
    """Replace a sound (or empty) live SQLite file, holding its write lock from before the safety copy to the
    commit: a write another process commits meanwhile is either in the safety copy or waits for the
    restored data — never lost."""
    assert db.path is not None
    safety = _safety_target(db, settings) if _has_schema(db) else None
    _record_restore(work, preview, safety)  # before the copy is attached: the lock would cover it too
    db.engine.dispose()
    conn = _lock_live(db.path, work)
    try:
        if safety is not None:
            write_copy(db, safety)
        _replace_in_transaction(conn, progress)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
        db.engine.dispose()
    return safety


def restore(
    db: Database,
    source: Path,
    *,
    settings: BackupSettings | None = None,
    progress: Progress | None = None,
    before_replace: Callable[[], None] | None = None,
) -> RestoreResult:
    """Replace the whole database by the content of the backup ``source`` (see the module docstring).

    Nothing is trusted: the backup is copied, its schema compared with its revision's, upgraded, and its
    content checked (integrity, foreign keys, the audit log) before the live data is touched; any problem
    refuses the restore with its reasons. ``before_replace`` runs just before the current data is replaced
    (the GUI closes its views there).
    """
    preview = inspect_backup(source)
    if preview.problems:
        raise BackupError(
            f"Tệp {preview.path.name} bị hỏng ({preview.problems[0]}); không khôi phục từ tệp này."
        )
    if preview.revision is None:
        raise BackupError(f"Tệp {preview.path.name} chưa có lược đồ dữ liệu; không khôi phục từ tệp này.")
    if preview.newer_than_app:
        raise BackupError(
            f"Tệp {preview.path.name} được tạo bởi phiên bản Sáng kiến Desktop mới hơn "
            f"(lược đồ {preview.revision}); hãy cài phiên bản mới hơn để khôi phục."
        )
    if db.path is not None and preview.path.resolve() == db.path.resolve():
        raise BackupError("Tệp đã chọn chính là cơ sở dữ liệu đang dùng.")

    settings = settings or load_settings()
    # beside the database (same disk), except on a network location, where the work file stays local
    work_dir = db.path.parent if db.path is not None and db.network is None else paths.data_dir()
    work_dir.mkdir(parents=True, exist_ok=True)
    remove_restore_leftovers(work_dir)
    prefix = f"{RESTORE_DIR_PREFIX}{os.getpid()}@{_host_tag()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=work_dir) as tmp_dir:
        work = Path(tmp_dir) / "restore.db"
        report = _prepare_copy(preview, work)
        if before_replace is not None:
            before_replace()
        safety: Path | None = None
        if db.is_sqlite and _live_is_damaged(db):
            assert db.path is not None
            safety = _keep_damaged_file(db, settings)
            _record_restore(work, preview, safety)
            db.engine.dispose()
            _replace_damaged_file(work, db.path)
        elif db.is_sqlite:
            safety = _restore_sqlite(db, work, preview, settings, progress)
        else:
            engine = make_engine(sqlite_url(work))
            try:
                safety = _load_into_server(
                    engine, db, lambda: _server_safety_copy(db, settings, work, preview)
                )
            finally:
                engine.dispose()
    upgraded = preview.revision if report.changed else None
    log.info("Database restored from %s (safety copy %s)", preview.path, safety)
    return RestoreResult(preview, safety, upgraded)


def _safety_target(db: Database, settings: BackupSettings) -> Path:
    folder = resolve_folder(db, settings).path
    folder.mkdir(parents=True, exist_ok=True)
    return _unique(folder / backup_file_name(database_name(db), BackupKind.BEFORE_RESTORE))


def _server_safety_copy(
    db: Database, settings: BackupSettings, work: Path, preview: BackupPreview
) -> Path | None:
    safety = (
        make_backup(db, BackupKind.BEFORE_RESTORE, settings=settings).file.path if _has_schema(db) else None
    )
    _record_restore(work, preview, safety)
    return safety


# ---------------------------------------------------------------------------------------------- for the page
def replace_settings(settings: BackupSettings, path: Path | None = None) -> BackupSettings:
    """Save ``settings`` and return the ones they replace (the page's undo saves those back)."""
    old = load_settings(path)
    save_settings(settings, path)
    return old


def set_council_backup_dir(db: Database, folder: str) -> str:
    """Store the council setting ``backup_dir`` (logged by the settings service) and return its old value."""
    from . import settings as settings_service  # settings imports nothing of backup; kept local all the same

    old = council_backup_dir(db)
    settings_service.set_many(db, {"backup_dir": folder})
    return old
