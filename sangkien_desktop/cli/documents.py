"""CLI commands for documents: ``export DOC --round R -o OUT`` for every document of the catalog (the
format follows the extension of OUT), ``import scores FILE.xlsx``, and ``certificates allocate | list |
offsets`` (register numbers, pre-printed blanks)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from sqlalchemy import select

from ..db.database import Database
from ..domain.errors import NotFoundError, ValidationError
from ..domain.vndate import parse_date
from ..models import Dossier
from ..services import settings as settings_service
from ..services.documents import catalog, certificate_layout, certificate_register, score_import
from ..services.documents.common import write_file
from ..services.documents.round_data import load_round
from ..services.rounds import find_round
from .common import MEMBER_HELP, Registry, find_member, open_db, print_json, print_table


def register(reg: Registry) -> None:
    reg.group("export", "xuất văn bản (PDF, Word) và bảng tính Excel")
    for spec in catalog.CATALOG:
        formats = ", ".join("." + f for f in spec.formats)
        short = spec.name[:1].lower() + spec.name[1:]
        p = reg.subcommand("export", spec.key, f"{short} ({formats})", cmd_export)
        p.description = f"{spec.name}. {spec.description} Dạng tệp theo đuôi của TỆP: {formats}."
        p.set_defaults(doc_key=spec.key)
        p.add_argument("-o", "--output", required=True, metavar="TỆP", help=f"tệp kết quả ({formats})")
        if spec.scope == catalog.ROUND:
            p.add_argument(
                "--round", required=True, metavar="ĐỢT", help="đợt: NĂM/ĐỢT (ví dụ 2026/1) hoặc mã đợt"
            )
        elif spec.scope == catalog.YEAR:
            p.add_argument(
                "--round", metavar="ĐỢT", help="đợt (NĂM/ĐỢT); lấy năm của đợt nếu không ghi --year"
            )
            p.add_argument("--year", type=int, metavar="NĂM", help="năm (cả năm)")
        else:
            p.add_argument(
                "--round", metavar="ĐỢT", help="không cần (nhận để mọi lệnh export ghi giống nhau)"
            )
        if "member" in spec.options:
            p.add_argument("--member", metavar="TV", help="chỉ phiếu của một " + MEMBER_HELP)
        if "dossier" in spec.options:
            p.add_argument("--dossier", metavar="HS", help="chỉ giấy của một hồ sơ: mã HS26-007")
        if "person" in spec.options:
            p.add_argument("--person", type=int, metavar="MÃ", help="chỉ giấy của một tác giả (mã người)")
        if "preprinted" in spec.options:
            p.add_argument(
                "--phoi",
                "--preprinted",
                dest="preprinted",
                action="store_true",
                help="in lên phôi in sẵn: chỉ in nội dung, theo độ lệch đã căn chỉnh",
            )
        if "allocate" in spec.options:
            p.add_argument(
                "--no-allocate",
                dest="allocate",
                action="store_false",
                help="không tự cấp số vào sổ cho tác giả chưa có số (để trống số)",
            )
        if "recipient" in spec.options:
            p.add_argument("--kinh-gui", dest="recipient", default="", metavar="NƠI", help="dòng «Kính gửi:»")
        if "number" in spec.options:
            stored = spec.scope == catalog.ROUND
            p.add_argument(
                "--so",
                dest="number",
                default="",
                metavar="SỐ",
                help="số văn bản in ở dòng «Số:» (ví dụ 1 hoặc 01/BB-HĐSK)"
                + ("; ghi vào đợt, mọi bản in sau dùng số này" if stored else ""),
            )
            p.add_argument(
                "--cap-so",
                dest="issue_number",
                action="store_true",
                help="cấp số tiếp theo trong năm cho văn bản này"
                + (" (ghi vào đợt; đợt đã có số thì giữ số cũ)" if stored else ""),
            )
        if "date" in spec.options:
            what = "ngày ký giấy chứng nhận" if spec.key == "certificates" else "ngày văn bản"
            if spec.key == "minutes":
                what = "ngày họp (ngày biên bản)"
            p.add_argument(
                "--ngay",
                dest="date",
                type=_date_arg,
                metavar="NGÀY",
                help=f"{what}, dạng 05/06/2026; ghi vào đợt (để trống: dòng ngày tháng để trống ghi tay)",
            )
        if "salutation" in spec.options:
            p.add_argument(
                "--ong-ba",
                dest="unknown_salutation",
                action="store_true",
                help="in «Ông/Bà» trước tên tác giả chưa ghi giới tính (mặc định: chỉ in tên)",
            )
        if spec.key == "person-history":
            p.add_argument("--from-year", dest="year_from", type=int, metavar="NĂM", help="từ năm")

    reg.group("import", "nhập dữ liệu từ tệp Excel/Word")
    p = reg.subcommand(
        "import",
        "scores",
        "nhập phiếu chấm điểm Excel thành viên đã điền (kiểm tra toàn bộ trước khi ghi)",
        cmd_import_scores,
    )
    p.add_argument(
        "file",
        metavar="TỆP",
        help="tệp phiếu chấm xuất bằng «export score-sheets» (.xlsx, hoặc lưu lại .xls/.ods)",
    )
    p.add_argument(
        "--dry-run", "--kiem-tra", dest="dry_run", action="store_true", help="chỉ kiểm tra, không ghi"
    )
    p.add_argument(
        "--confirm-totals",
        action="store_true",
        help="thành viên đã xác nhận điểm từng tiêu chí khi tổng điểm trên phiếu khác tổng các tiêu chí",
    )

    reg.group("certificates", "giấy chứng nhận: cấp số vào sổ, danh sách, độ lệch in phôi")
    p = reg.subcommand(
        "certificates", "allocate", "cấp số vào sổ cho tác giả của sáng kiến được công nhận", cmd_allocate
    )
    p.add_argument("--round", required=True, metavar="ĐỢT", help="đợt: NĂM/ĐỢT")
    p = reg.subcommand("certificates", "list", "danh sách giấy chứng nhận của một đợt", cmd_list)
    p.add_argument("--round", required=True, metavar="ĐỢT", help="đợt: NĂM/ĐỢT")
    p.add_argument("--json", action="store_true", help="in ra JSON")
    p = reg.subcommand("certificates", "offsets", "xem hoặc sửa độ lệch (mm) khi in lên phôi", cmd_offsets)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="Ô=DX;DY",
        help=f"đặt độ lệch một ô, ví dụ name=1.5;-2 (ô: page, {', '.join(certificate_layout.FIELD_KEYS)})",
    )
    p.add_argument("--reset", action="store_true", help="đưa mọi độ lệch về 0")
    p.add_argument("--json", action="store_true", help="in ra JSON")


# export ---------------------------------------------------------------------------------------------
def _date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _member_id(db: Database, round_id: int | None, text: str | None) -> int | None:
    """``--member``: the TT in ``council list`` (5), the code on the score sheet (TV05) or a name."""
    if not text:
        return None
    if round_id is None:
        raise ValidationError("--member cần --round (thành viên là của Hội đồng một đợt).")
    with db.reading() as session:
        return find_member(session, round_id, text).id


def _dossier_id(db: Database, round_id: int, text: str | None) -> int | None:
    if not text:
        return None
    m = re.fullmatch(r"\s*HS(\d{2})-0*(\d+)\s*", text, re.IGNORECASE)
    with db.reading() as session:
        if m:
            found = session.scalar(
                select(Dossier.id).where(Dossier.round_id == round_id, Dossier.receipt_no == int(m.group(2)))
            )
        elif text.strip().isdigit():
            found = session.scalar(
                select(Dossier.id).where(Dossier.round_id == round_id, Dossier.id == int(text))
            )
        else:
            found = None
    if found is None:
        raise NotFoundError(f"Không có hồ sơ «{text}» trong đợt này (ghi mã như HS26-007).")
    return found


def _progress(done: int, total: int, text: str) -> None:
    if sys.stderr.isatty() and (done == total or done % 25 == 0):
        print(f"\r{text[:70]:<70} {done}/{total}", end="\n" if done == total else "", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    spec = catalog.get(args.doc_key)
    out = Path(args.output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in spec.formats:
        raise ValidationError(
            f"Tệp {out.name}: «{spec.name}» xuất được dạng {', '.join('.' + f for f in spec.formats)}; "
            "hãy đặt đuôi tệp cho đúng."
        )
    db = open_db(args)
    try:
        round_id: int | None = None
        if getattr(args, "round", None):
            with db.reading() as session:
                round_id = find_round(session, args.round).id
        request = catalog.DocRequest(
            round_id=round_id,
            year=getattr(args, "year", None),
            member_id=_member_id(db, round_id, getattr(args, "member", None)),
            dossier_id=_dossier_id(db, round_id, getattr(args, "dossier", None)) if round_id else None,
            person_id=getattr(args, "person", None),
            preprinted=getattr(args, "preprinted", False),
            recipient=getattr(args, "recipient", ""),
            allocate=getattr(args, "allocate", True),
            year_from=getattr(args, "year_from", None),
            number=getattr(args, "number", ""),
            date=getattr(args, "date", None),
            issue_number=getattr(args, "issue_number", False),
            unknown_salutation=getattr(args, "unknown_salutation", False),
        )
        result = catalog.produce(db, spec.key, request, fmt, _progress)
    finally:
        db.dispose()
    write_file(out, result.data)
    for message in result.messages:
        print(message)
    print(f"Đã ghi {spec.name} vào {out} ({len(result.data) // 1024 + 1} KB).")
    return 0


# import scores --------------------------------------------------------------------------------------
def cmd_import_scores(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        report = score_import.import_scores(
            db, Path(args.file), dry_run=args.dry_run, confirm_totals=args.confirm_totals
        )
    finally:
        db.dispose()
    print(report.summary())
    return 0


# certificates ---------------------------------------------------------------------------------------
def cmd_allocate(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            round_id = find_round(session, args.round).id
        report = certificate_register.allocate_round(db, round_id)
    finally:
        db.dispose()
    print(report.summary())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            data = load_round(session, find_round(session, args.round).id)
    finally:
        db.dispose()
    rows = []
    for d in data.recognized():
        for a in d.authors:
            cert = data.certificates.get((d.id, a.person_id))
            rows.append(
                {
                    "register_no": cert.number_text if cert else "",
                    "voided": bool(cert and cert.voided),
                    "dossier": d.code,
                    "person_id": a.person_id,
                    "name": a.name,
                    "unit": a.unit_name or d.unit_name,
                    "title": d.title,
                    "grade": data.grades[d.id].grade,
                }
            )
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"{data.label}: chưa có sáng kiến nào được công nhận.")
        return 0
    print_table(
        ["Số vào sổ", "Hồ sơ", "Họ và tên", "Xếp loại"],
        [[r["register_no"] or "(chưa cấp)", r["dossier"], r["name"], r["grade"]] for r in rows],
    )
    return 0


def cmd_offsets(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        offsets = certificate_layout.load_offsets(db)
        if args.reset:
            keys = ["page", *certificate_layout.FIELD_KEYS]
            offsets = certificate_layout.Offsets((0.0, 0.0), {k: (0.0, 0.0) for k in keys[1:]})
        for item in args.set:
            key, sep, value = item.partition("=")
            key = key.strip()
            if not sep:
                raise ValidationError(f"«{item}»: ghi theo dạng Ô=DX;DY, ví dụ name=1.5;-2")
            dx, dy = certificate_layout.parse_pair(value, key)
            if key == certificate_layout.PAGE_KEY:
                offsets = certificate_layout.Offsets((dx, dy), offsets.fields)
            elif key in certificate_layout.FIELD_KEYS:
                offsets = offsets.with_field(key, dx, dy)
            else:
                raise ValidationError(
                    f"Không có ô «{key}». Các ô: page, {', '.join(certificate_layout.FIELD_KEYS)}"
                )
        if args.reset or args.set:
            with db.session() as session:
                changed = certificate_layout.save_offsets(session, offsets)
            print(f"Đã lưu {changed} độ lệch.")
        with db.reading() as session:
            offsets = certificate_layout.offsets_from_settings(settings_service.load(session))
    finally:
        db.dispose()
    rows = [{"field": "page", "label": "Cả trang", "dx": offsets.page[0], "dy": offsets.page[1]}]
    for box in certificate_layout.FIELDS:
        dx, dy = (offsets.fields or {}).get(box.key, (0.0, 0.0))
        rows.append({"field": box.key, "label": box.label, "dx": dx, "dy": dy})
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["Ô", "Tên", "Ngang (mm)", "Dọc (mm)"], [[r["field"], r["label"], r["dx"], r["dy"]] for r in rows]
        )
    return 0
