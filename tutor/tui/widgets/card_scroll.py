"""The scrolling area that holds a card: back to its top, without the last card's scrollbar."""

from __future__ import annotations

from typing import Any

from textual._styles_cache import StylesCache
from textual.containers import VerticalScroll
from textual.strip import Strip

KEPT_LOOKS = 8  # sizes and colours whose lines are kept (a resize or a theme adds one)


class BlankLines(StylesCache):
    """The lines of a container that draws no content of its own (its children draw over it),
    kept for each look it has had: its size, content size, padding, colours and styles.

    Textual drops a widget's drawn lines whenever it is refreshed whole, which a container is
    at every card (its content's height or its scrollbar changes), so each next question drew
    the card area's blank lines again (about 2 ms a key). Those lines follow from the look
    alone, so the lines drawn for a look are used again whenever that look comes back.
    """

    def __init__(self) -> None:
        super().__init__()
        self._by_look: dict[tuple[object, ...], dict[int, Strip]] = {}

    def clear(self) -> None:
        self._cache = {}  # the lines drawn so far stay kept under their look
        self._dirty_lines.clear()

    def render(self, styles: Any, size: Any, *args: Any, **kwargs: Any) -> list[Strip]:
        base_background, background, _line, _filters, title, subtitle = args
        look = (
            size,
            kwargs.get("content_size"),
            kwargs.get("padding"),
            base_background,
            background,
            styles._cache_key,
            kwargs.get("opacity"),
            id(kwargs.get("ansi_theme")),
            kwargs.get("native_ansi"),
            title,
            subtitle,
        )
        lines = self._by_look.pop(look, None)
        if lines is None:
            lines = {}
            if len(self._by_look) >= KEPT_LOOKS:
                del self._by_look[next(iter(self._by_look))]  # the look least recently used
        self._by_look[look] = self._cache = lines
        self._dirty_lines.clear()  # a blank line's look is its whole input
        self._width = size.width
        return super().render(styles, size, *args, **kwargs)


class CardScroll(VerticalScroll):
    """Scrolls the card's question, options and feedback; arrow keys move it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._styles_cache = BlankLines()

    def start_over(self) -> None:
        """Scroll to the top for a new card, and drop the scrollbar a long answer needed.

        Textual decides on the scrollbar after the layout it is in, so the next card's first
        frame would still carry the answer's bar, and a second layout would take it away. A
        card that is longer than the screen gets its bar back after the layout, as before.
        """
        self.scroll_home(animate=False)
        if self.show_vertical_scrollbar:
            self.show_vertical_scrollbar = False
            self.vertical_scrollbar.display = False
