"""The pages of the main window, in navigation order. Each area owns its page module.

Page modules are imported when their page is first shown (``PageSpec.load``): a page pulls in its
services, and with them reportlab, openpyxl or rapidfuzz, which the start-up does not need. The imports
stay static (inside small functions) so that PyInstaller still finds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import Page


def _overview() -> type[Page]:
    from .overview_page import OverviewPage

    return OverviewPage


def _registrations() -> type[Page]:
    from .registration_page import RegistrationPage

    return RegistrationPage


def _dossiers() -> type[Page]:
    from .dossiers_page import DossiersPage

    return DossiersPage


def _council() -> type[Page]:
    from .council_page import CouncilPage

    return CouncilPage


def _scoring() -> type[Page]:
    from .scoring_page import ScoringPage

    return ScoringPage


def _results() -> type[Page]:
    from .results_page import ResultsPage

    return ResultsPage


def _documents() -> type[Page]:
    from .documents_page import DocumentsPage

    return DocumentsPage


def _search() -> type[Page]:
    from .search_page import SearchPage

    return SearchPage


def _settings() -> type[Page]:
    from .settings_page import SettingsPage

    return SettingsPage


def _safety() -> type[Page]:
    from .safety_page import SafetyPage

    return SafetyPage


@dataclass(frozen=True)
class PageSpec:
    """A page as the navigation lists it; ``load()`` imports its class (``key``/``title`` must match it,
    a test checks)."""

    key: str
    title: str
    load: Callable[[], type[Page]]


PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec("overview", "Tổng quan", _overview),
    PageSpec("registrations", "Đăng ký", _registrations),
    PageSpec("dossiers", "Hồ sơ", _dossiers),
    PageSpec("council", "Hội đồng", _council),
    PageSpec("scoring", "Chấm điểm", _scoring),
    PageSpec("results", "Kết quả", _results),
    PageSpec("documents", "In ấn & Xuất", _documents),
    PageSpec("search", "Tra cứu", _search),
    PageSpec("settings", "Cài đặt", _settings),
    PageSpec("safety", "Sao lưu & Nhật ký", _safety),
)

__all__ = ["PAGE_SPECS", "Page", "PageSpec"]
