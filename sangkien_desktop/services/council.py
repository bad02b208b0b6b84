"""The council of a round: its members (role, unit, expertise), the round's council settings (quorum,
members per dossier, score spread limit, double entry, approval share) and the recognition votes.

Every change is checked against a finalized round and the status table (``round_for``) and written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..db.database import Database
from ..domain import round_lifecycle
from ..domain.council import (
    RosterMember,
    VoteCount,
    quorum_of,
    roster_issues,
    vote_issues,
    vote_passes,
    vote_refusal,
    vote_text,
)
from ..domain.enums import MemberRole, VoteMethod
from ..domain.errors import Issue, NotFoundError, ValidationError
from ..domain.round_lifecycle import RoundAction
from ..domain.text import fold, fold_key, one_line, sort_key
from ..models import Assignment, CouncilMember, Dossier, Person, Round, Score, Unit, Vote
from . import audit
from .guards import editable_round
from .rounds import find_round


@dataclass(frozen=True)
class MemberRow:
    """One council member as shown in the roster (``number`` is the TT, 1-based)."""

    id: int
    number: int
    person_id: int
    name: str
    role: MemberRole
    unit_id: int | None
    unit_name: str
    job_title: str
    expertise: str
    active: bool
    assignments: int = 0
    scores: int = 0

    @property
    def role_label(self) -> str:
        return self.role.label


@dataclass(frozen=True)
class Roster:
    round_id: int
    round_label: str
    members: list[MemberRow]
    quorum: int | None  # as set; None = more than half
    members_per_dossier: int | None
    score_spread_limit: Decimal
    double_entry: bool
    approval_numerator: int
    approval_denominator: int
    issues: list[Issue] = field(default_factory=list)
    votes_required: bool = False

    @property
    def active(self) -> list[MemberRow]:
        return [m for m in self.members if m.active]

    @property
    def quorum_needed(self) -> int:
        return quorum_of(len(self.active), self.quorum)


@dataclass(frozen=True)
class MemberInput:
    """What the roster form (or the CLI) gives to add or change a member. With ``person_id`` the existing
    person is used; otherwise a person of that name in that unit is reused, or created."""

    full_name: str
    role: MemberRole = MemberRole.MEMBER
    unit_id: int | None = None
    job_title: str = ""
    expertise: str = ""
    person_id: int | None = None
    active: bool = True


def round_for(session: Session, round_id: int, what: str, action: RoundAction) -> Round:
    """The round, after the finalized-round guard and the status table (``domain.round_lifecycle``): e.g.
    grading needs the round to be in "Đang chấm điểm"."""
    rnd = editable_round(session, round_id, what)
    round_lifecycle.check(rnd.status, action, rnd.label)
    return rnd


# ---------------------------------------------------------------------------------------------- reading
def roster(session: Session, round_id: int) -> Roster:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    members = session.scalars(
        select(CouncilMember)
        .where(CouncilMember.round_id == round_id)
        .options(joinedload(CouncilMember.person).joinedload(Person.unit))
        .order_by(CouncilMember.position, CouncilMember.id)
    ).all()
    ids = [m.id for m in members]
    assigned = dict(
        session.execute(
            select(Assignment.member_id, func.count(Assignment.id))
            .where(Assignment.member_id.in_(ids))
            .group_by(Assignment.member_id)
        ).all()
    )
    scored = dict(
        session.execute(
            select(Score.member_id, func.count(Score.id))
            .where(Score.member_id.in_(ids))
            .group_by(Score.member_id)
        ).all()
    )
    rows = [
        MemberRow(
            id=m.id,
            number=i,
            person_id=m.person_id,
            name=m.person.full_name,
            role=m.role,
            unit_id=m.person.unit_id,
            unit_name=m.person.unit.name if m.person.unit else "",
            job_title=m.person.job_title,
            expertise=m.expertise,
            active=m.active,
            assignments=int(assigned.get(m.id, 0)),
            scores=int(scored.get(m.id, 0)),
        )
        for i, m in enumerate(members, start=1)
    ]
    issues = roster_issues([RosterMember(r.name, r.role, r.active) for r in rows])
    return Roster(
        round_id=rnd.id,
        round_label=rnd.label,
        members=rows,
        quorum=rnd.quorum,
        members_per_dossier=rnd.members_per_dossier,
        score_spread_limit=rnd.score_spread_limit,
        double_entry=rnd.double_entry,
        approval_numerator=rnd.approval_numerator,
        approval_denominator=rnd.approval_denominator,
        issues=issues,
        votes_required=rnd.votes_required,
    )


def get_roster(db: Database, round_ref: str | int) -> Roster:
    with db.reading() as session:
        return roster(session, find_round(session, round_ref).id)


def find_member(session: Session, round_id: int, ref: str | int) -> CouncilMember:
    """A member by TT in the roster ("3"), by id ("#12") or by (part of) the name, accent-insensitive."""
    members = session.scalars(
        select(CouncilMember)
        .where(CouncilMember.round_id == round_id)
        .options(joinedload(CouncilMember.person))
        .order_by(CouncilMember.position, CouncilMember.id)
    ).all()
    text = str(ref).strip()
    if text.startswith("#") and text[1:].isdigit():
        found = [m for m in members if m.id == int(text[1:])]
    elif text.isdigit():
        n = int(text)
        found = [members[n - 1]] if 1 <= n <= len(members) else []
    else:
        key = fold(text)
        exact = [m for m in members if fold(m.person.full_name) == key]
        found = exact or [m for m in members if key and key in fold(m.person.full_name)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            f"Không tìm thấy thành viên “{text}” trong Hội đồng của đợt này. Ghi số TT (xem: sangkien council "
            "list --round …) hoặc họ tên."
        )
    names = ", ".join(m.person.full_name for m in found)
    raise ValidationError(f"“{text}” khớp với nhiều thành viên ({names}); hãy ghi đầy đủ họ tên hoặc số TT.")


def unit_choices(session: Session) -> list[tuple[int, str]]:
    """Active units (id, name) in name order, for the roster form."""
    rows = session.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True))).all()
    return [(r[0], r[1]) for r in sorted(rows, key=lambda r: sort_key(r[1]))]


def find_unit(session: Session, text: str) -> Unit:
    key = fold_key(text)
    unit = session.scalar(select(Unit).where(Unit.name_key == key))
    if unit is None and text.strip().isdigit():
        unit = session.get(Unit, int(text))
    if unit is None:
        candidates = [u for u in session.scalars(select(Unit)) if key and key in u.name_key]
        if len(candidates) == 1:
            unit = candidates[0]
    if unit is None:
        raise NotFoundError(f"Không tìm thấy đơn vị “{text}”.")
    return unit


# ---------------------------------------------------------------------------------------------- writing
def _validate_input(data: MemberInput) -> str:
    name = one_line(data.full_name)
    if not name and data.person_id is None:
        raise ValidationError(Issue("chưa có họ tên", "Thành viên"))
    return name


def _check_single_chair(session: Session, round_id: int, role: MemberRole, member_id: int | None) -> None:
    if role is not MemberRole.CHAIR:
        return
    query = select(CouncilMember).where(
        CouncilMember.round_id == round_id,
        CouncilMember.role == MemberRole.CHAIR,
        CouncilMember.active.is_(True),
    )
    other = next((m for m in session.scalars(query) if m.id != member_id), None)
    if other is not None:
        raise ValidationError(
            f"Hội đồng đã có Chủ tịch ({other.person.full_name}); chỉ được có một Chủ tịch. "
            "Hãy đổi vai trò của người đó trước."
        )


def _person_for(session: Session, data: MemberInput, name: str) -> Person:
    if data.person_id is not None:
        person = session.get(Person, data.person_id)
        if person is None:
            raise NotFoundError(f"Không tìm thấy người có mã {data.person_id}.")
        return person
    key = fold_key(name)
    query = select(Person).where(Person.name_key == key)
    candidates = list(session.scalars(query.order_by(Person.id)))
    same_unit = [p for p in candidates if p.unit_id == data.unit_id]
    if same_unit:
        return same_unit[0]
    person = Person(full_name=name, unit_id=data.unit_id, job_title=one_line(data.job_title))
    if data.unit_id is not None:
        unit = session.get(Unit, data.unit_id)
        person.workplace = unit.name if unit else ""
    session.add(person)
    session.flush()
    return person


def add_member(session: Session, round_id: int, data: MemberInput) -> CouncilMember:
    rnd = round_for(session, round_id, "thành phần Hội đồng", RoundAction.EDIT_COUNCIL)
    name = _validate_input(data)
    if data.active:
        _check_single_chair(session, round_id, data.role, None)
    person = _person_for(session, data, name)
    exists = session.scalar(
        select(CouncilMember).where(CouncilMember.round_id == round_id, CouncilMember.person_id == person.id)
    )
    if exists is not None:
        raise ValidationError(f"{person.full_name} đã là thành viên Hội đồng của {rnd.label}.")
    if data.job_title and not person.job_title:
        person.job_title = one_line(data.job_title)
    position = session.scalar(
        select(func.coalesce(func.max(CouncilMember.position), -1)).where(CouncilMember.round_id == round_id)
    )
    member = CouncilMember(
        round_id=round_id,
        person_id=person.id,
        role=data.role,
        expertise=one_line(data.expertise),
        position=int(position if position is not None else -1) + 1,
        active=data.active,
    )
    session.add(member)
    session.flush()
    audit.record(
        session,
        "create",
        "council_member",
        member.id,
        f"Thêm {person.full_name} ({data.role.label}) vào Hội đồng {rnd.label}",
        new={"person_id": person.id, "role": data.role, "expertise": member.expertise},
    )
    return member


def update_member(session: Session, member_id: int, data: MemberInput) -> CouncilMember:
    member = session.get(CouncilMember, member_id)
    if member is None:
        raise NotFoundError(f"Không tìm thấy thành viên có mã {member_id}.")
    round_for(session, member.round_id, "thành phần Hội đồng", RoundAction.EDIT_COUNCIL)
    name = _validate_input(data)
    if data.active:
        _check_single_chair(session, member.round_id, data.role, member.id)
    person = member.person
    old = {
        "name": person.full_name,
        "role": member.role,
        "unit_id": person.unit_id,
        "job_title": person.job_title,
        "expertise": member.expertise,
        "active": member.active,
    }
    if name and name != person.full_name:
        person.full_name = name
    if data.unit_id != person.unit_id:
        person.unit_id = data.unit_id
        unit = session.get(Unit, data.unit_id) if data.unit_id is not None else None
        person.workplace = unit.name if unit else ""
    person.job_title = one_line(data.job_title)
    member.role = data.role
    member.expertise = one_line(data.expertise)
    member.active = data.active
    new = {
        "name": person.full_name,
        "role": member.role,
        "unit_id": person.unit_id,
        "job_title": person.job_title,
        "expertise": member.expertise,
        "active": member.active,
    }
    if new != old:
        session.flush()
        audit.record(
            session,
            "update",
            "council_member",
            member.id,
            f"Sửa thông tin thành viên {person.full_name}",
            old,
            new,
        )
    return member


def remove_member(session: Session, member_id: int, *, drop_scores: bool = False) -> None:
    """Remove a member from the round's council. A member who already has scores is only removed with
    ``drop_scores`` (their scores and assignments go with them)."""
    member = session.get(CouncilMember, member_id)
    if member is None:
        raise NotFoundError(f"Không tìm thấy thành viên có mã {member_id}.")
    rnd = round_for(session, member.round_id, "thành phần Hội đồng", RoundAction.EDIT_COUNCIL)
    scores = int(session.scalar(select(func.count(Score.id)).where(Score.member_id == member_id)) or 0)
    if scores and not drop_scores:
        raise ValidationError(
            f"{member.person.full_name} đã có {scores} điểm thành phần trong {rnd.label}. Xóa thành viên sẽ xóa "
            "cả số điểm này; nếu chỉ tạm vắng, hãy bỏ chọn “Đang tham gia”."
        )
    name = member.person.full_name
    assignments = int(
        session.scalar(select(func.count(Assignment.id)).where(Assignment.member_id == member_id)) or 0
    )
    for score in session.scalars(select(Score).where(Score.member_id == member_id)):
        session.delete(score)
    for a in session.scalars(select(Assignment).where(Assignment.member_id == member_id)):
        session.delete(a)
    session.delete(member)
    session.flush()
    audit.record(
        session,
        "delete",
        "council_member",
        member_id,
        f"Xóa {name} khỏi Hội đồng {rnd.label}",
        old={"name": name, "scores": scores, "assignments": assignments},
    )


def move_member(session: Session, member_id: int, offset: int) -> None:
    """Move a member up (offset < 0) or down in the roster order."""
    member = session.get(CouncilMember, member_id)
    if member is None:
        raise NotFoundError(f"Không tìm thấy thành viên có mã {member_id}.")
    round_for(session, member.round_id, "thành phần Hội đồng", RoundAction.EDIT_COUNCIL)
    members = list(
        session.scalars(
            select(CouncilMember)
            .where(CouncilMember.round_id == member.round_id)
            .order_by(CouncilMember.position, CouncilMember.id)
        )
    )
    index = members.index(member)
    target = max(0, min(len(members) - 1, index + offset))
    if target == index:
        return
    members.insert(target, members.pop(index))
    for i, m in enumerate(members):
        m.position = i
    session.flush()
    audit.record(
        session, "update", "council_member", member.id, f"Đổi thứ tự {member.person.full_name} trong Hội đồng"
    )


def copy_roster(session: Session, from_round_id: int, to_round_id: int) -> int:
    """Copy the members of one round's council into another (skipping people already there)."""
    source = session.get(Round, from_round_id)
    if source is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {from_round_id}.")
    target = round_for(session, to_round_id, "thành phần Hội đồng", RoundAction.EDIT_COUNCIL)
    present = set(
        session.scalars(select(CouncilMember.person_id).where(CouncilMember.round_id == to_round_id))
    )
    has_chair = session.scalar(
        select(func.count(CouncilMember.id)).where(
            CouncilMember.round_id == to_round_id, CouncilMember.role == MemberRole.CHAIR
        )
    )
    start = int(
        session.scalar(
            select(func.coalesce(func.max(CouncilMember.position), -1)).where(
                CouncilMember.round_id == to_round_id
            )
        )
        or 0
    )
    added = 0
    for m in session.scalars(
        select(CouncilMember).where(CouncilMember.round_id == from_round_id).order_by(CouncilMember.position)
    ):
        if m.person_id in present:
            continue
        role = m.role
        if role is MemberRole.CHAIR and has_chair:
            role = MemberRole.MEMBER
        added += 1
        session.add(
            CouncilMember(
                round_id=to_round_id,
                person_id=m.person_id,
                role=role,
                expertise=m.expertise,
                position=start + added,
                active=m.active,
            )
        )
    session.flush()
    if added:
        audit.record(
            session,
            "create",
            "council_member",
            to_round_id,
            f"Chép {added} thành viên Hội đồng từ {source.label} sang {target.label}",
        )
    return added


# ---------------------------------------------------------------------------------------------- round settings
@dataclass(frozen=True)
class CouncilSettings:
    quorum: int | None
    members_per_dossier: int | None
    score_spread_limit: Decimal
    double_entry: bool
    approval_numerator: int = 2
    approval_denominator: int = 3
    votes_required: bool = False  # the decision and finalizing need a vote on every recognized one


def settings_of(session: Session, round_id: int) -> CouncilSettings:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    return CouncilSettings(
        rnd.quorum,
        rnd.members_per_dossier,
        rnd.score_spread_limit,
        rnd.double_entry,
        rnd.approval_numerator,
        rnd.approval_denominator,
        rnd.votes_required,
    )


def save_settings(session: Session, round_id: int, values: CouncilSettings) -> CouncilSettings:
    rnd = round_for(session, round_id, "cài đặt chấm điểm", RoundAction.EDIT_RULES)
    issues: list[Issue] = []
    if values.quorum is not None and values.quorum < 1:
        issues.append(
            Issue("phải từ 1 trở lên (để trống: quá nửa số thành viên)", "Số thành viên tối thiểu dự họp")
        )
    if values.members_per_dossier is not None and values.members_per_dossier < 1:
        issues.append(Issue("phải từ 1 trở lên (để trống: mọi thành viên)", "Số thành viên chấm mỗi hồ sơ"))
    if values.score_spread_limit < 0:
        issues.append(Issue("không được âm", "Độ lệch điểm cần xem lại"))
    if not (0 < values.approval_numerator <= values.approval_denominator):
        issues.append(Issue("tỷ lệ phải nằm trong (0, 1], ví dụ 2/3", "Tỷ lệ tán thành"))
    if issues:
        raise ValidationError(issues, "Cài đặt chấm điểm chưa hợp lệ")
    old = settings_of(session, round_id)
    rnd.quorum = values.quorum
    rnd.members_per_dossier = values.members_per_dossier
    rnd.score_spread_limit = values.score_spread_limit
    rnd.double_entry = values.double_entry
    rnd.approval_numerator = values.approval_numerator
    rnd.approval_denominator = values.approval_denominator
    rnd.votes_required = values.votes_required
    session.flush()
    if old != values:
        audit.record(
            session,
            "update",
            "round",
            round_id,
            f"Sửa cài đặt Hội đồng và chấm điểm của {rnd.label}",
            old=old.__dict__,
            new=values.__dict__,
        )
    return values


# ---------------------------------------------------------------------------------------------- votes
@dataclass(frozen=True)
class VoteRow:
    dossier_id: int
    members_total: int
    present: int
    in_favour: int
    against: int
    method: VoteMethod
    note: str
    passed: bool
    text: str
    refusal: str = ""  # "Hội đồng biểu quyết không đạt 2/3: 3/7" when the vote refuses recognition

    @property
    def fraction(self) -> str:
        """ "6/7": in favour / all members of the council."""
        return f"{self.in_favour}/{self.members_total}"


def _vote_row(v: Vote, rnd: Round) -> VoteRow:
    count = VoteCount(v.members_total, v.present, v.in_favour, v.against)
    return VoteRow(
        dossier_id=v.dossier_id,
        members_total=v.members_total,
        present=v.present,
        in_favour=v.in_favour,
        against=v.against,
        method=v.method,
        note=v.note,
        passed=vote_passes(v.in_favour, v.members_total, rnd.approval_numerator, rnd.approval_denominator),
        text=vote_text(count, rnd.approval_numerator, rnd.approval_denominator, rnd.quorum),
        refusal=vote_refusal(count, rnd.approval_numerator, rnd.approval_denominator),
    )


def votes_of_round(session: Session, round_id: int) -> dict[int, VoteRow]:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError(f"Không tìm thấy đợt có mã {round_id}.")
    query = select(Vote).join(Dossier, Dossier.id == Vote.dossier_id).where(Dossier.round_id == round_id)
    return {v.dossier_id: _vote_row(v, rnd) for v in session.scalars(query)}


def set_vote(
    session: Session,
    dossier_id: int,
    *,
    present: int,
    in_favour: int,
    against: int,
    members_total: int | None = None,
    method: VoteMethod = VoteMethod.SHOW_OF_HANDS,
    note: str = "",
) -> VoteRow:
    """Record the council's vote on one dossier (members_total defaults to the active members)."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ có mã {dossier_id}.")
    rnd = round_for(session, dossier.round_id, "kết quả biểu quyết", RoundAction.ENTER_SCORES)
    if members_total is None:
        members_total = int(
            session.scalar(
                select(func.count(CouncilMember.id)).where(
                    CouncilMember.round_id == rnd.id, CouncilMember.active.is_(True)
                )
            )
            or 0
        )
    count = VoteCount(members_total, present, in_favour, against)
    issues = vote_issues(count)
    if issues:
        raise ValidationError(issues, f"Biểu quyết hồ sơ {dossier.code} chưa hợp lệ")
    vote = session.scalar(select(Vote).where(Vote.dossier_id == dossier_id))
    old = None
    if vote is None:
        vote = Vote(dossier_id=dossier_id)
        session.add(vote)
    else:
        old = {
            "members_total": vote.members_total,
            "present": vote.present,
            "in_favour": vote.in_favour,
            "against": vote.against,
        }
    vote.members_total = members_total
    vote.present = present
    vote.in_favour = in_favour
    vote.against = against
    vote.method = method
    vote.note = one_line(note)
    session.flush()
    audit.record(
        session,
        "update" if old else "create",
        "vote",
        dossier_id,
        f"Ghi biểu quyết hồ sơ {dossier.code}: {in_favour}/{members_total} tán thành",
        old=old,
        new={"members_total": members_total, "present": present, "in_favour": in_favour, "against": against},
    )
    return _vote_row(vote, rnd)
