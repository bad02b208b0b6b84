"""Years and rounds (đợt): create a round (from the defaults or by copying another round), edit its rules,
move it through its statuses, list rounds.

A round owns its checklist template, rubric and grade rule set. Copying a round copies them, so changing
this year's rules never touches last year's: each rule set keeps the date it took effect
(``GradeRuleSet.effective_from``), and a finalized round's rules are read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.database import Database
from ..domain import round_lifecycle
from ..domain.defaults import (
    DEFAULT_GRADE_RULES,
    BandSpec,
    ChecklistSpec,
    CriterionSpec,
    GradeRulesSpec,
    RoundDefaults,
)
from ..domain.enums import RoundField, RoundStatus, TiePolicy
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.money import format_money
from ..domain.round_lifecycle import RoundAction
from ..domain.rule_text import format_points
from ..models import (
    CouncilMember,
    Criterion,
    Dossier,
    GradeBand,
    GradeCondition,
    GradeRuleSet,
    Round,
    RoundChecklistItem,
    Score,
    Year,
)
from ..models.base import now
from . import audit, numbering


@dataclass(frozen=True)
class RoundInfo:
    id: int
    year: int
    number: int
    label: str
    field: RoundField
    status: RoundStatus
    receive_until: dt.date | None
    dossiers: int


@dataclass(frozen=True)
class RoundSetup:
    """Everything about a round the secretary sets up (and copies from last year's round)."""

    name: str = ""
    field: RoundField = RoundField.GENERAL
    receive_from: dt.date | None = None
    receive_until: dt.date | None = None
    meeting_on: dt.date | None = None
    decision_no: str = ""  # as printed, "01/QĐ-UBND" (services.numbering spells what is typed)
    decision_date: dt.date | None = None
    minutes_no: str = ""
    submission_no: str = ""
    submission_date: dt.date | None = None
    certificate_date: dt.date | None = None
    co_author_limit: int = 2
    copies_required: int = 12
    members_per_dossier: int | None = None
    score_spread_limit: Decimal = Decimal("20")
    double_entry: bool = False
    quorum: int | None = None
    approval_numerator: int = 2
    approval_denominator: int = 3
    note: str = ""
    checklist: tuple[ChecklistSpec, ...] = ()
    rubric: tuple[CriterionSpec, ...] = ()
    rules: GradeRulesSpec = DEFAULT_GRADE_RULES
    rules_effective_from: dt.date | None = None
    tie_break_position: int | None = None  # rubric position of the tie-break criterion

    @property
    def total_points(self) -> Decimal:
        return sum((c.max_points for c in self.rubric), Decimal(0))


# General fields of ``Round`` that ``RoundSetup`` carries one to one.
_GENERAL_FIELDS = (
    "name",
    "field",
    "receive_from",
    "receive_until",
    "meeting_on",
    "decision_no",
    "decision_date",
    "minutes_no",
    "submission_no",
    "submission_date",
    "certificate_date",
    "co_author_limit",
    "copies_required",
    "members_per_dossier",
    "score_spread_limit",
    "double_entry",
    "quorum",
    "approval_numerator",
    "approval_denominator",
    "note",
)


def ensure_year(session: Session, year: int) -> Year:
    row = session.get(Year, year)
    if row is None:
        row = Year(year=year, note="")
        session.add(row)
        session.flush()
    return row


def shift_years(day: dt.date | None, years: int) -> dt.date | None:
    """The same day ``years`` later (29/02 becomes 28/02 in a common year)."""
    if day is None or years == 0:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_setup(year: int, number: int, defaults: RoundDefaults | None = None) -> RoundSetup:
    d = defaults or RoundDefaults()
    return RoundSetup(
        name=f"Đợt {number} năm {year}",
        co_author_limit=d.co_author_limit,
        copies_required=d.copies_required,
        checklist=tuple(d.checklist),
        rubric=tuple(d.rubric),
        rules=d.grade_rules,
        rules_effective_from=dt.date(year, 1, 1),
    )


def setup_of(rnd: Round) -> RoundSetup:
    """The setup of an existing round (its general fields, checklist, rubric and rules)."""
    criteria = list(rnd.criteria)
    position = {c.id: i for i, c in enumerate(criteria)}
    rs = rnd.rule_set
    if rs is None:
        rules = GradeRulesSpec(name="", bands=())
        effective = None
        tie_pos = None
    else:
        bands = tuple(
            BandSpec(
                code=b.code,
                label=b.label,
                min_mean=b.min_mean,
                quota=b.quota,
                amount=b.amount,
                conditions=tuple(
                    (position[c.criterion_id], c.min_points)
                    for c in b.conditions
                    if c.criterion_id in position
                ),
            )
            for b in rs.bands
        )
        rules = GradeRulesSpec(
            name=rs.name,
            bands=bands,
            certificate_threshold=rs.certificate_threshold,
            decimals=rs.decimals,
            tie_policy=str(rs.tie_policy.value if isinstance(rs.tie_policy, TiePolicy) else rs.tie_policy),
        )
        effective = rs.effective_from
        tie_pos = position.get(rs.tie_break_criterion_id) if rs.tie_break_criterion_id else None
    return RoundSetup(
        **{name: getattr(rnd, name) for name in _GENERAL_FIELDS},
        checklist=tuple(
            ChecklistSpec(i.name, copies_required=i.copies_required, required=i.required)
            for i in rnd.checklist_template
        ),
        rubric=tuple(
            CriterionSpec(c.name, c.max_points, min_points=c.min_points, description=c.description)
            for c in criteria
        ),
        rules=rules,
        rules_effective_from=effective,
        tie_break_position=tie_pos,
    )


def get_setup(db: Database, round_ref: str | int) -> RoundSetup:
    with db.reading() as session:
        return setup_of(find_round(session, round_ref))


# --- validation ------------------------------------------------------------------------------------------


def setup_issues(setup: RoundSetup) -> list[Issue]:
    """Everything wrong with a setup (errors block saving, warnings are shown)."""
    issues: list[Issue] = []
    if setup.receive_from and setup.receive_until and setup.receive_from > setup.receive_until:
        issues.append(Issue("ngày bắt đầu nhận hồ sơ sau hạn nộp", where="Thời gian nhận hồ sơ"))
    if setup.receive_until and setup.meeting_on and setup.meeting_on < setup.receive_until:
        issues.append(
            Issue("ngày họp Hội đồng trước hạn nộp hồ sơ", where="Ngày họp Hội đồng", severity="warning")
        )
    if not 0 <= setup.co_author_limit <= 50:
        issues.append(Issue("phải từ 0 đến 50 (0: không giới hạn)", where="Số đồng tác giả tối đa"))
    if not 1 <= setup.copies_required <= 100:
        issues.append(Issue("phải từ 1 đến 100", where="Số bản Đơn yêu cầu"))
    if setup.members_per_dossier is not None and not 1 <= setup.members_per_dossier <= 50:
        issues.append(Issue("phải từ 1 đến 50", where="Số thành viên chấm mỗi hồ sơ"))
    if setup.quorum is not None and not 1 <= setup.quorum <= 100:
        issues.append(Issue("phải từ 1 đến 100", where="Số thành viên tối thiểu có mặt"))
    if not (0 < setup.approval_numerator <= setup.approval_denominator <= 100):
        issues.append(Issue("tỷ lệ phải có dạng a/b với 0 < a ≤ b", where="Tỷ lệ tán thành"))
    if setup.score_spread_limit < 0:
        issues.append(Issue("không được âm", where="Độ lệch điểm cho phép"))

    names = set()
    for i, item in enumerate(setup.checklist, start=1):
        where = f"Giấy tờ dòng {i}"
        if not item.name.strip():
            issues.append(Issue("chưa có tên giấy tờ", where=where))
        elif item.name.strip().casefold() in names:
            issues.append(Issue(f"trùng tên '{item.name}'", where=where))
        names.add(item.name.strip().casefold())
        if item.copies_required is not None and not 1 <= item.copies_required <= 100:
            issues.append(Issue("số bản phải từ 1 đến 100", where=where))

    if not setup.rubric:
        issues.append(Issue("chưa có tiêu chí nào", where="Tiêu chí chấm"))
    for i, crit in enumerate(setup.rubric, start=1):
        where = f"Tiêu chí {i}"
        if not crit.name.strip():
            issues.append(Issue("chưa có tên tiêu chí", where=where))
        if crit.max_points <= 0 or crit.max_points > 1000:
            issues.append(Issue("điểm tối đa phải lớn hơn 0 và không quá 1000", where=where))
        if crit.min_points is not None and not 0 <= crit.min_points <= crit.max_points:
            issues.append(Issue("điểm tối thiểu phải từ 0 đến điểm tối đa", where=where))
    total = setup.total_points
    if setup.rubric and total != 100:
        issues.append(
            Issue(f"tổng điểm tối đa là {total}, không phải 100", where="Tiêu chí chấm", severity="warning")
        )

    rules = setup.rules
    if not 0 <= rules.decimals <= 4:
        issues.append(Issue("số chữ số thập phân phải từ 0 đến 4", where="Quy tắc xếp loại"))
    if rules.tie_policy not in {p.value for p in TiePolicy}:
        issues.append(Issue(f"cách xử lý bằng điểm '{rules.tie_policy}' không có", where="Quy tắc xếp loại"))
    if rules.tie_policy == TiePolicy.CRITERION.value and setup.tie_break_position is None:
        issues.append(Issue("chưa chọn tiêu chí để phân định khi bằng điểm", where="Quy tắc xếp loại"))
    if setup.tie_break_position is not None and not 0 <= setup.tie_break_position < len(setup.rubric):
        issues.append(
            Issue("tiêu chí phân định bằng điểm không có trong thang điểm", where="Quy tắc xếp loại")
        )
    codes: set[str] = set()
    previous: Decimal | None = None
    for i, band in enumerate(rules.bands, start=1):
        where = f"Mức xếp loại {i} ({band.code or '?'})"
        if not band.code.strip():
            issues.append(Issue("chưa có mã (A, B, C …)", where=where))
        elif band.code in codes:
            issues.append(Issue(f"trùng mã '{band.code}'", where=where))
        codes.add(band.code)
        if band.min_mean < 0 or (setup.rubric and band.min_mean > total):
            issues.append(Issue(f"điểm sàn phải từ 0 đến {total}", where=where))
        if previous is not None and band.min_mean > previous:
            issues.append(Issue("điểm sàn phải giảm dần từ mức cao xuống mức thấp", where=where))
        previous = band.min_mean
        if band.quota is not None and band.quota < 0:
            issues.append(Issue("số suất không được âm", where=where))
        if band.amount < 0:
            issues.append(Issue("số tiền thưởng không được âm", where=where))
        for pos, points in band.conditions:
            if not 0 <= pos < len(setup.rubric):
                issues.append(Issue(f"điều kiện theo tiêu chí số {pos + 1} không có", where=where))
            elif not 0 <= points <= setup.rubric[pos].max_points:
                issues.append(
                    Issue(
                        f"điều kiện '{setup.rubric[pos].name} ≥ {points}' vượt điểm tối đa của tiêu chí",
                        where=where,
                    )
                )
    if previous is not None and rules.certificate_threshold > previous:
        issues.append(
            Issue("điểm công nhận phải không cao hơn điểm sàn của mức thấp nhất", where="Quy tắc xếp loại")
        )
    return issues


def _raise_errors(issues: list[Issue], title: str) -> None:
    errors = [i for i in issues if i.is_error]
    if errors:
        raise ValidationError(errors, title=title)


# --- creating rounds -------------------------------------------------------------------------------------


def _check_new(session: Session, year: int, number: int) -> None:
    if not 1900 < year < 3000:
        raise ValidationError(f"Năm {year} không hợp lệ.")
    if number < 1:
        raise ValidationError(f"Số đợt phải từ 1 trở lên (đang là {number}).")
    existing = session.scalar(select(Round).where(Round.year == year, Round.number == number))
    if existing is not None:
        raise ValidationError(f"Năm {year} đã có đợt {number}.")


def _apply_children(session: Session, rnd: Round, setup: RoundSetup) -> None:
    """Write the checklist, rubric and rule set of a new round (no rows exist yet)."""
    for i, item in enumerate(setup.checklist):
        rnd.checklist_template.append(
            RoundChecklistItem(
                position=i, name=item.name, copies_required=item.copies_required, required=item.required
            )
        )
    criteria: list[Criterion] = []
    for i, crit in enumerate(setup.rubric):
        c = Criterion(
            position=i,
            name=crit.name,
            max_points=crit.max_points,
            min_points=crit.min_points,
            description=crit.description,
        )
        rnd.criteria.append(c)
        criteria.append(c)
    rnd.rule_set = GradeRuleSet()
    _write_rules(session, rnd.rule_set, setup, criteria)


def _write_rules(
    session: Session, rule_set: GradeRuleSet, setup: RoundSetup, criteria: Sequence[Criterion]
) -> None:
    rules = setup.rules
    rule_set.name = rules.name
    rule_set.effective_from = setup.rules_effective_from
    rule_set.decimals = rules.decimals
    rule_set.certificate_threshold = rules.certificate_threshold
    rule_set.tie_policy = TiePolicy(rules.tie_policy)
    tie = setup.tie_break_position
    if tie is not None and tie < len(criteria):
        if criteria[tie].id is None:
            session.flush()
        rule_set.tie_break_criterion_id = criteria[tie].id
    else:
        rule_set.tie_break_criterion_id = None
    rule_set.bands.clear()
    for i, band in enumerate(rules.bands):
        row = GradeBand(
            position=i,
            code=band.code.strip(),
            label=band.label.strip() or f"Loại {band.code.strip()}",
            min_mean=band.min_mean,
            quota=band.quota,
            amount=band.amount,
        )
        for pos, points in band.conditions:
            row.conditions.append(GradeCondition(criterion=criteria[pos], min_points=points))
        rule_set.bands.append(row)


def create_round(
    session: Session,
    year: int,
    number: int,
    *,
    field: RoundField = RoundField.GENERAL,
    name: str = "",
    receive_from: dt.date | None = None,
    receive_until: dt.date | None = None,
    meeting_on: dt.date | None = None,
    defaults: RoundDefaults | None = None,
    setup: RoundSetup | None = None,
) -> Round:
    """Add a round with the default rubric, checklist and grade rules, or with ``setup`` when given."""
    _check_new(session, year, number)
    if setup is None:
        setup = replace(
            default_setup(year, number, defaults),
            field=field,
            receive_from=receive_from,
            receive_until=receive_until,
            meeting_on=meeting_on,
        )
        if name:
            setup = replace(setup, name=name)
    if not setup.name:
        setup = replace(setup, name=f"Đợt {number} năm {year}")
    _raise_errors(setup_issues(setup), f"Không tạo được đợt {number} năm {year}")
    ensure_year(session, year)
    rnd = Round(year=year, number=number, status=RoundStatus.OPEN)
    for attr in _GENERAL_FIELDS:
        setattr(rnd, attr, getattr(setup, attr))
    session.add(rnd)
    _apply_children(session, rnd, setup)
    session.flush()
    audit.record(session, "create", "round", rnd.id, f"Tạo {rnd.label}", new={"year": year, "number": number})
    return rnd


def copy_round(
    session: Session,
    source: Round | str | int,
    year: int,
    number: int,
    *,
    copy_members: bool = False,
    name: str = "",
    field: RoundField | None = None,
    shift_dates: bool = True,
) -> Round:
    """A new round with everything of ``source``: general settings, checklist, rubric, grade rules with their
    conditions, tie policy (and the council members when ``copy_members``). Deadlines move by the difference
    in years; the decision number and date and the round's note are not copied. The copied rule set keeps its
    name and effective date (it is the same version of the rules until someone edits it)."""
    src = source if isinstance(source, Round) else find_round(session, source)
    setup = setup_of(src)
    years = year - src.year if shift_dates else 0
    setup = replace(
        setup,
        name=name or f"Đợt {number} năm {year}",
        field=field or setup.field,
        receive_from=shift_years(setup.receive_from, years),
        receive_until=shift_years(setup.receive_until, years),
        meeting_on=shift_years(setup.meeting_on, years),
        decision_no="",
        decision_date=None,
        minutes_no="",
        submission_no="",
        submission_date=None,
        certificate_date=None,
        note="",
    )
    _check_new(session, year, number)
    rnd = create_round(session, year, number, setup=setup)
    if copy_members:
        for member in src.members:
            rnd.members.append(
                CouncilMember(
                    person_id=member.person_id,
                    role=member.role,
                    expertise=member.expertise,
                    position=member.position,
                    active=member.active,
                )
            )
        session.flush()
    audit.record(
        session,
        "copy",
        "round",
        rnd.id,
        f"Tạo {rnd.label} bằng cách sao chép {src.label}"
        + (f" (kèm {len(src.members)} thành viên Hội đồng)" if copy_members else ""),
        new={"source_round": src.id, "copy_members": copy_members},
    )
    return rnd


def next_free_number(session: Session, year: int) -> int:
    """The first round number not used yet in ``year``."""
    used = set(session.scalars(select(Round.number).where(Round.year == year)))
    number = 1
    while number in used:
        number += 1
    return number


def suggest_next(session: Session, today: dt.date | None = None) -> tuple[int, int, int | None]:
    """(year, number, source round id) for "Tạo đợt mới": the next round of the latest year, or round 1 of
    the current year when the latest year is over; the source is the latest round of the same number if
    any, else the latest round."""
    today = today or dt.date.today()
    latest = session.scalar(select(Round).order_by(Round.year.desc(), Round.number.desc()).limit(1))
    if latest is None:
        return today.year, 1, None
    if latest.year < today.year:
        year, number = today.year, 1
    else:
        year, number = latest.year, latest.number + 1
    same = session.scalar(
        select(Round).where(Round.number == number, Round.year < year).order_by(Round.year.desc()).limit(1)
    )
    return year, number, (same or latest).id


# --- editing ---------------------------------------------------------------------------------------------


def _has_scores(session: Session, rnd: Round) -> bool:
    ids = [c.id for c in rnd.criteria]
    if not ids:
        return False
    return bool(session.scalar(select(func.count(Score.id)).where(Score.criterion_id.in_(ids))))


def save_setup(
    session: Session, round_ref: Round | str | int, setup: RoundSetup, *, today: dt.date | None = None
) -> Round:
    """Write a round's setup (one transaction, audited). Criteria keep their ids, so entered scores stay
    attached; once scores exist the rubric's structure (number of criteria and maximum points) is locked.
    A change of the grade rules gives the rule set a new effective date (today unless one is given)."""
    rnd = round_ref if isinstance(round_ref, Round) else find_round(session, round_ref)
    round_lifecycle.check(rnd.status, RoundAction.EDIT_RULES, rnd.label)
    issues = setup_issues(setup)
    old = setup_of(rnd)
    if old.rubric != setup.rubric and _has_scores(session, rnd):
        same_shape = len(old.rubric) == len(setup.rubric) and all(
            a.max_points == b.max_points for a, b in zip(old.rubric, setup.rubric, strict=True)
        )
        if not same_shape:
            issues.append(
                Issue(
                    "đợt đã có điểm chấm nên không thêm, bớt tiêu chí hay đổi điểm tối đa được "
                    "(chỉ sửa được tên, mô tả, điểm tối thiểu)",
                    where="Tiêu chí chấm",
                )
            )
    _raise_errors(issues, f"Không lưu được {rnd.label}")
    if setup.name != old.name and not setup.name.strip():
        setup = replace(setup, name=f"Đợt {rnd.number} năm {rnd.year}")

    changed: dict[str, object] = {}
    numbers: dict[str, object] = {}  # document numbers and dates: spelled, checked, audited by numbering
    for attr in _GENERAL_FIELDS:
        if getattr(old, attr) != getattr(setup, attr):
            if attr in numbering.FIELD_LABELS and attr != "meeting_on":
                numbers[attr] = getattr(setup, attr)
                continue
            changed[attr] = getattr(setup, attr)
            setattr(rnd, attr, getattr(setup, attr))
    if numbers:
        numbering.update_round_in(session, rnd, numbers)

    if old.checklist != setup.checklist:
        items = list(rnd.checklist_template)
        for i, spec in enumerate(setup.checklist):
            if i < len(items):
                item = items[i]
            else:
                item = RoundChecklistItem(position=i, name=spec.name)
                rnd.checklist_template.append(item)
            item.position, item.name = i, spec.name
            item.copies_required, item.required = spec.copies_required, spec.required
        for item in items[len(setup.checklist) :]:
            rnd.checklist_template.remove(item)
        changed["checklist"] = [c.name for c in setup.checklist]

    criteria = list(rnd.criteria)
    if old.rubric != setup.rubric:
        for i, rubric in enumerate(setup.rubric):
            if i < len(criteria):
                crit = criteria[i]
            else:
                crit = Criterion(position=i, name=rubric.name, max_points=rubric.max_points)
                rnd.criteria.append(crit)
                criteria.append(crit)
            crit.position, crit.name, crit.max_points = i, rubric.name, rubric.max_points
            crit.min_points, crit.description = rubric.min_points, rubric.description
        for crit in criteria[len(setup.rubric) :]:
            rnd.criteria.remove(crit)
        criteria = criteria[: len(setup.rubric)]
        changed["rubric"] = [f"{c.name} ({c.max_points})" for c in setup.rubric]
        session.flush()

    rules_changed = (old.rules, old.tie_break_position) != (setup.rules, setup.tie_break_position)
    effective = setup.rules_effective_from
    if rules_changed and effective == old.rules_effective_from:
        effective = today or dt.date.today()
    if rules_changed or effective != old.rules_effective_from:
        setup = replace(setup, rules_effective_from=effective)
        if rnd.rule_set is None:
            rnd.rule_set = GradeRuleSet()
        _write_rules(session, rnd.rule_set, setup, criteria)
        changed["rules"] = _rules_summary(setup)
    session.flush()
    if changed:
        audit.record(
            session,
            "update",
            "round",
            rnd.id,
            f"Sửa thiết lập {rnd.label}: " + ", ".join(_CHANGE_LABELS.get(k, k) for k in changed),
            old={k: _audit_value(old, k) for k in changed},
            new=changed,
        )
    return rnd


_CHANGE_LABELS = {
    "name": "tên đợt",
    "field": "lĩnh vực",
    "receive_from": "ngày bắt đầu nhận",
    "receive_until": "hạn nộp",
    "meeting_on": "ngày họp",
    "decision_no": "số quyết định",
    "decision_date": "ngày quyết định",
    "minutes_no": "số biên bản",
    "submission_no": "số tờ trình",
    "submission_date": "ngày tờ trình",
    "certificate_date": "ngày ký giấy chứng nhận",
    "co_author_limit": "số đồng tác giả tối đa",
    "copies_required": "số bản đơn",
    "members_per_dossier": "số người chấm mỗi hồ sơ",
    "score_spread_limit": "độ lệch điểm",
    "double_entry": "nhập điểm hai lần",
    "quorum": "số người có mặt tối thiểu",
    "approval_numerator": "tỷ lệ tán thành",
    "approval_denominator": "tỷ lệ tán thành",
    "note": "ghi chú",
    "checklist": "danh mục giấy tờ",
    "rubric": "tiêu chí chấm",
    "rules": "quy tắc xếp loại",
}


def _rules_summary(setup: RoundSetup) -> str:
    rules = setup.rules
    bands = "; ".join(
        f"{b.code} ≥ {format_points(b.min_mean)}"
        + (f", tối đa {b.quota}" if b.quota is not None else "")
        + (f", {format_money(b.amount)} đ" if b.amount else "")
        + "".join(
            f", {setup.rubric[p].name} ≥ {format_points(pts)}"
            for p, pts in b.conditions
            if p < len(setup.rubric)
        )
        for b in rules.bands
    )
    since = setup.rules_effective_from.strftime("%d/%m/%Y") if setup.rules_effective_from else "?"
    return (
        f"{rules.name or 'Quy tắc'} (áp dụng từ {since}): {bands}; công nhận ≥ {rules.certificate_threshold}"
    )


def _audit_value(setup: RoundSetup, key: str) -> object:
    if key == "checklist":
        return [c.name for c in setup.checklist]
    if key == "rubric":
        return [f"{c.name} ({c.max_points})" for c in setup.rubric]
    if key == "rules":
        return _rules_summary(setup)
    return getattr(setup, key)


def delete_round(session: Session, round_ref: Round | str | int) -> None:
    """Delete a round that has no dossiers (a round created by mistake)."""
    rnd = round_ref if isinstance(round_ref, Round) else find_round(session, round_ref)
    count = session.scalar(select(func.count(Dossier.id)).where(Dossier.round_id == rnd.id)) or 0
    if count:
        raise ValidationError(
            f"{rnd.label} đã có {count} hồ sơ nên không xóa được.", title="Không xóa được đợt"
        )
    if rnd.status is RoundStatus.FINALIZED:
        raise ValidationError(f"{rnd.label} đã chốt kết quả nên không xóa được.", title="Không xóa được đợt")
    label, rid = rnd.label, rnd.id
    session.delete(rnd)
    session.flush()
    audit.record(session, "delete", "round", rid, f"Xóa {label}")


def set_status(
    session: Session, round_ref: Round | str | int, target: RoundStatus, reason: str = ""
) -> Round:
    """Move a round to another status along the lifecycle table (audited; reopening needs a reason)."""
    rnd = round_ref if isinstance(round_ref, Round) else find_round(session, round_ref)
    target = RoundStatus(target)
    old = rnd.status
    round_lifecycle.check_move(old, target, reason)
    if old is RoundStatus.FINALIZED and target is not RoundStatus.FINALIZED:
        from .finalize import reopen_in  # here: finalize imports every document producer

        summary = f"{rnd.label}: {old.label} → {target.label}. Lý do: {reason.strip()}"
        reopen_in(session, rnd, reason.strip(), target, summary)
        return rnd
    rnd.status = target
    rnd.finalized_at = now() if target is RoundStatus.FINALIZED else None
    session.flush()
    summary = f"{rnd.label}: {old.label} → {target.label}"
    if reason.strip():
        summary += f". Lý do: {reason.strip()}"
    audit.record(
        session,
        "status",
        "round",
        rnd.id,
        summary,
        {"status": old.value},
        {"status": target.value, "reason": reason},
    )
    return rnd


def status_warnings(session: Session, rnd: Round, target: RoundStatus) -> list[str]:
    """What the secretary should know before moving a round (shown in the confirmation)."""
    warnings: list[str] = []
    dossiers = session.scalar(select(func.count(Dossier.id)).where(Dossier.round_id == rnd.id)) or 0
    if target is RoundStatus.SCORING and dossiers == 0:
        warnings.append("Đợt chưa có hồ sơ nào.")
    if target is RoundStatus.SCORING and not rnd.members:
        warnings.append("Đợt chưa có thành viên Hội đồng.")
    if target is RoundStatus.FINALIZED:
        if not rnd.decision_no:
            warnings.append("Chưa ghi số quyết định công nhận của đợt.")
        if not _has_scores(session, rnd):
            warnings.append("Đợt chưa có điểm chấm nào.")
        warnings.append("Sau khi chốt, điểm, xếp loại, phân công và giấy chứng nhận không sửa được nữa.")
    return warnings


# --- as plain data (``sangkien rounds show --json`` / ``rounds apply``) ----------------------------------


def setup_as_dict(setup: RoundSetup) -> dict[str, object]:
    """The setup as JSON-ready data (dates ISO, points as strings)."""
    return {
        "name": setup.name,
        "field": setup.field.value,
        "receive_from": setup.receive_from.isoformat() if setup.receive_from else None,
        "receive_until": setup.receive_until.isoformat() if setup.receive_until else None,
        "meeting_on": setup.meeting_on.isoformat() if setup.meeting_on else None,
        "decision_no": setup.decision_no,
        "decision_date": setup.decision_date.isoformat() if setup.decision_date else None,
        "minutes_no": setup.minutes_no,
        "submission_no": setup.submission_no,
        "submission_date": setup.submission_date.isoformat() if setup.submission_date else None,
        "certificate_date": setup.certificate_date.isoformat() if setup.certificate_date else None,
        "co_author_limit": setup.co_author_limit,
        "copies_required": setup.copies_required,
        "members_per_dossier": setup.members_per_dossier,
        "score_spread_limit": str(setup.score_spread_limit),
        "double_entry": setup.double_entry,
        "quorum": setup.quorum,
        "approval_numerator": setup.approval_numerator,
        "approval_denominator": setup.approval_denominator,
        "note": setup.note,
        "checklist": [
            {"name": c.name, "copies_required": c.copies_required, "required": c.required}
            for c in setup.checklist
        ],
        "rubric": [
            {
                "name": c.name,
                "max_points": str(c.max_points),
                "min_points": None if c.min_points is None else str(c.min_points),
                "description": c.description,
            }
            for c in setup.rubric
        ],
        "rules": {
            "name": setup.rules.name,
            "effective_from": setup.rules_effective_from.isoformat() if setup.rules_effective_from else None,
            "decimals": setup.rules.decimals,
            "certificate_threshold": str(setup.rules.certificate_threshold),
            "tie_policy": str(setup.rules.tie_policy),
            "tie_break_position": setup.tie_break_position,
            "bands": [
                {
                    "code": b.code,
                    "label": b.label,
                    "min_mean": str(b.min_mean),
                    "quota": b.quota,
                    "amount": b.amount,
                    "conditions": [
                        {
                            "position": p,
                            "criterion": setup.rubric[p].name if p < len(setup.rubric) else "",
                            "min_points": str(v),
                        }
                        for p, v in b.conditions
                    ],
                }
                for b in setup.rules.bands
            ],
        },
    }


def setup_from_dict(data: dict[str, object], base: RoundSetup) -> RoundSetup:
    """A setup from data shaped like :func:`setup_as_dict`; keys left out keep ``base``'s values.
    Unreadable values raise ``ValidationError`` naming the key."""
    issues: list[Issue] = []

    def date_of(value: object, where: str) -> dt.date | None:
        if value in (None, ""):
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            issues.append(Issue(f"'{value}' không phải ngày dạng YYYY-MM-DD", where=where))
            return None

    def dec(value: object, where: str, *, optional: bool = False) -> Decimal | None:
        if value in (None, "") and optional:
            return None
        try:
            return Decimal(str(value).replace(",", "."))
        except (ArithmeticError, ValueError):
            issues.append(Issue(f"'{value}' không phải là số", where=where))
            return Decimal(0)

    def integer(value: object, where: str, *, optional: bool = False) -> int | None:
        if value in (None, "") and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
            issues.append(Issue(f"'{value}' không phải là số nguyên", where=where))
            return 0
        return int(value)

    changes: dict[str, object] = {}
    for key in ("name", "decision_no", "minutes_no", "submission_no", "note"):
        if key in data:
            changes[key] = str(data[key] or "")
    if "field" in data:
        try:
            changes["field"] = RoundField(str(data["field"]))
        except ValueError:
            issues.append(Issue(f"lĩnh vực '{data['field']}' không có (general, education)", where="field"))
    for key in (
        "receive_from",
        "receive_until",
        "meeting_on",
        "decision_date",
        "submission_date",
        "certificate_date",
    ):
        if key in data:
            changes[key] = date_of(data[key], key)
    for key in ("co_author_limit", "copies_required", "approval_numerator", "approval_denominator"):
        if key in data:
            changes[key] = integer(data[key], key)
    for key in ("members_per_dossier", "quorum"):
        if key in data:
            changes[key] = integer(data[key], key, optional=True)
    if "score_spread_limit" in data:
        changes["score_spread_limit"] = dec(data["score_spread_limit"], "score_spread_limit")
    if "double_entry" in data:
        changes["double_entry"] = bool(data["double_entry"])
    if "checklist" in data:
        items = data["checklist"] if isinstance(data["checklist"], list) else []
        changes["checklist"] = tuple(
            ChecklistSpec(
                str(item.get("name", "")),
                integer(item.get("copies_required"), f"checklist[{i}].copies_required", optional=True),
                bool(item.get("required", True)),
            )
            for i, item in enumerate(items)
            if isinstance(item, dict)
        )
    if "rubric" in data:
        items = data["rubric"] if isinstance(data["rubric"], list) else []
        changes["rubric"] = tuple(
            CriterionSpec(
                str(item.get("name", "")),
                dec(item.get("max_points"), f"rubric[{i}].max_points") or Decimal(0),
                dec(item.get("min_points"), f"rubric[{i}].min_points", optional=True),
                str(item.get("description", "")),
            )
            for i, item in enumerate(items)
            if isinstance(item, dict)
        )
    rules = base.rules
    raw_rules = data.get("rules")
    if isinstance(raw_rules, dict):
        bands = rules.bands
        if "bands" in raw_rules and isinstance(raw_rules["bands"], list):
            bands = tuple(
                BandSpec(
                    str(b.get("code", "")),
                    str(b.get("label", "")),
                    dec(b.get("min_mean"), f"rules.bands[{i}].min_mean") or Decimal(0),
                    integer(b.get("quota"), f"rules.bands[{i}].quota", optional=True),
                    integer(b.get("amount", 0), f"rules.bands[{i}].amount") or 0,
                    tuple(
                        (
                            integer(c.get("position"), f"rules.bands[{i}].conditions[{j}].position") or 0,
                            dec(c.get("min_points"), f"rules.bands[{i}].conditions[{j}].min_points")
                            or Decimal(0),
                        )
                        for j, c in enumerate(b.get("conditions") or [])
                        if isinstance(c, dict)
                    ),
                )
                for i, b in enumerate(raw_rules["bands"])
                if isinstance(b, dict)
            )
        rules = replace(
            rules,
            name=str(raw_rules.get("name", rules.name)),
            bands=bands,
            decimals=integer(raw_rules.get("decimals", rules.decimals), "rules.decimals") or 0,
            certificate_threshold=dec(
                raw_rules.get("certificate_threshold", rules.certificate_threshold),
                "rules.certificate_threshold",
            )
            or Decimal(0),
            tie_policy=str(raw_rules.get("tie_policy", rules.tie_policy)),
        )
        changes["rules"] = rules
        if "effective_from" in raw_rules:
            changes["rules_effective_from"] = date_of(raw_rules["effective_from"], "rules.effective_from")
        if "tie_break_position" in raw_rules:
            changes["tie_break_position"] = integer(
                raw_rules["tie_break_position"], "rules.tie_break_position", optional=True
            )
    if issues:
        raise ValidationError(issues, title="Tệp thiết lập đợt không hợp lệ")
    return replace(base, **changes)  # type: ignore[arg-type]


# --- reading ---------------------------------------------------------------------------------------------


def round_infos(session: Session) -> list[RoundInfo]:
    query = select(Dossier.round_id, func.count(Dossier.id)).group_by(Dossier.round_id)
    counts = {round_id: n for round_id, n in session.execute(query)}
    rows = session.scalars(select(Round).order_by(Round.year.desc(), Round.number.desc())).all()
    return [
        RoundInfo(
            id=r.id,
            year=r.year,
            number=r.number,
            label=r.label,
            field=r.field,
            status=r.status,
            receive_until=r.receive_until,
            dossiers=counts.get(r.id, 0),
        )
        for r in rows
    ]


def list_rounds(db: Database) -> list[RoundInfo]:
    with db.reading() as session:
        return round_infos(session)


@dataclass(frozen=True)
class RuleVersion:
    """One round's grade rules, for the history list ("which rules graded which round")."""

    round_id: int
    round_label: str
    year: int
    name: str
    effective_from: dt.date | None
    summary: str


def rule_history(session: Session) -> list[RuleVersion]:
    rows = session.scalars(select(Round).order_by(Round.year.desc(), Round.number.desc())).all()
    result = []
    for rnd in rows:
        setup = setup_of(rnd)
        result.append(
            RuleVersion(
                rnd.id,
                rnd.label,
                rnd.year,
                setup.rules.name,
                setup.rules_effective_from,
                _rules_summary(setup),
            )
        )
    return result


def find_round(session: Session, ref: str | int) -> Round:
    """Find a round by id ("3"), or by "YEAR/NUMBER" / "YEAR-NUMBER" ("2026/1")."""
    text = str(ref).strip()
    rnd: Round | None = None
    for sep in ("/", "-", "."):
        if sep in text:
            year_text, _, number_text = text.partition(sep)
            if year_text.isdigit() and number_text.isdigit():
                rnd = session.scalar(
                    select(Round).where(Round.year == int(year_text), Round.number == int(number_text))
                )
            break
    else:
        if text.isdigit():
            rnd = session.get(Round, int(text))
    if rnd is None:
        raise NotFoundError(
            f"Không tìm thấy đợt '{text}'. Ghi mã đợt (số) hoặc NĂM/ĐỢT, ví dụ 2026/1; "
            "xem danh sách bằng lệnh: sangkien rounds list"
        )
    return rnd
