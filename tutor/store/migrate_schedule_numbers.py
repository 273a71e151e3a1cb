"""Schema 10 -> 11 in the caller's transaction: each card's schedule as the statistics count it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text

from tutor.store.migrate_reviews import BATCH, _pause_if_asked
from tutor.store.tables import card_table, schedule_numbers

COLUMNS = (("last_review_us", "BIGINT"), ("interval_days", "INTEGER"))


def schedule_numbers_kept(conn: Connection) -> None:
    """Add `last_review_us` and `interval_days` to every card, filled from its `last_review` and
    `due` (`tables.schedule_numbers`), and rebuild the card browser's covering index with them."""
    for name, kind in COLUMNS:
        conn.exec_driver_sql(f"ALTER TABLE card ADD COLUMN {name} {kind}")
    update = text(
        "UPDATE card SET last_review_us = :last_review_us, interval_days = :interval_days "
        "WHERE id = :card"
    )
    c = card_table.c
    stored = conn.execute(
        select(c.id, c.last_review, c.due).where(c.last_review.is_not(None)).order_by(c.id)
    )
    rows: list[dict[str, Any]] = []
    for card_id, last_review, due in stored.fetchall():
        rows.append({"card": card_id, **schedule_numbers(last_review, due)})
        if len(rows) >= BATCH:
            conn.execute(update, rows)
            rows.clear()
    if rows:
        conn.execute(update, rows)
    conn.exec_driver_sql("DROP INDEX ix_card_browse")
    next(i for i in card_table.indexes if i.name == "ix_card_browse").create(conn)
    _pause_if_asked()
