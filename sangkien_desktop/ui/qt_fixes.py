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


def install() -> None:
    global _done
    if _done:
        return
    _done = True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return  # immortal already
    if binding_drops_references():
        for obj in (None, True, False):
            _immortalize(obj)
