"""The actions of Cài đặt → Đơn vị and Đợt as services: undo (``put(before)``) and redo (``put(after)``) are one
call each and give back exactly the rows there were (compared table by table, the audit log aside)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from sangkien_desktop.db.database import Database
from sangkien_desktop.domain.enums import RoundField, RoundStatus
from sangkien_desktop.domain.errors import SangKienError
from sangkien_desktop.models import Dossier, ImportMapping, Unit
from sangkien_desktop.services import rounds, rounds_actions, setup, units, units_catalog
from sangkien_desktop.services.rounds_actions import NewRound
from sangkien_desktop.services.units_catalog import UnitDraft

UNIT_TABLES = ("unit_types", "units", "unit_aliases", "import_mappings")
ROUND_TABLES = ("years", "rounds", "round_checklist_items", "criteria", "council_members")


def digest(db: Database, tables: tuple[str, ...]) -> dict[str, list[tuple[object, ...]]]:
    with db.reading() as s:
        # sorted here: "ORDER BY 1" is not the key on PostgreSQL (columns in the order migrations added them)
        return {
            t: sorted((tuple(r) for r in s.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in tables
        }


def test_a_unit_added_by_hand_gets_its_type_from_its_name(db: Database) -> None:
    change = units_catalog.add_unit(db, UnitDraft("Trường THCS Vạn Phúc"))
    chosen = units_catalog.add_unit(db, UnitDraft("Trường Tiểu học Bắc Sơn", unit_type_id=None))
    catalog = units_catalog.load_catalog(db)
    by_id = {u.id: u for u in catalog.units}
    assert by_id[change.unit_id].type_name == "Trường THCS"  # as the Excel import guesses it
    assert by_id[chosen.unit_id].type_name == "Trường Tiểu học"
    office = next(t for t in catalog.types if t.code == "phong_ban")
    kept = units_catalog.add_unit(db, UnitDraft("Trường Mầm non Hoa Sen", unit_type_id=office.id))
    assert {u.id: u for u in units_catalog.load_catalog(db).units}[kept.unit_id].type_id == office.id


def test_unit_add_edit_delete_undo_and_redo_exactly(db: Database) -> None:
    units_catalog.load_catalog(db)  # the default types
    start = digest(db, UNIT_TABLES)
    added = units_catalog.add_unit(db, UnitDraft("Xã Vạn Phúc", "VP", aliases=("UBND xã Vạn Phúc",)))
    after_add = digest(db, UNIT_TABLES)
    time.sleep(1.1)  # the rows put back keep their times (second precision)
    units_catalog.put(db, added.before)
    assert digest(db, UNIT_TABLES) == start
    units_catalog.put(db, added.after)
    assert digest(db, UNIT_TABLES) == after_add
    unit_id = added.unit_id
    assert unit_id is not None
    with db.session() as s:  # an import mapping remembered for the unit comes back with it
        s.add(ImportMapping(unit_id=unit_id, kind="registrations", mapping_json='{"a": 1}'))
    before_edit = digest(db, UNIT_TABLES)

    edited = units_catalog.edit_unit(db, unit_id, UnitDraft("Phường Vạn Phúc", "PVP", aliases=("Xã VP",)))
    after_edit = digest(db, UNIT_TABLES)
    assert after_edit != before_edit
    units_catalog.put(db, edited.before)  # the old name back, and no alias "Phường Vạn Phúc" left behind
    assert digest(db, UNIT_TABLES) == before_edit
    units_catalog.put(db, edited.after)
    assert digest(db, UNIT_TABLES) == after_edit
    units_catalog.put(db, edited.before)

    deleted = units_catalog.delete_unit(db, unit_id)
    assert digest(db, UNIT_TABLES)["units"] != before_edit["units"]
    units_catalog.put(db, deleted.before)
    assert digest(db, UNIT_TABLES) == before_edit
    units_catalog.put(db, deleted.after)
    with db.reading() as s:
        assert s.get(Unit, unit_id) is None
        assert not s.scalars(select(ImportMapping).where(ImportMapping.unit_id == unit_id)).all()


def test_unit_types_and_import_undo_and_redo_exactly(db: Database, tmp_path: Path) -> None:
    units_catalog.load_catalog(db)
    start = digest(db, UNIT_TABLES)
    added = units_catalog.save_type(db, None, "Trường THPT", "30/9")
    units_catalog.put(db, added.before)
    assert digest(db, UNIT_TABLES) == start
    units_catalog.put(db, added.after)
    after_add = digest(db, UNIT_TABLES)
    assert any(
        t.name == "Trường THPT" and t.deadline_text == "30/09" for t in units_catalog.load_catalog(db).types
    )
    type_id = added.after.types[0][0]
    edited = units_catalog.save_type(db, type_id, "Trường Trung học phổ thông", "")
    assert digest(db, UNIT_TABLES) != after_add
    units_catalog.put(db, edited.before)
    assert digest(db, UNIT_TABLES) == after_add
    deleted = units_catalog.delete_type(db, type_id)
    units_catalog.put(db, deleted.before)
    assert digest(db, UNIT_TABLES) == after_add

    with db.session() as s:
        units.create_unit(s, "Phòng Văn hóa - Xã hội")
    before_import = digest(db, UNIT_TABLES)
    wb = openpyxl.Workbook()
    wb.active.append(["Tên đơn vị", "Tên viết tắt", "Tên khác"])
    wb.active.append(["Trường THCS Vạn Phúc", "THCS VP", "Trường Trung học cơ sở Vạn Phúc"])
    wb.active.append(["Phòng Văn hóa - Xã hội", "VHXH", "Phòng VH-XH"])
    path = tmp_path / "dv.xlsx"
    wb.save(path)
    review = units_catalog.plan_import(db, path)
    assert review.plan.created == 1 and review.plan.updated == 1
    imported = units_catalog.import_units(db, path)
    after_import = digest(db, UNIT_TABLES)
    units_catalog.put(db, imported.before)
    assert digest(db, UNIT_TABLES) == before_import
    units_catalog.put(db, imported.after)
    assert digest(db, UNIT_TABLES) == after_import


def test_round_create_delete_setup_and_status_undo(demo_db: Database) -> None:
    start = digest(demo_db, ROUND_TABLES)
    suggestion = rounds_actions.suggest_new_round(demo_db, dt.date(2026, 12, 6))
    created = rounds_actions.create_round(
        demo_db,
        NewRound(
            suggestion.year,
            suggestion.number,
            RoundField.GENERAL,
            source_id=suggestion.source_id,
            copy_members=True,
        ),
    )
    after_create = digest(demo_db, ROUND_TABLES)
    time.sleep(1.1)  # the rows put back keep their times (second precision): a second later shows it
    rounds_actions.put(demo_db, created.before)
    assert digest(demo_db, ROUND_TABLES[1:]) == {t: start[t] for t in ROUND_TABLES[1:]}  # (the year stays)
    rounds_actions.put(demo_db, created.after)
    assert digest(demo_db, ROUND_TABLES) == after_create  # the same ids: SQLite reuses the last one

    deleted = rounds_actions.delete_round(demo_db, created.round_id)
    rounds_actions.put(demo_db, deleted.before)
    again = rounds_actions.round_detail(demo_db, created.round_id)
    assert again.setup == rounds.get_setup(demo_db, created.round_id)
    members = digest(demo_db, ("council_members",))["council_members"]
    assert len(members) == len(after_create["council_members"])
    rounds_actions.put(demo_db, deleted.after)

    open_round = next(r for r in rounds.list_rounds(demo_db) if r.status is RoundStatus.OPEN)
    detail = rounds_actions.round_detail(demo_db, open_round.id)
    changed = rounds_actions.save_setup(
        demo_db, open_round.id, detail.setup.__class__(**{**detail.setup.__dict__, "note": "Ghi chú mới"})
    )
    assert rounds_actions.round_detail(demo_db, open_round.id).setup.note == "Ghi chú mới"
    rounds_actions.put(demo_db, changed.before)
    assert rounds_actions.round_detail(demo_db, open_round.id).setup == detail.setup
    rounds_actions.put(demo_db, changed.after)
    assert rounds_actions.round_detail(demo_db, open_round.id).setup.note == "Ghi chú mới"

    moved = rounds_actions.change_status(demo_db, open_round.id, RoundStatus.SCORING)
    assert rounds_actions.round_detail(demo_db, open_round.id).status is RoundStatus.SCORING
    rounds_actions.put(demo_db, moved.before)
    assert rounds_actions.round_detail(demo_db, open_round.id).status is RoundStatus.OPEN


def test_a_round_with_dossiers_is_not_deleted(demo_db: Database) -> None:
    with demo_db.reading() as s:
        round_id = s.scalar(select(Dossier.round_id).limit(1))
    assert round_id is not None
    with pytest.raises(SangKienError, match="hồ sơ"):
        rounds_actions.delete_round(demo_db, round_id)


def test_first_run_saves_in_one_call(db: Database) -> None:
    start = setup.wizard_start(db)
    assert start.empty and not start.configured and not start.has_rounds
    round_id = setup.save_first_run(
        db, {"issuing_body": "HỘI ĐỒNG SÁNG KIẾN", "place_name": "Vạn Phúc", "head_signs": "deputy"},
        setup.FirstRound(2027, dt.date(2027, 4, 10)),
    )  # fmt: skip
    start = setup.wizard_start(db)
    assert start.configured and start.has_rounds and start.values["head_signs"] == "deputy"
    assert rounds_actions.round_detail(db, round_id or 0).setup.receive_until == dt.date(2027, 4, 10)
