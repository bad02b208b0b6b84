"""Automatic assignment of dossiers to council members: k members per dossier (all members when k is None),
never a member with a conflict, loads as even as the conflicts allow, members whose expertise matches the
dossier's field preferred. Deterministic: the same input gives the same plan.

Existing assignments are kept and count towards k and towards the members' loads; the plan only adds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from .text import fold_key

_SEPARATORS = re.compile(r"[;,\n/|+]+")


def expertise_terms(text: str) -> tuple[str, ...]:
    """Folded terms of an expertise list: "Kinh tế, tài chính; Đất đai" → ("kinh te", "tai chinh", "dat dai")."""
    terms = []
    for piece in _SEPARATORS.split(text or ""):
        key = fold_key(piece)
        if len(key) >= 2 and key not in terms:
            terms.append(key)
    return tuple(terms)


def expertise_matches(terms: Sequence[str], field_name: str) -> bool:
    """True when one of the member's terms names the dossier's field (as whole words), or the field is one
    of the member's terms."""
    field_key = fold_key(field_name)
    if not field_key:
        return False
    padded_field = f" {field_key} "
    return any(f" {term} " in padded_field or padded_field in f" {term} " for term in terms)


@dataclass(frozen=True)
class MemberSlot:
    key: Hashable
    name: str
    terms: tuple[str, ...] = ()
    order: int = 0


@dataclass(frozen=True)
class DossierSlot:
    key: Hashable
    code: str
    field: str = ""
    blocked: frozenset[Hashable] = frozenset()  # members with a conflict (not overridden)
    assigned: frozenset[Hashable] = frozenset()  # assignments that already exist (kept)


@dataclass(frozen=True)
class Shortfall:
    key: Hashable
    code: str
    have: int
    need: int

    @property
    def text(self) -> str:
        return (
            f"Hồ sơ {self.code}: chỉ có {self.have} thành viên chấm được (không vướng xung đột), "
            f"cần {self.need}."
        )


@dataclass(frozen=True)
class Plan:
    """New (dossier key, member key) pairs, dossiers that cannot get k members, and the resulting loads."""

    pairs: tuple[tuple[Hashable, Hashable], ...]
    shortfalls: tuple[Shortfall, ...] = ()
    loads: dict[Hashable, int] = field(default_factory=dict)
    matched: int = 0  # new pairs whose member's expertise matches the dossier's field

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def plan_assignments(
    dossiers: Sequence[DossierSlot], members: Sequence[MemberSlot], k: int | None = None
) -> Plan:
    """Plan the assignments to add so that every dossier has ``k`` members (or every eligible member)."""
    if k is not None and k < 1:
        raise ValueError("k must be ≥ 1")
    member_keys = [m.key for m in sorted(members, key=lambda m: (m.order, str(m.key)))]
    by_key = {m.key: m for m in members}
    loads: dict[Hashable, int] = {m: 0 for m in member_keys}
    for d in dossiers:
        for m in d.assigned:
            if m in loads:
                loads[m] += 1

    index = {m: i for i, m in enumerate(member_keys)}
    match_cache: dict[tuple[Hashable, Hashable], bool] = {}

    def matches(d: DossierSlot, m: Hashable) -> bool:
        cached = match_cache.get((d.key, m))
        if cached is None:
            cached = expertise_matches(by_key[m].terms, d.field)
            match_cache[(d.key, m)] = cached
        return cached

    eligible: dict[Hashable, list[Hashable]] = {}
    need: dict[Hashable, int] = {}
    shortfalls: list[Shortfall] = []
    for d in dossiers:
        options = [m for m in member_keys if m not in d.blocked and m not in d.assigned]
        eligible[d.key] = options
        have = len(d.assigned & set(member_keys))
        wanted = len(options) if k is None else max(0, k - have)
        need[d.key] = min(wanted, len(options))
        if k is not None and have + len(options) < k:
            shortfalls.append(Shortfall(d.key, d.code, have + len(options), k))

    total_new = sum(need.values())
    cap = math.ceil((sum(loads.values()) + total_new) / len(member_keys)) if member_keys else 0
    chosen: dict[Hashable, list[Hashable]] = {}
    order = sorted(dossiers, key=lambda d: (len(eligible[d.key]) - need[d.key], d.code, str(d.key)))
    for d in order:
        count = need[d.key]
        if count == 0:
            continue
        ranked = sorted(
            eligible[d.key],
            key=lambda m: (loads[m] >= cap, not matches(d, m), loads[m], index[m]),
        )
        picked = ranked[:count]
        for m in picked:
            loads[m] += 1
        chosen[d.key] = picked

    if k is not None:
        _rebalance(dossiers, chosen, eligible, loads, member_keys, matches)

    pairs: list[tuple[Hashable, Hashable]] = []
    matched = 0
    for d in sorted(dossiers, key=lambda d: (d.code, str(d.key))):
        for m in sorted(chosen.get(d.key, []), key=index.__getitem__):
            pairs.append((d.key, m))
            matched += matches(d, m)
    shortfalls.sort(key=lambda s: (s.code, str(s.key)))
    return Plan(tuple(pairs), tuple(shortfalls), loads, matched)


def _rebalance(
    dossiers: Sequence[DossierSlot],
    chosen: dict[Hashable, list[Hashable]],
    eligible: dict[Hashable, list[Hashable]],
    loads: dict[Hashable, int],
    member_keys: list[Hashable],
    matches: Callable[[DossierSlot, Hashable], bool],
) -> None:
    """Move new assignments from busier to less busy members while two loads differ by more than one.
    Each move lowers the sum of squared loads, so this ends; a move that keeps an expertise match is
    preferred."""
    slots = sorted(dossiers, key=lambda d: (d.code, str(d.key)))
    index = {m: i for i, m in enumerate(member_keys)}
    while True:
        ordered = sorted(member_keys, key=lambda m: (loads[m], index[m]))
        moved = False
        for heavy in reversed(ordered):
            for light in ordered:
                if loads[heavy] - loads[light] <= 1:
                    break
                candidates = [
                    d
                    for d in slots
                    if heavy in chosen.get(d.key, ())
                    and light in eligible[d.key]
                    and light not in chosen[d.key]
                ]
                if not candidates:
                    continue
                d = min(
                    candidates,
                    key=lambda d: (matches(d, heavy) and not matches(d, light), not matches(d, light)),
                )
                picked = chosen[d.key]
                picked[picked.index(heavy)] = light
                loads[heavy] -= 1
                loads[light] += 1
                moved = True
                break
            if moved:
                break
        if not moved:
            return
