"""`e` with a missing or failing editor in a real pseudo-terminal: the screen returns, q quits."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, WriteDeck

HANG_GUARD = 60.0  # seconds; each step takes well under one
DECK = "# E\n\n## Question zero?\n\n- [x] right\n- [ ] wrong\n"


class Terminal:
    """`tutor review` running in a pseudo-terminal of 120x40, read as it draws."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor", *args],
            cwd=REPO, env=env, stdin=follower, stdout=follower, stderr=follower,
            start_new_session=True,
        )  # fmt: skip
        os.close(follower)
        self.seen = b""

    def wait_for(self, text: str) -> None:
        """Read what the app draws until `text` appears (the hang guard fails the test)."""
        deadline = time.monotonic() + HANG_GUARD
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.leader], [], [], max(left, 0))
            assert ready, f"{text!r} never appeared; the screen showed: {self.seen[-2000:]!r}"
            try:
                self.seen += os.read(self.leader, 65536)
            except OSError:  # the app ended
                raise AssertionError(f"the app ended before showing {text!r}") from None

    def press(self, key: str) -> None:
        os.write(self.leader, key.encode())

    def exit_code(self) -> int:
        """The app's exit status, reading what it draws meanwhile: a terminal nobody reads fills
        up and blocks the app's last writes (restoring the screen), so it would never end."""
        deadline = time.monotonic() + HANG_GUARD
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.leader], [], [], max(left, 0))
            assert ready, f"the app did not end; the screen showed: {self.seen[-2000:]!r}"
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:  # every end of the terminal closed: the app ended
                break
            if not chunk:
                break
            self.seen += chunk
        return self.process.wait(timeout=HANG_GUARD)

    def close(self) -> None:
        if self.process.poll() is None:  # a hang: end the app this test started
            self.process.kill()
            self.process.wait()
        os.close(self.leader)


@pytest.mark.parametrize(
    ("editor", "message"),
    [("no-such-editor-xyz", "cannot run the editor"), ("false", "exited with status 1")],
)
def test_a_failing_editor_gives_the_screen_back_and_q_quits(
    tmp_path: Path, write_deck: WriteDeck, editor: str, message: str
) -> None:
    deck = write_deck("e.md", DECK)
    env = {
        **os.environ,
        "EDITOR": editor,
        "TERM": "xterm-256color",
        "TUTOR_NOW": "2026-11-27T09:00:00+00:00",
    }
    env.pop("VISUAL", None)
    app = Terminal(["--db", str(tmp_path / "c.db"), "review", str(deck)], env)
    try:
        app.wait_for("Question zero?")
        app.press("e")
        app.wait_for("Deck not re-imported")
        app.wait_for(message)
        app.press("q")
        assert app.exit_code() == 0
    finally:
        app.close()
