"""One meaning for each count: due today, still due today, due tomorrow, next due, right.

Every screen and command asks these functions; they read through the queue's rules
(`tutor.queue`), so buried and suspended cards are never due.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from tutor import queue_sql as sql
from tutor.day import day_bounds
from tutor.queue import Today, moment


@dataclass(frozen=True)
class Counts:
    """Cards waiting, by kind: new, learning (and relearning), review."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class DueCounts(Counts):
    """What today's session holds for one deck, after the daily limits."""

    name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **{k: v for k, v in asdict(self).items() if k != "name"},
            "total": self.total,
        }


def due_today(today: Today) -> list[DueCounts]:
    """Per deck (in name order): the cards today's queue holds, after each deck's limits.

    The same cards `Today.order()` hands out, with learning cards due later today included.
    """
    query = sql.WAITING.format(decks=sql.in_decks(today.selected))
    waiting = {
        int(deck): (int(lrn or 0), int(rev or 0), int(new or 0))
        for deck, lrn, rev, new in today.reader.rows(
            query, {"now": today.now, "day_end": today.day_end}
        )
    }
    result = []
    for deck_id, deck in today.decks.items():
        learning, review, new = waiting.get(deck_id, (0, 0, 0))
        result.append(
            DueCounts(
                name=deck.name,
                new=min(new, today.new_allowance(deck_id)),
                learning=learning,
                review=min(review, today.review_allowance(deck_id)),
            )
        )
    return result


def total(counts: list[DueCounts]) -> Counts:
    """The counts of several decks added up."""
    return Counts(
        sum(c.new for c in counts), sum(c.learning for c in counts), sum(c.review for c in counts)
    )


def still_due_today(today: Today) -> Counts:
    """What is left of today's queue (read at `today.now`): what the summary says is still due."""
    return total(due_today(today))


def due_tomorrow(today: Today, day_starts_at: int, zone: Any) -> int:
    """Learning and review cards falling due during tomorrow's learning day (not today's)."""
    tomorrow_end = day_bounds(today.day_end + timedelta(hours=12), day_starts_at, zone)[1]
    query = sql.FALLING_DUE.format(decks=sql.in_decks(today.selected))
    values = {"now": today.day_end, "since": today.day_end, "until": tomorrow_end}
    return int(today.reader.rows(query, values)[0][0])


def next_due(today: Today) -> datetime | None:
    """When the next learning or review card falls due (None if none is scheduled)."""
    query = sql.NEXT_DUE.format(decks=sql.in_decks(today.selected))
    return moment(today.reader.rows(query, {"now": today.now})[0][0])


def is_right(correct: bool | None, rating: int) -> bool:
    """Whether an answer counts as right: a right choice, or (a recall card) a pass."""
    return rating > 1 if correct is None else correct
