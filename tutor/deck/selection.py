"""Which decks a list of names selects: each named deck and its sub-decks (`A` selects `A::B`)."""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = "::"


class DeckSelection:
    """Deck names and everything below them; a test per deck name costs its depth, not the list."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)

    def __contains__(self, deck_name: str) -> bool:
        parts = deck_name.split(SEPARATOR)
        return any(
            SEPARATOR.join(parts[:depth]) in self.names for depth in range(1, len(parts) + 1)
        )
