"""The card browser as the TUI reaches it: searches, card info and the actions that write."""

from __future__ import annotations

from datetime import datetime

from tutor.card_history import CardInfo, card_info
from tutor.card_query import parse_query
from tutor.card_search import CardsPage, count_matches, find_page
from tutor.config import Settings
from tutor.day import day_bounds
from tutor.known_tags import require_known
from tutor.store.card_actions import forget_card
from tutor.store.db import Database
from tutor.store.flags import change_flags
from tutor.store.queue import StoreReader


def search_page(
    db: Database, text: str, settings: Settings, now: datetime, offset: int = 0
) -> CardsPage:
    """A page of the cards a search text finds, not counted (ConfigError: a term not understood;
    NotFoundError: it finds nothing and names a tag that is not known, tutor.known_tags)."""
    query = parse_query(text)
    with db.read() as conn:
        reader = StoreReader(conn)
        page = find_page(reader, query, settings, now, offset=offset)
        if not page.cards and offset == 0:
            require_known(reader, query.tags, settings, now)
        return page


def require_known_tags(
    db: Database, tags: tuple[str, ...], settings: Settings, now: datetime
) -> None:
    """NotFoundError for the first of `tags` that is not known (tutor.known_tags)."""
    if tags:
        with db.read() as conn:
            require_known(StoreReader(conn), tags, settings, now)


def search_count(db: Database, text: str, settings: Settings, now: datetime) -> int:
    """How many cards a search text finds."""
    query = parse_query(text)
    with db.read() as conn:
        return count_matches(StoreReader(conn), query, settings, now)


def info(db: Database, card_id: int, settings: Settings, now: datetime) -> CardInfo | None:
    """A card's info and history (None: no such card)."""
    with db.read() as conn:
        return card_info(StoreReader(conn), card_id, settings, now)


def set_suspended(db: Database, card_id: int, suspended: bool) -> None:
    with db.write() as conn:
        change_flags(conn, card_id, suspended=suspended)


def set_buried(db: Database, card_id: int, buried: bool, settings: Settings, now: datetime) -> None:
    """Bury until the learning day ends, or unbury."""
    _start, end = day_bounds(now, settings.day_starts_at, settings.tzinfo())
    with db.write() as conn:
        change_flags(conn, card_id, buried_until=end if buried else None)


def forget(db: Database, card_id: int, now: datetime) -> None:
    """Back to new; the answers stay in the log."""
    with db.write() as conn:
        forget_card(conn, card_id, now)
