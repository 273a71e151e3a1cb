"""Today's queue, defined once: deck selection, learn-ahead, daily limits, order, burying and
suspension. Stdlib only (the first paint uses it before SQLAlchemy or fsrs load)."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from tutor import queue_sql as sql
from tutor.config import DeckSettings, Settings
from tutor.day import day_bounds, day_number
from tutor.deck.selection import DeckSelection
from tutor.errors import NotFoundError

LEARN_AHEAD = timedelta(minutes=20)  # a learning card due this soon is shown rather than waited for
RISK_BATCH = 8  # reviews read at a time per deck to find the most at risk (`Today.first`)
RISK_MARGIN = 1e-6  # ratios this close may rank either way in floating point: both are read
DEFAULT_DECAY = 0.1542  # fsrs's DEFAULT_PARAMETERS[20]; tests/test_queue_contract.py checks it


class Reader(Protocol):
    """Runs one of the queue's SQL texts (`tutor.queue_sql`) with named values."""

    def rows(self, sql: str, values: Mapping[str, Any]) -> list[Sequence[Any]]: ...

    def each(self, sql: str, values: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
        """The same rows one at a time, never all held at once (read before the next query)."""
        ...


@dataclass(frozen=True)
class DeckInfo:
    """A deck as the queue and the review engine need it (settings: its front matter)."""

    id: int
    name: str
    source_path: str | None
    source_hash: str | None
    settings: dict[str, Any]
    parameters: list[float] | None
    parameter_set_id: int | None


@dataclass(frozen=True)
class Done:
    """What a deck did today, against its daily limits: new cards introduced, reviews answered."""

    new: int = 0
    review: int = 0


def moment(value: Any) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives text, PostgreSQL a datetime; the
    review log's times are integer microseconds since 1970)."""
    if value is None:
        return None
    if isinstance(value, int):
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def stored_json(value: Any) -> Any:
    """A JSON column's value (SQLite gives text, PostgreSQL the decoded value)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def no_such_deck(names: Sequence[str]) -> NotFoundError:
    """The one message for deck names that select nothing."""
    return NotFoundError(
        f"no deck or file named {', '.join(names)!r}; `tutor decks` lists the decks"
    )


def read_decks(reader: Reader, names: Sequence[str] | None = None) -> list[DeckInfo]:
    """Decks in name order: all, or those the names select (each and its sub-decks)."""
    selected = DeckSelection(names) if names else None
    return [
        DeckInfo(int(i), name, path, digest, stored_json(raw) or {}, stored_json(params), set_id)
        for i, name, path, digest, raw, set_id, params in reader.rows(sql.DECKS, {})
        if selected is None or name in selected
    ]


def curve(parameters: Sequence[float] | None) -> tuple[float, float]:
    """(factor, decay) of FSRS's forgetting curve R = (1 + factor * days / stability) ** decay."""
    decay = -(parameters[20] if parameters and len(parameters) > 20 else DEFAULT_DECAY)
    return 0.9 ** (1 / decay) - 1, decay


def elapsed_over_stability(
    stability: float | None, last_review: datetime | None, at: datetime
) -> float | None:
    """Whole days since the last review over stability, as `recall` reads them (recall falls as
    this grows); None for a card `recall` puts first without it (no stability or last review)."""
    if not stability or stability < 0 or last_review is None:
        return None
    return max(0, (at - last_review).days) / stability


def recall(
    shape: tuple[float, float], stability: float | None, last_review: datetime | None, at: datetime
) -> float:
    """The predicted recall of a card at `at` (0 for a card never reviewed)."""
    if not stability or last_review is None:
        return 0.0
    factor, decay = shape
    return float((1 + factor * max(0, (at - last_review).days) / stability) ** decay)


@dataclass
class Today:
    """Today's queue over some decks, as read at `now`; each part is read when first asked for."""

    reader: Reader
    decks: dict[int, DeckInfo]
    options: dict[int, DeckSettings]
    now: datetime
    day: int
    day_end: datetime
    selected: list[int] | None  # None: every deck of the collection
    done: dict[int, Done] = field(default_factory=dict)

    @classmethod
    def read(
        cls, reader: Reader, settings: Settings, now: datetime, names: Sequence[str] | None = None
    ) -> Today:
        """The queue at `now` over the named decks (and their sub-decks), or every deck.

        NotFoundError if names are given and select no deck.
        """
        zone = settings.tzinfo()
        _start, day_end = day_bounds(now, settings.day_starts_at, zone)
        day = day_number(now, settings.day_starts_at, zone)
        decks = {d.id: d for d in read_decks(reader, names)}
        if names and not decks:
            raise no_such_deck(names)
        options = {d.id: settings.for_deck(d.name, d.settings) for d in decks.values()}
        selected = list(decks) if names else None
        today = cls(reader, decks, options, now, day, day_end, selected)
        today.done = {
            int(deck): Done(int(n or 0), int(r or 0))
            for deck, n, r in reader.rows(
                sql.DONE_TODAY.format(decks=sql.in_decks(selected, "u.deck_id")), {"day": day}
            )
        }
        return today

    def _values(self) -> dict[str, Any]:
        return {"now": self.now, "day_end": self.day_end}

    def new_allowance(self, deck_id: int) -> int:
        """New cards the deck may still introduce today."""
        return max(0, self.options[deck_id].new_per_day - self.done.get(deck_id, Done()).new)

    def review_allowance(self, deck_id: int) -> int:
        """Review cards the deck may still show today."""
        return max(0, self.options[deck_id].reviews_per_day - self.done.get(deck_id, Done()).review)

    def learning(self) -> list[tuple[datetime, int]]:
        """(due, card id) of learning and relearning cards due before the day ends, soonest
        first."""
        query = sql.LEARNING_DUE.format(decks=sql.in_decks(self.selected))
        found = [(moment(due), int(i)) for i, due in self.reader.rows(query, self._values())]
        return sorted((due, i) for due, i in found if due is not None)

    def reviews(self) -> list[int]:
        """Review cards due today, lowest predicted recall first, within each deck's limit.

        The due cards stream past: each deck keeps only as many as its limit lets it show (the
        most at risk), so a collection with 100,000 cards due holds a few hundred in memory.
        """
        query = sql.REVIEWS_DUE.format(decks=sql.in_decks(self.selected))
        shapes: dict[int, tuple[float, float]] = {}
        left = {deck_id: self.review_allowance(deck_id) for deck_id in self.decks}
        kept: dict[int, list[tuple[float, int]]] = {}  # per deck, a heap of (-risk, -card id)
        for card_id, deck_id, stability, last in self.reader.each(query, self._values()):
            room = left[deck_id]
            if room == 0:
                continue
            if deck_id not in shapes:
                shapes[deck_id] = curve(self.decks[deck_id].parameters)
            entry = (-recall(shapes[deck_id], stability, moment(last), self.now), -int(card_id))
            heap = kept.setdefault(deck_id, [])
            if len(heap) < room:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:  # more at risk than the least at risk kept
                heapq.heapreplace(heap, entry)
        ranked = sorted(
            (-risk, -card_id, deck_id) for deck_id, heap in kept.items() for risk, card_id in heap
        )
        return [card_id for _risk, card_id, _deck_id in ranked]

    def new_cards(self) -> Iterator[int]:
        """New cards deck by deck (decks in name order, cards in deck order), within the limits."""
        for deck_id in self.decks:
            allowance = self.new_allowance(deck_id)
            if allowance > 0:
                values = {"now": self.now, "deck": deck_id, "limit": allowance}
                yield from (int(row[0]) for row in self.reader.rows(sql.NEW_CARDS, values))

    def order(self) -> Iterator[int]:
        """The cards in the order a session hands them out at `now` (before any answer):
        learning cards due now, reviews, new cards, then learning cards due within LEARN_AHEAD."""
        learning = self.learning()
        yield from (card_id for due, card_id in learning if due <= self.now)
        yield from self.reviews()
        yield from self.new_cards()
        ahead = self.now + LEARN_AHEAD
        yield from (card_id for due, card_id in learning if self.now < due <= ahead)

    def first(self) -> int | None:
        """The card a new session shows first (None: nothing to review now): the first of
        `order()`, the reviews' head found without ranking every due card."""
        learning = self.learning()
        due_now = next((card_id for due, card_id in learning if due <= self.now), None)
        if due_now is not None:
            return due_now
        review = self._most_at_risk()
        if review is not None:
            return review
        new = next(self.new_cards(), None)
        if new is not None:
            return new
        ahead = self.now + LEARN_AHEAD
        return next((card_id for due, card_id in learning if self.now < due <= ahead), None)

    def _most_at_risk(self) -> int | None:
        """The first of `reviews()`: per deck with room, the cards with the largest bound on whole
        elapsed days over stability, ranked exactly, until no card left could rank first."""
        best: tuple[float, int] | None = None
        for deck_id in self.decks:
            if self.review_allowance(deck_id) > 0:
                found = self._deck_most_at_risk(deck_id)
                if found is not None and (best is None or found < best):
                    best = found
        return None if best is None else best[1]

    def _deck_most_at_risk(self, deck_id: int) -> tuple[float, int] | None:
        """(recall, card id) of the deck's most at-risk due review: read in descending order of
        an upper bound on its ratio until the bound falls below the largest exact ratio read."""
        shape = curve(self.decks[deck_id].parameters)
        limit = RISK_BATCH
        while True:
            values = {**self._values(), "deck": deck_id, "limit": limit}
            rows = self.reader.rows(sql.REVIEW_RISK_TOP, values)
            ranked = [
                (recall(shape, stability, moment(last), self.now), int(card_id))
                for card_id, stability, last, _bound in rows
            ]
            ratios = [
                elapsed_over_stability(stability, moment(last), self.now)
                for _card_id, stability, last, _bound in rows
            ]
            exact = max((r for r in ratios if r is not None), default=None)
            if len(rows) < limit or (
                exact is not None and float(rows[-1][3]) < exact * (1 - RISK_MARGIN)
            ):
                return min(ranked, default=None)
            limit *= 4
