"""The fit's pass over card ranges of the review log: each answer's key, the items' bounds."""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, count, groupby, repeat
from operator import itemgetter

from tutor.errors import OutOfOrderError

MICROS_PER_DAY = 86_400_000_000
CARDS_PER_RANGE = 2000  # cards a statement reads (about 16,000 answers on a year's log)

# Two rows per card range, each written as text while its statement steps: the range's cards
# with their answer counts (from the index alone), then every answer's time and day * 8 + rating
# (the index walked over the range: by card then id, no sort; by card then time, each card's
# answers sorted on their own).
_COUNTS_SQL = (
    "SELECT group_concat(card_id), group_concat(n) FROM (SELECT r.card_id, count(*) AS n "
    "FROM review r{join} WHERE r.card_id >= ? AND r.card_id < ? GROUP BY r.card_id)"
)
_RANGE_SQL = (
    "SELECT group_concat(reviewed_at), group_concat(day * 8 + rating) FROM (SELECT r.reviewed_at, "
    "r.day, r.rating FROM review r{join} WHERE r.card_id >= ? AND r.card_id < ? ORDER BY {order})"
)
_BY_ID = "r.card_id, r.id"
_BY_TIME = "r.card_id, r.reviewed_at, r.id"
# the cards' count sizes the ranges; the log's own first and last card bound them
CARDS_SQL = "SELECT count(*) FROM card WHERE id >= ? AND id < ?"
BOUNDS_SQL = "SELECT (SELECT min(card_id) FROM review), (SELECT max(card_id) FROM review)"
Texts = tuple[str, str, str, str]  # a range's cards, their answer counts, times, day * 8 + rating


class LogArrays:
    """The pass over answer rows (by card then time), as lists of integers: every
    answer's key (whole 24-hour periods since its card's previous answer * 8 + rating; a card's
    first answer, its rating), each training item's bounds in the answers (its card's first
    answer, one past its own) and time, and the positions and times of the answers given on a
    later learning day than their card's previous one."""

    __slots__ = (
        "cards",
        "counts",
        "item_ends",
        "item_starts",
        "item_times",
        "keys",
        "later_positions",
        "later_times",
    )

    def __init__(self) -> None:
        self.cards: list[int] = []  # the card ids, in order
        self.counts: list[int] = []  # each card's answers
        self.keys: list[int] = []
        self.item_starts: list[int] = []
        self.item_ends: list[int] = []
        self.item_times: list[int] = []
        self.later_positions: list[int] = []
        self.later_times: list[int] = []

    def add(self, texts: Texts) -> None:
        """One range's texts (cards, their answer counts, times, day * 8 + rating) passed
        over."""
        cards, counts, times, packed = (_ints(text) for text in texts)
        self.add_columns(cards, counts, times, packed)

    def add_rows(self, rows: Iterable[tuple[int, int, int, int]]) -> None:
        """Answer rows (card, time, rating, day) by card then time passed over."""
        cards: list[int] = []
        counts: list[int] = []
        times: list[int] = []
        packed: list[int] = []
        for card, answers in groupby(rows, itemgetter(0)):
            if cards and card <= cards[-1]:
                raise OutOfOrderError(f"card {card} after card {cards[-1]}")
            before = len(times)
            for _card, at, rating, day in answers:
                times.append(at)
                packed.append(day * 8 + rating)
            cards.append(card)
            counts.append(len(times) - before)
        self.add_columns(cards, counts, times, packed)

    def add_columns(
        self, cards: list[int], counts: list[int], times: list[int], packed: list[int]
    ) -> None:
        """The answers of `cards` (each its count of them, in order) passed over."""
        base = len(self.keys)
        self.cards.extend(cards)
        self.counts.extend(counts)
        add_key, add_later = self.keys.append, self.later_times.append
        add_position = self.later_positions.append
        add_start, add_end, add_time = (
            self.item_starts.append,
            self.item_ends.append,
            self.item_times.append,
        )
        # each answer's card's first position, in C
        firsts = chain.from_iterable(map(repeat, accumulate(counts, initial=base), counts))
        start = -1
        previous = top = 0
        for end, first, at, key in zip(count(base + 1), firsts, times, packed, strict=False):
            if first != start:
                start = first
                add_key(key & 7)
            else:
                if key > top:  # a later learning day than the previous answer's
                    add_later(at)
                    add_position(end - 1)
                gap = at - previous
                if gap >= MICROS_PER_DAY:
                    add_key(gap // MICROS_PER_DAY * 8 + (key & 7))
                    add_start(start)
                    add_end(end)
                    add_time(at)
                elif gap >= 0:
                    add_key(key & 7)  # within 24 hours: no item
                else:
                    raise OutOfOrderError("a card's answers go back in time")
            previous, top = at, key | 7


def _ints(text: str) -> list[int]:
    # the body of a JSON array of integers: the json module's C parser is the fastest integer
    # parser the standard library has
    return json.loads(f"[{text}]")  # type: ignore[no-any-return]


def _join(deck_ids: Sequence[int] | None) -> str:
    if deck_ids is None:
        return ""
    ids = ", ".join(str(int(i)) for i in deck_ids) or "NULL"  # integers only: safe to render
    # CROSS JOIN: the review index drives, in its order (a JOIN starts from the decks' cards)
    return f" CROSS JOIN card c ON c.id = r.card_id AND c.deck_id IN ({ids})"


def counts_sql(deck_ids: Sequence[int] | None) -> str:
    """The statement counting one card range's answers per card (ids from ? up to ?)."""
    return _COUNTS_SQL.format(join=_join(deck_ids))


def range_sql(deck_ids: Sequence[int] | None, *, by_time: bool = False) -> str:
    """The statement reading one card range's answers (ids from ? up to ?, the second
    excluded)."""
    return _RANGE_SQL.format(join=_join(deck_ids), order=_BY_TIME if by_time else _BY_ID)


def range_bounds(
    conn: sqlite3.Connection, low: int, high: int, cards_per_range: int = CARDS_PER_RANGE
) -> list[tuple[int, int]]:
    """The card ranges from `low` up to `high` (excluded) of about `cards_per_range` cards."""
    cards = conn.execute(CARDS_SQL, (low, high)).fetchone()[0]
    parts = -(-max(1, cards) // max(1, cards_per_range))
    step = max(1, -(-(high - low) // parts))
    return [(start, min(high, start + step)) for start in range(low, high, step)]


def ranges(
    conn: sqlite3.Connection,
    bounds: Iterable[tuple[int, int]],
    deck_ids: Sequence[int] | None,
    *,
    by_time: bool = False,
) -> Iterator[Texts]:
    """The texts of the card ranges, in order (none for a range without answers)."""
    counts, answers = counts_sql(deck_ids), range_sql(deck_ids, by_time=by_time)
    for start_end in bounds:
        card_ids, numbers = conn.execute(counts, start_end).fetchone()
        if card_ids is not None:  # NULLs: a range without answers
            times, packed = conn.execute(answers, start_end).fetchone()
            yield card_ids, numbers, times, packed


def pass_over(
    conn: sqlite3.Connection,
    low: int,
    high: int,
    deck_ids: Sequence[int] | None,
    *,
    by_time: bool = False,
    cards_per_range: int = CARDS_PER_RANGE,
) -> LogArrays:
    """The LogArrays of the cards from `low` up to `high` (excluded), positions from 0: with
    more than one range, a thread steps the statements on `conn` (made with
    check_same_thread=False; the driver lets go of the GIL while SQLite works) while this one
    passes over the ranges already read."""
    result = LogArrays()
    bounds = range_bounds(conn, low, high, cards_per_range)
    if len(bounds) == 1:  # nothing to read beside the pass
        for only in ranges(conn, bounds, deck_ids, by_time=by_time):
            result.add(only)
        return result
    ready: queue.SimpleQueue[Texts | BaseException | None] = queue.SimpleQueue()
    stop = threading.Event()

    def read() -> None:
        try:
            for read_texts in ranges(conn, bounds, deck_ids, by_time=by_time):
                if stop.is_set():
                    break
                ready.put(read_texts)
        except BaseException as exc:  # handed to the passing thread, which raises it
            ready.put(exc)
            return
        ready.put(None)

    reader = threading.Thread(target=read, name="tutor-log-reader", daemon=True)
    reader.start()
    try:
        while (texts := ready.get()) is not None:
            if isinstance(texts, BaseException):
                raise texts
            result.add(texts)
    finally:
        stop.set()
        reader.join()
    return result
