"""CLI commands for đăng ký: import and export the TỔNG HỢP ĐĂNG KÝ table, list, add, edit, delete,
duplicate warnings, and search across all years."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ..domain import registration_form as form
from ..domain.errors import Issue, SangKienError, ValidationError
from ..domain.text import one_line
from ..services import duplicates, registrations, search
from ..services.registration_import import (
    ImportOptions,
    ImportPreview,
    ImportRefused,
    import_file,
    preview_file,
)
from .common import Registry, open_db, print_json, print_table


def register(reg: Registry) -> None:
    p = reg.subcommand(
        "import",
        "registrations",
        "nhập bảng TỔNG HỢP ĐĂNG KÝ của đơn vị (.xlsx, .xls, .ods, .csv, .docx, .doc, .odt, .rtf)",
        cmd_import,
    )
    p.add_argument(
        "file",
        metavar="TỆP",
        type=Path,
        help="tệp đơn vị gửi: .xlsx .xls .ods .csv .docx .doc .odt .rtf (TCVN3/VNI được chuyển sang Unicode)",
    )
    p.add_argument("--year", type=int, required=True, help="năm đăng ký")
    p.add_argument(
        "--unit", metavar="TÊN", help="đơn vị của cả tệp (mặc định: đọc ở đầu tệp hoặc cột Đơn vị)"
    )
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p.add_argument("--create-units", action="store_true", help="thêm các đơn vị chưa có trong danh mục")
    p.add_argument(
        "--replace",
        action="store_true",
        help="tệp thay thế đăng ký cũ của đơn vị trong năm (sửa dòng trùng tên, xóa dòng không còn)",
    )
    p.add_argument(
        "--received-on",
        metavar="NGÀY",
        help="ngày nhận bảng, dùng khi tệp không ghi ngày (dd/mm/yyyy; mặc định hôm nay)",
    )
    p.add_argument("--table", type=int, metavar="N", help="bảng đăng ký thứ N (khi tệp có nhiều bảng)")
    p.add_argument("--sheet", metavar="TÊN", help="trang tính (hoặc bảng) cần nhập, theo tên hoặc số thứ tự")
    p.add_argument("--include-hidden", action="store_true", help="nhập cả các dòng đang ẩn trong tệp")
    p.add_argument("--no-duplicates", action="store_true", help="không dò sáng kiến giống các năm trước")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    p = reg.subcommand(
        "export",
        "registrations",
        "xuất bảng TỔNG HỢP ĐĂNG KÝ (PDF hoặc Excel) của một đơn vị hoặc tất cả",
        cmd_export,
    )
    p.add_argument("--year", type=int, required=True, help="năm đăng ký")
    p.add_argument("--unit", metavar="TÊN", help="chỉ một đơn vị (mặc định: bảng tổng hợp tất cả đơn vị)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP", help="tệp .pdf hoặc .xlsx")

    p = reg.command("search", "tra cứu sáng kiến mọi năm (không cần gõ dấu)", cmd_search)
    p.add_argument("text", metavar="TỪ_KHÓA", nargs="+", help="từ cần tìm, ví dụ: doi moi")
    p.add_argument("--year", type=int, help="chỉ năm này")
    p.add_argument("--limit", type=int, default=50, help="số kết quả tối đa (mặc định 50)")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    reg.group("registrations", "đăng ký sáng kiến của các đơn vị")
    p = reg.subcommand("registrations", "list", "liệt kê đăng ký của một năm", cmd_list)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--unit", metavar="TÊN")
    p.add_argument("--text", default="", help="lọc theo từ khóa (không cần dấu)")
    p.add_argument("--json", action="store_true")

    p = reg.subcommand("registrations", "add", "thêm một đăng ký", cmd_add)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--unit", metavar="TÊN", required=True)
    _data_arguments(p, required=True)
    p.add_argument("--json", action="store_true")

    p = reg.subcommand("registrations", "edit", "sửa một đăng ký (chỉ các trường được ghi)", cmd_edit)
    p.add_argument("id", type=int, metavar="MÃ")
    p.add_argument("--unit", metavar="TÊN")
    _data_arguments(p, required=False)

    p = reg.subcommand("registrations", "delete", "xóa một đăng ký", cmd_delete)
    p.add_argument("id", type=int, metavar="MÃ")

    p = reg.subcommand(
        "registrations", "duplicates", "các đăng ký giống sáng kiến đã đăng ký/công nhận", cmd_duplicates
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument(
        "--threshold", type=float, default=duplicates.DEFAULT_THRESHOLD, help="ngưỡng %% (mặc định 85)"
    )
    p.add_argument("--all", action="store_true", help="kể cả đăng ký đã xác nhận không trùng")
    p.add_argument("--json", action="store_true")

    p = reg.subcommand(
        "registrations",
        "not-duplicate",
        "xác nhận một đăng ký không trùng (hoặc bỏ xác nhận)",
        cmd_not_duplicate,
    )
    p.add_argument("id", type=int, metavar="MÃ")
    p.add_argument("--note", default="", help="ghi chú lý do")
    p.add_argument("--undo", action="store_true", help="bỏ xác nhận")


def _data_arguments(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--title", required=required, help="Tên sáng kiến")
    p.add_argument("--authors", required=required, help="Tác giả/nhóm tác giả (cách nhau bằng dấu phẩy)")
    p.add_argument("--applied-unit", help="Đơn vị (đã áp dụng hoặc dự kiến áp dụng)")
    p.add_argument("--problem", help="Tồn tại")
    p.add_argument("--content", help="Nội dung thực hiện")
    p.add_argument("--effect", help="Hiệu quả")
    p.add_argument("--scope", help="Phạm vi ảnh hưởng")
    p.add_argument("--department", help="Bộ phận công tác")
    p.add_argument("--seq", type=int, help="TT trong bảng của đơn vị")
    p.add_argument("--registered-on", metavar="NGÀY", help="ngày đăng ký (dd/mm/yyyy)")


def parse_day(text: str | None) -> dt.date | None:
    if not text:
        return None
    value = text.strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"Ngày '{text}' không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 15/09/2026.")


# ----------------------------------------------------------------------------------------------------
# import / export


def _issue_lines(issues: list[Issue]) -> list[str]:
    return [f"  - {i.text()}" for i in issues]


def _preview_json(preview: ImportPreview) -> dict[str, Any]:
    return {
        "file": preview.file_name,
        "table": preview.table_name,
        "year": preview.year,
        "year_in_file": preview.year_in_file,
        "unit": preview.file_unit,
        "header_row": preview.header.header_row + 1,
        "columns": {name: preview.header.title_of(name) for name in preview.header.columns},
        "counts": preview.counts(),
        "ok": preview.ok,
        "units_to_create": preview.units_to_create,
        "to_delete": [{"id": i, "title": t} for i, t in preview.to_delete],
        "file_issues": [_issue_json(i) for i in preview.file_issues],
        "notes": preview.notes,
        "tables": preview.tables,
        "hidden_rows": preview.hidden_rows,
        "ignored_columns": preview.ignored_columns,
        "rows": [
            {
                "line": r.line,
                "kind": r.kind,
                "action": r.action,
                "unit": r.unit_name,
                "unit_id": r.unit_id,
                "values": r.values,
                "registered_on": r.registered_on.isoformat() if r.registered_on else None,
                "converted": list(r.converted),
                "continued": list(r.continued),
                "issues": [_issue_json(i) for i in r.issues],
                "duplicates": [m.as_dict() for m in r.duplicates],
            }
            for r in preview.rows
        ],
    }


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "message": issue.message,
        "where": issue.where,
        "severity": issue.severity,
        "row": issue.row,
        "column": issue.column,
    }


def cmd_import(args: argparse.Namespace) -> int:
    options = ImportOptions(
        year=args.year,
        unit=args.unit,
        create_units=args.create_units,
        replace=args.replace,
        received_on=parse_day(args.received_on),
        table=args.table - 1 if args.table else None,
        sheet=args.sheet,
        include_hidden=args.include_hidden,
        check_duplicates=not args.no_duplicates,
    )
    db = open_db(args)
    try:
        if args.dry_run:
            preview = preview_file(db, args.file, options)
            if args.json:
                print_json(_preview_json(preview) | {"dry_run": True})
                return 0 if preview.ok else 1
            print(
                f"Kiểm tra tệp {preview.file_name} ({preview.table_name}), không ghi gì: {preview.summary()}"
            )
            if preview.file_unit:
                print(f"Đơn vị của tệp: {preview.file_unit}")
            _print_notes(preview)
            if preview.errors:
                print("Lỗi cần sửa trước khi nhập:", file=sys.stderr)
                print("\n".join(_issue_lines(preview.errors)), file=sys.stderr)
                _unknown_unit_hint(preview.errors)
            if preview.warnings:
                print("Cảnh báo (không chặn việc nhập):")
                print("\n".join(_issue_lines(preview.warnings)))
            return 0 if preview.ok else 1
        try:
            result = import_file(db, args.file, options)
        except ImportRefused as refused:
            if args.json:
                print_json(_preview_json(refused.preview) | {"imported": False})
            print(
                f"Lỗi: tệp {refused.preview.file_name} chưa nhập được, cơ sở dữ liệu không thay đổi. "
                f"{len(refused.preview.errors)} lỗi:",
                file=sys.stderr,
            )
            print("\n".join(_issue_lines(refused.preview.errors)), file=sys.stderr)
            _unknown_unit_hint(refused.preview.errors)
            return 1
    finally:
        db.dispose()
    if args.json:
        print_json(
            _preview_json(result.preview)
            | {
                "imported": True,
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "units_created": result.units_created,
                "ids": result.registration_ids,
            }
        )
        return 0
    print(result.summary())
    _print_notes(result.preview)
    if result.warnings:
        print("Cảnh báo:")
        print("\n".join(_issue_lines(result.warnings)))
    return 0


def _print_notes(preview: ImportPreview) -> None:
    for note in preview.notes:
        print(f"Ghi chú: {note}")


def _unknown_unit_hint(errors: list[Issue]) -> None:
    if any("chưa có trong danh mục" in i.message for i in errors):
        print(
            "Gợi ý: ghi --unit TÊN để chọn đơn vị có sẵn cho cả tệp, hoặc --create-units để thêm đơn vị mới.",
            file=sys.stderr,
        )


def cmd_export(args: argparse.Namespace) -> int:
    from ..services import registration_export

    output: Path = args.output
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise SangKienError(f"Tệp xuất phải có đuôi .pdf hoặc .xlsx (đang là '{output.name}').")
    db = open_db(args)
    try:
        unit_id = registrations.find_unit(db, args.unit).id if args.unit else None
        if suffix == ".pdf":
            count = registration_export.write_pdf(db, args.year, output, unit_id=unit_id)
        else:
            count = registration_export.write_xlsx(db, args.year, output, unit_id=unit_id)
    finally:
        db.dispose()
    print(f"Đã xuất bảng tổng hợp đăng ký năm {args.year} ({count} sáng kiến) vào {output}")
    return 0


# ----------------------------------------------------------------------------------------------------
# search and lists


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.text)
    db = open_db(args)
    try:
        hits = search.search(db, query, limit=args.limit, year=args.year)
    finally:
        db.dispose()
    if args.json:
        print_json([h.as_dict() for h in hits])
        return 0
    if not hits:
        print(f"Không tìm thấy sáng kiến nào với '{query}'.")
        return 0
    print_table(
        ["Năm", "Loại", "Tên sáng kiến", "Đơn vị", "Tác giả"],
        [[h.year, h.kind_label, _cut(h.title, 70), _cut(h.unit_name, 35), _cut(h.authors, 40)] for h in hits],
    )
    return 0


def _cut(text: str, width: int) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        unit_id = registrations.find_unit(db, args.unit).id if args.unit else None
        rows = registrations.list_registrations(db, args.year, unit_id=unit_id, text=args.text)
    finally:
        db.dispose()
    if args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    if not rows:
        print(f"Chưa có đăng ký nào năm {args.year}.")
        return 0
    print_table(
        ["Mã", "Đơn vị", "TT", "Tên sáng kiến", "Tác giả"],
        [
            [r.id, _cut(r.unit_name, 35), r.seq or "", _cut(r.title, 70), _cut(r.authors_text, 40)]
            for r in rows
        ],
    )
    print(f"Tổng: {len(rows)} đăng ký.")
    return 0


def _print_warnings(warnings: list[Issue]) -> None:
    if warnings:
        print("Cảnh báo:")
        print("\n".join(_issue_lines(warnings)))


def cmd_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        unit = registrations.find_unit(db, args.unit)
        data = registrations.RegistrationData(
            year=args.year,
            unit_id=unit.id,
            title=args.title,
            authors_text=args.authors,
            applied_unit=args.applied_unit or "",
            problem=args.problem or "",
            content=args.content or "",
            effect=args.effect or "",
            scope=args.scope or "",
            department=args.department or "",
            seq=args.seq,
            registered_on=parse_day(args.registered_on) or dt.date.today(),
        )
        reg_id, warnings = registrations.create(db, data)
    finally:
        db.dispose()
    if args.json:
        print_json({"id": reg_id, "warnings": [_issue_json(w) for w in warnings]})
        return 0
    print(f"Đã thêm đăng ký mã {reg_id} của {unit.name} năm {args.year}.")
    _print_warnings(warnings)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        current = registrations.get_registration(db, args.id).data()
        if args.unit:
            current.unit_id = registrations.find_unit(db, args.unit).id
        for arg, name in (
            ("title", form.TITLE),
            ("authors", form.AUTHORS),
            ("applied_unit", form.APPLIED_UNIT),
            ("problem", form.PROBLEM),
            ("content", form.CONTENT),
            ("effect", form.EFFECT),
            ("scope", form.SCOPE),
            ("department", form.DEPARTMENT),
        ):
            value = getattr(args, arg)
            if value is not None:
                setattr(current, name, value)
        if args.seq is not None:
            current.seq = args.seq
        if args.registered_on:
            current.registered_on = parse_day(args.registered_on)
        _, warnings = registrations.update(db, args.id, current)
    finally:
        db.dispose()
    print(f"Đã sửa đăng ký mã {args.id}.")
    _print_warnings(warnings)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        deleted = registrations.delete(db, args.id)
    finally:
        db.dispose()
    print(f"Đã xóa đăng ký mã {deleted.id}: {one_line(deleted.values['title'])}.")
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        report = duplicates.year_report(db, args.year, args.threshold, include_confirmed=args.all)
        rows = {r.id: r for r in registrations.list_registrations(db, args.year)}
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "id": reg_id,
                    "title": rows[reg_id].title if reg_id in rows else "",
                    "unit": rows[reg_id].unit_name if reg_id in rows else "",
                    "not_duplicate": rows[reg_id].not_duplicate if reg_id in rows else False,
                    "matches": [m.as_dict() for m in found],
                }
                for reg_id, found in sorted(report.items())
            ]
        )
        return 0
    if not report:
        print(f"Không có đăng ký nào năm {args.year} giống sáng kiến đã có (ngưỡng {args.threshold:.0f}%).")
        return 0
    for reg_id, found in sorted(report.items()):
        row = rows.get(reg_id)
        if row is None:
            continue
        print(f"[{reg_id}] {one_line(row.title)} — {row.unit_name}")
        for m in found:
            print(f"    {m.score:5.1f}%  {m.label}")
    print(f"{len(report)} đăng ký cần xem lại. Xác nhận không trùng: sangkien registrations not-duplicate MÃ")
    return 0


def cmd_not_duplicate(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        registrations.set_not_duplicate(db, args.id, not args.undo, args.note)
    finally:
        db.dispose()
    if args.undo:
        print(f"Đã bỏ xác nhận không trùng của đăng ký mã {args.id}.")
    else:
        print(f"Đã xác nhận đăng ký mã {args.id} không trùng sáng kiến đã có.")
    return 0
