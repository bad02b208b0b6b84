"""CLI commands for cài đặt, danh mục đơn vị, tạo và chuyển trạng thái đợt (settings, units, rounds) — issue 9.

sangkien --db P settings show [--json]
sangkien --db P settings set KEY VALUE          (VALUE "-" reads standard input: căn cứ on several lines)
sangkien --db P settings preview OUT.pdf        (the header/signature preview of the Cài đặt page)
sangkien --db P settings series [--year Y] [--set KIND LAST]
sangkien --db P units list [--json] | types | import FILE.xlsx [--dry-run] | merge KEEP DROP | add NAME …
sangkien --db P rounds create --year Y --number N [--copy-from ROUND] [--with-members]
sangkien --db P rounds show ROUND [--json] | status ROUND STATUS [--reason …] | delete ROUND | rules
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain import round_lifecycle
from ..domain.enums import RoundField, RoundStatus
from ..domain.errors import ValidationError
from ..domain.money import format_money
from ..domain.rule_text import format_points
from ..domain.settings_schema import SERIES_SUFFIX_KEYS, SPECS
from ..domain.vndate import dmy, parse_date
from ..services import finalize, numbering, rounds, settings_preview, units
from ..services import settings as settings_service
from ..services.output import write_document
from .common import Registry, open_db, print_json, print_table


def register(reg: Registry) -> None:
    reg.group("settings", "cài đặt của Hội đồng (cơ quan, địa danh, người ký, căn cứ, ký hiệu)")
    p = reg.subcommand("settings", "show", "xem các cài đặt", cmd_settings_show)
    p.add_argument("--json", action="store_true", help="in ra JSON (khóa → giá trị)")
    p = reg.subcommand("settings", "set", "sửa một cài đặt", cmd_settings_set)
    p.add_argument("key", metavar="KHÓA", help="tên cài đặt, xem bằng: sangkien settings show")
    p.add_argument("value", metavar="GIÁ_TRỊ", help='giá trị mới ("-": đọc từ đầu vào chuẩn, nhiều dòng)')
    p = reg.subcommand(
        "settings", "preview", "in thử tiêu đề và chữ ký văn bản ra tệp PDF", cmd_settings_preview
    )
    p.add_argument("out", metavar="TỆP.pdf", type=Path)
    p = reg.subcommand("settings", "series", "sổ số văn bản theo năm (số cuối đã dùng)", cmd_settings_series)
    p.add_argument("--year", type=int, default=None, help="năm (mặc định: năm nay)")
    p.add_argument(
        "--set",
        nargs=2,
        metavar=("LOẠI", "SỐ_CUỐI"),
        help=f"đặt số cuối đã dùng; LOẠI: {', '.join(SERIES_SUFFIX_KEYS)}",
    )
    p.add_argument("--json", action="store_true", help="in ra JSON")

    reg.group("units", "danh mục đơn vị và loại đơn vị")
    p = reg.subcommand("units", "list", "liệt kê các đơn vị", cmd_units_list)
    p.add_argument("--json", action="store_true", help="in ra JSON")
    p = reg.subcommand("units", "types", "liệt kê loại đơn vị và hạn đăng ký; sửa hạn", cmd_units_types)
    p.add_argument(
        "--set-deadline", nargs=2, metavar=("LOẠI", "NGÀY/THÁNG"), help="đổi hạn đăng ký của một loại"
    )
    p.add_argument("--json", action="store_true", help="in ra JSON")
    p = reg.subcommand(
        "units", "import", "nhập danh sách đơn vị từ bảng tính (.xlsx, .xls, .ods, .csv)", cmd_units_import
    )
    p.add_argument("file", metavar="TỆP", type=Path, help="bảng tính .xlsx, .xls, .ods hoặc .csv")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p = reg.subcommand(
        "units", "merge", "gộp đơn vị trùng vào một đơn vị (giữ mọi đăng ký, hồ sơ)", cmd_units_merge
    )
    p.add_argument("keep", metavar="GIỮ", help="mã hoặc tên đơn vị được giữ")
    p.add_argument("drop", metavar="GỘP", help="mã hoặc tên đơn vị gộp vào (sẽ thành tên khác)")
    p.add_argument(
        "--reason",
        metavar="LÝ_DO",
        help="bắt buộc khi đơn vị gộp vào có hồ sơ trong đợt đã chốt: các đợt đó được mở lại (ghi lý do vào "
        "nhật ký), chuyển hồ sơ rồi chốt lại",
    )
    p = reg.subcommand(
        "units", "alias", "thêm tên khác cho một đơn vị (để nhận ra khi nhập tệp)", cmd_units_alias
    )
    p.add_argument("unit", metavar="ĐƠN_VỊ", help="mã hoặc tên đơn vị")
    p.add_argument("alias", metavar="TÊN_KHÁC")
    p = reg.subcommand("units", "delete", "xóa một đơn vị chưa có đăng ký, hồ sơ, người", cmd_units_delete)
    p.add_argument("unit", metavar="ĐƠN_VỊ", help="mã hoặc tên đơn vị")
    p = reg.subcommand("units", "add", "thêm một đơn vị", cmd_units_add)
    p.add_argument("name", metavar="TÊN")
    p.add_argument("--short", default="", help="tên viết tắt")
    p.add_argument("--type", default="", help="loại đơn vị (mã hoặc tên)")
    p.add_argument("--alias", action="append", default=[], help="tên khác (lặp lại được)")

    p = reg.subcommand(
        "rounds", "create", "tạo đợt mới (mặc định hoặc sao chép mọi thiết lập từ một đợt)", cmd_rounds_create
    )
    p.add_argument("--year", type=int, required=True, help="năm")
    p.add_argument("--number", type=int, required=True, help="số đợt trong năm")
    p.add_argument("--copy-from", metavar="ĐỢT", help="sao chép từ đợt này (mã hoặc NĂM/ĐỢT, ví dụ 2025/1)")
    p.add_argument("--with-members", action="store_true", help="sao chép cả thành viên Hội đồng")
    p.add_argument("--field", choices=[f.value for f in RoundField], help="lĩnh vực của đợt")
    p.add_argument("--name", default="", help='tên đợt (mặc định "Đợt N năm Y")')
    p.add_argument("--from", dest="receive_from", metavar="NGÀY", help="ngày bắt đầu nhận hồ sơ")
    p.add_argument("--until", dest="receive_until", metavar="NGÀY", help="hạn nộp hồ sơ")
    p.add_argument("--meeting", metavar="NGÀY", help="ngày họp Hội đồng")
    p.add_argument("--json", action="store_true", help="in đợt vừa tạo ra JSON")
    p = reg.subcommand("rounds", "show", "xem thiết lập của một đợt", cmd_rounds_show)
    p.add_argument("round", metavar="ĐỢT")
    p.add_argument("--json", action="store_true", help="in ra JSON")
    p = reg.subcommand(
        "rounds",
        "numbers",
        "số và ngày văn bản của đợt (biên bản, tờ trình, quyết định, giấy chứng nhận): xem hoặc ghi",
        cmd_rounds_numbers,
    )
    p.add_argument("round", metavar="ĐỢT")
    for key, label in numbering.FIELD_LABELS.items():
        flag = "--" + key.replace("_", "-")
        if key.endswith("_no"):
            p.add_argument(flag, dest=key, metavar="SỐ", help=f'{label} (ví dụ 1 hoặc 01/QĐ-UBND; "" để xóa)')
        else:
            p.add_argument(flag, dest=key, metavar="NGÀY", help=f'{label}, dạng 05/06/2026 ("" để xóa)')
    p.add_argument(
        "--cap-so",
        dest="allocate",
        action="append",
        default=[],
        choices=list(numbering.ROUND_DOCUMENTS),
        help="cấp số tiếp theo trong năm cho văn bản này (lặp lại được): minutes, submission, decision",
    )
    p.add_argument("--json", action="store_true", help="in ra JSON")
    p = reg.subcommand(
        "rounds", "status", "chuyển trạng thái đợt (open, scoring, finalized)", cmd_rounds_status
    )
    p.add_argument("round", metavar="ĐỢT")
    p.add_argument("status", metavar="TRẠNG_THÁI", choices=[s.value for s in RoundStatus])
    p.add_argument("--reason", default="", help="lý do (bắt buộc khi mở lại đợt đã chốt)")
    p = reg.subcommand(
        "rounds",
        "apply",
        "sửa thiết lập đợt từ tệp JSON (cùng dạng với rounds show --json; mục nào không có thì giữ nguyên)",
        cmd_rounds_apply,
    )
    p.add_argument("round", metavar="ĐỢT")
    p.add_argument("file", metavar="TỆP.json", type=Path)
    p = reg.subcommand("rounds", "delete", "xóa một đợt chưa có hồ sơ", cmd_rounds_delete)
    p.add_argument("round", metavar="ĐỢT")
    p = reg.subcommand("rounds", "rules", "quy tắc xếp loại của từng đợt và ngày áp dụng", cmd_rounds_rules)
    p.add_argument("--json", action="store_true", help="in ra JSON")


# --- settings --------------------------------------------------------------------------------------------


def cmd_settings_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rows = settings_service.rows(session)
    finally:
        db.dispose()
    if args.json:
        print_json({r.key: r.value for r in rows})
        return 0
    table = []
    for r in rows:
        value = r.choice_label if r.value else ""
        lines = value.split("\n") or [""]
        table.append([r.key, r.label, lines[0] + (f" (+{len(lines) - 1} dòng)" if len(lines) > 1 else "")])
    print_table(["Khóa", "Cài đặt", "Giá trị"], table)
    return 0


def cmd_settings_set(args: argparse.Namespace) -> int:
    value = sys.stdin.read() if args.value == "-" else args.value
    if args.key not in SPECS:
        raise ValidationError(f"Không có cài đặt '{args.key}'. Các khóa: {', '.join(SPECS)}")
    db = open_db(args)
    try:
        with db.session() as session:
            changed = settings_service.put(session, {args.key: value})
            stored = settings_service.load(session)[args.key]
        _, issues = settings_service.validate({args.key: stored})
    finally:
        db.dispose()
    label = SPECS[args.key].label
    print(f"Đã lưu {label}: {stored}" if changed else f"{label} không đổi: {stored}")
    for issue in issues:
        print(f"Lưu ý: {issue.text()}", file=sys.stderr)
    return 0


def cmd_settings_preview(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        values = settings_service.get_all(db)
    finally:
        db.dispose()
    write_document(args.out, settings_preview.preview_pdf(values, date=dt.date.today()))
    print(f"Đã ghi {args.out}")
    return 0


def cmd_settings_series(args: argparse.Namespace) -> int:
    year = args.year or dt.date.today().year
    db = open_db(args)
    try:
        with db.session() as session:
            if args.set:
                kind, last = args.set
                if not last.isdigit():
                    raise ValidationError(f"Số cuối đã dùng phải là số (đang là '{last}').")
                numbering.set_last(session, year, kind, int(last))
            rows = numbering.series(session, year)
    finally:
        db.dispose()
    if args.json:
        print_json([{**asdict(r), "next_number": r.next_number} for r in rows])
        return 0
    print_table(
        ["Loại", "Văn bản", "Ký hiệu", "Số cuối đã dùng", "Số tiếp theo"],
        [[r.kind, r.label, r.suffix, r.last_number, f"{r.next_number:02d}"] for r in rows],
    )
    return 0


# --- units -----------------------------------------------------------------------------------------------


def cmd_units_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rows = units.list_units(session)
    finally:
        db.dispose()
    if args.json:
        print_json([asdict(r) for r in rows])
        return 0
    if not rows:
        print("Chưa có đơn vị nào. Nhập danh sách bằng lệnh: sangkien units import TỆP.xlsx")
        return 0
    print_table(
        ["Mã", "Tên đơn vị", "Viết tắt", "Loại", "Tên khác", "Đăng ký", "Hồ sơ"],
        [
            [r.id, r.name, r.short_name, r.type_name, "; ".join(r.aliases), r.registrations, r.dossiers]
            for r in rows
        ],
    )
    return 0


def cmd_units_types(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            units.ensure_default_types(session)
            if args.set_deadline:
                ref, text = args.set_deadline
                found = units.find_type(session, ref)
                if found is None:
                    raise ValidationError(f"Không có loại đơn vị '{ref}'.")
                month, day = units.parse_deadline(text)
                units.save_type(session, found.id, name=found.name, deadline_month=month, deadline_day=day)
            rows = units.list_types(session)
    finally:
        db.dispose()
    if args.json:
        print_json([{**asdict(r), "deadline": r.deadline_text} for r in rows])
        return 0
    print_table(
        ["Mã", "Loại đơn vị", "Hạn đăng ký", "Số đơn vị"],
        [[r.code, r.name, r.deadline_text, r.units] for r in rows],
    )
    return 0


def cmd_units_import(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            plan = units.import_units(session, args.file, dry_run=args.dry_run)
    finally:
        db.dispose()
    for issue in plan.issues:
        print(("Cảnh báo: " if not issue.is_error else "Lỗi: ") + issue.text(), file=sys.stderr)
    prefix = "Kiểm tra (chưa ghi): " if args.dry_run else "Đã nhập: "
    print(prefix + plan.summary())
    guessed = [r for r in plan.rows if r.type_guessed and r.action == "create"]
    if guessed:
        print(f"{len(guessed)} đơn vị được xếp loại theo tên (xem lại ở trang Cài đặt → Đơn vị).")
    return 1 if plan.errors else 0


def cmd_units_merge(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            keep = units.get_unit(session, args.keep)
            drop = units.get_unit(session, args.drop)
            report = units.merge_units(session, keep.id, drop.id, args.reason or "")
    finally:
        db.dispose()
    print(report.text())
    return 0


def cmd_units_alias(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            unit = units.get_unit(session, args.unit)
            added = units.add_alias(session, unit.id, args.alias)
            name = unit.name
    finally:
        db.dispose()
    print(f"Đã thêm tên khác cho {name}." if added else f"{name} đã có tên này.")
    return 0


def cmd_units_delete(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            unit = units.get_unit(session, args.unit)
            name = unit.name
            units.delete_unit(session, unit.id)
    finally:
        db.dispose()
    print(f"Đã xóa đơn vị {name}.")
    return 0


def cmd_units_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            units.ensure_default_types(session)
            type_id = None
            if args.type:
                found = units.find_type(session, args.type)
                if found is None:
                    raise ValidationError(f"Không có loại đơn vị '{args.type}'. Xem: sangkien units types")
                type_id = found.id
            unit = units.create_unit(
                session, args.name, short_name=args.short, unit_type_id=type_id, aliases=args.alias
            )
            print(f"Đã thêm đơn vị {unit.name} (mã {unit.id}).")
    finally:
        db.dispose()
    return 0


# --- rounds ----------------------------------------------------------------------------------------------


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(f"{what}: {exc}") from exc


def cmd_rounds_create(args: argparse.Namespace) -> int:
    dates = {
        "receive_from": _date(args.receive_from, "Ngày bắt đầu nhận"),
        "receive_until": _date(args.receive_until, "Hạn nộp"),
        "meeting_on": _date(args.meeting, "Ngày họp"),
    }
    field = RoundField(args.field) if args.field else None
    db = open_db(args)
    try:
        with db.session() as session:
            if args.copy_from:
                rnd = rounds.copy_round(
                    session,
                    args.copy_from,
                    args.year,
                    args.number,
                    copy_members=args.with_members,
                    name=args.name,
                    field=field,
                )
                for attr, value in dates.items():
                    if value is not None:
                        setattr(rnd, attr, value)
                source = rounds.find_round(session, args.copy_from).label
            else:
                if args.with_members:
                    raise ValidationError("--with-members chỉ dùng cùng --copy-from.")
                rnd = rounds.create_round(
                    session,
                    args.year,
                    args.number,
                    field=field or RoundField.GENERAL,
                    name=args.name,
                    **dates,
                )
                source = ""
            session.flush()
            data = _round_json(rnd)
    finally:
        db.dispose()
    if args.json:
        print_json(data)
    else:
        print(f"Đã tạo {data['label']} (mã {data['id']})" + (f", sao chép từ {source}." if source else "."))
    return 0


def _round_json(rnd: Any) -> dict[str, Any]:
    status = RoundStatus(rnd.status)
    data: dict[str, Any] = {
        "id": rnd.id,
        "year": rnd.year,
        "number": rnd.number,
        "label": rnd.label,
        "status": status.value,
        "status_label": status.label,
        "allowed": [a.value for a in round_lifecycle.info(status).allowed],
        "members": len(rnd.members),
    }
    data.update(rounds.setup_as_dict(rounds.setup_of(rnd)))
    return data


def cmd_rounds_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            data = _round_json(rounds.find_round(session, args.round))
    finally:
        db.dispose()
    if args.json:
        print_json(data)
        return 0
    status = RoundStatus(data["status"])
    print(f"{data['label']} (mã {data['id']}) — {status.label}")
    print(round_lifecycle.info(status).explanation())
    when = [
        ("Nhận hồ sơ từ", data["receive_from"]),
        ("Hạn nộp", data["receive_until"]),
        ("Họp Hội đồng", data["meeting_on"]),
    ]
    for label, day in when:
        print(f"{label}: {dmy(dt.date.fromisoformat(day)) if day else '—'}")
    print(
        f"Số đồng tác giả tối đa mỗi đơn vị: {data['co_author_limit']}; số bản đơn: {data['copies_required']}"
    )
    print(f"Thành viên Hội đồng: {data['members']}")
    _print_numbers(data)
    print("Giấy tờ trong hồ sơ:")
    for i, item in enumerate(data["checklist"], start=1):
        copies = f" ({item['copies_required']} bản)" if item["copies_required"] else ""
        print(f"  {i}. {item['name']}{copies}{'' if item['required'] else ' — không bắt buộc'}")
    print("Tiêu chí chấm:")
    for i, crit in enumerate(data["rubric"], start=1):
        print(f"  {i}. {crit['name']}: tối đa {format_points(Decimal(crit['max_points']))}")
    rules = data["rules"]
    since = dmy(dt.date.fromisoformat(rules["effective_from"])) if rules["effective_from"] else "—"
    print(f"Quy tắc xếp loại: {rules['name'] or '(không tên)'}, áp dụng từ {since}")
    for band in rules["bands"]:
        quota = f", tối đa {band['quota']} suất" if band["quota"] is not None else ""
        conds = "".join(
            f", {c['criterion']} ≥ {format_points(Decimal(c['min_points']))}" for c in band["conditions"]
        )
        print(
            f"  {band['code']}: điểm ≥ {format_points(Decimal(band['min_mean']))}{quota}, "
            f"thưởng {format_money(band['amount'])} đồng{conds}"
        )
    print(f"  Công nhận (không thưởng): điểm ≥ {format_points(Decimal(rules['certificate_threshold']))}")
    return 0


def cmd_rounds_numbers(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for key in numbering.FIELD_LABELS:
        value = getattr(args, key)
        if value is None:
            continue
        changes[key] = (
            value if key.endswith("_no") else (_date(value, numbering.FIELD_LABELS[key]) if value else None)
        )
    db = open_db(args)
    messages: list[str] = []
    try:
        with db.session() as session:
            rnd = rounds.find_round(session, args.round)
            if changes and numbering.update_round_in(session, rnd, changes):
                messages.append("Đã ghi: " + ", ".join(numbering.FIELD_LABELS[k] for k in changes) + ".")
            for key in args.allocate:
                messages.append(numbering.allocate_for_round_in(session, rnd, key)[1])
            numbers = numbering.numbers_of(rnd)
    finally:
        db.dispose()
    if args.json:
        print_json({"round_id": numbers.round_id, "label": numbers.label, **numbers.as_dict()})
        return 0
    for message in messages:
        print(message)
    _print_numbers(numbers.as_dict())
    return 0


def _print_numbers(values: dict[str, Any]) -> None:
    print("Số, ngày văn bản:")
    for key, label in numbering.FIELD_LABELS.items():
        value = values.get(key)
        if value and not key.endswith("_no"):
            value = dmy(dt.date.fromisoformat(value))
        print(f"  {label[:1].upper() + label[1:]}: {value or '(để trống, ghi tay)'}")


def cmd_rounds_status(args: argparse.Namespace) -> int:
    target = RoundStatus(args.status)
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = rounds.find_round(session, args.round)
            old = RoundStatus(rnd.status)
            warnings = rounds.status_warnings(session, rnd, target)
            rounds.set_status(session, rnd, target, args.reason)
            label, round_id = rnd.label, rnd.id
        archive = None
        if target is RoundStatus.FINALIZED:  # a finalized round gets its archive folder (issue 7)
            archive = finalize.archive_after_finalize(db, round_id)
    finally:
        db.dispose()
    for w in warnings:
        print(f"Lưu ý: {w}", file=sys.stderr)
    print(f"{label}: {old.label} → {target.label}.")
    if archive is not None:
        print(f"Hồ sơ lưu trữ: {archive.folder}")
    print(round_lifecycle.info(target).summary())
    return 0


def cmd_rounds_apply(args: argparse.Namespace) -> int:
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Không đọc được tệp {args.file}: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"Tệp {args.file} phải chứa một đối tượng JSON (như rounds show --json).")
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = rounds.find_round(session, args.round)
            setup = rounds.setup_from_dict(data, rounds.setup_of(rnd))
            warnings = [i for i in rounds.setup_issues(setup) if not i.is_error]
            rounds.save_setup(session, rnd, setup)
            label = rnd.label
    finally:
        db.dispose()
    for w in warnings:
        print(f"Lưu ý: {w.text()}", file=sys.stderr)
    print(f"Đã lưu thiết lập {label}.")
    return 0


def cmd_rounds_delete(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = rounds.find_round(session, args.round)
            label = rnd.label
            rounds.delete_round(session, rnd)
    finally:
        db.dispose()
    print(f"Đã xóa {label}.")
    return 0


def cmd_rounds_rules(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rows = rounds.rule_history(session)
    finally:
        db.dispose()
    if args.json:
        print_json([asdict(r) for r in rows])
        return 0
    print_table(
        ["Đợt", "Quy tắc", "Áp dụng từ", "Nội dung"],
        [[r.round_label, r.name, dmy(r.effective_from) if r.effective_from else "", r.summary] for r in rows],
    )
    return 0
