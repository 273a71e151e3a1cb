"""A collection put back in the version-10 shape: no schedule numbers beside the cards' times."""

from __future__ import annotations

from sqlalchemy import Connection, text

from tests.helpers.version_13 import back_to_version_13
from tutor.store.db import BROWSE_INDEX_V5
from tutor.store.migrate_schedule_numbers import COLUMNS


def back_to_version_10(conn: Connection) -> None:
    """Drop `last_review_us` and `interval_days` (and the covering index holding them: version
    10's is made again), stamp version 10."""
    back_to_version_13(conn)
    conn.execute(text("DROP INDEX IF EXISTS ix_card_browse"))
    for name, _kind in COLUMNS:
        conn.execute(text(f"ALTER TABLE card DROP COLUMN {name}"))
    conn.execute(text(BROWSE_INDEX_V5))
    conn.execute(text("UPDATE meta SET value = '10' WHERE key = 'schema_version'"))
