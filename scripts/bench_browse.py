"""Benchmark: the card browser's searches on a large collection (medians of warm runs).

For each search, as the browser runs it through the store: the first page of 100 cards in deck
order (`find_page`, what the table shows at once), the count (`count_matches`, read afterwards in a
worker), the page 10,000 cards down (scrolling), and, as the peer measured in the same runs, the
page with the count (`search`, what `tutor cards` prints). The measures are interleaved, so load
from other programs falls on each alike. --plans prints SQLite's query plan of each search.

    python scripts/synthetic_collection.py --cards 100000 --db bench-data/synthetic.db
    python scripts/bench_browse.py --db bench-data/synthetic.db
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tutor.card_query import parse_query
from tutor.card_search import compile_query, count_matches, find_page, search
from tutor.clock import utc_now
from tutor.config import Settings
from tutor.queue import Reader
from tutor.store.db import Database, open_database
from tutor.store.queue import StoreReader

SEARCHES = (
    "",
    "word",
    "_",
    "question",
    "is:due",
    "is:review prop:lapses>3",
    "prop:r<0.7",
    "picked:",
    "tag:x",
)
DEEP = 10_000


def timed(db: Database, read: Callable[[Reader], object]) -> float:
    start = time.perf_counter()
    with db.read() as conn:
        read(StoreReader(conn))
    return time.perf_counter() - start


def plans(db: Database, settings: Settings) -> None:
    now = utc_now()
    with db.read() as conn:
        reader = StoreReader(conn)
        for text in SEARCHES:
            compiled = compile_query(reader, parse_query(text), settings, now)
            where = f"FROM card c WHERE {compiled.where}"
            for what, sql in (
                ("page", f"SELECT c.id {where} ORDER BY {compiled.order} LIMIT 101"),
                ("count", f"SELECT COUNT(*) {where}"),
            ):
                steps = reader.rows(f"EXPLAIN QUERY PLAN {sql}", compiled.values)
                print(f"  {text or '(everything)':<26} {what:<6} {'; '.join(s[3] for s in steps)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plans", action="store_true", help="print each search's query plan")
    args = parser.parse_args()
    db = open_database(f"sqlite:///{args.db}", create=False)
    settings = Settings()
    now = utc_now()
    try:
        with db.read() as conn:
            cards = conn.exec_driver_sql("SELECT COUNT(*) FROM card").scalar()
        if args.plans:
            plans(db, settings)
        print(f"{cards} cards; seconds, median of {args.runs} warm runs")
        print(
            f"  {'search':<26} {'1st page':>8} {'count':>7} {'page@10k':>8} "
            f"{'page+count':>10} {'ratio':>5} {'matches':>8}"
        )
        for text in SEARCHES:
            query = parse_query(text)
            measures: dict[str, Callable[[Reader], object]] = {
                "first": partial(find_page, query=query, settings=settings, now=now),
                "count": partial(count_matches, query=query, settings=settings, now=now),
                "deep": partial(find_page, query=query, settings=settings, now=now, offset=DEEP),
                "peer": partial(search, query=query, settings=settings, now=now),
            }
            timings: dict[str, list[float]] = {name: [] for name in measures}
            for run in range(args.runs + 1):  # the first run warms the cache
                for name, read in measures.items():
                    seconds = timed(db, read)
                    if run:
                        timings[name].append(seconds)
            first, count, deep, peer = (statistics.median(t) for t in timings.values())
            with db.read() as conn:
                total = count_matches(StoreReader(conn), query, settings, now)
            print(
                f"  {text or '(everything)':<26} {first:8.3f} {count:7.3f} {deep:8.3f} "
                f"{peer:10.3f} {first / peer:5.2f} {total:>8}"
            )
    finally:
        db.close()


if __name__ == "__main__":
    main()
