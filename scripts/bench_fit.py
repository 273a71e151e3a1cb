"""Benchmark: fitting FSRS to a log, tutor's whole path against fsrs-rs-python called directly.

For each size (synthetic collections of 10k, 100k and 1M reviews asked for, built once and cached
in --work) it times, in one process and interleaved:
- tutor: the answers read from the collection, the fitting cutoff, the training items, and the fit
  (what `tutor optimize` does before scoring), preparation included;
- fsrs-rs-python alone: `FSRS(defaults).compute_parameters(items)` on the same items;
and checks that both give the same parameters. Medians of --runs, of wall-clock time and of the
CPU time of the process and of any child process it waited for (steadier than wall-clock time
on a machine others load). tutor's time is also given in its two parts, everything before the
fit and its own fit call, so the fit call can be set against fsrs-rs-python's on the same items;
every second run calls fsrs-rs-python first (on the items of the run before: the file does not
change), so that neither call always comes right after the preparation.

    python scripts/bench_fit.py --work bench-data
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fsrs_rs_python as rs
from synthetic_collection import build

from tutor import fitting
from tutor.optimize import held_out_cut, read_and_prepare
from tutor.store.db import Database, open_database

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
SIZES = (10_000, 100_000, 1_000_000)  # reviews asked for; about 80% are written


def collection(work: Path, reviews: int) -> Path:
    """The synthetic collection with that many reviews asked for (built once)."""
    path = work / f"fit-{reviews}.db"
    if not path.exists():
        partial = work / f"fit-{reviews}.partial.db"
        partial.unlink(missing_ok=True)
        build(f"sqlite:///{partial}", max(100, reviews // 10), reviews, 10, 1, NOW)
        partial.rename(path)
    return path


@dataclass(frozen=True)
class TutorRun:
    """One run of tutor's path: what it fitted, on which items, and its times (wall, CPU)."""

    fitted: list[float]
    items: list[rs.FSRSItem]
    answers: int
    seconds: float
    cpu: float
    fit_seconds: float  # of which the fit call alone
    fit_cpu: float


def tutor_fit(db: Database) -> TutorRun:
    """tutor's path to fitted parameters (that of `tutor optimize`): read, cut, prepare, fit."""
    start, cpu = time.perf_counter(), process_and_children_cpu()
    prepared = read_and_prepare(db, None)
    cutoff = held_out_cut(prepared.later_day_times)
    assert cutoff is not None, "a benchmark collection has later-day answers"
    items = prepared.items_before(cutoff)
    fit_start, fit_cpu = time.perf_counter(), process_and_children_cpu()
    fitted = fitting.fit(items)
    end, end_cpu = time.perf_counter(), process_and_children_cpu()
    return TutorRun(
        fitted,
        items,
        len(prepared.reviews),
        end - start,
        end_cpu - cpu,
        end - fit_start,
        end_cpu - fit_cpu,
    )


def process_and_children_cpu() -> float:
    """CPU seconds of this process and of the child processes it waited for (none today: work
    handed to another process cannot look free)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def direct_fit(items: list[rs.FSRSItem]) -> tuple[list[float], float, float]:
    """fsrs-rs-python called directly on prepared items: its parameters and times (wall, CPU)."""
    start, cpu = time.perf_counter(), time.process_time()
    model = rs.FSRS(list(fitting.DEFAULT_PARAMETERS))
    fitted = [float(p) for p in model.compute_parameters(items)]
    return fitted, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder caching collections")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(
        f"{'reviews':>9} {'items':>8} {'tutor':>9} {'fsrs-rs':>9} {'ratio':>6} "
        f"{'tutor cpu':>9} {'rs cpu':>8} {'cpu ratio':>9} {'our fit cpu':>11} "
        f"{'before it':>9}  same parameters"
    )
    for size in args.sizes:
        db = open_database(f"sqlite:///{collection(args.work, size)}")
        runs: list[TutorRun] = []
        theirs: list[tuple[list[float], float, float]] = []
        try:
            for run in range(args.runs):
                if run % 2 and runs:  # fsrs-rs-python first, on the items of the run before
                    theirs.append(direct_fit(runs[-1].items))
                    runs.append(tutor_fit(db))
                else:
                    runs.append(tutor_fit(db))
                    theirs.append(direct_fit(runs[-1].items))
        finally:
            db.close()
        same = all(run.fitted == direct for run, (direct, _, _) in zip(runs, theirs, strict=True))
        mine = statistics.median(run.seconds for run in runs)
        peer = statistics.median(seconds for _, seconds, _ in theirs)
        my_cpu = statistics.median(run.cpu for run in runs)
        peer_cpu = statistics.median(cpu for _, _, cpu in theirs)
        fit_cpu = statistics.median(run.fit_cpu for run in runs)
        before_cpu = statistics.median(run.cpu - run.fit_cpu for run in runs)
        last = runs[-1]
        print(
            f"{last.answers:>9} {len(last.items):>8} {mine:>8.2f}s {peer:>8.2f}s "
            f"{mine / peer:>5.2f}x {my_cpu:>8.2f}s {peer_cpu:>7.2f}s {my_cpu / peer_cpu:>8.2f}x "
            f"{fit_cpu / peer_cpu:>10.2f}x {before_cpu / peer_cpu:>8.2f}x  "
            f"{'yes' if same else 'NO'}"
        )


if __name__ == "__main__":
    main()
