"""A collection put back in the version-11 shape: no deck kept on the card options."""

from __future__ import annotations

from sqlalchemy import Connection, text

from tests.helpers.version_13 import back_to_version_13
from tutor.store.migrate_option_decks import COLUMN


def back_to_version_11(conn: Connection) -> None:
    """Drop `card_option.active_deck_id`, stamp version 11."""
    back_to_version_13(conn)
    conn.execute(text(f"ALTER TABLE card_option DROP COLUMN {COLUMN}"))
    conn.execute(text("UPDATE meta SET value = '11' WHERE key = 'schema_version'"))
