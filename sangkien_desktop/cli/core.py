"""Core commands: demo, stats, migrate, info, rounds list."""

from __future__ import annotations

import argparse

from .. import __version__, paths
from ..db.migrate import current_revision, head_revision
from ..services import demo, rounds, stats
from .common import Registry, open_db, print_json, print_table


def register(reg: Registry) -> None:
    p = reg.command("demo", "tạo cơ sở dữ liệu mẫu (một Hội đồng, hai đợt, ~40 đơn vị)", cmd_demo)
    p.add_argument("--dossiers", type=int, default=60, metavar="N", help="số hồ sơ (mặc định 60)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="hạt giống ngẫu nhiên (mặc định 1)")
    p.add_argument("--year", type=int, default=2026, help="năm của dữ liệu mẫu (mặc định 2026)")

    p = reg.command("stats", "đếm số đơn vị, đăng ký, hồ sơ, thành viên, điểm", cmd_stats)
    p.add_argument("--json", action="store_true", help="in ra JSON")

    reg.command("migrate", "nâng cấp cơ sở dữ liệu lên phiên bản mới nhất (có sao lưu trước)", cmd_migrate)
    reg.command("info", "cho biết cơ sở dữ liệu, thư mục dữ liệu và phiên bản", cmd_info)

    reg.group("rounds", "các đợt xét sáng kiến")
    p = reg.subcommand("rounds", "list", "liệt kê các đợt", cmd_rounds_list)
    p.add_argument("--json", action="store_true", help="in ra JSON")


def cmd_demo(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        summary = demo.create_demo(db, dossiers=args.dossiers, seed=args.seed, year=args.year)
    finally:
        db.dispose()
    print(
        f"Đã tạo dữ liệu mẫu năm {summary.year} (seed {summary.seed}) trong {db.description}: "
        f"{summary.units} đơn vị, {summary.registrations} đăng ký, {summary.dossiers} hồ sơ, "
        f"{summary.members} thành viên Hội đồng, {summary.scores} điểm thành phần."
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        s = stats.get_stats(db)
    finally:
        db.dispose()
    if args.json:
        print_json(s.as_dict())
        return 0
    labels = {
        "units": "Đơn vị",
        "unit_types": "Loại đơn vị",
        "registrations": "Đăng ký",
        "dossiers": "Hồ sơ",
        "members": "Thành viên Hội đồng",
        "scores": "Điểm thành phần",
        "rounds": "Đợt",
        "people": "Người (tác giả, thành viên)",
        "authors": "Tác giả có hồ sơ",
        "assignments": "Phân công chấm",
        "graded": "Hồ sơ đã xếp loại",
    }
    print_table(["Mục", "Số lượng"], [[labels[k], v] for k, v in s.as_dict().items()])
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    db = open_db(args, migrate=False)
    try:
        from ..db.migrate import upgrade_database

        report = upgrade_database(db.engine, db.default_backup_dir())
    finally:
        db.dispose()
    if report.changed:
        print(f"Đã nâng cấp cơ sở dữ liệu từ {report.before or '(trống)'} lên {report.after}.")
        if report.backup:
            print(f"Bản sao trước khi nâng cấp: {report.backup}")
    else:
        print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({report.after}).")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    db = open_db(args, migrate=False)
    try:
        revision = current_revision(db.engine)
        print(f"Sáng kiến Desktop {__version__}")
        print(f"Cơ sở dữ liệu: {db.description}")
        print(f"Phiên bản lược đồ: {revision or '(chưa tạo)'} (mới nhất: {head_revision()})")
        print(f"Thư mục dữ liệu: {paths.data_dir()}")
        print(f"Thư mục sao lưu: {db.default_backup_dir()}")
        if db.network_notice:
            print(db.network_notice)
    finally:
        db.dispose()
    return 0


def cmd_rounds_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        infos = rounds.list_rounds(db)
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "year": r.year,
                    "number": r.number,
                    "label": r.label,
                    "field": r.field.value,
                    "status": r.status.value,
                    "receive_until": r.receive_until,
                    "dossiers": r.dossiers,
                }
                for r in infos
            ]
        )
        return 0
    if not infos:
        print("Chưa có đợt nào.")
        return 0
    print_table(
        ["Mã", "Đợt", "Lĩnh vực", "Trạng thái", "Hạn nộp", "Hồ sơ"],
        [
            [
                r.id,
                r.label,
                r.field.label,
                r.status.label,
                r.receive_until.strftime("%d/%m/%Y") if r.receive_until else "",
                r.dossiers,
            ]
            for r in infos
        ],
    )
    return 0
