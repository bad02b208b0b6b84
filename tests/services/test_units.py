from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.errors import ValidationError
from sangkien_desktop.models import (
    AuditEntry,
    Dossier,
    ImportMapping,
    Person,
    Registration,
    Unit,
    UnitAlias,
    UnitType,
)
from sangkien_desktop.services import audit, units
from sangkien_desktop.services.safe_files import FileRejected


def _xlsx(path: Path, rows: list[list[object]], title: str = "Đơn vị") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_types_and_deadlines(db: Database) -> None:
    with db.session() as s:
        assert units.ensure_default_types(s) == 8
        assert units.ensure_default_types(s) == 0
        types = {t.code: t for t in units.list_types(s)}
        assert types["phong_ban"].deadline_text == "31/03"
        assert types["mam_non"].deadline(2026).isoformat() == "2026-09-15"
        units.save_type(s, types["thcs"].id, name="Trường Trung học cơ sở", deadline_month=9, deadline_day=30)
        new = units.save_type(s, None, name="Trường THPT", deadline_month=2, deadline_day=29)
        assert new.code == "truong_thpt"
        with pytest.raises(ValidationError, match="Đã có loại"):
            units.save_type(s, None, name="trường thpt")
        with pytest.raises(ValidationError):
            units.save_type(s, None, name="Khác nữa", deadline_month=2, deadline_day=30)
        assert units.parse_deadline("15/9") == (9, 15)
        with pytest.raises(ValidationError):
            units.parse_deadline("31/4")
        units.delete_type(s, new.id)
        u = units.create_unit(s, "Trường THCS Bắc Sơn", unit_type_id=types["thcs"].id)
        with pytest.raises(ValidationError, match="đang có 1 đơn vị"):
            units.delete_type(s, types["thcs"].id)
        assert u.id


def test_names_aliases_and_matching(db: Database) -> None:
    with db.session() as s:
        units.ensure_default_types(s)
        vp = units.create_unit(s, "Xã Vạn Phúc", short_name="VP", aliases=["UBND xã Vạn Phúc mới"])
        th = units.create_unit(s, "Trường Tiểu học Yên Bình", short_name="TH Yên Bình")
        with pytest.raises(ValidationError, match="trùng"):
            units.create_unit(s, "xã vạn phúc")
        with pytest.raises(ValidationError, match="trùng"):
            units.create_unit(s, "UBND Xã Vạn Phúc Mới")
        m = units.UnitMatcher(s)
        assert m.find("XÃ VẠN PHÚC") == units.Match(vp.id, "name")
        assert m.find("UBND xã Vạn Phúc mới") == units.Match(vp.id, "alias")
        assert m.find("vp") == units.Match(vp.id, "short_name")
        # the issue's example: an UBND prefix still finds the commune, without an alias
        assert m.find("UBND xã Vạn Phúc") == units.Match(vp.id, "similar")
        assert m.find("Tiểu học Yên Bình") == units.Match(th.id, "similar")
        assert m.find("Xã Vạn Phước") is None
        # renaming keeps the old name as an alias so old files still match
        units.update_unit(s, vp.id, name="Phường Vạn Phúc")
        assert units.find_unit(s, "Xã Vạn Phúc") == vp
        assert units.get_unit(s, str(vp.id)) == vp
        assert units.add_alias(s, vp.id, "P. Vạn Phúc") is True
        assert units.add_alias(s, vp.id, "p vạn phúc") is False  # same folded key
        with pytest.raises(ValidationError, match="đã là tên"):
            units.add_alias(s, th.id, "Xã Vạn Phúc")
        units.update_unit(s, vp.id, aliases=["Xã Vạn Phúc"])
        assert [a.alias for a in vp.aliases] == ["Xã Vạn Phúc"]
        rows = {r.id: r for r in units.list_units(s)}
        assert rows[vp.id].aliases == ("Xã Vạn Phúc",) and rows[th.id].type_name == ""


def test_delete_refuses_used_units(demo_db: Database) -> None:
    with demo_db.session() as s:
        used = s.scalar(select(Registration.unit_id).limit(1))
        with pytest.raises(ValidationError, match="Gộp đơn vị"):
            units.delete_unit(s, used)
        spare = units.create_unit(s, "Đơn vị thử")
        units.delete_unit(s, spare.id)
        assert s.get(Unit, spare.id) is None


def _usage(s, unit_ids: list[int]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "registrations": s.scalar(
            select(func.count(Registration.id)).where(Registration.unit_id.in_(unit_ids))
        ),
        "dossiers": s.scalar(select(func.count(Dossier.id)).where(Dossier.unit_id.in_(unit_ids))),
        "people": s.scalar(select(func.count(Person.id)).where(Person.unit_id.in_(unit_ids))),
        "aliases": s.scalar(select(func.count(UnitAlias.id)).where(UnitAlias.unit_id.in_(unit_ids))),
    }


def test_merge_keeps_every_registration_and_dossier_of_both(demo_db: Database) -> None:
    with demo_db.reading() as s:
        # two units that both have registrations and dossiers
        counts = dict(s.execute(select(Dossier.unit_id, func.count()).group_by(Dossier.unit_id)).all())
        keep_id, drop_id = sorted(counts, key=lambda u: -counts[u])[:2]
        before = _usage(s, [keep_id, drop_id])
        drop_name = s.get(Unit, drop_id).name
        drop_short = s.get(Unit, drop_id).short_name
        total_regs = s.scalar(select(func.count(Registration.id)))
        total_dossiers = s.scalar(select(func.count(Dossier.id)))
        drop_dossier_ids = set(s.scalars(select(Dossier.id).where(Dossier.unit_id == drop_id)))
    assert before["registrations"] > 0 and before["dossiers"] > 0
    with demo_db.session() as s:
        s.add(ImportMapping(unit_id=drop_id, kind="registrations", mapping_json='{"a": 1}'))
        s.add(ImportMapping(unit_id=keep_id, kind="registrations", mapping_json='{"b": 2}'))
        s.add(ImportMapping(unit_id=drop_id, kind="units", mapping_json="{}"))
    with demo_db.session() as s:
        report = units.merge_units(s, keep_id, drop_id)
    assert report.moved["dossiers"] == len(drop_dossier_ids)
    assert "Đã gộp" in report.text()
    with demo_db.reading() as s:
        after = _usage(s, [keep_id])
        assert after["registrations"] == before["registrations"]
        assert after["dossiers"] == before["dossiers"]
        assert after["people"] == before["people"]
        assert after["aliases"] >= before["aliases"] + 1  # the merged name is now an alias
        assert s.scalar(select(func.count(Registration.id))) == total_regs
        assert s.scalar(select(func.count(Dossier.id))) == total_dossiers
        assert set(s.scalars(select(Dossier.id).where(Dossier.unit_id == keep_id))) >= drop_dossier_ids
        assert s.get(Unit, drop_id) is None
        assert units.find_unit(s, drop_name).id == keep_id
        if drop_short:
            assert units.find_unit(s, drop_short).id == keep_id
        kinds = sorted(
            m.kind for m in s.scalars(select(ImportMapping).where(ImportMapping.unit_id == keep_id))
        )
        assert kinds == ["registrations", "units"]
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
        assert entry is not None and drop_name in entry.summary
        assert json.loads(entry.new_values)["kept_unit_id"] == keep_id
        assert audit.verify_chain(s) == []


def test_merge_is_one_transaction(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with demo_db.reading() as s:
        keep_id, drop_id = s.scalars(select(Unit.id).order_by(Unit.id).limit(2)).all()
        before = _usage(s, [keep_id, drop_id])

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(units.audit, "record", boom)
    with pytest.raises(RuntimeError), demo_db.session() as s:
        units.merge_units(s, keep_id, drop_id)
    with demo_db.reading() as s:
        assert s.get(Unit, drop_id) is not None
        assert _usage(s, [keep_id, drop_id]) == before
        assert (
            _usage(s, [drop_id])["registrations"]
            == before["registrations"] - _usage(s, [keep_id])["registrations"]
        )


def test_merge_refuses_the_same_unit(demo_db: Database) -> None:
    with pytest.raises(ValidationError), demo_db.session() as s:
        units.merge_units(s, 1, 1)


def test_import_units_from_xlsx(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        units.ensure_default_types(s)
        existing = units.create_unit(s, "Xã Vạn Phúc")
    path = _xlsx(
        tmp_path / "don-vi.xlsx",
        [
            ["DANH SÁCH ĐƠN VỊ"],
            [],
            ["TT", "Tên đơn vị", "Tên viết tắt", "Loại đơn vị", "Tên khác", "Ghi chú"],
            [1, "UBND xã Vạn Phúc", "VP", "Xã, phường", "UBND Vạn Phúc", ""],
            [2, "Trường Mầm non Hoa Sen", "MN Hoa Sen", None, "MN Hoa Sen cũ; Trường MG Hoa Sen", ""],
            [3, "Phòng Văn hóa - Xã hội", "P. VH-XH", "Phòng ban", None, "khối cơ quan"],
            [4, "Hợp tác xã Yên Sơn", None, None, None, None],
            [5, "trường mầm non hoa sen", None, None, None, None],
            [None, None, None, None, None, None],
            ["Tổng cộng", None, None, None, None, None],
        ],
    )
    with db.session() as s:
        plan = units.import_units(s, path, dry_run=True)
        assert (plan.created, plan.updated, plan.unchanged) == (3, 1, 0)
        assert not plan.errors and len(plan.issues) == 1 and "trùng với dòng 5" in plan.issues[0].text()
        assert s.scalar(select(func.count(Unit.id))) == 1  # dry run wrote nothing
    with db.session() as s:
        plan = units.import_units(s, path)
    with db.reading() as s:
        rows = {r.name: r for r in units.list_units(s)}
        assert set(rows) == {
            "Xã Vạn Phúc",
            "Trường Mầm non Hoa Sen",
            "Phòng Văn hóa - Xã hội",
            "Hợp tác xã Yên Sơn",
        }
        vp = rows["Xã Vạn Phúc"]
        assert vp.id == existing.id and vp.short_name == "VP" and vp.type_name.startswith("Xã")
        assert set(vp.aliases) == {"UBND xã Vạn Phúc", "UBND Vạn Phúc"}
        mn = rows["Trường Mầm non Hoa Sen"]
        assert mn.type_name == "Trường Mầm non"  # guessed from the name
        assert set(mn.aliases) == {"MN Hoa Sen cũ", "Trường MG Hoa Sen"}
        assert rows["Phòng Văn hóa - Xã hội"].type_name.startswith("Phòng")
        assert rows["Hợp tác xã Yên Sơn"].type_name == ""
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) == 1
    # importing the same file again changes nothing
    with db.session() as s:
        again = units.import_units(s, path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_import_errors_name_the_row_and_write_nothing(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        units.ensure_default_types(s)
        units.create_unit(s, "Xã Vạn Phúc")
    path = _xlsx(
        tmp_path / "loi.xlsx",
        [
            ["Đơn vị", "Loại"],
            ["Trường THCS A", "Bệnh viện"],
            [None, "Phòng ban"],
            ["Trường THCS B", "THCS", "x"],
        ],
    )
    with pytest.raises(ValidationError) as err, db.session() as s:
        units.import_units(s, path)
    text = str(err.value)
    assert "Dòng 2 (Trường THCS A): loại đơn vị 'Bệnh viện' không có" in text
    assert "Dòng 3: thiếu tên đơn vị" in text
    with db.reading() as s:
        assert s.scalar(select(func.count(Unit.id))) == 1


def test_import_rejects_files_without_header_and_bad_files(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "x.xlsx", [["Họ tên", "Ngày sinh"], ["A", "B"]])
    with pytest.raises(ValidationError, match="Tên đơn vị"), db.session() as s:
        units.import_units(s, path)
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(FileRejected), db.session() as s:
        units.import_units(s, bad)
    with db.reading() as s:
        assert s.scalar(select(func.count(UnitType.id))) == 0  # the failed imports rolled back
