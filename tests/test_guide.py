"""The user guide (docs/huong-dan.md) and its screenshots stay true to the app: every image it shows exists,
every page it describes is built (not a placeholder), and every command it prints parses with the real CLI."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from sangkien_desktop.cli import build_parser
from sangkien_desktop.ui.pages import PAGE_SPECS

DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDE = DOCS / "huong-dan.md"
MANIFEST = DOCS / "img" / "pages.json"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _commands() -> list[str]:
    """The ``sangkien …`` lines of the guide's code blocks."""
    lines: list[str] = []
    inside = False
    for line in _guide().splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        if inside and line.startswith("sangkien "):
            lines.append(line)
    return lines


def test_guide_images_exist() -> None:
    names = re.findall(r"!\[[^\]]*\]\((img/[^)]+)\)", _guide())
    assert len(names) >= 25
    missing = [name for name in names if not (DOCS / name).is_file()]
    assert not missing, f"ảnh không có trong docs/img: {missing}"


def test_guide_manifest_matches_the_pages() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert set(manifest["page_images"]) == {spec.key for spec in PAGE_SPECS}
    for name in manifest["images"]:
        assert (DOCS / "img" / name).is_file(), name
    # every page is built: the guide must not call a page unfinished
    assert manifest["placeholder_pages"] == []
    assert "đang được hoàn thiện" not in _guide()


def test_guide_shows_every_page() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    text = _guide()
    for key, image in manifest["page_images"].items():
        assert f"img/{image}" in text, f"hướng dẫn chưa có ảnh trang {key} ({image})"


@pytest.mark.parametrize("line", _commands())
def test_guide_command_parses(line: str) -> None:
    words = shlex.split(line, comments=True)
    if "<" in words:  # a shell redirection: "settings set legal_bases - < can-cu.txt"
        words = words[: words.index("<")]
    assert words[0] == "sangkien"
    try:
        args = build_parser().parse_args(words[1:])
    except SystemExit as exc:  # argparse: unknown command or option
        raise AssertionError(f"lệnh trong hướng dẫn không đúng: {line}") from exc
    assert getattr(args, "handler", None) is not None, f"thiếu lệnh con: {line}"


def test_guide_covers_every_area_of_the_command_line() -> None:
    used = {" ".join(shlex.split(line, comments=True)[3:5]) for line in _commands()}
    wanted = [
        "import registrations",
        "export registrations",
        "dossiers add",
        "council add",
        "assign auto",
        "import scores",
        "grade --round",
        "export decision",
        "export certificates",
        "export dost",
        "backup",
        "restore E:/sao-luu/sangkien.db",
        "check",
        "rounds finalize",
        "rounds reopen",
        "audit list",
    ]
    for prefix in wanted:
        assert any(u.startswith(prefix) for u in used), f"hướng dẫn chưa có lệnh {prefix}"
