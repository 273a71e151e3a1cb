"""Every reader of today's queue agrees: the session, the first paint, `tutor due`, `tutor decks`,
the home screen's counts, the summary and the statistics, on one collection, day after day."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import fsrs

from tests.conftest import SEED_DECK, WriteDeck
from tests.test_session import START, Clock, recall_deck
from tutor import queue
from tutor.collection import deck_counts
from tutor.config import DeckSettings, Settings
from tutor.counts import due_today
from tutor.due import collection_due, due_counts_at
from tutor.importer import import_paths
from tutor.peek import first_card
from tutor.queue import Today
from tutor.queue_sql import SqliteReader
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.stats import compute
from tutor.store.db import Database
from tutor.store.queue import StoreReader

# Deck names that a LIKE would confuse (`_`, `%` are wildcards; LIKE ignores case on SQLite).
DECKS = {
    "a.md": recall_deck(4, "A_B::Sub"),
    "b.md": recall_deck(4, "AxB::Sub"),
    "c.md": recall_deck(3, "Pct%Deck"),
    "d.md": recall_deck(3, "PctXDeck"),
    "e.md": recall_deck(5, "Languages"),
    "f.md": "---\ntitle: Other::Recall\nshuffle: false\ndesired_retention: 0.8\n---\n\n"
    + "".join(f"## Other {i}\n\nAnswer {i}.\n\n" for i in range(6)),
}
SELECTIONS: list[list[str] | None] = [None, ["A_B"], ["languages"], ["Pct%Deck"], ["other"]]


def settings_in(zone: str) -> Settings:
    return Settings(
        timezone=zone,
        defaults=DeckSettings(fuzz=False, new_per_day=2, reviews_per_day=3),
        overrides={"Other": {"new_per_day": 1, "learning_steps": ("1m", "30m")}},
    )


def build(db: Database, write_deck: WriteDeck) -> None:
    paths = [write_deck(name, text) for name, text in DECKS.items()]
    import_paths(db, [SEED_DECK, *paths], START)


def session_order(
    db: Database, settings: Settings, names: list[str] | None, clock: Clock
) -> list[int]:
    """The cards a fresh session hands out, in order, without answering any."""
    session = ReviewSession(db, settings, names, clock=clock, sync=False)
    shown = []
    while (presented := session.next_card()) is not None:
        shown.append(presented.card.id)
    return shown


def test_every_reader_gives_the_same_cards_in_the_same_order_and_counts(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    build(db, write_deck)
    rng = random.Random(7)
    compared = reviews_seen = 0
    for zone in ("UTC", "Pacific/Auckland"):
        settings = settings_in(zone)
        clock = Clock(START)
        for day in range(12):
            for minutes in (0, 7, 50):
                clock.now = START + timedelta(days=day, minutes=minutes)
                for names in SELECTIONS:
                    order = session_order(db, settings, names, clock)
                    with sqlite3.connect(db_path) as conn:
                        fast = Today.read(SqliteReader(conn), settings, clock.now, names)
                        assert list(fast.order()) == order
                        counts = due_today(fast)
                    with db.read() as conn:
                        stored = Today.read(StoreReader(conn), settings, clock.now, names)
                        assert list(stored.order()) == order
                        assert due_today(stored) == counts
                    peeked = first_card(db_path, settings, clock.now, names)
                    assert (peeked.id if peeked else None) == (order[0] if order else None)
                    session = ReviewSession(db, settings, names, clock=clock, sync=False)
                    remaining = session.remaining()
                    assert remaining.total == sum(c.total for c in counts)
                    assert (remaining.new, remaining.review) == (
                        sum(c.new for c in counts),
                        sum(c.review for c in counts),
                    )
                    assert session.summary().still_due.total == remaining.total
                    compared += 1
                    reviews_seen += remaining.review
                _work_a_little(db, settings, clock, rng)
    assert compared == 2 * 12 * 3 * len(SELECTIONS)
    assert reviews_seen > 0  # review cards (and their daily limit) were part of the comparison


def _work_a_little(db: Database, settings: Settings, clock: Clock, rng: random.Random) -> None:
    """Answer, bury and suspend a few cards, as a learner would."""
    session = ReviewSession(db, settings, clock=clock, sync=False)
    for _ in range(rng.randint(1, 5)):
        if session.next_card() is None:
            return
        action = rng.random()
        if action < 0.1:
            session.bury()
        elif action < 0.15:
            session.suspend()
        else:
            session.grade(None, 1000)
            session.answer(Grade(rng.choice([1, 3, 3, 4])))
        clock.advance(seconds=20)


def test_deck_names_select_exactly_their_own_cards(db: Database, write_deck: WriteDeck) -> None:
    build(db, write_deck)
    settings = settings_in("UTC")
    expected = {
        "A_B": {"A_B::Sub"},
        "a_b::sub": {"A_B::Sub"},
        "languages": {"Languages"},
        "Pct%Deck": {"Pct%Deck"},
        "pct%": set(),
        "OTHER": {"Other::Recall"},
    }
    for name, decks in expected.items():
        with db.read() as conn:
            found = {d.name for d in queue.read_decks(StoreReader(conn), [name])}
        assert found == decks, name
    session = ReviewSession(db, settings, ["languages"], clock=Clock(), sync=False)
    assert [d.name for d in session.decks.values()] == ["Languages"]
    card = session.next_card()
    assert card is not None and card.card.deck_name == "Languages"


def test_commands_screens_summary_and_statistics_agree_on_every_count(
    db: Database, db_url: str, write_deck: WriteDeck
) -> None:
    build(db, write_deck)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    clock = Clock(START)
    session = ReviewSession(db, settings, clock=clock, sync=False)
    for step in range(14):  # answer some, bury one, suspend one
        assert session.next_card() is not None
        if step == 3:
            session.bury()
        elif step == 5:
            session.suspend()
        else:
            session.grade(None, 1000)
            session.answer(Grade.AGAIN if step % 3 == 0 else Grade.GOOD)
        clock.advance(minutes=1)
    for later in (timedelta(0), timedelta(hours=2), timedelta(days=1), timedelta(days=4)):
        now = START + later
        clock.now = now
        fast = due_counts_at(db_url, settings, now)  # `tutor due`
        assert collection_due(db, settings, now) == fast  # the home screen
        by_deck = {c.name: c.total for c in fast}
        assert {d.name: d.due for d in deck_counts(db, settings, now)} == by_deck  # `tutor decks`
        summary = ReviewSession(db, settings, clock=clock, sync=False).summary()
        assert summary.still_due.total == sum(by_deck.values())
        stats = compute(db, settings, now)
        due_now = stats.forecast.overdue + stats.forecast.days[0].due
        assert due_now == sum(c.learning + c.review for c in fast)  # limits are not reached
        assert stats.forecast.days[1].due == summary.due_tomorrow


def test_a_buried_card_is_due_nowhere_until_tomorrow(db: Database, db_url: str) -> None:
    import_paths(db, [SEED_DECK], START)
    settings = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))
    clock = Clock(START)
    session = ReviewSession(db, settings, clock=clock, sync=False)
    assert session.next_card() is not None
    session.grade(None, 1000)
    session.answer(Grade.AGAIN)  # in learning, due in a minute
    clock.advance(minutes=5)
    session = ReviewSession(db, settings, clock=clock, sync=False)
    assert session.next_card() is not None
    session.bury()
    [counts] = due_counts_at(db_url, settings, clock.now)
    assert (counts.learning, counts.new) == (0, 9)
    stats = compute(db, settings, clock.now)
    assert stats.forecast.overdue + stats.forecast.days[0].due == 0
    tomorrow = clock.now + timedelta(days=1)
    assert due_counts_at(db_url, settings, tomorrow)[0].learning == 1


def test_the_stdlib_forgetting_curve_is_fsrs_own() -> None:
    assert fsrs.scheduler.DEFAULT_PARAMETERS[20] == queue.DEFAULT_DECAY
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    assert queue.curve(None) == (scheduler._FACTOR, scheduler._DECAY)
