"""Benchmark: `tutor stats --json` on a large collection against the raw SQL floor (medians).

The floor is one GROUP BY over the whole review log through the stdlib sqlite3 module, measured
in the same run. Both the whole command (a new process) and the in-process computation are timed.

    python scripts/bench_stats.py --db bench-data/synthetic.db
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tutor.clock import utc_now
from tutor.config import Settings
from tutor.stats import compute
from tutor.store.db import open_database

FLOOR_SQL = "SELECT day, COUNT(*), SUM(rating > 1), SUM(duration_ms) FROM review GROUP BY day"
# the same GROUP BY kept off the day index: SQLite then scans the table in order, its fastest way
SCAN_SQL = FLOOR_SQL.replace("GROUP BY day", "GROUP BY day + 0")


def median_time(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    action()  # warm the cache
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with sqlite3.connect(args.db) as conn:
        reviews = conn.execute("SELECT COUNT(*) FROM review").fetchone()[0]

        def floor_query() -> None:
            conn.execute(FLOOR_SQL).fetchall()

        floor = median_time(floor_query, args.runs)
        scan = median_time(lambda: conn.execute(SCAN_SQL).fetchall(), args.runs)
    db = open_database(f"sqlite:///{args.db.resolve()}")
    in_process = median_time(lambda: compute(db, Settings(), utc_now()), args.runs)
    db.close()
    tutor = Path(sys.executable).parent / "tutor"
    command = [str(tutor), "--db", str(args.db), "stats", "--json"]
    whole = median_time(lambda: subprocess.run(command, check=True, capture_output=True), args.runs)
    print(f"{reviews} reviews, {args.runs} runs each")
    print(f"floor: one GROUP BY over the review log (sqlite3): {floor * 1000:7.0f} ms")
    print(
        f"  the same as a plain table scan (sqlite3):        {scan * 1000:7.0f} ms "
        f"(stats in process: {in_process / scan:.1f}x this)"
    )
    print(
        f"stats computed in process:                         {in_process * 1000:7.0f} ms "
        f"({in_process / floor:.2f}x)"
    )
    print(
        f"`tutor stats --json`, whole process:               {whole * 1000:7.0f} ms "
        f"({whole / floor:.2f}x)"
    )


if __name__ == "__main__":
    main()
