"""A collection put back in the version-12 shape: no picks kept on the card options."""

from __future__ import annotations

from sqlalchemy import Connection, text

from tests.helpers.version_13 import back_to_version_13
from tutor.chosen import CHOSE
from tutor.store.migrate_option_picks import COLUMNS

# The wrong options' picks as schema 12 counted them: every pick read from the log (the part
# of `tutor.stats_sql.WRONG_PICKS` that schema 13's kept picks replaced); `{recent}` is a
# condition on a pick's answer (`r.day >= N`).
LOGGED_PICKS = (
    "WITH w AS MATERIALIZED (SELECT o.card_id, MAX(o.active_deck_id) AS deck_id, o.text, "
    "count(*) AS picked, "
    "count(*) FILTER (WHERE {recent}) AS recent, MAX(r.day) AS last_day "
    "FROM card_option o CROSS JOIN review r "
    f"WHERE r.card_id = o.card_id AND {CHOSE.format(review='r', option='o')} "
    "AND o.correct = FALSE AND o.active_deck_id IS NOT NULL {decks} {cards} "
    "GROUP BY o.card_id, o.number), "
)


def logged_picks(kept: str, recent: str, decks: str) -> str:
    """`tutor.stats_sql.WRONG_PICKS` formatted (`kept`) with its first part read from the log
    as schema 12 did."""
    head = kept[: kept.index(" m AS MATERIALIZED")]
    return kept.replace(head, LOGGED_PICKS.format(recent=recent, decks=decks, cards=""))


def back_to_version_12(conn: Connection) -> None:
    """Drop the card options' picks and their first and last day, stamp version 12."""
    back_to_version_13(conn)
    for column in COLUMNS:
        conn.execute(text(f"ALTER TABLE card_option DROP COLUMN {column}"))
    conn.execute(text("UPDATE meta SET value = '12' WHERE key = 'schema_version'"))
