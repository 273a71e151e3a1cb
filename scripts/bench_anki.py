"""Benchmark against Anki in one run: storage, statistics, import, start-up and memory.

Builds (or reuses, cached under --work) the synthetic collection and an Anki collection of the
same shape (cards and review-log rows inserted in bulk with the `anki` package, the optional
`bench` extra), then prints tutor against Anki: bytes per review, statistics time (whole
processes, and in process against Anki's backend `graphs`), the import of 10,000 cards shaped
like the bundled deck against Anki's `add_notes`, first card on screen against a bare Textual
app, and the peak memory of a review session.

    pip install -e '.[bench]'
    python scripts/bench_anki.py --work bench-data --small     # 10k cards, 125k reviews
    python scripts/bench_anki.py --work bench-data             # 100k cards, 1.25M reviews
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
PYTHON = sys.executable
TUTOR = str(Path(PYTHON).parent / "tutor")
IMPORT_CARDS = 10_000
SMALL_IMPORT = 10
DAY_MS = 86_400_000


# --- sizes --------------------------------------------------------------------------------


def pages_in_use(path: Path, tables: tuple[str, ...] | None = None) -> int:
    """Bytes of the pages in use (dbstat when SQLite has it, else page_count minus freelist);
    with `tables`, only those tables and their indexes."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        try:
            if tables is None:
                return int(conn.execute("SELECT SUM(pgsize) FROM dbstat").fetchone()[0])
            marks = ",".join("?" * len(tables))
            names = [
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM sqlite_master WHERE tbl_name IN ({marks})", tables
                )
            ]
            marks = ",".join("?" * len(names))
            query = f"SELECT SUM(pgsize) FROM dbstat WHERE name IN ({marks})"
            return int(conn.execute(query, names).fetchone()[0] or 0)
        except sqlite3.OperationalError:
            if tables is not None:
                return 0
            size = conn.execute("PRAGMA page_size").fetchone()[0]
            count = conn.execute("PRAGMA page_count").fetchone()[0]
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            return int((count - free) * size)


def review_count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# --- building the collections ---------------------------------------------------------------


def build_tutor(work: Path, cards: int, reviews: int) -> Path:
    db = work / f"tutor-{cards}-{reviews}.db"
    if not db.exists():
        partial = db.with_suffix(".partial.db")
        partial.unlink(missing_ok=True)
        command = [PYTHON, str(SCRIPTS / "synthetic_collection.py"), "--db", str(partial)]
        command += ["--cards", str(cards), "--reviews", str(reviews)]
        subprocess.run(command, check=True, env=_env(work))
        with closing(sqlite3.connect(partial)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(db)
    return db


def build_anki(work: Path, tutor_db: Path) -> Path:
    """An Anki collection with tutor's decks, cards (FSRS memory states) and review log."""
    from anki.collection import Collection

    from tutor.card_options import decode_options

    target = work / f"anki-{tutor_db.stem.removeprefix('tutor-')}.anki2"
    if target.exists():
        return target
    partial = Path(tempfile.mkdtemp(dir=work)) / "collection.anki2"
    col = Collection(str(partial))
    col.set_config("fsrs", True)
    model = col.models.by_name("Basic")
    assert model is not None
    mid = model["id"]
    today = col.sched.today
    now_ms = int(time.time() * 1000)
    source = sqlite3.connect(f"file:{tutor_db}?mode=ro", uri=True)
    decks = {
        deck_id: col.decks.id(name)
        for deck_id, name in source.execute("SELECT id, name FROM deck").fetchall()
    }
    notes, anki_cards = [], []
    rows = source.execute(
        "SELECT id, deck_id, question, options, explanation, phase, stability, difficulty, "
        "due, last_review, reps, lapses FROM card ORDER BY id"
    )
    for cid, deck_id, question, options, explanation, phase, s, d, due, last, reps, lapses in rows:
        back = "<br>".join(f"{o['text']} — {o['reasoning']}" for o in decode_options(options))
        fields = f"{question}\x1f{back}<br>{explanation}"
        checksum = int(hashlib.sha1(question.encode()).hexdigest()[:8], 16)
        notes.append((cid, f"g{cid}", mid, now_ms // 1000, -1, "", fields, question, checksum))
        due_day = today + _days_between(due, now_ms) if due else cid
        ivl = max(0, _days_between(due, _ms(last))) if due and last else 0
        memory = json.dumps({"s": s, "d": d, "dr": 0.9}) if s else "{}"
        card_type = {0: 0, 1: 1, 2: 2, 3: 3}.get(phase, 0)
        head = (cid, cid, decks[deck_id], 0, now_ms // 1000, -1, card_type, card_type)
        anki_cards.append((*head, due_day, ivl, 2500 if phase else 0, reps, lapses, 0, 0, 0, 0))
        anki_cards[-1] += (memory,)
    col.db.executemany(
        "INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,0,'')",
        notes,  # type: ignore[arg-type]
    )
    col.db.executemany(
        "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        anki_cards,  # type: ignore[arg-type]
    )
    revlog, seen = [], set()
    for card_id, at, rating, interval, duration, phase_before in source.execute(
        "SELECT card_id, reviewed_at, rating, interval_days, duration_ms, phase_before "
        "FROM review ORDER BY id"
    ):
        moment = _ms(at)
        while moment in seen:
            moment += 1
        seen.add(moment)
        ivl = round(interval or 0)
        kind = {0: 0, 1: 0, 2: 1, 3: 2}.get(phase_before, 1)
        revlog.append((moment, card_id, -1, rating, ivl, ivl, 2500, duration or 0, kind))
    col.db.executemany(
        "INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)",
        revlog,  # type: ignore[arg-type]
    )
    source.close()
    col.close()
    partial.rename(target)
    return target


def _ms(value: str | int) -> int:
    """Milliseconds since 1970 of a stored time: the review log's integer microseconds, or the
    card table's fixed-width text."""
    if isinstance(value, int):
        return value // 1000
    return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp() * 1000)


def _days_between(text: str, since_ms: int) -> int:
    return (_ms(text) - since_ms) // DAY_MS


# --- timings ----------------------------------------------------------------------------------


def _env(work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_DATA_HOME": str(work / "xdg-data"),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),
        "TUTOR_CONFIG": str(work / "none.toml"),
    }


def run_timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved(runs: int, commands: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Medians of `runs` timings of each command, run in turn (a b c, a b c, ...)."""
    times = interleaved_times(runs, commands)
    return {name: statistics.median(values) for name, values in times.items()}


def interleaved_times(
    runs: int, commands: dict[str, Callable[[], float]]
) -> dict[str, list[float]]:
    """`runs` timings of each command, run in turn (a b c, a b c, ...)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(command())
    return times


def statistics_whole(work: Path, tutor_db: Path, anki: Path, runs: int) -> dict[str, float]:
    env = _env(work)
    tutor = [TUTOR, "--db", str(tutor_db), "stats", "--json", "--range", "year"]
    graphs = [PYTHON, __file__, "child-graphs", str(anki)]
    run_timed(tutor, env)  # warm the cache (and take the day's automatic backup)
    run_timed(graphs, env)
    return interleaved(
        runs, {"tutor": lambda: run_timed(tutor, env), "anki": lambda: run_timed(graphs, env)}
    )


def statistics_in_process(tutor_db: Path, anki: Path, runs: int) -> dict[str, float]:
    from anki.collection import Collection

    from tutor.clock import utc_now
    from tutor.config import Settings
    from tutor.stats import compute, compute_file
    from tutor.store.db import open_database

    db = open_database(f"sqlite:///{tutor_db}")
    col = Collection(str(anki))

    def tutor_stats() -> float:
        start = time.perf_counter()
        compute(db, Settings(), utc_now(), span="year")
        return time.perf_counter() - start

    def tutor_file() -> float:  # the stdlib's way, as `tutor stats` takes it on a file
        start = time.perf_counter()
        if compute_file(tutor_db, Settings(), utc_now(), span="year") is None:
            raise SystemExit(f"{tutor_db}: the stdlib cannot read its statistics")
        return time.perf_counter() - start

    def anki_graphs() -> float:
        start = time.perf_counter()
        col._backend.graphs(search="", days=365)
        return time.perf_counter() - start

    tutor_stats(), tutor_file(), anki_graphs()
    try:
        return interleaved(
            runs, {"tutor": tutor_stats, "tutor file": tutor_file, "anki": anki_graphs}
        )
    finally:
        col.close()
        db.close()


def import_decks(work: Path, runs: int) -> dict[str, list[float]]:
    """Whole processes: tutor importing a deck file, Anki adding the same cards as notes."""
    from make_deck import make_bundled_like

    from tutor.deck.parser import parse_file

    env = _env(work)
    commands: dict[str, Callable[[], float]] = {}
    for cards in (SMALL_IMPORT, IMPORT_CARDS):
        deck = work / f"import-{cards}.md"
        deck.write_text(make_bundled_like(cards, f"Import {cards}"), encoding="utf-8")
        notes = work / f"import-{cards}.json"
        notes.write_text(json.dumps([_note_fields(c) for c in parse_file(deck).cards]))

        def tutor(deck: Path = deck) -> float:
            target = Path(tempfile.mkdtemp(dir=work)) / "import.db"
            return run_timed([TUTOR, "--db", str(target), "import", str(deck)], env)

        def anki(notes: Path = notes) -> float:
            target = Path(tempfile.mkdtemp(dir=work)) / "import.anki2"
            return run_timed([PYTHON, __file__, "child-add-notes", str(notes), str(target)], env)

        commands[f"tutor {cards}"], commands[f"anki {cards}"] = tutor, anki
    tutor(), anki()  # warm the file cache
    return interleaved_times(runs, commands)


def print_import(work: Path, runs: int) -> None:
    """Print the marginal import cost of tutor and of Anki's `add_notes` (the difference of
    the medians, and the median of each round's difference: a round's four processes run
    back to back, so a slow stretch of the machine weighs on both sides of it), and the
    medians."""
    times = import_decks(work, runs)
    imports = {name: statistics.median(values) for name, values in times.items()}
    tutor_cost = imports[f"tutor {IMPORT_CARDS}"] - imports[f"tutor {SMALL_IMPORT}"]
    anki_cost = imports[f"anki {IMPORT_CARDS}"] - imports[f"anki {SMALL_IMPORT}"]
    print(
        f"import {IMPORT_CARDS} bundled-deck-shaped cards, over a {SMALL_IMPORT}-card import "
        f"(whole processes): tutor {tutor_cost:.2f} s  Anki add_notes {anki_cost:.2f} s  "
        f"({tutor_cost / anki_cost:.2f}x)"
    )
    paired = {
        who: statistics.median(
            large - small
            for large, small in zip(
                times[f"{who} {IMPORT_CARDS}"], times[f"{who} {SMALL_IMPORT}"], strict=True
            )
        )
        for who in ("tutor", "anki")
    }
    print(
        f"  each round's difference, median: tutor {paired['tutor']:.2f} s  "
        f"Anki {paired['anki']:.2f} s  ({paired['tutor'] / paired['anki']:.2f}x)"
    )
    print("  medians: " + "  ".join(f"{name} {seconds:.2f} s" for name, seconds in imports.items()))


def _note_fields(card: object) -> list[str]:
    from tutor.deck.models import Card

    assert isinstance(card, Card)
    options = "<br>".join(
        f"{'[x]' if o.correct else '[ ]'} {o.text} — {o.reasoning}" for o in card.options
    )
    return [f"{card.question}<br>{card.body}", f"{options}<br>{card.explanation}{card.answer}"]


def start_up(tutor_db: Path, runs: int) -> tuple[float, float]:
    """Seconds to the first card of `tutor review` on the collection, and to a bare Textual app."""
    import shutil

    from bench_startup import BARE_APP, copy_database, interleaved_medians

    if not shutil.which("tmux"):
        return float("nan"), float("nan")
    bare = Path(tempfile.mkdtemp()) / "bare.py"
    bare.write_text(BARE_APP)
    copy = copy_database(tutor_db)
    env = f"TUTOR_CONFIG={copy.parent / 'none.toml'} XDG_DATA_HOME={copy.parent}"
    medians = interleaved_medians(  # in turns, so a change of load falls on both
        runs,
        {
            "tutor": (f"{env} {TUTOR} --db {copy} review", "Reveal"),
            "bare": (f"{PYTHON} {bare}", "BARE APP READY"),
        },
    )
    return medians["tutor"][0], medians["bare"][0]


def review_memory(work: Path, tutor_db: Path) -> float:
    """Peak resident memory (MB) of a process running a review session of 30 answers."""
    from bench_startup import copy_database

    copy = copy_database(tutor_db)
    done = subprocess.run(
        [PYTHON, __file__, "child-review", str(copy)],
        check=True,
        env=_env(work),
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


# --- children: the processes timed ---------------------------------------------------------------


def child_graphs(collection: str) -> None:
    from anki.collection import Collection

    col = Collection(collection)
    col._backend.graphs(search="", days=365)
    col.close()


def child_add_notes(notes_file: str, collection: str) -> None:
    from anki.collection import AddNoteRequest, Collection

    fields = json.loads(Path(notes_file).read_text())
    col = Collection(collection)
    model = col.models.by_name("Basic")
    assert model is not None
    deck_id = col.decks.id("Import")
    assert deck_id is not None
    requests = []
    for front, back in fields:
        note = col.new_note(model)
        note["Front"], note["Back"] = front, back
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    col.close()


def child_review(db_path: str) -> None:
    import asyncio
    import resource

    from tutor.config import Settings
    from tutor.store.db import open_database
    from tutor.tui.app import TutorApp
    from tutor.tui.screens.review import ReviewScreen

    async def session() -> None:
        db = open_database(f"sqlite:///{db_path}")
        app = TutorApp(db, Settings(), start_in_review=True, sync=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(30):
                screen = app.screen
                if not isinstance(screen, ReviewScreen) or screen.presented is None:
                    break
                await pilot.press("space")
                await pilot.pause()
                await pilot.press("3")
                await pilot.pause()
        db.close()

    asyncio.run(session())
    # VmHWM, not ru_maxrss: Linux carries this benchmark's own peak into the child's ru_maxrss
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) / 1024)
            return
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


CHILDREN: dict[str, Callable[..., None]] = {
    "child-graphs": child_graphs,
    "child-add-notes": child_add_notes,
    "child-review": child_review,
}


# --- the report -----------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        CHILDREN[sys.argv[1]](*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, required=True, help="folder caching collections")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_250_000)
    parser.add_argument("--small", action="store_true", help="10k cards, 125k reviews")
    parser.add_argument("--runs", type=int, default=3, help="runs per median")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stats-only", action="store_true", help="stop after the statistics")
    parser.add_argument(
        "--import-only", action="store_true", help="only the import (no collections built)"
    )
    args = parser.parse_args()
    try:
        import anki  # noqa: F401
    except ImportError:
        raise SystemExit("needs the anki package: pip install -e '.[bench]'") from None
    random.seed(args.seed)
    # an installed tutor has its bytecode, as the anki package has; without it (an editable
    # install where PYTHONDONTWRITEBYTECODE is set) every child would compile every module
    compileall.compile_dir(str(ROOT / "tutor"), quiet=1)
    cards, reviews = (10_000, 125_000) if args.small else (args.cards, args.reviews)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(SCRIPTS))
    if args.import_only:
        print_import(work, args.runs)
        return

    tutor_db = build_tutor(work, cards, reviews)
    anki_db = build_anki(work, tutor_db)
    tutor_reviews = review_count(tutor_db, "review")
    anki_reviews = review_count(anki_db, "revlog")
    print(f"collections: {cards} cards; tutor {tutor_reviews} reviews, Anki {anki_reviews}")

    per_review = pages_in_use(tutor_db) / tutor_reviews
    anki_per_review = pages_in_use(anki_db) / anki_reviews
    print(
        f"bytes per review, whole file (pages in use): tutor {per_review:6.0f}  "
        f"Anki {anki_per_review:6.0f}  ({per_review / anki_per_review:.2f}x)"
    )
    log = (
        pages_in_use(tutor_db, ("review", "review_state", "review_choice", "card_option"))
        / tutor_reviews
    )
    anki_log = pages_in_use(anki_db, ("revlog",)) / anki_reviews
    if log and anki_log:
        print(
            f"bytes per review, log tables and indexes: tutor {log:6.0f}  Anki {anki_log:6.0f}  "
            f"({log / anki_log:.2f}x)"
        )

    whole = statistics_whole(work, tutor_db, anki_db, args.runs)
    print(
        f"statistics, whole process (year): tutor {whole['tutor']:.2f} s  "
        f"Anki {whole['anki']:.2f} s  ({whole['tutor'] / whole['anki']:.2f}x, medians)"
    )
    inside = statistics_in_process(tutor_db, anki_db, args.runs)
    print(
        f"statistics, in process: tutor compute {inside['tutor']:.2f} s  "
        f"Anki graphs {inside['anki']:.2f} s  ({inside['tutor'] / inside['anki']:.2f}x); "
        f"from the file with the stdlib {inside['tutor file']:.2f} s "
        f"({inside['tutor file'] / inside['anki']:.2f}x)"
    )
    if args.stats_only:
        return

    print_import(work, args.runs)

    first, floor = start_up(tutor_db, args.runs)
    print(
        f"first card on screen: tutor {first * 1000:.0f} ms  bare Textual app "
        f"{floor * 1000:.0f} ms  ({first / floor:.2f}x)"
    )
    print(f"peak memory of a review session (30 answers): {review_memory(work, tutor_db):.0f} MB")


if __name__ == "__main__":
    main()
