"""Cards' own tags (a `Tags:` line): written with each deck sync, read by the browser's tag:,
the export, and `tutor export --tag`'s choice of cards."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select

from tutor.deck.models import Deck
from tutor.store.tables import card_table, card_tag_table, deck_table


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


def own_tags(conn: Connection) -> dict[int, list[str]]:
    """Each card's own tags (its `Tags:` line), sorted."""
    t = card_tag_table.c
    tags: dict[int, list[str]] = {}
    for card_id, tag in conn.execute(select(t.card_id, t.tag).order_by(t.card_id, t.tag)):
        tags.setdefault(int(card_id), []).append(tag)
    return tags


def tagged_cards(conn: Connection, tags: Sequence[str]) -> set[int]:
    """The cards (retired ones included) that have every one of `tags`, as the browser's `tag:`
    reads it: the card's own tag or its deck's front-matter tag, ASCII case ignored."""
    c, t, d = card_table.c, card_tag_table.c, deck_table.c
    chosen: set[int] | None = None
    for tag in tags:
        wanted = tag.casefold()
        decks = [
            row.id
            for row in conn.execute(select(d.id, d.settings))
            if wanted in {str(each).casefold() for each in (row.settings or {}).get("tags") or ()}
        ]
        ids = {
            int(i)
            for i in conn.execute(select(t.card_id).where(func.lower(t.tag) == wanted)).scalars()
        }
        if decks:
            ids |= {
                int(i) for i in conn.execute(select(c.id).where(c.deck_id.in_(decks))).scalars()
            }
        chosen = ids if chosen is None else chosen & ids
    return chosen or set()
