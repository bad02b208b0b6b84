"""CLI commands for sao lưu, khôi phục, kiểm tra, chốt đợt và nhật ký (backup, restore, check, finalize,
audit)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..domain.errors import SangKienError, ValidationError
from ..services import audit, backup, check, finalize
from ..services.rounds import find_round
from .common import Registry, open_db, print_json, print_table


def _date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text!r} (ghi dạng 25/12/2026)")


def register(reg: Registry) -> None:
    p = reg.command(
        "backup", "sao lưu toàn bộ cơ sở dữ liệu (vào thư mục sao lưu, hoặc vào tệp -o)", cmd_backup
    )
    p.add_argument("-o", "--output", metavar="TỆP", help="ghi bản sao lưu vào tệp này")
    p.add_argument("--list", action="store_true", help="liệt kê các bản sao lưu đã có")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.command(
        "restore",
        "khôi phục dữ liệu từ một bản sao lưu (giữ một bản sao dữ liệu hiện tại trước)",
        cmd_restore,
    )
    p.add_argument("file", metavar="TỆP", help="tệp sao lưu (.db)")
    p.add_argument("--yes", action="store_true", help="không hỏi lại (dùng trong tập lệnh)")
    p.add_argument("--preview", action="store_true", help="chỉ xem bản sao lưu chứa gì, không khôi phục")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.command(
        "check",
        "kiểm tra cơ sở dữ liệu: tính toàn vẹn, tham chiếu, chuỗi nhật ký và các quy tắc của phần mềm",
        cmd_check,
    )
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.subcommand(
        "rounds",
        "finalize",
        "chốt kết quả một đợt (khóa điểm, xếp loại, giấy chứng nhận; lưu trữ)",
        cmd_finalize,
    )
    p.add_argument("--round", required=True, metavar="ĐỢT", help="mã đợt hoặc NĂM/ĐỢT, ví dụ 2026/1")
    p.add_argument("--decision-no", metavar="SỐ", help="số quyết định công nhận (nếu chưa ghi)")
    p.add_argument("--decision-date", type=_date, metavar="NGÀY", help="ngày quyết định, dạng 25/12/2026")
    p.add_argument(
        "--archive-dir",
        metavar="THƯ_MỤC",
        help="nơi ghi thư mục lưu trữ (mặc định: luu-tru/ cạnh tệp dữ liệu)",
    )
    p.add_argument("--no-archive", action="store_true", help="không ghi thư mục lưu trữ")
    p.add_argument("--json", action="store_true", help="in ra JSON")

    p = reg.subcommand(
        "rounds", "reopen", "mở lại một đợt đã chốt (phải ghi lý do; được ghi vào nhật ký)", cmd_reopen
    )
    p.add_argument("--round", required=True, metavar="ĐỢT", help="mã đợt hoặc NĂM/ĐỢT, ví dụ 2026/1")
    p.add_argument("--reason", required=True, metavar="LÝ_DO", help="lý do mở lại")

    p = reg.subcommand(
        "rounds",
        "archive",
        "ghi lại thư mục lưu trữ của một đợt (bản sao dữ liệu, văn bản, SHA256SUMS)",
        cmd_archive,
    )
    p.add_argument("--round", required=True, metavar="ĐỢT", help="mã đợt hoặc NĂM/ĐỢT, ví dụ 2026/1")
    p.add_argument("--archive-dir", metavar="THƯ_MỤC", help="nơi ghi thư mục lưu trữ")

    p = reg.subcommand(
        "rounds",
        "verify-archive",
        "kiểm tra một thư mục lưu trữ với danh sách SHA256SUMS",
        cmd_verify_archive,
    )
    p.add_argument("folder", metavar="THƯ_MỤC")

    reg.group("audit", "nhật ký thay đổi")
    p = reg.subcommand("audit", "list", "xem nhật ký thay đổi (mới nhất trước)", cmd_audit_list)
    p.add_argument(
        "--entity", metavar="LOẠI", help="loại dữ liệu: score, grade, assignment, dossier, setting, round …"
    )
    p.add_argument("--id", dest="entity_id", metavar="MÃ", help="mã của bản ghi")
    p.add_argument("--user", metavar="NGƯỜI", help="tài khoản máy tính")
    p.add_argument("--action", metavar="VIỆC", help="create, update, delete, finalize, reopen, restore …")
    p.add_argument("--since", type=_date, metavar="NGÀY", help="từ ngày (25/12/2026)")
    p.add_argument("--until", type=_date, metavar="NGÀY", help="đến ngày")
    p.add_argument("--text", metavar="CHỮ", help="tìm trong nội dung")
    p.add_argument("--limit", type=int, default=200, metavar="N", help="số dòng tối đa (mặc định 200)")
    p.add_argument("--json", action="store_true", help="in ra JSON")


# backup / restore ---------------------------------------------------------------------------------------------
def cmd_backup(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        if args.list:
            items = backup.backups_of(db)
            if args.json:
                print_json(
                    [
                        {"path": b.path, "kind": b.kind.value, "made_at": b.made_at, "size": b.size}
                        for b in items
                    ]
                )
            elif not items:
                print("Chưa có bản sao lưu nào.")
            else:
                print_table(
                    ["Thời điểm", "Loại", "Dung lượng", "Tệp"],
                    [
                        [b.made_at.strftime("%d/%m/%Y %H:%M:%S"), b.kind.label, _size(b.size), b.path]
                        for b in items
                    ],
                )
            return 0
        output = Path(args.output).expanduser() if args.output else None
        result = backup.make_backup(db, backup.BackupKind.MANUAL, dest=output)
    finally:
        db.dispose()
    if args.json:
        print_json({"path": result.file.path, "size": result.file.size, "created": result.created})
    else:
        print(result.message)
    return 0


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, n // 1024)} KB"


def cmd_restore(args: argparse.Namespace) -> int:
    source = Path(args.file).expanduser()
    preview = backup.inspect_backup(source)
    if args.json and args.preview:
        print_json(preview.as_dict())
        return 0
    if not args.json:
        print("Bản sao lưu chứa:")
        for line in preview.summary_lines():
            print("  " + line)
    if args.preview:
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise SangKienError("Chưa khôi phục. Thêm --yes để xác nhận thay toàn bộ dữ liệu hiện tại.")
        answer = input("Thay TOÀN BỘ dữ liệu hiện tại bằng bản sao lưu này? Gõ «co» để đồng ý: ")
        if answer.strip().lower() not in {"co", "có", "c", "yes", "y"}:
            print("Đã hủy, dữ liệu không thay đổi.")
            return 1
    db = open_db(args, migrate=False)  # the current database may be damaged: that is why one restores
    try:
        result = backup.restore(db, source)
    finally:
        db.dispose()
    if args.json:
        print_json(
            {
                "restored_from": result.source.path,
                "safety_copy": result.safety_copy,
                "upgraded_from": result.upgraded_from,
                "tables": {t.table: t.rows for t in result.source.tables},
            }
        )
    else:
        print(result.message)
    return 0


# check ----------------------------------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    db = open_db(args, migrate=False)
    try:
        report = check.run_checks(db)
    finally:
        db.dispose()
    if args.json:
        print_json(report.as_dict())
        return 0 if report.ok else 1
    print(f"Kiểm tra {report.database}")
    for rule in report.rules:
        mark = "bỏ qua" if rule.skipped else ("ĐẠT" if rule.problems == 0 else f"{rule.problems} vấn đề")
        extra = f" ({rule.skipped})" if rule.skipped else ""
        print(f"  [{mark}] {rule.label}{extra}")
    for problem in report.problems:
        tag = "LỖI" if problem.severity == check.ERROR else "Lưu ý"
        print(f"  {tag}: {problem.message}")
    if report.ok:
        tail = f" ({len(report.warnings)} lưu ý)" if report.warnings else ""
        print(f"Kết quả: cơ sở dữ liệu tốt{tail}.")
        return 0
    print(f"Kết quả: có {len(report.errors)} lỗi.", file=sys.stderr)
    return 1


# rounds ---------------------------------------------------------------------------------------------------------
def cmd_finalize(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        result = finalize.finalize_round(
            db,
            args.round,
            decision_no=args.decision_no,
            decision_date=args.decision_date,
            archive_root=Path(args.archive_dir).expanduser() if args.archive_dir else None,
            archive=not args.no_archive,
        )
    finally:
        db.dispose()
    if args.json:
        print_json(
            {
                "round_id": result.round_id,
                "label": result.label,
                "finalized_at": result.finalized_at,
                "warnings": result.warnings,
                "archive": result.archive.folder if result.archive else None,
                "files": result.archive.files if result.archive else [],
                "failures": [f"{a}: {b}" for a, b in result.archive.failures] if result.archive else [],
            }
        )
        return 0
    for warning in result.warnings:
        print(f"Lưu ý: {warning}")
    print(result.message)
    if result.archive is not None:
        for label, message in result.archive.failures:
            print(f"Cảnh báo: không tạo được «{label}»: {message}", file=sys.stderr)
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        result = finalize.reopen_round(db, args.round, args.reason)
    finally:
        db.dispose()
    print(result.message)
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            round_id = find_round(session, args.round).id
        result = finalize.write_archive(
            db, round_id, Path(args.archive_dir).expanduser() if args.archive_dir else None
        )
    finally:
        db.dispose()
    print(f"Đã ghi thư mục lưu trữ {result.folder} ({len(result.files)} tệp).")
    for label, message in result.failures:
        print(f"Cảnh báo: không tạo được «{label}»: {message}", file=sys.stderr)
    return 0


def cmd_verify_archive(args: argparse.Namespace) -> int:
    problems = finalize.verify_archive(Path(args.folder).expanduser())
    if problems:
        for problem in problems:
            print(f"LỖI: {problem}")
        return 1
    print("Mọi tệp trong thư mục lưu trữ khớp với SHA256SUMS.")
    return 0


# audit ------------------------------------------------------------------------------------------------------------
def cmd_audit_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ValidationError("--limit phải từ 1 trở lên.")
    flt = audit.AuditFilter(
        entity=args.entity,
        entity_id=args.entity_id,
        user=args.user,
        action=args.action,
        since=args.since,
        until=args.until,
        text=args.text,
    )
    db = open_db(args)
    try:
        rows = audit.list_entries(db, flt, limit=args.limit)
    finally:
        db.dispose()
    if args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    if not rows:
        print("Không có dòng nhật ký nào khớp.")
        return 0
    print_table(
        ["Số", "Thời điểm", "Người", "Việc", "Dữ liệu", "Nội dung"],
        [
            [
                r.id,
                r.at.strftime("%d/%m/%Y %H:%M:%S"),
                r.user,
                r.action_label,
                f"{r.entity_label} #{r.entity_id}" if r.entity_id else r.entity_label,
                r.summary,
            ]
            for r in rows
        ],
    )
    return 0
