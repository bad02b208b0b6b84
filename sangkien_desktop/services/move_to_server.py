"""One step from a SQLite file to a shared PostgreSQL server (``sangkien --db FILE move-to URL``, Cài đặt →
Dữ liệu).

1. The server is checked first: reachable, and holding no data of the app (an empty database, or one with the
   schema and no rows) and no foreign tables; other copies of the app must have closed the file.
2. Writers are held off the file (a write lock, or the exclusive lock of a file on a network location) and a
   consistent snapshot is taken with SQLite's backup API into a local temporary file.
3. The schema is created on the server (Alembic) and every table is copied in one transaction by the same
   code that restores a backup into a server (``backup._load_into_server``; id sequences moved past the ids).
4. Verified: the number of rows table by table, and the audit log's hash chain on the server (it must show
   exactly the problems the file showed — none for a sound file). A mismatch empties the server again and
   leaves the file as it was.
5. The file is made read-only and a note is left beside it (``<file>.da-chuyen-len-may-chu.txt``: when, to
   which server, the connection line); ``Database.open`` then refuses the file with that note.

The connection line given back carries the password when the URL had one (the secretary needs it on each PC);
the note beside the file never does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from .. import paths
from ..db import in_use
from ..db.database import Database, moved_note
from ..db.engine import ENV_URL, make_engine, sqlite_url
from ..db.migrate import current_revision, head_revision, upgrade_database
from ..db.sqlite_copy import copy_sqlite
from ..domain.errors import SangKienError
from ..models import Base
from . import audit
from .backup import TABLE_LABELS, _load_into_server
from .output import write_text_document

log = logging.getLogger(__name__)

EXAMPLE_URL = "postgresql+psycopg://thuky@may-chu/sangkien"
Step = Callable[[str], None]


class MoveError(SangKienError):
    """The data could not be moved to the server (nothing was changed on either side)."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    label: str
    file_rows: int
    server_rows: int

    @property
    def ok(self) -> bool:
        return self.file_rows == self.server_rows


@dataclass(frozen=True)
class MoveResult:
    source: Path
    url: URL
    tables: list[TableCheck]
    audit_entries: int
    audit_problems: int
    note: Path

    @property
    def url_text(self) -> str:
        """The URL to give each PC (with its password, if it had one)."""
        return self.url.render_as_string(hide_password=False)

    @property
    def server(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def connection_lines(self) -> list[str]:
        return connection_lines(self.url_text)

    def summary_lines(self) -> list[str]:
        rows = sum(t.server_rows for t in self.tables)
        chain = "nguyên vẹn" if self.audit_problems == 0 else f"{self.audit_problems} lỗi, như trong tệp"
        return [
            f"Đã chuyển dữ liệu của {self.source} lên máy chủ {self.server}.",
            f"Số dòng khớp từng bảng ({len(self.tables)} bảng, {_n(rows)} dòng); chuỗi mã băm của nhật ký "
            f"trên máy chủ ({_n(self.audit_entries)} dòng): {chain}.",
            f"Tệp {self.source.name} nay chỉ để đọc; ghi chú ở {self.note}.",
            "",
            "Trên mỗi máy tính dùng chung, mở phần mềm với cơ sở dữ liệu trên máy chủ:",
            *self.connection_lines(),
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "server": self.server,
            "url": self.url_text,
            "tables": {t.table: {"file": t.file_rows, "server": t.server_rows} for t in self.tables},
            "audit_entries": self.audit_entries,
            "audit_problems": self.audit_problems,
            "note": str(self.note),
            "connection": {"env": f"{ENV_URL}={self.url_text}", "db": f'--db "{self.url_text}"'},
        }


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def connection_lines(url_text: str) -> list[str]:
    return [
        f"  {ENV_URL}={url_text}",
        f'  (Windows, một lần cho mỗi máy: setx {ENV_URL} "{url_text}")',
        f'  hoặc thêm vào lối tắt / dòng lệnh: --db "{url_text}"',
    ]


def parse_server_url(value: str | URL) -> URL:
    """The server's URL; ``postgresql://`` gets the psycopg driver. Anything but PostgreSQL is refused."""
    try:
        url = value if isinstance(value, URL) else make_url(str(value).strip())
    except ArgumentError:
        raise MoveError(f"Địa chỉ máy chủ không hợp lệ: {value}. Ví dụ: {EXAMPLE_URL}") from None
    if url.get_backend_name() != "postgresql":
        raise MoveError(
            f"Chỉ chuyển được lên máy chủ PostgreSQL (địa chỉ dạng {EXAMPLE_URL}), không phải {url.drivername}."
        )
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if not url.database:
        raise MoveError(f"Địa chỉ máy chủ thiếu tên cơ sở dữ liệu (phần cuối, ví dụ …/sangkien): {value}.")
    return url


def _app_tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(
                conn.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar() or 0
            )
            for name in _app_tables()
        }


def _chain_problems(engine: Engine) -> tuple[int, list[int]]:
    with Session(engine) as session:
        entries = int(session.execute(text("SELECT COUNT(*) FROM audit_log")).scalar() or 0)
        return entries, [p.entry_id for p in audit.verify_chain(session)]


def _connect_server(url: URL) -> Engine:
    try:
        engine = make_engine(url)
        with engine.connect():
            pass
    except (ModuleNotFoundError, NoSuchModuleError) as exc:
        raise MoveError(
            "Thiếu thư viện kết nối PostgreSQL (psycopg): hãy cài bản Sáng kiến Desktop có kèm psycopg "
            '(pip install "sangkien-desktop[postgres]").'
        ) from exc
    except DBAPIError as exc:
        raise MoveError(
            f"Không kết nối được máy chủ {url.render_as_string(hide_password=True)}: {exc.orig}. "
            "Kiểm tra tên máy chủ, tên người dùng, mật khẩu, và cơ sở dữ liệu đã được tạo (các bước: README, "
            "mục “Dùng chung trong cơ quan”)."
        ) from exc
    return engine


def _check_server_is_empty(engine: Engine, shown: str) -> None:
    names = set(inspect(engine).get_table_names())
    foreign = names - set(_app_tables()) - {"alembic_version"}
    if foreign:
        raise MoveError(
            f"Cơ sở dữ liệu {shown} có bảng không thuộc phần mềm ({', '.join(sorted(foreign))}): hãy tạo một "
            "cơ sở dữ liệu mới, trống, dành riêng cho Sáng kiến Desktop."
        )
    if "alembic_version" in names:
        revision = current_revision(engine)
        if revision is not None and revision != head_revision():
            raise MoveError(
                f"Cơ sở dữ liệu {shown} đã có lược đồ của phiên bản khác ({revision}); hãy dùng một cơ sở dữ "
                "liệu mới, trống."
            )
    present = [n for n in _app_tables() if n in names]
    if present:
        with engine.connect() as conn:
            filled = [
                n for n in present if conn.execute(text(f'SELECT 1 FROM "{n}" LIMIT 1')).first() is not None
            ]
        if filled:
            labels = ", ".join(TABLE_LABELS.get(n, n) for n in filled[:5])
            raise MoveError(
                f"Cơ sở dữ liệu {shown} đã có dữ liệu ({labels}…); không chép đè. Hãy chọn một cơ sở dữ liệu "
                "trống."
            )


def _check_no_other_copy(path: Path) -> None:
    holders = in_use.others(path, own=in_use.marker_path(path))
    if holders:
        who = "; ".join(h.text for h in holders)
        raise MoveError(
            f"Tệp dữ liệu đang được mở ở nơi khác: {who}. Hãy đóng Sáng kiến Desktop ở đó trước khi chuyển."
        )


@contextlib.contextmanager
def _writers_held_off(db: Database) -> Iterator[None]:
    """No other process writes the file meanwhile: a write lock held on a second SQLite connection (a file on a
    network location is already held exclusively by this process)."""
    if db.network is not None or db.path is None:
        yield
        return
    guard = sqlite3.connect(db.path, timeout=10)
    try:
        try:
            guard.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise MoveError(f"Tệp dữ liệu đang bận (một chương trình khác đang ghi): {exc}.") from exc
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            guard.rollback()
        guard.close()


def _empty_server(engine: Engine) -> None:
    quoted = ", ".join(f'"{n}"' for n in _app_tables())
    with contextlib.suppress(SQLAlchemyError), engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


def _verify(snapshot: Engine, server: Engine) -> tuple[list[TableCheck], int, int]:
    file_counts, server_counts = _counts(snapshot), _counts(server)
    tables = [TableCheck(n, TABLE_LABELS.get(n, n), file_counts[n], server_counts[n]) for n in _app_tables()]
    wrong = [t for t in tables if not t.ok]
    if wrong:
        detail = "; ".join(f"{t.label}: tệp {t.file_rows}, máy chủ {t.server_rows}" for t in wrong[:5])
        raise MoveError(f"Số dòng trên máy chủ không khớp với tệp ({detail}).")
    entries, file_problems = _chain_problems(snapshot)
    _, server_problems = _chain_problems(server)
    if server_problems != file_problems:
        raise MoveError(
            f"Chuỗi mã băm của nhật ký trên máy chủ khác với trong tệp ({len(server_problems)} lỗi trên máy chủ, "
            f"{len(file_problems)} lỗi trong tệp)."
        )
    return tables, entries, len(server_problems)


def _note_text(path: Path, url: URL) -> str:
    shown = url.render_as_string(hide_password=True)
    when = dt.datetime.now().strftime("%H:%M ngày %d/%m/%Y")
    lines = [
        "SÁNG KIẾN DESKTOP — DỮ LIỆU ĐÃ CHUYỂN LÊN MÁY CHỦ",
        "",
        f"Lúc {when}, dữ liệu của tệp {path.name} đã được chuyển lên máy chủ PostgreSQL {shown}.",
        "Tệp này chỉ còn để đọc (giữ làm bản lưu); đừng nhập liệu vào tệp này nữa.",
        "",
        "Trên mỗi máy tính dùng chung, mở phần mềm với cơ sở dữ liệu trên máy chủ:",
        *connection_lines(shown),
    ]
    if url.password:
        lines.append("(*** là mật khẩu của người dùng trên máy chủ.)")
    return "\n".join(lines) + "\n"


def _leave_read_only(path: Path, url: URL) -> Path:
    note = moved_note(path)
    write_text_document(note, _note_text(path, url))
    mode = stat.S_IMODE(path.stat().st_mode)
    os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return note


def move_to_server(db: Database, target: str | URL, *, step: Step | None = None) -> MoveResult:
    """Move the whole SQLite database ``db`` to the empty PostgreSQL database ``target`` (see the module
    docstring). ``step`` is told each stage in Vietnamese (for a progress dialog)."""

    def say(message: str) -> None:
        log.info("move-to: %s", message)
        if step is not None:
            step(message)

    path = db.path
    if path is None:
        raise MoveError("Chỉ chuyển được một tệp SQLite lên máy chủ (cơ sở dữ liệu này đã ở trên máy chủ).")
    url = parse_server_url(target)
    shown = url.render_as_string(hide_password=True)
    if current_revision(db.engine) != head_revision():
        raise MoveError("Tệp dữ liệu chưa ở phiên bản lược đồ mới nhất: hãy chạy “sangkien migrate” trước.")
    _check_no_other_copy(path)
    say(f"Kết nối máy chủ {shown}…")
    server = _connect_server(url)
    try:
        _check_server_is_empty(server, shown)
        with (
            tempfile.TemporaryDirectory(prefix=".chuyen-may-chu-", dir=paths.data_dir()) as work,
            _writers_held_off(db),
        ):
            say("Chụp một bản dữ liệu nhất quán của tệp…")
            snapshot_path = Path(work) / "snapshot.db"
            with db.sqlite_connection() as connection:
                copy_sqlite(connection, snapshot_path)
            snapshot = make_engine(sqlite_url(snapshot_path), network=None)
            try:
                say("Tạo lược đồ trên máy chủ…")
                upgrade_database(server, None)
                say("Chép dữ liệu (một giao dịch)…")
                _load_into_server(snapshot, Database(server, network=None))
                say("Kiểm tra số dòng từng bảng và chuỗi mã băm của nhật ký trên máy chủ…")
                try:
                    tables, entries, problems = _verify(snapshot, server)
                except MoveError:
                    _empty_server(server)
                    raise
            finally:
                snapshot.dispose()
            note = _leave_read_only(path, url)
    except SQLAlchemyError as exc:
        raise MoveError(f"Không chuyển được dữ liệu lên máy chủ {shown}: {exc}") from exc
    finally:
        server.dispose()
    say("Xong.")
    return MoveResult(path, url, tables, entries, problems, note)
