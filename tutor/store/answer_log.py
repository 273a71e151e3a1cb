"""The fit's read of the review log: each card's answers by time, in card ranges, from a thread."""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import and_, rshift
from types import TracebackType
from typing import cast

from tutor.collection_file import damaged
from tutor.store.db import Database, sqlite_path
from tutor.store.fitting import AnswerRow, answer_rows

CARDS_PER_CHUNK = 2000  # cards a range holds (about 16,000 answers on a year's log)

# Two rows per card range, each written as text while its statement steps (the driver lets go
# of the GIL for the whole range): the range's cards with their answer counts (from the index
# alone), then every answer's time and day * 8 + rating (the index walked over the range: by
# card then id, no sort; by card then time, each card's answers sorted on their own).
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
# the cards' count sizes the ranges; the log's own first and last card bound them (each one
# lookup in the index)
_BOUNDS_SQL = (
    "SELECT (SELECT count(*) FROM card), (SELECT min(card_id) FROM review), "
    "(SELECT max(card_id) FROM review)"
)
_Texts = tuple[str, str, str, str]  # a range's cards, their answer counts, times, day * 8 + rating


@dataclass(frozen=True)
class AnswerColumns:
    """Answer rows of a range of cards as four columns, in the order they were read."""

    cards: list[int]
    times: list[int]  # microseconds since EPOCH
    ratings: list[int]
    days: list[int]  # learning days

    def rows(self) -> Iterator[AnswerRow]:
        return zip(self.cards, self.times, self.ratings, self.days, strict=True)


class AnswerLog:
    """Every answer (of the given decks, or all) by card then id, or with `by_time` by card then
    time (then id) as `answer_rows` gives them, read while the caller works through them:

        with AnswerLog(db, deck_ids) as log:
            prepared = fitting.prepare(log.rows())
        again = log.read_rows()  # the rows read, for a second pass

    By id is by time while each card's ids grow with its answers' times (the caller checks, and
    reads again by time when they do not: a history imported after later answers). On an SQLite
    file a thread reads card ranges on its own connection inside one read transaction (one
    snapshot, as one statement would see it) while the caller's pass works on the ranges
    already read; on another database, one `answer_rows` read (always by time)."""

    def __init__(
        self,
        db: Database,
        deck_ids: Sequence[int] | None,
        *,
        by_time: bool = False,
        cards_per_chunk: int | None = None,
    ) -> None:
        self._db = db
        self._by_time = by_time
        self._deck_ids = None if deck_ids is None else [int(i) for i in deck_ids]
        self._per_chunk = max(1, cards_per_chunk or CARDS_PER_CHUNK)
        self._chunks: list[AnswerColumns] = []
        self._ready: queue.SimpleQueue[_Texts | BaseException | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> AnswerLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def rows(self) -> Iterator[AnswerRow]:
        """The answer rows, range by range as they are read (once)."""
        return chain.from_iterable(map(AnswerColumns.rows, self._columns()))

    def read_rows(self) -> Iterator[AnswerRow]:
        """The rows `rows` gave, again (after it was worked through)."""
        return chain.from_iterable(map(AnswerColumns.rows, self._chunks))

    def __len__(self) -> int:
        return sum(len(chunk.cards) for chunk in self._chunks)

    def _columns(self) -> Iterator[AnswerColumns]:
        path = sqlite_path(self._db.url)
        if path is None:
            with self._db.read() as conn:
                rows = answer_rows(conn, self._deck_ids)
            columns = [list(column) for column in zip(*rows, strict=True)] or [[], [], [], []]
            chunk = AnswerColumns(*columns)
            self._chunks.append(chunk)
            yield chunk
            return
        self._thread = threading.Thread(
            target=self._read, args=(str(path),), name="tutor-answer-log", daemon=True
        )
        self._thread.start()
        while (texts := self._ready.get()) is not None:
            if isinstance(texts, BaseException):
                if isinstance(texts, sqlite3.DatabaseError):
                    raise damaged(path, texts) from None
                raise texts
            chunk = _columns(*texts)
            self._chunks.append(chunk)
            yield chunk

    def _read(self, path: str) -> None:
        try:
            conn = sqlite3.connect(path, timeout=10)
            try:
                conn.execute("BEGIN")
                for texts in self._ranges(conn):
                    if self._stop.is_set():
                        break
                    self._ready.put(texts)
            finally:
                conn.close()
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._ready.put(exc)
        self._ready.put(None)

    def _ranges(self, conn: sqlite3.Connection) -> Iterator[_Texts]:
        count, low, high = conn.execute(_BOUNDS_SQL).fetchone()
        if low is None:  # no answers
            return
        ranges = -(-max(1, count) // self._per_chunk)
        step = -(-(high - low + 1) // ranges)
        counts = counts_sql(self._deck_ids)
        answers = range_sql(self._deck_ids, by_time=self._by_time)
        for start in range(low, high + 1, step):
            bounds = (start, start + step)
            cards, numbers = conn.execute(counts, bounds).fetchone()
            if cards is not None:  # NULLs: a range without answers
                times, packed = conn.execute(answers, bounds).fetchone()
                yield cards, numbers, times, packed


def _columns(cards: str, counts: str, times: str, packed: str) -> AnswerColumns:
    """A range's columns from its texts (each the body of a JSON array of integers: the json
    module's C parser is the fastest integer parser the standard library has)."""
    ratings_days = _ints(packed)
    return AnswerColumns(
        list(chain.from_iterable(map(repeat, _ints(cards), _ints(counts)))),
        _ints(times),
        list(map(and_, ratings_days, repeat(7))),
        list(map(rshift, ratings_days, repeat(3))),
    )


def _ints(text: str) -> list[int]:
    return cast(list[int], json.loads(f"[{text}]"))


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
