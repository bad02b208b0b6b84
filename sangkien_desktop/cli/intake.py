"""CLI commands for tiếp nhận hồ sơ: list, show, add (from JSON/TOML), status, next number, reconciliation;
exports of the giấy biên nhận, the sổ tiếp nhận and the reconciliation report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tomllib
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..db.database import Database
from ..domain.clocks import Clock, ClockFilter
from ..domain.enums import DossierStatus, SolutionKind
from ..domain.errors import Issue, ValidationError
from ..domain.intake_rules import format_percent, parse_receipt_no
from ..domain.text import fold_key
from ..domain.vndate import dmy, parse_date
from ..services import intake, receipts, reconciliation, reconciliation_report
from ..services.intake import AuthorInput, ChecklistInput, DossierDetail, DossierInput, DossierRow, ListFilter
from ..services.rounds import find_round
from .common import Registry, open_db, print_json, print_table

MAX_INPUT_BYTES = 5 * 1024 * 1024
ADD_EXAMPLE = """ví dụ (JSON; TOML dùng cùng tên mục, nhiều hồ sơ ghi trong [[dossiers]]):
  {"round": "2026/1", "unit": "Phòng Văn hóa - Xã hội", "title": "Số hóa sổ theo dõi hộ nghèo",
   "received_on": "02/4/2026", "kind": "quan_ly", "field": "Văn hóa, xã hội",
   "first_applied_on": "01/3/2025", "registration": "auto", "delivered_by": "Lê Thị Hoa",
   "authors": [{"name": "Lê Thị Hoa", "birth_date": "12/5/1988", "job_title": "Chuyên viên",
                "workplace": "Phòng Văn hóa - Xã hội", "qualification": "Cử nhân", "contribution": 60},
               {"name": "Trần Văn Bình", "birth_date": "02/01/1979", "contribution": 40}],
   "missing": ["minh chứng"]}
các mục khác: receipt_no, registration (mã số), investor, summary, delivered_phone, note, result_due_on,
checklist ([{"name", "received", "copies", "copies_required", "required"}]), status, status_note,
supplement_requested_on, accepted_on; loại giải pháp: ky_thuat, quan_ly, tac_nghiep, ung_dung."""


def register(reg: Registry) -> None:
    reg.group("dossiers", "hồ sơ sáng kiến: tiếp nhận, danh sách, trạng thái, đối chiếu")

    p = reg.subcommand("dossiers", "list", "liệt kê hồ sơ của một đợt (theo sổ tiếp nhận)", cmd_list)
    p.add_argument("--round", required=True, metavar="ĐỢT", help="mã đợt hoặc NĂM/ĐỢT, ví dụ 2026/1")
    p.add_argument("--status", choices=[s.value for s in DossierStatus], help="chỉ hồ sơ có trạng thái này")
    p.add_argument(
        "--clock",
        choices=[c.value for c in ClockFilter],
        default=ClockFilter.ANY.value,
        help="lọc theo thời hạn: " + "; ".join(f"{c.value} = {c.label}" for c in ClockFilter),
    )
    p.add_argument("--unregistered", action="store_true", help="chỉ hồ sơ chưa đăng ký")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.subcommand("dossiers", "show", "xem đầy đủ một hồ sơ", cmd_show)
    p.add_argument("code", metavar="MÃ_HỒ_SƠ", help="ví dụ HS26-007")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.subcommand(
        "dossiers",
        "add",
        "tiếp nhận hồ sơ từ tệp JSON hoặc TOML (một hồ sơ, hoặc danh sách; lưu tất cả hoặc không lưu gì)",
        cmd_add,
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = ADD_EXAMPLE
    p.add_argument("file", metavar="TỆP", help="tệp .json hoặc .toml; '-' để đọc JSON từ đầu vào chuẩn")
    p.add_argument("--round", metavar="ĐỢT", help="đợt mặc định cho các hồ sơ không ghi 'round'")
    p.add_argument("--json", action="store_true", help="in kết quả ra JSON")

    p = reg.subcommand("dossiers", "status", "đổi trạng thái hồ sơ", cmd_status)
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument(
        "status",
        choices=[s.value for s in DossierStatus],
        help="; ".join(f"{s.value} = {s.label}" for s in DossierStatus),
    )
    p.add_argument("--note", default="", help="thiếu gì (incomplete), lý do (invalid, withdrawn)")
    p.add_argument(
        "--date", help="ngày đề nghị bổ sung (incomplete) hoặc ngày chấp nhận (valid); mặc định hôm nay"
    )

    p = reg.subcommand("dossiers", "next-number", "số tiếp nhận kế tiếp của năm", cmd_next)
    p.add_argument("--round", required=True, metavar="ĐỢT")

    p = reg.subcommand(
        "dossiers",
        "reconcile",
        "đối chiếu hồ sơ của đợt với đăng ký và sáng kiến đã công nhận",
        cmd_reconcile,
    )
    p.add_argument("--round", required=True, metavar="ĐỢT")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.subcommand(
        "dossiers",
        "link",
        "xác nhận hồ sơ là sáng kiến đã đăng ký (gắn hồ sơ với đăng ký; xem «dossiers reconcile», mục IV)",
        cmd_link,
    )
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("--registration", required=True, type=int, metavar="MÃ_ĐK", help="mã đăng ký")

    p = reg.subcommand("dossiers", "delete", "xóa hồ sơ nhập nhầm (chưa có điểm chấm)", cmd_delete)
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("--yes", action="store_true", help="xác nhận xóa")

    reg.group("export", "xuất tệp PDF/Excel")
    p = reg.subcommand("export", "receipt-book", "sổ tiếp nhận hồ sơ của một đợt (.pdf hoặc .xlsx)", cmd_book)
    p.add_argument("--round", required=True, metavar="ĐỢT")
    p.add_argument("-o", "--output", required=True, metavar="TỆP", help="tệp .pdf hoặc .xlsx")

    p = reg.subcommand(
        "export",
        "reconciliation",
        "báo cáo đối chiếu hồ sơ với đăng ký (.xlsx hoặc .pdf)",
        cmd_export_reconcile,
    )
    p.add_argument("--round", required=True, metavar="ĐỢT")
    p.add_argument("-o", "--output", required=True, metavar="TỆP", help="tệp .xlsx hoặc .pdf")

    p = reg.subcommand("export", "receipt", "giấy biên nhận hồ sơ (.pdf)", cmd_receipt)
    p.add_argument("--dossier", required=True, metavar="MÃ_HỒ_SƠ", help="ví dụ HS26-007")
    p.add_argument("-o", "--output", required=True, metavar="TỆP", help="tệp .pdf")
    p.add_argument("--copies", type=int, default=1, choices=[1, 2, 3], help="số liên (mặc định 1)")


# ------------------------------------------------------------------------------------------------------
# output helpers
# ------------------------------------------------------------------------------------------------------


def _clock_json(c: Clock) -> dict[str, Any]:
    return {"level": c.level.value, "due": c.due, "days_left": c.days_left, "text": c.text}


def _clocks_json(clocks: tuple[Clock, ...]) -> dict[str, Any]:
    return {c.kind.value: _clock_json(c) for c in clocks}


def _row_json(r: DossierRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "code": r.code,
        "receipt_no": r.receipt_no,
        "received_on": r.received_on,
        "unit": r.unit_name,
        "title": r.title,
        "kind": r.kind.value if r.kind else None,
        "field": r.field,
        "status": r.status.value,
        "status_label": r.status.label,
        "status_note": r.status_note,
        "registered": r.registered,
        "registration_id": r.registration_id,
        "authors": [{"name": n, "contribution": c} for n, c in r.authors],
        "first_applied_on": r.first_applied_on,
        "accepted_on": r.accepted_on,
        "missing": list(r.missing),
        "clocks": _clocks_json(r.clocks),
    }


def _detail_json(d: DossierDetail) -> dict[str, Any]:
    return {
        "id": d.id,
        "code": d.code,
        "year": d.year,
        "round": d.round_label,
        "round_id": d.round_id,
        "receipt_no": d.receipt_no,
        "received_on": d.received_on,
        "unit": d.unit_name,
        "title": d.title,
        "kind": d.kind.value if d.kind else None,
        "field": d.field,
        "first_applied_on": d.first_applied_on,
        "accepted_on": d.accepted_on,
        "investor": d.investor,
        "summary": d.summary,
        "status": d.status.value,
        "status_label": d.status.label,
        "status_note": d.status_note,
        "supplement_requested_on": d.supplement_requested_on,
        "delivered_by": d.delivered_by,
        "delivered_phone": d.delivered_phone,
        "result_due_on": d.result_due_on,
        "note": d.note,
        "registered": d.registered,
        "registration_id": d.registration_id,
        "registration_title": d.registration_title,
        "authors": [
            {
                "name": a.full_name,
                "birth_date": a.birth_date,
                "workplace": a.workplace,
                "job_title": a.job_title,
                "qualification": a.qualification,
                "contribution": a.contribution,
                "person_id": a.person_id,
            }
            for a in d.authors
        ],
        "checklist": [asdict(c) for c in d.checklist],
        "missing": d.missing,
        "clocks": _clocks_json(d.clocks),
    }


def _print_warnings(warnings: tuple[Issue, ...] | list[Issue], code: str) -> None:
    for w in warnings:
        print(f"Lưu ý ({code}): {w.text()}", file=sys.stderr)


# ------------------------------------------------------------------------------------------------------
# dossiers
# ------------------------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rnd = find_round(session, args.round)
            rid, label = rnd.id, rnd.label
        flt = ListFilter(
            status=DossierStatus(args.status) if args.status else None,
            clock=ClockFilter(args.clock),
            registered=False if args.unregistered else None,
        )
        rows = intake.list_dossiers(db, rid, flt)
    finally:
        db.dispose()
    if args.json:
        print_json([_row_json(r) for r in rows])
        return 0
    if not rows:
        print(f"{label}: không có hồ sơ nào phù hợp.")
        return 0
    print(f"{label}: {len(rows)} hồ sơ")
    print_table(
        ["Mã", "Ngày nhận", "Đơn vị", "Tên sáng kiến", "Tác giả", "Trạng thái", "Lưu ý"],
        [
            [
                r.code,
                dmy(r.received_on),
                _cut(r.unit_name, 28),
                _cut(r.title, 50),
                _cut(r.authors_with_shares, 34),
                r.status.label,
                _flags(r),
            ]
            for r in rows
        ],
    )
    return 0


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _flags(r: DossierRow) -> str:
    flags = []
    if not r.registered:
        flags.append("chưa đăng ký")
    for c in r.clocks:
        if c.needs_attention:
            flags.append(
                {"first_application": "quá 1 năm", "decision": "hạn 3 tháng", "round_deadline": "nộp muộn"}[
                    c.kind.value
                ]
            )
    return ", ".join(flags)


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        d = intake.get_dossier(db, args.code)
    finally:
        db.dispose()
    if args.json:
        print_json(_detail_json(d))
        return 0
    print(f"{d.code} — {d.title}")
    print(f"  Đợt: {d.round_label}; số tiếp nhận {d.receipt_no}; ngày nhận {dmy(d.received_on)}")
    print(f"  Đơn vị: {d.unit_name}")
    print(
        f"  Loại giải pháp: {d.kind.label if d.kind else '(chưa ghi)'}; lĩnh vực: {d.field or '(chưa ghi)'}"
    )
    print(f"  Ngày áp dụng lần đầu: {dmy(d.first_applied_on) if d.first_applied_on else '(chưa ghi)'}")
    reg = f"có (mã {d.registration_id}): {d.registration_title}" if d.registered else "CHƯA ĐĂNG KÝ"
    print(f"  Đăng ký: {reg}")
    print(f"  Trạng thái: {d.status.label}" + (f" — {d.status_note}" if d.status_note else ""))
    print("  Tác giả:")
    for a in d.authors:
        born = dmy(a.birth_date) if a.birth_date else "?"
        print(
            f"    - {a.full_name} (sinh {born}), {a.job_title}, {a.workplace}, {a.qualification}: "
            f"{format_percent(a.contribution)}"
        )
    print("  Thành phần hồ sơ:")
    for c in d.checklist:
        copies = f", {c.copies}/{c.copies_required} bản" if c.copies_required else ""
        print(f"    [{'x' if c.received else ' '}] {c.name}{copies}")
    print("  Thời hạn:")
    for c in d.clocks:
        print(f"    - {c.kind.label}: {c.text}")
    return 0


def cmd_next(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rid = find_round(session, args.round).id
        number, code = intake.next_number(db, rid)
    finally:
        db.dispose()
    print(f"{number}\t{code}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    status = DossierStatus(args.status)
    when = _date(args.date, "--date") if args.date else None
    db = open_db(args)
    try:
        d = intake.get_dossier(db, args.code)
        result = intake.change_status(
            db,
            d.id,
            status,
            note=args.note,
            requested_on=(when or intake.today()) if status is DossierStatus.INCOMPLETE else None,
            accepted_on=when if status is DossierStatus.VALID else None,
        )
    finally:
        db.dispose()
    print(f"Hồ sơ {result.code}: {d.status.label} → {result.status.label}.")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        d = intake.get_dossier(db, args.code)
        message = reconciliation.link(db, d.id, args.registration)
    finally:
        db.dispose()
    print(message)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    if not args.yes:
        raise ValidationError("Xóa hồ sơ cần xác nhận: thêm --yes vào lệnh.")
    db = open_db(args)
    try:
        d = intake.get_dossier(db, args.code)
        intake.delete_dossier(db, d.id)
    finally:
        db.dispose()
    print(f"Đã xóa hồ sơ {d.code}.")
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        r = reconciliation.reconcile(db, args.round)
    finally:
        db.dispose()
    if args.json:
        print_json(
            {
                "round": r.round_label,
                "round_id": r.round_id,
                "year": r.year,
                "registered_without_dossier": [asdict(m) for m in r.registered_without_dossier],
                "dossiers_without_registration": [asdict(u) for u in r.dossiers_without_registration],
                "already_recognized": [asdict(m) | {"reason": m.reason} for m in r.already_recognized],
                "probable_matches": [asdict(p) for p in r.probable_matches],
            }
        )
        return 0
    print(f"Đối chiếu {r.round_label}")
    print(f"\nI. Đã đăng ký năm {r.year} nhưng chưa nộp hồ sơ: {len(r.registered_without_dossier)}")
    if r.registered_without_dossier:
        print_table(
            ["Mã ĐK", "Đơn vị", "Tên sáng kiến", "Tác giả"],
            [
                [m.registration_id, _cut(m.unit_name, 30), _cut(m.title, 60), _cut(m.authors_text, 30)]
                for m in r.registered_without_dossier
            ],
        )
    print(f"\nII. Đã nộp hồ sơ nhưng chưa đăng ký: {len(r.dossiers_without_registration)}")
    if r.dossiers_without_registration:
        print_table(
            ["Mã", "Đơn vị", "Tên sáng kiến", "Tác giả"],
            [
                [u.code, _cut(u.unit_name, 30), _cut(u.title, 60), _cut(u.authors_text, 30)]
                for u in r.dossiers_without_registration
            ],
        )
    print(
        f"\nIII. Trùng tác giả hoặc tên sáng kiến đã công nhận những năm trước: {len(r.already_recognized)}"
    )
    if r.already_recognized:
        print_table(
            ["Mã", "Tên sáng kiến", "Trùng", "Đã công nhận", "Năm", "Loại"],
            [
                [
                    m.code,
                    _cut(m.title, 40),
                    m.reason,
                    f"{m.earlier_code} {_cut(m.earlier_title, 40)}",
                    m.earlier_year,
                    m.earlier_grade,
                ]
                for m in r.already_recognized
            ],
        )
    print(f"\nIV. Có thể là cùng một sáng kiến (cần xác nhận): {len(r.probable_matches)}")
    if r.probable_matches:
        print_table(
            ["Mã", "Tên trong hồ sơ", "Mã ĐK", "Tên đã đăng ký", "Đơn vị đăng ký"],
            [
                [
                    p.code,
                    _cut(p.title, 45),
                    p.registration_id,
                    _cut(p.registration_title, 45),
                    _cut(p.registration_unit, 25),
                ]
                for p in r.probable_matches
            ],
        )
        print("Xác nhận: sangkien dossiers link MÃ_HỒ_SƠ --registration MÃ_ĐK")
    return 0


# ------------------------------------------------------------------------------------------------------
# dossiers add
# ------------------------------------------------------------------------------------------------------


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise ValidationError(Issue(str(exc), where)) from exc


def _opt_date(spec: dict[str, Any], key: str, where: str) -> dt.date | None:
    value = spec.get(key)
    if value in (None, ""):
        return None
    return _date(value, f"{where}, {key}")


def _kind(value: Any, where: str) -> SolutionKind | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    for kind in SolutionKind:
        if text == kind.value or fold_key(text) in {
            fold_key(kind.label),
            fold_key(kind.label.removeprefix("Giải pháp ")),
        }:
            return kind
    choices = ", ".join(f"{k.value} ({k.label})" for k in SolutionKind)
    raise ValidationError(Issue(f"loại giải pháp «{text}» không có; chọn một trong: {choices}", where))


def _load_specs(path_text: str) -> list[dict[str, Any]]:
    if path_text == "-":
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name = "đầu vào chuẩn"
        suffix = ".json"
    else:
        path = Path(path_text)
        if not path.is_file():
            raise ValidationError(f"Không tìm thấy tệp «{path_text}».")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise ValidationError(f"Tệp «{path.name}» quá lớn (tối đa 5 MB).")
        raw = path.read_bytes()
        name = path.name
        suffix = path.suffix.lower()
    if len(raw) > MAX_INPUT_BYTES:
        raise ValidationError(f"Dữ liệu từ {name} quá lớn (tối đa 5 MB).")
    try:
        text = raw.decode("utf-8-sig")
        data: Any = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError(f"Không đọc được {name}: {exc}") from exc
    if isinstance(data, dict) and "dossiers" in data:
        data = data["dossiers"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise ValidationError(f"{name} phải chứa một hồ sơ (đối tượng) hoặc danh sách hồ sơ.")
    return data


def _dossier_input(db: Database, spec: dict[str, Any], n: int, default_round: str | None) -> DossierInput:
    where = f"Hồ sơ thứ {n}"
    known = {
        "round", "receipt_no", "received_on", "unit", "title", "kind", "field", "first_applied_on",
        "registration", "registration_id", "investor", "summary", "delivered_by", "delivered_phone", "note",
        "result_due_on", "authors", "checklist", "missing", "status", "status_note",
        "supplement_requested_on", "accepted_on",
    }  # fmt: skip
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ValidationError(Issue(f"không hiểu các mục: {', '.join(unknown)}", where))
    with db.reading() as session:
        round_ref = spec.get("round", default_round)
        if round_ref in (None, ""):
            raise ValidationError(
                Issue("chưa ghi đợt ('round', ví dụ \"2026/1\") và không có --round", where)
            )
        rnd = find_round(session, round_ref)
        round_id, year = rnd.id, rnd.year
        template = [(t.name, t.copies_required, t.required) for t in rnd.checklist_template]
        unit_ref = spec.get("unit")
        if unit_ref in (None, ""):
            raise ValidationError(Issue("chưa ghi đơn vị ('unit')", where))
        unit_id = intake.find_unit(session, unit_ref).id
    receipt_no = None
    if spec.get("receipt_no") not in (None, ""):
        try:
            receipt_no = parse_receipt_no(spec["receipt_no"], year)
        except ValueError as exc:
            raise ValidationError(Issue(str(exc), where)) from exc
    registration_id = spec.get("registration_id", spec.get("registration"))
    if registration_id == "auto":
        hits = [
            h
            for h in intake.search_registrations(db, year, str(spec.get("title", "")), unit_id=unit_id)
            if h.dossier_code is None and fold_key(h.title) == fold_key(str(spec.get("title", "")))
        ]
        registration_id = hits[0].id if hits else None
    elif registration_id in (None, ""):
        registration_id = None
    elif not isinstance(registration_id, int):
        raise ValidationError(Issue("'registration' phải là mã số của đăng ký hoặc \"auto\"", where))
    authors = []
    raw_authors = spec.get("authors") or []
    if not isinstance(raw_authors, list):
        raise ValidationError(Issue("'authors' phải là danh sách tác giả", where))
    for k, a in enumerate(raw_authors, start=1):
        aw = f"{where}, tác giả thứ {k}"
        if isinstance(a, str):
            a = {"name": a}
        if not isinstance(a, dict):
            raise ValidationError(Issue("mỗi tác giả là một đối tượng có 'name'", aw))
        unit_of_author = None
        if a.get("unit") not in (None, ""):
            with db.reading() as session:
                unit_of_author = intake.find_unit(session, a["unit"]).id
        contribution = a.get("contribution")
        if isinstance(contribution, float):
            contribution = Decimal(repr(contribution))
        authors.append(
            AuthorInput(
                full_name=str(a.get("name", a.get("full_name", ""))),
                birth_date=_opt_date(a, "birth_date", aw),
                workplace=str(a.get("workplace", "")),
                job_title=str(a.get("job_title", "")),
                qualification=str(a.get("qualification", "")),
                contribution=contribution,
                unit_id=unit_of_author,
                gender=str(a.get("gender", "")),
                phone=str(a.get("phone", "")),
            )
        )
    checklist = None
    if spec.get("checklist") is not None:
        checklist = []
        for item in spec["checklist"]:
            if isinstance(item, str):
                item = {"name": item, "received": True}
            checklist.append(
                ChecklistInput(
                    name=str(item.get("name", "")),
                    received=bool(item.get("received", True)),
                    copies=item.get("copies"),
                    copies_required=item.get("copies_required"),
                    required=bool(item.get("required", True)),
                    note=str(item.get("note", "")),
                )
            )
    elif spec.get("missing"):
        # "missing": ["minh chứng"] marks the template items whose name contains these words as not received
        missing = [fold_key(m) for m in spec["missing"]]
        checklist = []
        for name, copies, required in template:
            absent = any(m and m in fold_key(name) for m in missing)
            checklist.append(
                ChecklistInput(
                    name,
                    received=not absent,
                    copies=None if absent else copies,
                    copies_required=copies,
                    required=required,
                )
            )
    status = None
    if spec.get("status") not in (None, ""):
        try:
            status = DossierStatus(spec["status"])
        except ValueError as exc:
            choices = ", ".join(s.value for s in DossierStatus)
            raise ValidationError(
                Issue(f"trạng thái «{spec['status']}» không có; chọn: {choices}", where)
            ) from exc
    received = spec.get("received_on")
    return DossierInput(
        round_id=round_id,
        unit_id=unit_id,
        title=str(spec.get("title", "")),
        received_on=_date(received, f"{where}, received_on")
        if received not in (None, "")
        else intake.today(),
        authors=authors,
        receipt_no=receipt_no,
        registration_id=registration_id,
        kind=_kind(spec.get("kind"), where),
        field=str(spec.get("field", "")),
        first_applied_on=_opt_date(spec, "first_applied_on", where),
        investor=str(spec.get("investor", "")),
        summary=str(spec.get("summary", "")),
        delivered_by=str(spec.get("delivered_by", "")),
        delivered_phone=str(spec.get("delivered_phone", "")),
        note=str(spec.get("note", "")),
        result_due_on=_opt_date(spec, "result_due_on", where),
        checklist=checklist,
        status=status,
        status_note=str(spec.get("status_note", "")),
        supplement_requested_on=_opt_date(spec, "supplement_requested_on", where),
        accepted_on=_opt_date(spec, "accepted_on", where),
    )


def cmd_add(args: argparse.Namespace) -> int:
    specs = _load_specs(args.file)
    db = open_db(args)
    try:
        inputs = [_dossier_input(db, spec, n, args.round) for n, spec in enumerate(specs, start=1)]
        results = intake.receive_many(db, inputs)
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "id": r.dossier_id,
                    "code": r.code,
                    "receipt_no": r.receipt_no,
                    "status": r.status.value,
                    "warnings": [w.text() for w in r.warnings],
                }
                for r in results
            ]
        )
        return 0
    for r in results:
        print(f"Đã tiếp nhận hồ sơ {r.code} ({r.status.label}).")
        _print_warnings(r.warnings, r.code)
    return 0


# ------------------------------------------------------------------------------------------------------
# exports
# ------------------------------------------------------------------------------------------------------


def cmd_book(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        out = receipts.write_receipt_book(db, args.round, Path(args.output))
    finally:
        db.dispose()
    print(f"Đã ghi sổ tiếp nhận: {out}")
    return 0


def cmd_export_reconcile(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        out = reconciliation_report.write_report(db, args.round, Path(args.output))
    finally:
        db.dispose()
    print(f"Đã ghi báo cáo đối chiếu: {out}")
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        out = receipts.write_receipt(db, args.dossier, Path(args.output), copies=args.copies)
    finally:
        db.dispose()
    print(f"Đã ghi giấy biên nhận: {out}")
    return 0
