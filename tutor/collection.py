"""The open collection as the UI sees it: opened, and counted per deck, through the core (the
TUI never imports `tutor.store`)."""

from __future__ import annotations

from datetime import datetime

from tutor.config import Settings
from tutor.store.db import Database as Database  # re-exported
from tutor.store.db import open_database as open_database  # re-exported
from tutor.store.repository import DeckCounts


def deck_counts(db: Database, settings: Settings, now: datetime) -> list[DeckCounts]:
    """Every deck's card counts, with what today's queue holds for it (`tutor decks`)."""
    from tutor.day import day_bounds
    from tutor.store.repository import deck_counts as counted

    _start, end = day_bounds(now, settings.day_starts_at, settings.tzinfo())
    with db.read() as conn:
        return counted(conn, now, end, settings)
