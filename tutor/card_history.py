"""A card's whole history for card info: every answer and practice answer, its tags, its curve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tutor.card_search import ListedCard, listed_card
from tutor.chosen import chosen_list
from tutor.config import Settings
from tutor.grades import Grade
from tutor.queue import Reader, curve, moment, read_decks, recall, stored_json

REVIEWS = (
    "SELECT r.chosen_numbers, r.reviewed_at, r.rating, r.suggested_rating, r.duration_ms, "
    "r.retrievability, r.correct FROM review r WHERE r.card_id = :card ORDER BY r.reviewed_at, r.id"
)
OPTIONS = "SELECT o.number, o.text FROM card_option o WHERE o.card_id = :card"
PRACTICE = (
    "SELECT p.practiced_at, p.rating, p.suggested_rating, p.duration_ms, p.retrievability, "
    "p.correct, p.chosen FROM practice p WHERE p.card_id = :card ORDER BY p.practiced_at, p.id"
)
CURVE_DAYS = (0, 1, 7, 30, 90, 365)


@dataclass(frozen=True)
class Answer:
    """One answer to the card: a real review, or practice (which left the schedule alone)."""

    at: datetime
    rating: int
    suggested: int | None
    chosen: tuple[str, ...]
    seconds: float
    recall: float | None
    correct: bool | None
    practice: bool

    @property
    def rating_name(self) -> str:
        return Grade(self.rating).name.capitalize()

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "rating": self.rating_name.lower(),
            "suggested": Grade(self.suggested).name.lower() if self.suggested else None,
            "chosen": list(self.chosen),
            "seconds": round(self.seconds, 1),
            "recall": self.recall,
            "correct": self.correct,
            "practice": self.practice,
        }


@dataclass(frozen=True)
class CardInfo:
    """A card with every answer, its tags, and its forgetting curve (days ahead, recall)."""

    card: ListedCard
    tags: tuple[str, ...]
    answers: list[Answer]
    forgetting: list[tuple[int, float]]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.card.to_json(),
            "tags": list(self.tags),
            "answers": [a.to_json() for a in self.answers],
            "forgetting_curve": [{"days": d, "recall": r} for d, r in self.forgetting],
        }


def card_info(reader: Reader, card_id: int, settings: Settings, now: datetime) -> CardInfo | None:
    """Everything card info shows (None: no such card)."""
    card = listed_card(reader, card_id, settings, now)
    if card is None:
        return None
    values = {"card": card_id}
    options = {int(number): str(text) for number, text in reader.rows(OPTIONS, values)}
    answers = [
        Answer(
            at,
            int(rating),
            suggested,
            tuple(options[n] for n in chosen_list(chosen) if n in options),
            ms / 1000,
            r,
            right,
            False,
        )
        for chosen, at, rating, suggested, ms, r, right in _timed(reader.rows(REVIEWS, values))
    ]
    answers += [
        Answer(
            at, int(rating), suggested, tuple(stored_json(picked) or ()), ms / 1000, r, right, True
        )
        for at, rating, suggested, ms, r, right, picked in _timed(
            reader.rows(PRACTICE, values), at=0
        )
    ]
    answers.sort(key=lambda a: a.at)
    return CardInfo(card, card.tags, answers, _forgetting(reader, card, now))


def _timed(rows: list[Any], at: int = 1) -> list[tuple[Any, ...]]:
    """Rows with the time column read as an aware datetime."""
    result = []
    for row in rows:
        values = list(row)
        values[at] = moment(values[at])
        result.append(tuple(values))
    return result


def _forgetting(reader: Reader, card: ListedCard, now: datetime) -> list[tuple[int, float]]:
    if card.stability is None or card.recall is None:
        return []
    deck = next((d for d in read_decks(reader) if d.name == card.deck), None)
    shape = curve(deck.parameters if deck else None)
    return [
        (days, recall(shape, card.stability, card.last_review, now + timedelta(days=days)))
        for days in CURVE_DAYS
    ]
