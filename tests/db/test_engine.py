from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sangkien_desktop.db import engine as engine_mod
from sangkien_desktop.db.database import Database
from sangkien_desktop.models import Dossier, Person


def test_resolve_url_priority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engine_mod.ENV_URL, raising=False)
    default = engine_mod.resolve_url(None)
    assert default.get_backend_name() == "sqlite"
    assert default.database and default.database.endswith("sangkien.db")

    monkeypatch.setenv(engine_mod.ENV_URL, "postgresql+psycopg://u@h/db")
    assert engine_mod.resolve_url(None).get_backend_name() == "postgresql"
    # --db wins over the environment
    url = engine_mod.resolve_url(tmp_path / "a.db")
    assert url.database == str((tmp_path / "a.db").resolve())
    assert engine_mod.resolve_url("sqlite:///x.db").database == "x.db"


def test_sqlite_pragmas(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "p.db")
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == engine_mod.SQLITE_BUSY_TIMEOUT_MS
    finally:
        database.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(Person(full_name="Nguyễn Văn A", unit_id=9999))
        session.flush()


def test_session_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(Person(full_name="Trần Thị Bích"))
        session.flush()
        raise RuntimeError("boom")
    with db.reading() as session:
        assert session.execute(text("SELECT COUNT(*) FROM people")).scalar() == 0


def test_describe(tmp_path: Path) -> None:
    url = engine_mod.sqlite_url(tmp_path / "d.db")
    assert engine_mod.describe(url) == str((tmp_path / "d.db").resolve())
    assert "secret" not in engine_mod.describe(engine_mod.resolve_url("postgresql://u:secret@h/db"))


def test_dossier_code() -> None:
    assert Dossier(year=2026, receipt_no=7, title="x").code == "HS26-007"
