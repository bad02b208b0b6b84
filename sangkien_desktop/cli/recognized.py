"""CLI commands for earlier years' decision lists: ``import recognized`` and the ``recognized`` group (list, show,
edit, delete the imported initiatives and imports)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain.errors import Issue, SangKienError
from ..domain.money import format_money
from ..domain.text import one_line
from ..services import recognized as service
from ..services.importers.recognized import (
    RecognizedOptions,
    RecognizedPreview,
    RecognizedRefused,
    import_file,
    preview_file,
)
from .common import Registry, open_db, print_json, print_table
from .registration import parse_day


def register(reg: Registry) -> None:
    p = reg.subcommand(
        "import",
        "recognized",
        "nhập danh sách sáng kiến được công nhận các năm trước (kèm theo quyết định)",
        cmd_import,
    )
    p.add_argument(
        "file",
        metavar="TỆP",
        type=Path,
        help="danh sách kèm quyết định: .xlsx .xls .ods .csv .docx .doc .odt .rtf (TCVN3/VNI được chuyển)",
    )
    p.add_argument("--year", type=int, required=True, help="năm của các sáng kiến được công nhận")
    p.add_argument("--decision-no", metavar="SỐ", help="số quyết định (mặc định: đọc ở tiêu đề danh sách)")
    p.add_argument(
        "--decision-date", metavar="NGÀY", help="ngày quyết định, dd/mm/yyyy (mặc định: đọc ở tiêu đề)"
    )
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và xem trước, không ghi gì")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument(
        "--replace", action="store_true", help="thay thế lần nhập trước của cùng danh sách/quyết định"
    )
    p.add_argument("--create-units", action="store_true", help="thêm các đơn vị chưa có trong danh mục")
    p.add_argument("--unit", metavar="TÊN", help="đơn vị của các dòng không ghi đơn vị")
    p.add_argument("--sheet", metavar="TÊN", help="trang tính (hoặc bảng) cần nhập, theo tên hoặc số thứ tự")
    p.add_argument("--include-hidden", action="store_true", help="nhập cả các dòng đang ẩn")

    reg.group("recognized", "sáng kiến được công nhận các năm trước (dữ liệu nhập)")
    p = reg.subcommand("recognized", "imports", "các lần nhập danh sách các năm trước", cmd_imports)
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")

    p = reg.subcommand("recognized", "list", "các sáng kiến đã công nhận được nhập", cmd_list)
    p.add_argument("--year", type=int)
    p.add_argument("--import", dest="import_id", type=int, metavar="MÃ", help="chỉ một lần nhập")
    p.add_argument("--json", action="store_true")

    p = reg.subcommand("recognized", "show", "một sáng kiến đã công nhận được nhập", cmd_show)
    p.add_argument("id", type=int, metavar="MÃ")
    p.add_argument("--json", action="store_true")

    p = reg.subcommand(
        "recognized", "edit", "sửa một sáng kiến được nhập (chỉ các trường được ghi)", cmd_edit
    )
    p.add_argument("id", type=int, metavar="MÃ")
    p.add_argument("--title", help="Tên sáng kiến")
    p.add_argument("--unit", metavar="TÊN", help="đơn vị (theo danh mục)")
    p.add_argument("--authors", help="tác giả (cách nhau bằng dấu phẩy)")
    p.add_argument("--grade", help="xếp loại như ghi trong quyết định (Loại A, Công nhận …)")
    p.add_argument("--points", help="điểm ('-' để xóa)")
    p.add_argument("--amount", help="số tiền thưởng ('-' để xóa)")
    p.add_argument(
        "--certificates", help="số giấy chứng nhận (một số cho mỗi tác giả, cách nhau bằng dấu phẩy)"
    )
    p.add_argument("--field", help="lĩnh vực")
    p.add_argument("--note", help="ghi chú")

    p = reg.subcommand("recognized", "delete", "xóa một sáng kiến được nhập", cmd_delete)
    p.add_argument("id", type=int, metavar="MÃ")

    p = reg.subcommand(
        "recognized", "delete-import", "xóa cả một lần nhập (mọi sáng kiến của nó)", cmd_delete_import
    )
    p.add_argument("id", type=int, metavar="MÃ")
    p.add_argument("--yes", action="store_true", required=True, help="xác nhận xóa")

    p = reg.subcommand("recognized", "decision", "sửa số, ngày quyết định của một lần nhập", cmd_decision)
    p.add_argument("id", type=int, metavar="MÃ")
    p.add_argument("--decision-no", metavar="SỐ")
    p.add_argument("--decision-date", metavar="NGÀY")


# ----------------------------------------------------------------------------------------------------------
# import


def _lines(issues: list[Issue]) -> str:
    return "\n".join(f"  - {i.text()}" for i in issues)


def _print_preview(preview: RecognizedPreview) -> None:
    for note in preview.notes:
        print(f"Ghi chú: {note}")
    people = preview.people()
    matched = [p for p in people if p.person_id is not None]
    new = [p for p in people if p.person_id is None]
    if matched:
        print(f"Tác giả đã có trong dữ liệu ({len(matched)}):")
        for p in matched:
            print(f"  = {p.name} — {p.unit_name} (mã người {p.person_id}; dòng {', '.join(p.lines)})")
    if new:
        print(f"Người mới sẽ được thêm ({len(new)}):")
        for p in new:
            print(f"  + {p.name} — {p.unit_name} (dòng {', '.join(p.lines)})")
    if preview.warnings:
        print("Cảnh báo (không chặn việc nhập):")
        print(_lines(preview.warnings))


def _print_rows(preview: RecognizedPreview) -> None:
    print_table(
        ["Dòng", "Tên sáng kiến", "Tác giả", "Đơn vị", "Xếp loại", "Điểm", "Số tiền", "Số GCN"],
        [
            [
                r.line,
                _cut(r.title, 50),
                _cut(", ".join(a.name for a in r.authors), 36),
                _cut(r.unit_name, 28),
                r.grade_label,
                r.points if r.points is not None else "",
                format_money(r.amount) if r.amount else "",
                _cut(
                    ", ".join(dict.fromkeys(a.certificate.text for a in r.authors if a.certificate.text)), 20
                ),
            ]
            for r in preview.rows
        ],
    )


def _cut(text: str, width: int) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_import(args: argparse.Namespace) -> int:
    options = RecognizedOptions(
        year=args.year,
        decision_no=args.decision_no,
        decision_date=parse_day(args.decision_date),
        replace=args.replace,
        unit=args.unit,
        create_units=args.create_units,
        sheet=args.sheet,
        include_hidden=args.include_hidden,
    )
    db = open_db(args)
    try:
        if args.dry_run:
            preview = preview_file(db, args.file, options)
            if args.json:
                print_json(preview.as_dict() | {"dry_run": True, "imported": False})
                return 0 if preview.ok else 1
            print(
                f"Kiểm tra tệp {preview.file_name} ({preview.table_name}), không ghi gì: {preview.summary()}"
            )
            _print_rows(preview)
            _print_preview(preview)
            if preview.errors:
                print("Lỗi cần sửa trước khi nhập:", file=sys.stderr)
                print(_lines(preview.errors), file=sys.stderr)
            return 0 if preview.ok else 1
        try:
            result = import_file(db, args.file, options)
        except RecognizedRefused as refused:
            if args.json:
                print_json(refused.preview.as_dict() | {"imported": False})
            print(
                f"Lỗi: tệp {refused.preview.file_name} chưa nhập được, cơ sở dữ liệu không thay đổi. "
                f"{len(refused.preview.errors)} lỗi:",
                file=sys.stderr,
            )
            print(_lines(refused.preview.errors), file=sys.stderr)
            return 1
    finally:
        db.dispose()
    if args.json:
        print_json(
            result.preview.as_dict()
            | {
                "imported": True,
                "import_id": result.import_id,
                "ids": result.initiative_ids,
                "people_created": result.people_created,
                "units_created": result.units_created,
                "replaced": result.replaced,
            }
        )
        return 0
    print(result.summary())
    _print_preview(result.preview)
    return 0


# ----------------------------------------------------------------------------------------------------------
# the recognized group


def cmd_imports(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        found = service.list_imports(db, args.year)
    finally:
        db.dispose()
    if args.json:
        print_json([i.as_dict() for i in found])
        return 0
    if not found:
        print("Chưa nhập danh sách nào của các năm trước.")
        return 0
    print_table(
        ["Mã", "Năm", "Quyết định", "Số sáng kiến", "Tệp", "Ngày nhập", "Sửa được?"],
        [
            [i.id, i.year, i.decision_text, i.row_count, _cut(i.file_name, 40), f"{i.imported_at:%d/%m/%Y}",
             "có" if not i.locked else f"không ({i.locked})"]
            for i in found
        ],
    )  # fmt: skip
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        found = service.list_initiatives(db, year=args.year, import_id=args.import_id)
    finally:
        db.dispose()
    if args.json:
        print_json([i.as_dict() for i in found])
        return 0
    if not found:
        print("Không có sáng kiến nào (dữ liệu nhập).")
        return 0
    print_table(
        ["Mã", "Năm", "Tên sáng kiến", "Tác giả", "Đơn vị", "Xếp loại", "Quyết định"],
        [
            [i.id, i.year, _cut(i.title, 60), _cut(i.author_names, 36), _cut(i.unit_name, 30), i.grade_label,
             i.decision_no]
            for i in found
        ],
    )  # fmt: skip
    print(f"Tổng: {len(found)} sáng kiến (dữ liệu nhập).")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        i = service.get_initiative(db, args.id)
    finally:
        db.dispose()
    if args.json:
        print_json(i.as_dict())
        return 0
    day = f" ngày {i.decision_date:%d/%m/%Y}" if i.decision_date else ""
    print(f"[{i.id}] {one_line(i.title)}")
    print(f"  Năm {i.year} — {i.unit_name} — {i.grade_label or 'công nhận'} (dữ liệu nhập)")
    print(f"  Quyết định: {i.decision_no or '(không ghi)'}{day}; tệp {i.file_name}, dòng {i.line}")
    if i.points is not None:
        print(f"  Điểm: {i.points}")
    if i.amount:
        print(f"  Số tiền: {format_money(i.amount)} đồng")
    for a in i.authors:
        extra = f", {a.job_title}" if a.job_title else ""
        cert = f", GCN {a.certificate}" if a.certificate else ""
        print(f"  Tác giả: {a.name}{extra} — {a.unit_name} (mã người {a.person_id}){cert}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    clear = tuple(name for name in ("points", "amount") if getattr(args, name) == "-")
    changes = service.InitiativeChanges(
        title=args.title,
        unit=args.unit,
        authors=args.authors,
        grade_label=args.grade,
        points=None if "points" in clear else args.points,
        amount=None if "amount" in clear else args.amount,
        certificates=args.certificates,
        field=args.field,
        note=args.note,
        clear=clear,
    )
    db = open_db(args)
    try:
        service.edit_initiative(db, args.id, changes)
    finally:
        db.dispose()
    print(f"Đã sửa sáng kiến mã {args.id} (dữ liệu nhập).")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        service.delete_initiative(db, args.id)
    finally:
        db.dispose()
    print(f"Đã xóa sáng kiến mã {args.id} (dữ liệu nhập).")
    return 0


def cmd_delete_import(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        count = service.delete_import(db, args.id)
    finally:
        db.dispose()
    print(f"Đã xóa lần nhập mã {args.id} ({count} sáng kiến).")
    return 0


def cmd_decision(args: argparse.Namespace) -> int:
    if args.decision_no is None and args.decision_date is None:
        raise SangKienError("Hãy ghi --decision-no và/hoặc --decision-date.")
    db = open_db(args)
    try:
        info = service.set_decision(db, args.id, args.decision_no, parse_day(args.decision_date))
    finally:
        db.dispose()
    print(f"Lần nhập mã {info.id} (năm {info.year}): {info.decision_text}.")
    return 0
