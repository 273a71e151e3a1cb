"""The quick end of a `tutor` process: nothing the interpreter's own exit does is lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED_DECK

ENDING = """
import atexit, sys, threading, time
from tutor.quick_exit import exit_now

atexit.register(lambda: print("exit handler ran", flush=False))
worker = threading.Thread(target=lambda: (time.sleep(0.2), print("thread finished")))
worker.start()
sys.stdout.write("x" * 200_000 + "\\n")  # more than a pipe holds: flushed at the end
sys.stderr.write("to stderr")
exit_now(3)
"""


def test_threads_exit_handlers_and_buffered_output_all_finish_before_the_end() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ENDING], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert lines == ["x" * 200_000, "thread finished", "exit handler ran"]
    assert done.stderr == "to stderr"


def test_the_tutor_command_keeps_its_output_and_status(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    command = [sys.executable, "-m", "tutor", "--db", str(db)]
    imported = subprocess.run(
        [*command, "import", str(SEED_DECK)], capture_output=True, text=True, timeout=120
    )
    assert imported.returncode == 0
    assert "10 added" in imported.stdout
    bad = tmp_path / "bad.md"
    bad.write_text("# Bad\n\n## Q?\n\n- [ ] a\n- [ ] b\n", encoding="utf-8")
    refused = subprocess.run(
        [*command, "import", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2
    assert f"{bad.resolve()}:3:" in refused.stderr
    assert refused.stderr.rstrip().endswith("Nothing from a file with errors was changed.")
    listed = subprocess.run(
        [*command, "cards", "--json"], capture_output=True, text=True, timeout=120
    )
    assert listed.returncode == 0 and listed.stdout.count('"question"') == 10
