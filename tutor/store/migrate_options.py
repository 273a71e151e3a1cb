"""Schema 7 -> 8 in the caller's transaction: options in their compact form, leaner indexes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam

from tutor.card_options import decode_options
from tutor.store import tables
from tutor.store.migrate_reviews import BATCH, _pause_if_asked

OLD_INDEXES = ("ix_review_card_time", "ix_card_due")  # (card, time) and due: see tables.py


def compact_card_options(conn: Connection) -> None:
    """Rewrite every card's options as `tutor.card_options` stores them, index a card's answers
    by card alone (the index's rowid is the id) and drop the due index the queue never reads."""
    for name in OLD_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    next(i for i in tables.review_table.indexes if i.name == "ix_review_card").create(
        conn, checkfirst=True
    )
    c = tables.card_table.c
    update = (
        tables.card_table.update()
        .where(c.id == bindparam("card"))
        .values(options=bindparam("compact", type_=tables.CardOptions()))
    )
    stored = conn.exec_driver_sql("SELECT id, options FROM card ORDER BY id")
    rows: list[dict[str, Any]] = []
    for card_id, options in stored.fetchall():
        rows.append({"card": card_id, "compact": decode_options(options)})
        if len(rows) >= BATCH:
            conn.execute(update, rows)
            rows.clear()
    if rows:
        conn.execute(update, rows)
    _pause_if_asked()
