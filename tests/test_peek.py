"""The stdlib preview of the first card agrees with the session, whatever the queue holds."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import SEED_DECK, WriteDeck
from tests.test_session import START, Clock, recall_deck
from tutor.config import DeckSettings, Settings
from tutor.errors import NotFoundError
from tutor.importer import import_paths
from tutor.peek import first_card
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.db import Database


def test_preview_matches_the_sessions_first_card_over_40_days(
    db: Database, db_path: Path, write_deck: WriteDeck
) -> None:
    import_paths(db, [SEED_DECK, write_deck("r.md", recall_deck(12, "Other::Recall"))], START)
    settings = Settings(
        timezone="UTC", defaults=DeckSettings(fuzz=False, new_per_day=3, reviews_per_day=4)
    )
    clock, rng = Clock(), random.Random(5)
    compared = 0
    for day in range(40):
        for minutes in (0, 3, 45):
            clock.now = START + timedelta(days=day, minutes=minutes)
            for names in (None, ["Other"]):
                session = ReviewSession(db, settings, names, clock=clock, sync=False)
                shown = session.next_card()
                peeked = first_card(db_path, settings, clock.now, names)
                assert (peeked.id if peeked else None) == (shown.card.id if shown else None)
                if peeked and shown:
                    assert (peeked.question, peeked.options) == (
                        shown.card.question,
                        shown.card.options,
                    )
                compared += 1
            for _ in range(rng.randint(0, 4)):
                if session.current is None and session.next_card() is None:
                    break
                session.grade(None, 1000)
                session.answer(Grade(rng.choice([1, 3, 3, 4])))
                clock.advance(seconds=20)
    assert compared == 240


def test_unknown_deck_and_missing_collection(db_path: Path, tmp_path: Path) -> None:
    assert first_card(tmp_path / "none.db", Settings(), START) is None
    with pytest.raises(NotFoundError):
        first_card(tmp_path / "none.db", Settings(), START, ["Nope"])


def test_unchanged_decks_lets_review_skip_the_import(
    db: Database, db_path: Path, write_deck: WriteDeck, tmp_path: Path
) -> None:
    from tutor.peek import unchanged_decks

    path = write_deck("r.md", recall_deck(2, "Recall"))
    import_paths(db, [path], START)
    folder = str(tmp_path / "decks")
    assert unchanged_decks(db_path, [str(path)]) == ["Recall"]
    assert unchanged_decks(db_path, [folder]) == ["Recall"]
    write_deck("new.md", recall_deck(1, "New"))
    assert unchanged_decks(db_path, [folder]) is None  # a file never imported
    assert unchanged_decks(db_path, [str(path)]) == ["Recall"]
    path.write_text(path.read_text() + "\n## More\n\nyes\n", encoding="utf-8")
    assert unchanged_decks(db_path, [str(path)]) is None  # edited since
    assert unchanged_decks(db_path, [str(tmp_path / "missing.md")]) is None
