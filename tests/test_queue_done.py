"""What each deck did today, against its daily limits, read from the rollups (one small query
before the first card): the same numbers the review log gives, day after day, undo included."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from tests.conftest import SEED_DECK, WriteDeck
from tests.test_session import START, Clock, recall_deck
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.queue import Done, Today
from tutor.queue_sql import SqliteReader
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.state import Phase
from tutor.store.db import Database
from tutor.store.queue import StoreReader

# Per deck, on one learning day, from the log itself: answers to new cards, answers to review
# cards (every one, and each card's first of the day).
FROM_THE_LOG = (
    "SELECT c.deck_id, "
    f"SUM(CASE WHEN r.phase_before = {int(Phase.NEW)} THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN r.phase_before = {int(Phase.REVIEW)} THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN r.phase_before = {int(Phase.REVIEW)} AND r.first_of_day THEN 1 ELSE 0 END) "
    "FROM review r JOIN card c ON c.id = r.card_id WHERE r.day = ? GROUP BY c.deck_id"
)


def test_the_days_answers_per_deck_are_the_logs(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(db, [SEED_DECK, write_deck("r.md", recall_deck(12, "Recall"))], START)
    settings = Settings(
        timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=4, reviews_per_day=6)
    )
    clock = Clock(START)
    reviews_seen = limited = 0
    for day in range(16):
        clock.now = START + timedelta(days=day)
        session = ReviewSession(db, settings, clock=clock, sync=False)
        for step in range(14):
            if session.next_card() is None:
                break
            session.grade(None, 1000)
            session.answer(Grade.AGAIN if step % 5 == 0 else Grade.GOOD)
            if step in (2, 7):
                session.undo()  # an undone answer counts no more
            clock.advance(seconds=40)
        with db.read() as conn:
            stored = Today.read(StoreReader(conn), settings, clock.now)
        with sqlite3.connect(db_path) as conn:
            fast = Today.read(SqliteReader(conn), settings, clock.now)
            logged = conn.execute(FROM_THE_LOG, (stored.day,)).fetchall()
        expected = {int(deck): Done(new, first) for deck, new, _every, first in logged}
        assert stored.done == fast.done == expected
        assert all(every == first for _deck, _new, every, first in logged)
        reviews_seen += sum(done.review for done in expected.values())
        limited += sum(stored.review_allowance(deck) == 0 for deck in stored.decks)
    assert reviews_seen > 0 and limited > 0  # review answers counted, and a limit reached
