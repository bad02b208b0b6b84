"""SQLAlchemy mappings, one module per area. Importing this package registers every table on ``Base``."""

from .audit import AuditEntry
from .base import Base
from .calendar import Round, RoundChecklistItem, Year
from .certificate import Certificate
from .council import Assignment, AssignmentExclusion, CouncilMember
from .dossier import Authorship, Dossier, DossierChecklistItem, dossier_code
from .people import Person
from .recognized import RecognizedAuthor, RecognizedImport, RecognizedInitiative
from .registration import ImportMapping, Registration, RegistrationAuthor
from .scoring import (
    Criterion,
    GradeBand,
    GradeCondition,
    GradeResult,
    GradeRuleSet,
    Score,
    TieDecision,
    Vote,
)
from .settings import NumberSeries, Setting
from .units import Unit, UnitAlias, UnitType

__all__ = [
    "Assignment",
    "AssignmentExclusion",
    "AuditEntry",
    "Authorship",
    "Base",
    "Certificate",
    "CouncilMember",
    "Criterion",
    "Dossier",
    "DossierChecklistItem",
    "GradeBand",
    "GradeCondition",
    "GradeResult",
    "GradeRuleSet",
    "ImportMapping",
    "NumberSeries",
    "Person",
    "RecognizedAuthor",
    "RecognizedImport",
    "RecognizedInitiative",
    "Registration",
    "RegistrationAuthor",
    "Round",
    "RoundChecklistItem",
    "Score",
    "Setting",
    "TieDecision",
    "Unit",
    "UnitAlias",
    "UnitType",
    "Vote",
    "Year",
    "dossier_code",
]
