"""The grade allocation engine: from members' totals to a ranked list with grade, reward and a reason.

Pure and deterministic. Dataclasses in (``GradeRules``, ``DossierScores``), dataclasses out (``Grading``).

The rule, in order:

1. A dossier with missing scores (a member assigned to it has not scored every criterion, or nobody scored
   it) is not graded: grade ``THIEU``, no rank, and the reason names what is missing. Missing is never zero.
2. The mean is the exact mean of the totals of the members who scored, rounded half up to the round's
   decimals (``domain.scoring.round_half_up``): 79.995 → 80.00.
3. Dossiers are ranked by that rounded mean, highest first (equal means share a rank). With the tie policy
   ``criterion`` equal means are ordered by the mean of a named criterion; a council decision (an explicit
   order for tied dossiers) orders what is still equal.
4. A dossier is recognized when its mean reaches the certificate threshold, every criterion minimum of the
   rubric is met and no recorded council vote failed; otherwise it is ``KCN``. A vote fails when fewer than
   the round's share (2/3) of all the council's members are in favour (``DossierScores.vote_refusal``
   holds the reason): such a dossier takes no place in any quota, whatever its mean.
5. Grades are filled from the top down, in rank order: a recognized dossier takes the first band whose
   threshold (and conditions, e.g. "A needs tính mới ≥ 30") it meets and which still has room; a band that
   is full sends it on to the next band it qualifies for. The rest are recognized without prize (``CN``).
6. Dossiers still equal after step 3 that straddle the edge of a quota (two equal dossiers for the last A)
   are never split silently: exactly ``quota − filled`` of them keep the band, whoever the council chooses,
   and the rest go on to the next band they qualify for (which may be another edge, and so on). So quotas
   are never overspent, and everything outside the group is graded as it will be after any council order.
   Each dossier whose grade depends on that order is *undecided*: ``tie`` is set, ``grade`` is the best it
   can get, ``reward`` stays 0, and ``reward_if_chosen`` / ``grade_if_not_chosen`` / ``reward_if_not_chosen``
   say what each choice gives. The council's recorded order (``council_priority`` on every competing
   dossier of the group) makes everything exact. Totals count decided rewards only;
   ``Grading.undecided_budget`` is what the undecided dossiers will receive between them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .enums import Grade, TiePolicy
from .errors import Issue, ValidationError
from .money import format_money
from .scoring import divide_half_up, format_points

RESERVED_CODES = frozenset({Grade.RECOGNIZED.value, Grade.NOT_RECOGNIZED.value, Grade.MISSING.value})
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Condition:
    """A band needs the mean of one criterion to reach ``min_points`` (e.g. A needs tính mới ≥ 30)."""

    criterion: Hashable
    name: str
    min_points: Decimal


@dataclass(frozen=True)
class Band:
    """A prize grade: minimum mean, quota (None = no limit) and reward in đồng."""

    code: str
    label: str
    min_mean: Decimal
    quota: int | None
    amount: int
    conditions: tuple[Condition, ...] = ()

    @property
    def title(self) -> str:
        return self.label or f"Loại {self.code}"


@dataclass(frozen=True)
class CriterionMinimum:
    """The rubric's minimum for one criterion: below it (criterion mean) a dossier is not recognized."""

    criterion: Hashable
    name: str
    min_points: Decimal


@dataclass(frozen=True)
class GradeRules:
    """Everything the engine needs from a round's rule set."""

    bands: tuple[Band, ...]
    certificate_threshold: Decimal = Decimal(50)
    decimals: int = 2
    tie_policy: TiePolicy = TiePolicy.COUNCIL
    tie_break_criterion: Hashable | None = None
    tie_break_name: str = ""
    minima: tuple[CriterionMinimum, ...] = ()
    name: str = ""

    def band(self, code: str) -> Band | None:
        return next((b for b in self.bands if b.code == code), None)

    @property
    def uses_criteria(self) -> bool:
        """Whether grading looks at per-criterion means (a minimum, a band condition, the tie-break)."""
        return (
            bool(self.minima)
            or any(b.conditions for b in self.bands)
            or (self.tie_policy is TiePolicy.CRITERION and self.tie_break_criterion is not None)
        )

    def with_band(self, code: str, **changes: object) -> GradeRules:
        """A copy with one band changed (``quota=3``, ``min_mean=Decimal(75)`` …): for what-if."""
        if self.band(code) is None:
            raise KeyError(code)
        bands = tuple(replace(b, **changes) if b.code == code else b for b in self.bands)  # type: ignore[arg-type]
        return replace(self, bands=bands)

    def label_of(self, grade: str) -> str:
        band = self.band(grade)
        if band is not None:
            return band.title
        try:
            return Grade(grade).label
        except ValueError:
            return grade


@dataclass(frozen=True)
class DossierScores:
    """The input for one dossier.

    ``totals`` are the totals of the members who scored it completely. ``criterion_sums`` holds, per
    criterion, the sum of those same members' points (for grade conditions, criterion minima and the tie
    break). ``missing`` names members whose scores are missing; ``problems`` holds other reasons not to grade
    (e.g. "điểm nhập hai lần chưa khớp"). ``council_priority`` is the council's order among tied dossiers
    (1 first); ``council_note`` how it decided. ``vote_refusal`` is the reason a recorded council vote
    failed ("Hội đồng biểu quyết không đạt 2/3: 3/7"), empty when it passed or was not recorded.
    """

    key: Hashable
    code: str
    title: str = ""
    totals: tuple[Decimal, ...] = ()
    missing: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    criterion_sums: Mapping[Hashable, Decimal] = field(default_factory=dict)
    council_priority: int | None = None
    council_note: str = ""
    vote_refusal: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.totals) and not self.missing and not self.problems


@dataclass(frozen=True)
class Outcome:
    """The result for one dossier. ``tie``: undecided, its grade depends on the council's order among equal
    dossiers; then ``grade`` is the best it can get, ``reward`` is 0 and the ``*_if_*`` fields say what
    each choice gives (``possible``: every grade it may end with, best first; ``tie_note``: the group's
    sentence "2 hồ sơ bằng điểm 85,00, còn 1 suất Loại A: Hội đồng chọn")."""

    key: Hashable
    code: str
    title: str
    mean: Decimal | None
    scorers: int
    rank: int | None
    grade: str
    label: str
    reward: int
    tie: bool
    reason: str
    tied_with: tuple[str, ...] = ()
    # Filled when the entry carried criterion sums (services fill them when ``rules.uses_criteria``).
    criterion_means: Mapping[Hashable, Decimal] = field(default_factory=dict)
    council_note: str = ""
    tie_note: str = ""
    possible: tuple[str, ...] = ()
    reward_if_chosen: int | None = None
    grade_if_not_chosen: str | None = None
    reward_if_not_chosen: int | None = None
    reward_pending: int = (
        0  # undecided: its part of ``Grading.undecided_budget`` (shared out along one order)
    )

    @property
    def decided(self) -> bool:
        return not self.tie

    @property
    def recognized(self) -> bool:
        return self.grade not in (Grade.NOT_RECOGNIZED.value, Grade.MISSING.value)

    @property
    def graded(self) -> bool:
        return self.grade != Grade.MISSING.value


@dataclass(frozen=True)
class TieGroup:
    """Undecided dossiers of one edge, for messages: their codes and the group's sentence."""

    codes: tuple[str, ...]
    mean: Decimal | None
    note: str

    def text(self) -> str:
        return f"{', '.join(self.codes)} ({self.note})"


@dataclass(frozen=True)
class Grading:
    """The ranked outcomes (graded ones by rank, then the ungraded by code) and the rules used.
    ``undecided_budget``: the rewards the undecided (tied) dossiers will receive between them."""

    rules: GradeRules
    outcomes: tuple[Outcome, ...]
    undecided_budget: int = 0

    def by_key(self) -> dict[Hashable, Outcome]:
        return {o.key: o for o in self.outcomes}

    def by_code(self) -> dict[str, Outcome]:
        return {o.code: o for o in self.outcomes}

    @property
    def budget(self) -> int:
        """Total reward in đồng of the decided dossiers (undecided ones: ``undecided_budget``)."""
        return sum(o.reward for o in self.outcomes)

    @property
    def ties(self) -> tuple[Outcome, ...]:
        """The undecided dossiers."""
        return tuple(o for o in self.outcomes if o.tie)

    def tie_groups(self) -> list[TieGroup]:
        groups: dict[tuple[Decimal | None, str], list[str]] = {}
        for o in self.ties:
            groups.setdefault((o.mean, o.tie_note), []).append(o.code)
        return [TieGroup(tuple(codes), mean, note) for (mean, note), codes in groups.items()]

    def counts(self) -> dict[str, int]:
        """Decided dossiers per grade, bands first in rule order, then CN, KCN, THIEU (zeros included)."""
        counts = {b.code: 0 for b in self.rules.bands}
        for code in (Grade.RECOGNIZED, Grade.NOT_RECOGNIZED, Grade.MISSING):
            counts[code.value] = 0
        for o in self.outcomes:
            if not o.tie:
                counts[o.grade] = counts.get(o.grade, 0) + 1
        return counts

    def budget_by_grade(self) -> dict[str, int]:
        out = {b.code: 0 for b in self.rules.bands}
        for o in self.outcomes:
            if o.reward:
                out[o.grade] = out.get(o.grade, 0) + o.reward
        return out


# ---------------------------------------------------------------------------------------------- rules
def rule_issues(rules: GradeRules) -> list[Issue]:
    """Everything wrong with a rule set (errors) or odd about it (warnings)."""
    issues: list[Issue] = []
    if not 0 <= rules.decimals <= MAX_DECIMALS:
        issues.append(Issue(f"Số chữ số thập phân phải từ 0 đến {MAX_DECIMALS} (đang là {rules.decimals})."))
    if rules.certificate_threshold < 0:
        issues.append(Issue("Ngưỡng công nhận không được âm."))
    seen: set[str] = set()
    previous: Band | None = None
    for i, band in enumerate(rules.bands, start=1):
        where = f"Loại thứ {i}" + (f" ({band.code})" if band.code else "")
        code = band.code.strip()
        if not code:
            issues.append(Issue("chưa có mã loại (ví dụ A, B, C)", where))
        elif len(code) > 10:
            issues.append(Issue("mã loại dài quá 10 ký tự", where))
        elif code.upper() in RESERVED_CODES:
            issues.append(Issue(f"mã “{code}” đã dùng cho kết quả khác (CN, KCN, THIEU)", where))
        elif code.casefold() in seen:
            issues.append(Issue(f"mã “{code}” bị trùng", where))
        seen.add(code.casefold())
        if band.min_mean < 0:
            issues.append(Issue("ngưỡng điểm không được âm", where))
        elif band.min_mean < rules.certificate_threshold:
            issues.append(
                Issue(
                    f"ngưỡng {format_points(band.min_mean, None)} điểm thấp hơn ngưỡng công nhận "
                    f"{format_points(rules.certificate_threshold, None)} điểm",
                    where,
                )
            )
        if band.quota is not None and band.quota < 0:
            issues.append(Issue("số suất không được âm (để trống nếu không giới hạn)", where))
        if band.amount < 0:
            issues.append(Issue("tiền thưởng không được âm", where))
        for cond in band.conditions:
            if cond.min_points < 0:
                issues.append(Issue(f"điều kiện tiêu chí “{cond.name}” không được âm", where))
        if previous is not None and band.min_mean > previous.min_mean:
            issues.append(
                Issue(
                    f"ngưỡng {format_points(band.min_mean, None)} điểm cao hơn loại {previous.code} đứng trước "
                    f"({format_points(previous.min_mean, None)} điểm): các loại được xét từ trên xuống, hãy "
                    "xếp loại cao trước",
                    where,
                )
            )
        previous = band
    if rules.tie_policy is TiePolicy.CRITERION and rules.tie_break_criterion is None:
        issues.append(Issue("Cách xử lý đồng điểm theo tiêu chí cần chọn một tiêu chí."))
    return issues


def check_rules(rules: GradeRules) -> None:
    """Raise ``ValidationError`` listing every error of the rule set."""
    errors = [i for i in rule_issues(rules) if i.is_error]
    if errors:
        raise ValidationError(errors, "Quy tắc xếp loại chưa hợp lệ")


# ---------------------------------------------------------------------------------------------- engine
@dataclass
class _Work:
    entry: DossierScores
    mean: Decimal
    crit: dict[Hashable, Decimal]
    tie_value: Decimal
    rank: int = 0
    grade: str = ""  # the grade along the canonical path (tied dossiers taken in code order)
    competes: bool = True  # recognized: takes part in the allocation
    ordered: bool = False  # the council's recorded order placed it among equal dossiers
    edge: _Edge | None = None  # the first band edge it straddled with equal dossiers
    possible: tuple[str, ...] = ()  # its grades over every council order, best first (when they differ)
    full: list[Band] = field(default_factory=list)
    failed: list[tuple[Band, list[tuple[Condition, Decimal | None]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed_minima: list[tuple[CriterionMinimum, Decimal | None]] = field(default_factory=list)

    @property
    def priority(self) -> int | None:
        return self.entry.council_priority

    def equal_key(self) -> tuple[Decimal, Decimal]:
        return (self.mean, self.tie_value)


@dataclass
class _Edge:
    """Equal dossiers straddling a band's edge: ``room`` places of ``band`` for ``members``."""

    band: Band
    room: int
    members: list[_Work]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _join(items: Sequence[str], last: str = " và ") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def _names(items: Sequence[str], limit: int = 4) -> str:
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[: limit - 1]) + f" và {len(items) - limit + 1} người khác"
    return ", ".join(items)


def _codes(items: Sequence[str], limit: int = 6) -> str:
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" và {len(items) - limit} hồ sơ khác"
    return ", ".join(items)


def _qualifies(work: _Work, band: Band) -> list[tuple[Condition, Decimal | None]] | None:
    """None when ``work`` meets the band's threshold and conditions; otherwise the failed conditions
    (empty when only the threshold is not met)."""
    if work.mean < band.min_mean:
        return []
    failed = []
    for cond in band.conditions:
        value = work.crit.get(cond.criterion)
        if value is None or value < cond.min_points:
            failed.append((cond, value))
    return failed or None


def grade(entries: Iterable[DossierScores], rules: GradeRules) -> Grading:
    """Grade ``entries`` under ``rules`` (see the module docstring). Raises ``ValidationError`` for invalid
    rules or duplicate dossier keys."""
    check_rules(rules)
    works, ungraded = _prepare(entries, rules)
    groups = _groups(works, rules)
    edges = _allocate(groups, rules)
    if edges:
        _possible_grades(groups, rules)
    index = {b.code: i for i, b in enumerate(rules.bands)}
    labels = {code.value: code.label for code in (Grade.RECOGNIZED, Grade.NOT_RECOGNIZED, Grade.MISSING)}
    labels.update({b.code: b.title for b in rules.bands})
    ordered = [w for group in groups for w in group]
    outcomes = [_outcome(w, rules, index, labels) for w in ordered]
    undecided = sum(o.reward_pending for o in outcomes)
    ungraded.sort(key=lambda o: (o.code, str(o.key)))
    return Grading(rules, tuple(outcomes + ungraded), undecided)


def _prepare(entries: Iterable[DossierScores], rules: GradeRules) -> tuple[list[_Work], list[Outcome]]:
    decimals = rules.decimals
    criterion_policy = rules.tie_policy is TiePolicy.CRITERION and rules.tie_break_criterion is not None
    works: list[_Work] = []
    ungraded: list[Outcome] = []
    keys: set[Hashable] = set()
    for e in entries:
        if e.key in keys:
            raise ValidationError(f"Hồ sơ {e.code} xuất hiện hai lần trong bảng điểm.")
        keys.add(e.key)
        if not e.complete:
            ungraded.append(_missing_outcome(e))
            continue
        n = len(e.totals)
        mean = divide_half_up(sum(e.totals, Decimal(0)), n, decimals)
        crit = {k: divide_half_up(v, n, decimals) for k, v in e.criterion_sums.items()}
        tie_value = Decimal(0)
        if criterion_policy:
            tie_value = crit.get(rules.tie_break_criterion, Decimal(-1))
        work = _Work(e, mean, crit, tie_value)
        work.competes = _recognized(work, rules)
        works.append(work)
    works.sort(key=lambda w: (-w.mean, -w.tie_value, w.entry.code, str(w.entry.key)))
    return works, ungraded


def _groups(works: list[_Work], rules: GradeRules) -> list[list[_Work]]:
    """Runs of dossiers the rule cannot tell apart, in rank order, with their ranks. The council's order
    splits a run only when every competing dossier of the run has one (a dossier that joined the run since
    leaves it undecided again, rather than silently last)."""
    runs: list[list[_Work]] = []
    for w in works:
        if runs and runs[-1][0].equal_key() == w.equal_key():
            runs[-1].append(w)
        else:
            runs.append([w])
    groups: list[list[_Work]] = []
    for run in runs:
        competing = [w for w in run if w.competes]
        if len(competing) > 1 and all(w.priority is not None for w in competing):
            run.sort(key=lambda w: (not w.competes, w.priority if w.competes else 0))
            for w in competing:
                w.ordered = True
            for w in run:
                same = groups and groups[-1][0].equal_key() == w.equal_key()
                if same and (not w.competes or groups[-1][0].priority == w.priority):
                    groups[-1].append(w)
                else:
                    groups.append([w])
        else:
            if len(competing) > 1 and any(w.priority is not None for w in competing):
                unordered = [w.entry.code for w in competing if w.priority is None]
                for w in competing:
                    w.notes.append(f"thứ tự Hội đồng đã ghi chưa có {_codes(unordered)}: cần ghi lại")
            groups.append(run)
    position = 1
    for group in groups:
        for w in group:
            w.rank = position
        position += len(group)
    return groups


def _allocate(groups: list[list[_Work]], rules: GradeRules) -> list[_Edge]:
    """Fill the bands top-down along the canonical path (equal dossiers at an edge taken in code order,
    exactly ``quota − filled`` of them) and return the edges met."""
    filled = {b.code: 0 for b in rules.bands}
    last_in: dict[str, _Work] = {}
    edges: list[_Edge] = []
    for group in groups:
        pending: list[_Work] = []
        for w in group:
            if w.competes:
                pending.append(w)
            else:
                w.grade = Grade.NOT_RECOGNIZED.value
        for band in rules.bands:
            if not pending:
                break
            qualified: list[_Work] = []
            for w in pending:
                failed = _qualifies(w, band)
                if failed is None:
                    qualified.append(w)
                elif failed:
                    w.failed.append((band, failed))
            if not qualified:
                continue
            room = None if band.quota is None else band.quota - filled[band.code]
            if room is not None and room <= 0:
                previous = last_in.get(band.code)
                for w in qualified:
                    w.full.append(band)
                    if previous is not None and previous.mean == w.mean:
                        _explain_edge(previous, w, band, rules)
                continue
            taken = qualified
            if room is not None and len(qualified) > room:
                edge = _Edge(band, room, qualified)
                edges.append(edge)
                for w in qualified:
                    if w.edge is None:
                        w.edge = edge
                taken = qualified[:room]
                for w in qualified[room:]:
                    w.full.append(band)
            for w in taken:
                w.grade = band.code
            filled[band.code] += len(taken)
            last_in[band.code] = taken[-1]
            pending = [w for w in pending if not w.grade]
        for w in pending:
            w.grade = Grade.RECOGNIZED.value
    return edges


def _possible_grades(groups: list[list[_Work]], rules: GradeRules) -> None:
    """Mark the dossiers whose grade depends on the council's order (``possible``, best first).

    Every council order is reached: a group of equal dossiers is taken one dossier at a time in any order,
    each to the first band it qualifies for that has room. Dossiers qualifying for the same bands are
    interchangeable, so the search runs over (places filled, dossiers of each kind still to place)."""
    quotas = tuple(b.quota for b in rules.bands)
    rank = {b.code: i for i, b in enumerate(rules.bands)}
    rank[Grade.RECOGNIZED.value] = len(rules.bands)
    states: set[tuple[int, ...]] = {tuple(0 for _ in rules.bands)}
    for group in groups:
        kinds: dict[tuple[bool, ...], list[_Work]] = {}
        for w in group:
            if w.competes:
                profile = tuple(_qualifies(w, b) is None for b in rules.bands)
                kinds.setdefault(profile, []).append(w)
        if not kinds:
            continue
        profiles = list(kinds)
        seen: list[set[str]] = [set() for _ in profiles]
        frontier = {(s, tuple(len(kinds[p]) for p in profiles)) for s in states}
        for _ in range(sum(len(v) for v in kinds.values())):
            following: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
            for filled, left in frontier:
                for i, profile in enumerate(profiles):
                    if left[i]:
                        code, after = _take(filled, profile, quotas, rules)
                        seen[i].add(code)
                        following.add((after, (*left[:i], left[i] - 1, *left[i + 1 :])))
            frontier = following
        states = {filled for filled, _ in frontier}
        for i, profile in enumerate(profiles):
            if len(seen[i]) > 1:
                possible = tuple(sorted(seen[i], key=rank.__getitem__))
                for w in kinds[profile]:
                    w.possible = possible


def _take(
    filled: tuple[int, ...], profile: tuple[bool, ...], quotas: tuple[int | None, ...], rules: GradeRules
) -> tuple[str, tuple[int, ...]]:
    for i, ok in enumerate(profile):
        if ok and (quotas[i] is None or filled[i] < quotas[i]):  # type: ignore[operator]
            return rules.bands[i].code, (*filled[:i], filled[i] + 1, *filled[i + 1 :])
    return Grade.RECOGNIZED.value, filled


def _amount(rules: GradeRules, code: str) -> int:
    band = rules.band(code)
    return band.amount if band is not None else 0


def _recognized(w: _Work, rules: GradeRules) -> bool:
    ok = w.mean >= rules.certificate_threshold
    for minimum in rules.minima:
        value = w.crit.get(minimum.criterion)
        if value is None or value < minimum.min_points:
            w.failed_minima.append((minimum, value))
            ok = False
    return ok and not w.entry.vote_refusal


def _explain_edge(inside: _Work, outside: _Work, band: Band, rules: GradeRules) -> None:
    """Two dossiers of equal mean on either side of a band's edge: say what separated them."""
    if inside.tie_value != outside.tie_value:
        name = rules.tie_break_name or "tiêu chí phụ"
        a = format_points(inside.tie_value, rules.decimals)
        b = format_points(outside.tie_value, rules.decimals)
        inside.notes.append(
            f"bằng điểm {outside.entry.code}, xếp trên nhờ điểm {name} cao hơn ({a} so với {b})"
        )
        outside.notes.append(f"bằng điểm {inside.entry.code} nhưng điểm {name} thấp hơn ({b} so với {a})")
    elif inside.ordered and outside.ordered and inside.priority != outside.priority:
        inside.notes.append(f"bằng điểm {outside.entry.code}, Hội đồng quyết định xếp trên")
        outside.notes.append(f"bằng điểm {inside.entry.code}, Hội đồng quyết định xếp sau")


def _missing_outcome(e: DossierScores) -> Outcome:
    parts: list[str] = []
    if e.missing:
        parts.append("thiếu điểm của " + _names(e.missing))
    parts.extend(e.problems)
    if not parts:
        parts.append("chưa có thành viên nào chấm")
    return Outcome(
        key=e.key,
        code=e.code,
        title=e.title,
        mean=None,
        scorers=len(e.totals),
        rank=None,
        grade=Grade.MISSING.value,
        label=Grade.MISSING.label,
        reward=0,
        tie=False,
        reason="Chưa xếp loại: " + "; ".join(parts),
        council_note=e.council_note,
    )


def _condition_text(failed: list[tuple[Condition, Decimal | None]], decimals: int) -> str:
    bits = []
    for cond, value in failed:
        shown = "không có điểm" if value is None else format_points(value, decimals)
        bits.append(f"{cond.name} {shown} < {format_points(cond.min_points, None)}")
    return "; ".join(bits)


def tie_phrase(count: int, mean: Decimal, decimals: int, room: int, band_title: str) -> str:
    """ "2 hồ sơ bằng điểm 85,00, còn 1 suất Loại A: Hội đồng chọn"."""
    return (
        f"{count} hồ sơ bằng điểm {format_points(mean, decimals)}, còn {room} suất {band_title}: "
        "Hội đồng chọn"
    )


def _outcome(w: _Work, rules: GradeRules, index: dict[str, int], grade_labels: dict[str, str]) -> Outcome:
    if w.possible:
        return _undecided_outcome(w, rules, grade_labels)
    d = rules.decimals
    mean_text = format_points(w.mean, d)
    band = rules.bands[index[w.grade]] if w.grade in index else None
    parts: list[str] = []
    if w.full:
        labels = [_lower_first(b.title) for b in w.full]
        quotas = [f"{b.quota} suất {_lower_first(b.title)}" for b in w.full]
        parts.append(f"đủ điểm {_join(labels)} nhưng đã đủ {_join(quotas)}")
    for failed_band, failed in w.failed:
        if band is not None and index[failed_band.code] > index[band.code]:
            continue  # a lower band's condition does not explain a higher grade
        parts.append(f"chưa đạt điều kiện {_lower_first(failed_band.title)} ({_condition_text(failed, d)})")
    parts.extend(w.notes)

    reward = 0
    if w.grade == Grade.NOT_RECOGNIZED.value:
        head = f"{Grade.NOT_RECOGNIZED.label}: {mean_text} điểm"
        why: list[str] = []
        if w.mean < rules.certificate_threshold:
            why.append(f"dưới ngưỡng công nhận {format_points(rules.certificate_threshold, None)} điểm")
        for minimum, value in w.failed_minima:
            shown = "không có điểm" if value is None else format_points(value, d)
            why.append(
                f"tiêu chí {minimum.name} đạt {shown}, dưới mức tối thiểu {format_points(minimum.min_points, None)}"
            )
        if w.entry.vote_refusal:
            why.append(w.entry.vote_refusal)
        parts = why
    elif w.grade == Grade.RECOGNIZED.value:
        head = f"Công nhận, không có giải: {mean_text} điểm"
        if not parts:
            below = [b for b in rules.bands if w.mean < b.min_mean]
            if below:
                lowest = min(below, key=lambda b: b.min_mean)
                parts.append(
                    f"từ {format_points(rules.certificate_threshold, None)} điểm trở lên, dưới ngưỡng "
                    f"{_lower_first(lowest.title)} ({format_points(lowest.min_mean, None)} điểm)"
                )
            else:
                parts.append(f"từ {format_points(rules.certificate_threshold, None)} điểm trở lên")
    else:
        assert band is not None
        reward = band.amount
        head = f"{band.title}: {mean_text} điểm"
        if not parts:
            text = f"đạt ngưỡng {format_points(band.min_mean, None)} điểm"
            if band.quota is not None:
                text += f", trong {band.quota} suất {_lower_first(band.title)}"
            parts.append(text)
    note = w.entry.council_note.strip()
    if note and w.ordered:
        parts.append(f"Hội đồng: {note}")
    return _make_outcome(w, w.grade, grade_labels, reward, head + (", " + ", ".join(parts) if parts else ""))


def _undecided_outcome(w: _Work, rules: GradeRules, grade_labels: dict[str, str]) -> Outcome:
    """A dossier whose grade depends on the council's order: shown at its best grade, reward undecided."""
    best, *others = w.possible
    mean_text = format_points(w.mean, rules.decimals)
    head = f"{grade_labels.get(best, best)} (đồng điểm, chờ Hội đồng quyết định): {mean_text} điểm"
    parts: list[str] = []
    tied_with: tuple[str, ...] = ()
    if w.edge is not None:
        edge = w.edge
        parts.append(tie_phrase(len(edge.members), w.mean, rules.decimals, edge.room, edge.band.title))
        tied_with = tuple(m.entry.code for m in edge.members if m is not w)
    else:
        parts.append("kết quả phụ thuộc thứ tự Hội đồng chọn cho các hồ sơ đồng điểm xếp trên")
    alternatives = [
        grade_labels.get(g, g) + (f" ({format_money(_amount(rules, g))} đ)" if _amount(rules, g) else "")
        for g in others
    ]
    parts.append("nếu không được chọn: " + _join(alternatives, " hoặc "))
    parts.extend(w.notes)
    outcome = _make_outcome(w, best, grade_labels, 0, head + ", " + "; ".join(parts))
    return replace(
        outcome,
        tie=True,
        tied_with=tied_with,
        tie_note=parts[0],
        possible=w.possible,
        reward_if_chosen=_amount(rules, best),
        grade_if_not_chosen=others[0],
        reward_if_not_chosen=_amount(rules, others[0]),
        reward_pending=_amount(rules, w.grade),  # the canonical path: the group's total, whoever is chosen
    )


def _make_outcome(w: _Work, code: str, grade_labels: dict[str, str], reward: int, reason: str) -> Outcome:
    return Outcome(
        key=w.entry.key,
        code=w.entry.code,
        title=w.entry.title,
        mean=w.mean,
        scorers=len(w.entry.totals),
        rank=w.rank,
        grade=code,
        label=grade_labels.get(code, code),
        reward=reward,
        tie=False,
        reason=" ".join(reason.split()),
        criterion_means=dict(w.crit),
        council_note=w.entry.council_note,
    )


# ---------------------------------------------------------------------------------------------- what-if
@dataclass(frozen=True)
class Move:
    """A dossier whose grade, reward or tie changed between two gradings."""

    key: Hashable
    code: str
    title: str
    before: str
    after: str
    reward_before: int
    reward_after: int
    rank_before: int | None
    rank_after: int | None
    tie_before: bool
    tie_after: bool
    possible_after: tuple[str, ...] = ()  # an undecided dossier's grades, best first

    @property
    def up(self) -> bool:
        return self.reward_after > self.reward_before


def compare(before: Grading, after: Grading) -> list[Move]:
    """Who moves from ``before`` to ``after`` (what-if), in the order of ``after``."""
    old = before.by_key()
    moves: list[Move] = []
    for o in after.outcomes:
        b = old.get(o.key)
        if b is None:
            continue
        if (b.grade, b.reward, b.tie) != (o.grade, o.reward, o.tie):
            moves.append(
                Move(
                    key=o.key,
                    code=o.code,
                    title=o.title,
                    before=b.grade,
                    after=o.grade,
                    reward_before=b.reward,
                    reward_after=o.reward,
                    rank_before=b.rank,
                    rank_after=o.rank,
                    tie_before=b.tie,
                    tie_after=o.tie,
                    possible_after=o.possible,
                )
            )
    return moves
