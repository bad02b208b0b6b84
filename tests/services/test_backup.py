"""Backups and restore: copies are consistent, previews tell what a copy holds, restore gives back exactly
the data, a safety copy is kept, automatic copies rotate, a missing USB stick falls back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, text, update

from sangkien_desktop.db.database import Database
from sangkien_desktop.db.engine import make_engine, sqlite_url
from sangkien_desktop.db.migrate import head_revision, upgrade_database
from sangkien_desktop.domain.errors import DatabaseError
from sangkien_desktop.models import AuditEntry, Base, Dossier, Score, Setting, Unit
from sangkien_desktop.services import backup, check, stats
from sangkien_desktop.services import settings as settings_service
from sangkien_desktop.services.backup import BackupError, BackupFile, BackupKind, BackupSettings


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every app table, in primary-key order."""
    data: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            # the log's head moves with every entry (the restore writes one)
            data[table.name] = [
                tuple(r) for r in rows if not (table.name == "settings" and r[0] == "audit_head")
            ]
    return data


def test_backup_to_a_file_and_preview(demo_db: Database, tmp_path: Path) -> None:
    result = backup.make_backup(demo_db, dest=tmp_path / "sao luu #1.db")
    assert result.created and result.file.path.is_file()
    preview = backup.inspect_backup(result.file.path)
    counts = stats.get_stats(demo_db)
    assert preview.ok and preview.revision == head_revision()
    assert preview.count("units") == counts.units
    assert preview.count("dossiers") == counts.dossiers == 60
    assert preview.count("scores") == counts.scores
    assert [r.label for r in preview.rounds] == ["Đợt 1 năm 2026", "Đợt 2 năm 2026"]
    assert sum(r.dossiers for r in preview.rounds) == 60
    assert preview.council == "Hội đồng Sáng kiến phường Tam Điệp"
    assert preview.last_change is not None
    text_ = "\n".join(preview.summary_lines())
    assert "Hồ sơ: 60" in text_ and "Đợt 1 năm 2026 — Đang chấm điểm — 40 hồ sơ" in text_
    # the copy is a standalone file (no -wal beside it) and sound
    assert not Path(str(result.file.path) + "-wal").exists()
    with sqlite3.connect(result.file.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_restore_gives_back_exactly_the_data_it_held(demo_db: Database, tmp_path: Path) -> None:
    before = snapshot(demo_db)
    saved = backup.make_backup(demo_db, dest=tmp_path / "truoc.db").file.path

    # change a lot after the backup
    with demo_db.session() as session:
        session.execute(delete(Score).where(Score.dossier_id.in_(select(Dossier.id).limit(5))))
        session.execute(update(Unit).values(short_name="đã đổi"))
        session.add(Unit(name="Đơn vị thêm sau khi sao lưu"))
    settings_service.set_many(demo_db, {"place_name": "Nơi khác"})
    changed = snapshot(demo_db)
    assert changed != before

    result = backup.restore(demo_db, saved, settings=BackupSettings())
    after = snapshot(demo_db)
    for table in before:
        if table == "audit_log":
            continue
        assert after[table] == before[table], f"table {table} differs after restore"
    # the log is the backup's log plus one entry recording the restore
    assert after["audit_log"][: len(before["audit_log"])] == before["audit_log"]
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1
    last = audit_last(demo_db)
    assert last.action == "restore" and "truoc.db" in last.summary
    assert check.run_checks(demo_db).ok

    # the safety copy holds the data as it was just before the restore
    assert result.safety_copy is not None and result.safety_copy.is_file()
    kept = backup.inspect_backup(result.safety_copy)
    assert kept.count("units") == len(changed["units"])
    assert kept.kind is BackupKind.BEFORE_RESTORE


def audit_last(db: Database) -> AuditEntry:
    with db.reading() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        session.expunge(entry)
        return entry


def test_the_app_keeps_working_after_a_restore(demo_db: Database, tmp_path: Path) -> None:
    saved = backup.make_backup(demo_db, dest=tmp_path / "a.db").file.path
    backup.restore(demo_db, saved, settings=BackupSettings())
    with demo_db.session() as session:
        session.add(Unit(name="Đơn vị mới sau khôi phục"))
    assert stats.get_stats(demo_db).units == 41


def test_restore_upgrades_an_older_backup(db: Database, tmp_path: Path) -> None:
    old = tmp_path / "cu.db"
    engine = make_engine(sqlite_url(old))
    upgrade_database(engine, None, target="0005")
    with engine.begin() as conn:
        conn.execute(
            insert(Unit.__table__).values(
                id=1, name="Trường Mầm non Bắc Sơn", name_key="truong mam non bac son"
            )
        )
    engine.dispose()
    preview = backup.inspect_backup(old)
    assert preview.revision == "0005" and preview.ok
    result = backup.restore(db, old, settings=BackupSettings())
    assert result.upgraded_from == "0005"
    with db.reading() as session:
        assert session.scalars(select(Unit.name)).all() == ["Trường Mầm non Bắc Sơn"]
    assert check.run_checks(db).ok


def _garbage(path: Path) -> Path:
    path.write_bytes(b"day khong phai co so du lieu" * 10)
    return path


def _foreign_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE x (a)")
    return path


def _newer(path: Path) -> Path:
    engine = make_engine(sqlite_url(path))
    upgrade_database(engine, None)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    return path


def _damaged(path: Path, demo: Database) -> Path:
    backup.make_backup(demo, dest=path)
    raw = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(raw) - 4096, 4096 * 7):
        raw[offset + 100 : offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p, d: _garbage(p), "không phải"),
        (lambda p, d: _foreign_sqlite(p), "không phải cơ sở dữ liệu của Sáng kiến"),
        (lambda p, d: _newer(p), "mới hơn"),
        (lambda p, d: _damaged(p, d), "hỏng"),
    ],
)
def test_bad_backups_are_refused_and_nothing_changes(
    demo_db: Database, tmp_path: Path, make: Any, message: str
) -> None:
    before = snapshot(demo_db)
    path = make(tmp_path / "xau.db", demo_db)
    with pytest.raises(BackupError, match=message):
        backup.restore(demo_db, path, settings=BackupSettings())
    assert snapshot(demo_db) == before


def test_backup_cannot_overwrite_the_live_database(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "song.db")
    try:
        with pytest.raises(BackupError, match="đè lên chính"):
            backup.make_backup(database, dest=tmp_path / "song.db")
        with pytest.raises(BackupError, match="thư mục"):
            backup.make_backup(database, dest=tmp_path)
    finally:
        database.dispose()


# rotation ---------------------------------------------------------------------------------------------------
def _item(at: dt.datetime, kind: BackupKind = BackupKind.STARTUP) -> BackupFile:
    return BackupFile(Path(backup.backup_file_name("sangkien", kind, at)), kind, at, 1, "sangkien")


def test_rotation_keeps_the_last_ten_and_one_per_month() -> None:
    start = dt.datetime(2026, 1, 5, 8, 0)
    autos = [_item(start + dt.timedelta(days=3 * i)) for i in range(40)]  # Jan 5 .. Apr 30
    manual = [_item(start + dt.timedelta(days=1), BackupKind.MANUAL), _item(start, BackupKind.BEFORE_RESTORE)]
    victims = backup.rotation_victims(autos + manual, keep_last=10, keep_monthly=True)
    kept = [b for b in autos if b not in victims]
    newest_ten = sorted(autos, key=lambda b: b.made_at)[-10:]
    assert all(b in kept for b in newest_ten)
    months = {(b.made_at.year, b.made_at.month) for b in autos}
    for month in months:
        newest = max(
            (b for b in autos if (b.made_at.year, b.made_at.month) == month), key=lambda b: b.made_at
        )
        assert newest in kept
    assert len(kept) == 10 + len(months - {(b.made_at.year, b.made_at.month) for b in newest_ten})
    assert not any(b in victims for b in manual)
    assert len(backup.rotation_victims(autos, keep_last=10, keep_monthly=False)) == 30


def test_automatic_backups_rotate_and_skip_identical_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database.open(tmp_path / "sangkien.db")
    try:
        cfg = BackupSettings(keep_last=3, keep_monthly=False)
        first = backup.auto_backup(database, BackupKind.STARTUP, cfg)
        assert first is not None and first.created
        same = backup.auto_backup(database, BackupKind.EXIT, cfg)
        assert same is not None and not same.created and same.file.path == first.file.path
        assert "không thay đổi" in same.message
        clock = [dt.datetime(2026, 3, 1, 8, 0)]
        monkeypatch.setattr(backup, "now", lambda: clock[0])
        for i in range(5):
            clock[0] += dt.timedelta(minutes=1)
            settings_service.set_many(database, {"place_name": f"Nơi {i}"})
            made = backup.auto_backup(database, BackupKind.EXIT, cfg)
            assert made is not None and made.created
        manual = backup.make_backup(database, BackupKind.MANUAL, settings=cfg)
        names = sorted(p.name for p in (tmp_path / "backups").glob("sangkien_*.db"))
        autos = [n for n in names if n.endswith("_thoat.db") or n.endswith("_khoi-dong.db")]
        assert len(autos) == 3 and manual.file.path.name in names
        listed = backup.backups_of(database, cfg)
        assert listed[0].made_at >= listed[-1].made_at
    finally:
        database.dispose()


def test_chosen_folder_and_missing_stick(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "du-lieu" / "sangkien.db")
    try:
        stick = tmp_path / "usb"
        (stick / "SaoLuu").mkdir(parents=True)
        result = backup.make_backup(database, settings=BackupSettings(folder=str(stick / "SaoLuu")))
        assert result.file.path.parent == stick / "SaoLuu" and not result.folder.fallback
        missing = tmp_path / "khong-co-o-dia" / "SaoLuu"
        fallback = backup.make_backup(database, settings=BackupSettings(folder=str(missing)))
        assert fallback.folder.fallback and fallback.file.path.parent == tmp_path / "du-lieu" / "backups"
        assert "chưa cắm USB" in fallback.message
        assert not missing.parent.exists()  # an unplugged stick never becomes a folder on the system disk
    finally:
        database.dispose()


def test_settings_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sao-luu.json"
    assert backup.load_settings(path) == BackupSettings()
    backup.save_settings(BackupSettings(folder="E:\\SaoLuu", keep_last=20, on_exit=False), path)
    # the folder is the council setting backup_dir, never saved per computer
    assert backup.load_settings(path) == BackupSettings(keep_last=20, on_exit=False)
    path.write_text("{hỏng", encoding="utf-8")
    assert backup.load_settings(path) == BackupSettings()
    path.write_text('{"keep_last": "mười", "folder": 5}', encoding="utf-8")
    assert backup.load_settings(path) == BackupSettings()
    with pytest.raises(BackupError):
        backup.save_settings(BackupSettings(keep_last=0), path)


def test_startup_backup_runs_before_migrations(tmp_path: Path) -> None:
    path = tmp_path / "sangkien.db"
    engine = make_engine(sqlite_url(path))
    upgrade_database(engine, None, target="0005")
    with engine.begin() as conn:
        conn.execute(insert(Setting.__table__).values(key="place_name", value="Tam Điệp"))
    engine.dispose()
    made: list[backup.BackupResult | None] = []
    database = Database.open(
        path,
        before_migrate=lambda d: made.append(backup.auto_backup(d, BackupKind.STARTUP, BackupSettings())),
    )
    try:
        assert database.migration is not None and database.migration.before == "0005"
        assert made and made[0] is not None and made[0].created
        preview = backup.inspect_backup(made[0].file.path)
        assert preview.revision == "0005" and preview.count("settings") == 1
    finally:
        database.dispose()


def test_startup_backup_skips_a_new_empty_database(tmp_path: Path) -> None:
    made: list[object] = []
    database = Database.open(
        tmp_path / "moi.db",
        before_migrate=lambda d: made.append(backup.auto_backup(d, BackupKind.STARTUP, BackupSettings())),
    )
    database.dispose()
    assert made == [None]
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").glob("moi_*"))


def test_automatic_backups_can_be_switched_off(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "tat.db")
    try:
        assert backup.auto_backup(database, BackupKind.STARTUP, BackupSettings(on_start=False)) is None
        assert backup.auto_backup(database, BackupKind.EXIT, BackupSettings(on_exit=False)) is None
    finally:
        database.dispose()


def test_database_file_names_with_percent_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "Hồ sơ 100% #2.db"
    database = Database.open(path)
    try:
        assert database.migration is not None and database.migration.after == head_revision()
        result = backup.make_backup(database, settings=BackupSettings())
        assert backup.inspect_backup(result.file.path).ok
    finally:
        database.dispose()


@pytest.mark.parametrize("damage", ["garbage", "pages"])
def test_restore_over_a_damaged_database(tmp_path: Path, damage: str) -> None:
    live = tmp_path / "sangkien.db"
    database = Database.open(live)
    settings_service.set_many(database, {"place_name": "Tam Điệp"})
    saved = backup.make_backup(database, dest=tmp_path / "tot.db").file.path
    database.dispose()
    raw = bytearray(live.read_bytes())
    if damage == "garbage":
        raw = bytearray(b"hong hoan toan " * 200)
    else:
        for offset in range(4096, len(raw) - 4096, 4096 * 3):
            raw[offset + 8 : offset + 500] = b"\xaa" * 492
    live.write_bytes(bytes(raw))
    with pytest.raises(DatabaseError, match="khôi phục"):
        Database.open(live)
    broken = Database.open(live, migrate=False)
    assert not check.run_checks(broken).ok
    result = backup.restore(broken, saved, settings=BackupSettings())
    broken.dispose()
    assert result.safety_copy is not None and result.safety_copy.name.endswith("-tep-hong.db")
    assert result.safety_copy.read_bytes() == bytes(raw)
    healed = Database.open(live)
    try:
        assert check.run_checks(healed).ok
        assert settings_service.get_all(healed)["place_name"] == "Tam Điệp"
    finally:
        healed.dispose()


def test_council_backup_dir_setting_is_the_folder(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "du-lieu" / "sangkien.db")
    try:
        stick = tmp_path / "usb"
        stick.mkdir()
        settings_service.set_many(database, {"backup_dir": str(stick)})
        assert backup.council_backup_dir(database) == str(stick)
        made = backup.auto_backup(database, BackupKind.EXIT, BackupSettings())
        assert made is not None and made.file.path.parent == stick
        # an explicit folder for one call wins
        other = tmp_path / "khac"
        other.mkdir()
        assert (
            backup.make_backup(database, settings=BackupSettings(folder=str(other))).file.path.parent == other
        )
    finally:
        database.dispose()
    fresh = Database.open(tmp_path / "moi.db", migrate=False)
    try:
        assert backup.council_backup_dir(fresh) == ""  # no settings table yet
    finally:
        fresh.dispose()
