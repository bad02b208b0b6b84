"""A member's score workbook in the importers' shape: ``read(path)`` (.xlsx, .xls, .ods through the shared
readers) → ``analyse(session, source)`` (every sheet checked: codes, assignments, ranges, the sheet's own
totals) → ``apply`` (``documents.score_import.import_scores`` writes it in one transaction)."""

from __future__ import annotations

from ..documents.score_import import analyse_scores as analyse
from ..documents.score_import import import_scores as apply
from ..documents.score_import import read_score_source as read

__all__ = ["analyse", "apply", "read"]
