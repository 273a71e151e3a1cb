"""Benchmark: process start -> first card on screen, against a bare Textual app (the floor).

Runs each program in a real terminal (tmux, 80x24) and polls the screen every 5 ms until the
marker text appears, and reads the CPU time its main thread has used by then (/proc: less swayed
by the machine's load than the wall time). The programs take turns (each run starts each program
once, in a rotating order), so a load that comes and goes falls on all of them alike; the medians
are compared as ratios to the bare app's medians of the same run. Keypress -> next card is measured
in process (Pilot), from the key press to the next card's question being rendered, wall and the
main thread's CPU: on the synthetic collection, the bundled deck (9 keys) and the bundled deck
imported five times under other titles and card ids (more keys, a steadier median).

    python scripts/bench_startup.py --synthetic bench-data/synthetic.db
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("BARE APP READY")
Bare().run()
"""


def cpu_seconds(stat_file: str) -> float:
    """CPU seconds (user + system) in a /proc stat file: a thread's or the whole process's."""
    stat = Path(stat_file).read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main_thread_cpu(pid: int) -> float:
    """CPU seconds the process's main thread has used so far."""
    return cpu_seconds(f"/proc/{pid}/task/{pid}/stat")


def time_to_screen(command: str, marker: str, timeout: float = 30.0) -> tuple[float, float, float]:
    """Seconds from starting `command` in tmux until `marker` is on its screen, and the CPU
    seconds its main thread had used by then (less swayed by other processes' load), and all
    its threads."""
    name = f"bench-{time.monotonic_ns()}"
    tmux = ["tmux", "-L", name]
    start = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "80", "-y", "24", f"exec env {command}"], check=True
    )
    try:
        pid = int(
            subprocess.run(
                [*tmux, "list-panes", "-F", "#{pane_pid}"], capture_output=True, text=True
            ).stdout.split()[0]
        )
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p"], capture_output=True, text=True
            ).stdout
            if marker in screen:
                wall, main = time.perf_counter() - start, main_thread_cpu(pid)
                return wall, main, cpu_seconds(f"/proc/{pid}/stat")
            time.sleep(0.005)
        raise RuntimeError(f"{marker!r} never appeared for {command}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def median_of(runs: int, command: str, marker: str) -> float:
    time_to_screen(command, marker)  # warm the file cache
    return statistics.median(time_to_screen(command, marker)[0] for _ in range(runs))


def interleaved_medians(
    runs: int, programs: dict[str, tuple[str, str]]
) -> dict[str, tuple[float, float, float]]:
    """Median (seconds to screen, main-thread CPU seconds, all threads' CPU seconds) of each
    (command, marker), the programs run in turns."""
    names = list(programs)
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for name in names:
        time_to_screen(*programs[name])  # warm the file cache
    for run in range(runs):
        turn = names[run % len(names) :] + names[: run % len(names)]
        for name in turn:
            times[name].append(time_to_screen(*programs[name]))
    return {
        name: (
            statistics.median(wall for wall, _main, _all in found),
            statistics.median(main for _wall, main, _all in found),
            statistics.median(every for _wall, _main, every in found),
        )
        for name, found in times.items()
    }


def copy_database(source: Path) -> Path:
    target = Path(tempfile.mkdtemp(prefix="tutor-bench-")) / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


async def keypress_to_next_card(db_url: str, answers: int) -> tuple[float, float]:
    """Median ms from a rating key's action to the next card fully laid out and rendered, wall
    and the main thread's CPU (less swayed by other processes' load).

    The key's handler runs (the answer is committed, the next card loaded and its widgets
    updated), then the screen is laid out and rendered in full as the compositor would before
    writing to the terminal.
    """
    from tutor.config import Settings
    from tutor.store.db import open_database
    from tutor.tui.app import TutorApp
    from tutor.tui.screens.review import ReviewScreen

    db = open_database(db_url)
    app = TutorApp(db, Settings(), start_in_review=True, sync=False)
    timings: list[tuple[float, float]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(answers):
            screen = app.screen
            if not isinstance(screen, ReviewScreen) or screen.presented is None:
                break
            await pilot.press("space")
            await pilot.pause()
            start, cpu = time.perf_counter(), time.thread_time()
            screen.action_digit(3)
            screen._refresh_layout(app.size)
            screen._compositor.render_update(full=True)
            timings.append((time.perf_counter() - start, time.thread_time() - cpu))
            await pilot.pause()
    db.close()
    wall = statistics.median(wall for wall, _cpu in timings)
    return wall * 1000, statistics.median(cpu for _wall, cpu in timings) * 1000


def deck_copies(deck: Path, copies: int, folder: Path) -> list[Path]:
    """The deck written `copies` times under other titles and card ids: more keys a run (the
    bundled deck alone gives 9, too few for a median at load)."""
    text = deck.read_text(encoding="utf-8")
    paths = []
    for n in range(1, copies + 1):
        path = folder / f"copy-{n}.md"
        copy = re.sub(r"^title: (.*)$", rf"title: \1 (copy {n})", text, count=1, flags=re.M)
        copy = re.sub(r"<!-- id: (\S+) -->", rf"<!-- id: \1-copy-{n} -->", copy)
        path.write_text(copy, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--synthetic", type=Path, help="a synthetic collection to start on too")
    parser.add_argument(
        "--before",
        type=Path,
        help="a folder holding another version's `tutor` package: its rows run too, same turns",
    )
    args = parser.parse_args()
    if not shutil.which("tmux"):
        raise SystemExit("needs tmux (apt-get install tmux)")
    # as an installed tutor runs: bytecode cached (this machine sets PYTHONDONTWRITEBYTECODE)
    compileall.compile_dir(str(ROOT / "tutor"), quiet=1)
    python = sys.executable
    tutor = str(Path(python).parent / "tutor")
    work = Path(tempfile.mkdtemp(prefix="tutor-bench-"))
    bare = work / "bare.py"
    bare.write_text(BARE_APP)
    deck = ROOT / "decks" / "edge-nn-optimization.md"
    seed_db = work / "seed.db"
    env = f"TUTOR_CONFIG={work / 'none.toml'}"
    subprocess.run(
        [tutor, "--db", str(seed_db), "import", str(deck)], check=True, capture_output=True
    )

    programs = {
        "bare Textual app (the floor)": (f"{python} {bare}", "BARE APP READY"),
        "tutor review, bundled deck": (f"{env} {tutor} --db {seed_db} review", "Reveal"),
        "tutor review PATH (imported, unchanged)": (
            f"{env} {tutor} --db {seed_db} review {deck}",
            "Reveal",
        ),
    }
    big = copy_database(args.synthetic) if args.synthetic else None
    if big is not None:
        programs["tutor review, synthetic collection"] = (
            f"{env} {tutor} --db {big} review",
            "Reveal",
        )
    if args.before is not None:
        compileall.compile_dir(str(args.before / "tutor"), quiet=1)
        for name, (command, marker) in list(programs.items())[1:]:
            programs[f"{name}, before"] = (f"PYTHONPATH={args.before} {command}", marker)
    medians = interleaved_medians(args.runs, programs)
    floor, floor_cpu, floor_all = medians["bare Textual app (the floor)"]
    print(
        f"start -> on screen, medians of {args.runs} interleaved runs "
        "(wall; main thread's CPU; all threads' CPU):"
    )
    for name, (wall, cpu, every) in medians.items():
        print(
            f"  {name + ':':50} {wall * 1000:6.0f} ms ({wall / floor:.2f}x)  "
            f"CPU {cpu * 1000:4.0f} ms ({cpu / floor_cpu:.2f}x)  "
            f"all {every * 1000:4.0f} ms ({every / floor_all:.2f}x)"
        )
    copies_db = work / "copies.db"
    subprocess.run(
        [tutor, "--db", str(copies_db), "import", *map(str, deck_copies(deck, 5, work))],
        check=True,
        capture_output=True,
    )
    keys = [("bundled deck", seed_db, 9), ("bundled deck x5", copies_db, 60)]
    if big is not None:
        keys.insert(0, ("synthetic", big, 60))
    for name, db, answers in keys:
        url = f"sqlite:///{copy_database(db) if db != big else db}"
        wall, cpu = asyncio.run(keypress_to_next_card(url, answers))
        label = f"keypress -> next card, {name}:"
        print(f"{label:40}{wall:6.1f} ms median (main thread's CPU {cpu:.1f} ms)")


if __name__ == "__main__":
    main()
