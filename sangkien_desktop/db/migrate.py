"""Bring a database to the schema this version of the app needs, safely.

Before an upgrade of an existing SQLite file a copy is written to the backups folder. Foreign keys are
switched off on the migrating connection (a batch ALTER recreates tables, and with foreign keys on, dropping
a parent table would silently cascade-delete child rows), then checked with ``foreign_key_check``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

from ..domain.errors import DatabaseError
from .engine import sqlite_path
from .sqlite_copy import copy_sqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class MigrationReport:
    before: str | None
    after: str | None
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # configparser treats "%" as interpolation: a file name such as "Hồ sơ 100%.db" must be escaped
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision as alembic reads it (imports alembic, and with it mako and pygments: ~10 MB;
    :func:`stored_revision` answers without them)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is already at the newest schema (quick check; False when unsure)."""
    head = _quick_head()
    return head is not None and stored_revision(engine) == head


def upgrade_database(engine: Engine, backup_dir: Path | None = None, target: str = "head") -> MigrationReport:
    """Migrate to ``target`` (default: the newest schema). Returns what happened.

    Raises ``DatabaseError`` when the database was written by a newer version of the app.
    """
    if target == "head":
        # The usual start: the database is already up to date. Checked without importing alembic
        # (a third of the start-up time); anything unusual takes the full path below.
        head = _quick_head()
        if head is not None and stored_revision(engine) == head:
            return MigrationReport(head, head, None)

    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    before = current_revision(engine)
    if before is not None and before not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseError(
            "Cơ sở dữ liệu này được tạo bởi phiên bản Sáng kiến Desktop mới hơn "
            f"(phiên bản lược đồ {before}). Hãy cài phiên bản mới hơn để mở nó; dữ liệu chưa bị thay đổi."
        )
    wanted = script.get_current_head() if target == "head" else target
    if before == wanted:
        return MigrationReport(before, before, None)

    backup = None
    path = sqlite_path(engine.url)
    if before is not None and path is not None and path.exists() and backup_dir is not None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        raw = engine.raw_connection()  # the engine's own connection: the live file is only read by SQLite
        try:
            backup = copy_sqlite(raw.driver_connection, backup_dir / f"truoc-nang-cap-{before}-{stamp}.db")
        finally:
            raw.close()
        log.info("Database copied to %s before upgrading from %s", backup, before)

    with engine.connect() as conn:
        is_sqlite = conn.dialect.name == "sqlite"
        if is_sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, target)
            conn.commit()
        except Exception as exc:
            conn.rollback()
            hint = f" Bản sao trước khi nâng cấp: {backup}." if backup else ""
            raise DatabaseError(f"Không nâng cấp được cơ sở dữ liệu: {exc}.{hint}") from exc
        if is_sqlite:
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            if problems:
                raise DatabaseError(
                    f"Sau khi nâng cấp, {len(problems)} dòng tham chiếu sai (bảng {problems[0][0]})."
                    + (f" Bản sao trước khi nâng cấp: {backup}." if backup else "")
                )
    return MigrationReport(before, current_revision(engine), backup)


_REVISION_LINE = re.compile(r"""^revision\s*(?::[^=\n]*)?=\s*["']([^"']+)["']\s*$""", re.MULTILINE)
_DOWN_LINE = re.compile(r"""^down_revision\s*(?::[^=\n]*)?=\s*(?:["']([^"']+)["']|None)\s*$""", re.MULTILINE)


def _quick_revisions() -> tuple[set[str], set[str]] | None:
    """Every revision and every parent, read from the ``revision``/``down_revision`` lines of the version
    files, or None when that is not clear-cut (then alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        files = list((MIGRATIONS_DIR / "versions").glob("*.py"))
        for file in files:
            source = file.read_text(encoding="utf-8")
            revision = _REVISION_LINE.findall(source)
            down = _DOWN_LINE.findall(source)
            if len(revision) != 1 or len(down) != 1:
                return None
            revisions.add(revision[0])
            if down[0]:
                parents.add(down[0])
    except OSError:
        return None
    return (revisions, parents) if revisions and parents <= revisions else None


def _quick_head() -> str | None:
    """The head revision read from the version files, or None when that is not clear-cut."""
    found = _quick_revisions()
    if found is None:
        return None
    heads = found[0] - found[1]
    return heads.pop() if len(heads) == 1 else None


def known_revisions() -> set[str]:
    """Every revision of the app's migrations (read from the version files; alembic when unclear)."""
    found = _quick_revisions()
    if found is not None:
        return found[0]
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def newest_revision() -> str:
    """``head_revision``, read from the version files without importing alembic when that is clear-cut."""
    return _quick_head() or head_revision()


def stored_revision(engine: Engine) -> str | None:
    """The revision written in ``alembic_version``, or None (no such table, several rows, any error),
    without importing alembic."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # no table yet, locked, not a database: the full path reports it properly
        return None
    return str(rows[0][0]) if len(rows) == 1 else None
