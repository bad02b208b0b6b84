"""Qt calls from Python must not wear down the reference counts of None and True (PySide6 6.12.0 on
CPython 3.11 drops one per void call and per emit; the app would abort after some ten thousand)."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QObject, QStringListModel, QTimer, Signal

import sangkien_desktop.ui  # noqa: F401  (installs the fix)


class _Sender(QObject):
    changed = Signal(str)


def test_many_qt_calls_do_not_crash() -> None:
    sender = _Sender()
    model = QStringListModel(["a", "b"])
    timer = QTimer()
    for i in range(50_000):  # far more than the references None and True have in a process
        sender.changed.emit(str(i))
        model.dataChanged.emit(model.index(0, 0), model.index(1, 0))
        timer.setInterval(i % 7)
        sender.setObjectName("x")
    assert sys.getrefcount(None) > 1000 and sys.getrefcount(True) > 1000


def _python(code: str) -> str:
    """What a fresh interpreter running ``code`` prints (it must exit 0)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_the_fix_is_installed_by_importing_the_ui_package() -> None:
    code = (
        "import sangkien_desktop.ui\n"
        "from PySide6.QtCore import QObject\n"
        "o = QObject()\n"
        "for _ in range(100_000): o.setObjectName('x')\n"
        "print('ok')\n"
    )
    assert _python(code) == "ok"


def test_modules_imported_after_qt_are_not_kept_in_linecache(tmp_path: object) -> None:
    """PySide6's feature hook read every imported module through inspect.getsource, which left all their
    lines in linecache (some 40 MB); the fix reads the file once and answers the same."""
    code = (
        "import linecache, sangkien_desktop.ui\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import sqlalchemy.orm, json.decoder\n"
        "from sangkien_desktop.ui.qt_fixes import _file_mentions_pyside\n"
        "import sangkien_desktop.ui.main_window as mw, sangkien_desktop.domain.text as t\n"
        "assert _file_mentions_pyside(mw) and not _file_mentions_pyside(t)\n"
        "print(sum(len(v[2]) for f, v in linecache.cache.items() if 'sqlalchemy' in f and len(v) == 4))\n"
    )
    assert int(_python(code)) < 5_000  # a few lines SQLAlchemy asks for itself; the whole package is ~150,000
