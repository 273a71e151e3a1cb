"""Benchmark: the card browser's first page of a search on a large collection (medians).

Each search runs as the browser runs it (tutor.card_search.search: the count and the first page
of 100 cards, in deck order) through the store, on a warm cache.

    python scripts/synthetic_collection.py --cards 100000 --db bench-data/synthetic.db
    python scripts/bench_browse.py --db bench-data/synthetic.db
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tutor.card_query import parse_query
from tutor.card_search import search
from tutor.clock import utc_now
from tutor.config import Settings
from tutor.store.db import open_database
from tutor.store.queue import StoreReader

SEARCHES = ("", "word", "_", "is:due", "is:review prop:lapses>3", "prop:r<0.7", "picked:", "tag:x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = open_database(f"sqlite:///{args.db}", create=False)
    settings = Settings()
    now = utc_now()
    try:
        with db.read() as conn:
            cards = conn.exec_driver_sql("SELECT COUNT(*) FROM card").scalar()
        print(f"{cards} cards; first page (100 cards) and the count, median of {args.runs}")
        for text in SEARCHES:
            query = parse_query(text)
            timings, total = [], 0
            for _ in range(args.runs + 1):  # the first run warms the cache
                start = time.perf_counter()
                with db.read() as conn:
                    total = search(StoreReader(conn), query, settings, now).total
                timings.append(time.perf_counter() - start)
            median = statistics.median(timings[1:])
            print(f"  {text or '(everything)':<26} {median:7.3f} s   {total:>7} cards match")
    finally:
        db.close()


if __name__ == "__main__":
    main()
