"""The fit's read of an SQLite review log: card ranges read by a thread while the pass works."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from tutor.collection_file import unreadable
from tutor.store import log_pass
from tutor.store.log_pass import LogArrays


def read_log(
    path: Path,
    deck_ids: Sequence[int] | None,
    *,
    by_time: bool = False,
    cards_per_range: int | None = None,
) -> LogArrays:
    """The LogArrays of every answer (of the given decks, or all) in the SQLite file at `path`,
    by card then id (or then time), in one read transaction (one state of the log). Raises
    log_pass.OutOfOrderError when a card's answers go back in time in the order read."""
    try:
        conn = sqlite3.connect(path, timeout=10, check_same_thread=False)
    except sqlite3.DatabaseError as exc:
        raise unreadable(path, exc) from None
    try:
        conn.execute("BEGIN")
        low, high = conn.execute(log_pass.BOUNDS_SQL).fetchone()
        if low is None:  # no answers
            return LogArrays()
        return log_pass.pass_over(
            conn,
            low,
            high + 1,
            deck_ids,
            by_time=by_time,
            cards_per_range=cards_per_range or log_pass.CARDS_PER_RANGE,
        )
    except sqlite3.DatabaseError as exc:
        raise unreadable(path, exc) from None
    finally:
        conn.close()
