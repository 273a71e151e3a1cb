"""Benchmark: a large plain deck's rows read serially and in two halves (medians, gc paused).

In process: `read_plain_rows` with the split read and without it. With `--whole DIR`, also whole
processes importing a 10-card and a 10,000-card deck into a fresh file, interleaved, three ways:
as `tutor import` runs (the deck read ahead in a child while the database layer loads,
`tutor.deck.read_ahead`), the read ahead refused (the split read in the parent), both refused
(`may_fork` answering no): the marginal costs.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_deck import make_bundled_like

from tutor.deck import plain_deck
from tutor.deck.plain_deck import read_plain_rows
from tutor.deck.rows import plain_row

# A `tutor import` run by the CLI's own entry point, the read ahead and the split read refused
# when asked to.
IMPORT = """
import sys
from tutor.deck import read_ahead, split_read
if sys.argv[1] in ("split", "serial"):
    read_ahead.may_fork = lambda: False
if sys.argv[1] == "serial":
    split_read.may_fork = lambda: False
from tutor.cli import main
sys.argv = ["tutor", "--db", sys.argv[2], "import", sys.argv[3]]
main()
"""


def whole(work: Path, runs: int) -> None:
    """Print the marginal import cost of 10,000 cards over 10: read ahead, split, serial."""
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(work / "xdg-data"),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),
        "TUTOR_CONFIG": str(work / "none.toml"),
    }
    decks = {}
    for cards in (10, 10_000):
        decks[cards] = work / f"import-{cards}.md"
        decks[cards].write_text(make_bundled_like(cards, f"Import {cards}"), encoding="utf-8")

    def run(how: str, cards: int) -> float:
        target = Path(tempfile.mkdtemp(dir=work)) / "import.db"
        command = [sys.executable, "-c", IMPORT, how, str(target), str(decks[cards])]
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    ways = ("ahead", "split", "serial")
    names = [(how, cards) for how in ways for cards in (10, 10_000)]
    run("ahead", 10_000)  # warm the file cache
    times: dict[tuple[str, int], list[float]] = {name: [] for name in names}
    for _ in range(runs):
        for name in names:
            times[name].append(run(*name))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for how in ways:
        margin = medians[(how, 10_000)] - medians[(how, 10)]
        print(
            f"whole process, {how:>6}: 10 cards {medians[(how, 10)]:.3f} s, 10,000 cards "
            f"{medians[(how, 10_000)]:.3f} s, marginal {margin:.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--whole", type=Path, help="a folder for the whole-process imports")
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
    if args.whole:
        whole(args.whole, args.repeat)
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
