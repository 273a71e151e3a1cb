"""Schema 11 -> 12 in the caller's transaction: each option's card's deck, or NULL if retired."""

from __future__ import annotations

from sqlalchemy import Connection, inspect, select

from tutor.store.choices import ACTIVE_DECK
from tutor.store.migrate_reviews import _pause_if_asked
from tutor.store.tables import card_table, option_table

COLUMN = "active_deck_id"


def option_decks_kept(conn: Connection) -> None:
    """Add `active_deck_id` to every card option, filled from its card (`choices.ACTIVE_DECK`).
    A table made by migration 7 from today's definition has the column already."""
    if COLUMN not in {column["name"] for column in inspect(conn).get_columns("card_option")}:
        conn.exec_driver_sql(f"ALTER TABLE card_option ADD COLUMN {COLUMN} INTEGER")
    o, c = option_table.c, card_table.c
    conn.execute(
        option_table.update().values(
            active_deck_id=select(ACTIVE_DECK).where(c.id == o.card_id).scalar_subquery()
        )
    )
    _pause_if_asked()
