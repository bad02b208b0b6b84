"""``clicked``, ``triggered`` and ``toggled`` pass a bool: a slot whose first parameter means something (a path,
a code, an id) receives ``False`` instead. Every such connection in ``ui/`` is found by reading the source:
the slot's first parameter after ``self`` must be absent, or a ``bool`` (``checked``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import sangkien_desktop.ui

UI = Path(sangkien_desktop.ui.__file__).parent
BOOL_SIGNALS = {"clicked", "triggered", "toggled"}
# Qt's own slots (C++ signatures; the bool is dropped or meant)
QT_SLOTS = {
    "close",
    "reject",
    "accept",
    "setEnabled",
    "setVisible",
    "setChecked",
    "show",
    "hide",
    "undo",
    "redo",
}


@dataclass
class Connection:
    file: str
    line: int
    slot: str
    owner: str | None  # the class the slot is looked up in first


def _classes() -> dict[str, ast.ClassDef]:
    found: dict[str, ast.ClassDef] = {}
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found.setdefault(node.name, node)
    return found


def _method(classes: dict[str, ast.ClassDef], cls: str | None, name: str) -> ast.FunctionDef | None:
    """``name`` in ``cls`` or its bases defined in ui/ (None when it is Qt's or not found)."""
    seen: set[str] = set()
    todo = [cls] if cls else []
    while todo:
        current = todo.pop()
        if current in seen or current not in classes:
            continue
        seen.add(current)
        for item in classes[current].body:
            if isinstance(item, ast.FunctionDef) and item.name == name:
                return item
        todo.extend(ast.unparse(base).split(".")[-1].split("[")[0] for base in classes[current].bases)
    return None


def _loop_slots(loop: ast.For, name: str) -> list[str]:
    """``for text, slot in (("Thêm…", self.add), …)``: the ``self.`` attributes bound to ``name``."""
    if not isinstance(loop.target, ast.Tuple) or not isinstance(loop.iter, ast.Tuple | ast.List):
        return []
    names = [t.id if isinstance(t, ast.Name) else "" for t in loop.target.elts]
    if name not in names:
        return []
    index = names.index(name)
    slots = []
    for row in loop.iter.elts:
        if isinstance(row, ast.Tuple) and len(row.elts) > index:
            item = row.elts[index]
            if isinstance(item, ast.Attribute):
                slots.append(item.attr)
    return slots


def _connections() -> list[Connection]:
    found: list[Connection] = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)] + [tree]:
            owner = cls.name if isinstance(cls, ast.ClassDef) else None
            loops = [n for n in ast.walk(cls) if isinstance(n, ast.For)]
            body = [s for s in cls.body if not isinstance(s, ast.ClassDef)] if owner is None else cls.body
            for node in (n for stmt in body for n in ast.walk(stmt)):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                signal = node.func.value
                if node.func.attr != "connect" or not isinstance(signal, ast.Attribute):
                    continue
                if signal.attr not in BOOL_SIGNALS or not node.args or isinstance(node.args[0], ast.Lambda):
                    continue
                arg = node.args[0]
                rel = str(path.relative_to(UI))
                if isinstance(arg, ast.Attribute):
                    self_call = isinstance(arg.value, ast.Name) and arg.value.id == "self"
                    found.append(Connection(rel, node.lineno, arg.attr, owner if self_call else None))
                elif isinstance(arg, ast.Name):
                    for loop in loops:
                        found += [Connection(rel, node.lineno, s, owner) for s in _loop_slots(loop, arg.id)]
    return found


def _takes_meaningful_argument(method: ast.FunctionDef) -> bool:
    params = method.args.args[1:]
    if not params:
        return False
    first = params[0]
    annotation = ast.unparse(first.annotation) if first.annotation else ""
    return annotation != "bool" and first.arg.strip("_") not in {"checked", ""}


def test_no_bool_signal_reaches_a_meaningful_parameter() -> None:
    classes = _classes()
    connections = _connections()
    assert len(connections) > 60  # the walk finds the page buttons
    wrong = []
    for c in connections:
        method = _method(classes, c.owner, c.slot)
        if method is None:
            candidates = [
                m
                for cls in classes.values()
                for m in cls.body
                if isinstance(m, ast.FunctionDef) and m.name == c.slot
            ]
            if not candidates:
                assert c.slot in QT_SLOTS, f"{c.file}:{c.line}: slot {c.slot} not found"
                continue
            method = (
                candidates[0]
                if all(
                    _takes_meaningful_argument(m) == _takes_meaningful_argument(candidates[0])
                    for m in candidates
                )
                else None
            )
            if method is None:
                wrong.append(f"{c.file}:{c.line} {c.slot} (ambiguous: several methods of that name)")
                continue
        if _takes_meaningful_argument(method):
            wrong.append(f"{c.file}:{c.line} {c.slot}({ast.unparse(method.args)})")
    assert not wrong, "clicked/triggered/toggled pass a bool to:\n" + "\n".join(wrong)
