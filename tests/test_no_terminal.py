"""`tutor`, `tutor review`, `tutor stats` without a terminal: a message and exit 2, not a hang."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NOW, REPO, SEED_DECK
from tutor.importer import import_paths
from tutor.store.db import open_database

HANG_GUARD = 60  # seconds; a refusal takes well under one
TUTOR = [sys.executable, "-m", "tutor"]
MESSAGE = "needs a terminal (stdin and stdout); for scripts use `tutor due` or `tutor stats --json`"


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    db = open_database(f"sqlite:///{path}")
    import_paths(db, [SEED_DECK], NOW)
    db.close()
    return path


@pytest.fixture
def terminal() -> Iterator[int]:
    """The far end of a pseudo-terminal (its output drained), for the stream that is a terminal."""
    leader, follower = pty.openpty()
    drain = threading.Thread(target=_read_until_closed, args=(leader,), daemon=True)
    drain.start()
    yield follower
    os.close(follower)
    drain.join(timeout=HANG_GUARD)
    os.close(leader)


def _read_until_closed(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # EIO: the far end is closed
        pass


def run(args: list[str], stdin: int, stdout: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*TUTOR, *args], cwd=REPO, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
        timeout=HANG_GUARD, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "command"),
    [([], "tutor"), (["review"], "tutor review"), (["review", str(SEED_DECK)], "tutor review")],
)
def test_without_stdin_the_screens_refuse_and_change_nothing(
    collection: Path, args: list[str], command: str
) -> None:
    before = collection.read_bytes()
    result = run(["--db", str(collection), *args], subprocess.DEVNULL, subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr.decode() == f"tutor: `{command}` {MESSAGE}\n"
    assert result.stdout == b""  # no escape codes
    assert collection.read_bytes() == before


def test_with_a_terminal_for_input_but_output_to_a_pipe_review_refuses(
    collection: Path, terminal: int
) -> None:
    result = run(["--db", str(collection), "review"], terminal, subprocess.PIPE)
    assert (result.returncode, result.stdout) == (2, b"")
    assert "`tutor review` needs a terminal" in result.stderr.decode()


def test_with_output_to_a_terminal_but_no_stdin_home_refuses(
    collection: Path, terminal: int
) -> None:
    result = run(["--db", str(collection)], subprocess.DEVNULL, terminal)
    assert result.returncode == 2
    assert "`tutor` needs a terminal" in result.stderr.decode()


def test_stats_without_stdin_prints_the_text_report_instead_of_the_screen(
    collection: Path, terminal: int
) -> None:
    result = run(["--db", str(collection), "stats"], subprocess.DEVNULL, subprocess.PIPE)
    assert result.returncode == 0 and b"\x1b" not in result.stdout
    assert b"retention" in result.stdout.lower()
    on_terminal = run(["--db", str(collection), "stats"], subprocess.DEVNULL, terminal)
    assert on_terminal.returncode == 0 and on_terminal.stderr == b""
