"""Read a member's score workbook (exported by :mod:`.score_sheets`) back into the database.

The file is read by the shared readers (``services.importers.readers``: .xlsx, and the same workbook saved as
.xls or .ods) and every number through ``services.xlsx.read_decimal``. The sheet's own total (the "Tổng điểm"
formula Excel computed) is compared with the sum of the criteria read: a difference (a criterion typed as text,
which Excel does not add) must be confirmed (``confirm_totals``); a row with only a total typed and no
criterion is refused, named.
Each worksheet is identified by its "Mã phiếu" (round and member); each row by its dossier code. Every
value is checked against the rubric (0 … maximum, at most 2 decimals), the dossier against the member's
assignments, and every problem is reported with its cell ("Ô F14 (HS26-007, Tính mới…)"). Nothing is
written unless the whole file is valid; then all scores are written in one transaction, each change logged.

Writing goes through :func:`write_member_scores`, a minimal writer (``guards.editable_round`` + audit)
until the scoring service of the council/grading area is available to call instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.database import Database
from ...domain.errors import Issue, ValidationError
from ...domain.text import fold_key, nfc
from ...models import Assignment, CouncilMember, Criterion, Dossier, Round, Score
from .. import audit, guards, scoring
from ..importers.grid import Source
from ..importers.normalise import normalise
from ..importers.readers import read_file
from ..xlsx import read_decimal
from .score_sheets import CODE_HEADER, SHEET_CODE_LABEL, TOTAL_HEADER, parse_sheet_code

log = logging.getLogger(__name__)

__all__ = [
    "ImportReport",
    "ScoreState",
    "SheetScores",
    "TotalsNeedConfirmation",
    "import_scores",
    "read_score_file",
    "restore_scores",
    "write_member_scores",
]

_DOSSIER_CODE = re.compile(r"^HS(\d{2})-(\d+)$", re.IGNORECASE)
_HEADER_SCAN = 40


@dataclass
class SheetScores:
    """The valid content of one worksheet: member, round and {dossier id: {criterion id: points}}."""

    sheet: str
    round_id: int
    member_id: int
    member_name: str
    scores: dict[int, dict[int, Decimal]] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)  # dossier id → code
    blank_rows: int = 0
    total_mismatches: list[Issue] = field(default_factory=list)  # the sheet's total ≠ the criteria read


ScoreKey = tuple[int, int, int]  # dossier id, member id, criterion id


@dataclass(frozen=True)
class ScoreState:
    """The points of some score cells (None: no score row), to undo or redo an import."""

    round_ids: tuple[int, ...]
    values: tuple[tuple[ScoreKey, Decimal | None], ...]


@dataclass(frozen=True)
class ImportReport:
    file: str
    sheets: int
    dossiers: int  # (dossier, member) sheets rows with scores
    written: int  # score values created or changed
    unchanged: int
    blank_rows: int
    dry_run: bool
    members: tuple[str, ...]
    before: ScoreState | None = None  # the cells as they were (for undo)
    after: ScoreState | None = None  # the cells as imported (for redo)
    total_mismatches: tuple[Issue, ...] = ()  # confirmed (or, in a check, still to confirm)

    def summary(self) -> str:
        verb = "Kiểm tra xong (chưa ghi gì)" if self.dry_run else "Đã nhập"
        text = (
            f"{verb}: tệp {self.file}, {self.sheets} phiếu ({', '.join(self.members)}), "
            f"{self.dossiers} hồ sơ có điểm, {self.written} điểm mới hoặc thay đổi, "
            f"{self.unchanged} điểm không đổi, {self.blank_rows} dòng để trống (chưa chấm)."
        )
        if self.total_mismatches:
            text += (
                f"\nTổng điểm trên phiếu khác tổng các tiêu chí ở {len(self.total_mismatches)} dòng:\n"
                + "\n".join(f"  - {i.text()}" for i in self.total_mismatches)
            )
        return text


class TotalsNeedConfirmation(ValidationError):
    """The sheet's own totals differ from the criteria read: the member must confirm before the import."""

    def __init__(self, file: str, mismatches: list[Issue]) -> None:
        self.mismatches = mismatches
        super().__init__(
            mismatches,
            f"Tệp {file}: tổng điểm trên phiếu khác tổng các điểm tiêu chí phần mềm đọc được (có thể một ô "
            "điểm được gõ dạng chữ nên Excel không cộng). Hãy hỏi lại thành viên Hội đồng; nếu điểm từng tiêu chí "
            "là đúng, nhập lại với xác nhận (--confirm-totals)",
        )


def _text(value: Any) -> str:
    return "" if value is None else nfc(str(value)).strip()


def _find_code(rows: list[list[Any]]) -> tuple[str, int] | None:
    for r, row in enumerate(rows[:_HEADER_SCAN]):
        for c, value in enumerate(row):
            if _text(value).startswith(SHEET_CODE_LABEL.rstrip(":")):
                inline = _text(value)[len(SHEET_CODE_LABEL) :].strip()
                if inline:
                    return inline, r
                for other in row[c + 1 :]:
                    if _text(other):
                        return _text(other), r
    return None


def _cell(rows: list[list[Any]], r: int, c: int) -> Any:
    row = rows[r]
    return row[c] if c < len(row) else None


def _read_sheet(
    session: Session, rows: list[list[Any]], name: str, issues: list[Issue]
) -> SheetScores | None:
    found = _find_code(rows)
    if found is None:
        return None
    code_text, code_row = found
    where_sheet = f"Trang «{name}»"
    parsed = parse_sheet_code(code_text)
    if parsed is None:
        issues.append(Issue(f"mã phiếu «{code_text}» không đúng dạng (ví dụ 2026/1-TV05)", where_sheet))
        return None
    year, number, member_id = parsed
    rnd = session.scalar(select(Round).where(Round.year == year, Round.number == number))
    if rnd is None:
        issues.append(Issue(f"không có đợt {number} năm {year} (mã phiếu «{code_text}»)", where_sheet))
        return None
    member = session.get(CouncilMember, member_id)
    if member is None or member.round_id != rnd.id:
        issues.append(
            Issue(f"mã phiếu «{code_text}» không ứng với thành viên nào của {rnd.label}", where_sheet)
        )
        return None
    criteria = list(
        session.scalars(select(Criterion).where(Criterion.round_id == rnd.id).order_by(Criterion.position))
    )
    header_row = next(
        (r for r in range(code_row, len(rows)) if any(_text(v) == CODE_HEADER for v in rows[r])), None
    )
    if header_row is None:
        issues.append(Issue(f"không tìm thấy dòng tiêu đề có cột «{CODE_HEADER}»", where_sheet))
        return None
    header = [_text(v) for v in rows[header_row]]
    code_col = header.index(CODE_HEADER)
    total_col = next((c for c, t in enumerate(header) if t.startswith(TOTAL_HEADER)), None)
    crit_cols: dict[int, int] = {}
    for crit in criteria:
        key = fold_key(crit.name)
        col = next((c for c, t in enumerate(header) if t and fold_key(t.split("\n")[0]) == key), None)
        if col is None:
            issues.append(
                Issue(
                    f"không có cột tiêu chí «{crit.name}»; phiếu này được xuất theo bộ tiêu chí khác, "
                    "hãy xuất lại phiếu chấm",
                    where_sheet,
                )
            )
        else:
            crit_cols[crit.id] = col
    if len(crit_cols) != len(criteria):
        return None
    assigned = {
        d
        for (d,) in session.execute(
            select(Assignment.dossier_id)
            .join(Dossier)
            .where(Assignment.member_id == member.id, Dossier.round_id == rnd.id)
        )
    }
    round_has_assignments = (
        session.scalar(select(Assignment.id).join(Dossier).where(Dossier.round_id == rnd.id).limit(1))
        is not None
    )
    result = SheetScores(name, rnd.id, member.id, member.person.full_name)
    # The header may take two rows (grouped heads are not used here, but be tolerant): data starts after
    # the last row that still holds header texts.
    start = header_row + 1
    seen: dict[int, int] = {}
    for r in range(start, len(rows)):
        excel_row = r + 1
        raw_code = _text(_cell(rows, r, code_col))
        values = {cid: _cell(rows, r, col) for cid, col in crit_cols.items()}
        has_values = any(_text(v) for v in values.values())
        total = _cell(rows, r, total_col) if total_col is not None else None
        if raw_code and not has_values and _text(total):
            issues.append(
                Issue(
                    f"chỉ có tổng điểm ({_text(total)}), không có điểm từng tiêu chí: phiếu này cần điểm từng "
                    "tiêu chí",
                    f"{where_sheet}, dòng {excel_row} ({raw_code})",
                )
            )
            continue
        if not raw_code:
            if has_values:
                issues.append(Issue("có điểm nhưng không có mã hồ sơ", f"{where_sheet}, dòng {excel_row}"))
            continue
        m = _DOSSIER_CODE.match(raw_code.replace(" ", ""))
        if not m:
            if has_values:
                issues.append(
                    Issue(
                        f"mã hồ sơ «{raw_code}» không đúng dạng (ví dụ HS26-007)",
                        f"{where_sheet}, dòng {excel_row}",
                    )
                )
            continue
        where_row = f"{where_sheet}, dòng {excel_row} ({raw_code})"
        if not has_values:
            result.blank_rows += 1
            continue
        yy, receipt = int(m.group(1)), int(m.group(2))
        dossier = session.scalar(
            select(Dossier).where(Dossier.round_id == rnd.id, Dossier.receipt_no == receipt)
        )
        if dossier is None or dossier.year % 100 != yy:
            issues.append(Issue(f"không có hồ sơ {raw_code} trong {rnd.label}", where_row))
            continue
        if round_has_assignments and dossier.id not in assigned:
            issues.append(
                Issue(f"hồ sơ {raw_code} không được phân công cho {result.member_name} chấm", where_row)
            )
            continue
        if dossier.id in seen:
            issues.append(Issue(f"hồ sơ {raw_code} đã có ở dòng {seen[dossier.id]}", where_row))
            continue
        seen[dossier.id] = excel_row
        row_scores: dict[int, Decimal] = {}
        for crit in criteria:
            col = crit_cols[crit.id]
            ref = f"{where_sheet}, ô {get_column_letter(col + 1)}{excel_row} ({raw_code}, {crit.name})"
            try:
                value = read_decimal(values[crit.id])
            except ValueError as exc:
                issues.append(Issue(str(exc), ref))
                continue
            if value is None:
                issues.append(Issue("để trống trong khi các tiêu chí khác đã có điểm", ref))
                continue
            if value < 0 or value > crit.max_points:
                issues.append(Issue(f"điểm {_fmt(value)} nằm ngoài khoảng 0 – {_fmt(crit.max_points)}", ref))
                continue
            if value != value.quantize(Decimal("0.01")):
                issues.append(Issue(f"điểm {_fmt(value)} có quá 2 chữ số thập phân", ref))
                continue
            row_scores[crit.id] = value
        if len(row_scores) == len(criteria):
            result.scores[dossier.id] = row_scores
            result.codes[dossier.id] = dossier.code
            _check_total(result, total, row_scores, total_col, excel_row, f"{where_sheet}, ô ", raw_code)
    return result


def _check_total(
    sheet: SheetScores,
    total: Any,
    row_scores: dict[int, Decimal],
    total_col: int | None,
    excel_row: int,
    where: str,
    code: str,
) -> None:
    """The sheet's own total against the sum of the criteria read (a mismatch the member must confirm)."""
    if total_col is None or not _text(total):
        return
    try:
        written = read_decimal(total)
    except ValueError:
        return
    summed = sum(row_scores.values(), Decimal(0))
    if written is not None and written != summed:
        sheet.total_mismatches.append(
            Issue(
                f"tổng trên phiếu {_fmt(written)} nhưng các tiêu chí cộng lại {_fmt(summed)}",
                f"{where}{get_column_letter(total_col + 1)}{excel_row} ({code})",
                "warning",
                excel_row,
            )
        )


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def read_score_source(path: Path) -> Source:
    """The workbook through the shared readers (.xlsx, .xls, .ods), normalised."""
    source = read_file(Path(path), documents=False)
    normalise(source)
    return source


def read_score_file(session: Session, path: Path) -> tuple[list[SheetScores], list[Issue]]:
    """Every score sheet of the workbook and the problems found (nothing is written)."""
    return analyse_scores(session, read_score_source(path))


def analyse_scores(session: Session, source: Source) -> tuple[list[SheetScores], list[Issue]]:
    """Every score sheet of a workbook already read, and the problems found (nothing is written)."""
    path = Path(source.file_name)
    issues: list[Issue] = []
    sheets: list[SheetScores] = []
    for grid in source.grids:
        sheet = _read_sheet(session, grid.rows, grid.title or grid.name, issues)
        if sheet is not None:
            sheets.append(sheet)
    if not sheets and not issues:
        issues.append(
            Issue(
                f"tệp {path.name} không có phiếu chấm nào (không thấy ô «{SHEET_CODE_LABEL}»). Hãy dùng tệp "
                "phiếu chấm xuất từ phần mềm (sangkien export score-sheets … -o phieu.xlsx)."
            )
        )
    members = [(s.round_id, s.member_id) for s in sheets]
    for key in {k for k in members if members.count(k) > 1}:
        names = [s.sheet for s in sheets if (s.round_id, s.member_id) == key]
        issues.append(Issue(f"cùng một mã phiếu xuất hiện ở nhiều trang: {', '.join(names)}"))
    return sheets, issues


def write_member_scores(
    session: Session, round_id: int, member_id: int, scores: dict[int, dict[int, Decimal]], source: str
) -> tuple[int, int]:
    """Write one member's scores (dossier → criterion → points) in the caller's transaction, through the
    scoring service (round status, assignment, range checks and the audit entry are its job).

    Returns (created or changed values, unchanged values).
    """
    guards.editable_round(session, round_id, "điểm")
    existing = {
        (s.dossier_id, s.criterion_id): s.points
        for s in session.scalars(
            select(Score).where(Score.member_id == member_id, Score.dossier_id.in_(list(scores)))
        )
    }
    written = unchanged = 0
    for dossier_id, values in scores.items():
        for criterion_id, points in values.items():
            if existing.get((dossier_id, criterion_id)) == points:
                unchanged += 1
            else:
                written += 1
        scoring.set_scores(session, round_id, member_id, dossier_id, dict(values))
    log.info("scores of member %s imported from %s", member_id, source)
    return written, unchanged


def import_scores(
    db: Database, path: Path, *, dry_run: bool = False, confirm_totals: bool = False
) -> ImportReport:
    """Validate the whole workbook, then (unless ``dry_run``) write every score in one transaction.

    Raises ``ValidationError`` listing every problem (with sheet, cell and dossier) when anything is wrong;
    nothing is written then. When a sheet's own totals differ from its criteria, raises
    ``TotalsNeedConfirmation`` unless ``confirm_totals`` (a check, ``dry_run``, reports them).
    """
    path = Path(path)
    with db.session() as session:
        sheets, issues = read_score_file(session, path)
        errors = [i for i in issues if i.is_error]
        if errors:
            raise ValidationError(issues, title=f"Không nhập được tệp {path.name}")
        mismatches = [i for sheet in sheets for i in sheet.total_mismatches]
        if mismatches and not confirm_totals and not dry_run:
            raise TotalsNeedConfirmation(path.name, mismatches)
        keys = [
            (dossier_id, sheet.member_id, criterion_id)
            for sheet in sheets
            for dossier_id, values in sheet.scores.items()
            for criterion_id in values
        ]
        round_ids = tuple(sorted({s.round_id for s in sheets}))
        before = ScoreState(round_ids, tuple(_current(session, keys).items()))
        after = ScoreState(
            round_ids,
            tuple(
                ((d, sheet.member_id, c), points)
                for sheet in sheets
                for d, values in sheet.scores.items()
                for c, points in values.items()
            ),
        )
        written = unchanged = 0
        for sheet in sheets:
            w, u = write_member_scores(session, sheet.round_id, sheet.member_id, sheet.scores, path.name)
            written += w
            unchanged += u
        if dry_run:
            session.rollback()  # a check only: the counts are real, nothing is kept
        return ImportReport(
            file=path.name,
            sheets=len(sheets),
            dossiers=sum(len(s.scores) for s in sheets),
            written=written,
            unchanged=unchanged,
            blank_rows=sum(s.blank_rows for s in sheets),
            dry_run=dry_run,
            members=tuple(s.member_name for s in sheets),
            before=None if dry_run else before,
            after=None if dry_run else after,
            total_mismatches=tuple(mismatches),
        )


def _current(session: Session, keys: list[ScoreKey]) -> dict[ScoreKey, Decimal | None]:
    out: dict[ScoreKey, Decimal | None] = dict.fromkeys(keys)
    dossier_ids = sorted({k[0] for k in keys})
    for i in range(0, len(dossier_ids), 500):
        chunk = dossier_ids[i : i + 500]
        for s in session.scalars(select(Score).where(Score.dossier_id.in_(chunk))):
            key = (s.dossier_id, s.member_id, s.criterion_id)
            if key in out:
                out[key] = s.points
    return out


def restore_scores(db: Database, state: ScoreState, reason: str) -> int:
    """Put score cells back to ``state`` in one transaction (undo/redo of an import); returns the number
    of cells changed. Each change is logged; a finalized round is refused."""
    changed = 0
    with db.session() as session:
        for round_id in state.round_ids:
            guards.editable_round(session, round_id, "điểm")
        current = _current(session, [k for k, _ in state.values])
        rows = {
            (s.dossier_id, s.member_id, s.criterion_id): s
            for s in session.scalars(
                select(Score).where(Score.dossier_id.in_(sorted({k[0] for k, _ in state.values})))
            )
        }
        for key, points in state.values:
            if current.get(key) == points:
                continue
            row = rows.get(key)
            if points is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(Score(dossier_id=key[0], member_id=key[1], criterion_id=key[2], points=points))
            else:
                row.points = points
                row.check_points = None
            audit.record(
                session,
                "update",
                "score",
                f"{key[0]}:{key[1]}:{key[2]}",
                reason,
                {"points": current.get(key)},
                {"points": points},
            )
            changed += 1
        session.flush()
    return changed
