"""The card browser's forget (back to new, the history kept), and when each card was forgotten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from tutor.state import CardState, Phase
from tutor.store.reviews import state_values
from tutor.store.tables import card_forget_table, card_table


def forget_card(conn: Connection, card_id: int, now: datetime) -> None:
    """Put a card back among the new cards; its answers stay in the log (and in card info), and
    `tutor check` replays only the answers after the last forget."""
    new = CardState(phase=Phase.NEW)
    c = card_table.c
    conn.execute(
        card_table.update()
        .where(c.id == card_id)
        .values(**state_values(new), leech=False, version=c.version + 1)
    )
    conn.execute(delete(card_forget_table).where(card_forget_table.c.card_id == card_id))
    conn.execute(card_forget_table.insert().values(card_id=card_id, forgotten_at=now))


def forgotten_at(conn: Connection) -> dict[int, datetime]:
    """When each forgotten card was last forgotten: its answers until then are history, no longer
    the source of its state."""
    f = card_forget_table.c
    return {
        int(row.card_id): row.forgotten_at
        for row in conn.execute(select(f.card_id, f.forgotten_at))
    }
