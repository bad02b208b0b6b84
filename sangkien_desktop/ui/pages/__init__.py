"""The pages of the main window, in navigation order. Each area owns its page module."""

from __future__ import annotations

from .base import Page
from .council_page import CouncilPage
from .documents_page import DocumentsPage
from .dossiers_page import DossiersPage
from .overview_page import OverviewPage
from .registration_page import RegistrationPage
from .results_page import ResultsPage
from .safety_page import SafetyPage
from .scoring_page import ScoringPage
from .search_page import SearchPage
from .settings_page import SettingsPage

PAGES: tuple[type[Page], ...] = (
    OverviewPage,
    RegistrationPage,
    DossiersPage,
    CouncilPage,
    ScoringPage,
    ResultsPage,
    DocumentsPage,
    SearchPage,
    SettingsPage,
    SafetyPage,
)

__all__ = ["PAGES", "Page"]
