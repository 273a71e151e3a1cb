"""A migration killed with SIGKILL at its pause: every step done, nothing committed."""

from __future__ import annotations

import os
import selectors
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def kill_at_the_migration_pause(collection: Path, tmp_path: Path) -> None:
    """Run `tutor info` on `collection` until its migration pauses (TUTOR_MIGRATION_PAUSE), kill
    it there with SIGKILL, and check the file SQLite finds afterwards is whole."""
    pause = tmp_path / "pause"
    pause.mkdir()
    os.mkfifo(pause / "reached")
    os.mkfifo(pause / "resume")
    reached = os.open(pause / "reached", os.O_RDWR)  # held open: a read waits for the child
    env = {**os.environ, "TUTOR_MIGRATION_PAUSE": str(pause)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tutor", "--db", str(collection), "info"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    output = b""
    with selectors.DefaultSelector() as selector:
        selector.register(reached, selectors.EVENT_READ)
        selector.register(child.stdout.fileno(), selectors.EVENT_READ)
        while True:  # wait for the pause, or for the child to end (its output closes)
            ready = {key.fd for key, _ in selector.select()}
            if reached in ready:
                break
            chunk = os.read(child.stdout.fileno(), 4096)
            output += chunk
            if not chunk:
                child.wait()
                pytest.fail(f"the migration ended before its pause: {output.decode()}")
    assert os.read(reached, 100) == b"migrating\n"  # every step done, nothing committed
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    os.close(reached)
    assert child.returncode == -signal.SIGKILL
    conn = sqlite3.connect(collection)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    finally:
        conn.close()
