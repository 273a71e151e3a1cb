"""Benchmark: SQLite against PostgreSQL on the same synthetic collection (medians).

For each database: a Markdown deck imported into a new collection, the synthetic collection
(scripts/synthetic_collection.py) written, then on it a session start (queue built, first card
out), answer -> next card ready, and the statistics. Without --pg a throwaway server is started
with scripts/pg_server.sh (PostgreSQL 15 binaries; as root it runs as the `postgres` user).

    python scripts/bench_postgres.py            # 100k cards, 1M reviews
    python scripts/bench_postgres.py --small    # 10k cards, 100k reviews
    python scripts/bench_postgres.py --pg postgresql+psycopg://me@host/postgres
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_deck import make_deck
from synthetic_collection import build

from tutor.config import Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.stats import compute
from tutor.store.db import Database, open_database

PG_SERVER = Path(__file__).resolve().parent / "pg_server.sh"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


@contextmanager
def server(given: str | None) -> Iterator[str]:
    """The admin URL of a PostgreSQL server: the one given, else a throwaway one."""
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="tutor-bench-pg-")
    try:
        started = subprocess.run(
            [str(PG_SERVER), "start", folder], check=True, capture_output=True, text=True
        )
        yield started.stdout.strip()
    finally:
        subprocess.run([str(PG_SERVER), "stop", folder], check=False, capture_output=True)


class Databases:
    """New, empty databases: SQLite files in a temp folder, or databases on the server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.folder = Path(tempfile.mkdtemp(prefix="tutor-bench-"))
        self.created: list[str] = []

    def new(self, kind: str) -> str:
        name = f"tutor_bench_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            return f"sqlite:///{self.folder / name}.db"
        from sqlalchemy.engine import make_url

        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()


def bench_import(databases: Databases, kind: str, deck: Path, runs: int) -> float:
    def once() -> None:
        db = open_database(databases.new(kind))
        try:
            import_paths(db, [deck], NOW)
        finally:
            db.close()

    return median_ms(once, runs)


def bench_collection(db: Database, runs: int, answers: int) -> dict[str, float]:
    settings = Settings()  # the defaults: 20 new and 200 reviews per deck per day

    def start() -> ReviewSession:
        session = ReviewSession(db, settings, rng=random.Random(1), sync=False, clock=lambda: NOW)
        session.next_card()
        return session

    started = median_ms(start, runs)
    session = start()
    rng = random.Random(2)
    timings = []
    while session.current is not None and len(timings) < answers:
        begin = time.perf_counter()
        card = session.current
        right = [i for i, o in enumerate(card.card.options) if o["correct"]]
        session.grade(right if rng.random() < 0.85 else [], rng.randint(2000, 9000))
        session.answer(Grade.GOOD if rng.random() < 0.85 else Grade.AGAIN)
        session.next_card()
        timings.append(time.perf_counter() - begin)
    stats = median_ms(lambda: compute(db, settings, NOW), runs)
    return {
        "session start": started,
        "answer -> next card": statistics.median(timings) * 1000,
        "statistics": stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="10k cards, 100k reviews")
    parser.add_argument("--cards", type=int, help="cards in the synthetic collection")
    parser.add_argument("--reviews", type=int, help="reviews in the synthetic collection")
    parser.add_argument("--pg", help="a PostgreSQL URL whose user may CREATE DATABASE")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--deck-cards", type=int, default=5_000, help="cards in the deck imported")
    args = parser.parse_args()
    cards, reviews = (10_000, 100_000) if args.small else (100_000, 1_000_000)
    cards, reviews = args.cards or cards, args.reviews or reviews
    with server(args.pg) as admin_url:
        databases = Databases(admin_url)
        deck = databases.folder / "bench.md"
        deck.write_text(make_deck(args.deck_cards, "Bench"), encoding="utf-8")
        figures: dict[str, dict[str, float]] = {}
        try:
            for kind in ("sqlite", "postgresql"):
                row = {f"import {args.deck_cards} cards": bench_import(databases, kind, deck, 3)}
                url = databases.new(kind)
                begin = time.perf_counter()
                build(url, cards, reviews, 10, 1, NOW)
                row["write synthetic collection"] = (time.perf_counter() - begin) * 1000
                db = open_database(url)
                try:
                    row.update(bench_collection(db, args.runs, args.answers))
                finally:
                    db.close()
                figures[kind] = row
        finally:
            databases.drop_all()
    print(f"{cards} cards, {reviews} reviews; medians of {args.runs} runs ({args.answers} answers)")
    print(f"{'':<30} {'SQLite':>12} {'PostgreSQL':>12} {'ratio':>7}")
    for name, lite in figures["sqlite"].items():
        pg = figures["postgresql"][name]
        print(f"{name:<30} {lite:>9.1f} ms {pg:>9.1f} ms {pg / lite:>6.2f}x")


if __name__ == "__main__":
    main()
