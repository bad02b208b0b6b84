"""The layering rule: ``domain`` imports only the standard library; only ``ui`` imports PySide6;
``services`` and ``cli`` never import Qt."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sangkien_desktop"


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def _modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def test_domain_imports_only_stdlib_and_domain() -> None:
    bad = []
    for path in _modules("domain"):
        for name, level in _imports(path):
            top = name.split(".")[0]
            if level == 1:
                continue  # from .x import …: a sibling domain module
            if level > 1:
                bad.append(f"{path.name}: relative import out of domain ({'.' * level}{name})")
            elif top not in sys.stdlib_module_names and top != "__future__":
                bad.append(f"{path.name}: {name}")
    assert not bad, "domain/ must import only the standard library:\n" + "\n".join(bad)


def test_only_ui_imports_pyside6() -> None:
    bad = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui":
            continue
        for name, level in _imports(path):
            if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
                bad.append(str(rel))
            imports_ui = name.startswith("sangkien_desktop.ui") or (level > 0 and name.split(".")[0] == "ui")
            if imports_ui:
                bad.append(f"{rel} imports the ui package")
    assert not bad, "only sangkien_desktop/ui may import Qt:\n" + "\n".join(sorted(set(bad)))


def test_domain_has_no_sqlalchemy() -> None:
    for path in _modules("domain"):
        for name, _ in _imports(path):
            assert not name.startswith(("sqlalchemy", "alembic")), f"{path.name} imports {name}"
