"""Conflicts of interest: a member does not score a dossier of their own unit, nor one they (co-)authored.

A conflict can be overridden by the secretary with a reason, which is logged. The same name as an author
(a different person record, e.g. typed twice) is flagged too, since it usually is the same person.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from .text import fold_key


class ConflictKind(StrEnum):
    SAME_UNIT = "same_unit"
    AUTHOR = "author"
    SAME_NAME = "same_name"
    RELATIVE = "relative"  # recorded by hand: a relative of an author
    OTHER = "other"  # recorded by hand, with the reason

    @property
    def label(self) -> str:
        return {
            "same_unit": "cùng đơn vị",
            "author": "là tác giả",
            "same_name": "trùng tên tác giả",
            "relative": "là người thân của tác giả",
            "other": "lý do khác",
        }[self.value]


@dataclass(frozen=True)
class MemberFacts:
    key: Hashable
    person_id: Hashable | None
    name: str
    unit_id: Hashable | None
    unit_name: str = ""


@dataclass(frozen=True)
class DossierFacts:
    key: Hashable
    code: str
    unit_id: Hashable | None
    author_ids: frozenset[Hashable] = frozenset()
    author_names: tuple[str, ...] = ()
    unit_name: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    text: str


def conflicts(member: MemberFacts, dossier: DossierFacts) -> list[Conflict]:
    """Every conflict between ``member`` and ``dossier`` (empty when the member may score it)."""
    found: list[Conflict] = []
    if member.unit_id is not None and member.unit_id == dossier.unit_id:
        unit = dossier.unit_name or member.unit_name
        found.append(
            Conflict(
                ConflictKind.SAME_UNIT,
                f"{member.name} cùng đơn vị với hồ sơ {dossier.code}" + (f" ({unit})" if unit else ""),
            )
        )
    if member.person_id is not None and member.person_id in dossier.author_ids:
        found.append(Conflict(ConflictKind.AUTHOR, f"{member.name} là tác giả của hồ sơ {dossier.code}"))
    else:
        key = fold_key(member.name)
        if key and any(fold_key(n) == key for n in dossier.author_names):
            found.append(
                Conflict(
                    ConflictKind.SAME_NAME,
                    f"{member.name} trùng tên với một tác giả của hồ sơ {dossier.code}",
                )
            )
    return found


def manual_conflict(kind: ConflictKind, member_name: str, code: str, reason: str = "") -> Conflict:
    """A conflict the secretary recorded by hand (``RELATIVE`` or ``OTHER``), worded like the detected ones."""
    if kind is ConflictKind.RELATIVE:
        text = f"{member_name} là người thân của tác giả hồ sơ {code}" + (f" ({reason})" if reason else "")
    else:
        text = f"{member_name} vướng xung đột lợi ích với hồ sơ {code}" + (f": {reason}" if reason else "")
    return Conflict(kind, text)


def conflict_text(found: Iterable[Conflict]) -> str:
    return "; ".join(c.text for c in found)
