"""Misconceptions, defined once: a card missed at least twice through the same distractor."""

from __future__ import annotations

from collections import Counter
from datetime import date

from tutor.stats_data import Misconception, Misconceptions
from tutor.store import choices as store
from tutor.store.db import Database

MISSES = 2  # answers that picked the same wrong option: from this many on, a misconception


def find(db: Database, deck_ids: list[int] | None = None) -> list[Misconception]:
    """Every misconception of the active cards (of the given decks), most picked first: a wrong
    option picked in at least MISSES of the card's answers, over all of them (any range)."""
    with db.read() as conn:
        rows = store.repeated_wrong_picks(conn, deck_ids, MISSES)
    return [
        Misconception(card_id, question, deck, option, times, date.fromordinal(day).isoformat())
        for card_id, question, deck, option, times, day in rows
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
    with db.read() as conn:
        return [text for text, right in store.last_choices(conn, card_id) if not right]
