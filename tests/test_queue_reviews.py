"""Today's reviews read as a stream: each deck's most at-risk cards within its limit, in the
order the whole list sorted by predicted recall would give, through either reader; and the first
card found without ranking them all is the same card."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import WriteDeck
from tests.test_session import START, recall_deck
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.queue import Reader, Today, curve, moment, recall
from tutor.queue_sql import REVIEWS_DUE, SqliteReader, in_decks, stamp
from tutor.state import Phase
from tutor.store.db import Database, open_database
from tutor.store.queue import StoreReader

NOW = START + timedelta(days=90)


@pytest.fixture
def due_collection(tmp_path: Path, write_deck: WriteDeck) -> Iterator[tuple[Database, Path]]:
    """Three decks of 40 review cards each, all due, with recall spread (and some ties)."""
    path = tmp_path / "due.db"
    db = open_database(f"sqlite:///{path}")
    decks = [write_deck(f"{name}.md", recall_deck(40, name)) for name in ("Alpha", "Beta", "Gamma")]
    import_paths(db, decks, START)
    rng = random.Random(5)
    with db.write() as conn:
        for card_id in range(1, 121):
            last = START + timedelta(
                days=rng.choice([10, 20, 20, 30, 45, 60, 95]),  # 95: answered "in the future"
                microseconds=rng.choice([0, 0, 1, -1]),  # a microsecond either side of a day
            )
            conn.execute(
                text(
                    "UPDATE card SET phase = :phase, stability = :stability, difficulty = 5, "
                    "last_review = :last, due = :due, reps = 3 WHERE id = :id"
                ),
                {
                    "phase": int(Phase.REVIEW),
                    "stability": rng.choice([1.5, 4.0, 4.0, 9.0, 30.0, 80.0]),
                    "last": stamp(last),
                    "due": stamp(NOW - timedelta(hours=rng.randint(1, 500))),
                    "id": card_id,
                },
            )
    yield db, path
    db.close()


def by_definition(reader: Reader, today: Today) -> list[int]:
    """Every due review sorted by predicted recall (then id), each deck cut at its allowance."""
    rows = reader.rows(REVIEWS_DUE.format(decks=in_decks(today.selected)), today._values())
    ranked = sorted(
        (recall(curve(today.decks[d].parameters), s, moment(last), today.now), int(i), int(d))
        for i, d, s, last in rows
    )
    left = {deck_id: today.review_allowance(deck_id) for deck_id in today.decks}
    chosen = []
    for _risk, card_id, deck_id in ranked:
        if left[deck_id] > 0:
            left[deck_id] -= 1
            chosen.append(card_id)
    return chosen


@pytest.mark.parametrize(
    ("limit", "overrides"),
    [
        (1000, {}),
        (7, {}),
        (0, {}),
        (5, {"Beta": {"reviews_per_day": 0}, "Gamma": {"reviews_per_day": 40}}),
    ],
)
def test_each_deck_keeps_its_most_at_risk_cards_in_recall_order(
    due_collection: tuple[Database, Path], limit: int, overrides: dict[str, dict[str, int]]
) -> None:
    db, path = due_collection
    settings = Settings(
        timezone="UTC", defaults=DeckSettings(reviews_per_day=limit), overrides=overrides
    )
    with db.read() as conn:
        store_reader = StoreReader(conn)
        expected = by_definition(store_reader, Today.read(store_reader, settings, NOW))
        through_store = Today.read(store_reader, settings, NOW).reviews()
    with sqlite3.connect(path) as conn:
        through_stdlib = Today.read(SqliteReader(conn), settings, NOW).reviews()
    assert through_store == through_stdlib == expected
    per_deck = {1: 0, 2: 0, 3: 0}
    for card_id in expected:
        per_deck[(card_id - 1) // 40 + 1] += 1
    wanted = {"Alpha": limit, **{k: v["reviews_per_day"] for k, v in overrides.items()}}
    assert per_deck[1] == min(40, wanted["Alpha"])
    assert per_deck[2] == min(40, wanted.get("Beta", limit))
    assert per_deck[3] == min(40, wanted.get("Gamma", limit))


def test_a_deck_selection_streams_only_its_own_due_cards(
    due_collection: tuple[Database, Path],
) -> None:
    _db, path = due_collection
    settings = Settings(timezone="UTC", defaults=DeckSettings(reviews_per_day=6))
    with sqlite3.connect(path) as conn:
        reader = SqliteReader(conn)
        today = Today.read(reader, settings, NOW, ["gamma"])
        chosen = today.reviews()
        assert chosen == by_definition(reader, today)
    assert len(chosen) == 6 and all(81 <= card_id <= 120 for card_id in chosen)


@pytest.mark.parametrize("hours", [0, 5, 23, 24 * 3 + 1, 24 * 30])
@pytest.mark.parametrize(
    ("limit", "overrides"),
    [(3, {}), (3, {"Alpha": {"reviews_per_day": 0}}), (0, {"Beta": {"reviews_per_day": 1}})],
)
def test_the_first_card_is_the_head_of_the_whole_order(
    due_collection: tuple[Database, Path],
    hours: int,
    limit: int,
    overrides: dict[str, dict[str, int]],
) -> None:
    db, path = due_collection
    settings = Settings(
        timezone="UTC", defaults=DeckSettings(reviews_per_day=limit), overrides=overrides
    )
    now = NOW + timedelta(hours=hours, microseconds=hours)
    with db.read() as conn:
        today = Today.read(StoreReader(conn), settings, now)
        expected = next(today.order(), None)
        assert today.first() == expected
    with sqlite3.connect(path) as conn:
        for names in (None, ["beta"], ["alpha", "gamma"]):
            today = Today.read(SqliteReader(conn), settings, now, names)
            assert today.first() == next(today.order(), None)
    assert expected is not None


@pytest.mark.parametrize(
    "special", [None, "stability = 0", "stability = NULL", "last_review = NULL"]
)
def test_the_first_card_among_more_ties_than_one_read_holds(
    due_collection: tuple[Database, Path], special: str | None
) -> None:
    db, path = due_collection
    with db.write() as conn:  # Beta's 40 cards tie at 200 elapsed days over stability; the
        # lowest id (first in recall order) has the smallest upper bound on it, so is read last
        conn.execute(
            text("UPDATE card SET stability = 1.0, last_review = :last WHERE deck_id = 2"),
            {"last": stamp(NOW - timedelta(days=200))},
        )
        conn.execute(
            text("UPDATE card SET stability = 2.0, last_review = :last WHERE id = 41"),
            {"last": stamp(NOW - timedelta(days=400))},
        )
        if special is not None:  # a card recall() puts first whatever its ratio
            conn.execute(text(f"UPDATE card SET {special} WHERE id IN (77, 78)"))
    settings = Settings(timezone="UTC", defaults=DeckSettings(reviews_per_day=10))
    with sqlite3.connect(path) as conn:
        today = Today.read(SqliteReader(conn), settings, NOW)
        first = today.first()
        assert first == next(today.order(), None)
    assert first == (41 if special is None else 77)
