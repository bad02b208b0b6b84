"""Work-arounds for defects of the Qt binding, installed when the ``ui`` package is imported.

PySide6 6.12.0 on CPython 3.11: methods returning ``void`` give back ``None`` without taking a reference
to it, and ``SignalInstance.emit`` does the same with ``True`` (the binding seems to count on CPython
3.12, where these objects are immortal). Every ``label.setText(…)``, ``timer.start()`` or ``signal.emit(…)``
then lowers their reference count by one, and after some ten thousand calls CPython aborts with "Fatal
Python error: none_dealloc" (or "bool_dealloc"): a crash in the middle of a secretary's work.

``install`` measures whether the running binding has the defect and, only then, does what CPython 3.12
does: it makes ``None``, ``True`` and ``False`` immortal by giving them a reference count no program can
use up. These objects are never freed anyway; nothing else changes.
"""

from __future__ import annotations

import ctypes
import linecache
import sys

from PySide6.QtCore import QObject, Signal

_IMMORTAL = 1 << 40
_done = False


class _Probe(QObject):
    ping = Signal()


def binding_drops_references() -> bool:
    """Whether void calls and ``emit`` drop references to ``None``/``True`` (measured, not assumed)."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(50):
        probe.setObjectName("probe")
        probe.ping.emit()
    dropped = none_before - sys.getrefcount(None) >= 40 or true_before - sys.getrefcount(True) >= 40
    probe.deleteLater()
    return dropped


def _immortalize(obj: object) -> None:
    # CPython keeps the reference count in the first machine word of every object.
    count = ctypes.c_ssize_t.from_address(id(obj))
    if count.value < _IMMORTAL:
        count.value += _IMMORTAL


def _file_mentions_pyside(module: object) -> bool:
    """What ``PySide6.support.feature._mod_uses_pyside`` answers ("PySide6" in the module's source), read
    straight from the file instead of through ``inspect.getsource``, which keeps every line of every
    module imported after Qt in ``linecache``: some 40 MB for SQLAlchemy, reportlab and openpyxl."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # no source (a frozen bundle, an extension module): the binding's answer too
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def _lighter_feature_hook() -> None:
    feature = sys.modules.get("PySide6.support.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _file_mentions_pyside
        # modules imported between PySide6 and this package (SQLAlchemy, when a program imports the
        # database first) went through the binding's hook already: drop the lines it kept (~18 MB)
        linecache.clearcache()


def install() -> None:
    global _done
    if _done:
        return
    _done = True
    _lighter_feature_hook()
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return  # immortal already
    if binding_drops_references():
        for obj in (None, True, False):
            _immortalize(obj)
