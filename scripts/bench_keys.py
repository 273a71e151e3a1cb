"""Benchmark: keypress -> next card on screen, in a real terminal, over a whole review session.

Runs `tutor review` in a pseudo-terminal (80x24 unless --size) on a copy of each collection and
plays a learner: Space reveals each card (twice on a recall-first card), then a rating key. The
time measured for one answer starts when the rating key is written to the terminal and ends when
the frame holding the next card (its hint line: "Press 1-", "Think of the answer", ...) or the
summary has been read back in full: the key's trip to the app, the answer's durable commit, the
next card's query, the widgets' update, layout, rendering and the frame's write. The harness
says the terminal supports synchronized output, so each frame arrives between
`ESC[?2026h` and `ESC[?2026l` and its end is exact. A bare Textual app that swaps a text on a
key is the floor, measured in the same run; runs of each program are interleaved.

    python scripts/bench_keys.py --db /path/synthetic-100k.db --limit 300
    python scripts/bench_keys.py --code /tmp/base   # also time another checkout's tutor package
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
SYNC_QUERY, SYNC_REPLY = b"\x1b[?2026$p", b"\x1b[?2026;2$y"
QUESTION = (b"Press 1-", b"Think of the answer", b"Select all that apply", b"Recall the answer")
RECALL_FIRST = b"Recall the answer first"
ANSWER = b"Rate your recall"
SUMMARY = b"Cards answered"
THINK = 0.15  # seconds between a frame and the next key, as a (very fast) learner
IDLE = 0.05  # and the app has used no CPU for this long
BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    n = 0
    def compose(self):
        yield Static("question 0", id="q")
        yield Static("Press 1-4 to answer", id="hint")
    def on_key(self, event):
        self.n += 1
        if self.n % 2:
            self.query_one("#q").update(f"answer {self.n}")
            self.query_one("#hint").update("Rate your recall: 1-4")
        else:
            self.query_one("#q").update(f"question {self.n}")
            self.query_one("#hint").update("Press 1-4 to answer")
Bare().run()
"""


@dataclass
class Run:
    """One session's timings in milliseconds."""

    rating_ms: list[float] = field(default_factory=list)  # rating key -> next card's frame
    reveal_ms: list[float] = field(default_factory=list)  # Space -> the answer's frame
    rating_cpu_ms: list[float] = field(default_factory=list)  # the app's CPU time in rating_ms

    def add(self, other: Run) -> None:
        self.rating_ms += other.rating_ms
        self.reveal_ms += other.reveal_ms
        self.rating_cpu_ms += other.rating_cpu_ms


class Terminal:
    """A program in a pseudo-terminal, read frame by frame."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        columns, rows = size
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.kill(self.pid, signal.SIGWINCH)
        self.pending = b""

    def frame(self, timeout: float = 60.0) -> bytes:
        """The next whole frame the program writes."""
        deadline = time.monotonic() + timeout
        while True:
            end = self.pending.find(SYNC_END)
            if end >= 0:
                end += len(SYNC_END)
                frame, self.pending = self.pending[:end], self.pending[end:]
                return frame
            ready, _, _ = select.select([self.fd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise RuntimeError(
                    f"no frame within {timeout} s; last bytes {self.pending[-300:]!r}"
                )
            self._read()

    def _read(self) -> None:
        """Append what the program wrote, answering its sync-mode query on the way."""
        chunk = os.read(self.fd, 65536)
        if not chunk:
            raise RuntimeError("the program ended")
        if SYNC_QUERY in chunk:
            os.write(self.fd, SYNC_REPLY)
            chunk = chunk.replace(SYNC_QUERY, b"")
        self.pending += chunk

    def until(self, *markers: bytes) -> bytes:
        """Frames until one holds a marker; that frame."""
        while True:
            frame = self.frame()
            if any(marker in frame for marker in markers):
                return frame

    def cpu_ms(self) -> float:
        """CPU time the program's threads have run so far (Linux schedstat, in nanoseconds)."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with contextlib.suppress(OSError):
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e6

    def press(self, key: bytes) -> float:
        """Write a key once the app is idle (its CPU time stands still), late frames read first."""
        time.sleep(THINK)
        before = self.cpu_ms()
        while True:  # the frame may be out while its aftermath (the footer's keys) still runs
            time.sleep(IDLE)
            now = self.cpu_ms()
            if now - before < 0.1:
                break
            before = now
        while select.select([self.fd], [], [], 0)[0]:
            self._read()
        while self.pending.rfind(SYNC_START) > self.pending.rfind(SYNC_END):
            self.frame()  # a frame half read: read it whole
        self.pending = b""
        os.write(self.fd, key)
        return time.perf_counter()

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def copy_database(source: Path, folder: Path) -> Path:
    target = folder / f"copy-{time.monotonic_ns()}.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def session(
    code: Path, db: Path, limit: int | None, size: tuple[int, int], work: Path, rating: bytes
) -> Run:
    """A whole review session of `tutor review` (from `code`'s tutor package) on a copy of db."""
    copy = copy_database(db, work)
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "TUTOR_CONFIG": str(work / "none.toml"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    argv = [sys.executable, "-m", "tutor", "--db", str(copy), "review"]
    argv += ["--limit", str(limit)] if limit else []
    terminal = Terminal(argv, env, size)
    run = Run()
    try:
        frame = terminal.until(*QUESTION)
        while True:
            if RECALL_FIRST in frame:
                terminal.press(b" ")
                terminal.until(b"Press 1-", b"Select all that apply")
            start = terminal.press(b" ")
            terminal.until(ANSWER)
            run.reveal_ms.append((time.perf_counter() - start) * 1000)
            start = terminal.press(rating)
            cpu = terminal.cpu_ms()
            frame = terminal.until(*QUESTION, SUMMARY)
            run.rating_ms.append((time.perf_counter() - start) * 1000)
            run.rating_cpu_ms.append(terminal.cpu_ms() - cpu)
            if SUMMARY in frame:
                return run
    finally:
        terminal.close()
        for path in work.glob(f"{copy.name}*"):
            path.unlink()


def bare(size: tuple[int, int], work: Path, answers: int) -> Run:
    """The floor: a bare Textual app swapping two texts on each key."""
    script = work / "bare.py"
    script.write_text(BARE_APP)
    terminal = Terminal([sys.executable, str(script)], {**os.environ}, size)
    run = Run()
    try:
        terminal.until(b"Press 1-")
        for _ in range(answers):
            start = terminal.press(b" ")
            terminal.until(ANSWER)
            run.reveal_ms.append((time.perf_counter() - start) * 1000)
            start = terminal.press(b"3")
            cpu = terminal.cpu_ms()
            terminal.until(b"Press 1-")
            run.rating_ms.append((time.perf_counter() - start) * 1000)
            run.rating_cpu_ms.append(terminal.cpu_ms() - cpu)
    finally:
        terminal.close()
    return run


def bundled_collection(work: Path) -> Path:
    deck = ROOT / "decks" / "edge-nn-optimization.md"
    db = work / "bundled.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TUTOR_CONFIG": str(work / "none.toml")}
    subprocess.run(
        [sys.executable, "-m", "tutor", "--db", str(db), "import", str(deck)],
        check=True,
        capture_output=True,
        env=env,
    )
    return db


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="a large collection to time too (copied first)")
    parser.add_argument("--limit", type=int, default=300, help="answers in a --db session")
    parser.add_argument("--runs", type=int, default=3, help="sessions of each program")
    parser.add_argument("--size", default="80x24", help="the terminal, COLUMNSxROWS")
    parser.add_argument("--rating", default="3", help="the rating key pressed (1-4)")
    parser.add_argument(
        "--code", type=Path, action="append", default=[], help="another checkout to time too"
    )
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.split("x"))
    size = (columns, rows)
    work = Path(tempfile.mkdtemp(prefix="tutor-keys-"))
    collections = {"bundled deck": (bundled_collection(work), None)}
    if args.db:
        collections[args.db.name] = (args.db, args.limit)
    programs = [ROOT, *(path.resolve() for path in args.code)]
    results: dict[tuple[str, str], Run] = {}
    for _ in range(args.runs):  # interleaved: each program once per round
        results.setdefault(("bare Textual app", ""), Run()).add(bare(size, work, 30))
        for name, (db, limit) in collections.items():
            for code in programs:
                run = session(code, db, limit, size, work, args.rating.encode())
                results.setdefault((str(code), name), Run()).add(run)
    floor = results[("bare Textual app", "")]
    floor_ms, floor_cpu = median(floor.rating_ms), median(floor.rating_cpu_ms)
    print(
        f"{'program':32} {'collection':20} {'n':>4} {'key->next card':>14} {'x floor':>7}"
        f" {'its CPU':>9} {'x floor':>7} {'p90':>9} {'Space->answer':>13}"
    )
    for (program, name), run in results.items():
        rating, cpu = median(run.rating_ms), median(run.rating_cpu_ms)
        print(
            f"{program[-32:]:32} {name:20} {len(run.rating_ms):4d} {rating:11.1f} ms"
            f" {rating / floor_ms:6.2f}x {cpu:6.1f} ms {cpu / floor_cpu:6.2f}x"
            f" {p90(run.rating_ms):6.1f} ms {median(run.reveal_ms):10.1f} ms"
        )


if __name__ == "__main__":
    main()
