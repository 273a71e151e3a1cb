"""Misconceptions, defined once: a card missed at least twice through the same distractor."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from tutor.queue import Reader
from tutor.queue_sql import in_decks
from tutor.stats_data import Misconception, Misconceptions
from tutor.stats_sql import REPEATED_WRONG_PICKS

if TYPE_CHECKING:
    from tutor.store.db import Database

MISSES = 2  # answers that picked the same wrong option: from this many on, a misconception


def find(db: Database, deck_ids: list[int] | None = None) -> list[Misconception]:
    """Every misconception of the active cards (of the given decks), most picked first: a wrong
    option picked in at least MISSES of the card's answers, over all of them (any range)."""
    from tutor.store.queue import StoreReader

    with db.read() as conn:
        return find_in(StoreReader(conn), deck_ids)


def find_in(reader: Reader, deck_ids: list[int] | None = None) -> list[Misconception]:
    """`find` over a reader of the collection's SQL (the stdlib's or the store's)."""
    rows = reader.rows(REPEATED_WRONG_PICKS.format(decks=in_decks(deck_ids)), {"at_least": MISSES})
    return [
        Misconception(
            int(i), str(q), str(d), str(o), int(n), date.fromordinal(int(day)).isoformat()
        )
        for i, q, d, o, n, day in rows
    ]


def summary(found: list[Misconception], top: int) -> Misconceptions:
    """How many there are, on how many cards, and the `top` most picked."""
    return Misconceptions(len(found), len({m.card_id for m in found}), tuple(found[:top]))


def per_deck(db: Database) -> dict[str, int]:
    """Cards with a misconception, counted per deck (a card with two counts once)."""
    cards = {(m.deck, m.card_id) for m in find(db)}
    return dict(Counter(deck for deck, _card in cards))


def last_wrong_choices(db: Database, card_id: int) -> list[str]:
    """The wrong options chosen the last time the card was answered (none if it was right)."""
    from tutor.store import choices as store

    with db.read() as conn:
        return [text for text, right in store.last_choices(conn, card_id) if not right]
