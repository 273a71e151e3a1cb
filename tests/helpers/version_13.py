"""A collection put back in the version-13 shape: each answer's choices as review_choice rows."""

from __future__ import annotations

from sqlalchemy import Connection, text

from tutor.chosen import chosen_list
from tutor.store.migrate_choices import CHOICE_TABLE, INSERT_CHOICE


def back_to_version_13(conn: Connection) -> None:
    """Write review_choice again from each answer's `chosen_numbers` (a row per choice, its
    place and the answer's day), drop the column, stamp version 13."""
    answers = conn.execute(
        text("SELECT id, card_id, day, chosen_numbers FROM review WHERE chosen_numbers IS NOT NULL")
    ).all()
    rowid = " WITHOUT ROWID" if conn.dialect.name == "sqlite" else ""
    conn.execute(text(CHOICE_TABLE + rowid))
    rows = [
        {"card_id": card, "review_id": i, "position": place, "option_number": number, "day": day}
        for i, card, day, chosen in answers
        for place, number in enumerate(chosen_list(chosen))
    ]
    if rows:
        conn.execute(INSERT_CHOICE, rows)
    conn.execute(text("ALTER TABLE review DROP COLUMN chosen_numbers"))
    conn.execute(text("UPDATE meta SET value = '13' WHERE key = 'schema_version'"))
