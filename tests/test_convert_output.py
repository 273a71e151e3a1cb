"""`tutor convert`: a pipe gets the very bytes `-o` writes; a terminal sees control codes inert."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.helpers.hostile import CLEAR, FORBIDDEN, OSC52, PAYLOAD
from tutor.cli import main
from tutor.deck.parser import parse_file
from tutor.text import neutralise

HANG_GUARD = 60  # seconds; a convert takes well under one
TITLE = f"Quiz {OSC52}{CLEAR}"  # front matter escapes C0 codes; DEL and C1 it cannot hold
QUESTION = f"What {PAYLOAD} is it?"
EXPLANATION = f"It is {PAYLOAD} data."


@pytest.fixture
def hostile_quiz(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.txt"
    path.write_text(f"{TITLE}\n{QUESTION}\nExplanation: {EXPLANATION}\n", encoding="utf-8")
    return path


def convert(*args: str, stdout: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", "convert", *args], cwd=REPO, stdout=stdout,
        stderr=subprocess.PIPE, timeout=HANG_GUARD, check=False,
    )  # fmt: skip


def test_a_pipe_gets_the_same_bytes_as_the_file_and_the_deck_keeps_its_text(
    hostile_quiz: Path, tmp_path: Path
) -> None:
    target = tmp_path / "deck.md"
    written = convert(str(hostile_quiz), "-o", str(target), stdout=subprocess.PIPE)
    piped = convert(str(hostile_quiz), stdout=subprocess.PIPE)
    assert (written.returncode, written.stdout, piped.returncode, piped.stderr) == (0, b"", 0, b"")
    assert piped.stdout == target.read_bytes()  # `> deck.md` and `-o deck.md` are one file
    deck = parse_file(target)
    assert (deck.name, deck.cards[0].question, deck.cards[0].answer) == (
        TITLE,
        QUESTION,
        EXPLANATION,
    )


def test_the_confirmation_names_the_deck_neutralised_never_in_python_repr(
    capsys: pytest.CaptureFixture[str], hostile_quiz: Path, tmp_path: Path
) -> None:
    target = tmp_path / "deck.md"
    assert main(["convert", str(hostile_quiz), "-o", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"wrote {target}: deck '{neutralise(TITLE)}', 1 card. ")
    assert "\\x1b" not in err and "\x1b" not in err


def test_a_terminal_sees_the_deck_with_visible_stand_ins(hostile_quiz: Path) -> None:
    leader, follower = pty.openpty()
    screen = bytearray()
    reader = threading.Thread(target=_read_until_closed, args=(leader, screen), daemon=True)
    reader.start()
    try:
        result = convert(str(hostile_quiz), stdout=follower)
    finally:
        os.close(follower)
        reader.join(timeout=HANG_GUARD)
        os.close(leader)
    assert (result.returncode, result.stderr) == (0, b"")
    shown = screen.decode("utf-8").replace("\r\n", "\n")  # the terminal's own line ends
    assert f"## {neutralise(QUESTION)}\n" in shown
    assert neutralise(EXPLANATION) in shown
    assert not FORBIDDEN.search(shown.encode("utf-8"))


def _read_until_closed(fd: int, into: bytearray) -> None:
    try:
        while chunk := os.read(fd, 65536):
            into.extend(chunk)
    except OSError:  # EIO: the far end is closed
        pass
