"""Where things live: bundled resources (source tree or PyInstaller bundle) and the user's data folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from . import APP_AUTHOR, APP_NAME

PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The ``resources/`` folder: next to the package in a checkout, inside ``_internal`` when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    for candidate in (PACKAGE_DIR.parent / "resources", PACKAGE_DIR / "resources"):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("fonts", "LiberationSerif-Regular.ttf")``."""
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    """The user data folder (created on first use). ``SANGKIEN_DATA_DIR`` overrides it (tests, portable use).

    Windows: ``%LOCALAPPDATA%\\SangKienDesktop\\SangKien``; Linux: ``~/.local/share/SangKien``.
    """
    override = os.environ.get("SANGKIEN_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "sangkien.db"


def demo_db_path() -> Path:
    """The demo database: a file of its own, so the real one never receives invented data."""
    return data_dir() / "demo.db"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
