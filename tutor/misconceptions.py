"""Misconceptions, defined once: a card missed at least twice through the same distractor."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from tutor.store import choices as store
from tutor.store.db import Database

MISSES = 2  # answers that picked the same wrong option: from this many on, a misconception


@dataclass(frozen=True)
class Misconception:
    """A wrong option one card's answers picked at least MISSES times (over all its answers)."""

    card_id: int
    question: str
    deck: str
    option: str
    times: int
    last_picked: str  # ISO date of the learning day it was last picked

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "question": self.question,
            "deck": self.deck,
            "option": self.option,
            "times": self.times,
            "last_picked": self.last_picked,
        }


def find(db: Database, deck_ids: list[int] | None = None) -> list[Misconception]:
    """Every misconception of the active cards (of the given decks), most picked first."""
    with db.read() as conn:
        rows = store.repeated_wrong_picks(conn, deck_ids, MISSES)
    return [
        Misconception(card_id, question, deck, option, times, date.fromordinal(day).isoformat())
        for card_id, question, deck, option, times, day in rows
    ]


def per_deck(db: Database) -> dict[str, int]:
    """Cards with a misconception, counted per deck (a card with two counts once)."""
    cards = {(m.deck, m.card_id) for m in find(db)}
    return dict(Counter(deck for deck, _card in cards))


def last_wrong_choices(db: Database, card_id: int) -> list[str]:
    """The wrong options chosen the last time the card was answered (none if it was right)."""
    with db.read() as conn:
        return [text for text, right in store.last_choices(conn, card_id) if not right]
