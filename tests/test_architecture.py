"""The layering rule: ``domain`` imports only the standard library; only ``ui`` imports PySide6;
``services`` and ``cli`` never import Qt."""

from __future__ import annotations

import ast
import os
import re
import subprocess
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


# no import circle in ui/ -------------------------------------------------------------------------------
def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``path`` imports anywhere: at the top, inside functions, under
    ``if TYPE_CHECKING:`` (a circle for the type checker is still a circle for the reader)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            # ``from .pkg import module`` imports the module; ``from .pkg import name`` the package
            modules = {f"{module}.{alias.name}" for alias in node.names} & known
            found.update(modules or ({module} & known))
    found.discard(name)
    return found


def _import_graph(sub: str) -> dict[str, set[str]]:
    paths = _modules(sub)
    known = {_module_name(p) for p in paths}
    return {_module_name(p): _imported_modules(p, known) for p in paths}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_ui() -> None:
    """Pages receive what they need through the app context (signals), never import the main window or the
    first-run flow: ``ui/`` modules import each other without a circle, counting imports inside functions."""
    cycles = _cycles(_import_graph("ui"))
    assert not cycles, "import circles in sangkien_desktop/ui:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


# colours in one module -----------------------------------------------------------------------------------
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b(?![0-9a-fA-F])")


def _colour_literals(path: Path) -> list[str]:
    """``#rrggbb`` in the strings of ``path`` (comments and docstrings count: a colour is named once)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"{path.name}:{node.lineno}: {m}" for m in COLOUR_LITERAL.findall(node.value)]
    return found


def test_colours_come_from_ui_colours() -> None:
    ui = PACKAGE / "ui"
    bad = []
    for path in _modules("ui"):
        rel = path.relative_to(ui).as_posix()
        if rel == "colours.py":
            continue
        bad += _colour_literals(path)
    assert not bad, "use the names of sangkien_desktop/ui/colours.py:\n" + "\n".join(bad)


# issue 21: the UI asks services, services own transactions ---------------------------------------------------
def _session_calls(path: Path, root: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = sorted(
        (node.lineno, node.func.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("session", "reading")
    )
    return [f"{path.relative_to(root)}:{line}: .{name}(" for line, name in calls]


def test_no_ui_module_opens_a_database_session() -> None:
    offenders = [line for path in _modules("ui") for line in _session_calls(path)]
    assert not offenders, "ui/ must ask services, not open sessions:\n" + "\n".join(offenders)


def test_the_session_finder_sees_both_kinds(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text(
        "def f(self, db):\n    with db.session() as s:\n        pass\n"
        "    with self.ctx.db.reading() as r:\n        pass\n    session = db.sessions\n",
        encoding="utf-8",
    )
    assert _session_calls(sample, tmp_path) == ["page.py:2: .session(", "page.py:4: .reading("]


def test_the_window_starts_without_importing_the_command_line() -> None:
    """Issue 19's start time: the desktop program imports none of ``sangkien_desktop.cli`` (its area modules
    pull in every service and renderer); argparse's Vietnamese lives in ``sangkien_desktop/argparse_vi.py``."""
    code = (
        "import sys, sangkien_desktop.ui.app; "
        "print(sorted(m for m in sys.modules if m.startswith('sangkien_desktop.cli')))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"
