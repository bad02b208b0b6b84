"""The app makes no network connection: a whole workflow runs with every socket connection refused (and
recorded) — demo data, statistics, grading when available, every export, check, backup, finalize with its
archive, restore, and every page of the main window."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from sangkien_desktop.cli import main
from sangkien_desktop.db.database import Database
from sangkien_desktop.ui.main_window import MainWindow
from tests.helpers.cli_runs import arguments, group_commands, top_commands


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    attempts: list[tuple[str, Any]] = []

    def refuse(name: str) -> Any:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append((name, args[1:] if args else args))
            raise OSError(f"mạng bị chặn trong kiểm thử ({name})")

        return blocked

    for name in ("connect", "connect_ex", "sendto", "sendmsg", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_server"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_full_workflow_without_network(
    qtbot: QtBot,
    tmp_path: Path,
    no_network: list[tuple[str, Any]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SANGKIEN_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(OSError, match="mạng bị chặn"):  # the guard itself works
        socket.create_connection(("example.org", 80))
    with socket.socket() as sock, pytest.raises(OSError, match="mạng bị chặn"):
        sock.connect(("127.0.0.1", 9))
    assert len(no_network) == 2
    no_network.clear()
    db = str(tmp_path / "khong-mang.db")
    ran: list[str] = []

    def run(*argv: str, expect: int | None = 0) -> None:
        code = main(["--db", db, *argv])
        ran.append(" ".join(argv[:2]))
        if expect is not None:
            assert code == expect, f"{argv}: {capsys.readouterr().err}"

    run("demo")
    run("stats", "--json")
    run("rounds", "list")
    for name in ("grade", "grading"):  # grading, when that area is on main
        parser = top_commands().get(name)
        if parser is not None:
            argv = arguments(parser, tmp_path / "xep-loai.xlsx")
            if argv is not None:
                run(name, *argv, expect=None)
    for name, parser in sorted(group_commands("export").items()):
        for suffix in (".xlsx", ".pdf"):
            argv = arguments(parser, tmp_path / f"{name}{suffix}")
            if argv is not None:
                run("export", name, *argv, expect=None)
    run("check")
    run("backup", "-o", str(tmp_path / "sao-luu.db"))
    run(
        "rounds",
        "finalize",
        "--round",
        "2026/1",
        "--decision-no",
        "15/QĐ-HĐSK",
        "--decision-date",
        "25/05/2026",
    )
    run("rounds", "reopen", "--round", "2026/1", "--reason", "Kiểm thử không có mạng")
    run("restore", str(tmp_path / "sao-luu.db"), "--yes")
    run("check")
    capsys.readouterr()
    assert any(r.startswith("export") for r in ran)
    produced = [p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".xlsx")]
    assert produced, "no export ran"

    database = Database.open(db)
    try:
        window = MainWindow(database)
        qtbot.addWidget(window)
        window.show()
        for key in window.pages:
            window.show_page(key)
            qtbot.wait(10)
        window.close()
    finally:
        database.dispose()

    assert no_network == [], f"network use attempted: {no_network[:5]}"
