"""The end-of-session nudge to run `tutor optimize` once enough answers or days have piled up."""

from __future__ import annotations

from datetime import datetime

from tutor.config import Settings
from tutor.day import day_number
from tutor.store import fitting as store
from tutor.store.db import Database

ANSWERS = 1000  # answers since the last fit (or ever, before the first) that call for a fit
DAYS = 30  # days since the last fit that call for one (with at least one answer since)


def suggestion(db: Database, now: datetime, settings: Settings) -> str | None:
    """A line suggesting `tutor optimize`, or None when too little changed since the last fit."""
    with db.read() as conn:
        last = store.last_fit_at(conn)
        since_day = day_number(last, settings.day_starts_at, settings.tzinfo()) if last else 0
        answers = store.answers_since(conn, last, since_day)
    if last is None:
        if answers < ANSWERS:
            return None
        return (
            f"{answers:,} answers so far and FSRS was never fitted to them: "
            "`tutor optimize` may schedule you better."
        )
    days = (now - last).days
    if answers >= ANSWERS or (days >= DAYS and answers > 0):
        return (
            f"{answers:,} answers in {days} days since FSRS was last fitted to you: "
            "`tutor optimize` may schedule you better."
        )
    return None
