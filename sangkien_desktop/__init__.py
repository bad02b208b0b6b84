"""Sáng kiến Desktop: an offline desktop application for the secretary of an Innovation Council.

Package map (see README.md, "Kiến trúc"):

- ``domain``   pure rules (scoring, grading, validation, text folding, dates, money). Stdlib only.
- ``models``   SQLAlchemy mappings.
- ``db``       engine, PRAGMAs, Alembic migrations, database location.
- ``services`` use cases, one transaction each; PDF and Excel writers. No Qt.
- ``cli``      the ``sangkien`` command.
- ``ui``       the only package that imports PySide6.

Glossary of Vietnamese domain terms used in identifiers and comments lives in ``sangkien_desktop.domain``.
"""

__version__ = "0.1.0"
APP_NAME = "SangKien"
APP_AUTHOR = "SangKienDesktop"
APP_TITLE = "Sáng kiến Desktop"
