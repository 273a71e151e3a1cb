"""Cards looked up by their id slug: the card's row id and its deck's."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from tutor.store.tables import card_table

CHUNK = 500  # slugs per IN (...) list


def cards_by_slug(conn: Connection, slugs: Sequence[str]) -> dict[str, tuple[int, int]]:
    """For each slug held by a card: (card id, deck id)."""
    c = card_table.c
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(slugs), CHUNK):
        rows = conn.execute(
            select(c.slug, c.id, c.deck_id).where(c.slug.in_(slugs[start : start + CHUNK]))
        )
        found.update({str(r.slug): (int(r.id), int(r.deck_id)) for r in rows})
    return found
