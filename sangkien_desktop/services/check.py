"""``sangkien check``: is the database sound and does its data keep the app's rules?

Checks, in order: SQLite's ``integrity_check`` and ``foreign_key_check`` (a server database checks its own
pages and foreign keys), the schema revision, the audit log's hash chain, the replay of the log against the
tables (the last recorded value of every audited row must be the table's: ``audit_replay``), the log's head
(kept in the settings and in every finalized round's archive, so an emptied or end-cut log is named), then the
app's own rules: authors' contributions total 100 % per dossier, receipt numbers unique per year, every score within 0..the criterion's
maximum and belonging to the dossier's round, assignments inside one round, grade results only in rounds that
are being scored or finalized, certificates only for the dossier's authors, consistent votes and finalized
rounds. Each problem names the record, so the secretary (or a technician) can find it.

Errors mean damaged or forged data; warnings mean unusual data worth a look. ``ok`` is False on any error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from ..db.database import Database
from ..db.migrate import current_revision, head_revision
from ..domain.enums import Grade, RoundStatus
from ..models import (
    Assignment,
    Authorship,
    Certificate,
    CouncilMember,
    Criterion,
    Dossier,
    GradeResult,
    Round,
    Score,
    Vote,
    dossier_code,
)
from . import audit, audit_replay, audit_rows
from . import backup as backup_names

ERROR = "error"
WARNING = "warning"
HUNDRED = Decimal("100")
MAX_PER_RULE = 200  # problems listed per rule (the count is still exact)
HEAD_LABEL = "Nhật ký không bị cắt ở cuối (mốc cuối trong cài đặt và trong hồ sơ lưu trữ)"


@dataclass(frozen=True)
class Problem:
    rule: str
    severity: str
    message: str
    table: str = ""
    row_id: int | str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "table": self.table,
            "row_id": self.row_id,
        }


@dataclass(frozen=True)
class RuleResult:
    rule: str
    label: str
    problems: int
    skipped: str = ""  # why the rule did not run ("" = it ran)


@dataclass
class CheckReport:
    database: str
    rules: list[RuleResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": self.database,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rules": [
                {"rule": r.rule, "label": r.label, "problems": r.problems, "skipped": r.skipped}
                for r in self.rules
            ],
            "problems": [p.as_dict() for p in self.problems],
        }


Rule = Callable[[Session], Iterator[Problem]]


def _code(year: int, receipt_no: int) -> str:
    return dossier_code(year, receipt_no)


# SQLite level -----------------------------------------------------------------------------------------------
def _integrity(session: Session) -> Iterator[Problem]:
    rows = session.connection().exec_driver_sql("PRAGMA integrity_check(100)").fetchall()
    messages = [line for r in rows for line in str(r[0]).splitlines() if line.strip()]
    if messages != ["ok"]:
        yield Problem(
            "integrity",
            ERROR,
            "Tệp cơ sở dữ liệu bị hỏng — hãy khôi phục từ bản sao lưu gần nhất. Chi tiết: "
            + "; ".join(messages[:8])
            + (f"; … ({len(messages) - 8} dòng khác)" if len(messages) > 8 else ""),
        )


def _foreign_keys(session: Session) -> Iterator[Problem]:
    for table, rowid, parent, _fkid in session.connection().exec_driver_sql("PRAGMA foreign_key_check"):
        yield Problem(
            "foreign_keys",
            ERROR,
            f"Bảng {table}, dòng {rowid}: tham chiếu tới {parent} không tồn tại",
            str(table),
            rowid,
        )


# the audit chain ------------------------------------------------------------------------------------------
def _audit_chain(session: Session) -> Iterator[Problem]:
    for p in audit.iter_chain_problems(session):
        yield Problem("audit_chain", ERROR, p.message, "audit_log", p.entry_id)


def _audit_rows(session: Session) -> Iterator[Problem]:
    for found in audit_replay.row_differences(session.connection(), MAX_PER_RULE):
        if isinstance(found, int):
            for _ in range(found):  # counted, not listed
                yield Problem("audit_rows", ERROR, "")
        else:
            yield Problem("audit_rows", ERROR, found.message, found.table, found.key)


def _audit_head(db: Database) -> Rule:
    def rule(session: Session) -> Iterator[Problem]:
        conn = session.connection()
        for message in audit_replay.settings_head_problems(conn):
            yield Problem("audit_head", ERROR, message, "settings", audit_rows.HEAD_KEY)
        roots = [audit_replay.default_archive_root(db), *audit_replay.logged_archive_roots(conn)]
        heads = audit_replay.archive_heads(dict.fromkeys(roots), backup_names.database_name(db))
        for message, is_error in audit_replay.archive_head_problems(conn, heads):
            yield Problem("audit_head", ERROR if is_error else WARNING, message, "audit_log")

    return rule


# the app's rules ------------------------------------------------------------------------------------------
def _contributions(session: Session) -> Iterator[Problem]:
    total = func.sum(Authorship.contribution)
    query = (
        select(Dossier.id, Dossier.year, Dossier.receipt_no, total, func.count(Authorship.id))
        .join(Authorship, Authorship.dossier_id == Dossier.id)
        .group_by(Dossier.id, Dossier.year, Dossier.receipt_no)
    )
    for dossier_id, year, receipt_no, summed, n in session.execute(query):
        value = Decimal(str(summed)).quantize(Decimal("0.01"))
        if value != HUNDRED:
            yield Problem(
                "contributions",
                ERROR,
                f"Hồ sơ {_code(year, receipt_no)}: tổng tỷ lệ đóng góp của {n} tác giả là "
                f"{value.normalize():f}% (phải bằng 100%)",
                "dossiers",
                dossier_id,
            )
    bad = select(Authorship.id, Authorship.contribution, Dossier.year, Dossier.receipt_no).join(
        Dossier, Dossier.id == Authorship.dossier_id
    )
    bad = bad.where(or_(Authorship.contribution < 0, Authorship.contribution > HUNDRED))
    for authorship_id, contribution, year, receipt_no in session.execute(bad):
        yield Problem(
            "contributions",
            ERROR,
            f"Hồ sơ {_code(year, receipt_no)}: một tác giả có tỷ lệ đóng góp {contribution}% (phải từ 0 đến 100)",
            "authorships",
            authorship_id,
        )


def _receipt_numbers(session: Session) -> Iterator[Problem]:
    query = (
        select(Dossier.year, Dossier.receipt_no, func.count(Dossier.id))
        .group_by(Dossier.year, Dossier.receipt_no)
        .having(func.count(Dossier.id) > 1)
    )
    for year, receipt_no, n in session.execute(query):
        yield Problem(
            "receipt_numbers",
            ERROR,
            f"Năm {year}: số tiếp nhận {receipt_no} được dùng cho {n} hồ sơ (mỗi số chỉ một hồ sơ)",
            "dossiers",
        )
    for dossier_id, year, receipt_no in session.execute(
        select(Dossier.id, Dossier.year, Dossier.receipt_no).where(Dossier.receipt_no < 1)
    ):
        yield Problem(
            "receipt_numbers",
            ERROR,
            f"Năm {year}: số tiếp nhận {receipt_no} không hợp lệ",
            "dossiers",
            dossier_id,
        )


def _scores(session: Session) -> Iterator[Problem]:
    member_round = aliased(CouncilMember)
    query = (
        select(
            Score.id,
            Score.points,
            Score.check_points,
            Criterion.max_points,
            Criterion.name,
            Criterion.round_id,
            member_round.round_id,
            Dossier.round_id,
            Dossier.year,
            Dossier.receipt_no,
        )
        .join(Criterion, Criterion.id == Score.criterion_id)
        .join(member_round, member_round.id == Score.member_id)
        .join(Dossier, Dossier.id == Score.dossier_id)
        .where(
            or_(
                Score.points < 0,
                Score.points > Criterion.max_points,
                Score.check_points < 0,
                Score.check_points > Criterion.max_points,
                Criterion.round_id != Dossier.round_id,
                member_round.round_id != Dossier.round_id,
            )
        )
    )
    for (
        score_id,
        points,
        check_points,
        max_points,
        criterion,
        criterion_round,
        member_round_id,
        dossier_round,
        year,
        receipt_no,
    ) in session.execute(query):
        where = f"Hồ sơ {_code(year, receipt_no)}, tiêu chí «{criterion}»"
        for value in (points, check_points):
            if value is not None and not (0 <= value <= max_points):
                yield Problem(
                    "scores",
                    ERROR,
                    f"{where}: điểm {value} ngoài khoảng 0 – {max_points}",
                    "scores",
                    score_id,
                )
        if criterion_round != dossier_round:
            yield Problem("scores", ERROR, f"{where}: tiêu chí thuộc đợt khác với hồ sơ", "scores", score_id)
        if member_round_id != dossier_round:
            yield Problem(
                "scores", ERROR, f"{where}: người chấm không thuộc Hội đồng của đợt này", "scores", score_id
            )


def _assignments(session: Session) -> Iterator[Problem]:
    query = (
        select(Assignment.id, Dossier.year, Dossier.receipt_no)
        .join(Dossier, Dossier.id == Assignment.dossier_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.round_id != Dossier.round_id)
    )
    for assignment_id, year, receipt_no in session.execute(query):
        yield Problem(
            "assignments",
            ERROR,
            f"Hồ sơ {_code(year, receipt_no)}: được phân công cho thành viên Hội đồng của đợt khác",
            "assignments",
            assignment_id,
        )


def _grade_results(session: Session) -> Iterator[Problem]:
    query = (
        select(GradeResult.id, Dossier.year, Dossier.receipt_no, Round.name, Round.number, Round.year)
        .join(Dossier, Dossier.id == GradeResult.dossier_id)
        .join(Round, Round.id == Dossier.round_id)
        .where(Round.status.not_in([RoundStatus.SCORING, RoundStatus.FINALIZED]))
    )
    for result_id, year, receipt_no, name, number, round_year in session.execute(query):
        label = name or f"Đợt {number} năm {round_year}"
        yield Problem(
            "grade_results",
            ERROR,
            f"Hồ sơ {_code(year, receipt_no)} có kết quả xếp loại nhưng {label} chưa ở giai đoạn chấm điểm",
            "grade_results",
            result_id,
        )
    negative = (
        select(GradeResult.id, Dossier.year, Dossier.receipt_no, GradeResult.mean)
        .join(Dossier, Dossier.id == GradeResult.dossier_id)
        .where(or_(GradeResult.mean < 0, GradeResult.reward < 0))
    )
    for result_id, year, receipt_no, mean in session.execute(negative):
        yield Problem(
            "grade_results",
            ERROR,
            f"Hồ sơ {_code(year, receipt_no)}: điểm bình quân ({mean}) hoặc tiền thưởng âm",
            "grade_results",
            result_id,
        )


def _certificates(session: Session) -> Iterator[Problem]:
    author = aliased(Authorship)
    query = (
        select(Certificate.id, Certificate.register_no, Certificate.year, Dossier.year, Dossier.receipt_no)
        .join(Dossier, Dossier.id == Certificate.dossier_id)
        .outerjoin(
            author,
            and_(author.dossier_id == Certificate.dossier_id, author.person_id == Certificate.person_id),
        )
        .where(author.id.is_(None))
    )
    for cert_id, register_no, cert_year, year, receipt_no in session.execute(query):
        yield Problem(
            "certificates",
            ERROR,
            f"Giấy chứng nhận số {register_no}/{cert_year} (hồ sơ {_code(year, receipt_no)}) cấp cho người "
            "không phải tác giả của hồ sơ",
            "certificates",
            cert_id,
        )
    not_recognized = (
        select(Certificate.id, Certificate.register_no, Certificate.year, Dossier.year, Dossier.receipt_no)
        .join(Dossier, Dossier.id == Certificate.dossier_id)
        .outerjoin(GradeResult, GradeResult.dossier_id == Dossier.id)
        .where(or_(GradeResult.id.is_(None), GradeResult.grade.in_([Grade.NOT_RECOGNIZED, Grade.MISSING])))
    )
    for cert_id, register_no, cert_year, year, receipt_no in session.execute(not_recognized):
        yield Problem(
            "certificates",
            WARNING,
            f"Giấy chứng nhận số {register_no}/{cert_year}: hồ sơ {_code(year, receipt_no)} chưa được xếp loại "
            "công nhận",
            "certificates",
            cert_id,
        )


def _votes(session: Session) -> Iterator[Problem]:
    query = (
        select(
            Vote.id,
            Vote.members_total,
            Vote.present,
            Vote.in_favour,
            Vote.against,
            Dossier.year,
            Dossier.receipt_no,
        )
        .join(Dossier, Dossier.id == Vote.dossier_id)
        .where(
            or_(
                Vote.present > Vote.members_total,
                Vote.in_favour + Vote.against > Vote.present,
                Vote.in_favour < 0,
                Vote.against < 0,
                Vote.present < 0,
            )
        )
    )
    for vote_id, total, present, favour, against, year, receipt_no in session.execute(query):
        yield Problem(
            "votes",
            ERROR,
            f"Hồ sơ {_code(year, receipt_no)}: biểu quyết không khớp ({favour} đồng ý + {against} không đồng ý, "
            f"{present} có mặt / {total} thành viên)",
            "votes",
            vote_id,
        )


def _failed_votes(session: Session) -> Iterator[Problem]:
    from .final_results import failed_votes_still_recognized  # grading services, imported when run

    for result_id, where, refusal in failed_votes_still_recognized(session):
        yield Problem(
            "failed_votes",
            ERROR,
            f"Hồ sơ {where}: {refusal} nhưng kết quả xếp loại đã lưu vẫn công nhận (lưu lại kết quả xếp loại)",
            "grade_results",
            result_id,
        )


def _rounds(session: Session) -> Iterator[Problem]:
    for rnd in session.scalars(select(Round).order_by(Round.year, Round.number)):
        finalized = rnd.status is RoundStatus.FINALIZED
        if finalized and rnd.finalized_at is None:
            yield Problem(
                "rounds", ERROR, f"{rnd.label}: đã chốt nhưng không ghi thời điểm chốt", "rounds", rnd.id
            )
        if not finalized and rnd.finalized_at is not None:
            yield Problem(
                "rounds", WARNING, f"{rnd.label}: chưa chốt nhưng còn ghi thời điểm chốt", "rounds", rnd.id
            )
    query = (
        select(Dossier.id, Dossier.year, Dossier.receipt_no, Round.year)
        .join(Round, Round.id == Dossier.round_id)
        .where(Dossier.year != Round.year)
    )
    for dossier_id, year, receipt_no, round_year in session.execute(query):
        yield Problem(
            "rounds",
            ERROR,
            f"Hồ sơ {_code(year, receipt_no)} ghi năm {year} nhưng thuộc một đợt của năm {round_year}",
            "dossiers",
            dossier_id,
        )


APP_RULES: list[tuple[str, str, Rule]] = [
    ("audit_chain", "Chuỗi mã băm của nhật ký thay đổi", _audit_chain),
    ("audit_rows", "Giá trị cuối ghi trong nhật ký khớp với dữ liệu (điểm, xếp loại, hồ sơ …)", _audit_rows),
    ("contributions", "Tổng tỷ lệ đóng góp của tác giả bằng 100% mỗi hồ sơ", _contributions),
    ("receipt_numbers", "Số tiếp nhận không trùng trong năm", _receipt_numbers),
    ("scores", "Điểm trong khoảng 0 – tối đa của tiêu chí, đúng đợt", _scores),
    ("assignments", "Phân công chấm trong cùng một đợt", _assignments),
    ("grade_results", "Kết quả xếp loại thuộc đợt đã chấm điểm", _grade_results),
    ("certificates", "Giấy chứng nhận cấp cho tác giả của hồ sơ", _certificates),
    ("votes", "Số liệu biểu quyết hợp lý", _votes),
    ("failed_votes", "Hồ sơ biểu quyết không đạt thì không được công nhận", _failed_votes),
    ("rounds", "Trạng thái và năm của đợt", _rounds),
]


def run_checks(db: Database) -> CheckReport:
    """Run every check (each in its own read-only session) and collect the problems."""
    report = CheckReport(db.description)
    path = db.path
    if path is not None and db.not_a_database():
        report.problems.append(
            Problem(
                "integrity",
                ERROR,
                f"Tệp {path.name} không phải cơ sở dữ liệu SQLite (hoặc đã hỏng hoàn toàn).",
            )
        )
        report.rules.append(RuleResult("integrity", "Tính toàn vẹn của tệp (integrity_check)", 1))
        return report

    def run(rule: str, label: str, check: Rule) -> tuple[list[Problem], RuleResult]:
        problems: list[Problem] = []
        count = 0
        try:
            with db.reading() as session:
                for problem in check(session):
                    count += 1
                    if count <= MAX_PER_RULE:
                        problems.append(problem)
        except (SQLAlchemyError, ValueError) as exc:
            count += 1
            problems.append(
                Problem(rule, ERROR, f"Không kiểm tra được ({label}): {getattr(exc, 'orig', exc)}")
            )
        if count > MAX_PER_RULE:
            problems.append(
                Problem(rule, ERROR, f"… và {count - MAX_PER_RULE} vấn đề khác cùng loại ({label})")
            )
        return problems, RuleResult(rule, label, count)

    def add(found: tuple[list[Problem], RuleResult]) -> None:
        report.problems.extend(found[0])
        report.rules.append(found[1])

    file_checks = [
        ("integrity", "Tính toàn vẹn của tệp (integrity_check)", _integrity),
        ("foreign_keys", "Tham chiếu giữa các bảng (foreign_key_check)", _foreign_keys),
    ]
    if db.is_sqlite:
        # SQLite reads every page in C without holding Python's lock: the file checks run on a thread of their
        # own while the app's rules run here (a ten-year database: seconds saved)
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(lambda: [run(*c) for c in file_checks])
            rest = _app_rules(db, run)
            for found in pending.result():
                add(found)
    else:
        for rule, label, _check in file_checks:
            report.rules.append(RuleResult(rule, label, 0, "máy chủ PostgreSQL tự bảo đảm"))
        rest = _app_rules(db, run)
    if isinstance(rest, str):
        report.problems.append(Problem("schema", ERROR, rest))
        report.rules.append(RuleResult("schema", "Phiên bản lược đồ dữ liệu", 1))
        for rule, label, _rule_check in APP_RULES:
            report.rules.append(RuleResult(rule, label, 0, "lược đồ chưa đúng phiên bản"))
        report.rules.append(RuleResult("audit_head", HEAD_LABEL, 0, "lược đồ chưa đúng phiên bản"))
        return report
    report.rules.append(RuleResult("schema", "Phiên bản lược đồ dữ liệu", 0))
    for found in rest:
        add(found)
    return report


def _app_rules(
    db: Database, run: Callable[[str, str, Rule], tuple[list[Problem], RuleResult]]
) -> list[tuple[list[Problem], RuleResult]] | str:
    """The schema revision, then every rule of the app; a message instead when the schema is not the app's."""
    try:
        revision = current_revision(db.engine)
    except SQLAlchemyError as exc:
        return f"Không đọc được phiên bản lược đồ: {getattr(exc, 'orig', exc)}"
    head = head_revision()
    if revision != head:
        return (
            f"Cơ sở dữ liệu ở phiên bản lược đồ {revision or '(trống)'}, phần mềm cần {head}: "
            "hãy chạy «sangkien migrate» (có sao lưu trước)"
        )
    found = []
    for rule, label, check in APP_RULES:
        if rule == "audit_rows":
            found.append(run("audit_head", HEAD_LABEL, _audit_head(db)))
        found.append(run(rule, label, check))
    return found
