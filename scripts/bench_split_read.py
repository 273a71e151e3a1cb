"""Benchmark: a large plain deck's rows read serially and in two halves (medians, gc paused)."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_deck import make_bundled_like

from tutor.deck import plain_deck
from tutor.deck.plain_deck import read_plain_rows
from tutor.deck.rows import plain_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.2f}; {args.repeat} runs each, interleaved, gc paused")
    for cards in args.cards:
        text = make_bundled_like(cards, "Bench")
        begin = text.index("\n", text.index("---", 3)) + 1

        def serial() -> object:
            return plain_deck._read(text, begin, plain_row, tuple, plain_deck._cards)  # noqa: B023

        def split() -> object:
            return read_plain_rows(text, begin)  # noqa: B023

        assert serial() == split()
        times: dict[str, list[float]] = {"serial": [], "split": []}
        gc.disable()
        for _ in range(args.repeat):
            for name, read in (("serial", serial), ("split", split)):
                start = time.perf_counter()
                read()
                times[name].append(time.perf_counter() - start)
        gc.enable()
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        print(
            f"{cards:>6} cards ({len(text) / 1e6:.2f} MB): serial {medians['serial']:6.1f} ms, "
            f"split {medians['split']:6.1f} ms ({medians['split'] / medians['serial']:.2f}x)"
        )
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
