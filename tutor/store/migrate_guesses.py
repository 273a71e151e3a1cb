"""Schema 9 -> 10 in the caller's transaction: the guessing rollup, filled from the review log."""

from __future__ import annotations

from sqlalchemy import Connection

from tutor.store import rollups, tables


def guesses_rolled_up(conn: Connection) -> None:
    """Create `guess_rollup` and sum the log's day's first answers of review cards into it."""
    tables.guess_rollup_table.create(conn, checkfirst=True)
    rollups.rebuild(conn, rollups.GUESSES)
