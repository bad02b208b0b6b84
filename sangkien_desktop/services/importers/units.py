"""The units catalog import in the importers' shape: ``read(path)`` (any spreadsheet through the shared
readers, the header found by the column matcher with the units' phrase table) → ``analyse(session, read)`` →
an ``ImportPlan`` (the preview) → ``apply(session, plan)``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..units import ImportPlan, apply_import, plan_rows, read_unit_list

UnitList = tuple[str, str, list[list[object]], int, dict[str, int]]


def read(path: Path) -> UnitList:
    return read_unit_list(path)


def analyse(session: Session, unit_list: UnitList) -> ImportPlan:
    return plan_rows(session, *unit_list)


def apply(session: Session, plan: ImportPlan) -> ImportPlan:
    return apply_import(session, plan)
