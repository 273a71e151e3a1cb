"""Schema 12 -> 13 in the caller's transaction: each card option's picks, first and last day."""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from tutor.store.choices import recount_picks
from tutor.store.migrate_reviews import _pause_if_asked

COLUMNS = {  # what each column is added as (an older table made by migration 7 has them)
    "picks": "INTEGER DEFAULT 0 NOT NULL",
    "first_pick_day": "INTEGER",
    "last_pick_day": "INTEGER",
}


def option_picks_kept(conn: Connection) -> None:
    """Add `picks`, `first_pick_day` and `last_pick_day` to every card option, counted from
    review_choice (`choices.recount_picks`)."""
    present = {column["name"] for column in inspect(conn).get_columns("card_option")}
    for name, kind in COLUMNS.items():
        if name not in present:
            conn.exec_driver_sql(f"ALTER TABLE card_option ADD COLUMN {name} {kind}")
    recount_picks(conn)
    _pause_if_asked()
