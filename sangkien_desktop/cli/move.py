"""``sangkien --db FILE move-to postgresql+psycopg://user@server/db``: a SQLite file to a shared server."""

from __future__ import annotations

import argparse

from ..services import move_to_server
from .common import Registry, open_db, print_json, print_table


def register(reg: Registry) -> None:
    p = reg.command(
        "move-to",
        "chuyển toàn bộ dữ liệu của tệp SQLite (--db) lên một máy chủ PostgreSQL trống để nhiều máy dùng chung; "
        "kiểm tra số dòng từng bảng và chuỗi nhật ký, rồi để tệp chỉ đọc",
        cmd_move_to,
    )
    p.add_argument(
        "url",
        metavar="URL",
        help=f"cơ sở dữ liệu PostgreSQL trống, ví dụ {move_to_server.EXAMPLE_URL}",
    )
    p.add_argument("--json", action="store_true", help="in ra JSON")


def cmd_move_to(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        step = None if args.json else (lambda message: print(message, flush=True))
        result = move_to_server.move_to_server(db, args.url, step=step)
    finally:
        db.dispose()
    if args.json:
        print_json(result.as_dict())
        return 0
    print_table(
        ["Bảng", "Tệp", "Máy chủ"],
        [[t.label, t.file_rows, t.server_rows] for t in result.tables if t.file_rows],
    )
    print()
    print("\n".join(result.summary_lines()))
    return 0
