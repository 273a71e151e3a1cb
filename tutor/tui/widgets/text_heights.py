"""Heights of card text at a width, remembered by the text itself: a card prepared ahead (or
seen before) is laid out without wrapping its text again."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import cast

from textual.css.styles import RenderStyles, RulesMap
from textual.visual import Visual

MEMORY = 512  # distinct (text, width) pairs kept; a few hundred cards' questions and options


class TextHeights:
    """Lines a visual takes at a width, keyed by what it shows (its source text, never a card
    id): a card edited since it was prepared has another key, so a height is never stale."""

    def __init__(self) -> None:
        self._heights: dict[tuple[Hashable, int], int] = {}

    def __len__(self) -> int:
        """How many heights are remembered."""
        return len(self._heights)

    def height(
        self, key: Hashable, width: int, styles: RenderStyles, visual: Callable[[], Visual]
    ) -> int:
        """The height of `visual()` at `width` with these styles, wrapped once per key and width."""
        found = self._heights.get((key, width))
        if found is None:
            if len(self._heights) >= MEMORY:
                self._heights.clear()
            rules = cast(RulesMap, styles)  # as Textual's own layout passes a widget's styles
            found = self._heights[key, width] = visual().get_height(rules, width)
        return found
