"""Clean text at every door, clear words when busy (issue 17 §5): control, bidi-override and zero-width
characters typed into the CLI, a JSON file, a setting or a model never reach the database, so every export
works; two unit names differing only by such characters are one unit; a finalize whose archive would miss a
document fails; "database is locked" is a Vietnamese sentence naming the holder and CLI exit code 3."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, text

from sangkien_desktop.cli import main
from sangkien_desktop.db import engine as engine_module
from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundStatus
from sangkien_desktop.domain.errors import DatabaseBusyError, ValidationError
from sangkien_desktop.domain.text import strip_unsafe
from sangkien_desktop.models import AuditEntry, Base, CouncilMember, Person, Round, Setting, Unit
from sangkien_desktop.services import check, clean_text, finalize, round_documents, units
from sangkien_desktop.services.documents import catalog
from tests.services.documents.conftest import docx_text, needs_pdftotext, pdf_text
from tests.services.documents.grading import grade_demo

DIRTY = "\x01\x07\x1b\u202e\u2066\u200b\ufeff\x00"


def _unsafe_in(value: str) -> list[str]:
    return sorted({c for c in value if c in DIRTY})


def test_every_text_attribute_is_guarded() -> None:
    guarded = {f"{a.class_.__tablename__}.{a.key}" for a in clean_text.text_attributes()}
    assert {
        "units.name",
        "people.full_name",
        "dossiers.title",
        "settings.value",
        "rounds.decision_no",
    } <= guarded
    assert not any(name.startswith("audit_log.") for name in guarded)
    person = Person(full_name=f"Nguy{DIRTY}ễn Văn A")
    assert person.full_name == "Nguyễn Văn A" and person.name_key == "nguyen van a"
    assert Setting(key="council_name", value="HỘI\x0bĐỒNG\r\nSÁNG KIẾN").value == "HỘIĐỒNG\nSÁNG KIẾN"


def _export_text(data: bytes, fmt: str, tmp_path: Path) -> str:
    if fmt == "pdf":
        return pdf_text(data, tmp_path)
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
        return docx_text(data) + xml
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


@needs_pdftotext
def test_control_characters_typed_anywhere_are_harmless_in_every_export(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "council", "add", "--round", "2026/1", "--name", "Nguy\x01ễn Văn Thêm"]) == 0
    grade_demo(demo_db)
    assert (
        main(
            [
                "--db",
                url,
                "council",
                "edit",
                "--round",
                "2026/1",
                "--member",
                "1",
                "--name",
                f"Nguy\x01ễn{DIRTY} Tâm",
            ]
        )
        == 0
    )
    assert main(["--db", url, "settings", "set", "council_name", f"HỘI ĐỒNG\x0b SÁNG KIẾN{DIRTY}"]) == 0
    assert main(["--db", url, "settings", "set", "place_name", "Tam\u202e Điệp"]) == 0
    with demo_db.reading() as s:
        assert s.get(Setting, "council_name").value == "HỘI ĐỒNG SÁNG KIẾN"  # type: ignore[union-attr]
        names = s.scalars(select(Person.full_name).join(CouncilMember, CouncilMember.person_id == Person.id))
        assert {"Nguyễn Tâm", "Nguyễn Văn Thêm"} <= set(names)
    for spec in catalog.CATALOG:
        for fmt in spec.formats:
            out = tmp_path / f"{spec.key}.{fmt}"
            code = main(["--db", url, "export", spec.key, "--round", "2026/1", "-o", str(out)])
            assert code == 0, (spec.key, fmt, capsys.readouterr().err)
            written = _export_text(out.read_bytes(), fmt, tmp_path)
            assert not _unsafe_in(written), (spec.key, fmt)
    assert check.run_checks(demo_db).ok


def test_json_input_is_cleaned(db: Database, tmp_path: Path) -> None:
    url = db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "rounds", "create", "--year", "2026", "--number", "1"]) == 0
    assert main(["--db", url, "units", "add", "Trường Mầm non Bắc Sơn"]) == 0
    data = {
        "round": "2026/1",
        "unit": "Trường Mầm non Bắc Sơn",
        "title": f"Ứng dụng\u202e phần mềm{DIRTY} quản lý",
        "received_on": "2026-03-02",
        "authors": [{"name": "Lê Thị\u200b Hoa", "contribution": 100}],
    }
    source = tmp_path / "ho-so.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", url, "dossiers", "add", str(source)]) == 0
    with db.reading() as s:
        conn = s.connection()
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            for row in conn.execute(select(table)):
                assert not [v for v in row if isinstance(v, str) and _unsafe_in(v)], table.name


def test_a_unit_name_differing_only_by_invisible_characters_is_the_same_unit(db: Database) -> None:
    with db.session() as s:
        units.create_unit(s, "Trường Tiểu học Yên Bình")
    variants = (
        "Trường Tiểu học Yên Bình\u200b",
        "\u202aTrường Tiểu học Yên Bình\u202c",
        "Trường\u2060 Tiểu học Yên Bình",
        "Trường Tiểu\u202e học Yên Bình",
    )
    for variant in variants:
        with pytest.raises(ValidationError, match="trùng với đơn vị"), db.session() as s:
            units.create_unit(s, variant)
        with db.reading() as s:
            found = units.UnitMatcher(s).find(variant)
            assert found is not None and found.how == "name"
    url = db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "units", "add", "Trường Tiểu học Yên Bình\ufeff"]) == 1
    with db.reading() as s:
        assert s.scalar(select(func.count(Unit.id))) == 1


def test_stored_dirty_text_is_cleaned_by_the_migration(db: Database) -> None:
    dirty = DIRTY.replace("\x00", "") if not db.is_sqlite else DIRTY  # PostgreSQL text never holds NUL
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO settings (key, value) VALUES ('council_name', :v)"), {"v": f"HĐ{dirty}SK"}
        )
        conn.execute(
            text(
                "INSERT INTO units (name, name_key, short_name, active, note, created_at, updated_at) "
                "VALUES (:n, 'a', '', TRUE, '', '2026-01-01', '2026-01-01')"
            ),
            {"n": "Đơn vị\u200b A"},
        )
        conn.execute(
            text(
                "INSERT INTO units (name, name_key, short_name, active, note, created_at, updated_at) "
                "VALUES ('Đơn vị A', 'a', '', TRUE, '', '2026-01-01', '2026-01-01')"
            )
        )
        changed = clean_text.clean_stored_text(conn)
        assert changed == 1  # the second unit would collide with the first: left as it is
        assert conn.execute(text("SELECT value FROM settings WHERE key = 'council_name'")).scalar() == "HĐSK"


# finalize fails rather than warns ---------------------------------------------------------------------------
def test_a_finalize_whose_archive_misses_a_document_fails(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_db: Database, _round_id: int) -> list[tuple[str, bytes]]:
        raise ValueError("All strings must be XML compatible")

    round_documents.discover()
    monkeypatch.setitem(
        round_documents._REGISTRY, "hong", round_documents.RegisteredProducer("hong", broken, "Văn bản hỏng")
    )
    with pytest.raises(finalize.ArchiveIncompleteError, match="Chưa chốt được") as failed:
        finalize.finalize_round(
            demo_db,
            "2026/1",
            decision_no="15/QĐ-HĐSK",
            decision_date=dt.date(2026, 5, 25),
            archive_root=tmp_path / "lt",
        )
    assert "Văn bản hỏng" in str(failed.value)
    with demo_db.reading() as s:
        rnd = s.scalars(select(Round).where(Round.year == 2026, Round.number == 1)).one()
        assert rnd.status is RoundStatus.SCORING and rnd.finalized_at is None
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert last.action == "reopen" and "thiếu văn bản" in last.summary
    assert not list((tmp_path / "lt").glob("*")) if (tmp_path / "lt").exists() else True
    assert check.run_checks(demo_db).ok


# busy ---------------------------------------------------------------------------------------------------------
def _marker(db_path: Path, user: str) -> Path:
    marker = db_path.with_name(f".{db_path.name}.dang-mo.{socket.gethostname()}.{os.getpid()}")
    marker.write_text(
        json.dumps(
            {
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "user": user,
                "since": dt.datetime.now().isoformat(),
            }
        ),
        encoding="utf-8",
    )
    return marker


def test_a_locked_database_is_a_vietnamese_message_and_exit_code_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "sangkien.db"
    Database.open(path).dispose()
    _marker(path, "thu-ky-khac")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        capsys.readouterr()
        code = main(["--db", str(path), "settings", "set", "place_name", "Tam Điệp"])
        err = capsys.readouterr().err
        assert code == 3, err
        assert err.startswith("Lỗi: Cơ sở dữ liệu đang bận") and "Traceback" not in err
        assert "thu-ky-khac" in err and f"tiến trình {os.getpid()}" in err
        database = Database.open(path, migrate=False)
        try:
            with pytest.raises(DatabaseBusyError), database.session() as s:
                s.add(Setting(key="place_name", value="x"))
        finally:
            database.dispose()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert main(["--db", str(path), "settings", "set", "place_name", "Tam Điệp"]) == 0


def test_strip_unsafe_keeps_every_vietnamese_letter_tab_and_newline() -> None:
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    sample = letters + letters.upper() + " 0123456789 \t\n«»–—…“”‘’ №"
    assert strip_unsafe(sample) == sample
    assert strip_unsafe("a\r\nb\rc") == "a\nb\nc"
    assert strip_unsafe("".join(chr(c) for c in range(32) if c != 13)) == "\t\n"
    for c in (
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
        0x200B,
        0x200C,
        0x200D,
        0xFEFF,
    ):
        assert strip_unsafe(f"x{chr(c)}y") == "xy"
