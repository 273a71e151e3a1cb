"""The queue's SQL text, written once, and the stdlib sqlite3 reader that runs it for a fast start.

The same text runs through SQLAlchemy on any database (`tutor.store.queue.StoreReader`). It uses
only what SQLite and PostgreSQL share: named parameters, TRUE/FALSE, CASE, GROUP BY. Phase codes
come from `tutor.state.Phase`; deck ids (integers) are inlined.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tutor.collection_file import check_header, schema_version_of, unreadable
from tutor.errors import StoreError
from tutor.state import Phase

NEW = int(Phase.NEW)
REVIEW = int(Phase.REVIEW)
LEARNING = f"({int(Phase.LEARNING)}, {int(Phase.RELEARNING)})"

# Available: not retired, not suspended, not buried past :now. Written here once.
AVAILABLE = (
    "c.retired = FALSE AND c.suspended = FALSE "
    "AND (c.buried_until IS NULL OR c.buried_until <= :now)"
)

DECKS = (
    "SELECT d.id, d.name, d.source_path, d.source_hash, d.settings, d.parameter_set_id, "
    "p.parameters FROM deck d LEFT JOIN parameter_set p ON p.id = d.parameter_set_id "
    "ORDER BY d.name, d.id"
)

# Per deck: (new cards introduced, review cards answered) on learning day :day, from the
# rollups kept with each answer and undo (`tutor.store.rollups`): answers to new cards, and first
# answers of the day to review cards (a review card is counted once a day). `{decks}` on `u`.
DONE_TODAY = (
    "SELECT u.deck_id, SUM(u.new), SUM(u.young + u.mature) FROM review_rollup u "
    "WHERE u.day = :day {decks} GROUP BY u.deck_id"
)

# `NOT c.retired`: SQLite reads the few learning cards through ix_card_queue (phase, due) rather
# than every entry of ix_card_browse (retired, ...).
_AVAILABLE_BY_PHASE = AVAILABLE.replace("c.retired = FALSE", "NOT c.retired")
LEARNING_DUE = (
    f"SELECT c.id, c.due FROM card c WHERE {_AVAILABLE_BY_PHASE} {{decks}} "
    f"AND c.phase IN {LEARNING} AND c.due < :day_end"
)

REVIEWS_DUE = (
    f"SELECT c.id, c.deck_id, c.stability, c.last_review FROM card c WHERE {AVAILABLE} {{decks}} "
    f"AND c.phase = {REVIEW} AND c.due < :day_end"
)

NEW_CARDS = (
    f"SELECT c.id FROM card c WHERE {AVAILABLE} AND c.deck_id = :deck AND c.phase = {NEW} "
    "ORDER BY c.position, c.id LIMIT :limit"
)

# Per deck, before the daily limits: learning due today, reviews due today, new cards.
WAITING = (
    "SELECT c.deck_id, "
    f"SUM(CASE WHEN c.phase IN {LEARNING} AND c.due < :day_end THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN c.phase = {REVIEW} AND c.due < :day_end THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN c.phase = {NEW} THEN 1 ELSE 0 END) "
    f"FROM card c WHERE {AVAILABLE} {{decks}} GROUP BY c.deck_id"
)

# Learning and review cards falling due in [:since, :until) and available by :now.
FALLING_DUE = (
    f"SELECT COUNT(*) FROM card c WHERE {AVAILABLE} {{decks}} AND c.phase <> {NEW} "
    "AND c.due >= :since AND c.due < :until"
)

NEXT_DUE = f"SELECT MIN(c.due) FROM card c WHERE {AVAILABLE} {{decks}} AND c.phase <> {NEW}"

CONTENT = (
    "SELECT c.id, c.deck_id, c.kind, c.question, c.body, c.options, c.explanation, c.answer, "
    "c.source_line FROM card c WHERE c.id = :card"
)

# Custom study (tutor.study): cards falling due before :until, soonest first; cards rated Again
# on learning day :since or later, most recently failed first; every available card.
DUE_BEFORE = (
    f"SELECT c.id FROM card c WHERE {AVAILABLE} {{decks}} AND c.phase <> {NEW} "
    "AND c.due < :until ORDER BY c.due, c.id"
)
FAILED_SINCE = (
    f"SELECT c.id FROM card c JOIN review r ON r.card_id = c.id WHERE {AVAILABLE} {{decks}} "
    "AND r.rating = 1 AND r.day >= :since GROUP BY c.id ORDER BY MAX(r.reviewed_at) DESC, c.id"
)
AVAILABLE_CARDS = f"SELECT c.id FROM card c WHERE {AVAILABLE}"


ELAPSED_DAYS = "CAST(julianday(:now) - julianday(c.last_review) AS INTEGER)"  # whole days since

# Days since the last review as a fraction, at least 0 (SQLite's times are exact to a millisecond).
ELAPSED_AT_LEAST_0 = "MAX(julianday(:now) - julianday(c.last_review), 0)"
DAYS_ERROR = 1e-6  # more than SQLite's error on ELAPSED_AT_LEAST_0 (2 ms), in days

# The first of today's reviews without ranking every due card: recall falls as whole elapsed days
# over stability grows, so one deck's cards with the largest upper bound of that ratio come first
# (`tutor.queue.Today.first` ranks them exactly and asks for more until none left can come first).
# A card without a stability or a last review comes first: Python ranks it. `c.phase + 0`: SQLite
# reads the covering index ix_card_browse from the deck's first entry instead of each card's row.
REVIEW_RISK_TOP = (
    "SELECT c.id, c.stability, c.last_review, "
    "CASE WHEN c.stability IS NULL OR c.stability <= 0 OR c.last_review IS NULL THEN 1e300 "
    f"ELSE ({ELAPSED_AT_LEAST_0} + {DAYS_ERROR}) / c.stability END AS risk "
    f"FROM card c WHERE {AVAILABLE} AND c.deck_id = :deck AND c.phase + 0 = {REVIEW} "
    "AND c.due < :day_end ORDER BY risk DESC LIMIT :limit"
)

# The queue's SQL is written in SQLite's words; a PostgreSQL connection says these instead.
POSTGRESQL_WORDS = (
    ("instr(", "strpos("),
    (ELAPSED_DAYS, "FLOOR(EXTRACT(EPOCH FROM (:now - c.last_review)) / 86400)"),
    (ELAPSED_AT_LEAST_0, "GREATEST(EXTRACT(EPOCH FROM (:now - c.last_review)) / 86400, 0)"),
    (" LIKE ", " ILIKE "),  # SQLite's LIKE ignores ASCII case, PostgreSQL's does not
)


def for_postgresql(sql: str) -> str:
    """The queue's SQL in PostgreSQL's words (same meaning: 1-based position or 0; whole days)."""
    for sqlite_words, postgresql_words in POSTGRESQL_WORDS:
        sql = sql.replace(sqlite_words, postgresql_words)
    return sql


def in_decks(deck_ids: Sequence[int] | None, column: str = "c.deck_id") -> str:
    """The `{decks}` filter: nothing for every deck, else an IN list of integer ids."""
    if deck_ids is None:
        return ""
    return f"AND {column} IN ({','.join(str(int(i)) for i in deck_ids) or 'NULL'})"


def stamp(moment: datetime) -> str:
    """A UTC instant in the text form SQLAlchemy stores in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class SqliteReader:
    """Runs the queue's SQL on an open stdlib sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        encoded = {k: stamp(v) if isinstance(v, datetime) else v for k, v in values.items()}
        return self.conn.execute(sql, encoded).fetchall()

    def each(self, sql: str, values: Mapping[str, Any]) -> Iterator[Sequence[Any]]:
        encoded = {k: stamp(v) if isinstance(v, datetime) else v for k, v in values.items()}
        yield from self.conn.execute(sql, encoded)


@contextmanager
def sqlite_reader(path: Path) -> Iterator[SqliteReader | None]:
    """A reader on the collection file (None if there is none yet); every sqlite3 error inside
    becomes the project's StoreError naming the file."""
    if not path.exists():
        yield None
        return
    check_header(path)  # a folder, an empty or a non-SQLite file is refused, as by every command
    try:
        conn = sqlite3.connect(path, timeout=10)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        yield SqliteReader(conn) if schema_version_of(conn, path) is not None else None
    except sqlite3.DatabaseError as exc:
        raise unreadable(path, exc) from None
    finally:
        conn.close()
