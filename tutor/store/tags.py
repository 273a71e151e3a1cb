"""Cards' own tags (a `Tags:` line): written with each deck sync, read by the browser's tag:."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from tutor.deck.models import Deck
from tutor.store.tables import card_table, card_tag_table


def sync_card_tags(conn: Connection, deck_id: int, deck: Deck) -> None:
    """Make the stored tags of the deck's active cards those its file gives, in the caller's
    transaction. A deck whose cards have no tags (and had none) costs one query."""
    c = card_table.c
    deck_cards = select(c.id).where(c.deck_id == deck_id)
    had = conn.execute(
        select(card_tag_table.c.card_id).where(card_tag_table.c.card_id.in_(deck_cards)).limit(1)
    ).first()
    if had is None and not any(card.tags for card in deck.cards):
        return
    conn.execute(delete(card_tag_table).where(card_tag_table.c.card_id.in_(deck_cards)))
    active = select(c.position, c.id).where(c.deck_id == deck_id, c.retired.is_(False))
    by_position = {int(row.position): int(row.id) for row in conn.execute(active)}
    rows = [
        {"card_id": by_position[position], "tag": tag}
        for position, card in enumerate(deck.cards)
        if position in by_position
        for tag in card.tags
    ]
    if rows:
        conn.execute(card_tag_table.insert(), rows)
