"""CLI commands for Hội đồng, phân công, chấm điểm and xếp loại (issue 5).

sangkien grade --round R [--json] [--rules FILE.toml] [--apply]
sangkien grade-sheet FILE.xlsx [--rules RULES.toml] [--json] [--sheet NAME]
sangkien grade-rules [--round R] [--set FILE.toml]
sangkien council list|add|edit|remove|copy|settings|conflicts|conflict-add|conflict-remove|vote|votes|tie …
sangkien assign auto|list|set|unset|clear …
sangkien rubric show|set|add|remove …
sangkien score set|sheet|matrix|missing|spread|mismatches …
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.conflicts import ConflictKind
from ..domain.enums import MemberRole, VoteMethod
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.money import format_money
from ..domain.scoring import format_points, parse_points
from ..domain.text import fold
from ..models import Dossier
from ..services import assignment as assignment_service
from ..services import council as council_service
from ..services import council_actions, rules_file
from ..services import grade_sheet as sheet_service
from ..services import grading as grading_service
from ..services import scoring as scoring_service
from ..services.rounds import find_round
from .common import MEMBER_HELP, Registry, find_member, open_db, print_json, print_table, sheet_code

ROLE_NAMES = {
    "chu_tich": MemberRole.CHAIR,
    "chu tich": MemberRole.CHAIR,
    "pho_chu_tich": MemberRole.VICE_CHAIR,
    "pho chu tich": MemberRole.VICE_CHAIR,
    "uy_vien_thu_ky": MemberRole.SECRETARY,
    "uy vien thu ky": MemberRole.SECRETARY,
    "thu ky": MemberRole.SECRETARY,
    "uy_vien": MemberRole.MEMBER,
    "uy vien": MemberRole.MEMBER,
}


def _role(text: str) -> MemberRole:
    role = ROLE_NAMES.get(fold(text).replace("-", " "))
    if role is None:
        raise ValidationError(
            f"Vai trò “{text}” không hợp lệ. Chọn: chu_tich, pho_chu_tich, uy_vien_thu_ky, uy_vien "
            "(hoặc viết có dấu: “Chủ tịch”, “Phó Chủ tịch”, “Ủy viên thư ký”, “Ủy viên”)."
        )
    return role


def _optional_int(text: str, label: str, empty: tuple[str, ...]) -> int | None:
    if fold(text) in empty:
        return None
    if not text.strip().isdigit():
        raise ValidationError(f"{label} phải là số nguyên dương hoặc “{empty[0]}” (đang là “{text}”).")
    return int(text)


def _money(n: int) -> str:
    return format_money(int(n))


def find_dossier(session: Session, round_id: int, ref: str) -> Dossier:
    """A dossier of the round by code ("HS26-007"), or by receipt number ("7")."""
    text = ref.strip().upper()
    dossiers = list(session.scalars(select(Dossier).where(Dossier.round_id == round_id)))
    found = [d for d in dossiers if d.code.upper() == text]
    if not found and text.isdigit():
        found = [d for d in dossiers if d.receipt_no == int(text)]
    if not found:
        raise NotFoundError(f"Không có hồ sơ “{ref}” trong đợt này (ghi mã như HS26-007 hoặc số tiếp nhận).")
    return found[0]


def _round_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--round", required=required, metavar="ĐỢT", help="đợt: mã (số) hoặc NĂM/ĐỢT, ví dụ 2026/1"
    )


def _json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="in ra JSON")


def register(reg: Registry) -> None:
    p = reg.command(
        "grade", "xếp loại một đợt theo điểm đã nhập (chỉ tính, thêm --apply để lưu kết quả)", cmd_grade
    )
    _round_arg(p)
    _json_arg(p)
    p.add_argument(
        "--rules", type=Path, metavar="RULES.toml", help="tính thử với quy tắc khác (không lưu quy tắc)"
    )
    p.add_argument("--apply", action="store_true", help="lưu kết quả xếp loại vào cơ sở dữ liệu")

    p = reg.command(
        "grade-sheet",
        "xếp loại một bảng điểm Excel (Mã hồ sơ, Tên sáng kiến, rồi mỗi thành viên một cột tổng điểm)",
        cmd_grade_sheet,
    )
    p.add_argument("file", type=Path, metavar="FILE.xlsx", help="bảng điểm .xlsx")
    p.add_argument(
        "--rules", type=Path, metavar="RULES.toml", help="quy tắc xếp loại (mặc định: Tam Điệp 2024)"
    )
    p.add_argument("--sheet", metavar="TÊN", help="tên trang tính (mặc định: trang đầu)")
    _json_arg(p)

    p = reg.command(
        "grade-rules",
        "in quy tắc xếp loại dạng TOML (của một đợt, hoặc mặc định), hoặc nạp từ tệp",
        cmd_grade_rules,
    )
    _round_arg(p, required=False)
    p.add_argument(
        "--set", type=Path, metavar="RULES.toml", dest="set_file", help="lưu quy tắc trong tệp cho đợt"
    )

    # council -----------------------------------------------------------------------------------------
    reg.group("council", "thành phần Hội đồng, biểu quyết, đồng điểm")
    p = reg.subcommand("council", "list", "danh sách thành viên Hội đồng của một đợt", cmd_council_list)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand("council", "add", "thêm thành viên", cmd_council_add)
    _round_arg(p)
    p.add_argument("--name", required=True, metavar="HỌ_TÊN")
    p.add_argument(
        "--role", default="uy_vien", help="chu_tich, pho_chu_tich, uy_vien_thu_ky, uy_vien (mặc định)"
    )
    p.add_argument("--unit", metavar="ĐƠN_VỊ", help="đơn vị công tác (tên hoặc mã)")
    p.add_argument("--job", default="", metavar="CHỨC_VỤ")
    p.add_argument(
        "--expertise", default="", metavar="LĨNH_VỰC", help="lĩnh vực chuyên môn, cách nhau bằng dấu ;"
    )
    p = reg.subcommand("council", "edit", "sửa thông tin thành viên", cmd_council_edit)
    _round_arg(p)
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p.add_argument("--name", metavar="HỌ_TÊN")
    p.add_argument("--role")
    p.add_argument("--unit", metavar="ĐƠN_VỊ", help="tên đơn vị, hoặc “-” để bỏ")
    p.add_argument("--job", metavar="CHỨC_VỤ")
    p.add_argument("--expertise", metavar="LĨNH_VỰC")
    p.add_argument("--active", choices=["yes", "no"], help="đang tham gia (yes) hay tạm vắng (no)")
    p = reg.subcommand("council", "remove", "xóa thành viên khỏi Hội đồng của đợt", cmd_council_remove)
    _round_arg(p)
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p.add_argument("--drop-scores", action="store_true", help="xóa cả điểm thành viên đã chấm")
    p = reg.subcommand("council", "copy", "chép thành phần Hội đồng từ đợt khác", cmd_council_copy)
    _round_arg(p)
    p.add_argument("--from", dest="source", required=True, metavar="ĐỢT")
    p = reg.subcommand(
        "council",
        "settings",
        "xem/sửa cài đặt: số dự họp tối thiểu, số người chấm mỗi hồ sơ …",
        cmd_council_settings,
    )
    _round_arg(p)
    p.add_argument("--quorum", metavar="N", help="số thành viên tối thiểu dự họp, hoặc “auto” (quá nửa)")
    p.add_argument("--k", metavar="N", help="số thành viên chấm mỗi hồ sơ, hoặc “all” (mọi thành viên)")
    p.add_argument(
        "--spread", metavar="ĐIỂM", help="độ lệch tổng điểm giữa các thành viên cần xem lại (mặc định 20)"
    )
    p.add_argument("--double-entry", choices=["on", "off"], help="nhập điểm hai lần để kiểm tra")
    p.add_argument(
        "--require-votes",
        choices=["on", "off"],
        help="on: mọi hồ sơ được công nhận phải có kết quả biểu quyết trước khi in quyết định hoặc chốt đợt",
    )
    _json_arg(p)
    p = reg.subcommand(
        "council", "conflicts", "các cặp thành viên – hồ sơ vướng xung đột lợi ích", cmd_council_conflicts
    )
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand(
        "council",
        "conflict-add",
        "ghi tay xung đột lợi ích (người thân của tác giả, lý do khác): phân công tự động tránh cặp này",
        cmd_council_conflict_add,
    )
    _round_arg(p)
    p.add_argument("--dossier", required=True, metavar="MÃ_HS")
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p.add_argument("--kind", choices=["relative", "other"], default="relative", help="relative: người thân")
    p.add_argument("--reason", default="", metavar="LÝ_DO", help="lý do (bắt buộc với --kind other)")
    p = reg.subcommand(
        "council", "conflict-remove", "bỏ xung đột lợi ích đã ghi tay", cmd_council_conflict_remove
    )
    _round_arg(p)
    p.add_argument("--dossier", required=True, metavar="MÃ_HS")
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p = reg.subcommand("council", "vote", "ghi kết quả biểu quyết công nhận một hồ sơ", cmd_council_vote)
    _round_arg(p)
    p.add_argument("--dossier", required=True, metavar="MÃ_HS")
    p.add_argument("--present", type=int, required=True, help="số thành viên có mặt")
    p.add_argument("--for", dest="in_favour", type=int, required=True, help="số tán thành")
    p.add_argument("--against", type=int, default=0, help="số không tán thành")
    p.add_argument("--members", type=int, help="tổng số thành viên (mặc định: số đang tham gia)")
    p.add_argument("--secret", action="store_true", help="bỏ phiếu kín (mặc định: biểu quyết)")
    p.add_argument("--note", default="")
    p = reg.subcommand("council", "votes", "kết quả biểu quyết của một đợt", cmd_council_votes)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand(
        "council", "tie", "ghi thứ tự Hội đồng quyết định cho các hồ sơ đồng điểm", cmd_council_tie
    )
    _round_arg(p)
    p.add_argument("--order", metavar="MÃ1,MÃ2,…", help="mã hồ sơ theo thứ tự Hội đồng xếp, cao trước")
    p.add_argument("--note", default="", help="Hội đồng quyết định thế nào (bắt buộc)")
    p.add_argument("--clear", action="store_true", help="bỏ mọi quyết định đồng điểm của đợt")

    # assign ------------------------------------------------------------------------------------------
    reg.group("assign", "phân công thành viên chấm hồ sơ")
    p = reg.subcommand(
        "assign",
        "auto",
        "phân công tự động (k thành viên mỗi hồ sơ, cân tải, tránh xung đột)",
        cmd_assign_auto,
    )
    _round_arg(p)
    p.add_argument(
        "--k", type=int, metavar="N", help="số thành viên mỗi hồ sơ (mặc định: cài đặt của đợt, hoặc tất cả)"
    )
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không lưu")
    p.add_argument(
        "--replace", action="store_true", help="phân công lại từ đầu (bỏ các phân công chưa có điểm)"
    )
    _json_arg(p)
    p = reg.subcommand("assign", "list", "bảng phân công hồ sơ × thành viên", cmd_assign_list)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand("assign", "set", "phân công một thành viên chấm một hồ sơ", cmd_assign_set)
    _round_arg(p)
    p.add_argument("--dossier", required=True, metavar="MÃ_HS")
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p.add_argument(
        "--override", default="", metavar="LÝ_DO", help="lý do phân công dù vướng xung đột (ghi nhật ký)"
    )
    p = reg.subcommand("assign", "unset", "bỏ phân công", cmd_assign_unset)
    _round_arg(p)
    p.add_argument("--dossier", required=True, metavar="MÃ_HS")
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p.add_argument("--drop-scores", action="store_true", help="xóa cả điểm đã nhập của cặp này")
    p = reg.subcommand("assign", "clear", "xóa mọi phân công chưa có điểm của đợt", cmd_assign_clear)
    _round_arg(p)

    # rubric ------------------------------------------------------------------------------------------
    reg.group("rubric", "bộ tiêu chí chấm điểm của đợt")
    p = reg.subcommand("rubric", "show", "xem bộ tiêu chí", cmd_rubric_show)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand("rubric", "set", "sửa một tiêu chí", cmd_rubric_set)
    _round_arg(p)
    p.add_argument("--criterion", type=int, required=True, metavar="N", help="số thứ tự tiêu chí (1 là đầu)")
    p.add_argument("--name")
    p.add_argument("--max", metavar="ĐIỂM")
    p.add_argument("--min", metavar="ĐIỂM", help="điểm tối thiểu để được công nhận, hoặc “none”")
    p.add_argument("--description")
    p = reg.subcommand("rubric", "add", "thêm tiêu chí", cmd_rubric_add)
    _round_arg(p)
    p.add_argument("--name", required=True)
    p.add_argument("--max", required=True, metavar="ĐIỂM")
    p.add_argument("--min", metavar="ĐIỂM")
    p.add_argument("--description", default="")
    p = reg.subcommand("rubric", "remove", "xóa tiêu chí", cmd_rubric_remove)
    _round_arg(p)
    p.add_argument("--criterion", type=int, required=True, metavar="N")

    # score -------------------------------------------------------------------------------------------
    reg.group("score", "nhập và kiểm tra điểm chấm")
    p = reg.subcommand(
        "score", "set", "nhập điểm một thành viên cho một hồ sơ (mỗi tiêu chí một số)", cmd_score_set
    )
    _round_arg(p)
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    p.add_argument("--dossier", required=True, metavar="MÃ_HS")
    p.add_argument(
        "points", nargs="+", metavar="ĐIỂM", help="điểm theo thứ tự tiêu chí; “-” giữ nguyên, “x” xóa"
    )
    p.add_argument("--check", action="store_true", help="nhập lần 2 để kiểm tra (khi bật nhập hai lần)")
    p = reg.subcommand("score", "sheet", "phiếu điểm của một thành viên", cmd_score_sheet)
    _round_arg(p)
    p.add_argument("--member", required=True, metavar="TV", help=MEMBER_HELP)
    _json_arg(p)
    p = reg.subcommand("score", "matrix", "bảng tổng điểm hồ sơ × thành viên", cmd_score_matrix)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand("score", "missing", "những phiếu còn thiếu điểm", cmd_score_missing)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand("score", "spread", "hồ sơ có điểm các thành viên lệch nhau nhiều", cmd_score_spread)
    _round_arg(p)
    _json_arg(p)
    p = reg.subcommand("score", "mismatches", "điểm nhập hai lần không khớp", cmd_score_mismatches)
    _round_arg(p)
    _json_arg(p)


# ---------------------------------------------------------------------------------------------- grading
def _print_outcomes(rows: list[dict[str, Any]], titles: dict[str, str], summary: str) -> None:
    table = []
    for r in rows:
        table.append(
            [
                r["rank"] if r["rank"] is not None else "",
                r["code"],
                (titles.get(r["code"], "")[:48] + "…")
                if len(titles.get(r["code"], "")) > 49
                else titles.get(r["code"], ""),
                (r["mean"] or "").replace(".", ","),
                r["grade"] + (" *" if r["tie"] else ""),
                _reward_cell(r),
            ]
        )
    print_table(["Hạng", "Mã hồ sơ", "Tên sáng kiến", "Điểm TB", "Loại", "Thưởng (đ)"], table)
    print()
    for r in rows:
        print(f"{r['code']}: {r['reason']}")
    print()
    print(summary)
    if any(r["tie"] for r in rows):
        print(
            "(*) đồng điểm ở ranh giới số suất, chưa quyết định: tiền thưởng tính khi Hội đồng ghi thứ tự "
            "(sangkien council tie --round … --order MÃ1,MÃ2 --note …)."
        )


def _reward_cell(r: dict[str, Any]) -> str:
    """The reward column: the amount, or for an undecided tie what each choice gives."""
    if r["tie"]:
        chosen = _money(r["reward_if_chosen"]) if r["reward_if_chosen"] else "0"
        other = _money(r["reward_if_not_chosen"]) if r["reward_if_not_chosen"] else "0"
        return f"chờ HĐ ({chosen}/{other})"
    return _money(r["reward"]) if r["reward"] else ""


def _maximum(rubric: list[Any]) -> Decimal | None:
    """The most a dossier can score under the round's rubric (None without criteria)."""
    return sum((c.max_points for c in rubric), Decimal(0)) if rubric else None


def cmd_grade(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rnd = find_round(session, args.round)
            rules = None
            if args.rules is not None:
                rubric = scoring_service.rubric(session, rnd.id)
                criteria = [(c.id, c.name) for c in rubric]
                rules = rules_file.resolve(rules_file.read_rules_file(args.rules), criteria, _maximum(rubric))
                # the rubric's minima stay part of the round's rules
                saved = grading_service.rules_of_round(session, rnd.id)
                rules = replace(rules, minima=saved.minima)
            round_id = rnd.id
        if args.apply:
            result = grading_service.apply_grading(db, round_id, rules)
        else:
            result = grading_service.grade_round(db, round_id, rules)
    finally:
        db.dispose()
    rows = result.as_json()
    if args.json:
        print_json(rows)
        return 0
    print(f"Xếp loại {result.round_label} — quy tắc: {grading_service.describe_rules(result.rules)}")
    print()
    _print_outcomes(rows, {r.code: r.title for r in result.rows}, result.summary())
    if args.apply:
        print("Đã lưu kết quả xếp loại.")
    elif args.rules is None:
        print("(Chỉ tính, chưa lưu; thêm --apply để lưu kết quả.)")
    else:
        print("(Tính thử với quy tắc trong tệp; không lưu gì.)")
    return 0


def cmd_grade_sheet(args: argparse.Namespace) -> int:
    result = sheet_service.grade_sheet(args.file, args.rules, args.sheet)
    rows = [grading_service.outcome_json(o, result.rules.decimals) for o in result.grading.outcomes]
    if args.json:
        print_json(rows)
        return 0
    sheet = result.sheet
    print(
        f"Bảng điểm {sheet.file} (trang {sheet.sheet}): {len(sheet.rows)} hồ sơ, {len(sheet.members)} thành viên "
        f"({', '.join(sheet.members)})"
    )
    if sheet.ignored_columns:
        print(f"Bỏ qua các cột: {', '.join(sheet.ignored_columns)}")
    print(f"Quy tắc: {grading_service.describe_rules(result.rules)}")
    print()
    _print_outcomes(rows, {r.code: r.title for r in sheet.rows}, result.summary())
    return 0


def cmd_grade_rules(args: argparse.Namespace) -> int:
    if args.round is None:
        if args.set_file is not None:
            raise ValidationError("Cần --round để lưu quy tắc cho một đợt.")
        print(rules_file.rules_to_toml(grading_service.default_rules()), end="")
        return 0
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            rubric = scoring_service.rubric(session, rnd.id)
            criteria = [(c.id, c.name) for c in rubric]
            if args.set_file is not None:
                parsed = rules_file.read_rules_file(args.set_file)
                rules = rules_file.resolve(parsed, criteria, _maximum(rubric))
                saved = grading_service.save_rules(session, rnd.id, rules)
                print(f"Đã lưu quy tắc xếp loại cho {rnd.label}: {grading_service.describe_rules(saved)}")
                return 0
            rules = grading_service.rules_of_round(session, rnd.id)
        print(rules_file.rules_to_toml(rules, criteria), end="")
    finally:
        db.dispose()
    return 0


# ---------------------------------------------------------------------------------------------- council
def _member_json(m: council_service.MemberRow) -> dict[str, Any]:
    return {
        "id": m.id,
        "number": m.number,
        "sheet_code": sheet_code(m.id),
        "name": m.name,
        "role": m.role.value,
        "role_label": m.role.label,
        "unit": m.unit_name,
        "job_title": m.job_title,
        "expertise": m.expertise,
        "active": m.active,
        "assignments": m.assignments,
        "scores": m.scores,
    }


def cmd_council_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        roster = council_service.get_roster(db, args.round)
    finally:
        db.dispose()
    if args.json:
        print_json(
            {
                "round": roster.round_label,
                "quorum": roster.quorum,
                "quorum_needed": roster.quorum_needed,
                "members_per_dossier": roster.members_per_dossier,
                "members": [_member_json(m) for m in roster.members],
                "issues": [i.text() for i in roster.issues],
            }
        )
        return 0
    print(f"Hội đồng {roster.round_label}: {len(roster.active)} thành viên đang tham gia")
    if not roster.members:
        print("Chưa có thành viên nào (thêm: sangkien council add --round … --name …).")
        return 0
    print_table(
        ["TT", "Mã phiếu", "Họ và tên", "Vai trò", "Đơn vị", "Lĩnh vực", "Phân công", "Điểm đã nhập"],
        [
            [
                m.number,
                sheet_code(m.id),
                m.name + ("" if m.active else " (tạm vắng)"),
                m.role.label,
                m.unit_name,
                m.expertise,
                m.assignments,
                m.scores,
            ]
            for m in roster.members
        ],
    )
    print(
        f"Số thành viên tối thiểu dự họp: {roster.quorum_needed}"
        + (" (quá nửa)" if roster.quorum is None else "")
    )
    for issue in roster.issues:
        print(("Lỗi: " if issue.is_error else "Lưu ý: ") + issue.text())
    return 0


def cmd_council_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            unit_id = council_service.find_unit(session, args.unit).id if args.unit else None
            member = council_service.add_member(
                session,
                rnd.id,
                council_service.MemberInput(
                    full_name=args.name,
                    role=_role(args.role),
                    unit_id=unit_id,
                    job_title=args.job,
                    expertise=args.expertise,
                ),
            )
            print(f"Đã thêm {member.person.full_name} ({member.role.label}) vào Hội đồng {rnd.label}.")
    finally:
        db.dispose()
    return 0


def cmd_council_edit(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            member = find_member(session, rnd.id, args.member)
            person = member.person
            unit_id = person.unit_id
            if args.unit is not None:
                unit_id = (
                    None
                    if args.unit.strip() in {"", "-"}
                    else council_service.find_unit(session, args.unit).id
                )
            data = council_service.MemberInput(
                full_name=args.name if args.name is not None else person.full_name,
                role=_role(args.role) if args.role else member.role,
                unit_id=unit_id,
                job_title=args.job if args.job is not None else person.job_title,
                expertise=args.expertise if args.expertise is not None else member.expertise,
                active=member.active if args.active is None else args.active == "yes",
            )
            council_service.update_member(session, member.id, data)
            print(f"Đã sửa thông tin {member.person.full_name}.")
    finally:
        db.dispose()
    return 0


def cmd_council_remove(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            member = find_member(session, rnd.id, args.member)
            name = member.person.full_name
            council_service.remove_member(session, member.id, drop_scores=args.drop_scores)
            print(f"Đã xóa {name} khỏi Hội đồng {rnd.label}.")
    finally:
        db.dispose()
    return 0


def cmd_council_copy(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            target = find_round(session, args.round)
            source = find_round(session, args.source)
            n = council_service.copy_roster(session, source.id, target.id)
            print(f"Đã chép {n} thành viên từ {source.label} sang {target.label}.")
    finally:
        db.dispose()
    return 0


def cmd_council_settings(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            current = council_service.settings_of(session, rnd.id)
            values = current
            changes = (args.quorum, args.k, args.spread, args.double_entry, args.require_votes)
            if any(v is not None for v in changes):
                spread = current.score_spread_limit
                if args.spread is not None:
                    parsed = parse_points(args.spread)
                    if parsed is None:
                        raise ValidationError("Độ lệch điểm chưa có giá trị.")
                    spread = parsed
                values = council_service.CouncilSettings(
                    quorum=current.quorum
                    if args.quorum is None
                    else _optional_int(args.quorum, "Số dự họp tối thiểu", ("auto", "")),
                    members_per_dossier=current.members_per_dossier
                    if args.k is None
                    else _optional_int(args.k, "Số thành viên chấm mỗi hồ sơ", ("all", "tat ca", "")),
                    score_spread_limit=spread,
                    double_entry=current.double_entry
                    if args.double_entry is None
                    else args.double_entry == "on",
                    approval_numerator=current.approval_numerator,
                    approval_denominator=current.approval_denominator,
                    votes_required=current.votes_required
                    if args.require_votes is None
                    else args.require_votes == "on",
                )
                council_service.save_settings(session, rnd.id, values)
    finally:
        db.dispose()
    if args.json:
        print_json(
            {
                "quorum": values.quorum,
                "members_per_dossier": values.members_per_dossier,
                "score_spread_limit": values.score_spread_limit,
                "double_entry": values.double_entry,
                "approval": f"{values.approval_numerator}/{values.approval_denominator}",
                "votes_required": values.votes_required,
            }
        )
        return 0
    print(f"Cài đặt {rnd.label}:")
    print(
        f"  Số thành viên tối thiểu dự họp: {values.quorum if values.quorum is not None else 'quá nửa số thành viên'}"
    )
    print(
        "  Số thành viên chấm mỗi hồ sơ: "
        + (
            str(values.members_per_dossier)
            if values.members_per_dossier
            else "mọi thành viên không vướng xung đột"
        )
    )
    print(f"  Độ lệch điểm cần xem lại: {format_points(values.score_spread_limit, None)} điểm")
    print(f"  Nhập điểm hai lần: {'bật' if values.double_entry else 'tắt'}")
    print(
        f"  Tỷ lệ tán thành để công nhận: {values.approval_numerator}/{values.approval_denominator} tổng số "
        "thành viên Hội đồng"
    )
    print(
        "  Bắt buộc biểu quyết từng hồ sơ trước khi in quyết định, chốt đợt: "
        + ("có" if values.votes_required else "không")
    )
    return 0


def cmd_council_conflicts(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        grid = assignment_service.get_grid(db, args.round)
    finally:
        db.dispose()
    names = {m.id: m.name for m in grid.members}
    items = [
        {
            "code": d.code,
            "member": names[m.id],
            "conflict": grid.cell(d.id, m.id).conflict,
            "assigned": grid.cell(d.id, m.id).assigned,
            "override": grid.cell(d.id, m.id).override,
        }
        for d in grid.dossiers
        for m in grid.members
        if grid.cell(d.id, m.id).conflict
    ]
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("Không có xung đột lợi ích nào.")
        return 0
    for it in items:
        extra = f" — vẫn phân công, lý do: {it['override']}" if it["assigned"] else ""
        print(f"{it['conflict']}{extra}")
    return 0


def _conflict(args: argparse.Namespace, add: bool) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            dossier = find_dossier(session, rnd.id, args.dossier)
            member = find_member(session, rnd.id, args.member)
            name = member.person.full_name
            if add:
                kind = ConflictKind(args.kind)
                council_actions.record_conflict_in(session, rnd.id, dossier.id, member.id, kind, args.reason)
                print(f"Đã ghi xung đột lợi ích ({kind.label}): {name} – hồ sơ {dossier.code}.")
            elif council_actions.remove_conflict_in(session, rnd.id, dossier.id, member.id):
                print(f"Đã bỏ xung đột lợi ích ghi tay: {name} – hồ sơ {dossier.code}.")
            else:
                print("Không có xung đột lợi ích ghi tay nào cho cặp này.")
    finally:
        db.dispose()
    return 0


def cmd_council_conflict_add(args: argparse.Namespace) -> int:
    return _conflict(args, True)


def cmd_council_conflict_remove(args: argparse.Namespace) -> int:
    return _conflict(args, False)


def cmd_council_vote(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            dossier = find_dossier(session, rnd.id, args.dossier)
            row = council_service.set_vote(
                session,
                dossier.id,
                present=args.present,
                in_favour=args.in_favour,
                against=args.against,
                members_total=args.members,
                method=VoteMethod.SECRET_BALLOT if args.secret else VoteMethod.SHOW_OF_HANDS,
                note=args.note,
            )
            print(f"Hồ sơ {dossier.code}: {row.text}.")
            if row.refusal:
                print(
                    f"Hồ sơ {dossier.code} sẽ không được công nhận ({row.refusal}); xem lại: sangkien grade "
                    f"--round {args.round}, rồi lưu bằng --apply."
                )
    finally:
        db.dispose()
    return 0


def cmd_council_votes(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rnd = find_round(session, args.round)
            votes = council_service.votes_of_round(session, rnd.id)
            codes = {d.id: d.code for d in assignment_service.scorable_dossiers(session, rnd.id)}
    finally:
        db.dispose()
    items = [
        {
            "code": codes.get(v.dossier_id, str(v.dossier_id)),
            "members_total": v.members_total,
            "present": v.present,
            "in_favour": v.in_favour,
            "against": v.against,
            "passed": v.passed,
            "fraction": v.fraction,
            "text": v.text,
        }
        for v in votes.values()
    ]
    items.sort(key=lambda i: i["code"])
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("Chưa có kết quả biểu quyết nào.")
        return 0
    for it in items:
        print(f"{it['code']}: {it['text']}")
    return 0


def cmd_council_tie(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            if args.clear:
                n = grading_service.clear_tie_decisions(session, rnd.id)
                print(f"Đã bỏ {n} quyết định đồng điểm của {rnd.label}.")
                return 0
            if not args.order:
                raise ValidationError(
                    "Ghi --order MÃ1,MÃ2,… (thứ tự Hội đồng xếp) và --note “cách quyết định”."
                )
            codes = [c for c in args.order.split(",") if c.strip()]
            grading_service.decide_tie(session, rnd.id, codes, args.note)
            print(f"Đã ghi thứ tự Hội đồng quyết định: {', '.join(c.strip().upper() for c in codes)}.")
    finally:
        db.dispose()
    return 0


# ---------------------------------------------------------------------------------------------- assign
def cmd_assign_auto(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        plan = assignment_service.auto_assign(
            db, args.round, args.k, dry_run=args.dry_run, replace=args.replace
        )
    finally:
        db.dispose()
    if args.json:
        print_json(
            {
                "k": plan.k,
                "applied": not args.dry_run,
                "pairs": [
                    {"code": p.code, "member": p.member_name, "expertise_match": p.expertise_match}
                    for p in plan.pairs
                ],
                "shortfalls": plan.shortfalls,
                "loads": {plan.member_names[m]: n for m, n in plan.loads.items()},
            }
        )
        return 0
    head = "Xem trước phân công tự động" if args.dry_run else "Đã phân công tự động"
    each = f"{plan.k} thành viên mỗi hồ sơ" if plan.k else "mọi thành viên không vướng xung đột"
    removed = f", bỏ {plan.removed} phân công chưa có điểm" if plan.removed else ""
    print(
        f"{head} ({each}): thêm {len(plan.pairs)} lượt chấm, {plan.matched} lượt đúng lĩnh vực; "
        f"giữ {plan.existing} phân công có sẵn{removed}."
    )
    print_table(["Thành viên", "Số hồ sơ"], [[plan.member_names[m], n] for m, n in plan.loads.items()])
    for s in plan.shortfalls:
        print("Lưu ý: " + s)
    if args.dry_run:
        print("(Chưa lưu; bỏ --dry-run để áp dụng.)")
    return 0


def cmd_assign_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        grid = assignment_service.get_grid(db, args.round)
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "code": d.code,
                    "title": d.title,
                    "members": [m.name for m in grid.members if grid.cell(d.id, m.id).assigned],
                    "conflicts": [m.name for m in grid.members if grid.cell(d.id, m.id).conflict],
                }
                for d in grid.dossiers
            ]
        )
        return 0
    if not grid.dossiers:
        print("Đợt này chưa có hồ sơ nào được đưa vào chấm (Hợp lệ hoặc Đủ).")
        return 0
    headers = ["Mã hồ sơ"] + [str(m.number) for m in grid.members] + ["Số người chấm"]
    rows = []
    for d in grid.dossiers:
        row: list[Any] = [d.code]
        for m in grid.members:
            c = grid.cell(d.id, m.id)
            row.append(("x" if c.assigned else "") + ("!" if c.conflict else "") or ".")
        row.append(grid.assigned_count(d.id))
        rows.append(row)
    print_table(headers, rows)
    print("x: được phân công; !: vướng xung đột lợi ích; cột số là số TT thành viên:")
    for m in grid.members:
        print(f"  {m.number}. {m.name} ({m.role_label}) — {grid.load(m.id)} hồ sơ")
    return 0


def cmd_assign_set(args: argparse.Namespace) -> int:
    return _assign(args, True)


def cmd_assign_unset(args: argparse.Namespace) -> int:
    return _assign(args, False)


def _assign(args: argparse.Namespace, on: bool) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            dossier = find_dossier(session, rnd.id, args.dossier)
            member = find_member(session, rnd.id, args.member)
            changed = assignment_service.set_assignment(
                session,
                rnd.id,
                dossier.id,
                member.id,
                on,
                override_reason=getattr(args, "override", ""),
                drop_scores=getattr(args, "drop_scores", False),
            )
            name = member.person.full_name
            if not changed:
                print("Không có gì thay đổi.")
            elif on:
                print(f"Đã phân công {name} chấm hồ sơ {dossier.code}.")
            else:
                print(f"Đã bỏ phân công {name} chấm hồ sơ {dossier.code}.")
    finally:
        db.dispose()
    return 0


def cmd_assign_clear(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            n = assignment_service.clear_unscored(session, rnd.id)
            print(f"Đã xóa {n} phân công chưa có điểm của {rnd.label}.")
    finally:
        db.dispose()
    return 0


# ---------------------------------------------------------------------------------------------- rubric
def _points_arg(text: str, label: str) -> Decimal:
    try:
        value = parse_points(text)
    except ValueError as exc:
        raise ValidationError(Issue(str(exc), label)) from exc
    if value is None:
        raise ValidationError(Issue("chưa có giá trị", label))
    return value


def _inputs(rows: list[scoring_service.CriterionRow]) -> list[scoring_service.CriterionInput]:
    return [
        scoring_service.CriterionInput(c.name, c.max_points, c.min_points, c.description, c.id) for c in rows
    ]


def cmd_rubric_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        rows = scoring_service.get_rubric(db, args.round)
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "number": i,
                    "name": c.name,
                    "max": c.max_points,
                    "min": c.min_points,
                    "description": c.description,
                }
                for i, c in enumerate(rows, start=1)
            ]
        )
        return 0
    print_table(
        ["TT", "Tiêu chí", "Tối đa", "Tối thiểu"],
        [
            [
                i,
                c.name,
                format_points(c.max_points, None),
                "" if c.min_points is None else format_points(c.min_points, None),
            ]
            for i, c in enumerate(rows, start=1)
        ],
    )
    print(f"Tổng điểm tối đa: {format_points(sum((c.max_points for c in rows), Decimal(0)), None)}")
    for w in scoring_service.rubric_warnings(rows):
        print("Lưu ý: " + w.text())
    return 0


def _edit_rubric(args: argparse.Namespace, change: Any) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            inputs = _inputs(scoring_service.rubric(session, rnd.id))
            inputs = change(inputs)
            rows = scoring_service.save_rubric(session, rnd.id, inputs)
            total = format_points(sum((c.max_points for c in rows), Decimal(0)), None)
            print(f"Đã lưu bộ tiêu chí của {rnd.label}: {len(rows)} tiêu chí, tổng {total} điểm.")
    finally:
        db.dispose()
    return 0


def _pick(inputs: list[scoring_service.CriterionInput], n: int) -> int:
    if not 1 <= n <= len(inputs):
        raise NotFoundError(f"Không có tiêu chí số {n} (bộ tiêu chí có {len(inputs)} tiêu chí).")
    return n - 1


def cmd_rubric_set(args: argparse.Namespace) -> int:
    def change(inputs: list[scoring_service.CriterionInput]) -> list[scoring_service.CriterionInput]:
        i = _pick(inputs, args.criterion)
        c = inputs[i]
        minimum = c.min_points
        if args.min is not None:
            minimum = None if fold(args.min) in {"none", "", "khong"} else _points_arg(args.min, "--min")
        inputs[i] = scoring_service.CriterionInput(
            name=args.name if args.name is not None else c.name,
            max_points=_points_arg(args.max, "--max") if args.max is not None else c.max_points,
            min_points=minimum,
            description=args.description if args.description is not None else c.description,
            id=c.id,
        )
        return inputs

    return _edit_rubric(args, change)


def cmd_rubric_add(args: argparse.Namespace) -> int:
    def change(inputs: list[scoring_service.CriterionInput]) -> list[scoring_service.CriterionInput]:
        minimum = _points_arg(args.min, "--min") if args.min else None
        return [
            *inputs,
            scoring_service.CriterionInput(
                args.name, _points_arg(args.max, "--max"), minimum, args.description
            ),
        ]

    return _edit_rubric(args, change)


def cmd_rubric_remove(args: argparse.Namespace) -> int:
    def change(inputs: list[scoring_service.CriterionInput]) -> list[scoring_service.CriterionInput]:
        inputs.pop(_pick(inputs, args.criterion))
        return inputs

    return _edit_rubric(args, change)


# ---------------------------------------------------------------------------------------------- score
def cmd_score_set(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            rnd = find_round(session, args.round)
            member = find_member(session, rnd.id, args.member)
            dossier = find_dossier(session, rnd.id, args.dossier)
            criteria = scoring_service.rubric(session, rnd.id)
            if len(args.points) > len(criteria):
                raise ValidationError(
                    f"Có {len(args.points)} điểm nhưng bộ tiêu chí chỉ có {len(criteria)} tiêu chí."
                )
            values: dict[int, Decimal | None] = {}
            issues: list[Issue] = []
            for c, text in zip(criteria, args.points, strict=False):
                if text.strip() == "-":
                    continue
                if fold(text) in {"x", "xoa"}:
                    values[c.id] = None
                    continue
                try:
                    value = parse_points(text)
                except ValueError as exc:
                    issues.append(Issue(str(exc), f"Tiêu chí “{c.name}”"))
                    continue
                values[c.id] = value
            if issues:
                raise ValidationError(issues, "Điểm không hợp lệ")
            scoring_service.set_scores(session, rnd.id, member.id, dossier.id, values, check=args.check)
            matrix = scoring_service.score_matrix(session, rnd.id)
            total = matrix.total(dossier.id, member.id)
            shown = format_points(total, None) if total is not None else "chưa đủ tiêu chí"
            print(f"Đã lưu điểm hồ sơ {dossier.code} của {member.person.full_name}: tổng {shown}.")
    finally:
        db.dispose()
    return 0


def cmd_score_sheet(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.reading() as session:
            rnd = find_round(session, args.round)
            member = find_member(session, rnd.id, args.member)
            matrix = scoring_service.score_matrix(session, rnd.id)
            name = member.person.full_name
            member_id = member.id
    finally:
        db.dispose()
    rows = []
    for d in matrix.dossiers_of(member_id):
        points = [matrix.values.get((d.id, member_id, c.id)) for c in matrix.criteria]
        rows.append((d, points, matrix.total(d.id, member_id)))
    if args.json:
        print_json(
            {
                "member": name,
                "criteria": [c.name for c in matrix.criteria],
                "rows": [
                    {"code": d.code, "title": d.title, "points": points, "total": total}
                    for d, points, total in rows
                ],
            }
        )
        return 0
    print(f"Phiếu điểm của {name} — {matrix.round_label}")
    print_table(
        ["Mã hồ sơ", *[f"TC{i}" for i in range(1, len(matrix.criteria) + 1)], "Tổng"],
        [
            [
                d.code,
                *["" if p is None else format_points(p, None) for p in points],
                "" if t is None else format_points(t, None),
            ]
            for d, points, t in rows
        ],
    )
    for i, c in enumerate(matrix.criteria, start=1):
        print(f"  TC{i}: {c.name} (tối đa {format_points(c.max_points, None)})")
    return 0


def cmd_score_matrix(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        matrix = scoring_service.get_matrix(db, args.round)
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "code": d.code,
                    "totals": {
                        m.name: matrix.total(d.id, m.id)
                        for m in matrix.members
                        if (d.id, m.id) in matrix.assigned
                    },
                    "spread_flag": matrix.spread_flagged(d.id),
                }
                for d in matrix.dossiers
            ]
        )
        return 0
    headers = ["Mã hồ sơ"] + [str(m.number) for m in matrix.members] + ["Lệch"]
    rows = []
    for d in matrix.dossiers:
        row: list[Any] = [d.code]
        for m in matrix.members:
            if (d.id, m.id) not in matrix.assigned:
                row.append("")
                continue
            t = matrix.total(d.id, m.id)
            row.append("thiếu" if t is None else format_points(t, None))
        s = matrix.spread(d.id)
        row.append(format_points(s, None) + (" !" if matrix.spread_flagged(d.id) else ""))
        rows.append(row)
    print_table(headers, rows)
    for m in matrix.members:
        print(f"  {m.number}. {m.name}")
    return 0


def cmd_score_missing(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        items = scoring_service.missing_items(scoring_service.get_matrix(db, args.round))
    finally:
        db.dispose()
    if args.json:
        print_json([{"code": i.code, "member": i.member_name, "criteria": i.criteria} for i in items])
        return 0
    if not items:
        print("Không còn phiếu nào thiếu điểm.")
    for i in items:
        print(i.text)
    return 0


def cmd_score_spread(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        matrix = scoring_service.get_matrix(db, args.round)
        items = scoring_service.spread_items(matrix)
    finally:
        db.dispose()
    if args.json:
        print_json([{"code": i.code, "spread": i.spread, "totals": i.totals} for i in items])
        return 0
    if not items:
        print(
            f"Không hồ sơ nào có điểm các thành viên lệch quá {format_points(matrix.spread_limit, None)} điểm."
        )
    for i in items:
        print(i.text)
    return 0


def cmd_score_mismatches(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        matrix = scoring_service.get_matrix(db, args.round)
        items = scoring_service.mismatch_items(matrix)
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "code": i.code,
                    "member": i.member_name,
                    "criterion": i.criterion,
                    "first": i.first,
                    "second": i.second,
                }
                for i in items
            ]
        )
        return 0
    if not matrix.double_entry:
        print(
            "Đợt này không bật nhập điểm hai lần (bật: sangkien council settings --round … --double-entry on)."
        )
        return 0
    if not items:
        print("Điểm nhập hai lần đã khớp hết.")
    for i in items:
        print(i.text)
    return 0
