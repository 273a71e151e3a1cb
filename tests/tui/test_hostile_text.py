"""The real app in a pseudo-terminal: a hostile deck's control sequences never reach it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import NOW, REPO
from tests.helpers.hostile import BAD_QUESTION, OSC52_MARKER, SHOWN, write_hostile_deck

HANG_GUARD = 60.0  # seconds; only stops a hung test, no step is expected to come near it
TEXTUAL_POINTER_SHAPE = re.compile(rb"\x1b\]22;[a-z-]*\x07")  # Textual's own OSC (mouse pointer)
HOSTILE = (b"\x1b]52;", b"\x1b]0;", b"\x1b[2J", b"\xc2\x9b", b"\x7f")  # as the deck wrote them


class Terminal:
    """A `tutor` process on a pseudo-terminal of a given size; every byte it writes is kept."""

    def __init__(self, args: Sequence[str], env: dict[str, str], rows: int, columns: int) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become tutor
            os.chdir(REPO)
            os.execvpe(sys.executable, [sys.executable, "-m", "tutor", *args], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = b""
        self.deadline = time.monotonic() + HANG_GUARD

    def _read(self) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, self.deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"tutor hung; last output: {self.output[-300:]!r}")
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, text: str, since: int) -> None:
        """Read until `text` appears in what was written after byte `since`."""
        while text.encode() not in self.output[since:]:
            leaked = [s for s in HOSTILE if s in self.output]
            assert not leaked, f"{leaked} reached the terminal before {text!r} showed"
            if not self._read():
                raise AssertionError(f"tutor ended before showing {text!r}")

    def step(self, wait_for: str, keys: str) -> None:
        """Wait for a screen marker (written since the last keys), then type `keys`."""
        self.wait_for(wait_for, self.mark)
        self.mark = len(self.output)
        os.write(self.fd, keys.encode())

    mark = 0

    def finish(self) -> int:
        """Read to the end and return the exit status."""
        while self._read():
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TERM": "xterm-256color",
        "TUTOR_DB": str(tmp_path / "collection.db"),
        "TUTOR_CONFIG": str(tmp_path / "config.toml"),
        "TUTOR_NOW": NOW.isoformat(),
        "TZ": "UTC",
    }


def assert_no_payload(raw: bytes) -> None:
    """None of the hostile sequences, nor any raw control byte but Textual's own, was written."""
    for sequence in HOSTILE:
        assert sequence not in raw
    assert b"\x07" not in TEXTUAL_POINTER_SHAPE.sub(b"", raw)  # no bell of ours
    # The clipboard marker shows only as visible text, right after its stand-in.
    assert raw.count(OSC52_MARKER.encode()) == raw.count(f"␛]52;c;{OSC52_MARKER}".encode()) > 0


def test_review_shows_every_field_as_visible_stand_ins(env: dict[str, str], tmp_path: Path) -> None:
    deck = write_hostile_deck(tmp_path)
    terminal = Terminal(["review", str(deck)], env, rows=40, columns=120)
    terminal.step(f"Q1{SHOWN}end?", "2")  # the question; answer with the wrong option
    terminal.step(f"why-wrong{SHOWN}end", "\r")  # its reasoning; accept Again
    terminal.step(f"Recall{SHOWN}end?", " ")  # the recall card; reveal the answer
    terminal.step(f"answer{SHOWN}end", "q")
    assert terminal.finish() == 0
    raw = terminal.output
    for field in ("body", "right", "why-right", "wrong", "expl", "code", "block"):
        assert f"{field}{SHOWN}end".encode() in raw, field  # the code block is highlighted
    assert "Evil ␛]52;c;".encode() in raw  # the deck name in the status line
    assert b"Reviewed 1 card, 0 right" in raw
    assert_no_payload(raw)


def test_home_and_statistics_show_card_text_as_stand_ins(
    env: dict[str, str], tmp_path: Path
) -> None:
    deck = write_hostile_deck(tmp_path)
    first = Terminal(["review", str(deck)], env, rows=40, columns=120)
    first.step(f"Q1{SHOWN}end?", "2")
    first.step(f"why-wrong{SHOWN}end", "\r")
    first.step(f"Recall{SHOWN}end?", "q")
    assert first.finish() == 0
    home = Terminal([], env, rows=200, columns=160)  # tall: every statistics section is drawn
    home.step("Evil ␛]52;c;", "t")  # the deck's row; open the statistics
    home.step(f"“wrong{SHOWN[:18]}", "q")  # the most tempting distractor; back home
    home.step("Evil ␛]52;c;", "q")
    assert home.finish() == 0
    assert f"Q1{SHOWN}end?".encode() in home.output  # the hardest cards
    assert_no_payload(home.output)


def test_a_notification_quotes_a_broken_deck_as_stand_ins(
    env: dict[str, str], tmp_path: Path
) -> None:
    deck = write_hostile_deck(tmp_path)
    first = Terminal(["review", str(deck)], env, rows=40, columns=120)
    first.step(f"Q1{SHOWN}end?", "q")
    assert first.finish() == 0
    with deck.open("a", encoding="utf-8") as broken:  # a card with no right option
        broken.write(f"\n## {BAD_QUESTION}\n\n- [ ] a\n- [ ] b\n")
    again = Terminal(["review"], env, rows=40, columns=120)
    again.step("BadQ␛]52;c;", "q")  # "Deck not re-imported", quoting the card
    assert again.finish() == 0
    assert b"Deck not re-imported" in again.output
    assert_no_payload(again.output)
