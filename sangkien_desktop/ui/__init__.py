"""The Qt user interface: the only package that imports PySide6 (a test enforces it)."""

from .qt_fixes import install as _install_qt_fixes

_install_qt_fixes()
