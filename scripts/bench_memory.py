"""Benchmark: peak memory (resident set) of a review session, against a bare Textual app.

Each figure is a fresh process's peak resident memory (VmHWM), on a copy of the collection
(SQLite's backup API; the original is untouched):

- the floor: a bare Textual app showing one line;
- a review session run in process through Textual's Pilot (N answers: Space, then Good), with
  the peak after the imports, at the first card and at the end;
- `tutor review` itself in a terminal (tmux, 80x24), N answers typed, then `q` (needs tmux).

`--trace` runs the Pilot session again under tracemalloc and prints the lines holding the most
Python memory at the first card and at the end, and the traced peak.

    python scripts/bench_memory.py --db bench-data/synthetic.db --answers 30
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
TUTOR = str(Path(PYTHON).parent / "tutor")
MB = 1024  # ru_maxrss is in KiB on Linux


def copy_database(source: Path) -> Path:
    target = Path(tempfile.mkdtemp(prefix="tutor-memory-")) / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def peak_mb() -> float:
    """This process's peak resident memory since its exec, in MB.

    Not `ru_maxrss`: Linux carries the parent's high-water mark into a child across fork and
    exec, so a child of a 300 MB process reports at least 300 MB (bench_anki's first figures,
    258-282 MB, were its parent's). /proc's VmHWM belongs to the child's own memory.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / MB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB


# --- children: each a fresh process -----------------------------------------------------------


def child_bare() -> None:
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("BARE APP READY")

    async def run() -> None:
        async with Bare().run_test(size=(80, 24)) as pilot:
            await pilot.pause()

    asyncio.run(run())
    print(json.dumps({"end": peak_mb()}))


def child_session(db_path: str, answers: str, trace: str) -> None:
    import asyncio

    if trace == "trace":
        import tracemalloc

        tracemalloc.start()
    from tutor.config import Settings
    from tutor.store.db import open_database
    from tutor.tui.app import TutorApp
    from tutor.tui.screens.review import ReviewScreen

    found: dict[str, object] = {"imports": peak_mb()}

    def top_lines() -> list[str]:
        import tracemalloc

        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
        )
        return [str(stat) for stat in snapshot.statistics("lineno")[:12]]

    async def run() -> None:
        db = open_database(f"sqlite:///{db_path}")
        app = TutorApp(db, Settings(), start_in_review=True, sync=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            found["first card"] = peak_mb()
            if trace == "trace":
                found["top at the first card"] = top_lines()
            done = 0
            for _ in range(int(answers)):
                screen = app.screen
                if not isinstance(screen, ReviewScreen) or screen.presented is None:
                    break
                await pilot.press("space")
                await pilot.pause()
                await pilot.press("3")
                await pilot.pause()
                done += 1
            found["answers"] = done
        db.close()

    asyncio.run(run())
    found["end"] = peak_mb()
    if trace == "trace":
        import tracemalloc

        found["top at the end"] = top_lines()
        found["traced peak"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(found))


CHILDREN = {"child-bare": child_bare, "child-session": child_session}


def run_child(*args: str, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [PYTHON, __file__, *args], check=True, capture_output=True, text=True, env=env
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the real command in a terminal -------------------------------------------------------------

# A small process starts `tutor review` and reads its peak (its own, 9 MB, is all it passes on).
WRAPPER = """
import resource, subprocess, sys
subprocess.run(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
open(sys.argv[1], "w").write(f"{peak}\\n")
"""


def screen_of(tmux: list[str]) -> str:
    return subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout


def wait_for(tmux: list[str], wanted: str, timeout: float = 120.0) -> str:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        screen = screen_of(tmux)
        if wanted in screen:
            return screen
        time.sleep(0.02)
    raise RuntimeError(f"{wanted!r} never appeared; the screen:\n{screen_of(tmux)}")


def real_review(db: Path, answers: int, work: Path) -> tuple[float, int]:
    """Peak MB of `tutor review` in a terminal answering `answers` cards, and how many it did."""
    wrapper, result = work / "wrapper.py", work / "peak.txt"
    wrapper.write_text(WRAPPER)
    env = (
        f"TUTOR_CONFIG={work / 'none.toml'} XDG_DATA_HOME={work / 'data'} "
        f"XDG_CONFIG_HOME={work / 'config'}"
    )
    command = f"{env} {PYTHON} {wrapper} {result} {TUTOR} --db {db} review; sleep 600"
    tmux = ["tmux", "-L", f"memory-{os.getpid()}"]
    subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24", command], check=True)
    done = 0
    try:
        wait_for(tmux, "done 0")
        for _ in range(answers):
            if "Reveal" not in wait_for(tmux, "Reveal"):
                break
            subprocess.run([*tmux, "send-keys", "space"], check=True)
            wait_for(tmux, "Rate your recall")
            subprocess.run([*tmux, "send-keys", "3"], check=True)
            done += 1
            wait_for(tmux, f"done {done} ")
        subprocess.run([*tmux, "send-keys", "q"], check=True)
        start = time.perf_counter()
        while not result.exists() and time.perf_counter() - start < 120:
            time.sleep(0.05)
        return float(result.read_text()), done
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        CHILDREN[sys.argv[1]](*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="an SQLite collection file")
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--trace", action="store_true", help="where the Python memory is")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tutor-memory-"))
    env = {
        **os.environ,
        "TUTOR_CONFIG": str(work / "none.toml"),
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_CONFIG_HOME": str(work / "config"),
    }
    floor = float(run_child("child-bare", env=env)["end"])  # type: ignore[arg-type]
    print(f"collection: {args.db} (worked on copies)")
    print(f"bare Textual app (the floor):          {floor:6.1f} MB")
    session = run_child(
        "child-session", str(copy_database(args.db)), str(args.answers), "", env=env
    )
    print(
        f"review session in process, {session['answers']} answers: peak {session['end']:.1f} MB "
        f"({float(session['end']) / floor:.2f}x the floor; "  # type: ignore[arg-type]
        f"{session['imports']:.1f} MB after the imports, {session['first card']:.1f} MB at the "
        "first card)"
    )
    if shutil.which("tmux"):
        peak, done = real_review(copy_database(args.db), args.answers, work)
        print(
            f"`tutor review` in a terminal, {done} answers: peak {peak:.1f} MB "
            f"({peak / floor:.2f}x the floor)"
        )
    else:
        print("`tutor review` in a terminal: skipped (needs tmux)")
    if args.trace:
        traced = run_child(
            "child-session", str(copy_database(args.db)), str(args.answers), "trace", env=env
        )
        print(f"traced Python peak: {traced['traced peak']:.1f} MB (tracemalloc inflates RSS)")
        for when in ("top at the first card", "top at the end"):
            print(f"{when}:")
            for line in traced[when]:  # type: ignore[attr-defined]
                print(f"  {line}")


if __name__ == "__main__":
    main()
