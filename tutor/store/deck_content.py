"""The content of chosen decks as stored: names, tags, and the text of every active card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from tutor.deck.selection import DeckSelection
from tutor.store.tables import card_table, deck_table


@dataclass(frozen=True)
class OptionContent:
    text: str
    correct: bool
    reasoning: str


@dataclass(frozen=True)
class CardContent:
    """One active card's text and identity (its id from the deck file, else its key)."""

    slug: str | None
    key: str
    question: str
    body: str
    options: tuple[OptionContent, ...]
    explanation: str
    answer: str


@dataclass(frozen=True)
class DeckContent:
    """One deck: name (`::` nesting), description, tags, when its file last changed, cards."""

    name: str
    description: str
    tags: tuple[str, ...]
    updated_at: datetime
    cards: list[CardContent] = field(default_factory=list)


def _options(stored: list[dict[str, Any]]) -> tuple[OptionContent, ...]:
    return tuple(
        OptionContent(str(o["text"]), bool(o["correct"]), str(o.get("reasoning", "")))
        for o in stored
    )


def deck_contents(conn: Connection, names: Sequence[str] | None = None) -> list[DeckContent]:
    """Every deck (or those named and their sub-decks) by name, cards in deck order."""
    selected = DeckSelection(names) if names else None
    decks: dict[int, DeckContent] = {}
    d = deck_table.c
    for row in conn.execute(
        select(d.id, d.name, d.description, d.settings, d.updated_at).order_by(d.name)
    ):
        if selected is None or row.name in selected:
            tags = tuple(str(t) for t in (row.settings or {}).get("tags") or ())
            decks[row.id] = DeckContent(row.name, row.description, tags, row.updated_at)
    c = card_table.c
    columns = (c.deck_id, c.slug, c.key, c.question, c.body, c.options, c.explanation, c.answer)
    ids = list(decks)
    for start in range(0, len(ids), 500):
        query = (
            select(*columns)
            .where(c.retired.is_(False), c.deck_id.in_(ids[start : start + 500]))
            .order_by(c.deck_id, c.position, c.id)
        )
        for card in conn.execute(query):
            decks[card.deck_id].cards.append(
                CardContent(
                    card.slug,
                    card.key,
                    card.question,
                    card.body,
                    _options(card.options or []),
                    card.explanation,
                    card.answer,
                )
            )
    return list(decks.values())
