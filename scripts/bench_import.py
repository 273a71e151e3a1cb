"""Benchmark: parse, first-time import and unchanged re-import of a large deck (medians)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_deck import make_deck

from tutor.clock import utc_now
from tutor.deck.parser import parse_file
from tutor.importer import import_paths
from tutor.store.db import open_database


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tutor-bench-"))
    deck = work / "big.md"
    deck.write_text(make_deck(args.cards, "Bench"), encoding="utf-8")

    parse, first, again, edited = [], [], [], []
    for run in range(args.repeat):
        parse.append(timed(lambda: parse_file(deck)))
        db = open_database(f"sqlite:///{work / f'run{run}.db'}")
        first.append(timed(lambda: import_paths(db, [deck], utc_now())))  # noqa: B023
        again.append(timed(lambda: import_paths(db, [deck], utc_now())))  # noqa: B023
        deck.write_text(deck.read_text() + "\n", encoding="utf-8")  # same cards, new bytes
        edited.append(timed(lambda: import_paths(db, [deck], utc_now())))  # noqa: B023
        deck.write_text(deck.read_text()[:-1], encoding="utf-8")
        db.close()

    def show(name: str, values: list[float]) -> float:
        median = statistics.median(values)
        per_card = median / args.cards * 1e6
        print(f"{name:<34} median {median * 1000:8.1f} ms  ({per_card:6.1f} us/card)")
        return median

    print(f"{args.cards} cards, {args.repeat} runs each (fresh database per run)")
    show("parse only (collector running)", parse)
    base = show("first import", first)
    unchanged = show("re-import, file unchanged", again)
    show("re-import, bytes changed, cards not", edited)
    anki = 69e-6 * args.cards
    print(f"first import vs Anki adding notes (69 us/note): {base / anki:.2f}x")
    print(f"unchanged re-import / first import: {unchanged / base:.4f}")


if __name__ == "__main__":
    main()
