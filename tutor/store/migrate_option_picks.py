"""Schema 12 -> 13 in the caller's transaction: each card option's picks, first and last day."""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from tutor.store.migrate_reviews import _pause_if_asked

COLUMNS = {  # what each column is added as (an older table made by migration 7 has them)
    "picks": "INTEGER DEFAULT 0 NOT NULL",
    "first_pick_day": "INTEGER",
    "last_pick_day": "INTEGER",
}
# Each option's picks, first and last day from review_choice (version 14 folds it into review)
PICKED = (
    "FROM review_choice ch WHERE ch.card_id = card_option.card_id "
    "AND ch.option_number = card_option.number"
)
COUNTED = (
    f"UPDATE card_option SET picks = (SELECT count(*) {PICKED}), "
    f"first_pick_day = (SELECT min(ch.day) {PICKED}), "
    f"last_pick_day = (SELECT max(ch.day) {PICKED})"
)


def option_picks_kept(conn: Connection) -> None:
    """Add `picks`, `first_pick_day` and `last_pick_day` to every card option, counted from
    review_choice."""
    present = {column["name"] for column in inspect(conn).get_columns("card_option")}
    for name, kind in COLUMNS.items():
        if name not in present:
            conn.exec_driver_sql(f"ALTER TABLE card_option ADD COLUMN {name} {kind}")
    conn.exec_driver_sql(COUNTED)
    _pause_if_asked()
