"""The card browser's actions that write: forget (back to new, the history kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

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
