"""Benchmark: answer -> next card ready, in process, on a (synthetic) collection, with its floor.

Works on a copy of the collection (made with SQLite's backup API), so the original is untouched.

    python scripts/bench_review.py --db bench-data/synthetic.db --answers 300
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tutor.config import Settings
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import open_database


def copy_database(source: Path) -> Path:
    target = Path(tempfile.mkdtemp(prefix="tutor-bench-")) / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def floor(path: Path, now: datetime, runs: int) -> tuple[float, float]:
    """Median of a raw durable commit (one update, one insert) and a raw 'next 200 due' query."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, v)")
    commits, queries = [], []
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    for i in range(runs):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE card SET version = version WHERE id = ?", (i % 1000 + 1,))
        conn.execute("INSERT INTO bench_floor (v) VALUES (?)", (i,))
        conn.execute("COMMIT")
        commits.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn.execute(
            "SELECT id, due, stability FROM card WHERE due < ? AND retired = 0 "
            "AND suspended = 0 ORDER BY due LIMIT 200",
            (stamp,),
        ).fetchall()
        queries.append(time.perf_counter() - start)
    conn.execute("DROP TABLE bench_floor")
    conn.close()
    return statistics.median(commits), statistics.median(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="an SQLite collection file")
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args()
    path = copy_database(args.db)
    now = datetime.now(UTC)
    commit_floor, query_floor = floor(path, now, 200)

    db = open_database(f"sqlite:///{path}")
    settings = Settings()  # the defaults: 20 new and 200 reviews per deck per day
    start = time.perf_counter()
    session = ReviewSession(db, settings, rng=random.Random(1), sync=False)
    opened = time.perf_counter() - start
    rng = random.Random(2)
    timings = []
    card = session.next_card()
    while card is not None and len(timings) < args.answers:
        start = time.perf_counter()
        right = [i for i, o in enumerate(card.card.options) if o["correct"]]
        session.grade(right if rng.random() < 0.85 else [], rng.randint(2000, 9000))
        session.answer(Grade.GOOD if rng.random() < 0.85 else Grade.AGAIN)
        card = session.next_card()
        timings.append(time.perf_counter() - start)
    db.close()

    median = statistics.median(timings)
    p90 = statistics.quantiles(timings, n=10)[-1]
    print(f"collection: {args.db} (worked on a copy)")
    print(
        f"session start (queue of {session.remaining().total + len(timings)} cards): "
        f"{opened * 1000:.0f} ms"
    )
    print(
        f"answer -> next card ready: median {median * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms "
        f"over {len(timings)} answers"
    )
    print(
        f"floor: durable commit {commit_floor * 1000:.2f} ms, raw next-200-due query "
        f"{query_floor * 1000:.2f} ms"
    )
    print(f"ratio to the floor (commit + query): {median / (commit_floor + query_floor):.1f}x")


if __name__ == "__main__":
    main()
