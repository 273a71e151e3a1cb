"""Which decks a list of names selects: each named deck and its sub-decks (`A` selects `A::B`),
case-insensitively as a user types it, every other character (`_`, `%`) taken literally."""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = "::"


def _key(name: str) -> str:
    return name.casefold()


class DeckSelection:
    """Deck names and everything below them; a test per deck name costs its depth, not the list.

    The one rule for deck names, used by the queue, `tutor due`, the statistics, the suspended
    list, the import's refresh and the first paint. Chosen in Python: one SQL `OR` per name
    overflows SQLite's expression depth at about 600 names, and SQL's LIKE takes `_` and `%` as
    wildcards.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(_key(name) for name in names)

    def __contains__(self, deck_name: str) -> bool:
        parts = _key(deck_name).split(SEPARATOR)
        return any(
            SEPARATOR.join(parts[:depth]) in self.names for depth in range(1, len(parts) + 1)
        )
