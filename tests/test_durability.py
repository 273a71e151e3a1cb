"""Nothing acknowledged is lost: a learner killed at random moments, two learners at once."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import NOW, WriteDeck
from tutor import scheduling
from tutor.config import DeckSettings
from tutor.importer import import_paths
from tutor.scheduling import Grade, SchedulerSpec
from tutor.store import reviews as store
from tutor.store.db import Database
from tutor.store.tables import card_table, review_table

WORKER = [sys.executable, "-m", "tests.helpers.answer_worker"]
ROOT = Path(__file__).resolve().parent.parent


def deck(write_deck: WriteDeck, cards: int = 40) -> Path:
    return write_deck("d.md", "# D\n\n" + "".join(f"## Card {i}\n\nA{i}\n\n" for i in range(cards)))


def assert_consistent(db: Database, db_path: Path) -> None:
    """Integrity holds and every card's state is the replay of its own log."""
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert_replays(db)


def assert_replays(db: Database) -> None:
    """Every card's state is the replay of its own log (no answer lost or applied twice)."""
    spec = SchedulerSpec.for_deck(DeckSettings(fuzz=False))
    with db.read() as conn:
        for card_id in conn.execute(select(card_table.c.id)).scalars():
            answers = [(at, Grade(r)) for at, r in store.card_log(conn, card_id)]
            assert store.card_state(conn, card_id) == scheduling.rebuild(spec, card_id, answers)


def saved_ids(output: str) -> set[int]:
    return {int(line.split()[1]) for line in output.splitlines() if line.startswith("saved ")}


def stored_ids(db_path: Path) -> set[int]:
    with sqlite3.connect(db_path) as raw:
        return {row[0] for row in raw.execute("SELECT id FROM review")}


def test_killed_learner_loses_no_acknowledged_answer(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(db, [deck(write_deck)], NOW)
    rng = random.Random(20)
    acknowledged: set[int] = set()
    waited_for = 0
    for run in range(20):
        child = subprocess.Popen(
            [*WORKER, f"sqlite:///{db_path}", str(run), "100000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        wanted = rng.randint(
            1, 4
        )  # kill after this many acknowledgements, mid-way through the next
        seen = [child.stdout.readline() for _ in range(wanted)]
        waited_for += wanted
        time.sleep(rng.uniform(0, 0.02))  # jitter where in the next answer the kill lands
        child.kill()
        out, _ = child.communicate()
        acknowledged |= saved_ids("".join(seen) + out)
        assert acknowledged <= stored_ids(db_path), f"run {run} lost acknowledged answers"
    assert len(acknowledged) >= waited_for  # every run was killed after answers, not before
    assert_consistent(db, db_path)


def test_two_learners_at_once_lose_nothing(
    db: Database, db_url: str, write_deck: WriteDeck
) -> None:
    """Two devices (processes) answering the same cards at once, on SQLite and PostgreSQL."""
    import_paths(db, [deck(write_deck, cards=20)], NOW)
    children = [
        subprocess.Popen(
            [*WORKER, db_url, str(seed), "150", "--wait"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for seed in (1, 2)
    ]
    for child in children:  # both are up before either starts answering
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=120) for child in children]
    both = [saved_ids(out) for out, _ in results]
    for child, (out, err), saved in zip(children, results, both, strict=True):
        assert child.returncode == 0 and err == ""
        assert f"done {len(saved)}" in out and len(saved) > 10
    assert not both[0] & both[1]
    with db.read() as conn:
        assert both[0] | both[1] == set(conn.execute(select(review_table.c.id)).scalars())
        reps = conn.execute(select(func.sum(card_table.c.reps))).scalar()
        card_of: dict[int, int] = dict(
            conn.execute(select(review_table.c.id, review_table.c.card_id)).all()
        )
    assert reps == len(both[0]) + len(both[1])
    # they answered the same cards: most cards hold answers from both
    shared = {card_of[i] for i in both[0]} & {card_of[i] for i in both[1]}
    assert len(shared) > 10
    if db_url.startswith("sqlite:///"):  # SQLite's own integrity checks
        assert_consistent(db, Path(db_url.removeprefix("sqlite:///")))
    else:
        assert_replays(db)
