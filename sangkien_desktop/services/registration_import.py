"""Importing units' registration tables: kept as the import path the UI, CLI and bench use; the importer
lives in :mod:`.importers.registrations` (read → analyse(session) → Preview → apply)."""

from __future__ import annotations

from .importers.registrations import (
    KIND,
    ColumnInfo,
    ImportOptions,
    ImportPreview,
    ImportRefused,
    ImportResult,
    PreviewRow,
    analyse,
    apply,
    import_file,
    load_mapping,
    preview_file,
    read,
    save_mapping,
    undo_import,
)
from .importers.tables import FILE_WHERE

__all__ = [
    "FILE_WHERE",
    "KIND",
    "ColumnInfo",
    "ImportOptions",
    "ImportPreview",
    "ImportRefused",
    "ImportResult",
    "PreviewRow",
    "analyse",
    "apply",
    "import_file",
    "load_mapping",
    "preview_file",
    "read",
    "save_mapping",
    "undo_import",
]
