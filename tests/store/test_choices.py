"""Chosen options stored once per card: a reworded option keeps the old choices' text."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from tests.conftest import NOW, WriteDeck
from tests.helpers.collection import _Clock
from tutor.config import DeckSettings, Settings
from tutor.importer import import_paths
from tutor.scheduling import Grade
from tutor.session import ReviewSession
from tutor.store.choices import last_choices, option_picks
from tutor.store.db import Database
from tutor.store.repository import export_collection

DECK = """\
# Bytes

## How many bits in a byte?

- [x] Eight — 2^3.
- [ ] Four — a nibble.
- [ ] Ten — decimal habit.
"""
SETTINGS = Settings(timezone="UTC", defaults=DeckSettings(fuzz=False))


def _answer_wrong(db: Database, clock: _Clock, wrong: str) -> int:
    """Answer the one card choosing the option `wrong`; return the card id."""
    session = ReviewSession(db, SETTINGS, clock=clock, sync=False)
    shown = session.next_card()
    assert shown is not None
    options = [o["text"] for o in shown.card.options]
    session.grade([options.index(wrong)], 5000)
    session.answer(Grade.AGAIN)
    return shown.card.id


def test_a_reworded_option_keeps_the_text_each_answer_chose(
    db: Database, write_deck: WriteDeck
) -> None:
    path = write_deck("bytes.md", DECK)
    import_paths(db, [path], NOW)
    clock = _Clock(NOW)
    card = _answer_wrong(db, clock, "Four")
    clock.now += timedelta(minutes=30)
    _answer_wrong(db, clock, "Four")
    path.write_text(DECK.replace("Four — a nibble", "Four (a nibble) — half a byte"))
    import_paths(db, [path], clock.now)
    clock.now += timedelta(days=1)
    _answer_wrong(db, clock, "Four (a nibble)")
    with db.read() as conn:
        [exported] = export_collection(conn)["cards"]
        options = conn.execute(
            text("SELECT number, text, correct FROM card_option ORDER BY number")
        ).all()
        assert last_choices(conn, card) == [("Four (a nibble)", False)]
        assert option_picks(conn, [card]) == {card: (3, {"Four": 2, "Four (a nibble)": 1})}
    assert [r["chosen"] for r in exported["reviews"]] == [
        [{"text": "Four", "correct": False}],
        [{"text": "Four", "correct": False}],
        [{"text": "Four (a nibble)", "correct": False}],
    ]
    assert [(n, t, bool(r)) for n, t, r in options] == [
        (0, "Four", False),
        (1, "Four (a nibble)", False),
    ]
